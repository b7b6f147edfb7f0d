// The dialogs answer the engine's questions: whether to trust a server's
// certificate (Prompter, ShowCertificate), what to do when a transfer's
// target exists (ConflictResolver, ShowConflict), the password of a site
// that asks for it on connect (PasswordPrompter, ShowPassword); and two
// tools of the file panes and the settings: permissions (ShowPermissions)
// and the trusted certificates (NewTrustedList, ShowTrusted).
//
// Two kinds of entry point, with two concurrency contracts:
//   - Show* functions and NewTrustedList build widgets: call them on the UI
//     goroutine (inside uido.Do from any other goroutine). They return at
//     once; the answer comes later through a callback, also on the UI
//     goroutine.
//   - Prompter, ConflictResolver and PasswordPrompter implement the engine's
//     question interfaces: call their methods from any goroutine except the
//     UI goroutine. They show their dialog through uido.Do, block until the
//     person answers or the context ends, and ask one question at a time.

package dialogs

import (
	"context"
	"image/color"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// oneAtATime lets one question be asked at a time, honouring the context of
// those waiting. The zero value is ready.
type oneAtATime struct {
	once sync.Once
	slot chan struct{}
}

func (o *oneAtATime) acquire(ctx context.Context) error {
	o.once.Do(func() { o.slot = make(chan struct{}, 1) })
	select {
	case o.slot <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (o *oneAtATime) release() { <-o.slot }

// modal is what the package's dialogs share: the Fyne dialog over win,
// Escape's hold on it while it is shown, and whether it was answered. Used
// on the UI goroutine only.
type modal struct {
	win   fyne.Window
	dlg   *dialog.CustomDialog
	done  bool   // answered or dismissed
	unesc func() // ends Escape's hold on the dialog
}

// open shows the dialog; Escape calls cancel until it is hidden.
func (m *modal) open(cancel func()) {
	m.dlg.Show()
	m.unesc = esc.Push(m.win, cancel)
}

// hide hides the dialog and ends Escape's hold on it. It reports whether
// the dialog was still open, so that an answer is given once.
func (m *modal) hide() bool {
	if m.done {
		return false
	}
	m.done = true
	if m.unesc != nil {
		m.unesc()
	}
	m.dlg.Hide()
	return true
}

// question is a dialog that a blocking question shows: dismiss hides it
// without an answer.
type question interface {
	show()
	dismiss()
}

// ask shows a dialog and waits for its answer: the path shared by every
// blocking question. build runs on the UI goroutine: it makes the dialog
// and hands reply to it (to be called at most once, on the UI goroutine);
// ask shows it, tells shown (tests; may be nil), and dismisses it when ctx
// ends first. ask must not be called on the UI goroutine.
func ask[T any, D question](ctx context.Context, slot *oneAtATime, shown func(D), build func(reply func(T)) D) (T, error) {
	var zero T
	if err := slot.acquire(ctx); err != nil {
		return zero, err
	}
	defer slot.release()
	replies := make(chan T, 1)
	var d D // set and read on the UI goroutine only
	var built bool
	uido.Do(func() {
		d = build(func(v T) {
			select {
			case replies <- v:
			default: // answered already
			}
		})
		built = true
		d.show()
		if shown != nil {
			shown(d)
		}
	})
	select {
	case v := <-replies:
		return v, nil
	case <-ctx.Done():
		uido.Do(func() {
			if built {
				d.dismiss()
			}
		})
		return zero, ctx.Err()
	}
}

// dialogSize is the size of a dialog's content that would like w×h: less
// where the window is smaller, leaving room for the dialog's title, buttons
// and margins.
func dialogSize(win fyne.Window, w, h float32) fyne.Size {
	size := fyne.NewSize(w, h)
	if win == nil {
		return size
	}
	c := win.Canvas().Size()
	if c.Width > 0 {
		size.Width = max(min(size.Width, c.Width-80), 200)
	}
	if c.Height > 0 {
		size.Height = max(min(size.Height, c.Height-180), 120)
	}
	return size
}

// atLeastWide gives obj a minimum width (wrapping labels have almost none).
func atLeastWide(width float32, obj fyne.CanvasObject) fyne.CanvasObject {
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(width, 0))
	return container.NewStack(strut, obj)
}

// sentence turns an engine message ("the certificate is ...") into a
// sentence: capital first letter, final full stop.
func sentence(s string) string {
	s = capitalize(strings.TrimSpace(s))
	if s == "" {
		return s
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}

// capitalize gives s a capital first letter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// day writes a date as people read it: "2 Jan 2026", in UTC.
func day(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// instant writes a certificate's time: "2 Jan 2026 15:04 UTC".
func instant(t time.Time) string {
	if t.IsZero() {
		return "not known"
	}
	return t.UTC().Format("2 Jan 2006 15:04 MST")
}

// localTime writes a file's modification time in this computer's zone:
// "2 Jan 2026 15:04".
func localTime(t time.Time) string {
	if t.IsZero() {
		return "not known"
	}
	return t.Local().Format("2 Jan 2006 15:04")
}

// humanSize writes n bytes in decimal units, as file managers do: "512
// bytes", "1.5 MB". Negative means not known.
func humanSize(n int64) string {
	switch {
	case n < 0:
		return "not known"
	case n == 1:
		return "1 byte"
	case n < 1000:
		return strconv.FormatInt(n, 10) + " bytes"
	}
	return transfers.FormatSize(n)
}

// exactBytes writes n with thousands separators: "1,534,123 bytes".
func exactBytes(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if n == 1 {
		return "1 byte"
	}
	return b.String() + " bytes"
}

// sizeText writes a file size both ways: "1.5 MB (1,534,123 bytes)".
func sizeText(n int64) string {
	if n < 1000 {
		return humanSize(n)
	}
	return humanSize(n) + " (" + exactBytes(n) + ")"
}
