package ftpslab_test

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ferryftps/ferry/internal/ftpslab"
)

// login connects to s with a minimal client (explicit or implicit TLS, data
// connections resuming the control connection's TLS session) and logs in.
func login(t *testing.T, s *ftpslab.Server) *ftp.ServerConn {
	t.Helper()
	conf := &tls.Config{
		InsecureSkipVerify: true,
		ServerName:         "127.0.0.1",
		ClientSessionCache: tls.NewLRUClientSessionCache(1),
	}
	opts := []ftp.DialOption{ftp.DialWithTimeout(10 * time.Second)}
	if s.Kind.Implicit() {
		opts = append(opts, ftp.DialWithTLS(conf))
	} else {
		opts = append(opts, ftp.DialWithExplicitTLS(conf))
	}
	c, err := ftp.Dial(s.Addr(), opts...)
	if err != nil {
		t.Fatalf("dial %s: %v", s.Kind, err)
	}
	t.Cleanup(func() { c.Quit() })
	if err := c.Login(s.User, s.Password); err != nil {
		t.Fatalf("login %s: %v", s.Kind, err)
	}
	return c
}

func names(t *testing.T, c *ftp.ServerConn, dir string) []string {
	t.Helper()
	entries, err := c.List(dir)
	if err != nil {
		t.Fatalf("LIST %q: %v", dir, err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	return out
}

func retr(t *testing.T, c *ftp.ServerConn, name string) []byte {
	t.Helper()
	r, err := c.Retr(name)
	if err != nil {
		t.Fatalf("RETR %q: %v", name, err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("RETR %q: %v", name, err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("RETR %q: %v", name, err)
	}
	return b
}

// putFile puts a file in s.Root the way a test would, readable by the lab user.
func putFile(t *testing.T, s *ftpslab.Server, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.Root, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Without a chroot, the user logs in to Root by its real absolute path and
// "/" is the machine's root.
func TestNoChroot(t *testing.T) {
	for _, kind := range ftpslab.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			s := ftpslab.Start(t, kind, ftpslab.Options{NoChroot: true})
			real, err := filepath.EvalSymlinks(s.Root)
			if err != nil {
				t.Fatal(err)
			}
			if s.Home != real || !filepath.IsAbs(s.Home) {
				t.Fatalf("Home %q, want Root's real path %q", s.Home, real)
			}
			data := []byte("hello from " + string(kind) + "\n")
			putFile(t, s, "hello.txt", data)
			c := login(t, s)

			pwd, err := c.CurrentDir()
			if err != nil {
				t.Fatal(err)
			}
			if pwd != s.Home {
				t.Errorf("PWD %q, want Home %q", pwd, s.Home)
			}
			if got := names(t, c, ""); !slices.Contains(got, "hello.txt") {
				t.Errorf("the login folder lists %q, want hello.txt among them", got)
			}
			if got := retr(t, c, "hello.txt"); !bytes.Equal(got, data) {
				t.Errorf("RETR hello.txt: %q, want %q", got, data)
			}
			abs := path.Join(s.Home, "hello.txt")
			if got := retr(t, c, abs); !bytes.Equal(got, data) {
				t.Errorf("RETR %s: %q, want %q", abs, got, data)
			}
			if got := names(t, c, "/"); !slices.Contains(got, "etc") || !slices.Contains(got, "tmp") {
				t.Errorf("/ lists %q, want the real root (etc, tmp)", got)
			}
			if err := c.ChangeDir("/"); err != nil {
				t.Fatal(err)
			}
			if pwd, err := c.CurrentDir(); err != nil || pwd != "/" {
				t.Errorf("after CWD /: PWD %q, %v, want /", pwd, err)
			}
			if err := c.ChangeDir(s.Home); err != nil {
				t.Fatalf("CWD %s: %v", s.Home, err)
			}
			if got := names(t, c, ""); !slices.Contains(got, "hello.txt") {
				t.Errorf("CWD Home lists %q, want hello.txt among them", got)
			}
		})
	}
}

// The default lab chroots: "/" is the login folder and Home says so.
func TestChrootByDefault(t *testing.T) {
	for _, kind := range ftpslab.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			s := ftpslab.Start(t, kind)
			if s.Home != "/" {
				t.Fatalf("Home %q, want /", s.Home)
			}
			data := []byte("chrooted\n")
			putFile(t, s, "hello.txt", data)
			c := login(t, s)
			if pwd, err := c.CurrentDir(); err != nil || pwd != s.Home {
				t.Errorf("PWD %q, %v, want Home %q", pwd, err, s.Home)
			}
			if got := names(t, c, "/"); !slices.Contains(got, "hello.txt") || slices.Contains(got, "etc") {
				t.Errorf("/ lists %q, want the login folder", got)
			}
			if got := retr(t, c, "/hello.txt"); !bytes.Equal(got, data) {
				t.Errorf("RETR /hello.txt: %q, want %q", got, data)
			}
		})
	}
}

// recorder keeps the raw bytes read from the network, under TLS.
type recorder struct {
	net.Conn
	mu sync.Mutex
	b  bytes.Buffer
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	r.b.Write(p[:n])
	r.mu.Unlock()
	return n, err
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.String()
}

