package dialogs

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/ui/internal/esc"
)

// ErrPasswordCancelled is returned by PasswordPrompter.AskPassword when the
// person cancels the question. It matches context.Canceled (errors.Is): the
// person chose not to connect, nothing failed.
var ErrPasswordCancelled = fmt.Errorf("password question cancelled: %w", context.Canceled)

// ShowPassword asks, in a dialog over win, for the password of user on site
// (a site whose logon type is "ask for password"): a password entry, a
// "Remember until Ferry quits" check, Connect and Cancel; Enter in the
// entry connects. It returns at once; onDone is called once, on the UI
// goroutine, with ok true and the password for Connect, or with ok false
// and an empty password for Cancel. The password is shown in no label and
// logged nowhere. Call it on the UI goroutine; from another goroutine use
// PasswordPrompter.
func ShowPassword(win fyne.Window, site, user string, onDone func(password string, remember, ok bool)) {
	newPasswordDialog(win, site, user, onDone).show()
}

// PasswordPrompter asks for the passwords of sites that ask for one on
// connect, with the dialog of ShowPassword. Set Win, then use a
// *PasswordPrompter from any goroutine but the UI goroutine: AskPassword
// blocks. It asks one question at a time; others wait their turn (or the
// end of their context).
type PasswordPrompter struct {
	// Win is the window the dialog appears over. Required.
	Win fyne.Window

	slot  oneAtATime
	shown func(*passwordDialog) // for tests: called on the UI goroutine once shown
}

// passwordReply is one answer of the password dialog.
type passwordReply struct {
	password string
	remember bool
	ok       bool
}

// AskPassword shows the password dialog (through uido.Do) and waits for the
// person. Connect returns the password typed (possibly empty) and whether to
// remember it until Ferry quits; Cancel returns ErrPasswordCancelled. When
// ctx ends first, it hides the dialog and returns ctx.Err(). It must not be
// called on the UI goroutine, which would wait for itself.
func (p *PasswordPrompter) AskPassword(ctx context.Context, site, user string) (password string, remember bool, err error) {
	rep, err := ask(ctx, &p.slot, p.shown, func(reply func(passwordReply)) *passwordDialog {
		return newPasswordDialog(p.Win, site, user, func(pw string, remember, ok bool) {
			reply(passwordReply{pw, remember, ok})
		})
	})
	switch {
	case err != nil:
		return "", false, err
	case !rep.ok:
		return "", false, fmt.Errorf("the password for %s: %w", site, ErrPasswordCancelled)
	}
	return rep.password, rep.remember, nil
}

// passwordDialog is one password question. Used on the UI goroutine only.
type passwordDialog struct {
	modal
	onDone func(password string, remember, ok bool)

	password        *esc.Entry
	remember        *esc.Check
	connect, cancel *esc.Button
}

func newPasswordDialog(win fyne.Window, site, user string, onDone func(string, bool, bool)) *passwordDialog {
	d := &passwordDialog{modal: modal{win: win}, onDone: onDone}
	d.password = esc.NewPasswordEntry(win)
	d.password.OnSubmitted = d.submit
	d.password.SetPlaceHolder("Password")
	d.remember = esc.NewCheck(win, "Remember until Ferry quits", nil)
	d.cancel = esc.NewButton(win, "Cancel", theme.CancelIcon(), widget.MediumImportance, d.cancelled)
	d.connect = esc.NewButton(win, "Connect", theme.ConfirmIcon(), widget.HighImportance, d.accept)

	who := "Ferry needs the password of " + user + " on " + site + "."
	if user == "" {
		who = "Ferry needs the password for " + site + "."
	}
	body := container.NewVBox(
		&widget.Label{Text: who, Wrapping: fyne.TextWrapWord},
		d.password,
		d.remember,
	)
	d.dlg = dialog.NewCustomWithoutButtons("Password for "+site, atLeastWide(dialogSize(win, 380, 0).Width, body), win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, d.connect})
	return d
}

func (d *passwordDialog) show() {
	d.open(d.cancelled)
	d.win.Canvas().Focus(d.password)
}

func (d *passwordDialog) submit(string) { d.accept() }

func (d *passwordDialog) accept() { d.finish(d.password.Text, d.remember.Checked, true) }

func (d *passwordDialog) cancelled() { d.finish("", false, false) }

func (d *passwordDialog) finish(password string, remember, ok bool) {
	if !d.hide() {
		return
	}
	d.password.SetText("") // the widget keeps no copy once answered
	if d.onDone != nil {
		d.onDone(password, remember, ok)
	}
}

// dismiss hides the dialog without an answer.
func (d *passwordDialog) dismiss() {
	d.hide()
	d.password.SetText("")
}
