package dialogs

import (
	"context"
	"errors"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

const (
	selfSignedWarning = "This certificate is signed by itself: no authority vouches for it."
	expiredWarning    = "It expired on 2 Jan 2026."
	notYetWarning     = "It is not valid until 1 Jun 2026 (or this computer's clock is wrong)."
	wrongHostWarning  = "It is for other servers (a.example, b.example), not for ftp.example.com."
)

func TestCertWarnings(t *testing.T) {
	c := newTestCerts(t)
	for _, tc := range []struct {
		name string
		info trust.CertInfo
		want []string
	}{
		{"vouched for", c.info("ftp.example.com", c.good, c.ca), nil},
		{"self-signed", c.info("ftp.example.com", c.self), []string{selfSignedWarning}},
		{"expired", c.info("ftp.example.com", c.expired, c.ca), []string{expiredWarning}},
		{"not yet valid", c.info("ftp.example.com", c.notYet, c.ca), []string{notYetWarning}},
		{"other servers", c.info("ftp.example.com", c.wrongHost, c.ca), []string{wrongHostWarning}},
		{"another server", c.info("files.example.com", c.good, c.ca),
			[]string{"It is for another server (ftp.example.com), not for files.example.com."}},
		{"authority not presented", c.info("ftp.example.com", c.good), nil},
		{"self-signed, expired, other server", trust.NewCertInfo("ftp.example.org", 21,
			tlsState(c.self), c.roots, leafUntil.AddDate(0, 0, 1)),
			[]string{selfSignedWarning, "It expired on 1 Sep 2027.", "It is for another server (ftp.example.com), not for ftp.example.org."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := certWarnings(tc.info)
			if !slices.Equal(got, tc.want) {
				t.Errorf("warnings:\n got %q\nwant %q", got, tc.want)
			}
		})
	}

	t.Run("signed by an unknown authority", func(t *testing.T) {
		info := trust.NewCertInfo("ftp.example.com", 21, tlsState(c.good, c.ca), emptyPool(), testNow)
		want := []string{"The certificate is signed by an unknown authority (Ferry Test CA)."}
		if got := certWarnings(info); !slices.Equal(got, want) {
			t.Errorf("warnings:\n got %q\nwant %q", got, want)
		}
	})
}

func TestCertificateDialogShowsWarnings(t *testing.T) {
	c := newTestCerts(t)
	all := []string{selfSignedWarning, expiredWarning, notYetWarning, wrongHostWarning}
	for _, tc := range []struct {
		name string
		info trust.CertInfo
		want string // the one warning shown; "" for none
	}{
		{"vouched for", c.info("ftp.example.com", c.good, c.ca), ""},
		{"self-signed", c.info("ftp.example.com", c.self), selfSignedWarning},
		{"expired", c.info("ftp.example.com", c.expired, c.ca), expiredWarning},
		{"not yet valid", c.info("ftp.example.com", c.notYet, c.ca), notYetWarning},
		{"other servers", c.info("ftp.example.com", c.wrongHost, c.ca), wrongHostWarning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWindow(t)
			ShowCertificate(w, trust.Question{Info: tc.info}, func(trust.Answer) {})
			top := uitest.Top(t, w)
			for _, warning := range all {
				if got := uitest.HasLabel(top, warning); got != (warning == tc.want) {
					t.Errorf("warning %q shown: %v", warning, got)
				}
			}
			if uitest.HasLabel(top, "The certificate of ftp.example.com has CHANGED") {
				t.Error("an unchanged certificate is said to have changed")
			}
		})
	}
}

func TestCertificateAnswers(t *testing.T) {
	c := newTestCerts(t)
	q := trust.Question{Info: c.info("ftp.example.com", c.self)}
	for _, tc := range []struct {
		button string
		want   trust.Answer
	}{
		{"Trust once", trust.Once},
		{"Always trust", trust.Always},
		{"Cancel", trust.Reject},
	} {
		t.Run(tc.button, func(t *testing.T) {
			w := newTestWindow(t)
			var got []trust.Answer
			ShowCertificate(w, q, func(a trust.Answer) { got = append(got, a) })
			b := uitest.MustButton(t, uitest.Top(t, w), tc.button)
			test.Tap(b)
			test.Tap(b) // a second tap on a closed dialog answers nothing
			if !slices.Equal(got, []trust.Answer{tc.want}) {
				t.Errorf("answers %v, want [%v]", got, tc.want)
			}
			if top := w.Canvas().Overlays().Top(); top != nil {
				t.Error("the dialog stays open after the answer")
			}
		})
	}
}

func TestCertificateSafeDefault(t *testing.T) {
	c := newTestCerts(t)
	prev := c.info("ftp.example.com", c.self)
	for _, changed := range []bool{false, true} {
		w := newTestWindow(t)
		q := trust.Question{Info: c.info("ftp.example.com", c.selfNew)}
		if changed {
			q.Changed, q.Previous = true, &prev
		}
		d := newCertificatePrompt(w, q, func(trust.Answer) {})
		d.show()
		if f := w.Canvas().Focused(); f != d.cancel {
			t.Errorf("changed=%v: focus on %v, want Cancel", changed, f)
		}
		if changed {
			if d.trustAlways.Importance == widget.HighImportance || d.cancel.Importance != widget.HighImportance {
				t.Errorf("changed: Always trust importance %v, Cancel %v: Cancel must be the default", d.trustAlways.Importance, d.cancel.Importance)
			}
			top := uitest.Top(t, w)
			for _, want := range []string{"Previous", "Now", fingerprintLines(prev.SHA256, 8), fingerprintLines(q.Info.SHA256, 8)} {
				if !uitest.HasLabel(top, want) {
					t.Errorf("changed: no %q in the dialog", want)
				}
			}
		}
		// Space on the focused button answers Cancel.
		var got trust.Answer = -1
		d.onAnswer = func(a trust.Answer) { got = a }
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if got != trust.Reject {
			t.Errorf("changed=%v: Space answered %v, want reject", changed, got)
		}
	}
}

