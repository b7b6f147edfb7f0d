//go:build smoke

package smoke

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// xserver is an Xvfb of the test's own on a free display.
type xserver struct {
	t       *testing.T
	display string // ":97"
	env     []string
}

// startX starts Xvfb 1280x800x24 on a free display and stops it, by its
// pid, when the test ends. It tries a few displays: a number free a moment
// ago can be taken before Xvfb locks it. -noreset: by default Xvfb resets
// itself when its last client disconnects, and drops any client that
// connects during the reset, so the app, started just after the readiness
// check's xdotool left, failed "X11: Failed to open display" now and then.
func startX(t *testing.T) *xserver {
	t.Helper()
	for n := 90; n <= 130; n++ {
		if exists(fmt.Sprintf("/tmp/.X11-unix/X%d", n)) || exists(fmt.Sprintf("/tmp/.X%d-lock", n)) {
			continue
		}
		display := ":" + strconv.Itoa(n)
		var out syncBuffer
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting Xvfb: %v", err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		x := &xserver{t: t, display: display, env: append(os.Environ(), "DISPLAY="+display)}
		ready := false
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			select {
			case <-done:
				deadline = time.Time{} // exited: the display was taken
				continue
			default:
			}
			if exists(fmt.Sprintf("/tmp/.X11-unix/X%d", n)) && x.try("getmouselocation") == nil {
				ready = true
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !ready {
			stopPid(cmd.Process.Pid, false, done)
			t.Logf("Xvfb on %s did not start: %s", display, out.String())
			continue
		}
		t.Cleanup(func() { stopPid(cmd.Process.Pid, false, done) })
		return x
	}
	t.Fatal("no free X display from :90 to :130")
	return nil
}

// stopPid stops a process (or, with group, its process group) by its pid:
// SIGTERM, then SIGKILL after 5 s. done is closed when the process was
// reaped.
func stopPid(pid int, group bool, done <-chan struct{}) {
	target := pid
	if group {
		target = -pid
	}
	syscall.Kill(target, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		syscall.Kill(target, syscall.SIGKILL)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}
	if group {
		// Whatever the leader left behind in its group.
		syscall.Kill(target, syscall.SIGKILL)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// try runs xdotool with args (bounded to 20 s) and returns its error.
func (x *xserver) try(args ...string) error {
	_, err := x.output(20*time.Second, "xdotool", args...)
	return err
}

// xdo runs xdotool with args and fails the test if it fails.
func (x *xserver) xdo(args ...string) string {
	x.t.Helper()
	out, err := x.output(20*time.Second, "xdotool", args...)
	if err != nil {
		x.t.Fatalf("xdotool %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (x *xserver) output(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = x.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// findWindow waits (up to 30 s) for a window titled exactly title and
// returns its id; it gives up at once, returning "", when exited is closed
// (the program that was to show it has ended).
func (x *xserver) findWindow(title string, exited <-chan struct{}) string {
	x.t.Helper()
	var last error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		select {
		case <-exited:
			return ""
		default:
		}
		out, err := x.output(5*time.Second, "xdotool", "search", "--onlyvisible", "--name", "^"+title+"$")
		if f := strings.Fields(out); err == nil && len(f) > 0 {
			return f[0]
		}
		last = err
	}
	x.t.Fatalf("no window titled %q within 30 s: %v", title, last)
	return ""
}

// geometry returns the window's rectangle on the root window.
func (x *xserver) geometry(win string) image.Rectangle {
	x.t.Helper()
	vals := map[string]int{}
	for _, line := range strings.Split(x.xdo("getwindowgeometry", "--shell", win), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if n, err := strconv.Atoi(v); ok && err == nil {
			vals[k] = n
		}
	}
	return image.Rect(vals["X"], vals["Y"], vals["X"]+vals["WIDTH"], vals["Y"]+vals["HEIGHT"])
}

// capture takes a screenshot of the whole screen.
func (x *xserver) capture() image.Image {
	x.t.Helper()
	var last error
	for range 3 {
		out, err := x.output(30*time.Second, "bash", "-c", "set -o pipefail; xwd -root -silent | convert xwd:- png:-")
		if err == nil {
			img, err := png.Decode(strings.NewReader(out))
			if err == nil {
				return img
			}
			last = err
		} else {
			last = err
		}
		time.Sleep(200 * time.Millisecond)
	}
	x.t.Fatalf("screenshot: %v", last)
	return nil
}

// savePNG writes the part r of img to path.
func savePNG(path string, img image.Image, r image.Rectangle) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	sub := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		for xx := 0; xx < r.Dx(); xx++ {
			sub.Set(xx, y, img.At(r.Min.X+xx, r.Min.Y+y))
		}
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, sub); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// findColor returns the bounding box of the pixels in r within tol (per
// channel) of c, and how many there are.
func findColor(img image.Image, r image.Rectangle, c color.RGBA, tol int) (image.Rectangle, int) {
	var box image.Rectangle
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if near(p.R, c.R, tol) && near(p.G, c.G, tol) && near(p.B, c.B, tol) {
				px := image.Rect(x, y, x+1, y+1)
				if n == 0 {
					box = px
				} else {
					box = box.Union(px)
				}
				n++
			}
		}
	}
	return box, n
}

func near(a, b uint8, tol int) bool {
	d := int(a) - int(b)
	return d >= -tol && d <= tol
}

// ink counts the pixels of r that stand out from r's top-left pixel (the
// background): text or icons drawn there, in a dark or a light theme.
func ink(img image.Image, r image.Rectangle) int {
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return 0
	}
	bg := color.RGBAModel.Convert(img.At(r.Min.X, r.Min.Y)).(color.RGBA)
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if !near(p.R, bg.R, 80) || !near(p.G, bg.G, 80) || !near(p.B, bg.B, 80) {
				n++
			}
		}
	}
	return n
}

