package ftpd

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

const (
	testUser = "alice"
	testPass = "s3cret-pass-word"
)

// env is one server over a fresh folder, recording the addresses of all
// the listeners it opens and its log.
type env struct {
	t      *testing.T
	parent string // holds root and files outside it
	root   string
	cert   tls.Certificate
	srv    *Server

	mu      sync.Mutex
	listens []string
	logs    []string
}

var (
	certOnce sync.Once
	certVal  tls.Certificate
	certErr  error
)

func testCert(t *testing.T) tls.Certificate {
	t.Helper()
	certOnce.Do(func() { certVal, certErr = GenerateCert("127.0.0.1", "localhost") })
	if certErr != nil {
		t.Fatal(certErr)
	}
	return certVal
}

func newEnv(t *testing.T, mutate func(*Config)) *env {
	t.Helper()
	e := &env{t: t, parent: t.TempDir(), cert: testCert(t)}
	e.root = filepath.Join(e.parent, "root")
	if err := os.Mkdir(e.root, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Root:     e.root,
		User:     testUser,
		Password: testPass,
		Cert:     e.cert,
		Log: func(s string) {
			e.mu.Lock()
			e.logs = append(e.logs, s)
			e.mu.Unlock()
		},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := start(cfg, func(a net.Addr) {
		e.mu.Lock()
		e.listens = append(e.listens, a.String())
		e.mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		e.mu.Lock()
		for _, a := range e.listens {
			if host, _, _ := net.SplitHostPort(a); host != "127.0.0.1" {
				t.Errorf("the server listened on %q, want 127.0.0.1 only", a)
			}
		}
		e.mu.Unlock()
		if t.Failed() {
			e.mu.Lock()
			defer e.mu.Unlock()
			for _, l := range e.logs {
				t.Log(l)
			}
		}
	})
	return e
}

func (e *env) logText() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.logs, "\n")
}

func (e *env) writeFile(name string, data []byte) {
	e.t.Helper()
	p := filepath.Join(e.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Chmod(p, 0o644); err != nil { // whatever the umask
		e.t.Fatal(err)
	}
}

func (e *env) readFile(name string) []byte {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.root, filepath.FromSlash(name)))
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func clientTLS(maxVersion uint16, cache bool) *tls.Config {
	c := &tls.Config{
		InsecureSkipVerify: true,
		ServerName:         "127.0.0.1",
		MinVersion:         tls.VersionTLS12,
		MaxVersion:         maxVersion,
	}
	if cache {
		c.ClientSessionCache = tls.NewLRUClientSessionCache(1)
	}
	return c
}

// dial connects with jlaffaye/ftp and logs in.
func (e *env) dial(implicit bool, cfg *tls.Config, opts ...ftp.DialOption) *ftp.ServerConn {
	e.t.Helper()
	c, err := e.dialNoLogin(implicit, cfg, opts...)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	if err := c.Login(testUser, testPass); err != nil {
		e.t.Fatalf("login: %v", err)
	}
	return c
}

func (e *env) dialNoLogin(implicit bool, cfg *tls.Config, opts ...ftp.DialOption) (*ftp.ServerConn, error) {
	o := []ftp.DialOption{ftp.DialWithTimeout(5 * time.Second)}
	switch {
	case cfg == nil:
	case implicit:
		o = append(o, ftp.DialWithTLS(cfg))
	default:
		o = append(o, ftp.DialWithExplicitTLS(cfg))
	}
	c, err := ftp.Dial(e.srv.Addr(), append(o, opts...)...)
	if err != nil {
		return nil, err
	}
	e.t.Cleanup(func() { c.Quit() })
	return c, nil
}

