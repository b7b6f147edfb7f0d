package session

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/trust"
)

// Tests against the in-process server double: behaviour that real servers
// cannot be made to show on demand.

func startDouble(t *testing.T, cfg ftpd.Config) (*ftpd.Server, tls.Certificate) {
	t.Helper()
	if cfg.Root == "" {
		cfg.Root = t.TempDir()
	}
	cert, err := ftpd.GenerateCert("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Cert.Certificate) == 0 {
		cfg.Cert = cert
	}
	if cfg.User == "" {
		cfg.User, cfg.Password = "alice", "double-secret"
	}
	s, err := ftpd.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, cfg.Cert
}

func pinnedTo(cert tls.Certificate) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if !bytes.Equal(cs.PeerCertificates[0].Raw, cert.Certificate[0]) {
			return errors.New("not the pinned certificate")
		}
		return nil
	}
}

func TestAuthTLSRefusedSendsNothing(t *testing.T) {
	s, cert := startDouble(t, ftpd.Config{AuthTLSReply: "500 AUTH not understood"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Dial(ctx, DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: Explicit, VerifyServer: pinnedTo(cert)}, "alice", "double-secret")
	if !errors.Is(err, ErrTLSRequired) {
		t.Fatalf("AUTH TLS refused: %v, want ErrTLSRequired", err)
	}
	for _, cmd := range s.Commands() {
		if strings.HasPrefix(strings.ToUpper(cmd), "USER") || strings.HasPrefix(strings.ToUpper(cmd), "PASS") {
			t.Fatalf("the server received %q after refusing TLS; commands: %q", cmd, s.Commands())
		}
	}
	if !strings.Contains(err.Error(), "ftps://") {
		t.Errorf("the error should suggest implicit FTPS: %v", err)
	}
}

func TestUntrustedCertificateSendsNoCredentials(t *testing.T) {
	for _, enc := range []Encryption{Explicit, Implicit} {
		t.Run(enc.String(), func(t *testing.T) {
			s, _ := startDouble(t, ftpd.Config{Implicit: enc == Implicit})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			policy := &trust.Policy{Store: nil}
			_, err := Dial(ctx, DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: enc,
				VerifyServer: policy.Verifier("127.0.0.1", s.Port())}, "alice", "double-secret")
			if !errors.Is(err, trust.ErrCertUntrusted) {
				t.Fatalf("self-signed: %v, want ErrCertUntrusted", err)
			}
			for _, cmd := range s.Commands() {
				if strings.HasPrefix(strings.ToUpper(cmd), "USER") || strings.HasPrefix(strings.ToUpper(cmd), "PASS") {
					t.Fatalf("credentials reached a server whose certificate was not trusted: %q", s.Commands())
				}
			}
		})
	}
}

func TestDataCertificateMustMatch(t *testing.T) {
	other, err := ftpd.GenerateCert("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "f.txt"), []byte("data"), 0o644)
	s, cert := startDouble(t, ftpd.Config{Root: root, DataCert: &other})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: Explicit, VerifyServer: pinnedTo(cert)}, "alice", "double-secret")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.List(ctx, "/"); !errors.Is(err, ErrDataCertMismatch) {
		t.Errorf("listing over a data connection with another certificate: %v, want ErrDataCertMismatch", err)
	}
	r, err := c.Retr(ctx, "/f.txt", 0)
	if err == nil {
		_, err = r.Read(make([]byte, 10))
		r.Close()
	}
	if err == nil {
		t.Error("a download over a data connection with another certificate succeeded")
	}
}

// TestPoolRedialsAfterIdleClose: the server closes idle connections (421);
// the pool notices and dials again without the caller seeing an error.
func TestPoolRedialsAfterIdleClose(t *testing.T) {
	s, cert := startDouble(t, ftpd.Config{IdleTimeout: 300 * time.Millisecond})
	dials := 0
	dial := func(ctx context.Context) (*Conn, error) {
		dials++
		return Dial(ctx, DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: Explicit, VerifyServer: pinnedTo(cert)}, "alice", "double-secret")
	}
	p := newPool(dial, 2, time.Minute, time.Minute, 100*time.Millisecond)
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	b, err := p.Browse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.List(ctx, "/"); err != nil {
		t.Fatal(err)
	}
	c, err := p.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Put(&c, nil)
	time.Sleep(600 * time.Millisecond) // past the server's idle timeout

	b2, err := p.Browse(ctx)
	if err != nil {
		t.Fatalf("browse after the server closed the idle connection: %v", err)
	}
	if b2 == b {
		t.Error("the dead browse connection was handed out again")
	}
	if _, err := b2.List(ctx, "/"); err != nil {
		t.Fatalf("list on the redialled browse connection: %v", err)
	}
	c, err = p.Get(ctx)
	if err != nil {
		t.Fatalf("get after the server closed the idle connection: %v", err)
	}
	if _, err := c.List(ctx, "/"); err != nil {
		t.Fatalf("list on the redialled transfer connection: %v", err)
	}
	p.Put(&c, nil)
	if dials != 4 {
		t.Errorf("%d dials, want 4 (browse and transfer, each twice)", dials)
	}
}

