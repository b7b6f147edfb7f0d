package queueview

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/transfers"
)

// failedPane is the Failed tab: the jobs given up on, a selection (click,
// Ctrl+click, Shift+click), Retry and Clear, and the full story of the
// last clicked one below the list. On the UI goroutine only.
type failedPane struct {
	v       *View
	jobs    []transfers.JobStatus // oldest first, as the queue lists them
	sel     map[transfers.JobID]bool
	anchor  int             // index a Shift+click extends from
	focus   transfers.JobID // the one the details show; 0: none
	list    *widget.List
	empty   *widget.Label
	where   *widget.Label // paths of the focused job
	why     *widget.Label // its error, wrapping
	details *fyne.Container
	content fyne.CanvasObject

	retrySel, retryAll, clearSel, clearAll *widget.Button
}

func newFailedPane(v *View) *failedPane {
	p := &failedPane{v: v, sel: map[transfers.JobID]bool{}, anchor: -1}
	p.list = &widget.List{Length: p.length, CreateItem: p.newRow, UpdateItem: p.updateRow}
	p.empty = &widget.Label{Text: "No failed transfers.", Importance: widget.LowImportance}
	p.where = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.why = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	p.details = container.NewVBox(widget.NewSeparator(), p.where, p.why)
	p.details.Hide()
	p.retrySel = &widget.Button{Text: "Retry selected", Icon: theme.ViewRefreshIcon(), OnTapped: p.retrySelected}
	p.retryAll = &widget.Button{Text: "Retry all", OnTapped: p.retryEverything}
	p.clearSel = &widget.Button{Text: "Clear selected", Icon: theme.DeleteIcon(), OnTapped: p.clearSelected}
	p.clearAll = &widget.Button{Text: "Clear all", OnTapped: p.clearEverything}
	bar := container.NewHBox(p.retrySel, p.retryAll, layout.NewSpacer(), p.clearSel, p.clearAll)
	p.content = container.NewBorder(bar, p.details, nil, nil,
		container.NewStack(p.list, container.NewCenter(p.empty)))
	p.updateButtons()
	return p
}

func (p *failedPane) length() int { return len(p.jobs) }

func (p *failedPane) newRow() fyne.CanvasObject { return newRow(false, p.press) }

func (p *failedPane) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*row)
	if i < 0 || i >= len(p.jobs) {
		r.set(i, rowModel{})
		return
	}
	st := p.jobs[i]
	r.set(i, rowModel{
		icon:      directionIcon(st.Spec.Direction),
		title:     st.Name,
		right:     fromTo(st.Spec),
		rightImp:  widget.MediumImportance,
		detail:    st.Err,
		detailImp: widget.DangerImportance,
		selected:  p.sel[st.ID],
	})
}

// fromTo says which way a job went, and with which site: "Download from
// Office NAS".
func fromTo(s transfers.Spec) string {
	site := s.SiteName
	if site == "" {
		site = s.Site
	}
	if s.Direction == transfers.Upload {
		if site == "" {
			return "Upload"
		}
		return "Upload to " + site
	}
	if site == "" {
		return "Download"
	}
	return "Download from " + site
}

// update shows jobs (the queue's failed list), keeping the selection of
// those still there.
func (p *failedPane) update(jobs []transfers.JobStatus) {
	if slices.Equal(jobs, p.jobs) {
		return
	}
	p.jobs = jobs
	keep := make(map[transfers.JobID]bool, len(p.sel))
	focusKept := false
	for _, st := range jobs {
		if p.sel[st.ID] {
			keep[st.ID] = true
		}
		focusKept = focusKept || st.ID == p.focus
	}
	p.sel = keep
	if !focusKept {
		p.focus = 0
	}
	if p.anchor >= len(jobs) {
		p.anchor = -1
	}
	p.empty.Hidden = len(jobs) > 0
	p.empty.Refresh()
	p.list.Refresh()
	p.showDetails()
	p.updateButtons()
}

// press selects as file managers do: a click selects one, Ctrl+click adds
// or removes one, Shift+click selects a range.
func (p *failedPane) press(i int, mod fyne.KeyModifier) {
	if i < 0 || i >= len(p.jobs) {
		return
	}
	id := p.jobs[i].ID
	switch {
	case mod&fyne.KeyModifierShift != 0 && p.anchor >= 0:
		clear(p.sel)
		for k := min(p.anchor, i); k <= max(p.anchor, i); k++ {
			p.sel[p.jobs[k].ID] = true
		}
	case mod&fyne.KeyModifierShortcutDefault != 0:
		if p.sel[id] {
			delete(p.sel, id)
		} else {
			p.sel[id] = true
		}
		p.anchor = i
	default:
		clear(p.sel)
		p.sel[id] = true
		p.anchor = i
	}
	p.focus = id
	p.list.Refresh()
	p.showDetails()
	p.updateButtons()
}

// showDetails shows the focused job's paths and its whole error, wrapped.
func (p *failedPane) showDetails() {
	i := slices.IndexFunc(p.jobs, func(st transfers.JobStatus) bool { return st.ID == p.focus })
	if i < 0 {
		if p.details.Visible() {
			p.details.Hide()
		}
		return
	}
	st := p.jobs[i]
	from, to := st.Spec.Remote, st.Spec.Local
	if st.Spec.Direction == transfers.Upload {
		from, to = to, from
	}
	p.where.SetText(fromTo(st.Spec) + ": " + from + " → " + to)
	p.why.SetText(st.Err)
	if !p.details.Visible() {
		p.details.Show()
	}
}

func (p *failedPane) updateButtons() {
	enable(p.retrySel, len(p.sel) > 0)
	enable(p.clearSel, len(p.sel) > 0)
	enable(p.retryAll, len(p.jobs) > 0)
	enable(p.clearAll, len(p.jobs) > 0)
}

func enable(b *widget.Button, on bool) {
	switch {
	case on && b.Disabled():
		b.Enable()
	case !on && !b.Disabled():
		b.Disable()
	}
}

// selectedIDs lists the selection in the list's order.
func (p *failedPane) selectedIDs() []transfers.JobID {
	var ids []transfers.JobID
	for _, st := range p.jobs {
		if p.sel[st.ID] {
			ids = append(ids, st.ID)
		}
	}
	return ids
}

// Retry and ClearFailed treat "no ids" as "all": never call them with an
// empty selection.

func (p *failedPane) retrySelected() {
	if ids := p.selectedIDs(); len(ids) > 0 {
		p.v.q.Retry(ids...)
		p.v.refresh()
	}
}

func (p *failedPane) retryEverything() {
	p.v.q.Retry()
	p.v.refresh()
}

func (p *failedPane) clearSelected() {
	if ids := p.selectedIDs(); len(ids) > 0 {
		p.v.q.ClearFailed(ids...)
		p.v.refresh()
	}
}

func (p *failedPane) clearEverything() {
	p.v.q.ClearFailed()
	p.v.refresh()
}
