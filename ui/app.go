// Package ui is Ferry's desktop front end. It is the only package that
// imports Fyne; it drives the engine (transfers, session) and answers the
// engine's questions with dialogs.
package ui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/ferryftps/ferry/assets"
	"github.com/ferryftps/ferry/internal/buildinfo"
	"github.com/ferryftps/ferry/session"
)

// Run creates the application, opens the main window and blocks until the
// user quits. It must be called from the main goroutine.
func Run() {
	a := app.NewWithID(buildinfo.AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	w := a.NewWindow("Ferry")
	env, err := openEnv(a, w)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferry:", err)
		os.Exit(1)
	}
	v := NewMainView(env)
	w.SetContent(v.Content())
	w.SetOnClosed(v.Close)
	w.Resize(fyne.NewSize(1200, 780))
	w.ShowAndRun()
}

// openEnv opens the config folder's stores.
func openEnv(a fyne.App, w fyne.Window) (Env, error) {
	dir, err := session.ConfigDir()
	if err != nil {
		return Env{}, err
	}
	sites, err := session.OpenSiteStore(dir)
	if err != nil {
		return Env{}, err
	}
	trust, err := session.OpenTrustStore(dir)
	if err != nil {
		return Env{}, err
	}
	return Env{App: a, Win: w, Dir: dir, Sites: sites, Secrets: &session.Secrets{}, Trust: trust}, nil
}
