package ui

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

// TestSettingsStalledServers: the settings offer the step timeout and the
// minimum speed, and what is chosen is what new connections get.
func TestSettingsStalledServers(t *testing.T) {
	f := newFixture(t, t.TempDir())
	f.ui(func() {
		to, rate, window := f.v.deadlines()
		if to != session.DefaultTimeout || rate != session.DefaultMinSpeed || window != session.DefaultMinSpeedTime {
			t.Errorf("default deadlines %s, %d B/s over %s; want the session defaults", to, rate, window)
		}
		f.v.showSettings()
	})
	var selects []*widget.Select
	f.ui(func() { selects = uitest.All[*widget.Select](f.w.Canvas().Overlays().Top()) })
	var timeout, speed *widget.Select
	for _, s := range selects {
		switch s.Selected {
		case "30 s":
			timeout = s
		case minSpeedChoices[defaultMinSpeed]:
			speed = s
		}
	}
	if timeout == nil || speed == nil {
		t.Fatalf("the settings show no timeout or minimum-speed choice (selects: %d)", len(selects))
	}
	if dir := os.Getenv("FERRY_DIALOGS_PNG"); dir != "" {
		f.ui(func() {
			var buf bytes.Buffer
			png.Encode(&buf, f.w.Canvas().Capture())
			os.WriteFile(filepath.Join(dir, "settings.png"), buf.Bytes(), 0o644)
		})
	}
	f.ui(func() {
		timeout.SetSelected("60 s")
		speed.SetSelected(minSpeedChoices[2])
		to, rate, window := f.v.deadlines()
		if to != time.Minute || rate != 10*1024 || window != 30*time.Second {
			t.Errorf("after choosing 60 s and %q: %s, %d B/s over %s", minSpeedChoices[2], to, rate, window)
		}
		if k := f.v.conns.deadlines; k == nil {
			t.Error("connections do not get the settings' deadlines")
		}
		speed.SetSelected(minSpeedChoices[4])
		if _, rate, _ := f.v.deadlines(); rate >= 0 {
			t.Errorf("no minimum gives rate %d, want a negative rate (one byte per window)", rate)
		}
	})
}
