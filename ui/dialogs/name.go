package dialogs

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/ui/internal/esc"
)

// AskName asks for a name in a small dialog over win: an entry holding
// initial, a line under it with hint, and the buttons Cancel and confirm.
// check says what is wrong with a name (nil when nothing is); while
// something is, confirm is disabled and, once the person has typed, the
// line says what. Enter confirms, Escape cancels. done is called with the
// name on confirm, not at all on Cancel. Call it on the UI goroutine.
func AskName(win fyne.Window, title, confirm, initial, hint string, check func(string) error, done func(string)) {
	newNameDialog(win, title, confirm, initial, hint, check, done).show()
}

// nameDialog is one name question. Used on the UI goroutine only.
type nameDialog struct {
	modal
	hint   string
	check  func(string) error
	onDone func(string)

	entry      *esc.Entry
	line       *widget.Label
	ok, cancel *esc.Button
}

func newNameDialog(win fyne.Window, title, confirm, initial, hint string, check func(string) error, done func(string)) *nameDialog {
	d := &nameDialog{modal: modal{win: win}, hint: hint, check: check, onDone: done}
	d.entry = esc.NewEntry(win)
	d.entry.SetText(initial)
	d.entry.OnChanged = func(string) { d.validate(true) }
	d.entry.OnSubmitted = func(string) { d.accept() }
	d.line = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	d.cancel = esc.NewButton(win, "Cancel", theme.CancelIcon(), widget.MediumImportance, d.cancelled)
	d.ok = esc.NewButton(win, confirm, theme.ConfirmIcon(), widget.HighImportance, d.accept)
	body := container.NewVBox(d.entry, d.line)
	d.dlg = dialog.NewCustomWithoutButtons(title, atLeastWide(dialogSize(win, 420, 0).Width, body), win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, d.ok})
	d.validate(false)
	return d
}

func (d *nameDialog) show() {
	d.open(d.cancelled)
	d.win.Canvas().Focus(d.entry)
}

// validate enables confirm for a good name; typed says whether to show
// what is wrong (an untouched entry shows the hint).
func (d *nameDialog) validate(typed bool) bool {
	var err error
	if d.check != nil {
		err = d.check(d.entry.Text)
	}
	d.line.Text, d.line.Importance = d.hint, widget.LowImportance
	if err != nil && typed {
		d.line.Text, d.line.Importance = err.Error(), widget.DangerImportance
	}
	d.line.Refresh() // shown even when empty: the room for a reason is kept, so nothing jumps
	if err != nil {
		d.ok.Disable()
		return false
	}
	d.ok.Enable()
	return true
}

func (d *nameDialog) accept() {
	if !d.validate(true) {
		return
	}
	name := d.entry.Text
	d.hide()
	if d.onDone != nil {
		d.onDone(name)
	}
}

func (d *nameDialog) cancelled() { d.hide() }
