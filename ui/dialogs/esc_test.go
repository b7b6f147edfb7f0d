package dialogs

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

// TestEscapeCancels: Escape answers each dialog as its Cancel (or Close)
// button would, whatever has the focus, and closes only the newest.
func TestEscapeCancels(t *testing.T) {
	certs := newTestCerts(t)
	q := trust.Question{Info: certs.info("ftp.example.com", certs.self)}
	for _, tc := range []struct {
		name string
		show func(w fyne.Window, answered func(string))
		want string
	}{
		{"certificate, Cancel focused", func(w fyne.Window, answered func(string)) {
			ShowCertificate(w, q, func(a trust.Answer) { answered(a.String()) })
		}, trust.Reject.String()},
		{"certificate details", func(w fyne.Window, answered func(string)) {
			ShowCertificateInfo(w, q.Info)
		}, ""},
		{"password, entry focused", func(w fyne.Window, answered func(string)) {
			ShowPassword(w, "Office", "ann", func(pw string, _ bool, ok bool) {
				if !ok {
					answered("cancel")
				}
			})
		}, "cancel"},
		{"conflict, nothing focused", func(w fyne.Window, answered func(string)) {
			ShowConflict(w, testConflict(2000, 1000), func(_ transfers.Decision, cancelled bool) {
				if cancelled {
					answered("cancel")
				}
			})
		}, "cancel"},
		{"permissions, box focused", func(w fyne.Window, answered func(string)) {
			p := newPermDialog(w, "a.txt", "rw-r--r--", func(uint32) { answered("applied") })
			p.show()
			w.Canvas().Focus(p.checks[0])
		}, ""},
		{"name, entry focused", func(w fyne.Window, answered func(string)) {
			AskName(w, "New folder", "Create", "x", "", nil, func(string) { answered("named") })
		}, ""},
		{"Fyne's confirm", func(w fyne.Window, answered func(string)) {
			d := dialog.NewConfirm("Delete", "Delete a.txt?", func(ok bool) {
				if !ok {
					answered("no")
				}
			}, w)
			esc.Dialog(w, d)
			d.Show()
		}, "no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWindow(t)
			esc.Install(w, nil)
			var got []string
			tc.show(w, func(s string) { got = append(got, s) })
			if w.Canvas().Overlays().Top() == nil || esc.Open(w) != 1 {
				t.Fatalf("shown: overlay %v, %d dialogs Escape can close", w.Canvas().Overlays().Top(), esc.Open(w))
			}
			uitest.Escape(w)
			if top := w.Canvas().Overlays().Top(); top != nil && top.Visible() {
				t.Error("the dialog is still shown after Escape")
			}
			if esc.Open(w) != 0 {
				t.Errorf("%d dialogs still registered", esc.Open(w))
			}
			if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) != 1 || got[0] != tc.want) {
				t.Errorf("answers %q, want %q", got, tc.want)
			}
			uitest.Escape(w) // nothing left to close: harmless
		})
	}
}

// TestEscapeNewestFirst: with a dialog over a dialog, Escape closes the
// top one only.
func TestEscapeNewestFirst(t *testing.T) {
	w := newTestWindow(t)
	esc.Install(w, nil)
	var closed []string
	ShowConflict(w, testConflict(2000, 1000), func(_ transfers.Decision, cancelled bool) { closed = append(closed, "conflict") })
	esc.ShowError(errors.New("disk full"), w)
	uitest.Escape(w)
	if len(closed) != 0 || esc.Open(w) != 1 {
		t.Fatalf("after one Escape: closed %v, %d open", closed, esc.Open(w))
	}
	uitest.Escape(w)
	if len(closed) != 1 || esc.Open(w) != 0 {
		t.Fatalf("after two: closed %v, %d open", closed, esc.Open(w))
	}
}
