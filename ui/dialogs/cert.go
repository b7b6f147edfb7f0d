package dialogs

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// ShowCertificate asks, in a dialog over win, whether to trust the server's
// certificate q describes: "Trust once", "Always trust" or "Cancel". It
// returns at once; onAnswer is called once, on the UI goroutine, with
// session.TrustOnce, session.TrustAlways or session.Reject (Cancel). The
// dialog reads top down: what is wrong, in plain words (for a changed
// certificate, a loud warning and the old certificate beside the new one),
// then the certificate's details. Cancel has the keyboard focus. Call it on
// the UI goroutine; from another goroutine use Prompter.
func ShowCertificate(win fyne.Window, q trust.Question, onAnswer func(trust.Answer)) {
	newCertificatePrompt(win, q, onAnswer).show()
}

// ShowCertificateInfo shows the certificate info describes, read-only, in a
// dialog over win with a Close button: for the lock icon of a connection.
// Call it on the UI goroutine.
func ShowCertificateInfo(win fyne.Window, info trust.CertInfo) {
	newCertificateInfo(win, info).show()
}

// certDialog is a certificate dialog: a prompt, or the read-only view when
// the answer buttons are nil. Used on the UI goroutine only.
type certDialog struct {
	modal
	info     trust.CertInfo
	onAnswer func(trust.Answer)

	trustOnce, trustAlways, cancel *esc.Button // nil in the read-only view
	close, copyFingerprint         *esc.Button
}

func newCertificatePrompt(win fyne.Window, q trust.Question, onAnswer func(trust.Answer)) *certDialog {
	c := &certDialog{modal: modal{win: win}, info: q.Info, onAnswer: onAnswer}
	c.copyFingerprint = esc.NewButton(win, "Copy fingerprint", theme.ContentCopyIcon(), widget.MediumImportance, c.copySHA256)
	c.cancel = esc.NewButton(win, "Cancel", theme.CancelIcon(), widget.MediumImportance, c.reject)
	c.trustOnce = esc.NewButton(win, "Trust once", nil, widget.MediumImportance, c.acceptOnce)
	c.trustAlways = esc.NewButton(win, "Always trust", nil, widget.MediumImportance, c.acceptAlways)
	title := "Trust the certificate of " + q.Info.Host + "?"
	if q.Changed {
		// The safe answer stands out; nothing draws the eye to the
		// answers that would let an interception through.
		title = "The certificate of " + q.Info.Host + " has CHANGED"
		c.cancel.Importance = widget.HighImportance
	} else {
		c.trustOnce.Importance = widget.HighImportance
	}
	c.dlg = dialog.NewCustomWithoutButtons(title, c.scroll(certBody(q, true, c.copyFingerprint)), win)
	c.dlg.SetButtons([]fyne.CanvasObject{c.cancel, c.trustOnce, c.trustAlways})
	return c
}

func newCertificateInfo(win fyne.Window, info trust.CertInfo) *certDialog {
	c := &certDialog{modal: modal{win: win}, info: info}
	c.copyFingerprint = esc.NewButton(win, "Copy fingerprint", theme.ContentCopyIcon(), widget.MediumImportance, c.copySHA256)
	c.close = esc.NewButton(win, "Close", nil, widget.MediumImportance, c.dismiss)
	body := certBody(trust.Question{Info: info}, false, c.copyFingerprint)
	c.dlg = dialog.NewCustomWithoutButtons("Certificate of "+info.Host, c.scroll(body), win)
	c.dlg.SetButtons([]fyne.CanvasObject{c.close})
	return c
}

func (c *certDialog) scroll(body fyne.CanvasObject) fyne.CanvasObject {
	s := container.NewVScroll(body)
	s.SetMinSize(dialogSize(c.win, 640, 480))
	return s
}

// show shows the dialog and gives the keyboard focus to its safe button,
// which Escape also taps.
func (c *certDialog) show() {
	if c.cancel != nil {
		c.open(c.reject)
		c.win.Canvas().Focus(c.cancel)
	} else {
		c.open(c.dismiss)
		c.win.Canvas().Focus(c.close)
	}
}

func (c *certDialog) acceptOnce()   { c.answer(trust.Once) }
func (c *certDialog) acceptAlways() { c.answer(trust.Always) }
func (c *certDialog) reject()       { c.answer(trust.Reject) }

func (c *certDialog) answer(a trust.Answer) {
	if !c.hide() {
		return
	}
	if c.onAnswer != nil {
		c.onAnswer(a)
	}
}