// TestPoolSlotsHonourContext: with every slot taken, Get waits and gives up
// when its context ends; Put after a network error tosses the connection.
func TestPoolSlotsHonourContext(t *testing.T) {
	s, cert := startDouble(t, ftpd.Config{})
	p := NewPool(func(ctx context.Context) (*Conn, error) {
		return Dial(ctx, DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: Explicit, VerifyServer: pinnedTo(cert)}, "alice", "double-secret")
	}, 1)
	defer p.Close()
	ctx := context.Background()
	c, err := p.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := p.Get(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get with every slot taken: %v, want context.DeadlineExceeded", err)
	}
	p.Put(&c, nil)
	if p.Idle() != 1 {
		t.Fatalf("idle = %d after a clean Put, want 1", p.Idle())
	}
	c, err = p.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Put(&c, &Error{Op: "upload", Kind: ErrConnectionLost, Err: errors.New("reset")})
	if p.Idle() != 0 {
		t.Fatalf("idle = %d after Put with a network error, want 0 (tossed)", p.Idle())
	}
	// A server reply error keeps the connection.
	c, err = p.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Delete(ctx, "/no-such-file")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete of a missing file: %v", err)
	}
	p.Put(&c, err)
	if p.Idle() != 1 {
		t.Fatalf("idle = %d after Put with a 550, want 1 (kept)", p.Idle())
	}
}

// TestListReportsUnreadableLines: lines the parser cannot read come back
// in Listing.Unreadable instead of vanishing.
func TestListReportsUnreadableLines(t *testing.T) {
	lines := []string{
		"total 3",
		"-rw-r--r-- 1 ftp ftp 1234 Jan 02 15:04 good.txt",
		"this is not a listing line",
		"drwxr-x--- 2 ftp ftp 4096 Mar 01  2020 folder",
		"lrwxrwxrwx 1 ftp ftp 8 Jan 02 15:04 link -> good.txt",
		"?????",
	}
	s, cert := startDouble(t, ftpd.Config{Listing: func(string) []string { return lines }})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, DialConfig{Host: "127.0.0.1", Port: s.Port(), Encryption: Explicit, VerifyServer: pinnedTo(cert)}, "alice", "double-secret")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The double advertises MLST, so jlaffaye/ftp asks MLSD, whose parser
	// reads none of these ls-style lines: all but "total" are reported.
	l, err := c.List(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries)+len(l.Unreadable) != 5 {
		t.Fatalf("entries %+v and unreadable %q: want 5 lines accounted for", l.Entries, l.Unreadable)
	}
	for _, u := range l.Unreadable {
		if u == "total 3" {
			t.Error("the total line is reported as unreadable")
		}
	}
	found := false
	for _, u := range l.Unreadable {
		found = found || u == "this is not a listing line"
	}
	if !found {
		t.Errorf("the garbage line was not reported: %q", l.Unreadable)
	}
}

func TestBuildListingLS(t *testing.T) {
	raw := "total 3\r\n-rw-r--r-- 1 ftp ftp 1234 Jan 02 15:04 good.txt\r\nnot a line\r\ndrwxr-x--- 2 ftp ftp 4096 Mar 01  2020 folder\r\nlrwxrwxrwx 1 ftp ftp 8 Jan 02 15:04 link -> good.txt\r\n"
	// What jlaffaye/ftp's LIST parser makes of raw: the garbage and total
	// lines dropped.
	entries := []*ftp.Entry{
		{Name: "good.txt", Size: 1234, Type: ftp.EntryTypeFile},
		{Name: "folder", Size: 4096, Type: ftp.EntryTypeFolder},
		{Name: "link", Size: 8, Type: ftp.EntryTypeLink, Target: "good.txt"},
	}
	l := buildListing(entries, []byte(raw))
	if len(l.Entries) != 3 || len(l.Unreadable) != 1 || l.Unreadable[0] != "not a line" {
		t.Fatalf("entries %+v, unreadable %q", l.Entries, l.Unreadable)
	}
	want := map[string]string{"good.txt": "rw-r--r--", "folder": "rwxr-x---", "link": "rwxrwxrwx"}
	for _, e := range l.Entries {
		if e.Perm != want[e.Name] {
			t.Errorf("%s: perm %q, want %q", e.Name, e.Perm, want[e.Name])
		}
	}
}
