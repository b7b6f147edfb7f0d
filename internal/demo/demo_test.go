package demo

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
)

// TestDemoLoopbackOnly runs a listing, a download and an upload over both
// of the demo's servers and checks that every socket they listened on —
// control and passive data — is bound to 127.0.0.1; then that Close leaves
// nothing behind.
func TestDemoLoopbackOnly(t *testing.T) {
	var mu sync.Mutex
	var addrs []net.Addr
	d, err := Start(Options{BigFile: 3 << 20, OnListen: func(a net.Addr) { mu.Lock(); addrs = append(addrs, a); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, site := range []sites.Site{d.Site, d.Implicit} {
		cfg := site.DialConfig()
		cfg.VerifyServer = func(tls.ConnectionState) error { return nil } // the test checks sockets, not trust
		c, err := session.Dial(ctx, cfg, User, d.Password)
		if err != nil {
			t.Fatalf("%s: %v", site.Name, err)
		}
		l, err := c.List(ctx, "/Documents")
		if err != nil || len(l.Entries) != 3 {
			t.Fatalf("%s: list: %d entries, %v", site.Name, len(l.Entries), err)
		}
		r, err := c.Retr(ctx, "/Videos/holiday-video.bin", 0)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r)
		if err := r.Close(); err != nil || n != 3<<20 {
			t.Fatalf("%s: download: %d bytes, %v", site.Name, n, err)
		}
		if err := c.Stor(ctx, "/Uploads/"+site.Name+".txt", 0, strings.NewReader("hello")); err != nil {
			t.Fatalf("%s: upload: %v", site.Name, err)
		}
		c.Close()
	}
	if _, err := os.Stat(d.Local); err != nil {
		t.Fatalf("no local sample folder: %v", err)
	}
	d.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(addrs) < 2+4 {
		t.Fatalf("saw %d listeners, want the two control listeners and a passive one per transfer", len(addrs))
	}
	for _, a := range addrs {
		tcp, ok := a.(*net.TCPAddr)
		if !ok || !tcp.IP.Equal(net.IPv4(127, 0, 0, 1)) {
			t.Errorf("the demo listened on %v, not 127.0.0.1", a)
		}
	}
	if _, err := os.Stat(d.tmp); !os.IsNotExist(err) {
		t.Errorf("%s is still there after Close", d.tmp)
	}
}
