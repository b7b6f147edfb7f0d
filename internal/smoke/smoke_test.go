//go:build smoke

// Package smoke drives the real ferry binary under Xvfb with xdotool, the
// way a user would: it types into the quick-connect bar, answers the
// certificate prompt, transfers files between the panes with the mouse and
// the keyboard and opens the site manager, checks the files on disk, and
// keeps screenshots (docs/screenshots comes from here).
//
// It runs only with the smoke build tag, from scripts/smoke.sh:
//
//	go test -tags smoke -count=1 -v -timeout 10m ./internal/smoke/
//
// SHOTS=dir keeps the screenshots in dir (default: a new temporary folder,
// named in the log). It needs Xvfb, xdotool, xwd, convert (ImageMagick) and
// dbus-run-session, and for TestSmokeLab root and vsftpd (make test installs
// them). A missing one skips a test, or fails it when CI=true.
package smoke

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
)

// The app's window is 1200x780 (ui.show) and, with no window manager, sits
// at 0,0. The positions below are in window coordinates, measured on
// screenshots of that layout; what they hit is checked after each step
// (a dialog appears, a file lands), so a layout change fails loudly.
const (
	winW, winH = 1200, 780
	barY       = 21   // the quick-connect bar
	hostX      = 200  // the Host entry
	sitesX     = 38   // the Sites button
	row0Y      = 271  // the first row of either pane
	toolsY     = 61   // the row above the panes: Compare, Synchronize…
	compareX   = 18   // the Compare check
	syncX      = 1000 // the Synchronize… button
	browseX    = 755  // the Synchronized browsing check
	rowH       = 47   // row pitch
	localNameX = 80   // a name in the local (left) pane
)

// remoteNameX is a name in the remote (right) pane.
const remoteNameX = winW/2 + 80

// primary is the theme's primary colour: the "Trust once" button of a
// first-time certificate prompt.
var primary = color.RGBA{34, 111, 247, 255}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// requireTools skips the test (fails it with CI=true) when a program the
// smoke test needs is missing.
func requireTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xdotool", "xwd", "convert", "dbus-run-session", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("smoke: %s is missing: run make test (scripts/setup.sh test)", tool)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg + " (CI=true: a missing prerequisite is a failure)")
			}
			t.Skip(msg)
		}
	}
}

// ferryBinary builds the app once (cgo, the real GLFW driver) and returns
// its path.
func ferryBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		start := time.Now()
		root, err := repoRoot()
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, err = os.MkdirTemp("", "ferry-smoke-bin-"); err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(buildDir, "ferry")
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = "/usr/local/go/bin/go"
		}
		cmd := exec.Command(goTool, "build", "-o", binPath, ".")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		t.Logf("built %s in %s", binPath, time.Since(start).Round(time.Millisecond))
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if exists(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// shotsDir is where named screenshots go: $SHOTS, else a new temporary
// folder that is kept (its name is logged).
var shotsDir = sync.OnceValue(func() string {
	if d := os.Getenv("SHOTS"); d != "" {
		return d
	}
	d, err := os.MkdirTemp("", "ferry-smoke-shots-")
	if err != nil {
		return os.TempDir()
	}
	return d
})

// app is a running ferry in a session and process group of its own (under
// dbus-run-session), on an Xvfb display.
type app struct {
	t     *testing.T
	x     *xserver
	cmd   *exec.Cmd
	out   *syncBuffer
	done  chan struct{}
	win   string // X window id
	rect  image.Rectangle
	start time.Time
}

// startApp runs `setsid dbus-run-session -- ferry args...` with env added to
// the test's environment, waits for its window and stops the process group
// by its pid when the test ends.
func startApp(t *testing.T, x *xserver, env []string, args ...string) *app {
	t.Helper()
	bin := ferryBinary(t)
	a := &app{t: t, x: x, out: &syncBuffer{}, done: make(chan struct{}), start: time.Now()}
	// An unlocked keyring of its own, as on a logged-in desktop: without
	// one, gnome-keyring (activated by the site manager) would open its
	// "create a keyring" prompt on the display.
	data, runtime := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(data, "keyrings"), 0o700)
	os.Chmod(runtime, 0o700)
	script := `echo -n smoke | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$0" "$@"`
	a.cmd = exec.Command("dbus-run-session", append([]string{"--", "bash", "-c", script, bin}, args...)...)
	a.cmd.Env = append(append(append([]string{}, x.env...), "LANG=en_US.UTF-8", "XDG_DATA_HOME="+data, "XDG_RUNTIME_DIR="+runtime), env...)
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // setsid: its own session and group
	if err := a.cmd.Start(); err != nil {
		t.Fatalf("starting ferry: %v", err)
	}
	go func() { a.cmd.Wait(); close(a.done) }()
	t.Cleanup(func() {
		stopPid(a.cmd.Process.Pid, true, a.done)
		if t.Failed() {
			t.Logf("ferry's output:\n%s", a.out.String())
		}
	})
	if a.win = x.findWindow("Ferry", a.done); a.win == "" {
		<-a.done
		t.Fatalf("ferry exited (%v) before showing its window; its output:\n%s", a.cmd.ProcessState, a.out.String())
	}
	a.rect = x.geometry(a.win)
	t.Logf("window %s at %v after %s", a.win, a.rect, time.Since(a.start).Round(time.Millisecond))
	if a.rect.Dx() != winW || a.rect.Dy() != winH {
		t.Fatalf("the window is %dx%d, the smoke test's positions assume %dx%d", a.rect.Dx(), a.rect.Dy(), winW, winH)
	}
	x.xdo("windowfocus", a.win) // no window manager: focus it ourselves
	return a
}

