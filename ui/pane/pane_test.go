package pane

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC // golden markup shows modification times
	os.Exit(m.Run())
}

// fixture is a window with two panes sharing a drag controller. Fyne's
// test driver runs what goroutines hand to the UI goroutine at once, on
// their own goroutine, which would race with the test's; so uido posts it
// to a queue that the test goroutine runs while it waits (deliverHere).
type fixture struct {
	t           testing.TB
	w           fyne.Window
	q           chan func()
	drag        *DragController
	left, right *Pane
	errs        []error
	transfers   []transfer
	posted      atomic.Int64 // callbacks posted to q
}

type transfer struct {
	names     []string
	fromDir   string
	target    *Pane
	targetDir string
}

func setup(t testing.TB, left, right FS) *fixture {
	t.Helper()
	test.NewTempApp(t)
	f := &fixture{t: t, q: make(chan func(), 1<<14)}
	f.deliverHere()
	f.w = test.NewTempWindow(t, widget.NewLabel(""))
	f.drag = NewDragController()
	f.left = New("This computer", f.w, f.drag)
	f.right = New("Server", f.w, f.drag)
	f.left.SetPeer(f.right)
	f.right.SetPeer(f.left)
	t.Cleanup(func() { f.left.SetFS(nil); f.right.SetFS(nil) }) // results still to come are dropped
	for _, p := range []*Pane{f.left, f.right} {
		p.OnError = func(err error) { f.errs = append(f.errs, err) }
		p.OnTransfer = func(entries []Entry, fromDir string, target *Pane, targetDir string) {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name)
			}
			f.transfers = append(f.transfers, transfer{names, fromDir, target, targetDir})
		}
	}
	f.w.SetContent(container.NewStack(container.NewGridWithColumns(2, f.left.Content(), f.right.Content()), f.drag.Layer()))
	f.w.Resize(fyne.NewSize(1400, 700))
	if left != nil {
		f.left.SetFS(left)
		f.settle(f.left)
	}
	if right != nil {
		f.right.SetFS(right)
		f.settle(f.right)
	}
	return f
}

// deliverHere makes uido post to f's queue until the test ends.
func (f *fixture) deliverHere() { f.t.Cleanup(uido.SetForTest(f.post)) }

func (f *fixture) post(fn func()) {
	f.posted.Add(1)
	f.q <- fn
}

// waitFor runs queued UI work until cond holds, for at most 5 s.
func (f *fixture) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case fn := <-f.q:
			fn()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// settle waits until p has no listing or sort under way.
func (f *fixture) settle(p *Pane) {
	f.t.Helper()
	f.waitFor("the listing", func() bool { return !p.loading && !p.sorting && len(f.q) == 0 })
}

func names(p *Pane) []string {
	out := make([]string, 0, len(p.view))
	for _, j := range p.view {
		out = append(out, p.all[j].Name)
	}
	return out
}

func selected(p *Pane) []string {
	var out []string
	for _, e := range p.Selected() {
		out = append(out, e.Name)
	}
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// row returns the row on screen showing name.
func (f *fixture) row(p *Pane, name string) *row {
	f.t.Helper()
	drv := fyne.CurrentApp().Driver()
	for _, r := range p.rows {
		if r.id >= 0 && r.id < len(p.view) && r.name == name && !drv.AbsolutePositionForObject(r).IsZero() {
			return r
		}
	}
	f.t.Fatalf("no row on screen shows %q", name)
	return nil
}

func mouse(button desktop.MouseButton, mod fyne.KeyModifier, abs fyne.Position) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(5, 5), AbsolutePosition: abs},
		Button: button, Modifier: mod}
}

func (f *fixture) click(p *Pane, name string, mod fyne.KeyModifier) {
	f.t.Helper()
	r := f.row(p, name)
	r.MouseDown(mouse(desktop.MouseButtonPrimary, mod, fyne.Position{}))
	r.MouseUp(mouse(desktop.MouseButtonPrimary, mod, fyne.Position{}))
}

func (f *fixture) doubleClick(p *Pane, name string) {
	f.t.Helper()
	f.click(p, name, 0)
	f.click(p, name, 0)
	test.DoubleTap(f.row(p, name))
}

// key types a key into the focused object, as the driver does.
func (f *fixture) key(k fyne.KeyName) {
	f.t.Helper()
	foc := f.w.Canvas().Focused()
	if foc == nil {
		f.t.Fatal("nothing has the keyboard focus")
	}
	foc.TypedKey(&fyne.KeyEvent{Name: k})
}

