package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/transfers"
)

// Speed limits: a download and an upload cap for all transfers together,
// chosen in the settings and switched on and off from the status bar.

// Preference keys of the speed limits (bytes a second; 0: none).
const (
	prefLimitDown = "limit-down"
	prefLimitUp   = "limit-up"
	prefLimitOn   = "limit-on"
)

// limitChoices are the caps offered, in bytes a second.
var limitChoices = []int64{0, 256 << 10, 512 << 10, 1 << 20, 2 << 20, 5 << 20, 10 << 20, 20 << 20, 50 << 20, 100 << 20}

func limitText(n int64) string {
	if n <= 0 {
		return "none"
	}
	return transfers.FormatSize(n) + "/s"
}

// limitSelect is a choice of cap, saved under key.
func (v *MainView) limitSelect(key string) *widget.Select {
	var opts []string
	for _, n := range limitChoices {
		opts = append(opts, limitText(n))
	}
	s := widget.NewSelect(opts, nil)
	s.SetSelected(limitText(int64(v.prefs.Int(key))))
	s.OnChanged = func(text string) {
		for _, n := range limitChoices {
			if limitText(n) == text {
				v.prefs.SetInt(key, int(n))
			}
		}
		if text != "none" {
			v.prefs.SetBool(prefLimitOn, true)
		}
		v.applyLimits()
	}
	return s
}

// limitsForm is the settings' line for the caps.
func (v *MainView) limitsForm() fyne.CanvasObject {
	return container.NewVBox(
		container.NewGridWithColumns(4, &widget.Label{Text: "Downloads"}, v.limitSelect(prefLimitDown),
			&widget.Label{Text: "Uploads"}, v.limitSelect(prefLimitUp)),
		&widget.Label{Text: "For all transfers together; the button in the status bar switches them off and on.",
			Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord},
	)
}

// limits is what the preferences ask for now.
func (v *MainView) limits() (caps transfers.Limits, on bool) {
	caps = transfers.Limits{Down: int64(v.prefs.Int(prefLimitDown)), Up: int64(v.prefs.Int(prefLimitUp))}
	return caps, v.prefs.Bool(prefLimitOn) && (caps.Down > 0 || caps.Up > 0)
}

// applyLimits gives the queue the caps in force and says so in the status
// bar's button.
func (v *MainView) applyLimits() {
	caps, on := v.limits()
	if !on {
		v.queue.SetLimits(transfers.Limits{})
	} else {
		v.queue.SetLimits(caps)
	}
	b := v.limitBtn
	switch {
	case caps.Down <= 0 && caps.Up <= 0:
		b.SetText("No speed limit")
	case on:
		var parts []string
		if caps.Down > 0 {
			parts = append(parts, "↓ "+limitText(caps.Down))
		}
		if caps.Up > 0 {
			parts = append(parts, "↑ "+limitText(caps.Up))
		}
		b.SetText("Limit " + strings.Join(parts, " "))
	default:
		b.SetText("Speed limit off")
	}
}

// toggleLimits is the status bar's button: it switches the caps off and
// on, or opens the settings when none is chosen yet.
func (v *MainView) toggleLimits() {
	caps, on := v.limits()
	if caps.Down <= 0 && caps.Up <= 0 {
		v.showSettings()
		return
	}
	v.prefs.SetBool(prefLimitOn, !on)
	v.applyLimits()
	if on {
		v.setStatus("Speed limit off: transfers go as fast as they can.", widget.MediumImportance)
	} else {
		v.setStatus(fmt.Sprintf("Speed limit on: downloads %s, uploads %s.", limitText(caps.Down), limitText(caps.Up)), widget.MediumImportance)
	}
}