func TestCertificateCopyFingerprint(t *testing.T) {
	c := newTestCerts(t)
	info := c.info("ftp.example.com", c.self)
	w := newTestWindow(t)
	ShowCertificateInfo(w, info)
	top := uitest.Top(t, w)
	test.Tap(uitest.MustButton(t, top, "Copy fingerprint"))
	if got := fyne.CurrentApp().Clipboard().Content(); got != info.SHA256 {
		t.Errorf("clipboard %q, want %q", got, info.SHA256)
	}
	if uitest.HasButton(top, "Trust once") || uitest.HasButton(top, "Always trust") {
		t.Error("the read-only view offers to trust")
	}
	test.Tap(uitest.MustButton(t, top, "Close"))
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Close leaves the dialog open")
	}
}

func TestCertificateInfoVouchedFor(t *testing.T) {
	c := newTestCerts(t)
	w := newTestWindow(t)
	ShowCertificateInfo(w, c.info("ftp.example.com", c.good, c.ca))
	top := uitest.Top(t, w)
	if !uitest.HasLabel(top, "A certificate authority vouches for this certificate, and it is valid for ftp.example.com.") {
		t.Errorf("no reassurance for a certificate an authority vouches for; labels %q", uitest.Labels(top))
	}
	for _, want := range []string{"ftp.example.com:21", "TLS 1.3, TLS_AES_128_GCM_SHA256", "Ed25519",
		"1. ftp.example.com, issued by Ferry Test CA, until 1 Sep 2027\n2. Ferry Test CA, issued by Ferry Test CA, until 1 Jan 2040"} {
		if !uitest.HasLabel(top, want) {
			t.Errorf("no %q in the details", want)
		}
	}
}

func TestCertificateGolden(t *testing.T) {
	c := newTestCerts(t)
	t.Run("self-signed", func(t *testing.T) {
		w := newTestWindow(t)
		ShowCertificate(w, trust.Question{Info: c.info("ftp.example.com", c.self)}, func(trust.Answer) {})
		test.AssertRendersToMarkup(t, "cert_selfsigned.xml", w.Canvas())
		capture(t, w, "cert_selfsigned.png")
	})
	t.Run("changed", func(t *testing.T) {
		w := newTestWindow(t)
		prev := c.info("ftp.example.com", c.self)
		q := trust.Question{Info: c.info("ftp.example.com", c.selfNew), Changed: true, Previous: &prev}
		ShowCertificate(w, q, func(trust.Answer) {})
		test.AssertRendersToMarkup(t, "cert_changed.xml", w.Canvas())
		capture(t, w, "cert_changed.png")
	})
}

func TestPrompter(t *testing.T) {
	c := newTestCerts(t)
	q := trust.Question{Info: c.info("ftp.example.com", c.self)}

	type result struct {
		a   trust.Answer
		err error
	}
	start := func(ctx context.Context, p *Prompter) <-chan result {
		return background(func() result { a, err := p.AskTrust(ctx, q); return result{a, err} })
	}
	newPrompter := func(t *testing.T) (*Prompter, fyne.Window, chan *certDialog) {
		w := newTestWindow(t)
		shown := make(chan *certDialog, 2)
		return &Prompter{Win: w, shown: func(d *certDialog) { shown <- d }}, w, shown
	}

	t.Run("answer", func(t *testing.T) {
		p, w, shown := newPrompter(t)
		res := start(t.Context(), p)
		d := <-shown
		test.Tap(d.trustAlways)
		r := <-res
		if r.err != nil || r.a != trust.Always {
			t.Errorf("AskTrust = %v, %v; want always trust, nil", r.a, r.err)
		}
		if w.Canvas().Overlays().Top() != nil {
			t.Error("the dialog stays open after the answer")
		}
	})

	t.Run("context ends", func(t *testing.T) {
		p, w, shown := newPrompter(t)
		d := endContext(t, w, shown, func(ctx context.Context) error {
			a, err := p.AskTrust(ctx, q)
			if a != trust.Reject {
				t.Errorf("AskTrust = %v, %v; want reject, context.Canceled", a, err)
			}
			return err
		})
		test.Tap(d.trustOnce) // too late: nobody listens, nothing blocks
	})

	t.Run("one question at a time", func(t *testing.T) {
		p, _, shown := newPrompter(t)
		first := start(t.Context(), p)
		d := <-shown
		ctx, cancel := context.WithCancel(t.Context())
		second := start(ctx, p)
		cancel()
		if r := <-second; !errors.Is(r.err, context.Canceled) {
			t.Errorf("second AskTrust while the first is open = %v, %v; want context.Canceled", r.a, r.err)
		}
		select {
		case <-shown:
			t.Error("a second dialog was shown while the first was open")
		default:
		}
		test.Tap(d.cancel)
		if r := <-first; r.err != nil || r.a != trust.Reject {
			t.Errorf("first AskTrust = %v, %v; want reject, nil", r.a, r.err)
		}
	})
}