// drag simulates the driver: MouseDown on the row, Dragged events with
// AbsolutePosition along the way to `to`, MouseUp on the dragged row, then
// DragEnd (which carries no position). mid runs before the release.
func (f *fixture) dragTo(r *row, to fyne.Position, mid func()) {
	f.t.Helper()
	from := fyne.CurrentApp().Driver().AbsolutePositionForObject(r).Add(fyne.NewPos(10, 10))
	r.MouseDown(mouse(desktop.MouseButtonPrimary, 0, from))
	const steps = 6
	prev := from
	for i := 1; i <= steps; i++ {
		k := float32(i) / steps
		pos := fyne.NewPos(from.X+(to.X-from.X)*k, from.Y+(to.Y-from.Y)*k)
		r.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos, Position: pos.Subtract(from)},
			Dragged: fyne.NewDelta(pos.X-prev.X, pos.Y-prev.Y)})
		prev = pos
	}
	if mid != nil {
		mid()
	}
	r.MouseUp(mouse(desktop.MouseButtonPrimary, 0, to))
	r.DragEnd()
}

func center(o fyne.CanvasObject) fyne.Position {
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	return at.Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

// overlay helpers: the top overlay is the dialog or pop-up menu shown.
func (f *fixture) overlayObjects() []fyne.CanvasObject {
	f.t.Helper()
	top := f.w.Canvas().Overlays().Top()
	if top == nil {
		f.t.Fatal("no dialog is shown")
	}
	return test.LaidOutObjects(top)
}

func (f *fixture) tapButton(text string) {
	f.t.Helper()
	for _, o := range f.overlayObjects() {
		if b, ok := esc.AsButton(o); ok && b.Text == text && b.Visible() {
			if b.Disabled() {
				f.t.Fatalf("button %q is disabled", text)
			}
			test.Tap(b)
			return
		}
	}
	f.t.Fatalf("the dialog has no button %q", text)
}

// overlayText is the text of the labels in the top dialog.
func (f *fixture) overlayText() string {
	var b strings.Builder
	for _, o := range f.overlayObjects() {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

func (f *fixture) dialogEntry() *widget.Entry {
	f.t.Helper()
	for _, o := range f.overlayObjects() {
		if e, ok := esc.AsEntry(o); ok {
			return e
		}
	}
	f.t.Fatal("the dialog has no entry")
	return nil
}

func menuItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("the menu has no %q", label)
	return nil
}

func writeFiles(t *testing.T, dir string, files map[string]int) {
	t.Helper()
	for name, size := range files {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.Repeat([]byte("x"), size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// memFS is an in-memory server-like FS.
type memFS struct {
	mu      sync.Mutex
	remote  bool
	dirs    map[string][]Entry
	fail    map[string]error
	gate    map[string]chan struct{} // List of a folder waits for its gate to close
	skipped int
	chmods  map[string]uint32
}

var _ FS = (*memFS)(nil)

func newMemFS(remote bool) *memFS {
	return &memFS{remote: remote, dirs: map[string][]Entry{"/": {}}, fail: map[string]error{},
		gate: map[string]chan struct{}{}, chmods: map[string]uint32{}}
}

func (m *memFS) add(dir string, es ...Entry) *memFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range es {
		m.dirs[dir] = append(m.dirs[dir], e)
		if sub := path.Join(dir, e.Name); e.IsDir && m.dirs[sub] == nil {
			m.dirs[sub] = []Entry{}
		}
	}
	return m
}

func (m *memFS) Remote() bool                         { return m.remote }
func (m *memFS) Home(context.Context) (string, error) { return "/", nil }
func (m *memFS) Join(dir, name string) string         { return path.Join(dir, name) }
func (m *memFS) Parent(dir string) (string, bool)     { return (&RemoteFS{}).Parent(dir) }
func (m *memFS) Clean(typed string) (string, error) {
	return (&RemoteFS{}).Clean(typed)
}
func (m *memFS) Display(p string) string { return "ftpes://files.example.com" + p }

func (m *memFS) List(ctx context.Context, dir string) (Listing, error) {
	m.mu.Lock()
	g := m.gate[dir]
	m.mu.Unlock()
	if g != nil {
		select {
		case <-g:
		case <-ctx.Done():
			return Listing{}, ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail[dir]; err != nil {
		return Listing{}, err
	}
	es, ok := m.dirs[dir]
	if !ok {
		return Listing{}, errors.New("no such folder")
	}
	return Listing{Entries: slices.Clone(es), Skipped: m.skipped}, nil
}

func (m *memFS) Mkdir(_ context.Context, p string) error {
	m.add(path.Dir(p), Entry{Name: path.Base(p), IsDir: true, Perm: "rwxr-xr-x"})
	return nil
}

func (m *memFS) Rename(_ context.Context, from, to string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	es := m.dirs[path.Dir(from)]
	for i := range es {
		if es[i].Name == path.Base(from) {
			es[i].Name = path.Base(to)
			return nil
		}
	}
	return fmt.Errorf("rename %s: no such file", from)
}

func (m *memFS) Delete(_ context.Context, p string, _ bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir := path.Dir(p)
	m.dirs[dir] = slices.DeleteFunc(m.dirs[dir], func(e Entry) bool { return e.Name == path.Base(p) })
	for d := range m.dirs {
		if d == p || strings.HasPrefix(d, p+"/") {
			delete(m.dirs, d)
		}
	}
	return nil
}

func (m *memFS) Chmod(_ context.Context, p string, mode uint32) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.chmods[p] = mode
	es := m.dirs[path.Dir(p)]
	for i := range es {
		if es[i].Name == path.Base(p) {
			es[i].Perm = iofs.FileMode(mode).Perm().String()[1:]
		}
	}
	return nil
}

var day = time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)

func serverFS() *memFS {
	return newMemFS(true).add("/",
		Entry{Name: "incoming", IsDir: true, ModTime: day, Perm: "rwxr-xr-x"},
		Entry{Name: "site", IsDir: true, ModTime: day.Add(time.Hour), Perm: "rwxr-x---"},
		Entry{Name: "index.html", Size: 5120, ModTime: day.Add(-48 * time.Hour), Perm: "rw-r--r--"},
		Entry{Name: "backup.tar.gz", Size: 3 << 30, ModTime: day.Add(-24 * time.Hour), Perm: "rw-------"},
		Entry{Name: ".htaccess", Size: 120, ModTime: day, Perm: "rw-r--r--"},
		Entry{Name: "latest", IsLink: true, IsDir: true, ModTime: day, Perm: "rwxrwxrwx"},
	)
}

func TestListingFoldersFirstAndSorting(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"b.txt": 300, "a.txt": 10, "C.txt": 2000, "zdir/": 0, "adir/": 0})
	f := setup(t, LocalFS{HomeDir: dir}, nil)
	p := f.left

	if p.Dir() != dir || p.path.Text != dir {
		t.Fatalf("Dir() = %q, path bar %q; want %q", p.Dir(), p.path.Text, dir)
	}
	equal(t, "by name", names(p), []string{"adir", "zdir", "a.txt", "b.txt", "C.txt"})
	if got := f.row(p, "C.txt").size.Text; got != "2.0 kB" {
		t.Errorf("size column of C.txt = %q", got)
	}
	if !p.header[colPerm].Hidden || f.row(p, "a.txt").perms.Visible() {
		t.Error("a local pane shows the permissions column")
	}

	steps := []struct {
		col  column
		want []string
	}{
		{colSize, []string{"adir", "zdir", "a.txt", "b.txt", "C.txt"}},
		{colSize, []string{"adir", "zdir", "C.txt", "b.txt", "a.txt"}},
		{colName, []string{"adir", "zdir", "a.txt", "b.txt", "C.txt"}},
		{colName, []string{"zdir", "adir", "C.txt", "b.txt", "a.txt"}},
	}
	for i, s := range steps {
		test.Tap(p.header[s.col])
		equal(t, fmt.Sprintf("step %d, after clicking %s", i, columnTitles[s.col]), names(p), s.want)
	}
	if p.header[colName].Icon == nil || p.header[colSize].Icon != nil {
		t.Error("the sort arrow is not on the Name column only")
	}
}

func TestFilterAndShowHidden(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{".hidden": 1, "report.pdf": 1, "Readme.md": 1, "notes.txt": 1, ".config/": 0})
	f := setup(t, LocalFS{HomeDir: dir}, nil)
	p := f.left

	equal(t, "hidden off", names(p), []string{"notes.txt", "Readme.md", "report.pdf"})
	test.Tap(p.hiddenCheck)
	equal(t, "hidden on", names(p), []string{".config", ".hidden", "notes.txt", "Readme.md", "report.pdf"})
	test.Tap(p.hiddenCheck)

	test.Type(p.filterBox, "RE")
	equal(t, "filter RE", names(p), []string{"Readme.md", "report.pdf"})
	if !strings.Contains(p.footer.Text, "3 more hidden or filtered out") {
		t.Errorf("footer = %q", p.footer.Text)
	}
	p.filterBox.SetText("zzz")
	if !p.statePanel.Visible() || p.state.Text != "No files match the filter." {
		t.Errorf("state = %q (shown %v)", p.state.Text, p.statePanel.Visible())
	}
	p.filterBox.SetText("")
	equal(t, "no filter", names(p), []string{"notes.txt", "Readme.md", "report.pdf"})
}

func TestMouseSelection(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
	f := setup(t, LocalFS{HomeDir: dir}, nil)
	p := f.left
	ctrl := fyne.KeyModifierShortcutDefault

	f.click(p, "b", 0)
	equal(t, "click", selected(p), []string{"b"})
	if f.w.Canvas().Focused() != p.list {
		t.Error("a click does not focus the list")
	}
	f.click(p, "d", ctrl)
	equal(t, "ctrl-click", selected(p), []string{"b", "d"})
	f.click(p, "b", ctrl)
	equal(t, "ctrl-click again", selected(p), []string{"d"})
	f.click(p, "e", fyne.KeyModifierShift) // from the last click, b
	equal(t, "shift-click", selected(p), []string{"b", "c", "d", "e"})
	if r := f.row(p, "c"); r.bg.FillColor == f.row(p, "a").bg.FillColor {
		t.Error("selected rows are not highlighted")
	}
	f.click(p, "a", fyne.KeyModifierShift|ctrl)
	equal(t, "ctrl+shift-click", selected(p), []string{"a", "b", "c", "d", "e"})

	// A plain press on a row of the selection keeps it until the release.
	r := f.row(p, "c")
	r.MouseDown(mouse(desktop.MouseButtonPrimary, 0, fyne.Position{}))
	equal(t, "pressed", selected(p), []string{"a", "b", "c", "d", "e"})
	r.MouseUp(mouse(desktop.MouseButtonPrimary, 0, fyne.Position{}))
	equal(t, "released", selected(p), []string{"c"})

	p.list.TypedShortcut(&fyne.ShortcutSelectAll{})
	equal(t, "Ctrl+A", selected(p), []string{"a", "b", "c", "d", "e"})
	if !strings.Contains(p.footer.Text, "5 selected (15 B)") {
		t.Errorf("footer = %q", p.footer.Text)
	}

	// Clicking the empty area clears the selection.
	test.Tap(p.list)
	equal(t, "empty-area click", selected(p), nil)
}

func TestKeyboard(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"docs/": 0, "docs/inner.txt": 1, "a.txt": 1, "b.txt": 1})
	f := setup(t, LocalFS{HomeDir: dir}, nil)
	p := f.left

	f.click(p, "a.txt", 0)
	f.key(fyne.KeyDown)
	equal(t, "Down", selected(p), []string{"b.txt"})
	p.list.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	f.key(fyne.KeyUp)
	f.key(fyne.KeyUp)
	p.list.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	equal(t, "Shift+Up twice", selected(p), []string{"docs", "a.txt", "b.txt"})
	f.key(fyne.KeyHome)
	equal(t, "Home", selected(p), []string{"docs"})

	f.key(fyne.KeyReturn)
	f.settle(p)
	if want := filepath.Join(dir, "docs"); p.Dir() != want {
		t.Fatalf("after Enter, Dir() = %q, want %q", p.Dir(), want)
	}
	equal(t, "inside docs", names(p), []string{"inner.txt"})

	f.key(fyne.KeyBackspace)
	f.settle(p)
	if p.Dir() != dir {
		t.Fatalf("after Backspace, Dir() = %q, want %q", p.Dir(), dir)
	}
	equal(t, "back up, the folder left is selected", selected(p), []string{"docs"})

	// F5 lists again: a file created meanwhile appears.
	writeFiles(t, dir, map[string]int{"new.txt": 1})
	f.key(fyne.KeyF5)
	f.settle(p)
	equal(t, "after F5", names(p), []string{"docs", "a.txt", "b.txt", "new.txt"})
	equal(t, "F5 keeps the selection", selected(p), []string{"docs"})
}

