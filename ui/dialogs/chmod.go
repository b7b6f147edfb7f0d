package dialogs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/ui/internal/esc"
)

// ShowPermissions lets a person change the permissions of the file or
// folder name, in a dialog over win: Read, Write and Execute for Owner,
// Group and Others as nine check boxes, and the same as an octal number
// ("644"), each kept in step with the other. current is the permissions as
// a listing shows them, "rwxr-x---" (a leading type letter, as in
// "drwxr-x---", is allowed); "" or anything unreadable means not known, and
// then nothing is ticked and Apply waits for a choice. It returns at once;
// onApply is called on the UI goroutine with the chosen mode (0 to 0777)
// when the person taps Apply, not at all for Cancel. Call it on the UI
// goroutine.
func ShowPermissions(win fyne.Window, name string, current string, onApply func(mode uint32)) {
	newPermDialog(win, name, current, onApply).show()
}

// permDialog is one permissions dialog. Used on the UI goroutine only.
type permDialog struct {
	modal
	onApply func(uint32)
	syncing bool // a change made by the other half of the dialog

	// checks by bit: checks[8] is owner read (0400) ... checks[0] others
	// execute (0001).
	checks        [9]*esc.Check
	octal         *esc.Entry
	apply, cancel *esc.Button
}

func newPermDialog(win fyne.Window, name, current string, onApply func(uint32)) *permDialog {
	p := &permDialog{modal: modal{win: win}, onApply: onApply}
	for i := range p.checks {
		p.checks[i] = esc.NewCheck(win, "", p.checkChanged)
	}
	p.octal = esc.NewEntry(win)
	p.octal.SetPlaceHolder("e.g. 644")
	p.octal.Validator = validateOctal
	p.octal.OnChanged = p.octalChanged
	p.octal.OnSubmitted = p.submit
	p.apply = esc.NewButton(win, "Apply", theme.ConfirmIcon(), widget.HighImportance, p.applyTapped)
	p.cancel = esc.NewButton(win, "Cancel", theme.CancelIcon(), widget.MediumImportance, p.cancelled)

	grid := []fyne.CanvasObject{
		layout.NewSpacer(),
		&widget.Label{Text: "Read", TextStyle: fyne.TextStyle{Bold: true}},
		&widget.Label{Text: "Write", TextStyle: fyne.TextStyle{Bold: true}},
		&widget.Label{Text: "Execute", TextStyle: fyne.TextStyle{Bold: true}},
	}
	for who, label := range []string{"Owner", "Group", "Others"} {
		grid = append(grid, &widget.Label{Text: label, TextStyle: fyne.TextStyle{Bold: true}})
		for what := range 3 {
			grid = append(grid, p.checks[8-3*who-what])
		}
	}
	intro := "Permissions of " + name + "."
	mode, known := parsePerm(current)
	if !known {
		intro += " Its current permissions are not known."
	}
	body := container.NewVBox(
		&widget.Label{Text: intro, Wrapping: fyne.TextWrapWord},
		container.NewGridWithColumns(4, grid...),
		container.New(layout.NewFormLayout(), &widget.Label{Text: "Numeric value", TextStyle: fyne.TextStyle{Bold: true}}, p.octal),
	)
	if known {
		p.setChecks(mode)
		p.setOctal(mode)
	} else {
		p.apply.Disable()
	}
	p.dlg = dialog.NewCustomWithoutButtons("Change permissions", atLeastWide(dialogSize(win, 400, 0).Width, body), win)
	p.dlg.SetButtons([]fyne.CanvasObject{p.cancel, p.apply})
	return p
}

func (p *permDialog) show() { p.open(p.cancelled) }

// mode reads the check boxes.
func (p *permDialog) mode() uint32 {
	var m uint32
	for bit, c := range p.checks {
		if c.Checked {
			m |= 1 << bit
		}
	}
	return m
}

func (p *permDialog) checkChanged(bool) {
	if p.syncing {
		return
	}
	p.setOctal(p.mode())
	p.apply.Enable()
}

func (p *permDialog) octalChanged(s string) {
	if p.syncing {
		return
	}
	m, err := parseOctal(s)
	if err != nil {
		p.apply.Disable()
		return
	}
	p.setChecks(m)
	p.apply.Enable()
}

func (p *permDialog) setOctal(m uint32) {
	p.syncing = true
	defer func() { p.syncing = false }()
	p.octal.SetText(fmt.Sprintf("%03o", m))
}

func (p *permDialog) setChecks(m uint32) {
	p.syncing = true
	defer func() { p.syncing = false }()
	for bit, c := range p.checks {
		c.SetChecked(m&(1<<bit) != 0)
	}
}

func (p *permDialog) submit(string) {
	if !p.apply.Disabled() {
		p.applyTapped()
	}
}

func (p *permDialog) applyTapped() {
	m, err := parseOctal(p.octal.Text)
	if err != nil {
		return
	}
	p.hide()
	if p.onApply != nil {
		p.onApply(m)
	}
}

func (p *permDialog) cancelled() { p.hide() }

var errOctal = errors.New("three digits 0 to 7, like 644")

func validateOctal(s string) error {
	_, err := parseOctal(s)
	return err
}

// parseOctal reads a mode of one to three octal digits, or four with a
// leading 0 ("0644"): setuid, setgid and sticky bits are not offered.
func parseOctal(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	if len(s) == 4 && s[0] == '0' {
		s = s[1:]
	}
	if s == "" || len(s) > 3 {
		return 0, errOctal
	}
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0, errOctal
	}
	return uint32(m), nil
}

// parsePerm reads "rwxr-x---" (with or without the type letter in front:
// "drwxr-x---"). s and t in an execute place mean execute plus a special
// bit, S and T the special bit alone; the special bits themselves are
// dropped. ok is false when s is not of that form.
func parsePerm(s string) (mode uint32, ok bool) {
	if len(s) == 10 {
		s = s[1:]
	}
	if len(s) != 9 {
		return 0, false
	}
	for i := range 9 {
		bit := uint32(1) << (8 - i)
		want := "rwx"[i%3]
		switch ch := s[i]; {
		case ch == '-':
		case ch == want:
			mode |= bit
		case i%3 == 2 && (ch == 's' || ch == 't'):
			mode |= bit
		case i%3 == 2 && (ch == 'S' || ch == 'T'):
		default:
			return 0, false
		}
	}
	return mode, true
}
