package ui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/ferryftps/ferry/assets"
	"github.com/ferryftps/ferry/internal/buildinfo"
	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/internal/demo"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/trust"
)

// Run creates the application, opens the main window and blocks until the
// user quits. It must be called from the main goroutine.
func Run() {
	dir, err := config.Dir()
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
// server. Quitting stops the server and removes every file the demo made;
// on Linux and the BSDs the app runs in a child process with user config
// and cache folders of its own, so that nothing of Fyne's stays behind
// either (superviseDemo).
func RunDemo() {
	if code, ok := superviseDemo(); ok {
		os.Exit(code)
	}
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
	v.connect(site, d.Password)
	show(w, v)
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
	siteStore, err := sites.OpenStore(dir)
	if err != nil {
		return Env{}, err
	}
	trustStore, err := trust.OpenStore(dir)
	if err != nil {
		return Env{}, err
	}
	return Env{App: a, Win: w, Dir: dir, Sites: siteStore, Secrets: &sites.Secrets{}, Trust: trustStore}, nil
}
