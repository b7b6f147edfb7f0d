package sites

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/trust"
)

// TestExplain: each kind of failure a person can act on is said in words
// with the next step; others come back as they are.
func TestExplain(t *testing.T) {
	info := trust.CertInfo{Host: "nas.example", Port: 21, SHA256: "AB:CD"}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"login refused", fmt.Errorf("connecting: %w", &session.Error{Op: "log in", Code: 530, Msg: "Login incorrect.", Kind: session.ErrAuth}),
			"the server refused the user name or password (server: 530 Login incorrect.). Check them, then connect again."},
		{"certificate rejected", fmt.Errorf("nas.example:21: %w", trust.ErrCertRejected),
			"you did not trust the server's certificate, so Ferry did not connect."},
		{"cancelled", fmt.Errorf("the password for Office: %w", context.Canceled), "cancelled before it finished."},
		{"certificate unknown", &trust.UntrustedError{Question: trust.Question{Info: info}},
			"the server's certificate is not trusted: no certificate authority vouches for it (nas.example:21, SHA-256 AB:CD). Trust it only if its fingerprint is the one the server's administrator gives."},
		{"certificate changed", &trust.UntrustedError{Question: trust.Question{Info: info, Changed: true}},
			"the server's certificate CHANGED since you trusted it: nas.example:21 now presents a certificate with SHA-256 fingerprint AB:CD, but the one you trusted has (unknown); someone may be intercepting the connection, or the server got a new certificate: check with its administrator before trusting it."},
		{"TLS refused", fmt.Errorf("log in: %w", &session.TLSRequiredError{Code: 530, Msg: "TLS not available"}),
			"the server refused to encrypt the connection (AUTH TLS: 530 TLS not available); Ferry sent nothing and disconnected. If the server only speaks implicit FTPS, use ftps:// (port 990)."},
		{"timeout", &session.Error{Op: "connect", Path: "127.0.0.1:2121", Kind: session.ErrTimeout},
			"connect 127.0.0.1:2121: the server stopped answering (timed out). Check that the server is up, then try again; a slow server may need a longer timeout."},
		{"connection lost", &session.Error{Op: "connect", Path: "127.0.0.1:9", Kind: session.ErrConnectionLost},
			"connect 127.0.0.1:9: the connection to the server was lost. Check the address and port and that the server is up, then connect again."},
		{"keyring", fmt.Errorf("reading the password from the keyring: %w", ErrKeyringTimeout),
			"reading the password from the keyring: " + ErrKeyringTimeout.Error() + "."},
		{"other", errors.New("list /x: no such file or folder"), "list /x: no such file or folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Explain(tc.err); got != tc.want {
				t.Errorf("Explain:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestExplainNamesTheStep: a stall's message keeps the step, the time and
// the server (the command line's test of a stalled server looks for them).
func TestExplainNamesTheStep(t *testing.T) {
	err := fmt.Errorf("connecting to 127.0.0.1:2121: %w", &session.Error{Op: "log in", Kind: session.ErrTimeout,
		Err: fmt.Errorf("the server stopped responding during login (no reply for 30 s): %w", session.ErrTimeout)})
	got := Explain(err)
	if !strings.HasPrefix(got, err.Error()) || !strings.HasSuffix(got, "a longer timeout.") {
		t.Errorf("Explain = %q", got)
	}
}
