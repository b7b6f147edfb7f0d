//go:build smoke

package smoke

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
)

// runCLI runs the real binary headless under LANG=C.UTF-8 (as in many
// containers) with a config folder and home of its own and no D-Bus, and
// returns its exit code, stdout and stderr.
func runCLI(t *testing.T, stdin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(ferryBinary(t), args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=",
		"HOME="+t.TempDir(), "FERRY_CONFIG_DIR="+t.TempDir(), "DBUS_SESSION_BUS_ADDRESS=disabled:")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	return code, out.String(), errOut.String()
}

// TestSmokeQuietLocale: with LANG=C.UTF-8 Fyne's lang package used to log
// "Fyne error: Error parsing user locale C" at every start, on stderr of
// every command. internal/quietlocale, initialised before it, prevents
// that: `ferry version` and a successful `ferry ls` print nothing on
// stderr.
func TestSmokeQuietLocale(t *testing.T) {
	// The order Go initialised the packages in, on the real binary.
	code, out, stderr := runCLI(t, "", []string{"GODEBUG=inittrace=1"}, "version")
	if code != 0 || !strings.HasPrefix(out, "ferry ") {
		t.Fatalf("ferry version: exit %d, stdout %q, stderr:\n%s", code, out, stderr)
	}
	quiet, lang := strings.Index(stderr, "init github.com/ferryftps/ferry/internal/quietlocale "),
		strings.Index(stderr, "init fyne.io/fyne/v2/lang ")
	if quiet < 0 || lang < 0 || quiet > lang {
		var lines []string // the two packages', and whatever is not the trace
		for _, l := range strings.Split(stderr, "\n") {
			if !strings.HasPrefix(l, "init ") || strings.Contains(l, "quietlocale") || strings.Contains(l, "fyne/v2/lang") {
				lines = append(lines, l)
			}
		}
		t.Errorf("internal/quietlocale is not initialised before fyne.io/fyne/v2/lang (at bytes %d and %d of the init trace):\n%s",
			quiet, lang, strings.Join(lines, "\n"))
	}

	code, out, stderr = runCLI(t, "", nil, "version")
	if code != 0 || stderr != "" {
		t.Errorf("LANG=C.UTF-8 ferry version: exit %d, stdout %q, %d bytes on stderr:\n%s", code, out, len(stderr), stderr)
	}

	d := ftpdtest.Start(t, ftpd.Config{})
	if err := os.WriteFile(filepath.Join(d.Root, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(d.Cert.Certificate[0])
	url := fmt.Sprintf("ftpes://%s@127.0.0.1:%d/", ftpdtest.User, d.Port)
	code, out, stderr = runCLI(t, d.Password+"\n", nil, "ls", "--password-stdin", "--fingerprint", "sha256:"+hex.EncodeToString(sum[:]), url)
	if code != 0 || out != "hello.txt\n" {
		t.Fatalf("ferry ls %s: exit %d, stdout %q, stderr:\n%s", url, code, out, stderr)
	}
	if stderr != "" {
		t.Errorf("LANG=C.UTF-8 ferry ls (successful): %d bytes on stderr:\n%s", len(stderr), stderr)
	}
}