// rawLogin logs in to s over a bare control connection, explicit or
// implicit TLS, recording the bytes that come from the server.
func rawLogin(t *testing.T, s *ftpslab.Server) (*textproto.Conn, *recorder) {
	t.Helper()
	text, rec, err := tryRawLogin(t, s)
	if err != nil {
		t.Fatalf("login %s: %v", s.Kind, err)
	}
	return text, rec
}

func tryRawLogin(t *testing.T, s *ftpslab.Server) (*textproto.Conn, *recorder, error) {
	raw, err := net.DialTimeout("tcp", s.Addr(), 10*time.Second)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { raw.Close() })
	raw.SetDeadline(time.Now().Add(20 * time.Second))
	rec := &recorder{Conn: raw}
	conf := &tls.Config{InsecureSkipVerify: true, ServerName: "127.0.0.1"}
	var text *textproto.Conn
	if s.Kind.Implicit() {
		text = textproto.NewConn(tls.Client(rec, conf))
	} else {
		plain := textproto.NewConn(rec)
		if _, err := send(plain, "", 220); err != nil {
			return nil, nil, err
		}
		if _, err := send(plain, "AUTH TLS", 234); err != nil {
			return nil, nil, err
		}
		text = textproto.NewConn(tls.Client(rec, conf))
	}
	steps := []struct {
		cmd  string
		code int
	}{{"USER " + s.User, 331}, {"PASS " + s.Password, 230}}
	if s.Kind.Implicit() {
		if _, err := send(text, "", 220); err != nil {
			return nil, nil, err
		}
	}
	for _, st := range steps {
		if _, err := send(text, st.cmd, st.code); err != nil {
			return nil, nil, fmt.Errorf("%q: %w", st.cmd, err)
		}
	}
	return text, rec, nil
}

// send sends cmd (none when empty) and reads the reply.
func send(text *textproto.Conn, cmd string, code int) (string, error) {
	if cmd != "" {
		if err := text.PrintfLine("%s", cmd); err != nil {
			return "", err
		}
	}
	_, msg, err := text.ReadResponse(code)
	return msg, err
}

func expect(t *testing.T, text *textproto.Conn, cmd string, code int) string {
	t.Helper()
	msg, err := send(text, cmd, code)
	if err != nil {
		t.Fatalf("%q: %v", cmd, err)
	}
	return msg
}

// KillSession ends a logged-in session as a server crash would; the master
// keeps serving new logins.
func TestKillSession(t *testing.T) {
	for _, kind := range ftpslab.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			s := ftpslab.Start(t, kind)
			if pid, err := s.KillSession(); pid != 0 || err != nil {
				t.Fatalf("KillSession with no session: %d, %v, want 0, nil", pid, err)
			}
			text, rec := rawLogin(t, s)
			expect(t, text, "PWD", 257)
			sessions := s.Sessions()
			if len(sessions) != 1 {
				t.Fatalf("Sessions() = %v with one client logged in, want one pid", sessions)
			}
			pid, err := s.KillSession()
			if err != nil || pid != sessions[0] {
				t.Fatalf("KillSession: %d, %v, want %d", pid, err, sessions[0])
			}
			msg, err := send(text, "PWD", 257)
			if err == nil {
				t.Fatalf("PWD after KillSession: %q, want an error", msg)
			}
			t.Logf("%s: after killing pid %d: %v", kind, pid, err)
			if kind.Program() == "vsftpd" {
				// vsftpd's privileged parent writes its last words in
				// clear text, on the TLS connection.
				if got := rec.String(); !strings.Contains(got, "500 OOPS") {
					t.Errorf("vsftpd wrote %q after the kill, want its 500 OOPS", got[max(0, len(got)-80):])
				}
			}
			// The session's other processes end too.
			deadline := time.Now().Add(5 * time.Second)
			for len(s.Sessions()) > 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if left := s.Sessions(); len(left) > 0 {
				t.Errorf("sessions %v left after the kill", left)
			}
			// A new login works, and lists.
			putFile(t, s, "after.txt", []byte("x"))
			c := login(t, s)
			if got := names(t, c, ""); !slices.Contains(got, "after.txt") {
				t.Errorf("a new login lists %q, want after.txt", got)
			}
		})
	}
}

// KillSession is safe beside a busy client: sessions die, the master lives.
func TestKillSessionConcurrent(t *testing.T) {
	s := ftpslab.Start(t, ftpslab.VsftpdExplicit)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var killed atomic.Int32
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
			}
			if pid, err := s.KillSession(); err != nil {
				t.Errorf("KillSession: %v", err)
			} else if pid != 0 {
				killed.Add(1)
			}
		}
	}()
	for i := 0; i < 20; i++ {
		text, _, err := tryRawLogin(t, s)
		if err != nil {
			continue // killed while logging in
		}
		for j := 0; j < 20; j++ {
			if _, err := send(text, "NOOP", 200); err != nil {
				break
			}
		}
	}
	close(stop)
	wg.Wait()
	if killed.Load() == 0 {
		t.Error("no session was killed")
	}
	c := login(t, s)
	if _, err := c.CurrentDir(); err != nil {
		t.Fatalf("after the kills: %v", err)
	}
}
