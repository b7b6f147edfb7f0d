package pane

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"fyne.io/fyne/v2/theme"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// syncSortMax is the largest listing sorted on the UI goroutine; larger
// ones are sorted on a goroutine of their own.
const syncSortMax = 5000

// listing is the folder a pane shows and how it shows it: the request
// under way, the entries the FS returned, their order, the filter and the
// hidden toggle. Generation counters drop the results of requests and
// sorts that newer ones replaced.
type listing struct {
	dir     string
	stopReq context.CancelFunc // ends the Home/List request under way
	listGen uint64             // bumped by every Home/List request
	dataGen uint64             // bumped whenever all is replaced
	sortGen uint64             // bumped by every background sort
	loading bool               // a request is under way
	loaded  bool               // all holds dir's listing
	listErr error              // the last request failed
	skipped int                // entries the FS left out: unreadable or unsafe names

	all        []item
	sorted     order // how all is sorted
	order      order // how the user wants it sorted
	sorting    bool  // a background sort to sortingTo is under way
	sortingTo  order
	view       []int // indexes into all, as shown
	summary    string
	filter     string
	showHidden bool
}

// indexOf returns the view index of the entry called name, or -1.
func (l *listing) indexOf(name string) int {
	if name == "" {
		return -1
	}
	for i, j := range l.view {
		if l.all[j].Name == name {
			return i
		}
	}
	return -1
}

// Has reports whether the folder shown holds an entry called name; known
// is false while there is no listing to tell.
func (p *Pane) Has(name string) (has, known bool) {
	if !p.loaded || p.loading {
		return false, false
	}
	return p.has(name), true
}

// entryAt returns the entry at view index i.
func (l *listing) entryAt(i int) Entry { return l.all[l.view[i]].Entry }

// has reports whether the folder holds an entry called name, shown or not.
func (l *listing) has(name string) bool {
	for i := range l.all {
		if l.all[i].Name == name {
			return true
		}
	}
	return false
}

// clear forgets the listing and the selection.
func (p *Pane) clear() {
	p.dataGen++
	p.all, p.view, p.loaded, p.listErr, p.skipped, p.sorting = nil, nil, false, nil, 0, false
	p.sel = map[string]int64{}
	p.cursor, p.anchor, p.pending, p.selectAfter = "", "", "", ""
	p.list.Refresh()
	if p.comparing {
		p.recompare()
	}
}

// homeFound is the answer to FS.Home.
type homeFound struct {
	dir string
	err error
}

func (p *Pane) goHome() {
	p.listGen++
	ctx, stop := p.request()
	g, fsys := p.listGen, p.fs
	p.loading, p.listErr = true, nil
	p.showState()
	uido.Go(ctx, func(ctx context.Context) homeFound {
		dir, err := fsys.Home(ctx)
		return homeFound{dir, err}
	}, func(h homeFound) {
		stop()
		if g != p.listGen {
			return
		}
		p.loading = false
		if h.err != nil {
			p.listErr = h.err
			p.showState()
			return
		}
		p.Open(h.dir)
	})
}

// request returns the context of a new Home/List request: it ends with
// the FS, on the Cancel of the "Listing…" state, or with stop (call it
// when the result arrives). A request that a newer one replaces runs on
// (its result is dropped).
func (p *Pane) request() (ctx context.Context, stop context.CancelFunc) {
	ctx, stop = context.WithCancel(p.ctx)
	p.stopReq = stop
	return ctx, stop
}

// cancelListing is the Cancel of the "Listing…" state: it ends the
// request under way, which a stalled server may never answer, and says
// so. Refresh tries again.
func (p *Pane) cancelListing() {
	if !p.loading {
		return
	}
	p.stopReq()
	p.listGen++ // drop its result, should one still come
	p.loading, p.listErr = false, context.Canceled
	p.showState()
	p.updateFooter()
}

// listed is the answer to FS.List, sorted.
type listed struct {
	items   []item
	skipped int
	err     error
}

// load lists p.dir off the UI goroutine and sorts the result there too.
func (p *Pane) load() {
	p.listGen++
	ctx, stop := p.request()
	g, fsys, dir, o := p.listGen, p.fs, p.dir, p.order
	p.loading, p.listErr = true, nil // a failed or cancelled listing shows "Listing…" (and its Cancel) again
	p.showState()
	p.updateFooter()
	uido.Go(ctx, func(ctx context.Context) listed {
		l, err := fsys.List(ctx, dir)
		items := makeItems(l.Entries)
		sortItems(items, o)
		return listed{items, l.Skipped, err}
	}, func(l listed) {
		stop()
		if g == p.listGen {
			p.showListed(l, o)
		}
	})
}

// showListed shows the listing that load asked for, sorted by o.
func (p *Pane) showListed(l listed, o order) {
	p.loading = false
	if l.err != nil {
		sel := p.selectAfter
		p.clear()
		p.listErr, p.selectAfter = l.err, sel
		p.showState()
		p.updateFooter()
		return
	}
	p.dataGen++
	p.all, p.sorted, p.sorting, p.skipped, p.loaded, p.listErr = l.items, o, false, l.skipped, true, nil
	p.rebuild()
	if p.comparing {
		p.recompare()
	}
}

// rebuild recomputes the view after the listing, the order, the filter or
// the hidden toggle changed. A large listing is re-sorted in the
// background; until then the view keeps the old order.
func (p *Pane) rebuild() {
	if !p.loaded {
		return
	}
	if p.sorted != p.order {
		if len(p.all) <= syncSortMax {
			sortItems(p.all, p.order)
			p.sorted = p.order
		} else if !p.sorting || p.sortingTo != p.order {
			p.sortAsync()
		}
	}
	p.view = filterItems(p.all, p.filter, p.showHidden)
	p.afterView()
}

