package session_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/session"
)

// slowReader yields size bytes, slowly enough that a loopback transfer is
// still running when the test cancels it, and counts what it gave.
type slowReader struct {
	left int64
	read atomic.Int64
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	time.Sleep(2 * time.Millisecond)
	r.left -= int64(len(p))
	r.read.Add(int64(len(p)))
	return len(p), nil
}

// TestCancelTransfer cancels a 100 MiB upload and a 100 MiB download in
// the middle: each returns within 2 s with the context's error, the pool
// tosses the aborted connection, and the next connection works.
func TestCancelTransfer(t *testing.T) {
	for _, kind := range []ftpslab.Kind{ftpslab.VsftpdExplicit, ftpslab.ProftpdImplicit} {
		t.Run(string(kind), func(t *testing.T) {
			srv := ftpslab.Start(t, kind)
			rec := &recorder{}
			enc := session.Explicit
			if kind.Implicit() {
				enc = session.Implicit
			}
			cfg := session.DialConfig{Host: srv.Host, Port: srv.Port, Encryption: enc, Timeout: 10 * time.Second,
				VerifyServer: pinned(srv), Log: rec.log}
			pool := session.NewPool(func(ctx context.Context) (*session.Conn, error) {
				return session.Dial(ctx, cfg, srv.User, srv.Password)
			}, 2)
			defer pool.Close()

			// Upload.
			ctx, cancel := context.WithCancel(context.Background())
			c, err := pool.Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			src := &slowReader{left: 100 << 20}
			done := make(chan error, 1)
			go func() { done <- c.Stor(ctx, "/big-up.bin", 0, src) }()
			waitFor(t, func() bool { return src.read.Load() > 4<<20 })
			start := time.Now()
			cancel()
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the upload did not return within 5 s of cancel")
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("upload returned %v after cancel, want under 2 s", d)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled upload returned %v, want context.Canceled", err)
			}
			if !c.Broken() {
				t.Error("an aborted connection is not marked broken")
			}
			pool.Put(&c, err)
			if c != nil {
				t.Error("Put did not nil the caller's handle")
			}

			// Download: put 100 MiB on the server and read it slowly.
			big := filepath.Join(srv.Root, "big-down.bin")
			if err := os.WriteFile(big, make([]byte, 100<<20), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel = context.WithCancel(context.Background())
			defer cancel()
			c, err = pool.Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r, err := c.Retr(ctx, "/big-down.bin", 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.CopyN(io.Discard, r, 4<<20); err != nil {
				t.Fatal(err)
			}
			start = time.Now()
			cancel()
			_, rerr := io.Copy(io.Discard, r)
			cerr := r.Close()
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("download returned %v after cancel, want under 2 s", d)
			}
			if !errors.Is(rerr, context.Canceled) && !errors.Is(cerr, context.Canceled) {
				t.Errorf("cancelled download: read %v, close %v; want context.Canceled", rerr, cerr)
			}
			pool.Put(&c, cerr)

			// The pool is still usable: a fresh connection lists.
			ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel2()
			c, err = pool.Get(ctx2)
			if err != nil {
				t.Fatalf("pool after cancel: %v", err)
			}
			l, err := c.List(ctx2, "/")
			pool.Put(&c, err)
			if err != nil {
				t.Fatalf("list after cancel: %v\n%s", err, rec)
			}
			if !hasName(l.Entries, "big-down.bin") {
				t.Errorf("listing after cancel lacks big-down.bin: %+v", l.Entries)
			}
			if pool.Idle() != 1 {
				t.Errorf("pool has %d idle connections, want 1", pool.Idle())
			}
		})
	}
}

// waitFor polls cond every 10 ms for at most 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met within 10 s")
}