func randomData(n int, seed uint64) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{byte(seed)}))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func retr(t *testing.T, c *ftp.ServerConn, name string, offset uint64) []byte {
	t.Helper()
	r, err := c.RetrFrom(name, offset)
	if err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	b, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	return b
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	data := randomData(1<<20, 1)
	for _, mode := range []string{"explicit", "implicit"} {
		for _, ver := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			t.Run(mode+"/"+tls.VersionName(ver), func(t *testing.T) {
				t.Parallel()
				implicit := mode == "implicit"
				e := newEnv(t, func(c *Config) { c.Implicit = implicit; c.RequireReuse = true })
				c := e.dial(implicit, clientTLS(ver, true))

				if err := c.MakeDir("dir"); err != nil {
					t.Fatal(err)
				}
				if err := c.ChangeDir("dir"); err != nil {
					t.Fatal(err)
				}
				if wd, err := c.CurrentDir(); err != nil || wd != "/dir" {
					t.Fatalf("PWD = %q, %v", wd, err)
				}
				if err := c.Stor("big.bin", bytes.NewReader(data)); err != nil {
					t.Fatalf("STOR: %v", err)
				}
				if !bytes.Equal(e.readFile("dir/big.bin"), data) {
					t.Fatal("uploaded file differs")
				}
				if n, err := c.FileSize("big.bin"); err != nil || n != int64(len(data)) {
					t.Fatalf("SIZE = %d, %v", n, err)
				}
				entries, err := c.List("/dir")
				if err != nil {
					t.Fatalf("LIST: %v", err)
				}
				if len(entries) != 1 || entries[0].Name != "big.bin" || entries[0].Size != uint64(len(data)) || entries[0].Type != ftp.EntryTypeFile {
					t.Fatalf("LIST = %+v", entries)
				}
				if names, err := c.NameList(""); err != nil || !slices.Equal(names, []string{"big.bin"}) {
					t.Fatalf("NLST = %q, %v", names, err)
				}
				if got := retr(t, c, "big.bin", 0); !bytes.Equal(got, data) {
					t.Fatal("downloaded file differs")
				}
				// Download resume.
				if got := retr(t, c, "/dir/big.bin", 1000); !bytes.Equal(got, data[1000:]) {
					t.Fatal("resumed download differs")
				}
				// Upload resume: REST n + STOR writes from n.
				half := 300_000
				if err := c.Stor("part.bin", bytes.NewReader(data[:half])); err != nil {
					t.Fatal(err)
				}
				if err := c.StorFrom("part.bin", bytes.NewReader(data[half:]), uint64(half)); err != nil {
					t.Fatalf("STOR with REST: %v", err)
				}
				if !bytes.Equal(e.readFile("dir/part.bin"), data) {
					t.Fatal("resumed upload differs")
				}
				// REST below the size truncates there, it does not append.
				if err := c.StorFrom("part.bin", strings.NewReader("tail"), 10); err != nil {
					t.Fatal(err)
				}
				if got, want := e.readFile("dir/part.bin"), append(slices.Clone(data[:10]), "tail"...); !bytes.Equal(got, want) {
					t.Fatalf("REST 10 + STOR left %d bytes, want %d", len(got), len(want))
				}
				if err := c.Append("part.bin", strings.NewReader("+more")); err != nil {
					t.Fatal(err)
				}
				if got := e.readFile("dir/part.bin"); !bytes.HasSuffix(got, []byte("tail+more")) || len(got) != 19 {
					t.Fatalf("APPE: got %d bytes", len(got))
				}
				if err := c.Rename("part.bin", "/dir/moved.bin"); err != nil {
					t.Fatal(err)
				}
				if _, err := os.Stat(filepath.Join(e.root, "dir", "moved.bin")); err != nil {
					t.Fatal(err)
				}
				mtime := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
				if err := c.SetTime("moved.bin", mtime); err != nil {
					t.Fatalf("MFMT: %v", err)
				}
				if got, err := c.GetTime("moved.bin"); err != nil || !got.Equal(mtime) {
					t.Fatalf("MDTM = %v, %v", got, err)
				}
				if fi, err := os.Stat(filepath.Join(e.root, "dir", "moved.bin")); err != nil || !fi.ModTime().Equal(mtime) {
					t.Fatalf("mtime on disk = %v, %v", fi.ModTime(), err)
				}
				if ent, err := c.GetEntry("moved.bin"); err != nil || ent.Size != 19 || !ent.Time.Equal(mtime) {
					t.Fatalf("MLST = %+v, %v", ent, err)
				}
				if err := c.Delete("moved.bin"); err != nil {
					t.Fatal(err)
				}
				err = c.RemoveDir("/dir")
				var perr *textproto.Error
				if !errors.As(err, &perr) || perr.Code != 550 {
					t.Fatalf("RMD of a non-empty folder: %v, want 550", err)
				}
				if err := c.Delete("big.bin"); err != nil {
					t.Fatal(err)
				}
				if err := c.ChangeDirToParent(); err != nil {
					t.Fatal(err)
				}
				if err := c.RemoveDir("dir"); err != nil {
					t.Fatalf("RMD of an empty folder: %v", err)
				}
				if err := c.Quit(); err != nil {
					t.Fatal(err)
				}

				logs := e.logText()
				if strings.Contains(logs, testPass) {
					t.Error("the log contains the password")
				}
				if !strings.Contains(logs, "control TLS established: "+tls.VersionName(ver)) {
					t.Errorf("no %s control connection in the log", tls.VersionName(ver))
				}
				if !strings.Contains(logs, "data TLS established: "+tls.VersionName(ver)) || regexp.MustCompile(`data TLS.*resumed=false`).MatchString(logs) {
					t.Error("data connections did not all resume the control session")
				}
				cmds := e.srv.Commands()
				if !slices.Contains(cmds, "PASS ****") || strings.Contains(strings.Join(cmds, "\n"), testPass) {
					t.Errorf("Commands() does not mask PASS: %q", cmds)
				}
			})
		}
	}
}

func TestPlainAllowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.AllowPlain = true })
	c := e.dial(false, nil)
	if err := c.Stor("a.txt", strings.NewReader("plain")); err != nil {
		t.Fatal(err)
	}
	if got := retr(t, c, "a.txt", 0); string(got) != "plain" {
		t.Fatalf("got %q", got)
	}
}

// rawClient speaks FTP line by line for what jlaffaye/ftp cannot send.
type rawClient struct {
	t      *testing.T
	raw    net.Conn
	tp     *textproto.Conn
	tlsCfg *tls.Config
}

func rawDial(t *testing.T, e *env, implicit bool) *rawClient {
	t.Helper()
	raw, err := net.DialTimeout("tcp", e.srv.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetDeadline(time.Now().Add(15 * time.Second))
	r := &rawClient{t: t, raw: raw, tlsCfg: clientTLS(0, true)}
	var conn net.Conn = raw
	if implicit {
		conn = tls.Client(raw, r.tlsCfg)
	}
	r.tp = textproto.NewConn(conn)
	t.Cleanup(func() { raw.Close() })
	r.expect(220, "")
	return r
}

func (r *rawClient) cmd(line string) (int, string) {
	r.t.Helper()
	if err := r.tp.PrintfLine("%s", line); err != nil {
		r.t.Fatalf("send %q: %v", line, err)
	}
	return r.read()
}

func (r *rawClient) read() (int, string) {
	r.t.Helper()
	code, msg, err := r.tp.ReadResponse(0)
	if err != nil {
		r.t.Fatalf("read reply: %v", err)
	}
	return code, msg
}

// expect sends line (unless empty) and checks the reply code.
func (r *rawClient) expect(code int, line string) string {
	r.t.Helper()
	var got int
	var msg string
	if line == "" {
		got, msg = r.read()
	} else {
		got, msg = r.cmd(line)
	}
	if got != code {
		r.t.Fatalf("%q: got %d %s, want %d", line, got, msg, code)
	}
	return msg
}

func (r *rawClient) authTLS() {
	r.t.Helper()
	r.expect(234, "AUTH TLS")
	r.tp = textproto.NewConn(tls.Client(r.raw, r.tlsCfg))
}

func (r *rawClient) login() {
	r.t.Helper()
	r.expect(331, "USER "+testUser)
	r.expect(230, "PASS "+testPass)
	r.expect(200, "PBSZ 0")
	r.expect(200, "PROT P")
}

func (r *rawClient) epsv() int {
	r.t.Helper()
	msg := r.expect(229, "EPSV")
	m := regexp.MustCompile(`\(\|\|\|(\d+)\|\)`).FindStringSubmatch(msg)
	if m == nil {
		r.t.Fatalf("bad EPSV reply %q", msg)
	}
	port, _ := strconv.Atoi(m[1])
	return port
}

// dialData opens a TLS data connection from the local address from (nil:
// any).
func (r *rawClient) dialData(port int, from net.IP) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	if from != nil {
		d.LocalAddr = &net.TCPAddr{IP: from}
	}
	raw, err := d.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	raw.SetDeadline(time.Now().Add(15 * time.Second))
	r.t.Cleanup(func() { raw.Close() })
	return raw, nil
}

