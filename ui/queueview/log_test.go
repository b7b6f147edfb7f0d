package queueview

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/session"
)

// logAt is a fixed time for log entries (in UTC, as the lines show it).
var logAt = time.Date(2026, 3, 1, 12, 3, 4, 567_000_000, time.UTC)

// newLogFixture makes a log view of hub in a 1000×300 window. Its flush
// timer never fires during a test (an hour): tests flush directly, on the
// test goroutine, which plays the UI goroutine.
func newLogFixture(t *testing.T, hub *session.LogHub) (*Log, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	l := newLog(hub, w, time.Hour)
	t.Cleanup(l.Close)
	w.SetContent(l.Content())
	w.Resize(fyne.NewSize(1000, 300))
	return l, w
}

// shownLines lists the log lines the list shows, top to bottom.
func shownLines(l *Log) []string {
	var out []string
	walk(l.list, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			out = append(out, t.Text)
		}
	})
	return out
}

// TestLogShowsEntries: kept entries show at once, later ones after the
// flush, each as "time [conn] mark text" in its kind's colour.
func TestLogShowsEntries(t *testing.T) {
	hub := session.NewLogHub(100)
	hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntryInfo, Text: "Connecting to 127.0.0.1:21"})
	l, w := newLogFixture(t, hub)
	if got := shownLines(l); !slices.Equal(got, []string{"12:03:04.567 [1] * Connecting to 127.0.0.1:21"}) {
		t.Fatalf("kept entries: %q", got)
	}
	hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntrySent, Text: "USER alice"})
	hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntryReceived, Text: "331 Password required"})
	hub.Log(session.Entry{Time: logAt, Kind: session.EntryError, Text: "connection lost\r\x1b[31m"})
	if n := len(shownLines(l)); n != 1 {
		t.Fatalf("%d lines before the flush, want 1", n)
	}
	l.flush()
	want := []string{
		"12:03:04.567 [1] * Connecting to 127.0.0.1:21",
		"12:03:04.567 [1] > USER alice",
		"12:03:04.567 [1] < 331 Password required",
		"12:03:04.567 [-] ! connection lost\uFFFD\uFFFD[31m",
	}
	if got := shownLines(l); !slices.Equal(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	th := l.list.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	colors := map[string]fyne.ThemeColorName{
		want[0]: theme.ColorNamePlaceHolder, want[1]: theme.ColorNamePrimary,
		want[2]: theme.ColorNameForeground, want[3]: theme.ColorNameError,
	}
	walk(l.list, func(o fyne.CanvasObject) {
		if tx, ok := o.(*canvas.Text); ok && tx.Text != "" && tx.Color != th.Color(colors[tx.Text], variant) {
			t.Errorf("%q is drawn in %v, want %s", tx.Text, tx.Color, colors[tx.Text])
		}
	})
	if hasText(w.Content(), "No protocol messages yet.") {
		t.Error("the empty sentence shows beside lines")
	}
	capture(t, w, "log.png")

	// In the queue view's Log tab.
	f := newFixture(t, ftpd.Config{})
	f.v.SetLog(l)
	f.show("Log")
	if !hasText(f.w.Content(), want[1]) {
		t.Errorf("the Log tab shows %q", texts(f.w.Content()))
	}
}

// TestLogShowsMaskedPassword: the session layer masks PASS before making
// an entry; the log shows the entry as it is, and nothing else.
func TestLogShowsMaskedPassword(t *testing.T) {
	hub := session.NewLogHub(10)
	l, _ := newLogFixture(t, hub)
	hub.Log(session.Entry{Time: logAt, Conn: 3, Kind: session.EntrySent, Text: "PASS ****"})
	l.flush()
	if got, want := shownLines(l), []string{"12:03:04.567 [3] > PASS ****"}; !slices.Equal(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if got, want := l.text(), "12:03:04.567 [3] > PASS ****\n"; got != want {
		t.Fatalf("log text %q, want %q", got, want)
	}
}

// TestLogCopyClearSave: Copy all puts every line on the clipboard, Save…
// writes them to the chosen file, Clear empties the view.
func TestLogCopyClearSave(t *testing.T) {
	hub := session.NewLogHub(10)
	l, w := newLogFixture(t, hub)
	if !hasText(w.Content(), "No protocol messages yet.") || !button(t, w.Content(), "Copy all").Disabled() {
		t.Fatal("an empty log does not say so, or offers to copy")
	}
	for i := range 3 {
		hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntryReceived, Text: fmt.Sprintf("200 line %d", i)})
	}
	l.flush()
	want := "12:03:04.567 [1] < 200 line 0\n12:03:04.567 [1] < 200 line 1\n12:03:04.567 [1] < 200 line 2\n"
	test.Tap(button(t, w.Content(), "Copy all"))
	if got := fyne.CurrentApp().Clipboard().Content(); got != want {
		t.Fatalf("clipboard %q, want %q", got, want)
	}

	path := filepath.Join(t.TempDir(), "ferry-log.txt")
	out := &fileWriter{uri: storage.NewFileURI(path)}
	if err := out.open(); err != nil {
		t.Fatal(err)
	}
	l.saveTo(out, nil) // as the save dialog calls it
	eventually(t, "the saved log", func() bool { return out.isClosed() })
	if data, err := os.ReadFile(path); err != nil || string(data) != want {
		t.Fatalf("saved %q, %v; want %q", data, err, want)
	}
	l.saveTo(nil, nil) // cancelled: nothing happens
	if w.Canvas().Overlays().Top() != nil {
		t.Error("a cancelled save shows a dialog")
	}

	hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntryReceived, Text: "not flushed yet"})
	test.Tap(button(t, w.Content(), "Clear"))
	l.flush()
	if got := shownLines(l); len(got) != 0 || !hasText(w.Content(), "No protocol messages yet.") {
		t.Fatalf("after Clear: %q", got)
	}
	if !button(t, w.Content(), "Save…").Disabled() {
		t.Error("Save… is enabled for an empty log")
	}
}

