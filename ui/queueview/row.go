package queueview

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// rowModel is everything a row shows. It is comparable, so a row redraws
// only what changed.
type rowModel struct {
	icon      fyne.ThemeIconName
	title     string
	right     string
	rightImp  widget.Importance
	detail    string
	detailImp widget.Importance
	frac      float64 // the bar's fill, 0..1 (rows with a bar)
	selected  bool
}

// barWidth is the width of a row's progress bar; barHeight its thickness.
const (
	barWidth  = 160
	barHeight = 6
)

// row is one item of the queue, failed or done list, on two lines: an
// icon, a title and words on its right (a state, a result); below them an
// optional thin progress bar and a detail line in small print. It keeps the
// index of the item it shows (lists recycle rows) and reports presses with
// their modifiers to its list, which keeps the selection: a widget.List's
// own selection is not used. Touch it only on the UI goroutine.
type row struct {
	widget.BaseWidget

	index   int
	model   rowModel
	hasBar  bool
	onPress func(index int, mod fyne.KeyModifier)

	bg, track, fill *canvas.Rectangle
	icon            *widget.Icon
	title, right    *widget.Label
	detail          *widget.Label
}

var (
	_ desktop.Mouseable = (*row)(nil)
	_ fyne.Tappable     = (*row)(nil)
)

func newRow(hasBar bool, onPress func(int, fyne.KeyModifier)) *row {
	r := &row{
		index:   -1,
		hasBar:  hasBar,
		onPress: onPress,
		bg:      &canvas.Rectangle{},
		track:   &canvas.Rectangle{CornerRadius: barHeight / 2},
		fill:    &canvas.Rectangle{CornerRadius: barHeight / 2},
		icon:    widget.NewIcon(nil),
		title:   &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		right:   &widget.Label{Alignment: fyne.TextAlignTrailing},
		detail:  &widget.Label{Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText},
	}
	r.ExtendBaseWidget(r)
	return r
}

// set shows item index with model m, redrawing only what changed.
func (r *row) set(index int, m rowModel) {
	r.index = index
	old := r.model
	if m == old {
		return
	}
	r.model = m
	if m.icon != old.icon || r.icon.Resource == nil {
		if m.icon == "" {
			r.icon.SetResource(nil)
		} else {
			r.icon.SetResource(theme.Icon(m.icon))
		}
	}
	setLabel(r.title, m.title, widget.MediumImportance)
	setLabel(r.right, m.right, m.rightImp)
	setLabel(r.detail, m.detail, m.detailImp)
	// A new state word changes the title's width; the bar and the
	// highlight are drawn by the row itself.
	if m.right != old.right || m.selected != old.selected || m.frac != old.frac {
		r.Refresh()
	}
}

// setLabel changes a label's text and importance, refreshing it only when
// they differ.
func setLabel(l *widget.Label, text string, imp widget.Importance) {
	if l.Text == text && l.Importance == imp {
		return
	}
	l.Text, l.Importance = text, imp
	l.Refresh()
}

// MouseDown selects the row (the list decides how, from the modifiers):
// selecting on press carries Ctrl and Shift, which Tapped does not.
func (r *row) MouseDown(e *desktop.MouseEvent) {
	if e.Button == desktop.MouseButtonPrimary && r.onPress != nil && r.index >= 0 {
		r.onPress(r.index, e.Modifier)
	}
}

// MouseUp is part of desktop.Mouseable; presses do the work.
func (r *row) MouseUp(*desktop.MouseEvent) {}

// Tapped keeps taps from the List's own selection; on touch screens (no
// MouseDown) a tap selects.
func (r *row) Tapped(*fyne.PointEvent) {
	if fyne.CurrentDevice().IsMobile() && r.onPress != nil && r.index >= 0 {
		r.onPress(r.index, 0)
	}
}

// CreateRenderer is part of fyne.Widget.
func (r *row) CreateRenderer() fyne.WidgetRenderer {
	objs := []fyne.CanvasObject{r.bg}
	if r.hasBar {
		objs = append(objs, r.track, r.fill)
	}
	objs = append(objs, r.icon, r.title, r.right, r.detail)
	rr := &rowRenderer{r: r, objects: objs}
	rr.applyColors()
	return rr
}

type rowRenderer struct {
	r       *row
	objects []fyne.CanvasObject
}

func (rr *rowRenderer) Objects() []fyne.CanvasObject { return rr.objects }
func (rr *rowRenderer) Destroy()                     {}

// metrics are the sizes the layout derives from the theme.
func (rr *rowRenderer) metrics() (pad, inner, icon, h1, y2, h2 float32) {
	th := rr.r.Theme()
	pad = th.Size(theme.SizeNamePadding)
	inner = th.Size(theme.SizeNameInnerPadding)
	icon = th.Size(theme.SizeNameInlineIcon)
	h1 = rr.r.title.MinSize().Height
	h2 = rr.r.detail.MinSize().Height
	// The detail line overlaps the title's bottom padding and its own top
	// padding, leaving a small gap between the two texts.
	y2 = h1 - 2*inner + pad/2
	return
}

func (rr *rowRenderer) MinSize() fyne.Size {
	pad, _, icon, _, y2, h2 := rr.metrics()
	return fyne.NewSize(3*pad+icon+120, y2+h2)
}

func (rr *rowRenderer) Layout(size fyne.Size) {
	r := rr.r
	pad, inner, icon, h1, y2, h2 := rr.metrics()
	r.bg.Resize(size)
	r.bg.Move(fyne.Position{})

	x := pad
	r.icon.Move(fyne.NewPos(x, (h1-icon)/2))
	r.icon.Resize(fyne.NewSquareSize(icon))
	x += icon + pad

	rw := min(r.right.MinSize().Width, size.Width/2)
	if r.right.Text == "" {
		rw = 0
	}
	r.right.Move(fyne.NewPos(size.Width-pad-rw, 0))
	r.right.Resize(fyne.NewSize(rw, h1))
	r.title.Move(fyne.NewPos(x, 0))
	r.title.Resize(fyne.NewSize(max(size.Width-pad-rw-x, 0), h1))

	dx := x
	if r.hasBar {
		bx := x + inner
		bw := float32(barWidth)
		if room := (size.Width - bx) / 3; room < bw {
			bw = max(room, 0)
		}
		by := y2 + (h2-barHeight)/2
		r.track.Move(fyne.NewPos(bx, by))
		r.track.Resize(fyne.NewSize(bw, barHeight))
		r.fill.Move(fyne.NewPos(bx, by))
		r.fill.Resize(fyne.NewSize(bw*float32(min(max(r.model.frac, 0), 1)), barHeight))
		dx = bx + bw
	}
	r.detail.Move(fyne.NewPos(dx, y2))
	r.detail.Resize(fyne.NewSize(max(size.Width-pad-dx, 0), h2))
}

func (rr *rowRenderer) applyColors() {
	r := rr.r
	th := r.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	if r.model.selected {
		r.bg.FillColor = th.Color(theme.ColorNameSelection, v)
	} else {
		r.bg.FillColor = color.Transparent
	}
	r.track.FillColor = th.Color(theme.ColorNameInputBorder, v)
	r.fill.FillColor = th.Color(theme.ColorNamePrimary, v)
}

func (rr *rowRenderer) Refresh() {
	rr.applyColors()
	rr.Layout(rr.r.Size())
	for _, o := range rr.objects {
		o.Refresh()
	}
}