// list runs a listing command and returns the data exactly as received.
func (r *rawClient) list(line string) string {
	r.t.Helper()
	port := r.epsv()
	raw, err := r.dialData(port, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.expect(150, line)
	tc := tls.Client(raw, r.tlsCfg)
	b, err := io.ReadAll(tc)
	if err != nil {
		r.t.Fatalf("%s: %v", line, err)
	}
	tc.Close()
	r.expect(226, "")
	return string(b)
}

func TestRawCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	content := []byte("hello world\n")
	e.writeFile("h.txt", content)
	e.writeFile("sub/inner.txt", []byte("x"))
	r := rawDial(t, e, false)
	r.authTLS()
	r.expect(530, "CWD /")
	r.login()

	feat := r.expect(211, "FEAT")
	for _, f := range []string{"UTF8", "MLST type*;size*;modify*;UNIX.mode*;", "MLSD", "MFMT", "SIZE", "MDTM",
		"REST STREAM", "EPSV", "PASV", "TVFS", "AUTH TLS", "PBSZ", "PROT", "HASH SHA-256*;SHA-1;MD5;CRC32"} {
		if !strings.Contains(feat, "\n "+f+"\n") {
			t.Errorf("FEAT lacks %q:\n%s", f, feat)
		}
	}
	sha := sha256.Sum256(content)
	if got, want := r.expect(213, "HASH h.txt"), "SHA-256 0-12 "+hex.EncodeToString(sha[:])+" h.txt"; got != want {
		t.Errorf("HASH = %q, want %q", got, want)
	}
	r.expect(200, "OPTS HASH MD5")
	if feat := r.expect(211, "FEAT"); !strings.Contains(feat, "HASH SHA-256;SHA-1;MD5*;CRC32") {
		t.Errorf("FEAT after OPTS HASH MD5:\n%s", feat)
	}
	md := md5.Sum(content)
	if got := r.expect(213, "HASH /h.txt"); !strings.HasPrefix(got, "MD5 0-12 "+hex.EncodeToString(md[:])+" ") {
		t.Errorf("HASH (MD5) = %q", got)
	}
	r.expect(501, "OPTS HASH WHIRLPOOL")
	s1 := sha1.Sum(content)
	for cmd, want := range map[string]string{
		"XSHA256 h.txt": hex.EncodeToString(sha[:]),
		"XSHA1 h.txt":   hex.EncodeToString(s1[:]),
		"XMD5 h.txt":    hex.EncodeToString(md[:]),
		"XCRC h.txt":    fmt.Sprintf("%08x", crc32.ChecksumIEEE(content)),
	} {
		if got := r.expect(250, cmd); got != want {
			t.Errorf("%s = %q, want %q", cmd, got, want)
		}
	}
	r.expect(550, "HASH nope.txt")

	r.expect(200, "SITE CHMOD 600 h.txt")
	if fi, err := os.Stat(filepath.Join(e.root, "h.txt")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after SITE CHMOD 600: %v, %v", fi.Mode(), err)
	}
	r.expect(501, "SITE CHMOD 999 h.txt")
	r.expect(502, "SITE EXEC ls")

	r.expect(213, "MFMT 20200102030405 h.txt")
	if got := r.expect(213, "MDTM h.txt"); got != "20200102030405" {
		t.Errorf("MDTM = %q", got)
	}
	r.expect(501, "MFMT 2020 h.txt")
	if got := r.expect(213, "SIZE h.txt"); got != "12" {
		t.Errorf("SIZE = %q", got)
	}
	r.expect(550, "SIZE sub")
	if got := r.expect(250, "MLST h.txt"); !strings.Contains(got, " type=file;size=12;modify=20200102030405;UNIX.mode=0600; /h.txt") {
		t.Errorf("MLST = %q", got)
	}

	r.expect(200, "TYPE A")
	r.expect(200, "TYPE I")
	r.expect(504, "TYPE E")
	r.expect(200, "MODE S")
	r.expect(504, "MODE B")
	r.expect(200, "STRU F")
	r.expect(215, "SYST")
	r.expect(200, "NOOP")
	r.expect(200, "OPTS UTF8 ON")
	r.expect(502, "FROB")
	r.expect(502, "PORT 127,0,0,1,4,1")
	r.expect(536, "PROT C")
	r.expect(501, "REST abc")
	r.expect(211, "STAT")
	r.expect(225, "ABOR")

	r.expect(250, "CWD sub")
	if got := r.expect(257, "PWD"); got != `"/sub" is the current directory` {
		t.Errorf("PWD = %q", got)
	}
	r.expect(250, "CDUP")
	r.expect(250, "CDUP") // at the root, stays there
	r.expect(550, "CWD h.txt")
	r.expect(550, "RMD sub")   // not empty
	r.expect(550, "RMD h.txt") // not a folder
	r.expect(550, "DELE sub")  // a folder
	r.expect(503, "RNTO x")
	r.expect(350, "RNFR h.txt")
	r.expect(250, "RNTO sub/h2.txt")
	r.expect(550, "MKD sub")
	r.expect(257, "MKD new")
	r.expect(250, "RMD new")

	// Without PASV/EPSV there is no data connection.
	r.expect(425, "RETR sub/h2.txt")
	r.expect(221, "QUIT")
}