func TestRenameWithF2(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"old.txt": 1, "taken.txt": 1})
	f := setup(t, LocalFS{HomeDir: dir}, nil)
	p := f.left

	f.click(p, "old.txt", 0)
	f.key(fyne.KeyF2)
	e := f.dialogEntry()
	if e.Text != "old.txt" {
		t.Errorf("the rename entry starts with %q", e.Text)
	}
	e.SetText("taken.txt")
	for _, o := range f.overlayObjects() {
		if b, ok := esc.AsButton(o); ok && b.Text == "Rename" && !b.Disabled() {
			t.Error("renaming onto an existing name is allowed")
		}
	}
	if l := f.overlayText(); !strings.Contains(l, `"taken.txt" already exists here`) {
		t.Errorf("the dialog does not say why: %q", l)
	}
	e.SetText("new.txt")
	f.tapButton("Rename")
	f.waitFor("the renamed file", func() bool { return slices.Contains(names(p), "new.txt") && !p.loading })
	equal(t, "after rename", names(p), []string{"new.txt", "taken.txt"})
	equal(t, "the renamed file is selected", selected(p), []string{"new.txt"})
	if _, err := os.Stat(filepath.Join(dir, "new.txt")); err != nil {
		t.Error(err)
	}
}

func TestDeleteAsksFirst(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"a.txt": 1, "b.txt": 1, "c.txt": 1, "keep.txt": 1, "sub/": 0, "sub/x": 1})
	f := setup(t, LocalFS{HomeDir: dir}, nil)
	p := f.left

	f.click(p, "a.txt", 0)
	f.click(p, "c.txt", fyne.KeyModifierShift)
	f.key(fyne.KeyDelete)
	want := `Delete "a.txt" and 2 other items? This cannot be undone.`
	if got := f.overlayText(); !strings.Contains(got, want) {
		t.Errorf("dialog says %q, want %q", got, want)
	}
	f.tapButton("Cancel")
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("cancel deleted %s", n)
		}
	}

	f.key(fyne.KeyDelete)
	f.tapButton("Delete")
	f.waitFor("the deletion", func() bool { return len(names(p)) == 2 && !p.loading })
	equal(t, "after delete", names(p), []string{"sub", "keep.txt"})
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, iofs.ErrNotExist) {
			t.Errorf("%s still exists", n)
		}
	}

	// A folder goes with its contents, and the dialog says so.
	f.click(p, "sub", 0)
	f.key(fyne.KeyDelete)
	if got := f.overlayText(); !strings.Contains(got, `Delete "sub"? Folders are deleted with everything in them. This cannot be undone.`) {
		t.Errorf("dialog says %q", got)
	}
	f.tapButton("Delete")
	f.waitFor("the folder's deletion", func() bool { return len(names(p)) == 1 && !p.loading })
	if _, err := os.Stat(filepath.Join(dir, "sub")); !errors.Is(err, iofs.ErrNotExist) {
		t.Error("sub still exists")
	}
	if len(f.errs) > 0 {
		t.Errorf("errors: %v", f.errs)
	}
}

