// Package pane is the file pane used for both sides of Ferry's two-pane
// browser: a folder of this computer or of a server, with sortable columns,
// a filter, multi-selection, keyboard, context menu, and drag and drop
// between panes.
package pane

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// syncSortMax is the largest listing sorted on the UI goroutine; larger
// ones are sorted on a goroutine of their own.
const syncSortMax = 5000

// Pane is one side of the two-pane browser. Build it with [New], give it
// an FS with SetFS, and place Content in the window.
//
// Not safe for concurrent use: call its methods, and set its fields, only
// on the UI goroutine. FS calls run on goroutines of their own; their
// results come back through fyne.Do, and a generation counter drops the
// result of a listing that a newer one has replaced. While a folder is
// being listed the pane shows "Listing…" with a Cancel button, so a server
// that never answers holds up nothing.
type Pane struct {
	// OnTransfer is called to copy entries of fromDir into targetDir of
	// target: on a drop onto the other pane, on a double-click (or Enter)
	// on a file, and from the Upload/Download menu item. It runs on the UI
	// goroutine and must not block.
	OnTransfer func(entries []Entry, fromDir string, target *Pane, targetDir string)
	// OnError reports a failed action (rename, delete, ...). If nil, an
	// error dialog is shown. Listing failures are shown in the pane.
	OnError func(error)

	win  fyne.Window
	drag *DragController
	peer *Pane
	do   func(func()) // runs a function on the UI goroutine: fyne.Do (tests replace it)

	fs      FS
	ctx     context.Context // ends when the FS is replaced
	cancel  context.CancelFunc
	stopReq context.CancelFunc // ends the Home/List request under way
	dir     string
	listGen uint64 // bumped by every Home/List request
	dataGen uint64 // bumped whenever all is replaced
	sortGen uint64 // bumped by every background sort
	loading bool   // a request is under way
	loaded  bool   // all holds dir's listing
	listErr error  // the last request failed
	skipped int

	all         []item
	sorted      order // how all is sorted
	order       order // how the user wants it sorted
	sorting     bool  // a background sort to sortingTo is under way
	sortingTo   order
	view        []int // indexes into all, as shown
	summary     string
	filter      string
	showHidden  bool
	sel         map[string]int64 // selected names → size (0 for folders)
	cursor      string           // name of the keyboard cursor's entry
	anchor      string           // name where a Shift range starts
	pending     string           // plain press on a selected row: select only it on release
	pressName   string
	pressMod    fyne.KeyModifier
	selectAfter string // name to select when the next listing arrives
	focused     bool
	shift       bool
	dropRow     string // folder row under a drag

	content     fyne.CanvasObject
	path        *widget.Entry
	up, refresh *widget.Button
	filterBox   *widget.Entry
	hiddenCheck *widget.Check
	header      [4]*widget.Button
	headerBox   *fyne.Container
	list        *fileList
	rows        []*row
	body        *fyne.Container
	statePanel  *fyne.Container
	stopBox     *fyne.Container // holds stop, shown while listing
	stop        *widget.Button
	state       *widget.Label
	activity    *widget.Activity
	dropRect    *canvas.Rectangle
	footer      *widget.Label
}

// New makes a pane with the given title, in state "Not connected.". win
// parents its dialogs. drag, shared with the other pane, carries drags
// between them; it may be nil. Call on the UI goroutine.
func New(title string, win fyne.Window, drag *DragController) *Pane {
	p := &Pane{win: win, drag: drag, do: uido.Do, sel: map[string]int64{}}
	p.ctx, p.cancel = context.WithCancel(context.Background())

	p.path = widget.NewEntry()
	p.path.PlaceHolder = "Folder"
	p.path.OnSubmitted = p.goTo
	p.up = ext(&widget.Button{Text: "Up", Icon: theme.MoveUpIcon(), OnTapped: p.Up})
	p.refresh = ext(&widget.Button{Text: "Refresh", Icon: theme.ViewRefreshIcon(), OnTapped: p.Refresh})
	p.filterBox = widget.NewEntry()
	p.filterBox.PlaceHolder = "Filter by name"
	p.filterBox.OnChanged = p.setFilter
	p.hiddenCheck = widget.NewCheck("Show hidden", p.setShowHidden)
	objs := make([]fyne.CanvasObject, len(p.header))
	for i := range p.header {
		c := column(i)
		p.header[i] = ext(&widget.Button{Text: columnTitles[i], Importance: widget.LowImportance,
			Alignment: widget.ButtonAlignLeading, IconPlacement: widget.ButtonIconTrailingText,
			OnTapped: func() { p.sortBy(c) }})
		if c == colSize {
			p.header[i].Alignment = widget.ButtonAlignTrailing
		}
		objs[i] = p.header[i]
	}
	p.headerBox = container.New(columns{p}, objs...)

	p.list = newFileList(p)
	p.state = ext(&widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord})
	p.activity = widget.NewActivity()
	p.stop = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: p.cancelListing})
	p.stopBox = container.NewCenter(p.stop)
	p.stopBox.Hide()
	p.statePanel = container.NewVBox(layout.NewSpacer(), container.NewCenter(p.activity), p.state, p.stopBox, layout.NewSpacer())
	p.dropRect = canvas.NewRectangle(theme.Color(theme.ColorNameHover))
	p.dropRect.StrokeWidth = 2
	p.dropRect.Hide()
	p.body = container.NewStack(p.list, p.statePanel, p.dropRect)
	p.footer = ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis})

	top := container.NewVBox(
		ext(&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}),
		container.NewBorder(nil, nil, container.NewHBox(p.up, p.refresh), nil, p.path),
		container.NewBorder(nil, nil, nil, p.hiddenCheck, p.filterBox),
		container.NewPadded(p.headerBox),
	)
	p.content = container.NewBorder(top, p.footer, nil, nil, p.body)
	if drag != nil {
		drag.panes = append(drag.panes, p)
	}
	p.SetFS(nil)
	return p
}

