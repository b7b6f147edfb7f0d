//go:build smoke && wine

package smoke

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
)

// The Windows build, tried under Wine on this machine: the exe is
// cross-compiled with mingw-w64 (cgo, for Fyne) and run in a Wine prefix of
// the test's own. scripts/wine.sh runs these tests (go test -tags 'smoke
// wine'); make test calls it.

// winExes builds ferry.exe (the app: no console window) and ferry-cli.exe
// (the same program linked as a console program, for the terminal) once.
var winExes = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "ferry-wine-bin-")
	if err != nil {
		return "", err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = "/usr/local/go/bin/go"
	}
	for _, b := range []struct{ out, ldflags string }{{"ferry.exe", "-H windowsgui"}, {"ferry-cli.exe", ""}} {
		cmd := exec.Command(goTool, "build", "-ldflags", b.ldflags, "-o", filepath.Join(dir, b.out), ".")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOOS=windows", "GOARCH=amd64", "CC=x86_64-w64-mingw32-gcc")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("cross-building %s: %v\n%s", b.out, err, out)
		}
	}
	return dir, nil
})

// wine is a Wine prefix of the test's own, with the ProcessPrng shim.
type wine struct {
	t      *testing.T
	prefix string
	exes   string
	env    []string
}

func newWine(t *testing.T) *wine {
	t.Helper()
	for _, tool := range []string{"wine", "wineboot", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (CI=true: a failure): run make test", tool)
			}
			t.Skipf("%s is missing: run make test", tool)
		}
	}
	start := time.Now()
	exes, err := winExes()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cross-built ferry.exe and ferry-cli.exe in %s", time.Since(start).Round(time.Second))
	w := &wine{t: t, prefix: t.TempDir(), exes: exes}
	w.env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=", "WINEARCH=win64")
	boot := exec.Command("wineboot", "--init")
	boot.Env = w.env
	if out, err := boot.CombinedOutput(); err != nil {
		t.Fatalf("wineboot: %v\n%s", err, out)
	}
	w.wait("wineserver", "-w")
	sys32 := filepath.Join(w.prefix, "drive_c", "windows", "system32")
	root, _ := repoRoot()
	cc := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-o", filepath.Join(sys32, "bcryptprimitives.dll"),
		filepath.Join(root, "internal", "smoke", "testdata", "processprng.c"), "-ladvapi32")
	if out, err := cc.CombinedOutput(); err != nil {
		t.Fatalf("building the ProcessPrng shim: %v\n%s", err, out)
	}
	t.Logf("Wine prefix ready in %s", time.Since(start).Round(time.Second))
	t.Cleanup(func() { w.wait("wineserver", "-k") })
	return w
}

func (w *wine) wait(args ...string) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = w.env
	cmd.Run()
}