func TestNewFolderFromMenu(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"New folder/": 0})
	f := setup(t, LocalFS{HomeDir: dir}, nil)
	p := f.left

	menuItem(t, p.menu(), "New folder…").Action()
	e := f.dialogEntry()
	if e.Text != "New folder 2" {
		t.Errorf("suggested name %q", e.Text)
	}
	e.SetText("fresh")
	f.tapButton("Create")
	f.waitFor("the new folder", func() bool { return slices.Contains(names(p), "fresh") && !p.loading })
	equal(t, "the new folder is selected", selected(p), []string{"fresh"})
	if fi, err := os.Stat(filepath.Join(dir, "fresh")); err != nil || !fi.IsDir() {
		t.Errorf("no folder on disk: %v", err)
	}
}

func TestStates(t *testing.T) {
	dir := t.TempDir()
	f := setup(t, nil, nil)
	p := f.left
	if p.state.Text != "Not connected." || p.list.Visible() {
		t.Errorf("no FS: state %q, list shown %v", p.state.Text, p.list.Visible())
	}
	if !p.path.Disabled() || !p.up.Disabled() {
		t.Error("the path bar and Up work without an FS")
	}

	p.SetFS(LocalFS{HomeDir: dir})
	if p.state.Text != "Listing…" || !p.activity.Visible() {
		t.Errorf("while listing: state %q, spinner shown %v", p.state.Text, p.activity.Visible())
	}
	f.settle(p)
	if p.state.Text != "This folder is empty." {
		t.Errorf("empty folder: state %q", p.state.Text)
	}

	missing := filepath.Join(dir, "missing")
	p.path.SetText(missing)
	p.path.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.settle(p)
	want := "Could not list " + missing + ": no such file or directory. Check the path and press Refresh."
	if p.state.Text != want {
		t.Errorf("missing folder: state %q, want %q", p.state.Text, want)
	}

	p.path.SetText("relative/path")
	p.path.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(f.errs) != 1 || !strings.Contains(f.errs[0].Error(), "not a full path") {
		t.Errorf("a relative path gives errors %v", f.errs)
	}

	m := newMemFS(true)
	m.fail["/"] = errors.New("permission denied by the server")
	f.right.SetFS(m)
	f.settle(f.right)
	want = "Could not list /: permission denied by the server. Check the path and press Refresh."
	if f.right.state.Text != want {
		t.Errorf("server error: state %q, want %q", f.right.state.Text, want)
	}
	m.mu.Lock()
	delete(m.fail, "/")
	m.skipped = 2
	m.mu.Unlock()
	m.add("/", Entry{Name: ".profile"})
	test.Tap(f.right.refresh)
	f.settle(f.right)
	if want := "This folder holds only hidden items"; !strings.HasPrefix(f.right.state.Text, want) {
		t.Errorf("only hidden items: state %q", f.right.state.Text)
	}
	if !strings.Contains(f.right.footer.Text, "2 entries not shown: unreadable or unsafe names") {
		t.Errorf("footer = %q", f.right.footer.Text)
	}
	f.right.SetFS(nil)
	if f.right.state.Text != "Not connected." {
		t.Errorf("after SetFS(nil): %q", f.right.state.Text)
	}
}

