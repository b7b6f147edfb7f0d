package sites

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferryftps/ferry/session"
	"github.com/godbus/dbus/v5"
)

// needKeyring skips (or, with CI=true, fails) when no Secret Service
// answers on the session bus. scripts/test.sh runs the suite inside
// dbus-run-session with a fresh, unlocked gnome-keyring.
func needKeyring(t *testing.T) {
	t.Helper()
	s := &Secrets{Timeout: 5 * time.Second}
	if err := s.Available(context.Background()); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no keyring (CI=true makes this a failure): %v", err)
		}
		t.Skipf("no keyring: %v (run the tests with make test)", err)
	}
}

// TestKeyringRoundTrip stores, reads, updates and deletes a site's password
// in the real keyring; secret-tool finds it under service Ferry; and no file
// in the config folder ever holds it.
func TestKeyringRoundTrip(t *testing.T) {
	needKeyring(t)
	ctx := context.Background()
	dir := t.TempDir()
	store, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	site, err := store.Add(Site{Name: "Office NAS", Host: "nas.office.lan", Encryption: session.Explicit, User: "maria"})
	if err != nil {
		t.Fatal(err)
	}
	sec := &Secrets{Timeout: 5 * time.Second}
	const pw1, pw2 = "Correct-Horse-7391", "Battery-Staple-2846"
	t.Cleanup(func() { sec.DeleteAll(context.Background(), site.ID) })

	if _, err := sec.Get(ctx, site.ID, SecretPassword); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("before saving: %v, want ErrNoSecret", err)
	}
	if err := sec.Set(ctx, site.ID, SecretPassword, pw1); err != nil {
		t.Fatal(err)
	}
	if got, err := sec.Get(ctx, site.ID, SecretPassword); err != nil || got != pw1 {
		t.Fatalf("read back %q, %v", got, err)
	}
	if err := sec.Set(ctx, site.ID, SecretPassword, pw2); err != nil {
		t.Fatal(err)
	}
	if got, err := sec.Get(ctx, site.ID, SecretPassword); err != nil || got != pw2 {
		t.Fatalf("after update %q, %v", got, err)
	}
	if path, err := exec.LookPath("secret-tool"); err == nil {
		out, err := exec.Command(path, "search", "service", KeyringService).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(site.ID)) {
			t.Errorf("secret-tool search service %s does not show the site (%v):\n%s", KeyringService, err, out)
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("secret-tool is missing (libsecret-tools)")
	}
	// Rename and move the site: the secret follows the ID.
	site.Name, site.Folder = "NAS (renamed)", "Office"
	if err := store.Update(site); err != nil {
		t.Fatal(err)
	}
	if got, _ := sec.Get(ctx, site.ID, SecretPassword); got != pw2 {
		t.Error("the password did not survive a rename")
	}
	grepDir(t, dir, pw1, pw2)

	if err := sec.DeleteAll(ctx, site.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sec.Get(ctx, site.ID, SecretPassword); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("after delete: %v, want ErrNoSecret", err)
	}
}

// grepDir fails the test if any file under dir holds one of the secrets.
func grepDir(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			return nil
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds a secret", p)
			}
		}
		return nil
	})
	if n == 0 {
		t.Errorf("no files in %s to check", dir)
	}
}

// The keyring tests that need their own D-Bus run as child processes of the
// test binary: godbus keeps one session bus per process.
func runChild(t *testing.T, name string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append([]string{"FERRY_KEYRING_CHILD=" + name}, env...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child %s: %v\n%s", name, err, out)
	}
	return string(out)
}

func TestKeyringUnavailable(t *testing.T) {
	out := runChild(t, "none", "DBUS_SESSION_BUS_ADDRESS=disabled:", "FERRY_CONFIG_DIR="+t.TempDir())
	if !strings.Contains(out, "CHILD OK") {
		t.Fatalf("child output:\n%s", out)
	}
}

