package queueview

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// escape types Escape the way Fyne's driver does: to the widget with the
// keyboard focus, else to the canvas.
func escape(w fyne.Window) {
	ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// escapeCloses presses Escape and fails the test unless it closed the
// dialog on top, leaving no dialog open for Escape.
func escapeCloses(t *testing.T, w fyne.Window, what string) {
	t.Helper()
	topOverlay(t, w)
	escape(w)
	if top := w.Canvas().Overlays().Top(); top != nil || esc.Open(w) != 0 {
		t.Fatalf("after Escape on %s: dialog %v, %d left for Escape", what, top, esc.Open(w))
	}
}

// TestEscapeCancelConfirmation: Escape closes the queue's "Cancel
// transfer" question as Keep does: the transfer goes on, and the question
// still works afterwards.
func TestEscapeCancelConfirmation(t *testing.T) {
	f, unblock := runningFolder(t)
	esc.Install(f.w, nil)
	press(rowAt(t, f.v.list, 0), 0)
	test.Tap(button(t, f.w.Content(), "Cancel"))
	if !hasText(topOverlay(t, f.w), "Cancel transfer") {
		t.Fatalf("the dialog on top is not the cancel question: %q", texts(topOverlay(t, f.w)))
	}
	escapeCloses(t, f.w, "the cancel question")
	f.v.refresh()
	if f.q.Len() != 1 {
		t.Fatalf("Escape cancelled the transfer: %d jobs, want 1", f.q.Len())
	}
	test.Tap(button(t, f.w.Content(), "Cancel"))
	test.Tap(button(t, topOverlay(t, f.w), "Cancel transfer"))
	if esc.Open(f.w) != 0 {
		t.Errorf("after Cancel transfer, %d dialogs are left for Escape", esc.Open(f.w))
	}
	unblock()
	eventually(t, "the cancelled job to leave", func() bool { return f.q.Len() == 0 })
}

// TestEscapeLogDialogs: Escape closes the log's save dialog (once its
// name field has lost the focus), and the message that saving failed,
// whether the failure comes from the dialog or from writing off the UI
// goroutine.
func TestEscapeLogDialogs(t *testing.T) {
	hub := session.NewLogHub(10)
	hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntryInfo, Text: "hello"})
	l, w := newLogFixture(t, hub)
	esc.Install(w, nil)

	test.Tap(button(t, w.Content(), "Save…"))
	// Fyne's save dialog gives its name field the focus, and Fyne's own
	// entry ignores Escape there. A click on the folder list takes the
	// focus away (the desktop driver unfocuses on a click outside any
	// focusable widget); from then on Escape closes the dialog.
	w.Canvas().Unfocus()
	escapeCloses(t, w, "the save dialog")

	l.saveTo(nil, errors.New("no such folder"))
	if want := "Could not save the log: no such folder"; !hasText(topOverlay(t, w), want) {
		t.Fatalf("the dialog says %q, want %q", texts(topOverlay(t, w)), want)
	}
	escapeCloses(t, w, "the message that saving failed")

	// The write runs off the UI goroutine; its message arrives through
	// uido, delivered here on the test goroutine.
	deliveries := make(chan func(), 1)
	t.Cleanup(uido.SetForTest(func(f func()) { deliveries <- f }))
	l.saveTo(&failingWriter{uri: storage.NewFileURI(filepath.Join(t.TempDir(), "ferry-log.txt"))}, nil)
	select {
	case f := <-deliveries:
		f()
	case <-time.After(10 * time.Second):
		t.Fatal("no message that writing the log failed")
	}
	if want := "Could not save the log to ferry-log.txt: disk full"; !hasText(topOverlay(t, w), want) {
		t.Fatalf("the dialog says %q, want %q", texts(topOverlay(t, w)), want)
	}
	escapeCloses(t, w, "the message that writing failed")
}

// failingWriter is a save dialog's file on a full disk.
type failingWriter struct{ uri fyne.URI }

func (w *failingWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }
func (w *failingWriter) URI() fyne.URI               { return w.uri }
func (w *failingWriter) Close() error                { return nil }