// TestStaleListingDropped: a slow listing of a folder left behind never
// replaces the listing of the folder opened after it.
func TestStaleListingDropped(t *testing.T) {
	m := newMemFS(true).add("/", Entry{Name: "slow", IsDir: true}, Entry{Name: "fast", IsDir: true})
	m.add("/slow", Entry{Name: "old.txt"})
	m.add("/fast", Entry{Name: "new.txt"})
	f := setup(t, nil, m)
	p := f.right
	gate := make(chan struct{})
	m.mu.Lock()
	m.gate["/slow"] = gate
	m.mu.Unlock()

	p.Open("/slow")
	p.Open("/fast")
	f.settle(p)
	equal(t, "fast listing", names(p), []string{"new.txt"})
	posted := f.posted.Load()
	close(gate)
	f.waitFor("the slow listing's result", func() bool { return f.posted.Load() > posted && len(f.q) == 0 })
	equal(t, "still the fast listing", names(p), []string{"new.txt"})
	if p.Dir() != "/fast" {
		t.Errorf("Dir() = %q", p.Dir())
	}
}

func TestDragBetweenPanes(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"a.txt": 1, "b.txt": 1, "c.txt": 1})
	f := setup(t, LocalFS{HomeDir: dir}, serverFS())
	l, r := f.left, f.right

	f.click(l, "a.txt", 0)
	f.click(l, "b.txt", fyne.KeyModifierShortcutDefault)

	// Onto the other pane's empty area: its folder.
	below := fyne.CurrentApp().Driver().AbsolutePositionForObject(r.body).Add(fyne.NewPos(200, r.body.Size().Height-20))
	f.dragTo(f.row(l, "b.txt"), below, func() {
		if !f.drag.ghost.Visible() || f.drag.label.Text != "2 items" {
			t.Errorf("ghost shown %v, label %q", f.drag.ghost.Visible(), f.drag.label.Text)
		}
		if !r.dropRect.Visible() {
			t.Error("no drop indicator on the target pane")
		}
		equal(t, "selection while dragging", selected(l), []string{"a.txt", "b.txt"})
	})
	if f.drag.ghost.Visible() || r.dropRect.Visible() {
		t.Error("the ghost or the drop indicator outlived the drop")
	}
	if len(f.transfers) != 1 {
		t.Fatalf("transfers = %+v", f.transfers)
	}
	got := f.transfers[0]
	equal(t, "dropped entries", got.names, []string{"a.txt", "b.txt"})
	if got.fromDir != dir || got.target != r || got.targetDir != "/" {
		t.Errorf("transfer from %q to %p %q", got.fromDir, got.target, got.targetDir)
	}
	equal(t, "selection after the drop", selected(l), []string{"a.txt", "b.txt"})

	// Onto a folder row: that folder, marked while hovering.
	f.dragTo(f.row(l, "c.txt"), center(f.row(r, "incoming")), func() {
		if r.dropRow != "incoming" || r.dropRect.Visible() {
			t.Errorf("drop indicator: row %q, whole pane %v", r.dropRow, r.dropRect.Visible())
		}
		if f.drag.label.Text != "c.txt" {
			t.Errorf("ghost label %q", f.drag.label.Text)
		}
	})
	if len(f.transfers) != 2 || f.transfers[1].targetDir != "/incoming" {
		t.Fatalf("transfers = %+v", f.transfers)
	}
	equal(t, "dropped on a folder", f.transfers[1].names, []string{"c.txt"})

	// Onto a file row: the pane's folder. Onto the source pane: nothing.
	f.dragTo(f.row(l, "c.txt"), center(f.row(r, "index.html")), nil)
	if len(f.transfers) != 3 || f.transfers[2].targetDir != "/" {
		t.Fatalf("transfers = %+v", f.transfers)
	}
	f.dragTo(f.row(l, "c.txt"), center(f.row(l, "a.txt")), nil)
	if len(f.transfers) != 3 {
		t.Errorf("a drop on the source pane transferred: %+v", f.transfers[3:])
	}

	// And back, from the server to this computer.
	f.dragTo(f.row(r, "index.html"), center(l.body), nil)
	if len(f.transfers) != 4 || f.transfers[3].target != l || f.transfers[3].targetDir != dir || f.transfers[3].fromDir != "/" {
		t.Errorf("download drop = %+v", f.transfers[3:])
	}

	// OS file drops are routed by DropTarget.
	if d, ok := r.DropTarget(center(f.row(r, "site"))); !ok || d != "/site" {
		t.Errorf("DropTarget on a folder row = %q, %v", d, ok)
	}
	if d, ok := l.DropTarget(center(l.body)); !ok || d != dir {
		t.Errorf("DropTarget on the local pane = %q, %v", d, ok)
	}
	if _, ok := l.DropTarget(fyne.NewPos(-5, -5)); ok {
		t.Error("DropTarget outside any pane is ok")
	}
}

