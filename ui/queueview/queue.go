// The queue engine (package transfers) counts progress in atomic counters;
// this package samples them on a ticker (15 times a second by default) and
// redraws only the rows that changed, with one uido.Do per sample at most
// and none while nothing happens.

package queueview

import (
	"fmt"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// defaultEvery is how often the view samples the queue (15 Hz).
const defaultEvery = time.Second / 15

// pageMargin is how many rows above and below the visible ones a refresh
// fetches, so a little scrolling needs no extra fetch.
const pageMargin = 4

// View shows a transfer queue: tabs "Queue (N)", "Failed (N)", "Done (N)"
// and "Log". Create it, call its methods and its Start and Stop on the UI
// goroutine; it is not safe for concurrent use. Its ticker goroutine only
// samples the queue (whose methods are safe from any goroutine) and hands
// the samples to the UI goroutine with uido.Do.
type View struct {
	q     *transfers.Queue
	win   fyne.Window
	every time.Duration

	tabs                                 *container.AppTabs
	queueTab, failedTab, doneTab, logTab *container.TabItem

	// The Queue tab. The list shows n rows (as of the last refresh); the
	// statuses of rows from..from+len(page) are cached, so a queue of
	// 100,000 jobs costs one page per refresh.
	list     *widget.List
	n        int
	from     int
	page     []transfers.JobStatus
	bound    map[int]*row // rows by the index they show, for in-place updates
	pitch    float32      // a row's height plus the list's separator
	selected transfers.JobID
	selIdx   int // index of the selected job, -1 when not known
	selState transfers.JobStatus
	totals   *widget.Label
	tot      transfers.Totals // as of the last refresh

	pauseBtn, cancelBtn, upBtn, downBtn, allBtn *widget.Button

	failed *failedPane
	done   *donePane

	// The ticker.
	stop, stopped chan struct{}
	sampled       uido.Throttle // at most one refresh waits for the UI goroutine
	listsDirty    atomic.Bool   // the queue's lists changed since the last refresh
	applied       atomic.Int64  // refreshes done (tests watch them)
	shownActive   atomic.Int64  // the queue length the last refresh showed (tests)
}

// New builds the view of q; dialogs (the cancel confirmation) open over
// win, and Escape closes them once win has esc.Install. Call Start to keep it up to date. Call on the UI goroutine.
func New(q *transfers.Queue, win fyne.Window) *View {
	return newView(q, win, defaultEvery)
}

func newView(q *transfers.Queue, win fyne.Window, every time.Duration) *View {
	v := &View{q: q, win: win, every: every, bound: map[int]*row{}, selIdx: -1}
	v.buildQueueTab()
	v.failed = newFailedPane(v)
	v.done = newDonePane(v)
	v.failedTab = container.NewTabItem("Failed (0)", v.failed.content)
	v.doneTab = container.NewTabItem("Done (0)", v.done.content)
	v.logTab = container.NewTabItem("Log", container.NewCenter(
		&widget.Label{Text: "No protocol log.", Importance: widget.LowImportance}))
	v.tabs = container.NewAppTabs(v.queueTab, v.failedTab, v.doneTab, v.logTab)
	v.refresh()
	return v
}

// Content returns the tabs, to place in the window.
func (v *View) Content() fyne.CanvasObject { return v.tabs }

// SetLog shows l in the Log tab. Call on the UI goroutine.
func (v *View) SetLog(l *Log) {
	v.logTab.Content = l.Content()
	v.tabs.Refresh()
}

// SetHistoryPath tells the Done tab where the transfer history is kept, so
// it can offer to copy the path. Call on the UI goroutine.
func (v *View) SetHistoryPath(path string) { v.done.setHistoryPath(path) }

// Start starts the ticker that keeps the view up to date. Call on the UI
// goroutine; Start on a started view does nothing.
func (v *View) Start() {
	if v.stop != nil {
		return
	}
	v.stop, v.stopped = make(chan struct{}), make(chan struct{})
	go v.run(v.stop, v.stopped)
}

// Stop stops the ticker and waits for its goroutine to end. Call on the UI
// goroutine (a refresh already handed to uido.Do may still run after it).
func (v *View) Stop() {
	if v.stop == nil {
		return
	}
	close(v.stop)
	<-v.stopped
	v.stop, v.stopped = nil, nil
}

// run is the ticker goroutine: it samples the queue and asks the UI
// goroutine for a refresh only when something changed or is running.
func (v *View) run(stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(v.every)
	defer t.Stop()
	s := &sampler{q: v.q}
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		tot, lists, need := s.sample()
		if lists {
			v.listsDirty.Store(true)
		}
		if !need {
			continue
		}
		if !v.sampled.Do(func() { v.apply(tot, v.listsDirty.Swap(false)) }) {
			s.primed = false // the UI is behind: refresh again next time
		}
	}
}

