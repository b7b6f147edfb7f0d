package queueview

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// maxLogLines bounds the log view: older lines are dropped.
const maxLogLines = 5000

// maxLineRunes cuts runaway lines (a server's endless reply).
const maxLineRunes = 2000

// defaultFlushEvery is how often, at most, new log lines reach the screen.
const defaultFlushEvery = 100 * time.Millisecond

// Log shows the protocol log: "12:03:04.567 [2] > USER alice", commands
// sent (>), replies received (<), Ferry's own notes (*) and errors (!, in
// red), the last 5,000 lines, following the end unless the person has
// scrolled up. Passwords never reach it: the session layer masks PASS
// before making an entry.
//
// Entries arrive on the hub's goroutines (network I/O); they are buffered
// under a mutex and reach the widgets with one uido.Do at most every
// 100 ms. Create a Log and call its methods on the UI goroutine.
type Log struct {
	win         fyne.Window
	every       time.Duration
	unsubscribe func()

	mu      sync.Mutex
	buf     []session.Entry // arrived, not shown yet
	pending bool            // a flush is scheduled
	timer   *time.Timer
	closed  bool
	flushes int // flushes that showed something (tests watch them)
	shown   int // entries those flushes showed

	// UI goroutine only.
	lines   []logLine
	pitch   float32
	list    *widget.List
	empty   *widget.Label
	copyAll *widget.Button
	save    *widget.Button
	clear   *widget.Button
	content fyne.CanvasObject
}

type logLine struct {
	text string
	kind session.EntryKind
}

// NewLog makes a log view of hub, showing the entries hub kept so far and
// every later one; Save… opens its dialog over win. A nil hub gives an
// empty log. Call Close when the view goes away. Escape closes the save
// dialog, and the message when saving fails, once win has esc.Install.
func NewLog(hub *session.LogHub, win fyne.Window) *Log {
	return newLog(hub, win, defaultFlushEvery)
}

func newLog(hub *session.LogHub, win fyne.Window, every time.Duration) *Log {
	l := &Log{win: win, every: every, unsubscribe: func() {}}
	l.list = &widget.List{Length: l.length, CreateItem: l.newLine, UpdateItem: l.updateLine, HideSeparators: true}
	l.empty = &widget.Label{Text: "No protocol messages yet.", Importance: widget.LowImportance}
	l.copyAll = &widget.Button{Text: "Copy all", Icon: theme.ContentCopyIcon(), OnTapped: l.copyToClipboard}
	l.save = &widget.Button{Text: "Save…", Icon: theme.DocumentSaveIcon(), OnTapped: l.askSave}
	l.clear = &widget.Button{Text: "Clear", Icon: theme.ContentClearIcon(), OnTapped: l.clearLines}
	bar := container.NewHBox(l.copyAll, l.save, l.clear)
	l.content = container.NewBorder(bar, nil, nil, nil, container.NewStack(l.list, container.NewCenter(l.empty)))
	l.updateButtons()
	if hub != nil {
		// Hold mu while subscribing, so that an entry logged meanwhile
		// waits in add and lands after the kept ones.
		l.mu.Lock()
		recent, cancel := hub.Subscribe(l.add)
		l.buf = recent
		l.unsubscribe = cancel
		l.mu.Unlock()
		l.flush()
	}
	return l
}

// Content returns the log's widgets, to place in a tab.
func (l *Log) Content() fyne.CanvasObject { return l.content }

// Close ends the subscription to the hub. Call on the UI goroutine.
func (l *Log) Close() {
	l.mu.Lock()
	l.closed = true
	l.buf = nil
	if l.timer != nil {
		l.timer.Stop()
	}
	l.mu.Unlock()
	l.unsubscribe()
}

// add is the hub's subscriber: called on network goroutines, it must not
// block. It buffers e and schedules a flush unless one is scheduled.
func (l *Log) add(e session.Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.buf = append(l.buf, e)
	if len(l.buf) > 2*maxLogLines { // the screen is behind: keep what it would show
		l.buf = append(l.buf[:0:0], l.buf[len(l.buf)-maxLogLines:]...)
	}
	if !l.pending {
		l.pending = true
		l.timer = time.AfterFunc(l.every, l.post)
	}
}

// post runs on the timer's goroutine.
func (l *Log) post() { uido.Do(l.flush) }

// flush moves the buffered entries to the screen. On the UI goroutine.
func (l *Log) flush() {
	l.mu.Lock()
	entries := l.buf
	l.buf = nil
	l.pending = false
	l.mu.Unlock()
	if len(entries) == 0 {
		return
	}
	defer func() {
		l.mu.Lock()
		l.flushes++
		l.shown += len(entries)
		l.mu.Unlock()
	}()
	follow := l.atBottom()
	offset := l.list.GetScrollOffset()
	for _, e := range entries {
		l.lines = append(l.lines, logLine{text: formatEntry(e), kind: e.Kind})
	}
	dropped := 0
	if len(l.lines) > maxLogLines {
		dropped = len(l.lines) - maxLogLines
		l.lines = l.lines[dropped:]
	}
	l.showEmpty()
	l.list.Refresh()
	switch {
	case follow:
		// Not ScrollToBottom: it fails on a list not shown yet.
		l.list.ScrollToOffset(float32(len(l.lines)) * l.linePitch())
	case dropped > 0:
		// Keep the lines the person is reading in place.
		l.list.ScrollToOffset(max(0, offset-float32(dropped)*l.linePitch()))
	}
	l.updateButtons()
}