func TestDoubleClick(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]int{"photos/": 0, "photos/cat.jpg": 1, "doc.txt": 1})
	f := setup(t, LocalFS{HomeDir: dir}, serverFS())
	l := f.left

	f.doubleClick(l, "doc.txt")
	if len(f.transfers) != 1 || f.transfers[0].target != f.right || f.transfers[0].targetDir != "/" {
		t.Fatalf("double-click on a file: transfers %+v", f.transfers)
	}
	f.doubleClick(l, "photos")
	f.settle(l)
	equal(t, "inside photos", names(l), []string{"cat.jpg"})

	// A double Ctrl-click is not a double-click.
	f.right.Open("/")
	f.settle(f.right)
	r := f.row(f.right, "site")
	r.MouseDown(mouse(desktop.MouseButtonPrimary, fyne.KeyModifierShortcutDefault, fyne.Position{}))
	test.DoubleTap(r)
	if f.right.Dir() != "/" {
		t.Error("a double Ctrl-click opened the folder")
	}
}

func TestContextMenuAndPermissions(t *testing.T) {
	dir := t.TempDir()
	m := serverFS()
	f := setup(t, LocalFS{HomeDir: dir}, m)
	r := f.right

	local := f.left.menu()
	menuItem(t, local, "Upload")
	menuItem(t, local, "Copy path")
	for _, it := range local.Items {
		if it.Label == "Permissions…" {
			t.Error("the local menu offers Permissions…")
		}
	}

	f.click(r, "index.html", 0)
	f.click(r, "backup.tar.gz", fyne.KeyModifierShortcutDefault)
	menu := r.menu()
	if it := menuItem(t, menu, "Rename…"); !it.Disabled {
		t.Error("Rename… is enabled for two items")
	}
	dl := menuItem(t, menu, "Download")
	if dl.Disabled {
		t.Fatal("Download is disabled")
	}
	dl.Action()
	if len(f.transfers) != 1 || f.transfers[0].targetDir != dir {
		t.Errorf("Download sent %+v", f.transfers)
	}

	menuItem(t, menu, "Copy URL").Action()
	want := "ftpes://files.example.com/backup.tar.gz\nftpes://files.example.com/index.html"
	if got := fyne.CurrentApp().Clipboard().Content(); got != want {
		t.Errorf("clipboard = %q, want %q", got, want)
	}

	// The row's right-click shows the menu as a pop-up.
	f.row(r, "index.html").TappedSecondary(&fyne.PointEvent{AbsolutePosition: center(f.row(r, "index.html"))})
	if !slices.ContainsFunc(f.overlayObjects(), func(o fyne.CanvasObject) bool { _, ok := o.(*widget.PopUpMenu); return ok }) {
		t.Error("right-click shows no pop-up menu")
	}
	f.w.Canvas().Overlays().Top().Hide()
	f.w.Canvas().Overlays().Remove(f.w.Canvas().Overlays().Top())

	menuItem(t, menu, "Permissions…").Action()
	var octal *widget.Entry
	var checks []*widget.Check
	for _, o := range f.overlayObjects() {
		if e, ok := esc.AsEntry(o); ok {
			octal = e
		}
		if c, ok := esc.AsCheck(o); ok {
			checks = append(checks, c)
		}
	}
	if len(checks) != 9 || octal == nil {
		t.Fatalf("the dialog has %d boxes and entry %v", len(checks), octal)
	}
	if octal.Text != "600" { // backup.tar.gz comes first: rw-------
		t.Errorf("octal starts as %q", octal.Text)
	}
	test.Tap(checks[3]) // group read
	if octal.Text != "640" {
		t.Errorf("after ticking group read: %q", octal.Text)
	}
	octal.SetText("755")
	if !checks[8].Checked || checks[7].Checked {
		t.Error("typing 755 does not tick the boxes")
	}
	f.tapButton("Apply")
	f.waitFor("chmod", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return len(m.chmods) == 2
	})
	f.settle(r)
	if m.chmods["/index.html"] != 0o755 || m.chmods["/backup.tar.gz"] != 0o755 {
		t.Errorf("chmods = %v", m.chmods)
	}
	if got := f.row(r, "index.html").perms.Text; got != "rwxr-xr-x" {
		t.Errorf("permissions column after chmod = %q", got)
	}
}