// sampler decides, on the ticker goroutine, whether a refresh is needed.
// Not safe for concurrent use.
type sampler struct {
	q       *transfers.Queue
	changed <-chan struct{}
	last    transfers.Totals
	primed  bool
}

// sample samples the queue's totals once. lists: the queue's lists or job
// states changed since the last sample; need: the view should refresh
// (lists changed, the totals moved, or something is running, so speeds
// and times move).
func (s *sampler) sample() (t transfers.Totals, lists, need bool) {
	if s.changed == nil {
		s.changed, lists = s.q.Changed(), true
	} else {
		select {
		case <-s.changed:
			s.changed, lists = s.q.Changed(), true
		default:
		}
	}
	t = s.q.Totals()
	need = lists || !s.primed || t != s.last || t.Running > 0
	s.primed, s.last = true, t
	return t, lists, need
}

// refresh samples the queue and redraws what changed, lists included. On
// the UI goroutine.
func (v *View) refresh() { v.apply(v.q.Totals(), true) }

// apply redraws the view from totals t (sampled once), the visible page of
// the queue (fetched once) and, when lists, the failed and done lists.
func (v *View) apply(t transfers.Totals, lists bool) {
	v.tot = t
	v.applyQueue(t)
	if lists {
		v.failed.update(v.q.FailedJobs())
		v.done.update(v.q.Done())
	}
	changed := setTitle(v.queueTab, fmt.Sprintf("Queue (%d)", t.Active))
	changed = setTitle(v.failedTab, fmt.Sprintf("Failed (%d)", len(v.failed.jobs))) || changed
	changed = setTitle(v.doneTab, fmt.Sprintf("Done (%d)", len(v.done.recs))) || changed
	if changed {
		v.tabs.Refresh()
	}
	v.shownActive.Store(int64(t.Active))
	v.applied.Add(1)
}

func setTitle(ti *container.TabItem, text string) bool {
	if ti.Text == text {
		return false
	}
	ti.Text = text
	return true
}

// --- The Queue tab ----------------------------------------------------------

func (v *View) buildQueueTab() {
	v.list = &widget.List{Length: v.queueLen, CreateItem: v.newQueueRow, UpdateItem: v.updateQueueRow}
	v.pauseBtn = &widget.Button{Text: "Pause", Icon: theme.MediaPauseIcon(), OnTapped: v.togglePause}
	v.cancelBtn = &widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: v.cancelSelected}
	v.upBtn = &widget.Button{Text: "Move up", Icon: theme.MoveUpIcon(), OnTapped: v.moveUp}
	v.downBtn = &widget.Button{Text: "Move down", Icon: theme.MoveDownIcon(), OnTapped: v.moveDown}
	v.allBtn = &widget.Button{Text: "Pause all", Icon: theme.MediaPauseIcon(), OnTapped: v.toggleAll}
	v.totals = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	bar := container.NewHBox(v.pauseBtn, v.cancelBtn, v.upBtn, v.downBtn, layout.NewSpacer(), v.allBtn)
	v.queueTab = container.NewTabItem("Queue (0)", container.NewBorder(bar, v.totals, nil, nil, v.list))
}

func (v *View) queueLen() int { return v.n }

func (v *View) newQueueRow() fyne.CanvasObject { return newRow(true, v.pressQueueRow) }

