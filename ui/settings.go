package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/ui/dialogs"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// minSpeedChoices are the minimum transfer speeds the settings offer, as
// shown; minSpeedOf reads one back.
var minSpeedChoices = []string{"1 kB/s for 30 s", "1 kB/s for 60 s", "10 kB/s for 30 s", "100 kB/s for 30 s", "no minimum (1 byte in 60 s)"}

const defaultMinSpeed = 0 // session.DefaultMinSpeed over DefaultMinSpeedTime

func minSpeedOf(choice string) (rate int64, window time.Duration) {
	switch choice {
	case minSpeedChoices[1]:
		return 1024, 60 * time.Second
	case minSpeedChoices[2]:
		return 10 * 1024, 30 * time.Second
	case minSpeedChoices[3]:
		return 100 * 1024, 30 * time.Second
	case minSpeedChoices[4]:
		return -1, 60 * time.Second
	}
	return session.DefaultMinSpeed, session.DefaultMinSpeedTime
}

// deadlines are the stall settings for new connections.
func (v *MainView) deadlines() (timeout time.Duration, minSpeed int64, minSpeedTime time.Duration) {
	timeout = time.Duration(v.prefs.IntWithFallback(prefTimeout, int(session.DefaultTimeout/time.Second))) * time.Second
	minSpeed, minSpeedTime = minSpeedOf(v.prefs.StringWithFallback(prefMinSpeed, minSpeedChoices[defaultMinSpeed]))
	return timeout, minSpeed, minSpeedTime
}

// showSettings opens the settings: transfers at once, deadlines for
// stalled servers, the TLS 1.2 cap for quick connections, hidden files,
// and the trusted certificates.
func (v *MainView) showSettings() {
	conc := &widget.Select{Options: []string{"1", "2", "3", "4", "6", "8", "10"}}
	conc.ExtendBaseWidget(conc)
	conc.SetSelected(strconv.Itoa(v.prefs.IntWithFallback(prefConcurrency, 4)))
	conc.OnChanged = func(s string) {
		n, _ := strconv.Atoi(s)
		v.prefs.SetInt(prefConcurrency, n)
		v.queue.SetConcurrency(n)
	}
	tls12 := esc.NewCheck(v.env.Win, "Use TLS 1.2 at most for quick connections (for servers whose TLS 1.3 is broken)", func(on bool) {
		v.prefs.SetBool(prefTLS12, on)
	})
	tls12.SetChecked(v.prefs.Bool(prefTLS12))
	hidden := esc.NewCheck(v.env.Win, "Show hidden files (names starting with a dot)", func(on bool) {
		v.prefs.SetBool(prefShowHidden, on)
		v.local.SetShowHidden(on)
		v.remote.SetShowHidden(on)
	})
	hidden.SetChecked(v.prefs.Bool(prefShowHidden))
	timeout := &widget.Select{Options: []string{"10 s", "30 s", "60 s", "120 s"}}
	timeout.ExtendBaseWidget(timeout)
	timeout.SetSelected(fmt.Sprintf("%d s", v.prefs.IntWithFallback(prefTimeout, int(session.DefaultTimeout/time.Second))))
	timeout.OnChanged = func(s string) {
		n, _ := strconv.Atoi(strings.TrimSuffix(s, " s"))
		v.prefs.SetInt(prefTimeout, n)
	}
	speed := &widget.Select{Options: minSpeedChoices}
	speed.ExtendBaseWidget(speed)
	speed.SetSelected(v.prefs.StringWithFallback(prefMinSpeed, minSpeedChoices[defaultMinSpeed]))
	speed.OnChanged = func(s string) { v.prefs.SetString(prefMinSpeed, s) }
	stalls := container.NewVBox(
		container.NewBorder(nil, nil, &widget.Label{Text: "Give up on a step (login, a reply) after"}, nil, timeout),
		container.NewBorder(nil, nil, &widget.Label{Text: "Retry a transfer slower than"}, nil, speed),
		&widget.Label{Text: "A server that stops answering, or trickles, is given up on and the transfer retried. Applies to new connections.",
			Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord},
	)
	form := widget.NewForm(
		widget.NewFormItem("Transfers at once, at most", conc),
		widget.NewFormItem("Speed limits", v.limitsForm()),
		widget.NewFormItem("Stalled servers", stalls),
		widget.NewFormItem("Encryption", tls12),
		widget.NewFormItem("Files", hidden),
		widget.NewFormItem("Theme", &widget.Label{Text: "Follows the system (light or dark)", Importance: widget.LowImportance}),
	)
	var trusted fyne.CanvasObject = widget.NewLabel("No trust store.")
	if v.env.Trust != nil {
		trusted = dialogs.NewTrustedList(v.env.Trust, v.env.Win)
	}
	body := container.NewBorder(
		container.NewVBox(form, widget.NewSeparator(), &widget.Label{Text: "Certificates you chose to always trust", TextStyle: fyne.TextStyle{Bold: true}}),
		nil, nil, nil, trusted)
	d := dialog.NewCustom("Settings", "Close", body, v.env.Win)
	d.Resize(fyne.NewSize(720, 520))
	esc.Dialog(v.env.Win, d)
	d.Show()
}
