package queueview

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// double is an in-process FTPS server with a pool per site key
// (internal/ftpd/ftpdtest): the transfers.Connections a front end provides.
type double struct{ *ftpdtest.Double }

func startDouble(t *testing.T, cfg ftpd.Config) *double {
	t.Helper()
	return &double{ftpdtest.Start(t, cfg)}
}

// queue starts a queue on d, closed when the test ends (before the server).
func (d *double) queue(t *testing.T) *transfers.Queue {
	q := transfers.New(transfers.Config{Connections: d})
	t.Cleanup(func() { q.Close() })
	return q
}

// write creates files under the server's root: name → content.
func (d *double) write(t *testing.T, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(d.Root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fixture is a view of a real queue on a double, in a 1000×300 test
// window. Its ticker is not started: tests call refresh directly, on the
// test goroutine, which plays the UI goroutine.
type fixture struct {
	t *testing.T
	d *double
	q *transfers.Queue
	v *View
	w fyne.Window
}

func newFixture(t *testing.T, cfg ftpd.Config) *fixture {
	t.Helper()
	test.NewTempApp(t)
	d := startDouble(t, cfg)
	q := d.queue(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	v := newView(q, w, time.Hour)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1000, 300))
	return &fixture{t: t, d: d, q: q, v: v, w: w}
}

// runningFolder is a fixture whose queue runs one folder job, "photos",
// that stays running: its listing hangs until unblock is called (at the
// latest when the test ends). The view is refreshed.
func runningFolder(t *testing.T) (f *fixture, unblock func()) {
	t.Helper()
	release := make(chan struct{})
	var once sync.Once
	unblock = func() { once.Do(func() { close(release) }) }
	f = newFixture(t, ftpd.Config{Listing: func(string) []string { <-release; return nil }})
	t.Cleanup(unblock)
	f.q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", SiteName: "Double", Remote: "/photos", Local: t.TempDir(), IsDir: true, Size: -1})
	eventually(t, "the folder job to run", func() bool {
		jobs := f.q.Jobs(0, 1)
		return len(jobs) == 1 && jobs[0].State == transfers.Running
	})
	f.v.refresh()
	return f, unblock
}

// settle waits (bounded) until the queue has nothing left that can run,
// then refreshes the view.
func (f *fixture) settle() {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.q.Wait(ctx); err != nil {
		f.t.Fatalf("the queue did not settle: %v; totals %+v", err, f.q.Totals())
	}
	f.v.refresh()
}

// show selects the tab whose title starts with prefix.
func (f *fixture) show(prefix string) {
	f.t.Helper()
	for _, ti := range f.v.tabs.Items {
		if strings.HasPrefix(ti.Text, prefix) {
			f.v.tabs.Select(ti)
			return
		}
	}
	f.t.Fatalf("no tab %q", prefix)
}

// titles lists the tab titles.
func (f *fixture) titles() []string {
	var out []string
	for _, ti := range f.v.tabs.Items {
		out = append(out, ti.Text)
	}
	return out
}

// eventually polls cond every 10 ms for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// walk visits o and every visible object inside it, widgets' rendered
// parts included.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, visit)
		}
	}
}

// rowsOf returns the rows a list shows, top to bottom.
func rowsOf(list *widget.List) []*row {
	var rows []*row
	walk(list, func(o fyne.CanvasObject) {
		if r, ok := o.(*row); ok && r.index >= 0 {
			rows = append(rows, r)
		}
	})
	slices.SortFunc(rows, func(a, b *row) int { return a.index - b.index })
	return rows
}

// rowTitles lists the titles of the rows a list shows.
func rowTitles(list *widget.List) []string {
	var out []string
	for _, r := range rowsOf(list) {
		out = append(out, r.title.Text)
	}
	return out
}

// press clicks a row, with modifiers, as the desktop driver does.
func press(r *row, mod fyne.KeyModifier) {
	r.MouseDown(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary, Modifier: mod})
	r.MouseUp(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary, Modifier: mod})
}

// rowAt returns the shown row of index i.
func rowAt(t *testing.T, list *widget.List, i int) *row {
	t.Helper()
	for _, r := range rowsOf(list) {
		if r.index == i {
			return r
		}
	}
	t.Fatalf("row %d is not shown", i)
	return nil
}

// button finds the visible button with text in o.
func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(obj fyne.CanvasObject) {
		if b, ok := esc.AsButton(obj); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// texts lists the texts of the visible labels and canvas texts in o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(obj fyne.CanvasObject) {
		switch x := obj.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *canvas.Text:
			out = append(out, x.Text)
		}
	})
	return out
}

func hasText(o fyne.CanvasObject, text string) bool {
	return slices.Contains(texts(o), text)
}

// topOverlay is the dialog on top, failing the test if there is none.
func topOverlay(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is shown")
	}
	return top
}

// capture writes the window as a PNG into $FERRY_QUEUEVIEW_PNG, when set,
// for a person to look at.
func capture(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("FERRY_QUEUEVIEW_PNG")
	if dir == "" {
		return
	}
	// In the app's own theme, as people see it.
	settings := fyne.CurrentApp().Settings()
	old := settings.Theme()
	settings.SetTheme(theme.DefaultTheme())
	defer settings.SetTheme(old)
	var buf bytes.Buffer
	if err := png.Encode(&buf, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
