package session_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/session"
)

// tlsVersions are the TLS versions every lab endpoint is tried with.
var tlsVersions = []struct {
	name     string
	tls12Max bool
	want     string
}{
	{"TLS1.2", true, "TLS 1.2"},
	{"TLS1.3", false, "TLS 1.3"},
}

// recorder keeps the protocol log of a test's connections.
type recorder struct {
	mu      sync.Mutex
	entries []session.Entry
}

func (r *recorder) log(e session.Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, e)
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b bytes.Buffer
	for _, e := range r.entries {
		fmt.Fprintln(&b, e)
	}
	return b.String()
}

// checkNoRetry fails the test when a data connection's handshake needed a
// HelloRetryRequest: a round trip and a key pair more on every file.
func checkNoRetry(t *testing.T, rec *recorder) {
	t.Helper()
	for i, info := range rec.dataTLS() {
		if info.Retried {
			t.Errorf("data connection %d (%s, %s): the server asked for another key exchange (HelloRetryRequest)\n%s", i+1, info.Version, info.Group, rec)
			return
		}
	}
}

// dataTLS returns the TLS handshakes of data connections seen so far.
func (r *recorder) dataTLS() []session.TLSInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []session.TLSInfo
	for _, e := range r.entries {
		if e.TLS != nil && e.TLS.Data {
			out = append(out, *e.TLS)
		}
	}
	return out
}

// pinned accepts exactly the lab server's certificate.
func pinned(s *ftpslab.Server) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if !bytes.Equal(cs.PeerCertificates[0].Raw, s.Cert.Raw) {
			return errors.New("not the lab's certificate")
		}
		return nil
	}
}

func dialLab(t *testing.T, s *ftpslab.Server, tls12Max bool, rec *recorder) *session.Conn {
	t.Helper()
	enc := session.Explicit
	if s.Kind.Implicit() {
		enc = session.Implicit
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := session.Dial(ctx, session.DialConfig{
		Host: s.Host, Port: s.Port, Encryption: enc, TLS12Max: tls12Max,
		Timeout: 15 * time.Second, VerifyServer: pinned(s), Log: rec.log,
	}, s.User, s.Password)
	if err != nil {
		t.Fatalf("dial %s: %v\nprotocol log:\n%s", s.Kind, err, rec)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestInterop logs in to every lab endpoint with TLS 1.2 and TLS 1.3, lists,
// uploads 1 MiB, downloads it and compares the bytes, and checks that every
// data connection resumed the control connection's TLS session.
func TestInterop(t *testing.T) {
	payload := make([]byte, 1<<20)
	rand.Read(payload)
	for _, kind := range ftpslab.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			srv := ftpslab.Start(t, kind)
			if err := os.WriteFile(filepath.Join(srv.Root, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, v := range tlsVersions {
				t.Run(v.name, func(t *testing.T) {
					rec := &recorder{}
					c := dialLab(t, srv, v.tls12Max, rec)
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					defer cancel()

					l, err := c.List(ctx, "/")
					if err != nil {
						t.Fatalf("list: %v\n%s", err, rec)
					}
					if !hasName(l.Entries, "hello.txt") {
						t.Fatalf("list of / lacks hello.txt: %+v", l)
					}
					name := "/up-" + v.name + ".bin"
					if err := c.Stor(ctx, name, 0, bytes.NewReader(payload)); err != nil {
						t.Fatalf("upload: %v\n%s", err, rec)
					}
					got := download(t, ctx, c, name, rec)
					if !bytes.Equal(got, payload) {
						t.Fatalf("downloaded %d bytes differ from the %d uploaded", len(got), len(payload))
					}
					onDisk, err := os.ReadFile(filepath.Join(srv.Root, name))
					if err != nil || !bytes.Equal(onDisk, payload) {
						t.Fatalf("the server's copy differs (%d bytes, %v)", len(onDisk), err)
					}
					checkResumed(t, rec, 3, v.want, resumes(kind, v.want))
					checkNoRetry(t, rec)
					if log := rec.String(); strings.Contains(log, srv.Password) || !strings.Contains(log, "→ PASS ********") {
						t.Errorf("the protocol log must show PASS masked and never the password:\n%s", log)
					}
				})
			}
		})
	}
}

// TestVsftpdTLS13Uploads uploads 20 times over TLS 1.3 to each vsftpd
// endpoint. Without the proper close of the data connection (close_notify,
// then read until the server closes) vsftpd loses the tail of some uploads
// and answers "426 Failure reading network stream".
func TestVsftpdTLS13Uploads(t *testing.T) {
	for _, kind := range []ftpslab.Kind{ftpslab.VsftpdExplicit, ftpslab.VsftpdImplicit} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			srv := ftpslab.Start(t, kind)
			rec := &recorder{}
			c := dialLab(t, srv, false, rec)
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			defer cancel()
			for i := 1; i <= 20; i++ {
				payload := make([]byte, 256<<10+i*4099) // sizes that don't line up with TLS records
				rand.Read(payload)
				name := fmt.Sprintf("/upload-%02d.bin", i)
				if err := c.Stor(ctx, name, 0, bytes.NewReader(payload)); err != nil {
					t.Fatalf("upload %d of 20: %v", i, err)
				}
				onDisk, err := os.ReadFile(filepath.Join(srv.Root, name))
				if err != nil || !bytes.Equal(onDisk, payload) {
					t.Fatalf("upload %d of 20: the server's copy differs (%d of %d bytes, %v)", i, len(onDisk), len(payload), err)
				}
			}
			checkResumed(t, rec, 20, "TLS 1.3", true)
			t.Logf("%s: 20 of 20 TLS 1.3 uploads arrived whole", kind)
		})
	}
}

func download(t *testing.T, ctx context.Context, c *session.Conn, name string, rec *recorder) []byte {
	t.Helper()
	r, err := c.Retr(ctx, name, 0)
	if err != nil {
		t.Fatalf("download: %v\n%s", err, rec)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		r.Close()
		t.Fatalf("download: %v\n%s", err, rec)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("download: %v\n%s", err, rec)
	}
	return got
}

// resumes reports whether the endpoint lets data connections resume the
// control connection's TLS session. Pure-FTPd 1.0.50 issues no TLS 1.3
// session tickets (SSL_CTX_set_num_tickets 0) and Go resumes with tickets
// only; Pure-FTPd does not require resumption, so its transfers work anyway.
func resumes(kind ftpslab.Kind, version string) bool {
	return !(kind == ftpslab.PureftpdExplicit && version == "TLS 1.3")
}

// checkResumed asserts from the protocol log that at least n data
// connections were made, all on the wanted TLS version and, when the server
// offers resumption, all resumed.
func checkResumed(t *testing.T, rec *recorder, n int, version string, wantResumed bool) {
	t.Helper()
	data := rec.dataTLS()
	if len(data) < n {
		t.Fatalf("protocol log shows %d data connections, want at least %d\n%s", len(data), n, rec)
	}
	for i, d := range data {
		if wantResumed && !d.Resumed {
			t.Errorf("data connection %d did not resume the control connection's TLS session", i+1)
		}
		if d.Version != version {
			t.Errorf("data connection %d used %s, want %s", i+1, d.Version, version)
		}
	}
}

func hasName(entries []session.FileInfo, name string) bool {
	for _, e := range entries {
		if e.Name == name {
			return true
		}
	}
	return false
}
