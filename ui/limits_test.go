package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ferryftps/ferry/transfers"
)

// TestSpeedLimits: caps chosen in the settings reach the queue and the
// status bar's button; the button switches them off and on again.
func TestSpeedLimits(t *testing.T) {
	f := newFixture(t, t.TempDir())
	f.ui(func() {
		if got := f.v.limitBtn.Text; got != "No speed limit" {
			t.Errorf("button: %q", got)
		}
		test.Tap(f.v.limitBtn) // no caps yet: the settings open
		down, up := f.v.limitSelect(prefLimitDown), f.v.limitSelect(prefLimitUp)
		down.SetSelected(limitText(20 << 20))
		up.SetSelected(limitText(10 << 20))
		if got, want := f.v.queue.Limits(), (transfers.Limits{Down: 20 << 20, Up: 10 << 20}); got != want {
			t.Errorf("queue limits %+v, want %+v", got, want)
		}
		if got := f.v.limitBtn.Text; got != "Limit ↓ 20.0 MiB/s ↑ 10.0 MiB/s" && got != "Limit ↓ "+limitText(20<<20)+" ↑ "+limitText(10<<20) {
			t.Errorf("button: %q", got)
		}
		test.Tap(f.v.limitBtn)
		if got := f.v.queue.Limits(); got != (transfers.Limits{}) || f.v.limitBtn.Text != "Speed limit off" {
			t.Errorf("after switching off: %+v, %q", got, f.v.limitBtn.Text)
		}
		test.Tap(f.v.limitBtn)
		if got := f.v.queue.Limits(); got.Down != 20<<20 {
			t.Errorf("after switching on again: %+v", got)
		}
	})
}