func (p *Pane) sortAsync() {
	p.sortGen++
	sg, dg, o, items := p.sortGen, p.dataGen, p.order, slices.Clone(p.all)
	p.sorting, p.sortingTo = true, o
	uido.Go(p.ctx, func(context.Context) []item {
		sortItems(items, o)
		return items
	}, func(items []item) {
		if sg != p.sortGen || dg != p.dataGen {
			return
		}
		p.dataGen++
		p.all, p.sorted, p.sorting = items, o, false
		p.rebuild()
	})
}

// afterView brings the selection, the state, the footer and the rows up to
// date with a new view.
func (p *Pane) afterView() {
	sel := map[string]int64{}
	dirs, files, size := 0, 0, int64(0)
	target := -1
	for i, j := range p.view {
		e := &p.all[j]
		if e.IsDir {
			dirs++
		} else {
			files++
			size += e.Size
		}
		if len(p.sel) > 0 {
			if _, ok := p.sel[e.Name]; ok {
				sel[e.Name] = sizeOf(e.Entry)
			}
		}
		if p.selectAfter != "" && e.Name == p.selectAfter {
			target = i
		}
	}
	p.sel = sel
	p.summary = fmt.Sprintf("%s, %s (%s)", plural(dirs, "folder"), plural(files, "file"), transfers.FormatSize(size))
	if n := len(p.all) - len(p.view); n > 0 {
		p.summary += fmt.Sprintf(", %d more hidden or filtered out", n)
	}
	if target >= 0 {
		p.selectAfter = ""
		p.selectOnly(target)
		p.list.ScrollTo(target)
	}
	p.showState()
	p.updateFooter()
	p.list.Refresh()
}

// showState shows the list, or a sentence saying why there is none.
func (p *Pane) showState() {
	msg, busy := p.stateText()
	p.state.SetText(msg)
	if busy {
		p.activity.Show()
		p.activity.Start()
	} else {
		p.activity.Stop()
		p.activity.Hide()
	}
	showIf(p.stopBox, busy)
	if msg == "" {
		p.statePanel.Hide()
		p.list.Show()
	} else {
		p.list.Hide()
		p.statePanel.Show()
	}
}

func (p *Pane) stateText() (msg string, busy bool) {
	switch {
	case p.fs == nil:
		return "Not connected.", false
	case errors.Is(p.listErr, context.Canceled) && p.dir == "":
		return "Cancelled while looking for the starting folder. Press Refresh to try again.", false
	case errors.Is(p.listErr, context.Canceled):
		return fmt.Sprintf("Listing %s cancelled. Press Refresh to try again.", p.dir), false
	case p.listErr != nil && p.dir == "":
		return fmt.Sprintf("Could not find the starting folder: %s. Press Refresh to try again.", errText(p.listErr)), false
	case p.listErr != nil:
		return fmt.Sprintf("Could not list %s: %s. Check the path and press Refresh.", p.dir, errText(p.listErr)), false
	case !p.loaded:
		return "Listing…", true
	case len(p.all) == 0:
		return "This folder is empty.", false
	case len(p.view) == 0 && p.filter != "":
		return "No files match the filter.", false
	case len(p.view) == 0:
		return "This folder holds only hidden items: tick “Show hidden” to see them.", false
	}
	return "", false
}

// errText is an error's text without a local path the message already
// names, and without a final full stop.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return strings.TrimRight(err.Error(), ".")
}

func (p *Pane) updateFooter() {
	if !p.loaded {
		p.footer.SetText("")
		return
	}
	var b strings.Builder
	if p.loading {
		b.WriteString("Refreshing… ")
	}
	b.WriteString(p.summary)
	if len(p.sel) > 0 {
		var size int64
		for _, s := range p.sel {
			size += s
		}
		fmt.Fprintf(&b, " · %d selected (%s)", len(p.sel), transfers.FormatSize(size))
	}
	switch {
	case p.skipped == 1:
		b.WriteString(" · 1 entry not shown: unreadable or unsafe name")
	case p.skipped > 1:
		fmt.Fprintf(&b, " · %d entries not shown: unreadable or unsafe names", p.skipped)
	}
	if c := p.compareSummary(); c != "" {
		b.WriteString(" · " + c)
	}
	p.footer.SetText(b.String())
}

func (p *Pane) updateRow(id int, r *row) {
	if id < 0 || id >= len(p.view) {
		return
	}
	e := &p.all[p.view[id]].Entry
	_, sel := p.sel[e.Name]
	r.show(id, e, sel, p.focused && e.Name == p.cursor, e.Name == p.dropRow)
}

func (p *Pane) setFilter(s string) {
	p.filter = s
	p.rebuild()
}

func (p *Pane) setShowHidden(on bool) {
	p.showHidden = on
	p.rebuild()
}

// sortBy sorts by c, or reverses the order if it is sorted by c already.
func (p *Pane) sortBy(c column) {
	if p.order.col == c {
		p.order.desc = !p.order.desc
	} else {
		p.order = order{col: c}
	}
	p.updateHeader()
	p.rebuild()
}

func (p *Pane) updateHeader() {
	for i, b := range p.header {
		b.Icon = nil
		if column(i) == p.order.col {
			b.Icon = theme.MenuDropUpIcon()
			if p.order.desc {
				b.Icon = theme.MenuDropDownIcon()
			}
		}
		b.Refresh()
	}
}