// shot captures the window (window coordinates).
func (a *app) shot() image.Image {
	a.t.Helper()
	full := a.x.capture()
	sub := image.NewRGBA(image.Rect(0, 0, a.rect.Dx(), a.rect.Dy()))
	for y := 0; y < a.rect.Dy(); y++ {
		for x := 0; x < a.rect.Dx(); x++ {
			sub.Set(x, y, full.At(a.rect.Min.X+x, a.rect.Min.Y+y))
		}
	}
	return sub
}

// save writes img as name in the screenshots folder.
func (a *app) save(name string, img image.Image) {
	a.t.Helper()
	p := filepath.Join(shotsDir(), name)
	if err := savePNG(p, img, img.Bounds()); err != nil {
		a.t.Fatalf("saving %s: %v", p, err)
	}
	a.t.Logf("screenshot %s", p)
}

// fail saves a screenshot of how things look, then fails the test.
func (a *app) fail(format string, args ...any) {
	a.t.Helper()
	name := "FAILED-" + strings.ReplaceAll(a.t.Name(), "/", "-") + ".png"
	dir, err := os.MkdirTemp("", "ferry-smoke-failure-")
	if err == nil {
		p := filepath.Join(dir, name)
		if savePNG(p, a.x.capture(), image.Rect(0, 0, 1280, 800)) == nil {
			a.t.Logf("the screen when it failed: %s", p)
		}
	}
	a.t.Fatalf(format, args...)
}

// waitShot takes screenshots until ok accepts one (up to timeout) and
// returns it.
func (a *app) waitShot(timeout time.Duration, what string, ok func(image.Image) bool) image.Image {
	a.t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		a.alive()
		if img := a.shot(); ok(img) {
			return img
		}
	}
	a.fail("%s: not within %s", what, timeout)
	return nil
}

// waitFor polls cond (up to timeout).
func (a *app) waitFor(timeout time.Duration, what string, cond func() bool) {
	a.t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		a.alive()
		if cond() {
			return
		}
	}
	a.fail("%s: not within %s", what, timeout)
}

// alive fails the test if the app has exited.
func (a *app) alive() {
	a.t.Helper()
	select {
	case <-a.done:
		a.t.Fatalf("ferry exited (%v); its output:\n%s", a.cmd.ProcessState, a.out.String())
	default:
	}
}

// click moves the pointer to x,y of the window and clicks, then parks the
// pointer off the window so that no hover effect shows in screenshots.
func (a *app) click(x, y int) {
	a.t.Helper()
	a.move(x, y)
	a.x.xdo("click", "1")
	time.Sleep(250 * time.Millisecond)
	a.park()
}

