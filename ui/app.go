// Package ui is Ferry's desktop front end. It is the only package that
// imports Fyne; it drives the engine (transfers, session) and answers the
// engine's questions with dialogs.
package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/ferryftps/ferry/assets"
	"github.com/ferryftps/ferry/internal/buildinfo"
	"github.com/ferryftps/ferry/internal/demo"
	"github.com/ferryftps/ferry/session"
)

// Run creates the application, opens the main window and blocks until the
// user quits. It must be called from the main goroutine.
func Run() {
	dir, err := session.ConfigDir()
	if err != nil {
		fail(err)
	}
	a, w := newApp()
	env, err := openEnv(a, w, dir)
	if err != nil {
		fail(err)
	}
	v := NewMainView(env)
	show(w, v)
}

// RunDemo is `ferry -demo`: it starts the embedded demo server on
// 127.0.0.1, adds a "Demo server" site to a temporary config folder (its
// password stays in memory), and opens the app connecting to it, so the
// first thing a newcomer meets is the certificate question, as with a real
// server. Quitting stops the server and removes every file the demo made.
func RunDemo() {
	d, err := demo.Start(demo.Options{})
	if err != nil {
		fail(err)
	}
	defer d.Close()
	dir, err := os.MkdirTemp("", "ferry-demo-config-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	if err := privateUserDirs(dir); err != nil {
		fail(err)
	}
	a, w := newApp()
	env, err := openEnv(a, w, dir)
	if err != nil {
		fail(err)
	}
	env.LocalHome = d.Local
	env.Secrets = nil // the demo's password never goes to the keyring
	site, err := env.Sites.Add(d.Site)
	if err != nil {
		fail(err)
	}
	implicit, err := env.Sites.Add(d.Implicit)
	if err != nil {
		fail(err)
	}
	v := NewMainView(env)
	v.conns.remember(site, d.Password)
	v.conns.remember(implicit, d.Password)
	w.SetTitle("Ferry")
	v.connect(site, d.Password, "/")
	show(w, v)
}

// privateUserDirs points the user's config and cache folders of this
// process into dir, for the demo: Fyne keeps its preferences there
// (fyne/<app id>/preferences.json, written at every quit), its icon cache
// for notifications, and go-text the index of the system's fonts
// (font_index_v5.cache). So the demo leaves nothing behind, and neither
// reads nor rewrites the user's own preferences. (Fyne's own settings,
// fyne/settings.json, are not read either: the demo has the default theme
// and scale.) Only where Go and Fyne follow the XDG variables: Linux and
// the BSDs; elsewhere the folders stay as they are.
func privateUserDirs(dir string) error {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
	default:
		return nil
	}
	for _, v := range []struct{ env, sub string }{{"XDG_CONFIG_HOME", "user-config"}, {"XDG_CACHE_HOME", "user-cache"}} {
		p := filepath.Join(dir, v.sub)
		if err := os.Mkdir(p, 0o700); err != nil {
			return err
		}
		if err := os.Setenv(v.env, p); err != nil {
			return err
		}
	}
	return nil
}

func newApp() (fyne.App, fyne.Window) {
	a := app.NewWithID(buildinfo.AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	return a, a.NewWindow("Ferry")
}

func show(w fyne.Window, v *MainView) {
	w.SetContent(v.Content())
	w.SetOnClosed(v.Close)
	w.Resize(fyne.NewSize(1200, 780))
	w.ShowAndRun()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ferry:", err)
	os.Exit(1)
}

// openEnv opens the stores of the config folder dir.
func openEnv(a fyne.App, w fyne.Window, dir string) (Env, error) {
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