// fileWriter is a fyne.URIWriteCloser on a local file, as the save dialog
// hands one over.
type fileWriter struct {
	uri    fyne.URI
	f      *os.File
	mu     sync.Mutex
	closed bool
}

func (w *fileWriter) open() (err error) {
	w.f, err = os.Create(w.uri.Path())
	return err
}
func (w *fileWriter) Write(p []byte) (int, error) { return w.f.Write(p) }
func (w *fileWriter) URI() fyne.URI               { return w.uri }
func (w *fileWriter) Close() error {
	err := w.f.Close()
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return err
}
func (w *fileWriter) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

// TestLogBoundAndFollow: the log keeps the last 5,000 lines; it follows
// new lines while at the bottom, and stays put after the person scrolled
// up.
func TestLogBoundAndFollow(t *testing.T) {
	hub := session.NewLogHub(10)
	l, _ := newLogFixture(t, hub)
	logN := func(from, n int) {
		for i := from; i < from+n; i++ {
			hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntryReceived, Text: fmt.Sprintf("line %05d", i)})
		}
	}
	logN(0, 100)
	l.flush()
	if !l.atBottom() || l.list.GetScrollOffset() == 0 {
		t.Fatalf("after 100 lines the list is at %v, not at the bottom", l.list.GetScrollOffset())
	}
	if got := shownLines(l); !strings.HasSuffix(got[len(got)-1], "line 00099") {
		t.Fatalf("the last line shown is %q", got[len(got)-1])
	}

	l.list.ScrollToOffset(0) // the person scrolls up to read
	logN(100, 10)
	l.flush()
	if off := l.list.GetScrollOffset(); off != 0 {
		t.Fatalf("new lines moved a scrolled-up log to %v", off)
	}
	l.list.ScrollToBottom()
	logN(110, 6000)
	l.flush()
	if n := l.list.Length(); n != maxLogLines || len(l.lines) != maxLogLines {
		t.Fatalf("the log holds %d lines, want %d", n, maxLogLines)
	}
	if first, last := l.lines[0].text, l.lines[len(l.lines)-1].text; !strings.HasSuffix(first, "line 01110") || !strings.HasSuffix(last, "line 06109") {
		t.Fatalf("the log holds %q … %q, want the last 5,000", first, last)
	}
	if got := shownLines(l); !strings.HasSuffix(got[len(got)-1], "line 06109") {
		t.Fatalf("after 6,000 more the last line shown is %q", got[len(got)-1])
	}
}

// TestLogFlushesInBatches: entries logged on other goroutines reach the
// screen through the timer and uido.Do, many per flush, not one each.
func TestLogFlushesInBatches(t *testing.T) {
	test.NewTempApp(t)
	hub := session.NewLogHub(10)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	l := newLog(hub, w, 20*time.Millisecond)
	t.Cleanup(l.Close)
	w.SetContent(l.Content())
	w.Resize(fyne.NewSize(1000, 300))

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 250 {
				hub.Log(session.Entry{Time: logAt, Conn: g + 1, Kind: session.EntrySent, Text: fmt.Sprintf("NOOP %d", i)})
			}
		}()
	}
	wg.Wait()
	// Flushes run on the timer's goroutine (the test driver's uido.Do runs
	// at once): watch the counters, read the widgets once all arrived.
	shown := func() (int, int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.shown, l.flushes
	}
	eventually(t, "1,000 lines on screen", func() bool { n, _ := shown(); return n == 1000 })
	if _, flushes := shown(); flushes > 100 {
		t.Errorf("1,000 lines took %d flushes: one uido.Do per line?", flushes)
	}
	if len(l.lines) != 1000 {
		t.Errorf("%d lines, want 1000", len(l.lines))
	}
}