func TestRealListing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.writeFile("good.txt", []byte("12345"))
	e.writeFile(".hidden", []byte("h"))
	if err := os.WriteFile(filepath.Join(e.root, "bad\r\nname"), []byte("b"), 0o644); err != nil {
		t.Log("cannot test a name with CR/LF here:", err)
	}
	e.writeFile("dir/x", nil)
	os.Chmod(filepath.Join(e.root, "dir"), 0o755)
	dirInfo, err := os.Stat(filepath.Join(e.root, "dir"))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Date(2019, 7, 8, 9, 10, 11, 0, time.UTC)
	os.Chtimes(filepath.Join(e.root, "good.txt"), old, old)
	recent := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	os.Chtimes(filepath.Join(e.root, "dir"), recent, recent)
	// A link to a file outside Root is not listed.
	os.WriteFile(filepath.Join(e.parent, "outside"), []byte("o"), 0o644)
	os.Symlink("../outside", filepath.Join(e.root, "link"))

	r := rawDial(t, e, false)
	r.authTLS()
	r.login()

	mlsd := r.list("MLSD")
	want := "type=file;size=1;modify=" + mlsdTime(t, e, ".hidden") + ";UNIX.mode=0644; .hidden\r\n" +
		"type=dir;modify=" + recent.Format("20060102150405") + ";UNIX.mode=0755; dir\r\n" +
		"type=file;size=5;modify=20190708091011;UNIX.mode=0644; good.txt\r\n"
	if mlsd != want {
		t.Errorf("MLSD =\n%q\nwant\n%q", mlsd, want)
	}
	list := r.list("LIST")
	want = "drwxr-xr-x 1 ftp ftp " + strconv.FormatInt(dirInfo.Size(), 10) + " " + recent.Format("Jan 02 15:04") + " dir\r\n" +
		"-rw-r--r-- 1 ftp ftp 5 Jul 08  2019 good.txt\r\n"
	if list != want {
		t.Errorf("LIST =\n%q\nwant\n%q", list, want)
	}
	if got := r.list("LIST -la /"); !strings.Contains(got, " .hidden\r\n") {
		t.Errorf("LIST -la lacks .hidden:\n%s", got)
	}
	if got := r.list("NLST"); got != "dir\r\ngood.txt\r\n" {
		t.Errorf("NLST = %q", got)
	}
	if got := r.list("LIST good.txt"); got != "-rw-r--r-- 1 ftp ftp 5 Jul 08  2019 good.txt\r\n" {
		t.Errorf("LIST of a file = %q", got)
	}
	r.epsv()
	r.expect(501, "MLSD good.txt")
	r.epsv()
	r.expect(550, "MLSD nope")
}

func mlsdTime(t *testing.T, e *env, name string) string {
	fi, err := os.Stat(filepath.Join(e.root, name))
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime().UTC().Format("20060102150405")
}

func TestListingHook(t *testing.T) {
	t.Parallel()
	hostile := []string{
		"type=file;size=1;modify=20200101000000; evil\r\nname",
		"type=file;size=2;modify=20200101000000; ../../etc/passwd",
		"-rw-r--r-- 1 ftp ftp 3 Jan 02 15:04 con\x00trol",
	}
	var mu sync.Mutex
	var dirs []string
	e := newEnv(t, func(c *Config) {
		c.Listing = func(dir string) []string {
			mu.Lock()
			dirs = append(dirs, dir)
			mu.Unlock()
			return hostile
		}
	})
	r := rawDial(t, e, false)
	r.authTLS()
	r.login()
	want := strings.Join(hostile, "\r\n") + "\r\n"
	for _, cmd := range []string{"MLSD /x/../y", "LIST -a", "NLST"} {
		if got := r.list(cmd); got != want {
			t.Errorf("%s =\n%q\nwant\n%q", cmd, got, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(dirs, []string{"/y", "/", "/"}) {
		t.Errorf("hook got dirs %q", dirs)
	}
}

func TestPlainLoginRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := rawDial(t, e, false)
	r.expect(530, "USER "+testUser)
	r.expect(530, "PASS "+testPass)
	r.expect(530, "LIST")
	r.expect(503, "PROT P")
	r.expect(502, "  pass "+testPass) // malformed, still masked
	r.expect(221, "QUIT")
	if cmds := e.srv.Commands(); !slices.Equal(cmds, []string{"USER " + testUser, "PASS ****", "LIST", "PROT P", "PASS ****", "QUIT"}) {
		t.Errorf("Commands() = %q", cmds)
	}
	if strings.Contains(e.logText(), testPass) {
		t.Error("the log contains the password")
	}

	// A wrong password is refused, and the data protection must be P.
	r = rawDial(t, e, false)
	r.authTLS()
	r.expect(331, "USER "+testUser)
	r.expect(530, "PASS wrong")
	r.expect(331, "USER "+testUser)
	r.expect(230, "PASS "+testPass)
	r.epsv()
	r.expect(521, "LIST")
}

func TestRequireReuse(t *testing.T) {
	t.Parallel()
	for _, ver := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(ver), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, func(c *Config) { c.RequireReuse = true })
			noCache := e.dial(false, clientTLS(ver, false))
			_, err := noCache.List("/")
			var perr *textproto.Error
			if !errors.As(err, &perr) || perr.Code != 522 {
				t.Fatalf("LIST without a session cache: %v, want 522", err)
			}

			c := e.dial(false, clientTLS(ver, true))
			if _, err := c.List("/"); err != nil {
				t.Fatalf("LIST with a session cache: %v", err)
			}
			if err := c.Stor("f", strings.NewReader("data")); err != nil {
				t.Fatal(err)
			}
			if got := retr(t, c, "f", 0); string(got) != "data" {
				t.Fatalf("got %q", got)
			}
		})
	}
}

func TestAuthTLSReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.AuthTLSReply = "500 no" })
	_, err := e.dialNoLogin(false, clientTLS(0, true))
	if err == nil {
		t.Fatal("Dial succeeded although AUTH TLS was refused")
	}
	for _, cmd := range e.srv.Commands() {
		if strings.HasPrefix(strings.ToUpper(cmd), "USER") || strings.HasPrefix(strings.ToUpper(cmd), "PASS") {
			t.Fatalf("server received %q", cmd)
		}
	}
	if cmds := e.srv.Commands(); len(cmds) == 0 || cmds[0] != "AUTH TLS" {
		t.Fatalf("Commands() = %q", cmds)
	}
}

func TestPathEscape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	secret := filepath.Join(e.parent, "secret")
	if err := os.WriteFile(secret, []byte("top secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	hasLink := os.Symlink("../secret", filepath.Join(e.root, "link")) == nil
	e.writeFile("sub/x", []byte("x"))
	c := e.dial(false, clientTLS(0, true))
	for _, p := range []string{"../secret", "/../secret", "sub/../../secret", "../../secret", "link"} {
		r, err := c.Retr(p)
		if err == nil {
			b, _ := io.ReadAll(r)
			r.Close()
			t.Fatalf("RETR %s succeeded: %q", p, b)
		}
	}
	if err := c.ChangeDir("sub"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Retr("../../secret"); err == nil {
		t.Fatal("RETR ../../secret from /sub succeeded")
	}
	if err := c.ChangeDir("../.."); err != nil {
		t.Fatal(err)
	}
	if wd, _ := c.CurrentDir(); wd != "/" {
		t.Fatalf("CWD ../.. from /sub went to %q", wd)
	}
	if _, err := c.FileSize("../secret"); err == nil {
		t.Fatal("SIZE ../secret succeeded")
	}
	if err := c.Stor("../escaped.txt", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e.parent, "escaped.txt")); err == nil {
		t.Fatal("STOR ../escaped.txt wrote outside Root")
	}
	if _, err := os.Stat(filepath.Join(e.root, "escaped.txt")); err != nil {
		t.Fatal("STOR ../escaped.txt should land in Root:", err)
	}
	if err := c.Rename("/sub/x", "../moved"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e.parent, "moved")); err == nil {
		t.Fatal("RNTO ../moved wrote outside Root")
	}
	if err := c.Delete("link"); hasLink && err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(secret); err != nil || string(b) != "top secret" {
		t.Fatalf("secret changed: %q, %v", b, err)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	data := randomData(1<<20, 2)
	t.Run("cut", func(t *testing.T) {
		t.Parallel()
		f := &Faults{Rate: 1, CutAfter: 1000, Seed: 7}
		e := newEnv(t, func(c *Config) { c.Faults = f })
		e.writeFile("big.bin", data)
		c := e.dial(false, clientTLS(0, true))

		r, err := c.Retr("big.bin")
		if err != nil {
			t.Fatal(err)
		}
		got, rerr := io.ReadAll(r)
		cerr := r.Close()
		if rerr == nil && cerr == nil {
			t.Fatal("a cut download reported success")
		}
		if len(got) > 1000 {
			t.Fatalf("received %d bytes, cut was at most 1000", len(got))
		}
		if err := c.Stor("up.bin", bytes.NewReader(data)); err == nil {
			t.Fatal("a cut upload reported success")
		}
		if n := len(e.readFile("up.bin")); n > 1000 {
			t.Fatalf("server kept %d bytes, cut was at most 1000", n)
		}
		if f.Cuts() != 2 {
			t.Fatalf("Cuts() = %d, want 2", f.Cuts())
		}
		if err := c.NoOp(); err != nil {
			t.Fatalf("control connection unusable after a cut: %v", err)
		}
	})
	t.Run("drop control", func(t *testing.T) {
		t.Parallel()
		f := &Faults{Rate: 1, CutAfter: 5000, Seed: 8, DropControl: true}
		e := newEnv(t, func(c *Config) { c.Faults = f })
		e.writeFile("big.bin", data)
		c := e.dial(false, clientTLS(0, true))
		r, err := c.Retr("big.bin")
		if err != nil {
			t.Fatal(err)
		}
		_, rerr := io.ReadAll(r)
		cerr := r.Close()
		if rerr == nil && cerr == nil {
			t.Fatal("a cut download reported success")
		}
		if err := c.NoOp(); err == nil {
			t.Fatal("control connection still works after DropControl")
		}
		if f.Cuts() != 1 {
			t.Fatalf("Cuts() = %d, want 1", f.Cuts())
		}
	})
	t.Run("rate 0", func(t *testing.T) {
		t.Parallel()
		f := &Faults{Rate: 0, CutAfter: 10}
		e := newEnv(t, func(c *Config) { c.Faults = f })
		c := e.dial(false, clientTLS(0, true))
		if err := c.Stor("x", bytes.NewReader(data[:5000])); err != nil {
			t.Fatal(err)
		}
		if f.Cuts() != 0 {
			t.Fatalf("Cuts() = %d", f.Cuts())
		}
	})
}

// An upload ends at the client's close_notify (the server then closes at
// once, so a client doing the three-step close of DESIGN.md never waits),
// or at a plain TCP FIN on a record boundary.
func TestUploadEnd(t *testing.T) {
	t.Parallel()
	for _, ver := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(ver), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			r := rawDial(t, e, false)
			r.tlsCfg = clientTLS(ver, true)
			r.authTLS()
			r.login()
			data := randomData(200_000, 4)

			// close_notify, read until the server closes, close.
			raw, err := r.dialData(r.epsv(), nil)
			if err != nil {
				t.Fatal(err)
			}
			r.expect(150, "STOR a.bin")
			tc := tls.Client(raw, r.tlsCfg)
			if _, err := tc.Write(data); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := tc.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			raw.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, err := io.Copy(io.Discard, tc); err != nil {
				t.Fatalf("reading until the server closes: %v", err)
			}
			raw.Close()
			r.expect(226, "")
			if d := time.Since(start); d > time.Second {
				t.Errorf("closing the upload took %v", d)
			}
			if !bytes.Equal(e.readFile("a.bin"), data) {
				t.Fatal("upload differs")
			}

			// A TCP FIN without close_notify also ends the upload.
			raw, err = r.dialData(r.epsv(), nil)
			if err != nil {
				t.Fatal(err)
			}
			r.expect(150, "STOR b.bin")
			tc = tls.Client(raw, r.tlsCfg)
			if _, err := tc.Write(data); err != nil {
				t.Fatal(err)
			}
			raw.(*net.TCPConn).CloseWrite()
			r.expect(226, "")
			if !bytes.Equal(e.readFile("b.bin"), data) {
				t.Fatal("upload differs")
			}
		})
	}
}