// atBottom reports whether the list shows its last line (or has none):
// then new lines scroll into view; after scrolling up, they do not.
func (l *Log) atBottom() bool {
	n := len(l.lines)
	if n == 0 {
		return true
	}
	pitch := l.linePitch()
	content := float32(n)*pitch - l.list.Theme().Size(theme.SizeNamePadding)
	view := l.list.Size().Height
	return content <= view || l.list.GetScrollOffset()+view >= content-pitch/2
}

func (l *Log) linePitch() float32 {
	if l.pitch == 0 {
		l.pitch = l.newLine().MinSize().Height + l.list.Theme().Size(theme.SizeNamePadding)
	}
	return l.pitch
}

func (l *Log) length() int { return len(l.lines) }

func (l *Log) newLine() fyne.CanvasObject {
	return &canvas.Text{
		Text:      "00:00:00.000 [1] > NOOP",
		TextSize:  l.list.Theme().Size(theme.SizeNameText),
		TextStyle: fyne.TextStyle{Monospace: true},
	}
}

func (l *Log) updateLine(i widget.ListItemID, o fyne.CanvasObject) {
	t := o.(*canvas.Text)
	if i < 0 || i >= len(l.lines) {
		t.Text = ""
		t.Refresh()
		return
	}
	line := l.lines[i]
	th := l.list.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	name := theme.ColorNameForeground
	switch line.kind {
	case session.EntrySent:
		name = theme.ColorNamePrimary
	case session.EntryInfo:
		name = theme.ColorNamePlaceHolder
	case session.EntryError:
		name = theme.ColorNameError
	}
	t.Text, t.Color = line.text, th.Color(name, variant)
	t.Refresh()
}

// formatEntry is one log line: time, connection, direction mark, text.
func formatEntry(e session.Entry) string {
	mark := "!"
	switch e.Kind {
	case session.EntrySent:
		mark = ">"
	case session.EntryReceived:
		mark = "<"
	case session.EntryInfo:
		mark = "*"
	}
	conn := "-"
	if e.Conn > 0 {
		conn = strconv.Itoa(e.Conn)
	}
	return e.Time.Format("15:04:05.000") + " [" + conn + "] " + mark + " " + printable(e.Text)
}

// printable replaces control characters (a hostile server's reply may
// hold any byte) and cuts runaway lines.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return '\uFFFD'
		}
		return r
	}, s)
	if len(s) > maxLineRunes { // bytes ≥ runes: count runes only then
		if r := []rune(s); len(r) > maxLineRunes {
			s = string(r[:maxLineRunes]) + "…"
		}
	}
	return s
}

// text is the whole log as shown, one line each.
func (l *Log) text() string {
	var b strings.Builder
	for _, line := range l.lines {
		b.WriteString(line.text)
		b.WriteByte('\n')
	}
	return b.String()
}

func (l *Log) copyToClipboard() {
	fyne.CurrentApp().Clipboard().SetContent(l.text())
}

func (l *Log) askSave() {
	d := dialog.NewFileSave(l.saveTo, l.win)
	d.SetFileName("ferry-log.txt")
	esc.Dialog(l.win, d)
	d.Show()
}

// saveTo writes the log to w (from the save dialog), off the UI goroutine.
func (l *Log) saveTo(w fyne.URIWriteCloser, err error) {
	if err != nil {
		esc.ShowInformation("Log not saved", fmt.Sprintf("Could not save the log: %v", err), l.win)
		return
	}
	if w == nil {
		return // the person cancelled
	}
	text := l.text()
	uido.Go(context.Background(), func(context.Context) error {
		_, err := io.WriteString(w, text)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	}, func(err error) {
		if err != nil {
			esc.ShowInformation("Log not saved",
				fmt.Sprintf("Could not save the log to %s: %v", w.URI().Name(), err), l.win)
		}
	})
}

func (l *Log) clearLines() {
	l.mu.Lock()
	l.buf = nil
	l.mu.Unlock()
	l.lines = nil
	l.showEmpty()
	l.list.Refresh()
	l.list.ScrollToOffset(0)
	l.updateButtons()
}

func (l *Log) showEmpty() {
	if hide := len(l.lines) > 0; l.empty.Hidden != hide {
		l.empty.Hidden = hide
		l.empty.Refresh()
	}
}

func (l *Log) updateButtons() {
	some := len(l.lines) > 0
	enable(l.copyAll, some)
	enable(l.save, some)
	enable(l.clear, some)
}
