package dialogs

import (
	"context"

	"fyne.io/fyne/v2"
	"github.com/ferryftps/ferry/trust"
)

// Prompter asks a person, with the certificate dialog of ShowCertificate,
// whether to trust a server's certificate. Set Win, then use a *Prompter
// from any goroutine but the UI goroutine: AskTrust blocks. It asks one
// question at a time; others wait their turn (or the end of their context).
type Prompter struct {
	// Win is the window the dialog appears over. Required.
	Win fyne.Window

	slot  oneAtATime
	shown func(*certDialog) // for tests: called on the UI goroutine once shown
}

var _ trust.Prompter = (*Prompter)(nil)

// AskTrust shows the certificate dialog for q (through uido.Do) and waits
// for the person's answer: trust.Once, trust.Always, or trust.Reject for
// Cancel, with a nil error. When ctx ends first, it hides the dialog and
// returns trust.Reject and ctx.Err(). It must not be called
// on the UI goroutine, which would wait for itself.
func (p *Prompter) AskTrust(ctx context.Context, q trust.Question) (trust.Answer, error) {
	a, err := ask(ctx, &p.slot, p.shown, func(reply func(trust.Answer)) *certDialog {
		return newCertificatePrompt(p.Win, q, reply)
	})
	if err != nil {
		return trust.Reject, err
	}
	return a, nil
}
