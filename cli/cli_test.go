package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/internal/buildinfo"
)

func TestHandles(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-demo"}, false},
		{[]string{"ls", "ftpes://host"}, true},
		{[]string{"version"}, true},
	} {
		if got := Handles(tc.args); got != tc.want {
			t.Errorf("Handles(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"version"}, ExitOK, "ferry " + buildinfo.Version + "\n", ""},
		{[]string{"help"}, ExitOK, "Exit codes:", ""},
		{[]string{"frobnicate"}, ExitUsage, "", `unknown command "frobnicate"`},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(tc.args, strings.NewReader(""), &out, &errOut)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout %q lacks %q", out.String(), tc.stdout)
			}
			if !strings.Contains(errOut.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tc.stderr)
			}
		})
	}
}
