package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/ui/dialogs"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// showSettings opens the settings: transfers at once, the TLS 1.2 cap for
// quick connections, hidden files, and the trusted certificates.
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
	form := widget.NewForm(
		widget.NewFormItem("Transfers at once", conc),
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