// An upload ended by a TCP reset is a failure, not a complete file.
func TestUploadResetIs426(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := rawDial(t, e, false)
	r.authTLS()
	r.login()
	port := r.epsv()
	raw, err := r.dialData(port, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.expect(150, "STOR reset.bin")
	tc := tls.Client(raw, r.tlsCfg)
	if _, err := tc.Write(randomData(100_000, 3)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	hardClose(raw)
	r.expect(426, "")
	r.expect(200, "NOOP")
}

func TestAbortDuringDownload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	f, err := os.Create(filepath.Join(e.root, "huge.bin"))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(256 << 20) // sparse: far more than the socket buffers hold
	f.Close()
	r := rawDial(t, e, false)
	r.authTLS()
	r.login()
	port := r.epsv()
	raw, err := r.dialData(port, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.expect(150, "RETR huge.bin")
	tc := tls.Client(raw, r.tlsCfg)
	if _, err := io.ReadFull(tc, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	r.expect(426, "ABOR")
	r.expect(226, "")
	r.expect(200, "NOOP")
	if cmds := e.srv.Commands(); !slices.Contains(cmds, "ABOR") {
		t.Errorf("Commands() lacks ABOR: %q", cmds)
	}
}

func TestForeignDataConnectionRefused(t *testing.T) {
	t.Parallel()
	if probe, err := net.Listen("tcp", "127.0.0.2:0"); err != nil {
		t.Skip("127.0.0.2 is not usable here:", err)
	} else {
		probe.Close()
	}
	e := newEnv(t, nil)
	r := rawDial(t, e, false)
	r.authTLS()
	r.login()
	port := r.epsv()
	foreign, err := r.dialData(port, net.IPv4(127, 0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	foreign.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := foreign.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("data connection from 127.0.0.2 was not closed: %v", err)
	}
	// The listener still waits for the right client.
	raw, err := r.dialData(port, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.expect(150, "NLST")
	tc := tls.Client(raw, r.tlsCfg)
	if _, err := io.ReadAll(tc); err != nil {
		t.Fatal(err)
	}
	r.expect(226, "")
	if !strings.Contains(e.logText(), "refused data connection from 127.0.0.2") {
		t.Error("the refusal was not logged")
	}
}

func TestListenersBindLoopback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, epsv := range []bool{true, false} {
		c := e.dial(false, clientTLS(0, true), ftp.DialWithDisabledEPSV(!epsv))
		if err := c.Stor("f.txt", strings.NewReader("abc")); err != nil {
			t.Fatal(err)
		}
		if _, err := c.List("/"); err != nil {
			t.Fatal(err)
		}
		retr(t, c, "f.txt", 0)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.listens) != 7 { // control + 3 data listeners per client
		t.Errorf("recorded %d listeners, want 7: %q", len(e.listens), e.listens)
	}
	for _, a := range e.listens {
		host, _, err := net.SplitHostPort(a)
		if err != nil || host != "127.0.0.1" {
			t.Errorf("listener on %q, want 127.0.0.1", a)
		}
	}
	if !slices.Contains(e.srv.Commands(), "PASV") || !slices.Contains(e.srv.Commands(), "EPSV") {
		t.Error("both PASV and EPSV should have been used")
	}
}

func TestDataCert(t *testing.T) {
	t.Parallel()
	other, err := GenerateCert("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.DataCert = &other })
	var mu sync.Mutex
	var leaves [][]byte
	cfg := clientTLS(0, true)
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		mu.Lock()
		leaves = append(leaves, cs.PeerCertificates[0].Raw)
		mu.Unlock()
		return nil
	}
	c := e.dial(false, cfg)
	if _, err := c.List("/"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(leaves) != 2 || !bytes.Equal(leaves[0], e.cert.Certificate[0]) || !bytes.Equal(leaves[1], other.Certificate[0]) {
		t.Fatalf("got %d leaves; want control = Cert, data = DataCert", len(leaves))
	}
}

func TestIdleTimeoutAndMaxConns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.IdleTimeout = 300 * time.Millisecond; c.MaxConns = 1 })
	r := rawDial(t, e, false)
	// Over MaxConns.
	over, err := net.Dial("tcp", e.srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	over.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := textproto.NewReader(bufio.NewReader(over)).ReadLine()
	if err != nil || line != "421 Too many connections" {
		t.Fatalf("over MaxConns: %q, %v", line, err)
	}
	start := time.Now()
	r.expect(421, "")
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("idle timeout took %v", d)
	}
}

func TestImplicitMaxConns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Implicit = true; c.MaxConns = 1 })
	r := rawDial(t, e, true)
	r.expect(200, "NOOP")
	over, err := tls.Dial("tcp", e.srv.Addr(), clientTLS(0, false))
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	over.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := textproto.NewReader(bufio.NewReader(over)).ReadLine()
	if err != nil || line != "421 Too many connections" {
		t.Fatalf("over MaxConns: %q, %v", line, err)
	}
}