// dismiss hides the dialog without an answer.
func (c *certDialog) dismiss() { c.hide() }

func (c *certDialog) copySHA256() {
	fyne.CurrentApp().Clipboard().SetContent(c.info.SHA256)
}

// certBody lays out what a person reads: the loud part first (a changed
// certificate, the problems), then the details.
func certBody(q trust.Question, prompt bool, copyFingerprint *esc.Button) *fyne.Container {
	info := q.Info
	var rows []fyne.CanvasObject
	switch {
	case q.Changed:
		rows = append(rows, notice(theme.ErrorIcon(), &widget.Label{
			Text: "The certificate of " + info.Host + " has CHANGED since you chose to trust it. " +
				"Someone may be intercepting the connection. Continue only if the server's " +
				"administrator told you the certificate was replaced.",
			Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}, Importance: widget.DangerImportance,
		}), compareCerts(q.Previous, info), widget.NewSeparator())
	case prompt:
		rows = append(rows, &widget.Label{
			Text:      "Ferry cannot confirm that this server is really " + info.Host + ".",
			Wrapping:  fyne.TextWrapWord,
			TextStyle: fyne.TextStyle{Bold: true},
		})
	}
	warnings := certWarnings(info)
	if q.Changed && len(warnings) > 0 {
		rows = append(rows, &widget.Label{Text: "About the new certificate", TextStyle: fyne.TextStyle{Bold: true}})
	}
	for _, w := range warnings {
		rows = append(rows, notice(theme.WarningIcon(), &widget.Label{Text: w, Wrapping: fyne.TextWrapWord}))
	}
	if !prompt && len(warnings) == 0 {
		rows = append(rows, notice(theme.ConfirmIcon(), &widget.Label{
			Text:     "A certificate authority vouches for this certificate, and it is valid for " + info.Host + ".",
			Wrapping: fyne.TextWrapWord,
		}))
	}
	if prompt {
		rows = append(rows, &widget.Label{
			Text: "Compare the SHA-256 fingerprint below with the one the server's administrator gives you. " +
				"\"Trust once\" connects until Ferry quits; \"Always trust\" remembers this certificate for " +
				certAddr(info) + ".",
			Wrapping: fyne.TextWrapWord,
		})
	}
	rows = append(rows,
		widget.NewSeparator(),
		&widget.Label{Text: "Details", TextStyle: fyne.TextStyle{Bold: true}},
		certDetails(info, copyFingerprint),
	)
	return container.NewVBox(rows...)
}

// certWarnings says in plain words, one sentence each, what is wrong with
// the certificate: who vouches for it, its dates, the servers it is for,
// then weak algorithms. A changed certificate is told apart (certBody).
func certWarnings(info trust.CertInfo) []string {
	var w []string
	switch {
	case info.SelfSigned && info.ChainError != "":
		w = append(w, "This certificate is signed by itself: no authority vouches for it.")
	case info.ChainError != "":
		w = append(w, sentence(info.ChainError))
	}
	if info.Expired {
		w = append(w, "It expired on "+day(info.NotAfter)+".")
	}
	if info.NotYetValid {
		w = append(w, "It is not valid until "+day(info.NotBefore)+" (or this computer's clock is wrong).")
	}
	if len(info.Leaf) > 0 && !info.HostMatches {
		w = append(w, hostWarning(info))
	}
	// What else CertInfo finds (a weak key, an outdated signature), without
	// the problems told above.
	rest := info
	rest.HostMatches, rest.Expired, rest.NotYetValid = true, false, false
	rest.ChainError, rest.SystemError = "", ""
	for _, s := range rest.Warnings() {
		w = append(w, sentence(s))
	}
	if len(w) == 0 && info.SystemError != "" {
		w = append(w, sentence(info.SystemError))
	}
	return w
}

func hostWarning(info trust.CertInfo) string {
	names := append(slices.Clip(info.DNSNames), info.IPAddresses...)
	if len(names) == 0 && info.Subject.CN != "" {
		names = []string{info.Subject.CN}
	}
	switch len(names) {
	case 0:
		return "It names no server, so nothing says it is for " + info.Host + "."
	case 1:
		return "It is for another server (" + names[0] + "), not for " + info.Host + "."
	}
	const show = 4
	list := strings.Join(names[:min(len(names), show)], ", ")
	if len(names) > show {
		list += fmt.Sprintf(" and %d more", len(names)-show)
	}
	return "It is for other servers (" + list + "), not for " + info.Host + "."
}

