package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/internal/testutil"
)

// doubleArgs are the flags and URL for a ftpdtest server.
func doubleArgs(d *ftpdtest.Double, path string) (conn []string, url string) {
	sum := sha256.Sum256(d.Cert.Certificate[0])
	return []string{"--password-stdin", "--fingerprint", "sha256:" + hex.EncodeToString(sum[:])},
		fmt.Sprintf("ftpes://%s@127.0.0.1:%d%s", ftpdtest.User, d.Port, path)
}

// TestLsStalledServer: a server that answers after its greeting with a
// byte every 2 s makes `ferry ls` fail, with the default settings, within
// 60 s and with a message that names the step and the server.
func TestLsStalledServer(t *testing.T) {
	t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
	d := ftpdtest.Start(t, ftpd.Config{Trickle: 2 * time.Second})
	conn, url := doubleArgs(d, "/")
	start := time.Now()
	code, _, stderr := run(t, d.Password+"\n", append(append([]string{"ls"}, conn...), url)...)
	took := time.Since(start)
	t.Logf("after %s: %s", took.Round(100*time.Millisecond), strings.TrimSpace(stderr))
	if code != ExitError {
		t.Fatalf("ls against a stalled server: exit %d, want %d\n%s", code, ExitError, stderr)
	}
	if took > 60*time.Second {
		t.Errorf("ls gave up after %s, want within 60 s", took)
	}
	want := fmt.Sprintf("127.0.0.1:%d", d.Port)
	if !strings.Contains(stderr, "stopped responding during login (no reply for 30 s)") || !strings.Contains(stderr, want) {
		t.Errorf("the message should name the step, the time and the server:\n%s", stderr)
	}
}

// TestGetTrickledDownload: a download that trickles fails by the minimum
// speed and is tried again (the second try is at full speed); one that
// always trickles fails, and the good file already there stays as it was.
func TestGetTrickledDownload(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 8192) // 128 KiB
	for _, c := range []struct {
		name   string
		slow   int // downloads that trickle
		wantOK bool
	}{{"retried", 1, true}, {"always slow", 100, false}} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
			d := ftpdtest.Start(t, ftpd.Config{TrickleData: 20 * time.Millisecond, TrickleRetrs: c.slow})
			if err := os.WriteFile(filepath.Join(d.Root, "report.pdf"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			down := t.TempDir()
			good := []byte("the good copy that was here before")
			os.WriteFile(filepath.Join(down, "report.pdf"), good, 0o644)
			conn, url := doubleArgs(d, "/report.pdf")
			args := append(append([]string{"get"}, conn...), "--min-speed", "8K", "--min-speed-time", "500ms",
				"--on-conflict", "overwrite", url, down)
			code, _, stderr := run(t, d.Password+"\n", args...)
			got, _ := os.ReadFile(filepath.Join(down, "report.pdf"))
			if c.wantOK {
				if code != ExitOK || !bytes.Equal(got, data) {
					t.Fatalf("a download slow once: exit %d, %d bytes\n%s", code, len(got), stderr)
				}
				return
			}
			if code != ExitError || !strings.Contains(stderr, "stalled") {
				t.Fatalf("a download always slow: exit %d\n%s", code, stderr)
			}
			if !bytes.Equal(got, good) {
				t.Fatalf("the good file was replaced by %d bytes of a stalled download", len(got))
			}
			t.Logf("%s", lastLine(stderr))
		})
	}
}

// TestHandshakeFirstServerCLI: against a server that answers LIST, RETR
// and STOR only once the data connection's TLS handshake is done, ls, get,
// put, get -r and put -r all work, explicit and implicit.
func TestHandshakeFirstServerCLI(t *testing.T) {
	t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
	for _, implicit := range []bool{false, true} {
		name := map[bool]string{false: "explicit", true: "implicit"}[implicit]
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			cert, err := ftpd.GenerateCert("127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			srv, err := ftpd.Start(ftpd.Config{Root: root, Cert: cert, User: "alice", Password: "hs-first-secret",
				Implicit: implicit, HandshakeFirst: true, HandshakeWait: 2 * time.Second, RequireReuse: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			sum := sha256.Sum256(cert.Certificate[0])
			conn := []string{"--password-stdin", "--fingerprint", "sha256:" + hex.EncodeToString(sum[:])}
			scheme := map[bool]string{false: "ftpes", true: "ftps"}[implicit]
			url := func(p string) string { return fmt.Sprintf("%s://alice@127.0.0.1:%d%s", scheme, srv.Port(), p) }
			ferry := func(args ...string) (int, string, string) {
				t.Helper()
				return run(t, "hs-first-secret\n", append(args[:1:1], append(conn, args[1:]...)...)...)
			}
			files := labTree()
			local := t.TempDir()
			testutil.WriteTree(t, local, files)
			if code, _, stderr := ferry("put", "-r", filepath.Join(local, "tree"), url("/in")); code != ExitOK {
				t.Fatalf("put -r: exit %d\n%s", code, stderr)
			}
			testutil.CompareTrees(t, "server after put -r", testutil.ReadTree(t, filepath.Join(root, "in")), files)
			if code, out, stderr := ferry("ls", url("/in/tree")); code != ExitOK || !strings.Contains(out, "zero.txt") {
				t.Fatalf("ls: exit %d\n%s%s", code, out, stderr)
			}
			single := filepath.Join(local, "tree", "Grüße und Küsse.txt")
			if code, _, stderr := ferry("put", single, url("/one")); code != ExitOK {
				t.Fatalf("put: exit %d\n%s", code, stderr)
			}
			down := t.TempDir()
			if code, _, stderr := ferry("get", url("/one/Grüße und Küsse.txt"), down); code != ExitOK {
				t.Fatalf("get: exit %d\n%s", code, stderr)
			}
			if got, _ := os.ReadFile(filepath.Join(down, "Grüße und Küsse.txt")); !bytes.Equal(got, files["tree/Grüße und Küsse.txt"]) {
				t.Fatalf("get: %q", got)
			}
			all := t.TempDir()
			if code, _, stderr := ferry("get", "-r", url("/in/tree"), all); code != ExitOK {
				t.Fatalf("get -r: exit %d\n%s", code, stderr)
			}
			testutil.CompareTrees(t, "local after get -r", testutil.ReadTree(t, all), files)
		})
	}
}

// TestLimitRate: get --limit-rate 4M cannot fetch 12 MiB in under 2.5 s,
// whatever the machine (a lower bound: the cap holds), and the file
// arrives whole.
func TestLimitRate(t *testing.T) {
	t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
	d := ftpdtest.Start(t, ftpd.Config{})
	data := bytes.Repeat([]byte("ferry limit "), 1<<20) // 12 MiB
	if err := os.WriteFile(filepath.Join(d.Root, "big.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	down := t.TempDir()
	conn, url := doubleArgs(d, "/big.bin")
	start := time.Now()
	code, _, stderr := run(t, d.Password+"\n", append(append([]string{"get"}, conn...), "--limit-rate", "4M", url, down)...)
	took := time.Since(start)
	got, _ := os.ReadFile(filepath.Join(down, "big.bin"))
	if code != ExitOK || !bytes.Equal(got, data) {
		t.Fatalf("get --limit-rate: exit %d, %d bytes\n%s", code, len(got), stderr)
	}
	if took < 2500*time.Millisecond {
		t.Errorf("12 MiB at --limit-rate 4M came in %s, want at least 2.5 s", took)
	}
	t.Logf("12 MiB in %s", took.Round(time.Millisecond))
}