// TestLargeFolder: 100,000 entries load, filter and re-sort without the
// UI goroutine doing the sorting.
func TestLargeFolder(t *testing.T) {
	m := newMemFS(true)
	es := make([]Entry, 100_000)
	for i := range es {
		es[i] = Entry{Name: fmt.Sprintf("file-%06d.dat", i), Size: int64(i % 977), ModTime: day.Add(time.Duration(i) * time.Second)}
	}
	m.add("/", es...)
	f := setup(t, nil, m)
	p := f.right
	if len(p.view) != 100_000 {
		t.Fatalf("%d entries shown", len(p.view))
	}
	test.Type(p.filterBox, "9999")
	if got := len(p.view); got != 19 { // 0x9999 and 09999x
		t.Errorf("filter 9999 shows %d entries, want 19", got)
	}
	test.Tap(p.header[colSize])
	f.settle(p)
	if p.sorted != p.order || p.order.col != colSize {
		t.Errorf("sorted %+v, order %+v", p.sorted, p.order)
	}
	p.filterBox.SetText("")
	for i := 1; i < len(p.view); i++ {
		if p.all[p.view[i-1]].Size > p.all[p.view[i]].Size {
			t.Fatalf("not sorted by size at %d", i)
		}
	}
	p.list.TypedShortcut(&fyne.ShortcutSelectAll{})
	if len(p.Selected()) != 100_000 {
		t.Error("Ctrl+A did not select everything")
	}
}

