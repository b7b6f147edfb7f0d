package pane

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/transfers"
)

// Fixed widths of the size, modified and permissions columns; the name
// takes the rest.
var colWidths = [...]float32{0, 90, 140, 124}

// columns lays out the header and every row alike: name, size, modified
// and, on a server, permissions.
type columns struct{ p *Pane }

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fixed := float32(0)
	for i, o := range objs[1:] {
		if o.Visible() {
			fixed += colWidths[i+1]
		}
	}
	x := float32(0)
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		w := colWidths[i]
		if i == 0 {
			w = max(size.Width-fixed, 0)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(120, 0)
	for i, o := range objs {
		if o.Visible() {
			s.Width += colWidths[i]
			s.Height = max(s.Height, o.MinSize().Height)
		}
	}
	return s
}

// row shows one entry. Rows are recycled by the list: id is the view index
// set by the last UpdateItem, name the entry shown then. Touch only on the
// UI goroutine.
type row struct {
	widget.BaseWidget
	p    *Pane
	id   int
	name string

	bg, mark                *canvas.Rectangle // selection fill; cursor or drop outline
	icon                    *widget.Icon
	label, size, mod, perms *widget.Label
	cells                   *fyne.Container
}

var (
	_ desktop.Mouseable      = (*row)(nil)
	_ fyne.Draggable         = (*row)(nil)
	_ fyne.DoubleTappable    = (*row)(nil)
	_ fyne.SecondaryTappable = (*row)(nil)
	_ fyne.Focusable         = (*fileList)(nil)
	_ fyne.Shortcutable      = (*fileList)(nil)
	_ desktop.Keyable        = (*fileList)(nil)
	_ fyne.Tappable          = (*fileList)(nil)
	_ fyne.SecondaryTappable = (*fileList)(nil)
	_ fyne.Layout            = columns{}
)

// ext readies a widget made as a struct literal: a widget laid out before
// ExtendBaseWidget keeps its size but never lays out its renderer.
func ext[W interface {
	fyne.Widget
	ExtendBaseWidget(fyne.Widget)
}](w W) W {
	w.ExtendBaseWidget(w)
	return w
}

func newRow(p *Pane) *row {
	r := &row{p: p, id: -1,
		bg:    canvas.NewRectangle(color.Transparent),
		mark:  canvas.NewRectangle(color.Transparent),
		icon:  widget.NewIcon(theme.FileIcon()),
		label: ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis}),
		size:  ext(&widget.Label{Alignment: fyne.TextAlignTrailing}),
		mod:   ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis}),
		perms: ext(&widget.Label{}),
	}
	r.bg.CornerRadius = theme.SelectionRadiusSize()
	r.mark.CornerRadius = theme.SelectionRadiusSize()
	r.mark.StrokeWidth = 1
	r.perms.Hidden = !p.remote()
	r.cells = container.New(columns{p}, container.NewBorder(nil, nil, r.icon, nil, r.label), r.size, r.mod, r.perms)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.bg, r.mark, container.NewPadded(r.cells)))
}

// show fills the row for view index id.
func (r *row) show(id int, e *Entry, selected, cursor, drop bool) {
	// The fields are set, not Set*: the one r.Refresh below refreshes
	// every cell, and a Set* would lay out and shape each label's text a
	// second time (half of what a refresh of the list costs).
	r.id, r.name = id, e.Name
	switch {
	case e.IsLink:
		r.icon.Resource = theme.MailForwardIcon()
	case e.IsDir:
		r.icon.Resource = theme.FolderIcon()
	default:
		r.icon.Resource = theme.FileIcon()
	}
	r.label.Text = e.Name
	r.size.Text = ""
	if !e.IsDir {
		r.size.Text = transfers.FormatSize(e.Size)
	}
	r.mod.Text = humanTime(e.ModTime)
	r.perms.Text = e.Perm
	if remote := r.p.remote(); r.perms.Visible() != remote {
		showIf(r.perms, remote)
		r.cells.Refresh()
	}

	r.bg.FillColor = r.p.markColor(e.Name)
	if selected {
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
	}
	r.mark.FillColor, r.mark.StrokeColor, r.mark.StrokeWidth = color.Transparent, color.Transparent, 1
	switch {
	case drop:
		r.mark.FillColor = theme.Color(theme.ColorNameHover)
		r.mark.StrokeColor, r.mark.StrokeWidth = theme.Color(theme.ColorNamePrimary), 2
	case cursor:
		r.mark.StrokeColor = theme.Color(theme.ColorNameFocus)
	}
	r.Refresh()
}

// MouseDown selects (see Pane.press).
func (r *row) MouseDown(ev *desktop.MouseEvent) { r.p.press(r, ev) }

// MouseUp completes a deferred plain click.
func (r *row) MouseUp(*desktop.MouseEvent) { r.p.release() }

// Dragged starts or continues a drag; state lives in the controller.
func (r *row) Dragged(ev *fyne.DragEvent) {
	if r.p.drag != nil {
		r.p.drag.dragged(r.p, ev)
	}
}

// DragEnd drops.
func (r *row) DragEnd() {
	if r.p.drag != nil {
		r.p.drag.end()
	}
}

// DoubleTapped opens a folder or transfers a file.
func (r *row) DoubleTapped(*fyne.PointEvent) { r.p.doubleTapped() }

// TappedSecondary shows the context menu.
func (r *row) TappedSecondary(ev *fyne.PointEvent) { r.p.showMenu(ev.AbsolutePosition) }

// fileList is the pane's List: it takes the focus and handles the keyboard,
// and clicks on its empty area.
type fileList struct {
	widget.List
	p *Pane
}

func newFileList(p *Pane) *fileList {
	l := &fileList{p: p}
	l.Length = func() int { return len(p.view) }
	l.CreateItem = func() fyne.CanvasObject {
		r := newRow(p)
		p.rows = append(p.rows, r)
		return r
	}
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) { p.updateRow(id, o.(*row)) }
	l.ExtendBaseWidget(l)
	return l
}

// FocusGained shows the cursor.
func (l *fileList) FocusGained() { l.p.focused = true; l.Refresh() }

// FocusLost hides the cursor.
func (l *fileList) FocusLost() {
	l.p.focused, l.p.shift = false, false
	l.Refresh()
}

// TypedKey handles the pane's keys (see Pane.typedKey).
func (l *fileList) TypedKey(ev *fyne.KeyEvent) { l.p.typedKey(ev) }

// TypedRune ignores text.
func (l *fileList) TypedRune(rune) {}

// TypedShortcut handles Ctrl+A, Ctrl+C and Ctrl+arrows.
func (l *fileList) TypedShortcut(s fyne.Shortcut) { l.p.typedShortcut(s) }

// KeyDown tracks Shift, which TypedKey does not report.
func (l *fileList) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		l.p.shift = true
	}
}

// KeyUp tracks Shift.
func (l *fileList) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		l.p.shift = false
	}
}

// Tapped on the empty area clears the selection and takes the focus.
func (l *fileList) Tapped(*fyne.PointEvent) {
	l.p.focusList()
	l.p.selectNone()
}

// TappedSecondary on the empty area shows the folder's menu.
func (l *fileList) TappedSecondary(ev *fyne.PointEvent) {
	l.p.selectNone()
	l.p.showMenu(ev.AbsolutePosition)
}

func showIf(o fyne.CanvasObject, show bool) {
	if show {
		o.Show()
	} else {
		o.Hide()
	}
}
