package session

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
)

// Servers as people run them: one that answers a data command only once the
// data connection's TLS handshake is done, and ones that stall.

// TestHandshakeFirstServer: a server that waits for the data handshake
// before it answers LIST/RETR/STOR works, explicit and implicit; with the
// lazy handshake of old (started at the first read, after the 150 reply)
// the same server answers 425, so this test would catch a regression.
func TestHandshakeFirstServer(t *testing.T) {
	for _, enc := range []Encryption{Explicit, Implicit} {
		t.Run(enc.String(), func(t *testing.T) {
			root := t.TempDir()
			s, cert := startDouble(t, ftpd.Config{Root: root, Implicit: enc == Implicit, HandshakeFirst: true,
				HandshakeWait: time.Second, RequireReuse: true})
			c := dialDouble(t, s, enc, cert, DialConfig{})
			ctx := testCtx(t)
			data := bytes.Repeat([]byte("eager handshake "), 4096)
			if err := c.Stor(ctx, "/up.bin", 0, bytes.NewReader(data)); err != nil {
				t.Fatalf("upload: %v", err)
			}
			if err := c.Stor(ctx, "/empty", 0, bytes.NewReader(nil)); err != nil {
				t.Fatalf("empty upload: %v", err)
			}
			l, err := c.List(ctx, "/")
			if err != nil || len(l.Entries) != 2 {
				t.Fatalf("list: %+v, %v", l, err)
			}
			r, err := c.Retr(ctx, "/up.bin", 0)
			if err != nil {
				t.Fatalf("download: %v", err)
			}
			got, err := io.ReadAll(r)
			if cerr := r.Close(); err == nil {
				err = cerr
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("download: %d bytes, %v", len(got), err)
			}
		})
	}
	t.Run("lazy handshake deadlocks", func(t *testing.T) {
		eagerDataHandshake = false
		defer func() { eagerDataHandshake = true }()
		s, cert := startDouble(t, ftpd.Config{HandshakeFirst: true, HandshakeWait: 500 * time.Millisecond})
		c := dialDouble(t, s, Explicit, cert, DialConfig{})
		_, err := c.List(testCtx(t), "/")
		if !errors.Is(err, ErrDataConnection) {
			t.Fatalf("a lazy handshake against a handshake-first server: %v, want the server's 425", err)
		}
	})
}

// TestTrickledLoginFails: a server that sends a byte every 200 ms after
// its greeting cannot hold the login past its deadline, and the error
// says which step stopped and for how long.
func TestTrickledLoginFails(t *testing.T) {
	for _, enc := range []Encryption{Explicit, Implicit} {
		t.Run(enc.String(), func(t *testing.T) {
			s, cert := startDouble(t, ftpd.Config{Implicit: enc == Implicit, Trickle: 200 * time.Millisecond})
			start := time.Now()
			_, err := Dial(testCtx(t), DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: enc,
				VerifyServer: pinnedTo(cert), Timeout: 1500 * time.Millisecond}, "alice", "double-secret")
			took := time.Since(start)
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("trickling server: %v, want ErrTimeout", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "stopped responding during login (no reply for 1.5 s)") || !strings.Contains(msg, s.Addr()) {
				t.Errorf("the error should name the step, the time and the server: %q", msg)
			}
			if took > 4*time.Second {
				t.Errorf("the login took %s against a deadline of 1.5 s", took)
			}
			t.Logf("after %s: %v", took.Round(time.Millisecond), err)
		})
	}
}

