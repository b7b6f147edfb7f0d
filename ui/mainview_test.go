package ui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/uido"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

// fixture is the whole main window under Fyne's test driver. Engine
// callbacks (uido.Do) and the test's own steps take turns under one lock,
// as they would on the one UI goroutine of the real driver.
type fixture struct {
	t   *testing.T
	mu  sync.Mutex
	w   fyne.Window
	v   *MainView
	dir string
	// closed: the window was torn down; deliveries still coming are dropped.
	closed bool
}

func newFixture(t *testing.T, home string) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir()}
	t.Cleanup(uido.SetForTest(func(fn func()) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if !f.closed { // a late result of a window torn down: nobody wants it
			fn()
		}
	}))
	a := test.NewTempApp(t)
	sites, err := sites.OpenStore(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := trust.OpenStore(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	f.ui(func() {
		f.w = a.NewWindow("Ferry")
		f.v = NewMainView(Env{App: a, Win: f.w, Dir: f.dir, Sites: sites, Trust: trust, LocalHome: home})
		f.w.SetContent(f.v.Content())
		f.w.Resize(fyne.NewSize(1200, 800))
	})
	t.Cleanup(func() {
		f.v.Close()
		uido.Settle(10 * time.Second) // the results still on their way, before the next test
		f.ui(func() { f.w.Close(); f.closed = true })
	})
	return f
}

// ui runs fn as the UI goroutine would: never beside an engine callback.
func (f *fixture) ui(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

// until polls cond (on the UI's turn) for up to 20 s.
func (f *fixture) until(what string, cond func() bool) {
	f.t.Helper()
	for range 2000 {
		ok := false
		f.ui(func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	var status string
	f.ui(func() { status = f.v.status.Text })
	f.t.Fatalf("timed out waiting for %s (status: %q; queue %d waiting, failed %+v, done %d; overlays %d)",
		what, status, f.v.queue.Len(), f.v.queue.FailedJobs(), len(f.v.queue.Done()), len(f.v.env.Win.Canvas().Overlays().List()))
}

// roots are what the window shows: its dialogs, newest first, then its
// content.
func (f *fixture) roots() []fyne.CanvasObject {
	roots := []fyne.CanvasObject{f.w.Canvas().Content()}
	for _, o := range f.w.Canvas().Overlays().List() {
		roots = append([]fyne.CanvasObject{o}, roots...)
	}
	return roots
}

// inWindow returns the first non-nil answer of find over the roots.
func inWindow[T comparable](f *fixture, find func(fyne.CanvasObject) T) T {
	var zero T
	for _, r := range f.roots() {
		if x := find(r); x != zero {
			return x
		}
	}
	return zero
}

// hasLabel reports whether the window shows a label with text.
func (f *fixture) hasLabel(text string) bool {
	return inWindow(f, func(r fyne.CanvasObject) bool { return uitest.HasLabel(r, text) })
}

// button finds an enabled button with text, dialogs first.
func (f *fixture) button(text string) *widget.Button {
	return inWindow(f, func(r fyne.CanvasObject) *widget.Button { return uitest.EnabledButton(r, text) })
}

// check finds a check box with text, dialogs first.
func (f *fixture) check(text string) *widget.Check {
	return inWindow(f, func(r fyne.CanvasObject) *widget.Check { return uitest.Check(r, text) })
}

// row finds the draggable row of a pane showing name.
func (f *fixture) row(in fyne.CanvasObject, name string) fyne.CanvasObject {
	var found fyne.CanvasObject
	uitest.Walk(in, func(o fyne.CanvasObject) bool {
		if _, ok := o.(fyne.Draggable); !ok {
			return false
		}
		if _, ok := o.(desktop.Mouseable); !ok {
			return false
		}
		if uitest.HasLabel(o, name) {
			found = o
			return true
		}
		return false
	})
	return found
}

// connectTrusting connects with the quick-connect bar and answers the
// certificate dialog with Always trust.
func (f *fixture) connectTrusting(url, user, password string) {
	f.t.Helper()
	f.ui(func() {
		test.Type(f.v.host, url)
		test.Type(f.v.user, user)
		test.Type(f.v.password, password)
		test.Tap(f.v.connectBtn)
	})
	f.until("the certificate dialog", func() bool { return f.button("Always trust") != nil })
	f.ui(func() { test.Tap(f.button("Always trust")) })
	f.until("the connection", func() bool { return strings.HasPrefix(f.v.status.Text, "Connected to ") })
}

func mouse(abs fyne.Position, mod fyne.KeyModifier) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(5, 5), AbsolutePosition: abs},
		Button: desktop.MouseButtonPrimary, Modifier: mod}
}

// click presses and releases on a row (mod: Ctrl for multi-select).
func (f *fixture) click(r fyne.CanvasObject, mod fyne.KeyModifier) {
	m := r.(desktop.Mouseable)
	m.MouseDown(mouse(fyne.Position{}, mod))
	m.MouseUp(mouse(fyne.Position{}, mod))
}

// drag simulates the driver: MouseDown, Dragged with positions, MouseUp,
// DragEnd (which carries none).
func (f *fixture) drag(r fyne.CanvasObject, to fyne.Position) {
	from := fyne.CurrentApp().Driver().AbsolutePositionForObject(r).AddXY(10, 10)
	r.(desktop.Mouseable).MouseDown(mouse(from, 0))
	prev := from
	for i := 1; i <= 6; i++ {
		k := float32(i) / 6
		pos := fyne.NewPos(from.X+(to.X-from.X)*k, from.Y+(to.Y-from.Y)*k)
		r.(fyne.Draggable).Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos, Position: pos.Subtract(from)},
			Dragged: fyne.NewDelta(pos.X-prev.X, pos.Y-prev.Y)})
		prev = pos
	}
	r.(desktop.Mouseable).MouseUp(mouse(to, 0))
	r.(fyne.Draggable).DragEnd()
}