// move moves the pointer to x,y of the window.
func (a *app) move(x, y int) {
	a.t.Helper()
	a.x.xdo("mousemove", "--window", a.win, strconv.Itoa(x), strconv.Itoa(y))
	time.Sleep(150 * time.Millisecond)
}

// park moves the pointer to the screen's bottom-right corner, off the
// window (the keyboard focus stays: it was set with windowfocus).
func (a *app) park() {
	a.t.Helper()
	a.x.xdo("mousemove", "1279", "799")
	time.Sleep(100 * time.Millisecond)
}

// drag presses the button at from, moves in steps to to and releases it.
func (a *app) drag(from, to image.Point) {
	a.t.Helper()
	a.move(from.X, from.Y)
	a.x.xdo("mousedown", "1")
	time.Sleep(100 * time.Millisecond)
	const steps = 12
	for i := 1; i <= steps; i++ {
		x := from.X + (to.X-from.X)*i/steps
		y := from.Y + (to.Y-from.Y)*i/steps
		a.x.xdo("mousemove", "--window", a.win, strconv.Itoa(x), strconv.Itoa(y))
		time.Sleep(40 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	a.x.xdo("mouseup", "1")
	time.Sleep(250 * time.Millisecond)
	a.park()
}

// typeText types s into the focused widget.
func (a *app) typeText(s string) {
	a.t.Helper()
	a.x.xdo("type", "--delay", "25", s)
	time.Sleep(150 * time.Millisecond)
}

// key presses keys (xdotool names: Tab, Return, End, ctrl+a).
func (a *app) key(keys ...string) {
	a.t.Helper()
	for _, k := range keys {
		a.x.xdo("key", k)
		time.Sleep(150 * time.Millisecond)
	}
}

// trustButton finds the certificate prompt's "Trust once" (the primary
// button in the lower middle of the window).
func trustButton(img image.Image) (image.Point, bool) {
	box, n := findColor(img, image.Rect(winW/4, winH/2, winW*3/4, winH), primary, 14)
	if n < 400 || box.Dx() < 50 || box.Dx() > 250 || box.Dy() < 20 || box.Dy() > 60 {
		return image.Point{}, false
	}
	return image.Pt((box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2), true
}

// waitCertificate waits for the certificate prompt and returns its
// screenshot and where "Trust once" is.
func (a *app) waitCertificate() (image.Image, image.Point) {
	a.t.Helper()
	var at image.Point
	img := a.waitShot(30*time.Second, "the certificate prompt", func(img image.Image) bool {
		p, ok := trustButton(img)
		at = p
		return ok
	})
	return img, at
}

// trustOnce presses "Trust once" and waits for the prompt to go.
func (a *app) trustOnce(at image.Point) {
	a.t.Helper()
	a.click(at.X, at.Y)
	a.waitShot(10*time.Second, "the certificate prompt to close after Trust once", func(img image.Image) bool {
		_, still := trustButton(img)
		return !still
	})
}

// rowInk is how much is drawn in the name column of row i of a pane.
func rowInk(img image.Image, nameX, i int) int {
	y := row0Y + i*rowH
	return ink(img, image.Rect(nameX-45, y-14, nameX+200, y+14))
}

// quit closes the window as a window manager would and waits for the app to
// exit; it returns the exit status.
func (a *app) quit() *os.ProcessState {
	a.t.Helper()
	id, err := strconv.ParseUint(a.win, 10, 32)
	if err != nil {
		a.t.Fatalf("window id %q: %v", a.win, err)
	}
	if err := closeWindow(a.x.display, uint32(id)); err != nil {
		a.fail("closing the window: %v", err)
	}
	select {
	case <-a.done:
		return a.cmd.ProcessState
	case <-time.After(20 * time.Second):
		a.fail("ferry did not quit within 20 s of its window being closed")
		return nil
	}
}

// checkOutput fails the test on widget access outside fyne.Do, or a panic.
func (a *app) checkOutput() {
	a.t.Helper()
	out := a.out.String()
	for _, bad := range []string{"should have been called in fyne.Do", "panic:", "fatal error:", "DATA RACE"} {
		if strings.Contains(out, bad) {
			a.t.Errorf("ferry's output has %q:\n%s", bad, out)
		}
	}
}

func fileIs(p string, want []byte) bool {
	b, err := os.ReadFile(p)
	return err == nil && bytes.Equal(b, want)
}

// TestSmokeLab drives the app against a real vsftpd over explicit FTPS:
// quick connect, the certificate prompt, an upload by click + Return, a
// large upload while the queue is screenshotted, and the site manager.
func TestSmokeLab(t *testing.T) {
	requireTools(t)
	t0 := time.Now()
	srv := ftpslab.Start(t, ftpslab.VsftpdExplicit)
	lab, err := user.Lookup(ftpslab.User)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(lab.Uid)
	gid, _ := strconv.Atoi(lab.Gid)
	incoming := filepath.Join(srv.Root, "incoming")
	// A few files, so the server's pane has something to show.
	for name, data := range map[string]string{
		"archive/2025-q4.zip":     "PK\x03\x04 not really a zip\n",
		"contract-signed.pdf":     "%PDF-1.7 not really a pdf\n",
		"meeting-notes.txt":       "Agenda: ship Ferry.\n",
		"price-list-2026.csv":     "item,price\nwidget,4.20\n",
		"photos/team-offsite.jpg": "not really a jpeg\n",
	} {
		p := filepath.Join(incoming, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	filepath.Walk(incoming, func(p string, _ os.FileInfo, _ error) error { return os.Chown(p, uid, gid) })

	// The local pane starts in $HOME and shows its path in main.png: short.
	home, err := os.MkdirTemp("", "home")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	upload := []byte("Hello from Ferry's smoke test, " + time.Now().Format(time.RFC3339) + "\n")
	if err := os.WriteFile(filepath.Join(home, "upload-me.txt"), upload, 0o644); err != nil {
		t.Fatal(err)
	}
	const bigSize = 3 << 30
	big, err := os.Create(filepath.Join(home, "big-backup.iso"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(bigSize); err != nil { // sparse: costs no disk here
		t.Fatal(err)
	}
	big.Close()
	remoteBig := filepath.Join(incoming, "big-backup.iso")
	t.Cleanup(func() { os.Remove(remoteBig) }) // the server stored it for real

	// A saved site, so that the site manager has something to show.
	config := t.TempDir()
	store, err := sites.OpenStore(config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Add(sites.Site{Name: "Office file server", Host: srv.Host, Port: srv.Port,
		Encryption: session.Explicit, User: srv.User, Logon: sites.LogonAsk, RemoteDir: "/incoming",
		Notes: "vsftpd in the smoke test's lab"}); err != nil {
		t.Fatal(err)
	}

	x := startX(t)
	a := startApp(t, x, []string{"HOME=" + home, "FERRY_CONFIG_DIR=" + config, "XDG_CONFIG_HOME=" + t.TempDir()})
	a.waitShot(20*time.Second, "the local pane to list $HOME", func(img image.Image) bool {
		return rowInk(img, localNameX, 0) > 50 && rowInk(img, localNameX, 1) > 50
	})
	t.Logf("ready after %s", time.Since(t0).Round(time.Millisecond))

	// Quick connect: Host, Tab, User, Tab, Password, Return.
	a.click(hostX, barY)
	a.typeText(fmt.Sprintf("ftpes://%s:%d/incoming", srv.Host, srv.Port))
	a.key("Tab")
	a.typeText(srv.User)
	a.key("Tab")
	a.typeText(srv.Password)
	a.key("Return")
	cert, at := a.waitCertificate()
	a.save("certificate.png", cert)
	a.trustOnce(at)
	a.waitShot(20*time.Second, "the server's pane to list", func(img image.Image) bool {
		return rowInk(img, remoteNameX, 0) > 50
	})
	time.Sleep(500 * time.Millisecond)
	if img := a.shot(); rowInk(img, remoteNameX, 1) < 5 {
		// One row: "/" with its folder incoming, not /incoming's five.
		t.Errorf("quick connect to ftpes://…/incoming opened the server's start folder, not /incoming: " +
			"the URL's path is dropped (ui/mainview.go quickSite ignores ParseURL's path)")
		a.click(remoteNameX, row0Y)
		a.key("Return") // open incoming
	}
	a.waitShot(20*time.Second, "the server's pane to list /incoming", func(img image.Image) bool {
		return rowInk(img, remoteNameX, 0) > 50 && rowInk(img, remoteNameX, 4) > 50
	})
	t.Logf("connected and listed after %s", time.Since(t0).Round(time.Millisecond))

	// Upload upload-me.txt: click its row (big-backup.iso, upload-me.txt), Return.
	a.click(localNameX, row0Y+rowH)
	a.key("Return")
	a.waitFor(30*time.Second, "upload-me.txt on the server", func() bool {
		return fileIs(filepath.Join(incoming, "upload-me.txt"), upload)
	})
	t.Logf("upload-me.txt uploaded after %s", time.Since(t0).Round(time.Millisecond))
	time.Sleep(time.Second) // the panes refresh when the queue is idle
	a.save("main.png", a.shot())

	// The big one: screenshot the queue while it runs.
	a.click(localNameX, row0Y)
	a.key("Return")
	started := time.Now()
	a.waitFor(30*time.Second, "big-backup.iso to start arriving", func() bool {
		fi, err := os.Stat(remoteBig)
		return err == nil && fi.Size() > 32<<20
	})
	time.Sleep(700 * time.Millisecond) // the queue view refreshes a few times a second
	queue := a.shot()
	if fi, err := os.Stat(remoteBig); err == nil && fi.Size() < bigSize {
		a.save("queue.png", queue)
	} else {
		t.Errorf("big-backup.iso was complete before the queue's screenshot: make it bigger")
	}
	if n := ink(queue, image.Rect(10, 628, winW/2, 668)); n < 100 { // the first queue row
		t.Errorf("the Queue tab shows no running job while big-backup.iso uploads (see queue.png)")
	}
	a.waitFor(4*time.Minute, "big-backup.iso complete on the server", func() bool {
		fi, err := os.Stat(remoteBig)
		return err == nil && fi.Size() == bigSize
	})
	t.Logf("big-backup.iso (%d MiB) uploaded in %s", bigSize>>20, time.Since(started).Round(time.Millisecond))
	// Ferry checks the copy's size after the server's 226: removing it at
	// once made that check fail, and the job land in Failed.
	time.Sleep(2 * time.Second)
	os.Remove(remoteBig)
	time.Sleep(time.Second) // the queue goes idle and the panes refresh

	a.compareAndSync(remoteBig)
	a.syncBrowsing(home)

	// The site manager: open it, select the saved site, close it.
	before := a.shot()
	a.click(sitesX, barY)
	dialogArea := image.Rect(winW/2-300, winH/2-200, winW/2+300, winH/2+200)
	a.waitShot(10*time.Second, "the site manager", func(img image.Image) bool {
		return changed(before, img, dialogArea, 4) > 0.5
	})
	a.click(winW/2-330, winH/2-228) // the first site in its list
	time.Sleep(time.Second)
	a.save("site-manager.png", a.shot())
	a.click(winW/2-78, winH/2+261) // Close
	a.waitShot(10*time.Second, "the site manager to close", func(img image.Image) bool {
		return changed(before, img, dialogArea, 4) < 0.05
	})

	a.alive()
	state := a.quit()
	t.Logf("quit: %v, %s in all", state, time.Since(t0).Round(time.Millisecond))
	if !state.Success() {
		t.Errorf("ferry exited with %v when its window was closed; output:\n%s", state, a.out.String())
	}
	// The quick connection is in the config folder's recent.json, without
	// its password.
	rec, err := os.ReadFile(filepath.Join(config, "recent.json"))
	if want := fmt.Sprintf("//%s@%s:%d/incoming", srv.User, srv.Host, srv.Port); err != nil || !strings.Contains(string(rec), want) {
		t.Errorf("the config folder's recent.json (%v) does not hold %s:\n%s", err, want, rec)
	}
	if strings.Contains(string(rec), srv.Password) {
		t.Errorf("recent.json holds the password:\n%s", rec)
	}
	a.checkOutput()
}

// compareAndSync turns the compare marks on (compare.png), opens
// Synchronize…, previews an upload of this computer's folder to the
// server's (sync-preview.png: big-backup.iso, deleted there, goes up
// again), cancels it, and turns the marks off. remoteBig must stay away.
func (a *app) compareAndSync(remoteBig string) {
	a.t.Helper()
	before := a.shot()
	a.click(compareX, toolsY)
	// The server's rows, tinted (most are only there); the legend's line
	// moves them down too.
	rows := image.Rect(winW/2+10, row0Y, winW-10, row0Y+3*rowH)
	a.save("compare.png", a.waitShot(10*time.Second, "the compare marks", func(img image.Image) bool {
		return changed(before, img, rows, 8) > 0.4
	}))
	a.click(syncX, toolsY)
	a.waitShot(10*time.Second, "the Synchronize options", func(img image.Image) bool {
		_, ok := trustButton(img) // the dialog's primary button: Preview…
		return ok
	})
	at, _ := trustButton(a.shot())
	a.save("sync-options.png", a.shot())
	a.click(at.X, at.Y)
	a.waitShot(30*time.Second, "the sync preview", func(img image.Image) bool {
		p, ok := trustButton(img) // Synchronize, further down than Preview…
		return ok && p.Y > at.Y+20
	})
	a.park()
	time.Sleep(300 * time.Millisecond)
	a.save("sync-preview.png", a.shot())
	a.key("Escape")
	a.waitShot(10*time.Second, "the preview to close", func(img image.Image) bool {
		_, still := trustButton(img)
		return !still
	})
	time.Sleep(time.Second)
	if _, err := os.Stat(remoteBig); err == nil {
		a.fail("a cancelled sync uploaded big-backup.iso")
	}
	a.click(compareX, toolsY)
}

// syncBrowsing makes a local photos/ like the server's and turns
// synchronized browsing on: opening the server's photos/ (Return) opens
// the local one too (empty: its rows go), and Backspace takes both back.
func (a *app) syncBrowsing(home string) {
	a.t.Helper()
	if err := os.Mkdir(filepath.Join(home, "photos"), 0o755); err != nil {
		a.fail("%v", err)
	}
	a.click(localNameX, row0Y)
	a.key("F5")
	a.waitShot(10*time.Second, "the local photos/ folder", func(img image.Image) bool {
		return rowInk(img, localNameX, 2) > 50 // photos, big-backup.iso, upload-me.txt
	})
	a.click(browseX, toolsY)
	a.click(remoteNameX, row0Y+rowH) // archive, photos
	a.key("Return")
	a.waitShot(10*time.Second, "the local pane to follow into photos/", func(img image.Image) bool {
		return rowInk(img, remoteNameX, 0) > 50 && rowInk(img, localNameX, 0) < 5 && rowInk(img, localNameX, 1) < 5
	})
	a.key("BackSpace")
	a.waitShot(10*time.Second, "both panes back up", func(img image.Image) bool {
		return rowInk(img, localNameX, 2) > 50 && rowInk(img, remoteNameX, 4) > 50
	})
	a.click(browseX, toolsY)
}

// TestSmokeDemo runs `ferry -demo` under LANG=C.UTF-8: the certificate
// prompt first, then the sample folders; an upload and a download by
// click + keys; and quitting removes the demo's temporary folders and
// leaves nothing in the user's home, config, cache and state folders (Fyne
// writes its preferences, an icon and a font index there, Mesa a shader
// cache), nor a locale error in its output.
func TestSmokeDemo(t *testing.T) {
	requireTools(t)
	t0 := time.Now()
	// The app's TMPDIR, where the demo makes its folders: short, as the
	// local pane shows the path in demo.png.
	tmp, err := os.MkdirTemp("", "fs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	// The user's own folders, empty. (XDG_DATA_HOME is startApp's: its
	// keyring is there.)
	user := []string{"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "FERRY_CONFIG_DIR"}
	userDirs := map[string]string{}
	env := []string{"TMPDIR=" + tmp, "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="}
	for _, name := range user {
		userDirs[name] = t.TempDir()
		env = append(env, name+"="+userDirs[name])
	}
	x := startX(t)
	a := startApp(t, x, env, "-demo")
	cert, at := a.waitCertificate()
	a.save("demo-certificate.png", cert)
	t.Logf("certificate prompt after %s", time.Since(t0).Round(time.Millisecond))

	servers, _ := filepath.Glob(filepath.Join(tmp, "ferry-demo-*", "server"))
	if len(servers) != 1 {
		a.fail("the demo's server folder: found %q in %s", servers, tmp)
	}
	server := servers[0]
	local := filepath.Join(filepath.Dir(server), "this computer")

	a.trustOnce(at)
	// Remote: Documents, Images, Projects, Uploads, Videos, README.txt (the
	// sixth row is below the fold). Local: diagram.png, invoice-0042.csv, letter.txt.
	a.waitShot(20*time.Second, "both panes to list", func(img image.Image) bool {
		for i := range 5 {
			if rowInk(img, remoteNameX, i) < 50 {
				return false
			}
		}
		return rowInk(img, localNameX, 2) > 50 && rowInk(img, localNameX, 3) < 5
	})
	t.Logf("listed after %s", time.Since(t0).Round(time.Millisecond))

	// Upload letter.txt (third row): click, Return.
	a.click(localNameX, row0Y+2*rowH)
	a.key("Return")
	letter, err := os.ReadFile(filepath.Join(local, "letter.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a.waitFor(30*time.Second, "letter.txt on the demo server", func() bool {
		return fileIs(filepath.Join(server, "letter.txt"), letter)
	})
	// Drag invoice-0042.csv (second row) onto the server's Uploads folder
	// (fourth row).
	invoice, err := os.ReadFile(filepath.Join(local, "invoice-0042.csv"))
	if err != nil {
		t.Fatal(err)
	}
	a.drag(image.Pt(localNameX, row0Y+rowH), image.Pt(remoteNameX, row0Y+3*rowH))
	a.waitFor(30*time.Second, "invoice-0042.csv, dragged onto Uploads, on the demo server", func() bool {
		return fileIs(filepath.Join(server, "Uploads", "invoice-0042.csv"), invoice)
	})
	// Download README.txt: click a row of the server's pane, End (the last
	// row: README.txt), Return.
	readme, err := os.ReadFile(filepath.Join(server, "README.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a.click(remoteNameX, row0Y)
	a.key("End", "Return")
	a.waitFor(30*time.Second, "README.txt downloaded", func() bool {
		return fileIs(filepath.Join(local, "README.txt"), readme)
	})
	t.Logf("uploaded and downloaded after %s", time.Since(t0).Round(time.Millisecond))
	time.Sleep(1500 * time.Millisecond) // the panes refresh when the queue is idle
	a.save("demo.png", a.waitShot(10*time.Second, "README.txt in the local pane", func(img image.Image) bool {
		return rowInk(img, localNameX, 3) > 50 // diagram, invoice, letter, README
	}))

	a.alive()
	state := a.quit()
	t.Logf("quit: %v, %s in all", state, time.Since(t0).Round(time.Millisecond))
	if !state.Success() {
		t.Errorf("ferry -demo exited with %v when its window was closed", state)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "ferry-demo-*")); len(left) > 0 {
		t.Errorf("ferry -demo left its temporary folders behind after quitting: %q", left)
	}
	for _, name := range user {
		var left []string
		filepath.WalkDir(userDirs[name], func(p string, _ fs.DirEntry, err error) error {
			if p != userDirs[name] {
				left = append(left, strings.TrimPrefix(p, userDirs[name]+"/"))
			}
			return nil
		})
		if n := len(left); n > 0 {
			t.Errorf("ferry -demo left %d files in the user's %s: %q", n, name, left[:min(n, 8)])
		}
	}
	if out := a.out.String(); strings.Contains(out, "Error parsing user locale") {
		t.Errorf("ferry -demo under LANG=C.UTF-8 logged a locale error:\n%s", out)
	}
	a.checkOutput()
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
