// Fyne hands a key to the widget that has the keyboard focus, or to the
// canvas when none has; no widget of its own reacts to Escape. So Install
// routes Escape on an unfocused canvas, and the Button, Entry and Check
// here do the same when they have the focus. Dialogs register what Escape
// means for them with Push (or Dialog for Fyne's own dialogs).

package esc

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

type item struct{ cancel func() }

// stacks holds, per window, what Escape cancels: newest last.
var stacks = map[fyne.Window][]*item{}

// Push makes Escape on win call cancel until done is called (done may be
// called more than once). The newest push wins.
func Push(win fyne.Window, cancel func()) (done func()) {
	it := &item{cancel: cancel}
	stacks[win] = append(stacks[win], it)
	return func() {
		s := stacks[win]
		for i := len(s) - 1; i >= 0; i-- {
			if s[i] == it {
				s = append(s[:i], s[i+1:]...)
				break
			}
		}
		if len(s) == 0 {
			delete(stacks, win)
		} else {
			stacks[win] = s
		}
	}
}

// Dialog makes Escape hide d, which for Fyne's dialogs answers "no" (the
// Cancel or Close button), until d closes.
func Dialog(win fyne.Window, d dialog.Dialog) {
	done := Push(win, d.Hide)
	d.SetOnClosed(done)
}

// Cancel cancels the newest dialog registered on win and reports whether
// there was one.
func Cancel(win fyne.Window) bool {
	s := stacks[win]
	if len(s) == 0 {
		return false
	}
	s[len(s)-1].cancel()
	return true
}

// Open reports how many dialogs Escape could cancel on win.
func Open(win fyne.Window) int { return len(stacks[win]) }

// Install routes Escape typed while no widget has the focus to Cancel,
// and any other key to next (which may be nil).
func Install(win fyne.Window, next func(*fyne.KeyEvent)) {
	win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if !escaped(win, ev) && next != nil {
			next(ev)
		}
	})
}

// escaped cancels the newest dialog of win if ev is Escape, and reports
// whether it did.
func escaped(win fyne.Window, ev *fyne.KeyEvent) bool {
	return ev.Name == fyne.KeyEscape && Cancel(win)
}

// Button is a widget.Button on which Escape, while it has the focus,
// cancels the newest dialog.
type Button struct {
	widget.Button
	win fyne.Window
}

// NewButton returns a button of win.
func NewButton(win fyne.Window, text string, icon fyne.Resource, importance widget.Importance, tapped func()) *Button {
	b := &Button{win: win}
	b.Text, b.Icon, b.Importance, b.OnTapped = text, icon, importance, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey cancels on Escape, else acts as a button.
func (b *Button) TypedKey(ev *fyne.KeyEvent) {
	if !escaped(b.win, ev) {
		b.Button.TypedKey(ev)
	}
}

// Entry is a widget.Entry on which Escape cancels the newest dialog.
type Entry struct {
	widget.Entry
	win fyne.Window
}

// NewEntry returns a one-line entry of win.
func NewEntry(win fyne.Window) *Entry {
	e := &Entry{win: win}
	e.ExtendBaseWidget(e)
	return e
}

// NewPasswordEntry returns an entry of win that hides what is typed (with
// the eye to show it).
func NewPasswordEntry(win fyne.Window) *Entry {
	e := NewEntry(win)
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	return e
}

// TypedKey cancels on Escape, else edits.
func (e *Entry) TypedKey(ev *fyne.KeyEvent) {
	if !escaped(e.win, ev) {
		e.Entry.TypedKey(ev)
	}
}

// Check is a widget.Check on which Escape cancels the newest dialog.
type Check struct {
	widget.Check
	win fyne.Window
}

// NewCheck returns a check box of win.
func NewCheck(win fyne.Window, text string, changed func(bool)) *Check {
	c := &Check{win: win}
	c.Text, c.OnChanged = text, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey cancels on Escape, else acts as a check box.
func (c *Check) TypedKey(ev *fyne.KeyEvent) {
	if !escaped(c.win, ev) {
		c.Check.TypedKey(ev)
	}
}

// ShowError shows err in Fyne's error dialog over win; Escape closes it.
func ShowError(err error, win fyne.Window) {
	d := dialog.NewError(err, win)
	Dialog(win, d)
	d.Show()
}

// ShowInformation shows Fyne's information dialog over win; Escape closes
// it.
func ShowInformation(title, message string, win fyne.Window) {
	d := dialog.NewInformation(title, message, win)
	Dialog(win, d)
	d.Show()
}

// ShowDangerConfirm asks message in Fyne's confirm dialog over win, with
// confirm on the button that does it (in the danger colour) and Cancel,
// which Escape also taps; onConfirm runs if the person confirms.
func ShowDangerConfirm(title, message, confirm string, onConfirm func(), win fyne.Window) {
	d := dialog.NewConfirm(title, message, func(ok bool) {
		if ok {
			onConfirm()
		}
	}, win)
	d.SetConfirmText(confirm)
	d.SetDismissText("Cancel")
	d.SetConfirmImportance(widget.DangerImportance)
	Dialog(win, d)
	d.Show()
}

// wrapper is a widget of this package around one of Fyne's.
type wrapper[W any] interface{ wrapped() *W }

func (b *Button) wrapped() *widget.Button { return &b.Button }
func (e *Entry) wrapped() *widget.Entry   { return &e.Entry }
func (c *Check) wrapped() *widget.Check   { return &c.Check }

// as returns the Fyne widget o is or wraps.
func as[W any](o fyne.CanvasObject) (*W, bool) {
	switch x := any(o).(type) {
	case *W:
		return x, true
	case wrapper[W]:
		return x.wrapped(), true
	}
	return nil, false
}

// AsButton returns the widget.Button o is or wraps (a *Button), for code
// that looks for buttons in a tree of objects, such as tests.
func AsButton(o fyne.CanvasObject) (*widget.Button, bool) { return as[widget.Button](o) }

// AsEntry returns the widget.Entry o is or wraps (an *Entry).
func AsEntry(o fyne.CanvasObject) (*widget.Entry, bool) { return as[widget.Entry](o) }

// AsCheck returns the widget.Check o is or wraps (a *Check).
func AsCheck(o fyne.CanvasObject) (*widget.Check, bool) { return as[widget.Check](o) }
