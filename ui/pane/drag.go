package pane

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DragController carries drags of rows between the panes that share it
// (Fyne has no drop-target API). The row being dragged forwards its
// Dragged and DragEnd events here; the controller keeps the dragged
// entries by name, not in the row, because the list recycles rows while
// the driver keeps sending events to the row first pressed. It draws a
// ghost in Layer and a drop indicator on the pane under the pointer, and
// at the drop calls the source pane's OnTransfer.
//
// Not safe for concurrent use: UI goroutine only.
type DragController struct {
	layer *fyne.Container
	ghost *fyne.Container
	icon  *widget.Icon
	label *widget.Label
	panes []*Pane

	active  bool
	src     *Pane
	entries []Entry
	last    fyne.Position // DragEnd carries no position
	over    *Pane         // pane showing the drop indicator
}

// NewDragController makes a controller; pass it to [New] for both panes
// and stack [DragController.Layer] over the window's content.
func NewDragController() *DragController {
	d := &DragController{icon: widget.NewIcon(theme.FileIcon()), label: widget.NewLabel("")}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor, bg.StrokeWidth = theme.Color(theme.ColorNamePrimary), 1
	bg.CornerRadius = theme.SelectionRadiusSize()
	d.ghost = container.NewStack(bg, container.NewHBox(d.icon, d.label))
	d.ghost.Hide()
	d.layer = container.NewWithoutLayout(d.ghost)
	return d
}

// Layer returns the layer the ghost is drawn in. Place it above the
// window's whole content: container.NewStack(content, drag.Layer()).
func (d *DragController) Layer() fyne.CanvasObject { return d.layer }

// dragged starts or continues a drag from src.
func (d *DragController) dragged(src *Pane, ev *fyne.DragEvent) {
	if !d.active {
		if src.fs == nil {
			return
		}
		entries := src.dragEntries()
		if len(entries) == 0 {
			return
		}
		d.active, d.src, d.entries = true, src, entries
		src.pending = ""
		switch {
		case len(entries) > 1:
			d.icon.SetResource(theme.ContentCopyIcon())
			d.label.SetText(plural(len(entries), "item"))
		case entries[0].IsDir:
			d.icon.SetResource(theme.FolderIcon())
			d.label.SetText(entries[0].Name)
		default:
			d.icon.SetResource(theme.FileIcon())
			d.label.SetText(entries[0].Name)
		}
		d.ghost.Show()
	}
	d.last = ev.AbsolutePosition
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(d.layer)
	d.ghost.Resize(d.ghost.MinSize())
	d.ghost.Move(d.last.Subtract(origin).Add(fyne.NewPos(14, 10)))

	target, _, row, ok := d.target(d.last)
	if d.over != nil && d.over != target {
		d.over.hideDrop()
	}
	d.over = nil
	if ok {
		d.over = target
		target.showDrop(row)
		target.autoScroll(d.last)
	}
}

// end drops at the last position seen.
func (d *DragController) end() {
	if !d.active {
		return
	}
	target, dir, _, ok := d.target(d.last)
	src, entries := d.src, d.entries
	d.ghost.Hide()
	if d.over != nil {
		d.over.hideDrop()
	}
	d.active, d.src, d.entries, d.over = false, nil, nil, nil
	if ok && src.fs != nil && src.dir != "" && src.OnTransfer != nil {
		src.OnTransfer(entries, src.dir, target, dir)
	}
}

// target finds the pane and folder a drop at pos lands in. The source
// pane is never a target.
func (d *DragController) target(pos fyne.Position) (p *Pane, dir, row string, ok bool) {
	for _, p := range d.panes {
		if p == d.src {
			continue
		}
		if dir, row, ok := p.hit(pos); ok {
			return p, dir, row, true
		}
	}
	return nil, "", "", false
}

// hit returns the folder a drop at pos (absolute) lands in, and the name
// of the folder row under it ("" for the pane's own folder).
func (p *Pane) hit(pos fyne.Position) (dir, row string, ok bool) {
	if p.fs == nil || p.dir == "" || p.listErr != nil || !p.content.Visible() {
		return "", "", false
	}
	drv := fyne.CurrentApp().Driver()
	if !inside(pos, drv.AbsolutePositionForObject(p.body), p.body.Size()) {
		return "", "", false
	}
	if p.list.Visible() {
		for _, r := range p.rows {
			if r.id < 0 || r.id >= len(p.view) || !r.Visible() {
				continue
			}
			e := &p.all[p.view[r.id]]
			if e.Name != r.name {
				continue // recycled, not yet updated
			}
			at := drv.AbsolutePositionForObject(r)
			if at.IsZero() || !inside(pos, at, r.Size()) {
				continue // pooled rows report (0,0)
			}
			if e.IsDir {
				return p.fs.Join(p.dir, e.Name), e.Name, true
			}
			break
		}
	}
	return p.dir, "", true
}

func inside(pos, at fyne.Position, size fyne.Size) bool {
	return pos.X >= at.X && pos.Y >= at.Y && pos.X < at.X+size.Width && pos.Y < at.Y+size.Height
}

// showDrop marks the folder row named row, or the whole pane if row is "".
func (p *Pane) showDrop(row string) {
	if row == "" {
		p.dropRect.FillColor = theme.Color(theme.ColorNameHover)
		p.dropRect.StrokeColor = theme.Color(theme.ColorNamePrimary)
		p.dropRect.Show()
		p.dropRect.Refresh()
	} else {
		p.dropRect.Hide()
	}
	if p.dropRow != row {
		p.dropRow = row
		p.list.Refresh()
	}
}

func (p *Pane) hideDrop() {
	p.dropRect.Hide()
	if p.dropRow != "" {
		p.dropRow = ""
		p.list.Refresh()
	}
}

// autoScroll scrolls the list when a drag hovers near its top or bottom
// edge, so that folders out of sight can be reached.
func (p *Pane) autoScroll(pos fyne.Position) {
	if !p.list.Visible() {
		return
	}
	top := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.list).Y
	edge := p.rowHeight()
	switch off := p.list.GetScrollOffset(); {
	case pos.Y < top+edge/2:
		p.list.ScrollToOffset(off - edge/2)
	case pos.Y > top+p.list.Size().Height-edge/2:
		p.list.ScrollToOffset(off + edge/2)
	}
}