func (v *View) updateQueueRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*row)
	if v.bound[r.index] == r {
		delete(v.bound, r.index)
	}
	v.bound[i] = r
	st, ok := v.jobAt(i)
	if !ok && i < v.n {
		// Scrolled past the cached page: fetch the one around i, a screen
		// either way, so the rows still shown above or below stay cached.
		rows := v.visibleRows()
		v.from = max(0, i-rows-pageMargin)
		v.page = v.q.Jobs(v.from, 3*rows+2*pageMargin)
		st, ok = v.jobAt(i)
	}
	if !ok {
		r.set(i, rowModel{}) // the job ended meanwhile: the next refresh shortens the list
		return
	}
	r.set(i, v.queueModel(st))
}

// jobAt returns the cached status of the job at index i.
func (v *View) jobAt(i int) (transfers.JobStatus, bool) {
	if k := i - v.from; k >= 0 && k < len(v.page) {
		return v.page[k], true
	}
	return transfers.JobStatus{}, false
}

// rowPitch is a row's height plus the space between rows.
func (v *View) rowPitch() float32 {
	if v.pitch == 0 {
		r := newRow(true, nil)
		v.pitch = r.MinSize().Height + v.list.Theme().Size(theme.SizeNamePadding)
	}
	return v.pitch
}

// visibleRows is how many rows fit the list (at least one).
func (v *View) visibleRows() int {
	return int(v.list.Size().Height/v.rowPitch()) + 2
}

// firstVisible is the index of the top row.
func (v *View) firstVisible() int {
	return int(v.list.GetScrollOffset() / v.rowPitch())
}

func (v *View) applyQueue(t transfers.Totals) {
	v.from = max(0, v.firstVisible()-pageMargin)
	v.page = v.q.Jobs(v.from, v.visibleRows()+2*pageMargin)
	v.updateSelection()
	if t.Active != v.n {
		v.n = t.Active
		v.list.Refresh() // binds the visible rows again, from the page
	} else {
		// widget.List.RefreshItem refreshes the whole list in Fyne 2.7
		// (BaseWidget.Refresh redraws every visible row and makes a new
		// template row), so rows are updated in place: set redraws only
		// the labels whose text changed.
		v.restyleRows()
	}
	for i, r := range v.bound {
		if _, ok := v.jobAt(i); !ok || r.index != i {
			delete(v.bound, i) // recycled or scrolled away
		}
	}
	v.updateToolbar(t)
	if text := totalsText(t); v.totals.Text != text {
		v.totals.SetText(text)
	}
}

// restyleRows redraws the bound rows from the cached page.
func (v *View) restyleRows() {
	for i, r := range v.bound {
		if st, ok := v.jobAt(i); ok && r.index == i {
			r.set(i, v.queueModel(st))
		}
	}
}

func (v *View) queueModel(st transfers.JobStatus) rowModel {
	m := rowModel{
		icon:      directionIcon(st.Spec.Direction),
		title:     st.Name,
		right:     stateText(st),
		rightImp:  stateImportance(st),
		detail:    jobDetail(st),
		detailImp: widget.MediumImportance,
		selected:  st.ID == v.selected,
	}
	if st.Total > 0 {
		m.frac = float64(st.Bytes) / float64(st.Total)
	}
	return m
}

func directionIcon(d transfers.Direction) fyne.ThemeIconName {
	if d == transfers.Upload {
		return theme.IconNameUpload
	}
	return theme.IconNameDownload
}