// winPath is a Linux path as Wine's programs see it (drive Z: is /).
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// cli runs ferry-cli.exe with args and stdin, bounded by a minute.
func (w *wine) cli(stdin string, env []string, args ...string) (code int, stdout, stderr string) {
	w.t.Helper()
	cmd := exec.Command("timeout", append([]string{"120", "wine", filepath.Join(w.exes, "ferry-cli.exe")}, args...)...)
	cmd.Env = append(append([]string{}, w.env...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("wine ferry-cli.exe %v: %v", args, err)
	}
	return code, strings.ReplaceAll(out.String(), "\r\n", "\n"), strings.ReplaceAll(errb.String(), "\r\n", "\n")
}

func TestWineCLI(t *testing.T) {
	w := newWine(t)
	config := t.TempDir()
	env := []string{"FERRY_CONFIG_DIR=" + winPath(config)}
	if code, out, errs := w.cli("", env, "version"); code != 0 || !strings.HasPrefix(out, "ferry ") {
		t.Fatalf("ferry-cli.exe version: exit %d, %q %q", code, out, errs)
	}

	files := testutil.Tree{"tree/": nil, "tree/a/": nil, "tree/a/b/": nil, "tree/empty/": nil, "tree/zero.txt": {},
		"tree/Grüße.txt": []byte("hallo\n"), "tree/a/one.bin": bytes.Repeat([]byte{1}, 70_000), "tree/a/b/two.bin": bytes.Repeat([]byte{2}, 3000)}
	for _, kind := range []ftpslab.Kind{ftpslab.VsftpdExplicit, ftpslab.VsftpdImplicit, ftpslab.ProftpdExplicit, ftpslab.ProftpdImplicit} {
		t.Run(string(kind), func(t *testing.T) {
			srv := ftpslab.Start(t, kind, ftpslab.Options{NoChroot: true})
			url := labURL(srv)
			flags := []string{"--password-stdin", "--fingerprint", srv.FingerprintFlag()}
			local := t.TempDir()
			testutil.WriteTree(t, local, files)
			args := append(append([]string{"put"}, flags...), "-r", winPath(filepath.Join(local, "tree")), url+"/up")
			if code, _, errs := w.cli(srv.Password+"\n", env, args...); code != 0 {
				t.Fatalf("put -r: exit %d\n%s", code, errs)
			}
			testutil.CompareTrees(t, "the server after put -r", testutil.ReadTree(t, filepath.Join(srv.Root, "up")), files)
			down := t.TempDir()
			args = append(append([]string{"get"}, flags...), "-r", url+"/up/tree", winPath(down))
			if code, _, errs := w.cli(srv.Password+"\n", env, args...); code != 0 {
				t.Fatalf("get -r: exit %d\n%s", code, errs)
			}
			testutil.CompareTrees(t, "this computer after get -r", testutil.ReadTree(t, down), files)
			if code, out, errs := w.cli(srv.Password+"\n", env, append(append([]string{"ls"}, flags...), url+"/up/tree")...); code != 0 || !strings.Contains(out, "zero.txt") {
				t.Fatalf("ls: exit %d\n%s%s", code, out, errs)
			}
		})
	}

	t.Run("Credential Manager", func(t *testing.T) {
		srv := ftpslab.Start(t, ftpslab.VsftpdExplicit)
		if code, _, errs := w.cli(srv.Password+"\n", env, "sites", "add", "Lab", labURL(srv), "--password-stdin"); code != 0 {
			t.Fatalf("sites add: exit %d\n%s", code, errs)
		}
		flags := []string{"--fingerprint", srv.FingerprintFlag()}
		os.WriteFile(filepath.Join(srv.Root, "from-the-keyring.txt"), []byte("x"), 0o644)
		code, out, errs := w.cli("", env, append(append([]string{"ls"}, flags...), "site:Lab")...)
		if code != 0 || !strings.Contains(out, "from-the-keyring.txt") {
			t.Fatalf("ls site:Lab with the password from Credential Manager: exit %d\n%s%s", code, out, errs)
		}
		if sites, _ := os.ReadFile(filepath.Join(config, "sites.json")); bytes.Contains(sites, []byte(srv.Password)) {
			t.Fatal("sites.json holds the password")
		}
	})

	t.Run("hostile and Windows names", func(t *testing.T) {
		root := t.TempDir()
		os.WriteFile(filepath.Join(root, "good.txt"), []byte("good"), 0o644)
		bad := []string{"CON", "aux.txt", "NUL.log", "COM1", "a<b.txt", "what?.txt", "trailing.", "trailing ", "../escape.txt", `..\escape.txt`, "c:evil.txt"}
		cert, err := ftpd.GenerateCert("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		lines := []string{"type=file;size=4;modify=20260101000000; good.txt", "type=file;size=4;modify=20260101000000; Good.TXT"}
		for _, n := range bad {
			lines = append(lines, "type=file;size=4;modify=20260101000000; "+n)
		}
		srv, err := ftpd.Start(ftpd.Config{Root: root, Cert: cert, User: "alice", Password: "wine-secret",
			Listing: func(dir string) []string {
				if dir == "/" {
					return lines
				}
				return nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		down := t.TempDir()
		target := filepath.Join(down, "target")
		os.Mkdir(target, 0o755)
		url := fmt.Sprintf("ftpes://alice@127.0.0.1:%d/", srv.Port())
		_, _, errs := w.cli("wine-secret\n", env, "get", "-r", "--password-stdin", "--fingerprint", "sha256:"+fingerprintHex(cert.Certificate[0]), url, winPath(target))
		got, _ := os.ReadDir(target)
		var names []string
		for _, e := range got {
			names = append(names, e.Name())
		}
		if len(names) != 1 || names[0] != "good.txt" {
			t.Errorf("the target holds %q, want only good.txt", names)
		}
		if others, _ := os.ReadDir(down); len(others) != 1 {
			t.Errorf("something was written beside the target: %d entries in its parent", len(others))
		}
		for _, n := range append(bad, "Good.TXT") {
			if !strings.Contains(errs, fmt.Sprintf("%q", n)) && !strings.Contains(errs, n) {
				t.Errorf("the refused name %q is not reported:\n%s", n, errs)
			}
		}
		t.Logf("reported:\n%s", errs)
	})
}

// TestWineApp opens ferry.exe -demo under Wine on an Xvfb display: the
// window shows (a screenshot is kept) and the demo's certificate prompt
// comes up.
func TestWineApp(t *testing.T) {
	w := newWine(t)
	x := startX(t)
	home := t.TempDir()
	cmd := exec.Command("wine", filepath.Join(w.exes, "ferry.exe"), "-demo")
	cmd.Env = append(append([]string{}, w.env...), "DISPLAY="+x.display, "FERRY_CONFIG_DIR="+winPath(home))
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		w.wait("wineserver", "-k")
		stopPid(cmd.Process.Pid, false, done)
	})
	var win string
	for deadline := time.Now().Add(90 * time.Second); win == "" && time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		win = x.findWindow("Ferry", done)
		select {
		case <-done:
			t.Fatalf("ferry.exe -demo exited: %s", out.String())
		default:
		}
	}
	if win == "" {
		t.Fatalf("no Ferry window within 90 s: %s", out.String())
	}
	r := x.geometry(win)
	var img image.Image
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		img = x.capture()
		if _, n := findColor(img, r, primary, 12); n > 200 { // the certificate prompt's Trust once
			break
		}
	}
	p := filepath.Join(shotsDir(), "windows-demo.png")
	if err := savePNG(p, img, r); err != nil {
		t.Fatal(err)
	}
	t.Logf("window %s at %v; screenshot %s", win, r, p)
	if _, n := findColor(img, r, primary, 12); n <= 200 {
		t.Fatalf("the demo's certificate prompt did not show under Wine (see %s)", p)
	}

	// Cancel the prompt; type "This PC" in the local path bar: the drives.
	x.xdo("windowfocus", "--sync", win)
	x.xdo("key", "Escape")
	time.Sleep(time.Second)
	x.xdo("mousemove", "--window", win, "380", "101", "click", "1")
	x.xdo("key", "ctrl+a")
	x.xdo("type", "This PC")
	x.xdo("key", "Return")
	time.Sleep(3 * time.Second)
	drives := filepath.Join(shotsDir(), "windows-drives.png")
	if err := savePNG(drives, x.capture(), r); err != nil {
		t.Fatal(err)
	}
	t.Logf("the folder of drives: %s", drives)
}

func labURL(s *ftpslab.Server) string {
	scheme := "ftpes"
	if s.Kind.Implicit() {
		scheme = "ftps"
	}
	return fmt.Sprintf("%s://%s@%s:%d", scheme, s.User, s.Host, s.Port)
}

func fingerprintHex(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