// Content returns the pane's object to place in the window.
func (p *Pane) Content() fyne.CanvasObject { return p.content }

// SetPeer sets the other pane: where Upload/Download, double-clicks on
// files and Enter send files.
func (p *Pane) SetPeer(peer *Pane) { p.peer = peer }

// FS returns the file system shown, or nil.
func (p *Pane) FS() FS { return p.fs }

// Dir returns the folder shown ("" before the first one is known).
func (p *Pane) Dir() string { return p.dir }

// SetFS shows fsys, starting at its home folder. nil shows "Not
// connected.". Requests under way for the previous FS are cancelled.
func (p *Pane) SetFS(fsys FS) {
	p.cancel()
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.fs, p.dir = fsys, ""
	p.path.SetText("")
	p.clear()
	showIf(p.header[colPerm], p.remote())
	p.headerBox.Refresh()
	p.updateHeader()
	for _, w := range []fyne.Disableable{p.path, p.up, p.refresh} {
		if fsys == nil {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if fsys == nil {
		p.listGen++
		p.loading = false
		p.showState()
		return
	}
	p.goHome()
}

// Open shows dir, a path of the FS (see FS.Clean for typed paths).
func (p *Pane) Open(dir string) {
	if p.fs == nil {
		return
	}
	p.dir = dir
	p.path.SetText(dir)
	p.clear()
	p.list.ScrollToTop()
	p.load()
}

// Up opens the parent folder and puts the cursor on the folder left.
func (p *Pane) Up() {
	if p.fs == nil || p.dir == "" {
		return
	}
	parent, ok := p.fs.Parent(p.dir)
	if !ok {
		return
	}
	child := strings.TrimLeft(strings.TrimPrefix(p.dir, parent), `/\`)
	p.Open(parent)
	p.selectAfter = child
}

// Refresh lists the folder again, keeping the selection.
func (p *Pane) Refresh() {
	switch {
	case p.fs == nil:
	case p.dir == "":
		p.goHome()
	default:
		p.load()
	}
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

// DropTarget reports the folder a drop at pos (an absolute canvas
// position, as Window.SetOnDropped gives) lands in: a folder row under pos,
// else the pane's folder. ok is false when pos is outside the pane's list
// or the pane has no folder to drop into.
func (p *Pane) DropTarget(pos fyne.Position) (dir string, ok bool) {
	dir, _, ok = p.hit(pos)
	return dir, ok
}

func (p *Pane) remote() bool { return p.fs != nil && p.fs.Remote() }

// clear forgets the listing and the selection.
func (p *Pane) clear() {
	p.dataGen++
	p.all, p.view, p.loaded, p.listErr, p.skipped, p.sorting = nil, nil, false, nil, 0, false
	p.sel = map[string]int64{}
	p.cursor, p.anchor, p.pending, p.selectAfter = "", "", "", ""
	p.list.Refresh()
}

func (p *Pane) goHome() {
	p.listGen++
	ctx, stop := p.request()
	g, fsys := p.listGen, p.fs
	p.loading, p.listErr = true, nil
	p.showState()
	go func() {
		home, err := fsys.Home(ctx)
		stop()
		p.do(func() {
			if g != p.listGen {
				return
			}
			p.loading = false
			if err != nil {
				p.listErr = err
				p.showState()
				return
			}
			p.Open(home)
		})
	}()
}

// request returns the context of a new Home/List request: it ends with
// the FS, on the Cancel of the "Listing…" state, or with stop (call it
// when the request is done). A request that a newer one replaces runs on
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

// load lists p.dir off the UI goroutine and sorts the result there too.
func (p *Pane) load() {
	p.listGen++
	ctx, stop := p.request()
	g, fsys, dir, o := p.listGen, p.fs, p.dir, p.order
	p.loading, p.listErr = true, nil // a failed or cancelled listing shows "Listing…" (and its Cancel) again
	p.showState()
	p.updateFooter()
	go func() {
		l, err := fsys.List(ctx, dir)
		stop()
		items := makeItems(l.Entries)
		sortItems(items, o)
		p.do(func() {
			if g != p.listGen {
				return
			}
			p.loading = false
			if err != nil {
				sel := p.selectAfter
				p.clear()
				p.listErr, p.selectAfter = err, sel
				p.showState()
				p.updateFooter()
				return
			}
			p.dataGen++
			p.all, p.sorted, p.sorting, p.skipped, p.loaded, p.listErr = items, o, false, l.Skipped, true, nil
			p.rebuild()
		})
	}()
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
	go func() {
		sortItems(items, o)
		p.do(func() {
			if sg != p.sortGen || dg != p.dataGen {
				return
			}
			p.dataGen++
			p.all, p.sorted, p.sorting = items, o, false
			p.rebuild()
		})
	}()
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
		if _, ok := p.sel[e.Name]; ok {
			sel[e.Name] = p.sizeOf(e.Entry)
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

func (p *Pane) sizeOf(e Entry) int64 {
	if e.IsDir {
		return 0
	}
	return e.Size
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

func (p *Pane) goTo(typed string) {
	if p.fs == nil {
		return
	}
	dir, err := p.fs.Clean(typed)
	if err != nil {
		p.report(err)
		return
	}
	p.Open(dir)
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

// report shows an action's error.
func (p *Pane) report(err error) {
	switch {
	case p.OnError != nil:
		p.OnError(err)
	case p.win != nil:
		esc.ShowError(err, p.win)
	default:
		fyne.LogError("file pane", err)
	}
}

// Selection. The selection is a set of names; the cursor and the anchor
// of Shift ranges are names too, so they survive re-sorting and refreshes.

func (p *Pane) indexOf(name string) int {
	if name == "" {
		return -1
	}
	for i, j := range p.view {
		if p.all[j].Name == name {
			return i
		}
	}
	return -1
}

func (p *Pane) entryAt(i int) Entry { return p.all[p.view[i]].Entry }

func (p *Pane) selectionChanged() {
	p.list.Refresh()
	p.updateFooter()
}

func (p *Pane) selectOnly(i int) {
	e := p.entryAt(i)
	p.sel = map[string]int64{e.Name: p.sizeOf(e)}
	p.cursor, p.anchor = e.Name, e.Name
	p.selectionChanged()
}

func (p *Pane) toggle(i int) {
	e := p.entryAt(i)
	if _, ok := p.sel[e.Name]; ok {
		delete(p.sel, e.Name)
	} else {
		p.sel[e.Name] = p.sizeOf(e)
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
		p.sel[e.Name] = p.sizeOf(e)
	}
	p.cursor = p.entryAt(i).Name
	p.selectionChanged()
}

func (p *Pane) selectAll() {
	for _, j := range p.view {
		p.sel[p.all[j].Name] = p.sizeOf(p.all[j].Entry)
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

func (p *Pane) focusList() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.list); c != nil {
		c.Focus(p.list)
	}
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

// activate opens a folder, or sends a file to the other pane.
func (p *Pane) activate(i int) {
	e := p.entryAt(i)
	if e.IsDir {
		p.Open(p.fs.Join(p.dir, e.Name))
		return
	}
	p.transfer([]Entry{e})
}

// peerReady reports whether the other pane has a folder to send files to.
func (p *Pane) peerReady() bool {
	return p.peer != nil && p.peer.fs != nil && p.peer.dir != "" && p.peer.listErr == nil
}

// transfer sends entries to the other pane's folder.
func (p *Pane) transfer(entries []Entry) {
	if len(entries) == 0 || p.OnTransfer == nil || p.fs == nil {
		return
	}
	if !p.peerReady() {
		p.report(errors.New("there is nowhere to send the files: the other side is not connected or its folder could not be listed"))
		return
	}
	p.OnTransfer(entries, p.dir, p.peer, p.peer.dir)
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
		if i := p.indexOf(p.cursor); i >= 0 {
			if p.entryAt(i).IsDir {
				p.activate(i)
			} else if sel := p.Selected(); len(sel) > 0 {
				p.transfer(sel)
			} else {
				p.activate(i)
			}
		}
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

// SetShowHidden sets the "Show hidden" toggle (the settings' default).
// Call on the UI goroutine.
func (p *Pane) SetShowHidden(on bool) { p.hiddenCheck.SetChecked(on) }

// Focus gives the file list the keyboard focus. Call on the UI goroutine.
func (p *Pane) Focus() {
	if c := p.win.Canvas(); c != nil {
		c.Focus(p.list)
	}
}