// notice is one line of the loud part: an icon and wrapping text.
func notice(icon fyne.Resource, text *widget.Label) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, text)
}

// compareCerts puts the certificate trusted before beside the one the
// server presents now.
func compareCerts(prev *trust.CertInfo, now trust.CertInfo) fyne.CanvasObject {
	column := func(title string, info *trust.CertInfo) fyne.CanvasObject {
		rows := []fyne.CanvasObject{&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}}
		if info == nil {
			return container.NewVBox(append(rows, &widget.Label{Text: "Not known."})...)
		}
		return container.NewVBox(append(rows,
			&widget.Label{Text: "SHA-256", Importance: widget.LowImportance},
			mono(fingerprintLines(info.SHA256, 8)),
			valueLabel("Subject: "+orNone(info.Subject.String())),
			valueLabel("Issuer: "+orNone(info.Issuer.String())),
			valueLabel("Valid "+day(info.NotBefore)+" to "+day(info.NotAfter)),
		)...)
	}
	return container.NewGridWithColumns(2, column("Previous", prev), column("Now", &now))
}

// certDetails is the details grid: one row per fact.
func certDetails(info trust.CertInfo, copyFingerprint *esc.Button) fyne.CanvasObject {
	tls := "not known"
	if info.TLSVersion != "" {
		tls = info.TLSVersion
		if info.CipherSuite != "" {
			tls += ", " + info.CipherSuite
		}
	}
	var names []string
	names = append(names, info.DNSNames...)
	names = append(names, info.IPAddresses...)
	names = append(names, info.Emails...)
	names = append(names, info.URIs...)
	var chain []string
	for i, cc := range info.Chain {
		chain = append(chain, fmt.Sprintf("%d. %s, issued by %s, until %s", i+1, cc.Subject, cc.Issuer, day(cc.NotAfter)))
	}
	rows := []struct {
		key   string
		value fyne.CanvasObject
	}{
		{"Server", valueLabel(certAddr(info))},
		{"Subject", valueLabel(orNone(info.Subject.String()))},
		{"Issuer", valueLabel(orNone(info.Issuer.String()))},
		{"Valid from", valueLabel(instant(info.NotBefore))},
		{"Valid until", valueLabel(instant(info.NotAfter))},
		{"Alternative names", valueLabel(orNone(strings.Join(names, ", ")))},
		{"Serial", mono(orNone(info.Serial))},
		{"Key", valueLabel(orNone(info.KeyAlgorithm))},
		{"Signature algorithm", valueLabel(orNone(info.SignatureAlgorithm))},
		{"SHA-256", mono(fingerprintLines(info.SHA256, 16))},
		{"SHA-1", mono(fingerprintLines(info.SHA1, 16))},
		{"", container.NewHBox(copyFingerprint)},
		{"TLS", valueLabel(tls)},
		{"Chain", valueLabel(orNone(strings.Join(chain, "\n")))},
	}
	objs := make([]fyne.CanvasObject, 0, 2*len(rows))
	for _, r := range rows {
		objs = append(objs, &widget.Label{Text: r.key, TextStyle: fyne.TextStyle{Bold: true}}, r.value)
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// valueLabel is a detail's value: wrapping, and selectable so that it can
// be copied.
func valueLabel(s string) *widget.Label {
	return &widget.Label{Text: s, Wrapping: fyne.TextWrapWord, Selectable: true}
}

// mono is a fingerprint or serial: monospace, breaking anywhere if it must.
func mono(s string) *widget.Label {
	return &widget.Label{Text: s, Wrapping: fyne.TextWrapBreak, Selectable: true, TextStyle: fyne.TextStyle{Monospace: true}}
}

// fingerprintLines splits "AB:CD:..." into lines of perLine bytes, so that
// two fingerprints can be compared line by line.
func fingerprintLines(fp string, perLine int) string {
	if fp == "" {
		return "none"
	}
	parts := strings.Split(fp, ":")
	var lines []string
	for len(parts) > perLine {
		lines = append(lines, strings.Join(parts[:perLine], ":"))
		parts = parts[perLine:]
	}
	lines = append(lines, strings.Join(parts, ":"))
	return strings.Join(lines, "\n")
}

func certAddr(info trust.CertInfo) string {
	return net.JoinHostPort(info.Host, strconv.Itoa(info.Port))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
