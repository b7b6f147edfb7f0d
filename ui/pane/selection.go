package pane

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// selection is what a pane has selected, where its keyboard cursor
// stands, and the click under way. It holds names, not indexes, so that
// it survives re-sorting and refreshes.
type selection struct {
	sel         map[string]int64 // selected names → size (0 for folders)
	cursor      string           // name of the keyboard cursor's entry
	anchor      string           // name where a Shift range starts
	pending     string           // plain press on a selected row: select only it on release
	pressName   string           // the row last pressed
	pressMod    fyne.KeyModifier // the modifiers of that press
	selectAfter string           // name to select when the next listing arrives
	focused     bool             // the list has the keyboard focus: the cursor shows
	shift       bool             // Shift is held down
}

// Selected returns the selected entries in the order shown.
func (p *Pane) Selected() []Entry {
	if len(p.sel) == 0 {
		return nil
	}
	out := make([]Entry, 0, len(p.sel))
	for _, j := range p.view {
		if _, ok := p.sel[p.all[j].Name]; ok {
			out = append(out, p.all[j].Entry)
		}
	}
	return out
}

// sizeOf is what e adds to the selection's size: folders count nothing.
func sizeOf(e Entry) int64 {
	if e.IsDir {
		return 0
	}
	return e.Size
}

func (p *Pane) selectionChanged() {
	p.list.Refresh()
	p.updateFooter()
}

func (p *Pane) selectOnly(i int) {
	e := p.entryAt(i)
	p.sel = map[string]int64{e.Name: sizeOf(e)}
	p.cursor, p.anchor = e.Name, e.Name
	p.selectionChanged()
}

func (p *Pane) toggle(i int) {
	e := p.entryAt(i)
	if _, ok := p.sel[e.Name]; ok {
		delete(p.sel, e.Name)
	} else {
		p.sel[e.Name] = sizeOf(e)
	}
	p.cursor, p.anchor = e.Name, e.Name
	p.selectionChanged()
}

// selectRange selects from the anchor to i; add keeps the rest selected.
func (p *Pane) selectRange(i int, add bool) {
	a := p.indexOf(p.anchor)
	if a < 0 {
		a, p.anchor = i, p.entryAt(i).Name
	}
	if !add {
		p.sel = map[string]int64{}
	}
	for k := min(a, i); k <= max(a, i); k++ {
		e := p.entryAt(k)
		p.sel[e.Name] = sizeOf(e)
	}
	p.cursor = p.entryAt(i).Name
	p.selectionChanged()
}

func (p *Pane) selectAll() {
	for _, j := range p.view {
		p.sel[p.all[j].Name] = sizeOf(p.all[j].Entry)
	}
	p.selectionChanged()
}

func (p *Pane) selectNone() {
	if len(p.sel) == 0 {
		return
	}
	p.sel = map[string]int64{}
	p.selectionChanged()
}

// press handles a mouse button going down on a row: selection happens
// here, not in Tapped, because the event carries the modifiers and a
// DoubleTappable row gets Tapped only after the double-tap wait. A plain
// press on a row of a multi-selection waits for the release, so that the
// selection can be dragged.
func (p *Pane) press(r *row, ev *desktop.MouseEvent) {
	if p.drag != nil && p.drag.active {
		return
	}
	p.focusList()
	i := r.id
	if i < 0 || i >= len(p.view) || p.entryAt(i).Name != r.name {
		return
	}
	p.pressName, p.pressMod, p.pending = r.name, ev.Modifier, ""
	_, selected := p.sel[r.name]
	ctrl := ev.Modifier&fyne.KeyModifierShortcutDefault != 0
	switch {
	case ev.Button == desktop.MouseButtonSecondary:
		if !selected {
			p.selectOnly(i)
		}
	case ev.Modifier&fyne.KeyModifierShift != 0:
		p.selectRange(i, ctrl)
	case ctrl:
		p.toggle(i)
	case selected && len(p.sel) > 1:
		p.pending = r.name
		p.cursor, p.anchor = r.name, r.name
		p.list.Refresh()
	default:
		p.selectOnly(i)
	}
}

