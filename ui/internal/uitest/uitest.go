package uitest

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/ui/internal/esc"
)

// Walk visits o and every visible object inside it, through the live
// renderers of widgets, depth first, until visit returns true; it reports
// whether visit did.
func Walk(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil || !o.Visible() {
		return false
	}
	if visit(o) {
		return true
	}
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		children = x.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(x).Objects()
	}
	for _, c := range children {
		if Walk(c, visit) {
			return true
		}
	}
	return false
}

// All returns the visible objects of type T in o, in the order Walk visits
// them.
func All[T any](o fyne.CanvasObject) []T {
	var out []T
	Walk(o, func(x fyne.CanvasObject) bool {
		if t, ok := x.(T); ok {
			out = append(out, t)
		}
		return false
	})
	return out
}

// first returns the first visible object in o that as unwraps and match
// accepts, or nil.
func first[W any](o fyne.CanvasObject, as func(fyne.CanvasObject) (*W, bool), match func(*W) bool) *W {
	var found *W
	Walk(o, func(x fyne.CanvasObject) bool {
		if w, ok := as(x); ok && match(w) {
			found = w
			return true
		}
		return false
	})
	return found
}

// Button returns the first visible button in o showing text (a
// widget.Button, or the one an esc.Button wraps), or nil.
func Button(o fyne.CanvasObject, text string) *widget.Button {
	return first(o, esc.AsButton, func(b *widget.Button) bool { return b.Text == text })
}

// HasButton reports whether o shows a button with text.
func HasButton(o fyne.CanvasObject, text string) bool { return Button(o, text) != nil }

// EnabledButton is Button, passing over disabled buttons.
func EnabledButton(o fyne.CanvasObject, text string) *widget.Button {
	return first(o, esc.AsButton, func(b *widget.Button) bool { return b.Text == text && !b.Disabled() })
}

// Check returns the first visible check box in o with text, or nil.
func Check(o fyne.CanvasObject, text string) *widget.Check {
	return first(o, esc.AsCheck, func(c *widget.Check) bool { return c.Text == text })
}

// Entry returns the first visible entry in o with the placeholder ph, or
// nil.
func Entry(o fyne.CanvasObject, ph string) *widget.Entry {
	return first(o, esc.AsEntry, func(e *widget.Entry) bool { return e.PlaceHolder == ph })
}

// MustButton is Button, failing t when there is none.
func MustButton(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	return must(t, Button(o, text), "button", text)
}

// MustCheck is Check, failing t when there is none.
func MustCheck(t testing.TB, o fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	return must(t, Check(o, text), "check box", text)
}

func must[W any](t testing.TB, w *W, kind, text string) *W {
	t.Helper()
	if w == nil {
		t.Fatalf("no %s %q", kind, text)
	}
	return w
}

// Labels lists the texts of the visible labels in o.
func Labels(o fyne.CanvasObject) []string {
	var texts []string
	for _, l := range All[*widget.Label](o) {
		texts = append(texts, l.Text)
	}
	return texts
}

// HasLabel reports whether a visible label in o shows text.
func HasLabel(o fyne.CanvasObject, text string) bool {
	return slices.Contains(Labels(o), text)
}

// Top returns the dialog (or pop-up) on top of w, failing t when none is
// shown.
func Top(t testing.TB, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is shown")
	}
	return top
}

// Escape types Escape into w the way Fyne's driver does: to the widget
// with the keyboard focus, else to the canvas.
func Escape(w fyne.Window) {
	ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// Capture writes what w shows as the PNG file name in the folder that the
// environment variable env names, for a person to look at, and reports
// whether it did: not when env is unset.
func Capture(t testing.TB, w fyne.Window, env, name string) bool {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		return false
	}
	SavePNG(t, w, filepath.Join(dir, name))
	return true
}

// SavePNG writes what w shows as a PNG file at path.
func SavePNG(t testing.TB, w fyne.Window, path string) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