func TestGoldenListing(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	f := &fixture{t: t, w: w, q: make(chan func(), 64)}
	f.deliverHere()
	p := New("Server", w, nil)
	w.SetContent(p.Content())
	w.Resize(fyne.NewSize(760, 420))
	p.SetFS(serverFS())
	f.settle(p)
	f.click(p, "index.html", 0)
	test.AssertRendersToMarkup(t, "pane_listing.xml", w.Canvas())
}

// startServer starts the in-process FTPS server over root and returns a
// RemoteFS on it.
func startServer(t *testing.T, root string, listing func(string) []string) (*RemoteFS, int) {
	t.Helper()
	d := ftpdtest.Start(t, ftpd.Config{Root: root, Listing: listing})
	d.Conns = 1
	pool, _ := d.Pool(context.Background(), "pane")
	return NewRemoteFS(pool, sites.Site{Host: "127.0.0.1", Port: d.Port, Encryption: session.Explicit, User: ftpdtest.User}), d.Port
}

// TestRemoteFS runs RemoteFS against the in-process FTPS server.
func TestRemoteFS(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]int{"docs/": 0, "docs/a.txt": 3, "docs/deep/": 0, "docs/deep/b.txt": 1, "top.txt": 7})
	r, port := startServer(t, root, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	home, err := r.Home(ctx)
	if err != nil || home != "/" {
		t.Fatalf("Home = %q, %v", home, err)
	}
	l, err := r.List(ctx, "/docs")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range l.Entries {
		got = append(got, fmt.Sprintf("%s dir=%v size=%d perm=%s", e.Name, e.IsDir, e.Size, e.Perm))
	}
	slices.Sort(got)
	equal(t, "listing", got, []string{"a.txt dir=false size=3 perm=rw-r--r--", "deep dir=true size=0 perm=rwxr-xr-x"})

	steps := []struct {
		name string
		op   func() error
	}{
		{"mkdir", func() error { return r.Mkdir(ctx, "/made") }},
		{"rename", func() error { return r.Rename(ctx, "/top.txt", "/made/moved.txt") }},
		{"chmod", func() error { return r.Chmod(ctx, "/made/moved.txt", 0o600) }},
		{"delete file", func() error { return r.Delete(ctx, "/made/moved.txt", false) }},
		{"delete folder", func() error { return r.Delete(ctx, "/docs", true) }},
	}
	for _, s := range steps {
		if err := s.op(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "docs")); !errors.Is(err, iofs.ErrNotExist) {
		t.Error("docs was not deleted recursively")
	}
	if fi, err := os.Stat(filepath.Join(root, "made")); err != nil || !fi.IsDir() {
		t.Error("made was not created")
	}
	if got := r.Display("/a b/c.txt"); got != "ftpes://alice@127.0.0.1:"+fmt.Sprint(port)+"/a%20b/c.txt" {
		t.Errorf("Display = %q", got)
	}
	if _, err := r.Clean("relative"); err == nil {
		t.Error("Clean accepts a relative path")
	}
	if _, err := r.Clean("/a\r\nDELE x"); err == nil {
		t.Error("Clean accepts a line break")
	}
}

// TestRemoteUnsafeNames: names that could escape a folder are left out
// of a server's listing and counted, with the lines that could not be read.
func TestRemoteUnsafeNames(t *testing.T) {
	r, _ := startServer(t, t.TempDir(), func(string) []string {
		line := func(n string) string { return "type=file;size=5;modify=20240101000000; " + n }
		return []string{line("good.txt"), line("../x"), line(`a\b`), line("tab\tname"), line("nul\x00x"), "garbage line"}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l, err := r.List(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 1 || l.Entries[0].Name != "good.txt" || l.Skipped != 5 {
		t.Errorf("listing %+v, skipped %d; want only good.txt, 5 skipped", l.Entries, l.Skipped)
	}
}