func TestGenerateCert(t *testing.T) {
	t.Parallel()
	c, err := GenerateCert("127.0.0.1", "ftp.example.com", "::1")
	if err != nil {
		t.Fatal(err)
	}
	l := c.Leaf
	if l.Subject.CommonName != "127.0.0.1" || !slices.Equal(l.DNSNames, []string{"ftp.example.com"}) || len(l.IPAddresses) != 2 {
		t.Fatalf("names: CN %q DNS %q IP %v", l.Subject.CommonName, l.DNSNames, l.IPAddresses)
	}
	if err := l.VerifyHostname("ftp.example.com"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if d := now.Sub(l.NotBefore); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("NotBefore %v", l.NotBefore)
	}
	if d := l.NotAfter.Sub(now); d < 30*24*time.Hour-time.Minute || d > 30*24*time.Hour+time.Minute {
		t.Errorf("NotAfter %v", l.NotAfter)
	}
	if k, ok := c.PrivateKey.(*ecdsa.PrivateKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("key %T", c.PrivateKey)
	}
	if _, err := GenerateCert(""); err == nil {
		t.Error("empty host accepted")
	}
}

// Close ends every goroutine, even with sessions idle, waiting for a data
// connection, or blocked in a transfer.
func TestCloseEndsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	e := &env{t: t, parent: t.TempDir(), cert: testCert(t)}
	e.root = e.parent
	f, err := os.Create(filepath.Join(e.root, "huge.bin"))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(256 << 20)
	f.Close()
	srv, err := Start(Config{Root: e.root, User: testUser, Password: testPass, Cert: e.cert})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv

	idle := rawDial(t, e, false)
	idle.authTLS()
	idle.login()

	pasv := rawDial(t, e, false)
	pasv.authTLS()
	pasv.login()
	pasv.epsv()

	busy := rawDial(t, e, false)
	busy.authTLS()
	busy.login()
	port := busy.epsv()
	raw, err := busy.dialData(port, nil)
	if err != nil {
		t.Fatal(err)
	}
	busy.expect(150, "RETR huge.bin")
	tc := tls.Client(raw, busy.tlsCfg)
	if _, err := io.ReadFull(tc, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}

	if n := runtime.NumGoroutine(); n < before+6 {
		t.Fatalf("only %d goroutines with three sessions (%d before)", n, before)
	}
	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines before Start, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
