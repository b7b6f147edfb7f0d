package pane

import (
	"context"
	"errors"
	"strings"

	"github.com/ferryftps/ferry/ui/internal/esc"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Pane is one side of the two-pane browser. Build it with [New], give it
// an FS with SetFS, and place Content in the window.
//
// Not safe for concurrent use: call its methods, and set its fields, only
// on the UI goroutine. FS calls run off it through uido.Go; their results
// come back on it, and a generation counter drops the result of a listing
// that a newer one has replaced. While a folder is being listed the pane
// shows "Listing…" with a Cancel button, so a server that never answers
// holds up nothing.
type Pane struct {
	// OnTransfer is called to copy entries of fromDir into targetDir of
	// target: on a drop onto the other pane, on a double-click (or Enter)
	// on a file, and from the Upload/Download menu item. It runs on the UI
	// goroutine and must not block.
	OnTransfer func(entries []Entry, fromDir string, target *Pane, targetDir string)
	// OnError reports a failed action (rename, delete, ...). If nil, an
	// error dialog is shown. Listing failures are shown in the pane.
	OnError func(error)
	// OnOpen, if set, is told every folder the pane opens (by a click, the
	// path bar, Up, or Open), before it is listed; not on Refresh. It runs
	// on the UI goroutine.
	OnOpen func(dir string)

	win  fyne.Window
	drag *DragController
	peer *Pane

	fs     FS
	ctx    context.Context // ends when the FS is replaced
	cancel context.CancelFunc

	listing             // the folder shown (listing.go)
	selection           // what is selected, the cursor, the click under way (selection.go)
	compareState        // the compare marks against the other pane (compare.go)
	dropRow      string // folder row under a drag

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
	stateView
	dropRect *canvas.Rectangle
	footer   *widget.Label
}

// stateView is the sentence shown instead of the list when there is none
// to show (see Pane.showState), with a spinner and a Cancel while listing.
type stateView struct {
	statePanel *fyne.Container
	stopBox    *fyne.Container // holds stop, shown while listing
	stop       *widget.Button
	state      *widget.Label
	activity   *widget.Activity
}

// New makes a pane with the given title, in state "Not connected.". win
// parents its dialogs. drag, shared with the other pane, carries drags
// between them; it may be nil. Call on the UI goroutine.
func New(title string, win fyne.Window, drag *DragController) *Pane {
	p := &Pane{win: win, drag: drag, selection: selection{sel: map[string]int64{}}}
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
	p.buildHeader()

	p.list = newFileList(p)
	p.buildStateView()
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

// buildHeader makes the column header: a button a column, which sorts.
func (p *Pane) buildHeader() {
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
}

// buildStateView makes the state panel: spinner, sentence, Cancel.
func (p *Pane) buildStateView() {
	p.state = ext(&widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord})
	p.activity = widget.NewActivity()
	p.stop = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: p.cancelListing})
	p.stopBox = container.NewCenter(p.stop)
	p.stopBox.Hide()
	p.statePanel = container.NewVBox(layout.NewSpacer(), container.NewCenter(p.activity), p.state, p.stopBox, layout.NewSpacer())
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
	if p.OnOpen != nil {
		p.OnOpen(dir)
	}
}

// Rel returns the names leading from base down to dir, and false when dir
// is not base or below it.
func (p *Pane) Rel(base, dir string) ([]string, bool) {
	if p.fs == nil || base == "" {
		return nil, false
	}
	var names []string
	for range 256 { // bounded: a path has fewer levels
		if dir == base {
			for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
				names[i], names[j] = names[j], names[i]
			}
			return names, true
		}
		parent, ok := p.fs.Parent(dir)
		if !ok {
			return nil, false
		}
		names = append(names, strings.TrimLeft(strings.TrimPrefix(dir, parent), `/\`))
		dir = parent
	}
	return nil, false
}

// JoinAll returns the folder names lead to from base.
func (p *Pane) JoinAll(base string, names []string) string {
	for _, n := range names {
		base = p.fs.Join(base, n)
	}
	return base
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

// DropTarget reports the folder a drop at pos (an absolute canvas
// position, as Window.SetOnDropped gives) lands in: a folder row under pos,
// else the pane's folder. ok is false when pos is outside the pane's list
// or the pane has no folder to drop into.
func (p *Pane) DropTarget(pos fyne.Position) (dir string, ok bool) {
	dir, _, ok = p.hit(pos)
	return dir, ok
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

func (p *Pane) remote() bool { return p.fs != nil && p.fs.Remote() }

// goTo opens the folder typed in the path bar.
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

func (p *Pane) focusList() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.list); c != nil {
		c.Focus(p.list)
	}
}
