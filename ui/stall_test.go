package ui

import (
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

// The bounds the window must keep while a server stalls.
const (
	inputLimit  = 200 * time.Millisecond // input shows its effect
	cancelLimit = 2 * time.Second        // Cancel ends the stalled step
)

// stallServer accepts TCP connections on 127.0.0.1, sends its greeting
// (if any) and then never answers: a server that stalls.
type stallServer struct {
	port     int
	accepted chan struct{} // one per connection accepted
	hungUp   chan struct{} // one per connection the client closed
}

func startStallServer(t *testing.T, greeting string) *stallServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stallServer{port: ln.Addr().(*net.TCPAddr).Port, accepted: make(chan struct{}, 16), hungUp: make(chan struct{}, 16)}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			s.accepted <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if greeting != "" {
					io.WriteString(c, greeting+"\r\n")
				}
				io.Copy(io.Discard, c) // never a reply; ends when the client hangs up
				s.hungUp <- struct{}{}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return s
}

// wait waits, at most limit, for one event of ch.
func wait(t *testing.T, ch <-chan struct{}, limit time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(limit):
		t.Fatalf("timed out after %v waiting for %s", limit, what)
	}
}

// responds gives the window input (on the UI's turn) and waits until
// effect shows, at most inputLimit; it returns how long that took, measured
// from before the input. A window whose UI goroutine waits for the server
// cannot take its turn, and fails the test.
func (f *fixture) responds(what string, input func(), effect func() bool) time.Duration {
	f.t.Helper()
	start := time.Now()
	seen := make(chan time.Duration, 1)
	go func() {
		f.ui(input)
		for time.Since(start) < inputLimit {
			ok := false
			f.ui(func() { ok = effect() })
			if ok {
				seen <- time.Since(start)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	select {
	case d := <-seen:
		return d
	case <-time.After(inputLimit):
		f.t.Fatalf("%s: no effect within %v: the window does not respond", what, inputLimit)
		return 0
	}
}

// within polls cond on the UI's turn until it holds, at most limit, and
// returns how long that took.
func (f *fixture) within(limit time.Duration, what string, cond func() bool) time.Duration {
	f.t.Helper()
	start := time.Now()
	for {
		ok := false
		f.ui(func() { ok = cond() })
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			var status string
			f.ui(func() { status = f.v.status.Text })
			f.t.Fatalf("timed out after %v waiting for %s (status: %q)", limit, what, status)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// checkResponsive proves the window handles input while a server stalls:
// typing into the local pane's filter, a resize, and a dialog opened and
// closed. It logs how long each took.
func (f *fixture) checkResponsive() {
	f.t.Helper()
	var filter *widget.Entry
	f.ui(func() { filter = uitest.Entry(f.v.local.Content(), "Filter by name") })
	if filter == nil {
		f.t.Fatal("no filter entry in the local pane")
	}
	typed := f.responds("typing into the filter", func() { test.Type(filter, "zz") }, func() bool { return filter.Text == "zz" })
	f.ui(func() { filter.SetText("") })
	size := fyne.NewSize(1100, 760)
	resized := f.responds("resizing", func() { f.w.Resize(size) }, func() bool { return f.w.Canvas().Size() == size })
	f.ui(func() { f.w.Resize(fyne.NewSize(1200, 800)) })
	opened := f.responds("opening the settings", func() { test.Tap(f.v.settingsBtn) }, func() bool { return f.w.Canvas().Overlays().Top() != nil })
	f.ui(func() { test.Tap(f.button("Close")) })
	f.until("the settings to close", func() bool { return f.w.Canvas().Overlays().Top() == nil })
	f.t.Logf("during the stall: typing %v, resize %v, settings dialog %v", typed, resized, opened)
}

// TestConnectStallCancel: a server that accepts the connection and then
// stalls (before its greeting, or after it) leaves the window responsive
// while the status says "Connecting to …"; Cancel (the Connect button
// turned into it) and Escape end the stalled step at once, and the window
// is back to not connected, ready to connect.
func TestConnectStallCancel(t *testing.T) {
	for _, tc := range []struct{ name, greeting string }{
		{"no greeting", ""},
		{"greeting then silence", "220 Stalling FTP server ready."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, t.TempDir())
			srv := startStallServer(t, tc.greeting) // closed before the window
			host := "ftpes://127.0.0.1:" + strconv.Itoa(srv.port)
			connecting := func() bool {
				return f.v.connectBtn.Text == "Cancel" && !f.v.connectBtn.Disabled() &&
					strings.HasPrefix(f.v.status.Text, "Connecting to "+host)
			}
			cancelled := func() bool {
				return f.v.connectBtn.Text == "Connect" && !f.v.connectBtn.Disabled() && f.v.current == nil &&
					strings.HasPrefix(f.v.status.Text, "Cancelled connecting to "+host) &&
					strings.HasSuffix(f.v.status.Text, ": not connected.") &&
					f.v.disconnectBtn.Disabled() && f.v.lock.Disabled()
			}

			f.ui(func() {
				test.Type(f.v.host, host)
				test.Tap(f.v.connectBtn)
			})
			wait(t, srv.accepted, 5*time.Second, "the connection")
			f.until("the connecting state", connecting)
			f.checkResponsive()

			start := time.Now()
			f.ui(func() { test.Tap(f.v.connectBtn) }) // Cancel
			shown := f.within(cancelLimit, "the cancelled state", cancelled)
			wait(t, srv.hungUp, cancelLimit-time.Since(start), "the client to hang up")
			ended := time.Since(start)
			t.Logf("Cancel: status after %v, connection closed after %v", shown, ended)

			// Again, cancelled with Escape.
			f.ui(func() { test.Tap(f.v.connectBtn) })
			wait(t, srv.accepted, 5*time.Second, "the second connection")
			f.until("the connecting state again", connecting)
			start = time.Now()
			f.ui(func() { f.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
			shown = f.within(cancelLimit, "the state cancelled by Escape", cancelled)
			wait(t, srv.hungUp, cancelLimit-time.Since(start), "the client to hang up after Escape")
			t.Logf("Escape: status after %v, connection closed after %v", shown, time.Since(start))
		})
	}
}

// TestListingStallKeepsWindowResponsive: a server that logs in but never
// sends a listing. The window connects (status, TLS details) while the
// listing stalls; the lock, typing, a resize and a dialog respond at once;
// the pane's Cancel ends the listing, after which the certificate the lock
// asked for shows; a listing that stalls again does not hold up Disconnect.
func TestListingStallKeepsWindowResponsive(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	var listings atomic.Int32
	d := ftpdtest.Start(t, ftpd.Config{Listing: func(string) []string {
		listings.Add(1)
		<-release
		return nil
	}})
	f := newFixture(t, t.TempDir())
	t.Cleanup(unblock) // first: the server and the window close after it

	f.connectTrusting("ftpes://127.0.0.1:"+strconv.Itoa(d.Port), ftpdtest.User, d.Password)
	f.ui(func() {
		if !strings.HasPrefix(f.v.tlsLabel.Text, "TLS 1.") || f.v.lock.Disabled() {
			t.Errorf("connected: TLS %q, lock disabled %v", f.v.tlsLabel.Text, f.v.lock.Disabled())
		}
	})
	f.until("the stalled listing", func() bool {
		return listings.Load() > 0 && uitest.HasLabel(f.v.remote.Content(), "Listing…")
	})

	// The lock needs no network: the certificate was kept from the
	// handshake, so it shows at once although the listing holds the
	// connection (waiting for that connection honours its context).
	lock := f.responds("tapping the lock", func() { test.Tap(f.v.lock) }, func() bool { return f.button("Copy fingerprint") != nil })
	t.Logf("during the stalled listing: certificate shown after %v", lock)
	f.ui(func() { test.Tap(f.button("Close")) })
	f.until("the certificate to close", func() bool { return f.w.Canvas().Overlays().Top() == nil && !f.v.lock.Disabled() })
	f.checkResponsive()

	// Cancel the listing: the pane says so at once.
	var cancel *widget.Button
	f.ui(func() { cancel = uitest.EnabledButton(f.v.remote.Content(), "Cancel") })
	if cancel == nil {
		t.Fatal("no Cancel in the remote pane's listing state")
	}
	f.ui(func() { test.Tap(cancel) })
	shown := f.within(cancelLimit, "the cancelled listing", func() bool {
		return uitest.HasLabel(f.v.remote.Content(), "Listing / cancelled. Press Refresh to try again.")
	})
	t.Logf("listing Cancel: state after %v", shown)
	// The listing stalls again (Refresh); Disconnect does not wait for it.
	n := listings.Load()
	f.ui(func() { test.Tap(uitest.EnabledButton(f.v.remote.Content(), "Refresh")) })
	f.until("the second stalled listing", func() bool {
		return listings.Load() > n && uitest.HasLabel(f.v.remote.Content(), "Listing…")
	})
	disc := f.responds("Disconnect", func() { test.Tap(f.v.disconnectBtn) }, func() bool {
		return f.v.status.Text == "Not connected" && f.v.current == nil && uitest.HasLabel(f.v.remote.Content(), "Not connected.")
	})
	t.Logf("Disconnect during a stalled listing: %v", disc)
	unblock()
}
