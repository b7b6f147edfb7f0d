package queueview

import (
	"path"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/transfers"
)

// donePane is the Done tab: the files finished in this session, newest
// first. On the UI goroutine only.
type donePane struct {
	v        *View
	recs     []transfers.Record // oldest first, as the queue keeps them
	list     *widget.List
	empty    *widget.Label
	clear    *widget.Button
	copyPath *widget.Button
	history  string
	content  fyne.CanvasObject
}

func newDonePane(v *View) *donePane {
	p := &donePane{v: v}
	p.list = &widget.List{Length: p.length, CreateItem: p.newRow, UpdateItem: p.updateRow}
	p.empty = &widget.Label{Text: "Nothing transferred yet in this session.", Importance: widget.LowImportance}
	p.clear = &widget.Button{Text: "Clear", Icon: theme.ContentClearIcon(), OnTapped: p.clearDone}
	p.copyPath = &widget.Button{Text: "Copy history path", Icon: theme.ContentCopyIcon(), OnTapped: p.copyHistoryPath}
	p.copyPath.Hide()
	bar := container.NewHBox(p.clear, layout.NewSpacer(), p.copyPath)
	p.content = container.NewBorder(bar, nil, nil, nil,
		container.NewStack(p.list, container.NewCenter(p.empty)))
	enable(p.clear, false)
	return p
}

func (p *donePane) length() int { return len(p.recs) }

func (p *donePane) newRow() fyne.CanvasObject { return newRow(false, nil) }

// updateRow shows record i counted from the newest.
func (p *donePane) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*row)
	if i < 0 || i >= len(p.recs) {
		r.set(i, rowModel{})
		return
	}
	r.set(i, doneModel(p.recs[len(p.recs)-1-i]))
}

func doneModel(rec transfers.Record) rowModel {
	m := rowModel{
		icon:      theme.IconNameDownload,
		title:     path.Base(rec.Remote),
		right:     rec.Result,
		rightImp:  widget.DangerImportance,
		detailImp: widget.MediumImportance,
	}
	from, to := rec.Remote, rec.Local
	if rec.Direction == transfers.Upload.String() {
		m.icon, m.title = theme.IconNameUpload, filepath.Base(rec.Local)
		from, to = to, from
	}
	switch rec.Outcome {
	case transfers.OutcomeOK:
		m.rightImp = widget.SuccessImportance
	case transfers.OutcomeSkipped:
		m.rightImp = widget.WarningImportance
	}
	parts := []string{
		rec.Time.Local().Format("15:04:05"),
		transfers.FormatSize(rec.Size) + " in " + humanSeconds(rec.Duration),
		from + " → " + to,
	}
	if rec.Checksum != "" {
		parts = append(parts, rec.Checksum)
	}
	m.detail = strings.Join(parts, " · ")
	return m
}

func (p *donePane) update(recs []transfers.Record) {
	if slices.Equal(recs, p.recs) {
		return
	}
	p.recs = recs
	p.empty.Hidden = len(recs) > 0
	p.empty.Refresh()
	enable(p.clear, len(recs) > 0)
	p.list.Refresh()
}

func (p *donePane) clearDone() {
	p.v.q.ClearDone()
	p.v.refresh()
}

func (p *donePane) setHistoryPath(path string) {
	p.history = path
	if path == "" {
		p.copyPath.Hide()
	} else {
		p.copyPath.Show()
	}
}

func (p *donePane) copyHistoryPath() {
	if p.history != "" {
		fyne.CurrentApp().Clipboard().SetContent(p.history)
	}
}