// release completes a plain press deferred by press, unless a drag began.
func (p *Pane) release() {
	name := p.pending
	p.pending = ""
	if name == "" || (p.drag != nil && p.drag.active) {
		return
	}
	if i := p.indexOf(name); i >= 0 {
		p.selectOnly(i)
	}
}

// doubleTapped acts on the row last pressed. The driver's double-tap
// ignores modifiers, so a double Ctrl- or Shift-click is no double-click.
func (p *Pane) doubleTapped() {
	if p.pressMod != 0 {
		return
	}
	if i := p.indexOf(p.pressName); i >= 0 {
		p.activate(i)
	}
}

// dragEntries is what a drag starting on the pressed row carries: the
// selection if the row is in it, else the row alone.
func (p *Pane) dragEntries() []Entry {
	if _, ok := p.sel[p.pressName]; ok {
		return p.Selected()
	}
	if i := p.indexOf(p.pressName); i >= 0 {
		return []Entry{p.entryAt(i)}
	}
	return nil
}

// Keyboard.

func (p *Pane) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyUp:
		p.moveCursor(-1, false)
	case fyne.KeyDown:
		p.moveCursor(1, false)
	case fyne.KeyPageUp:
		p.moveCursor(-p.pageRows(), false)
	case fyne.KeyPageDown:
		p.moveCursor(p.pageRows(), false)
	case fyne.KeyHome:
		p.moveCursor(-len(p.view), false)
	case fyne.KeyEnd:
		p.moveCursor(len(p.view), false)
	case fyne.KeySpace:
		if i := p.indexOf(p.cursor); i >= 0 {
			p.toggle(i)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		p.enter()
	case fyne.KeyBackspace:
		p.Up()
	case fyne.KeyDelete:
		p.confirmDelete(p.Selected())
	case fyne.KeyF2:
		if e, ok := p.one(); ok {
			p.rename(e)
		}
	case fyne.KeyF5:
		p.Refresh()
	}
}

// enter opens the folder under the cursor, else sends the selection (or
// the file under the cursor) to the other pane.
func (p *Pane) enter() {
	i := p.indexOf(p.cursor)
	if i < 0 {
		return
	}
	if p.entryAt(i).IsDir {
		p.activate(i)
	} else if sel := p.Selected(); len(sel) > 0 {
		p.transfer(sel)
	} else {
		p.activate(i)
	}
}

func (p *Pane) typedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutSelectAll:
		p.selectAll()
	case *fyne.ShortcutCopy:
		p.copyPaths(p.Selected())
	case *desktop.CustomShortcut:
		if s.Modifier != fyne.KeyModifierShortcutDefault {
			return
		}
		switch s.KeyName {
		case fyne.KeyUp:
			p.moveCursor(-1, true)
		case fyne.KeyDown:
			p.moveCursor(1, true)
		case fyne.KeySpace:
			p.typedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		}
	}
}

// one returns the entry a single-item action applies to: the only selected
// one, else the one under the cursor.
func (p *Pane) one() (Entry, bool) {
	if sel := p.Selected(); len(sel) == 1 {
		return sel[0], true
	}
	if i := p.indexOf(p.cursor); i >= 0 {
		return p.entryAt(i), true
	}
	return Entry{}, false
}

// moveCursor moves the cursor by delta rows: with Shift the selection
// stretches from the anchor, with cursorOnly (Ctrl) it stays, else it
// follows the cursor.
func (p *Pane) moveCursor(delta int, cursorOnly bool) {
	n := len(p.view)
	if n == 0 {
		return
	}
	i := p.indexOf(p.cursor)
	switch {
	case i < 0 && delta > 0:
		i = 0
	case i < 0:
		i = n - 1
	default:
		i = min(max(i+delta, 0), n-1)
	}
	switch {
	case cursorOnly:
		p.cursor = p.entryAt(i).Name
		p.list.Refresh()
	case p.shift:
		p.selectRange(i, false)
	default:
		p.selectOnly(i)
	}
	p.list.ScrollTo(i)
}

func (p *Pane) rowHeight() float32 {
	if len(p.rows) > 0 {
		return p.rows[0].MinSize().Height + theme.Padding()
	}
	return 32
}

func (p *Pane) pageRows() int {
	return max(int(p.list.Size().Height/p.rowHeight())-1, 1)
}