// changed is the fraction of the pixels of r that differ between a and b
// by more than tol in a channel.
func changed(a, b image.Image, r image.Rectangle, tol int) float64 {
	r = r.Intersect(a.Bounds()).Intersect(b.Bounds())
	if r.Empty() {
		return 0
	}
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := color.RGBAModel.Convert(a.At(x, y)).(color.RGBA)
			q := color.RGBAModel.Convert(b.At(x, y)).(color.RGBA)
			if !near(p.R, q.R, tol) || !near(p.G, q.G, tol) || !near(p.B, q.B, tol) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// closeWindow asks the window to close as a window manager does: a
// WM_DELETE_WINDOW client message (there is no window manager, and
// `xdotool windowclose` destroys the window under the app's feet, which
// leaves it running without a window). It speaks the X11 protocol over the
// display's local socket: connection setup, two InternAtom, SendEvent, and
// GetInputFocus as a round trip that reports any error.
func closeWindow(display string, win uint32) error {
	num := strings.TrimPrefix(display, ":")
	num, _, _ = strings.Cut(num, ".")
	c, err := net.DialTimeout("unix", "/tmp/.X11-unix/X"+num, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	le := binary.LittleEndian
	// Setup: little endian, protocol 11.0, no authorization.
	if _, err := c.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		return err
	}
	hdr := make([]byte, 8)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return err
	}
	rest := make([]byte, int(le.Uint16(hdr[6:]))*4)
	if _, err := io.ReadFull(c, rest); err != nil {
		return err
	}
	if hdr[0] != 1 {
		return fmt.Errorf("X server refused the connection: %q", rest[:min(int(hdr[1]), len(rest))])
	}
	reply := func() ([]byte, error) {
		r := make([]byte, 32)
		if _, err := io.ReadFull(c, r); err != nil {
			return nil, err
		}
		if r[0] == 0 {
			return nil, fmt.Errorf("X error %d (request opcode %d)", r[1], r[10])
		}
		if extra := le.Uint32(r[4:]); r[0] == 1 && extra > 0 {
			if _, err := io.CopyN(io.Discard, c, int64(extra)*4); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	intern := func(name string) (uint32, error) {
		b := make([]byte, 8+(len(name)+3)/4*4)
		b[0] = 16 // InternAtom
		le.PutUint16(b[2:], uint16(len(b)/4))
		le.PutUint16(b[4:], uint16(len(name)))
		copy(b[8:], name)
		if _, err := c.Write(b); err != nil {
			return 0, err
		}
		r, err := reply()
		if err != nil {
			return 0, err
		}
		return le.Uint32(r[8:]), nil
	}
	protocols, err := intern("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	deleteWindow, err := intern("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}
	req := make([]byte, 44)
	req[0] = 25 // SendEvent, propagate false
	le.PutUint16(req[2:], 11)
	le.PutUint32(req[4:], win) // destination
	le.PutUint32(req[8:], 0)   // no event mask: to the window's creator
	ev := req[12:]
	ev[0] = 33 // ClientMessage
	ev[1] = 32 // format
	le.PutUint32(ev[4:], win)
	le.PutUint32(ev[8:], protocols)
	le.PutUint32(ev[12:], deleteWindow)
	// ev[16:20]: CurrentTime (0)
	if _, err := c.Write(req); err != nil {
		return err
	}
	if _, err := c.Write([]byte{43, 0, 1, 0}); err != nil { // GetInputFocus
		return err
	}
	_, err = reply()
	return err
}