func center(o fyne.CanvasObject) fyne.Position {
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	return at.AddXY(o.Size().Width/2, o.Size().Height/2)
}

// TestMainWindowLab drives the whole window against the lab's vsftpd
// (explicit FTPS, TLS session reuse required): quick connect, the
// certificate dialog and "Always trust" persisting, browsing into a
// folder, a multi-selection dragged from the local pane onto the remote
// one (upload jobs that complete), the conflict dialog's "apply to all"
// when the same files go again, and a drag back (download).
// The Modified column shows local time, and the golden markup is made in
// UTC. Set once before any test: setting it in a test races with the
// goroutines earlier tests left winding down.
func init() { time.Local = time.UTC }

func TestMainWindowLab(t *testing.T) {
	srv := ftpslab.Start(t, ftpslab.VsftpdExplicit)
	if err := os.MkdirAll(filepath.Join(srv.Root, "incoming"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chown(filepath.Join(srv.Root, "incoming"), 999, 995)
	home := t.TempDir()
	for name, data := range map[string]string{"a.txt": "alpha\n", "b.txt": "bravo\n", "c.txt": "charlie\n"} {
		os.WriteFile(filepath.Join(home, name), []byte(data), 0o644)
	}
	f := newFixture(t, home)
	f.until("the local listing", func() bool { return f.row(f.v.local.Content(), "a.txt") != nil })

	f.connectTrusting("ftpes://127.0.0.1:"+strconv.Itoa(srv.Port), srv.User, srv.Password)
	f.ui(func() {
		if f.v.password.Text != "" {
			t.Error("the password stays in the quick-connect field after connecting")
		}
		if !strings.HasPrefix(f.v.tlsLabel.Text, "TLS 1.") {
			t.Errorf("status bar TLS: %q", f.v.tlsLabel.Text)
		}
	})
	store, _ := trust.OpenStore(f.dir)
	if pins := store.List(); len(pins) != 1 {
		t.Fatalf("trust store holds %d certificates after Always trust, want 1", len(pins))
	}

	// Browse into a folder: Enter on the row.
	f.until("the remote listing", func() bool { return f.row(f.v.remote.Content(), "incoming") != nil })
	f.ui(func() { f.v.remote.Open("/incoming") })
	f.until("the empty folder", func() bool {
		return f.v.remote.Dir() == "/incoming" && f.hasLabel("This folder is empty.")
	})

	// Select a.txt and b.txt (click, Ctrl-click) and drag them onto the
	// remote pane.
	upload := func() {
		f.ui(func() {
			f.click(f.row(f.v.local.Content(), "a.txt"), 0)
			f.click(f.row(f.v.local.Content(), "b.txt"), fyne.KeyModifierShortcutDefault)
			if n := len(f.v.local.Selected()); n != 2 {
				t.Fatalf("%d selected, want 2", n)
			}
			f.drag(f.row(f.v.local.Content(), "a.txt"), center(f.v.remote.Content()))
		})
	}
	upload()
	f.until("the upload", func() bool {
		a, _ := os.ReadFile(filepath.Join(srv.Root, "incoming", "a.txt"))
		b, _ := os.ReadFile(filepath.Join(srv.Root, "incoming", "b.txt"))
		return string(a) == "alpha\n" && string(b) == "bravo\n" && f.v.queue.Len() == 0
	})
	f.until("the remote pane to show the files", func() bool { return f.row(f.v.remote.Content(), "b.txt") != nil })

	// Again, changed: the conflict dialog asks once; Apply to all + Overwrite.
	os.WriteFile(filepath.Join(home, "a.txt"), []byte("alpha 2\n"), 0o644)
	os.WriteFile(filepath.Join(home, "b.txt"), []byte("bravo 2\n"), 0o644)
	upload()
	f.until("the conflict dialog", func() bool { return f.button("Overwrite") != nil })
	f.ui(func() {
		f.check("Apply to all further conflicts").SetChecked(true)
		test.Tap(f.button("Overwrite"))
	})
	f.until("both files overwritten", func() bool {
		a, _ := os.ReadFile(filepath.Join(srv.Root, "incoming", "a.txt"))
		b, _ := os.ReadFile(filepath.Join(srv.Root, "incoming", "b.txt"))
		return string(a) == "alpha 2\n" && string(b) == "bravo 2\n" && f.v.queue.Len() == 0
	})

	// Drag back: b.txt from the server into a local sub-folder.
	os.Mkdir(filepath.Join(home, "back"), 0o755)
	f.ui(func() { f.v.local.Refresh() })
	f.until("the local folder", func() bool { return f.row(f.v.local.Content(), "back") != nil })
	f.ui(func() {
		f.click(f.row(f.v.remote.Content(), "b.txt"), 0)
		f.drag(f.row(f.v.remote.Content(), "b.txt"), center(f.row(f.v.local.Content(), "back")))
	})
	f.until("the download", func() bool {
		b, _ := os.ReadFile(filepath.Join(home, "back", "b.txt"))
		return string(b) == "bravo 2\n"
	})
	if d := f.v.queue.Done(); len(d) != 5 {
		t.Errorf("%d finished transfers in the Done list, want 5 (2 + 2 up, 1 down)", len(d))
	}
	if failed := f.v.queue.FailedJobs(); len(failed) > 0 {
		t.Errorf("failed: %+v", failed)
	}
}

// TestMainWindowLayout pins the main window's layout, not connected, with a
// local folder of fixed files, as golden markup.
func TestMainWindowLayout(t *testing.T) {
	home := "/tmp/ferry-golden-home" // a fixed path: the path bar shows it
	os.RemoveAll(home)
	t.Cleanup(func() { os.RemoveAll(home) })
	when := time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC)
	for name, size := range map[string]int{"Documents/": 0, "Photos/": 0, "budget.xlsx": 48213, "notes.txt": 912, "report.pdf": 1_234_567} {
		p := filepath.Join(home, name)
		if strings.HasSuffix(name, "/") {
			os.MkdirAll(p, 0o755)
		} else {
			os.MkdirAll(home, 0o755)
			os.WriteFile(p, make([]byte, size), 0o644)
		}
		os.Chtimes(p, when, when)
	}
	f := newFixture(t, home)
	f.until("the local listing", func() bool { return f.row(f.v.local.Content(), "report.pdf") != nil })
	f.ui(func() {
		test.AssertRendersToMarkup(t, "main_window.xml", f.w.Canvas())
	})
}