// TestTrickledDownloadFails: a download that trickles a byte every 100 ms
// fails once a whole window passed under the minimum speed.
func TestTrickledDownloadFails(t *testing.T) {
	root := t.TempDir()
	data := bytes.Repeat([]byte("x"), 64<<10)
	if err := os.WriteFile(filepath.Join(root, "f"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, cert := startDouble(t, ftpd.Config{Root: root, TrickleData: 100 * time.Millisecond, TrickleRetrs: 1})
	c := dialDouble(t, s, Explicit, cert, DialConfig{MinSpeed: 1024, MinSpeedTime: time.Second})
	ctx := testCtx(t)
	start := time.Now()
	r, err := c.Retr(ctx, "/f", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, r)
	r.Close()
	var se *StalledError
	if !errors.As(err, &se) || !errors.Is(err, ErrTimeout) {
		t.Fatalf("trickled download: %v, want a StalledError matching ErrTimeout", err)
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("the stall was noticed after %s, with a 1 s window", took)
	}
	if !strings.Contains(err.Error(), "1024 bytes/s") {
		t.Errorf("the error should say the minimum: %v", err)
	}
}

// TestMinSpeedAllowsSlowButSteady: a transfer that stays above the
// minimum is never cut, however long it takes in all.
func TestMinSpeedAllowsSlowButSteady(t *testing.T) {
	root := t.TempDir()
	data := bytes.Repeat([]byte("y"), 40)
	if err := os.WriteFile(filepath.Join(root, "f"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	// 20 bytes a second against a minimum of 5 a second over 500 ms:
	// the whole file takes 2 s, four windows.
	s, cert := startDouble(t, ftpd.Config{Root: root, TrickleData: 50 * time.Millisecond, TrickleRetrs: 1})
	c := dialDouble(t, s, Explicit, cert, DialConfig{MinSpeed: 5, MinSpeedTime: 500 * time.Millisecond})
	r, err := c.Retr(testCtx(t), "/f", 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("slow but steady download: %q, %v", got, err)
	}
}

func TestLoginDir(t *testing.T) {
	s, cert := startDouble(t, ftpd.Config{})
	c := dialDouble(t, s, Explicit, cert, DialConfig{})
	if got := c.LoginDir(); got != "/" {
		t.Errorf("LoginDir = %q, want /", got)
	}
	for _, c := range []struct{ msg, want string }{
		{`"/home/alice" is the current directory`, "/home/alice"},
		{`"/a ""b""/" is current`, `/a "b"`},
		{`"/x/../y"`, "/y"},
		{`/no/quotes`, "/"},
		{`"relative"`, "/"},
		{`"/unterminated`, "/"},
		{"\"/a\rb\"", "/"},
		{`""`, "/"},
		{`"C:\\x" is current`, "/"},
	} {
		if got := ParsePWD(c.msg); got != c.want {
			t.Errorf("ParsePWD(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}

func dialDouble(t *testing.T, s *ftpd.Server, enc Encryption, cert tls.Certificate, cfg DialConfig) *Conn {
	t.Helper()
	cfg.Host, cfg.Port, cfg.Encryption = "127.0.0.1", s.Port(), enc
	cfg.VerifyServer = pinnedTo(cert)
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	c, err := Dial(testCtx(t), cfg, "alice", "double-secret")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestWaitForBusyConnHonoursContext: while an operation holds a connection
// (a listing the server never sends), the next caller's wait for it ends
// with its own context, not with the stalled operation.
func TestWaitForBusyConnHonoursContext(t *testing.T) {
	release := make(chan struct{})
	s, cert := startDouble(t, ftpd.Config{Listing: func(string) []string {
		select {
		case <-release:
		case <-time.After(20 * time.Second):
		}
		return nil
	}})
	defer close(release)
	c := dialDouble(t, s, Explicit, cert, DialConfig{})
	listed := make(chan error, 1)
	go func() { _, err := c.List(testCtx(t), "/"); listed <- err }()
	deadline := time.Now().Add(5 * time.Second)
	for c.tryBegin() { // wait until the listing holds the connection
		<-c.op
		if time.Now().After(deadline) {
			t.Fatal("the listing never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Noop(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Noop behind a stalled listing: %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Noop waited %s behind the stalled listing", took)
	}
	release <- struct{}{}
	if err := <-listed; err != nil {
		t.Errorf("the listing, once released: %v", err)
	}
}

// TestPoolRedialsBrokenLogin: a connection that breaks while logging in
// (here: the first two are closed at once, as when a server's session
// process dies) is dialled again, twice at most; a refusal is not.
func TestPoolRedialsBrokenLogin(t *testing.T) {
	s, cert := startDouble(t, ftpd.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted, drop atomic.Int32
	drop.Store(2)
	go func() { // ends when the listener closes
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			if drop.Add(-1) >= 0 {
				c.Close()
				continue
			}
			go relay(c, s.Addr())
		}
	}()
	t.Cleanup(func() { ln.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	dial := func(pw string) DialFunc {
		return func(ctx context.Context) (*Conn, error) {
			return Dial(ctx, DialConfig{Host: "127.0.0.1", Port: port, Encryption: Explicit, VerifyServer: pinnedTo(cert), Timeout: 5 * time.Second}, "alice", pw)
		}
	}
	p := NewPool(dial("double-secret"), 1)
	defer p.Close()
	if _, err := p.Browse(testCtx(t)); err != nil {
		t.Fatalf("Browse after two broken logins: %v", err)
	}
	if n := accepted.Load(); n != 3 {
		t.Errorf("%d connections, want 3 (two broken, one good)", n)
	}
	q := NewPool(dial("wrong"), 1)
	defer q.Close()
	before := accepted.Load()
	if _, err := q.Browse(testCtx(t)); !errors.Is(err, ErrAuth) {
		t.Fatalf("wrong password: %v", err)
	}
	if n := accepted.Load() - before; n != 1 {
		t.Errorf("a refused login was dialled %d times, want once", n)
	}
}

// relay copies between c and a new connection to addr until either ends.
func relay(c net.Conn, addr string) {
	defer c.Close()
	u, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer u.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(u, c); done <- struct{}{} }()
	go func() { io.Copy(c, u); done <- struct{}{} }()
	<-done
}

// TestCancelBreaksConnection: cancelling an operation that the server holds
// (a listing it never sends) breaks the connection, marked by the abort
// itself, so a pool asked for it dials anew instead of handing it out.
func TestCancelBreaksConnection(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s, cert := startDouble(t, ftpd.Config{Listing: func(string) []string {
		select {
		case <-release:
		case <-time.After(20 * time.Second):
		}
		return nil
	}})
	c := dialDouble(t, s, Explicit, cert, DialConfig{})
	ctx, cancel := context.WithCancel(testCtx(t))
	listed := make(chan error, 1)
	go func() { _, err := c.List(ctx, "/"); listed <- err }()
	for deadline := time.Now().Add(5 * time.Second); c.tryBegin(); {
		<-c.op
		if time.Now().After(deadline) {
			t.Fatal("the listing never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	for deadline := time.Now().Add(time.Second); !c.Broken(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a cancelled operation's connection is not broken after 1 s")
		}
	}
	if err := <-listed; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled listing: %v", err)
	}
}

// TestRefusalsAreNotLost: a port nothing listens on is unreachable (not a
// lost connection, and not dialled again), and ftps:// to a server that
// greets in plain text says to use ftpes://.
func TestRefusalsAreNotLost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	_, err = Dial(testCtx(t), DialConfig{Host: "127.0.0.1", Port: port, Encryption: Explicit, Timeout: 5 * time.Second}, "alice", "x")
	if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrConnectionLost) {
		t.Errorf("a closed port: %v, want ErrUnreachable (and not ErrConnectionLost)", err)
	}
	s, cert := startDouble(t, ftpd.Config{}) // explicit: greets in plain text
	_, err = Dial(testCtx(t), DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: Implicit, VerifyServer: pinnedTo(cert), Timeout: 5 * time.Second}, "alice", "double-secret")
	if !errors.Is(err, ErrNotImplicit) || !strings.Contains(err.Error(), "ftpes://") {
		t.Errorf("ftps:// to an explicit server: %v, want ErrNotImplicit naming ftpes://", err)
	}
}

// TestSlowStartIsNotAStall: the minimum speed counts only time spent
// waiting on the server: a download read late (the 150 reply was slow, or
// the local side busy) is not a stall.
func TestSlowStartIsNotAStall(t *testing.T) {
	root := t.TempDir()
	data := bytes.Repeat([]byte("z"), 8<<10)
	if err := os.WriteFile(filepath.Join(root, "f"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, cert := startDouble(t, ftpd.Config{Root: root})
	c := dialDouble(t, s, Explicit, cert, DialConfig{MinSpeed: 1024, MinSpeedTime: 200 * time.Millisecond})
	r, err := c.Retr(testCtx(t), "/f", 0)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // longer than the window, reading nothing
	got, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("a download read late: %d bytes, %v", len(got), err)
	}
}
