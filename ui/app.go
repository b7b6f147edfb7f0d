// Package ui is Ferry's desktop front end. It is the only package that
// imports Fyne; it drives the engine (transfers, session) and answers the
// engine's questions with dialogs.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/ferryftps/ferry/assets"
	"github.com/ferryftps/ferry/internal/buildinfo"
)

// Run creates the application, opens the main window and blocks until the
// user quits. It must be called from the main goroutine.
func Run() {
	a := app.NewWithID(buildinfo.AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	w := a.NewWindow("Ferry")
	w.SetContent(NewMainView().Content())
	w.Resize(fyne.NewSize(1100, 700))
	w.ShowAndRun()
}