func TestKeyringHangs(t *testing.T) {
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing", tool)
			}
			t.Skipf("%s is missing: run make test", tool)
		}
	}
	tmp := t.TempDir()
	os.MkdirAll(filepath.Join(tmp, "data", "keyrings"), 0o700)
	os.MkdirAll(filepath.Join(tmp, "run"), 0o700)
	cmd := exec.Command("dbus-run-session", "--", os.Args[0])
	cmd.Env = append(os.Environ(), "FERRY_KEYRING_CHILD=hang",
		"XDG_DATA_HOME="+filepath.Join(tmp, "data"), "XDG_RUNTIME_DIR="+filepath.Join(tmp, "run"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "CHILD OK") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// TestMain runs the keyring children when asked to (godbus keeps one
// session bus per process, so those tests need a process of their own).
func TestMain(m *testing.M) {
	if child := os.Getenv("FERRY_KEYRING_CHILD"); child != "" {
		var err error
		switch child {
		case "none":
			err = childNoKeyring()
		case "hang":
			err = childHangingKeyring()
		default:
			err = errors.New("unknown child " + child)
		}
		if err != nil {
			fmt.Println("CHILD FAILED:", err)
			os.Exit(1)
		}
		fmt.Println("CHILD OK")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func childNoKeyring() error {
	ctx := context.Background()
	dir := os.Getenv("FERRY_CONFIG_DIR")
	store, err := OpenStore(dir)
	if err != nil {
		return err
	}
	site, err := store.Add(Site{Name: "Shop", Host: "ftp.shop.example", Encryption: session.Explicit, User: "tom"})
	if err != nil {
		return err
	}
	sec := &Secrets{Timeout: 5 * time.Second}
	start := time.Now()
	err = sec.Set(ctx, site.ID, SecretPassword, "Plaintext-Never-9911")
	if !errors.Is(err, ErrKeyringUnavailable) {
		return fmt.Errorf("with no keyring: %v, want ErrKeyringUnavailable", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		return fmt.Errorf("failing took %v; no keyring should fail at once", d)
	}
	if !strings.Contains(err.Error(), "ask for password") || strings.Contains(err.Error(), "Plaintext-Never-9911") {
		return fmt.Errorf("error should offer \"ask for password\" and never show the password: %v", err)
	}
	if err := sec.Available(ctx); !errors.Is(err, ErrKeyringUnavailable) {
		return fmt.Errorf("Available: %v", err)
	}
	return grepFiles(dir, "Plaintext-Never-9911")
}

// grepFiles returns an error if any file under dir holds the secret, or
// if there is no file at all to check.
func grepFiles(dir, secret string) error {
	n := 0
	var found error
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if data, err := os.ReadFile(p); err == nil && bytes.Contains(data, []byte(secret)) {
			found = fmt.Errorf("%s holds the secret", p)
		}
		return nil
	})
	if n == 0 {
		return fmt.Errorf("no files in %s to check", dir)
	}
	return found
}

func childHangingKeyring() error {
	daemon := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	daemon.Stdin = strings.NewReader("child-keyring-pw")
	if err := daemon.Start(); err != nil {
		return err
	}
	defer func() {
		daemon.Process.Signal(syscall.SIGCONT)
		daemon.Process.Kill()
		daemon.Wait()
	}()
	// Wait for this daemon to own the Secret Service name before the first
	// call: a call made earlier has D-Bus start a second, locked daemon
	// of its own, which may win the name.
	bus, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	owned := false
	for i := 0; i < 100 && !owned; i++ { // at most 10 s
		if bus.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.secrets").Store(&owned) != nil || !owned {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !owned {
		return errors.New("the child's gnome-keyring never took the Secret Service name")
	}
	sec := &Secrets{Timeout: 5 * time.Second}
	ctx := context.Background()
	ok := false
	for i := 0; i < 100; i++ { // at most 10 s for the daemon to answer
		if sec.Available(ctx) == nil {
			ok = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !ok {
		return errors.New("the child's gnome-keyring never answered")
	}
	// Freeze the daemon: calls now wait forever, as on an unlock prompt.
	if err := daemon.Process.Signal(syscall.SIGSTOP); err != nil {
		return err
	}
	sec.Timeout = time.Second
	start := time.Now()
	_, err = sec.Get(ctx, "some-site", SecretPassword)
	if !errors.Is(err, ErrKeyringTimeout) {
		return fmt.Errorf("frozen keyring: %v, want ErrKeyringTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		return fmt.Errorf("the timeout took %v", d)
	}
	fmt.Printf("frozen keyring: %v after %v\n", err, time.Since(start).Round(time.Millisecond))
	return nil
}
