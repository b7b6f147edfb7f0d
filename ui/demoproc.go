package ui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
)

// demoChildEnv marks the `ferry -demo` that superviseDemo started.
const demoChildEnv = "FERRY_DEMO_CHILD"

// superviseDemo runs `ferry -demo` again as a child process whose user
// config and cache folders (XDG_CONFIG_HOME, XDG_CACHE_HOME) are a new
// temporary folder, waits for it, removes the folder and returns the
// child's exit code. ok is false in the child itself, and where Go and
// Fyne do not follow the XDG variables (only Linux and the BSDs do): then
// the caller runs the demo.
//
// Fyne writes there: its preferences (fyne/<app id>/preferences.json, at
// every quit), the icon it hands to notifications, and go-text's index of
// the system's fonts (font_index_v5.cache); Mesa may keep a shader cache.
// So the demo leaves nothing in the user's folders and never reads or
// rewrites the user's own preferences (nor Fyne's settings.json: the demo
// has the default theme and scale). The folder is removed by this
// process, after the app's has exited, because Fyne's file watchers
// re-create a watched folder that disappears while the app runs.
func superviseDemo() (code int, ok bool) {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
	default:
		return 0, false
	}
	if os.Getenv(demoChildEnv) != "" {
		return 0, false
	}
	code, err := runDemoChild()
	if err != nil {
		fail(fmt.Errorf("starting the demo: %w", err))
	}
	return code, true
}

// runDemoChild is superviseDemo's work: the child's exit code, or why it
// could not run.
func runDemoChild() (int, error) {
	dir, err := os.MkdirTemp("", "ferry-demo-home-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	env := append(os.Environ(), demoChildEnv+"=1")
	for _, v := range []struct{ name, sub string }{{"XDG_CONFIG_HOME", "config"}, {"XDG_CACHE_HOME", "cache"}} {
		p := filepath.Join(dir, v.sub)
		if err := os.Mkdir(p, 0o700); err != nil {
			return 0, err
		}
		env = append(env, v.name+"="+p)
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Ctrl+C in a terminal reaches both processes: the app quits as when
	// its window closes, and this one stays to clean up. A signal sent to
	// this process alone is passed on.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sig:
				cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		return exit.ExitCode(), nil
	}
	return 1, nil // killed by a signal, or could not be waited for
}