func stateImportance(st transfers.JobStatus) widget.Importance {
	switch st.State {
	case transfers.Running:
		if st.Attempt > 1 {
			return widget.WarningImportance
		}
		return widget.HighImportance
	case transfers.Failed:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// updateSelection finds the selected job in the page (or asks the queue
// for it) and forgets it once it has left the queue.
func (v *View) updateSelection() {
	v.selIdx = -1
	if v.selected == 0 {
		return
	}
	for k, st := range v.page {
		if st.ID == v.selected {
			v.selIdx, v.selState = v.from+k, st
			return
		}
	}
	st, ok := v.q.Status(v.selected)
	if !ok || st.State == transfers.Failed {
		v.selected, v.selState = 0, transfers.JobStatus{}
		return
	}
	v.selState = st
}

func (v *View) pressQueueRow(i int, mod fyne.KeyModifier) {
	st, ok := v.jobAt(i)
	if !ok {
		return
	}
	if mod&fyne.KeyModifierShortcutDefault != 0 && v.selected == st.ID {
		v.selected = 0
	} else {
		v.selected = st.ID
	}
	v.updateSelection()
	v.restyleRows()
	v.updateToolbar(v.tot)
}

func (v *View) updateToolbar(t transfers.Totals) {
	sel := v.selected != 0
	if sel && v.selState.State == transfers.Paused && !t.Paused {
		setButton(v.pauseBtn, "Resume", theme.IconNameMediaPlay, true)
	} else {
		setButton(v.pauseBtn, "Pause", theme.IconNameMediaPause, sel && !t.Paused)
	}
	setButton(v.cancelBtn, "Cancel", theme.IconNameCancel, sel)
	setButton(v.upBtn, "Move up", theme.IconNameMoveUp, sel && v.selIdx != 0)
	setButton(v.downBtn, "Move down", theme.IconNameMoveDown, sel && v.selIdx != v.n-1)
	if t.Paused {
		setButton(v.allBtn, "Resume all", theme.IconNameMediaPlay, true)
	} else {
		setButton(v.allBtn, "Pause all", theme.IconNameMediaPause, true)
	}
}

// setButton changes a button's words (and with them its icon) and whether
// it can be pressed, refreshing it only when something differs.
func setButton(b *widget.Button, text string, icon fyne.ThemeIconName, enabled bool) {
	if b.Text != text {
		b.Text, b.Icon = text, theme.Icon(icon)
		b.Refresh()
	}
	enable(b, enabled)
}

// selectedStatus is the selected job's status, fresh from the queue.
func (v *View) selectedStatus() (transfers.JobStatus, bool) {
	if v.selected == 0 {
		return transfers.JobStatus{}, false
	}
	st, ok := v.q.Status(v.selected)
	return st, ok && st.State != transfers.Failed
}

func (v *View) togglePause() {
	st, ok := v.selectedStatus()
	if !ok {
		return
	}
	if st.State == transfers.Paused {
		v.q.Resume(st.ID)
	} else {
		v.q.Pause(st.ID)
	}
	v.refresh()
}

// cancelSelected cancels the selected job, after asking when that throws
// work away: a running transfer, or one with a partial file.
func (v *View) cancelSelected() {
	st, ok := v.selectedStatus()
	if !ok {
		return
	}
	if st.State != transfers.Running && st.Bytes == 0 {
		v.cancel(st.ID)
		return
	}
	msg := fmt.Sprintf("Cancel the transfer of %s? The partial file is deleted.", st.Name)
	if st.Spec.IsDir {
		msg = fmt.Sprintf("Cancel the transfer of %s? Files already transferred stay; the partial file is deleted.", st.Name)
	}
	d := dialog.NewConfirm("Cancel transfer", msg, func(yes bool) {
		if yes {
			v.cancel(st.ID)
		}
	}, v.win)
	d.SetConfirmText("Cancel transfer")
	d.SetDismissText("Keep")
	d.SetConfirmImportance(widget.DangerImportance)
	esc.Dialog(v.win, d) // Escape keeps the transfer, as Keep does
	d.Show()
}

func (v *View) cancel(id transfers.JobID) {
	v.q.Cancel(id)
	if v.selected == id {
		v.selected = 0
	}
	v.refresh()
}

func (v *View) moveUp()   { v.move(-1) }
func (v *View) moveDown() { v.move(+1) }

// move moves the selected job and keeps it in sight.
func (v *View) move(delta int) {
	if v.selected == 0 {
		return
	}
	was := v.selIdx
	v.q.Move(v.selected, delta)
	v.refresh()
	to := v.selIdx
	if to < 0 && was >= 0 {
		to = min(max(was+delta, 0), v.n-1)
	}
	if to >= 0 && (to < v.firstVisible() || to >= v.firstVisible()+v.visibleRows()-2) {
		v.list.ScrollTo(to)
		v.refresh()
	}
}

func (v *View) toggleAll() {
	if v.tot.Paused {
		v.q.ResumeAll()
	} else {
		v.q.PauseAll()
	}
	v.refresh()
}
