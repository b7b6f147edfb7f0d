package ftpslab_test

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ferryftps/ferry/internal/ftpslab"
)

// dialAt logs in to the lab server s at addr (a delayed path or the server
// itself), with PASV instead of EPSV when pasv is set. It speaks TLS 1.2:
// a bare jlaffaye/ftp client closes a TLS 1.3 upload with vsftpd's session
// ticket unread, so the kernel sends a reset and vsftpd may lose the tail
// ("426 Failure reading network stream", DESIGN.md); the delay proxy passes
// that reset on faithfully. Ferry's own close is tested elsewhere.
func dialAt(t *testing.T, s *ftpslab.Server, addr, host string, pasv bool) *ftp.ServerConn {
	t.Helper()
	conf := &tls.Config{InsecureSkipVerify: true, ServerName: host, ClientSessionCache: tls.NewLRUClientSessionCache(1),
		MaxVersion: tls.VersionTLS12}
	c, err := ftp.Dial(addr, ftp.DialWithTimeout(10*time.Second), ftp.DialWithExplicitTLS(conf), ftp.DialWithDisabledEPSV(pasv))
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Quit() })
	if err := c.Login(s.User, s.Password); err != nil {
		t.Fatalf("login: %v", err)
	}
	return c
}

// TestDelayVsftpd: through the delay proxy a command's reply takes at least
// the round trip, and files go down and up intact over EPSV and PASV data
// connections (which the proxy must carry too).
func TestDelayVsftpd(t *testing.T) {
	const oneWay = 20 * time.Millisecond
	s := ftpslab.Start(t, ftpslab.VsftpdExplicit, ftpslab.Options{PasvAddress: ftpslab.DelayHost})
	d := ftpslab.StartDelay(t, s, oneWay)
	data := make([]byte, 3<<20)
	rand.Read(data)
	if err := os.WriteFile(filepath.Join(s.Root, "f.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, pasv := range []bool{false, true} {
		c := dialAt(t, s, d.Addr(), d.Host, pasv)
		start := time.Now()
		if err := c.NoOp(); err != nil {
			t.Fatal(err)
		}
		if rtt := time.Since(start); rtt < 2*oneWay {
			t.Errorf("NOOP answered in %s, want at least %s", rtt, 2*oneWay)
		}
		r, err := c.Retr("f.bin")
		if err != nil {
			t.Fatalf("RETR (pasv %v): %v", pasv, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("RETR (pasv %v): %d bytes, %v; want the %d bytes intact", pasv, len(got), err, len(data))
		}
		name := "up-epsv.bin"
		if pasv {
			name = "up-pasv.bin"
		}
		if err := c.Stor(name, bytes.NewReader(data)); err != nil {
			t.Fatalf("STOR (pasv %v): %v", pasv, err)
		}
		up, err := os.ReadFile(filepath.Join(s.Root, name))
		if err != nil || !bytes.Equal(up, data) {
			t.Fatalf("STOR (pasv %v): the server holds %d bytes (%v), want the %d sent", pasv, len(up), err, len(data))
		}
	}
}

// TestMaxRate: a capped vsftpd cannot send a file faster than its cap (a
// lower bound, so a slow machine cannot fail it).
func TestMaxRate(t *testing.T) {
	const rate = 4 << 20
	s := ftpslab.Start(t, ftpslab.VsftpdExplicit, ftpslab.Options{MaxRate: rate})
	data := make([]byte, 6<<20)
	if err := os.WriteFile(filepath.Join(s.Root, "f.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	c := dialAt(t, s, s.Addr(), s.Host, false)
	start := time.Now()
	r, err := c.Retr("f.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	r.Close()
	if err != nil || n != int64(len(data)) {
		t.Fatalf("RETR: %d bytes, %v", n, err)
	}
	// 6 MiB at 4 MiB/s: 1.5 s; allow the first second's burst.
	if took := time.Since(start); took < time.Second {
		t.Errorf("6 MiB at a cap of 4 MiB/s came in %s, want at least 1 s", took)
	}
}
