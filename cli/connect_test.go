package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/sites"
)

// TestTermAsker: without a terminal, a saved site whose password the
// keyring cannot give fails with what to do, and says why unless the
// keyring simply holds none; --password-stdin reads the first line.
func TestTermAsker(t *testing.T) {
	site := sites.Site{ID: "s1", Name: "Office", Host: "nas.example", User: "ann"}
	unavailable := fmt.Errorf("reading the password from the keyring: %w (dbus: no session bus)", sites.ErrKeyringUnavailable)
	for _, tc := range []struct {
		name       string
		saved      error
		stdin      bool
		want       string // the password, or a part of the error
		wantStderr string
		usage      bool
	}{
		{name: "no keyring", saved: unavailable, want: "save one with `ferry sites edit \"Office\" --password-stdin`", wantStderr: "ferry: reading the password from the keyring: the system keyring is not available"},
		{name: "not saved", saved: sites.ErrNoSecret, want: "no password for site \"Office\": no password is saved for this site"},
		{name: "asks, no terminal", want: "there is no terminal to ask on", usage: true},
		{name: "stdin", stdin: true, want: "pw-from-stdin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			e := &env{stdin: strings.NewReader("pw-from-stdin\n"), stdout: &bytes.Buffer{}, stderr: &stderr}
			a := termAsker{e: e, f: &connFlags{passwordStdin: tc.stdin}}
			got, err := a.AskPassword(context.Background(), sites.PasswordQuestion{Site: site, Saved: tc.saved})
			switch {
			case tc.stdin:
				if err != nil || got.Password != tc.want {
					t.Errorf("got %q, %v; want %q", got.Password, err, tc.want)
				}
			case err == nil || !strings.Contains(err.Error(), tc.want):
				t.Errorf("err %v, want one saying %q", err, tc.want)
			case tc.saved != nil && !errors.Is(err, tc.saved):
				t.Errorf("err %v does not wrap %v", err, tc.saved)
			case errors.As(err, new(usageError)) != tc.usage:
				t.Errorf("err %v: a usage error %v, want %v", err, !tc.usage, tc.usage)
			}
			if tc.wantStderr == "" && stderr.Len() > 0 || !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

// TestLsSavedSiteWithoutPassword: a saved site whose keyring entry is
// missing fails before connecting, without a terminal, saying how to save
// the password.
func TestLsSavedSiteWithoutPassword(t *testing.T) {
	needKeyring(t)
	dir := t.TempDir()
	t.Setenv("FERRY_CONFIG_DIR", dir)
	store, err := sites.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Add(sites.Site{Name: "Nowhere", Host: "127.0.0.1", Port: 9, User: "ann"}); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "ls", "site:Nowhere")
	if code != ExitError || !strings.Contains(stderr, "ferry sites edit \"Nowhere\" --password-stdin") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
