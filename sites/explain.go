package sites

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/trust"
)

// Explain says, for a person, what went wrong when connecting to a server
// (or working on it) failed with err, and what to do next: the words both
// front ends show, the desktop after "Could not connect to Office NAS: ",
// the command line after "ferry: ". The step that failed and the server's
// reply stay in. For a refused login, a certificate, a refusal to encrypt,
// a server that stopped answering, a lost connection and the keyring it
// ends with a full stop; any other error comes back in its own words.
// Errors of Ferry's packages hold no secret, so neither does this.
func Explain(err error) string {
	var (
		untrusted *trust.UntrustedError
		tlsReq    *session.TLSRequiredError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return "cancelled before it finished."
	case errors.Is(err, session.ErrAuth):
		return "the server refused the user name or password" + serverReply(err) + ". Check them, then connect again."
	case errors.Is(err, trust.ErrCertRejected):
		return sentence(trust.ErrCertRejected.Error())
	case errors.As(err, &untrusted) && untrusted.Question.Changed:
		return sentence(untrusted.Error()) // it says what to do
	case errors.As(err, &untrusted):
		return sentence(untrusted.Error()) + " Trust it only if its fingerprint is the one the server's administrator gives."
	case errors.As(err, &tlsReq):
		return sentence(tlsReq.Error()) // it names ftps:// for implicit-only servers
	case errors.Is(err, ErrKeyringUnavailable), errors.Is(err, ErrKeyringTimeout), errors.Is(err, session.ErrDataCertMismatch):
		return sentence(err.Error()) // they say what to do
	case errors.Is(err, session.ErrTimeout):
		return sentence(err.Error()) + " Check that the server is up, then try again; a slow server may need a longer timeout."
	case errors.Is(err, session.ErrNotImplicit):
		return sentence(err.Error()) // it names ftpes://
	case errors.Is(err, session.ErrUnreachable):
		return sentence(err.Error()) + " Check the address and port, and that the server is up, then connect again."
	case errors.Is(err, session.ErrConnectionLost):
		return sentence(err.Error()) + " Check the address and port and that the server is up, then connect again."
	}
	return err.Error()
}

// serverReply is " (server: 530 Login incorrect.)" for an error carrying
// the server's reply, else "".
func serverReply(err error) string {
	var se *session.Error
	if errors.As(err, &se) && se.Code != 0 {
		return fmt.Sprintf(" (server: %d %s)", se.Code, se.Msg)
	}
	return ""
}

// sentence ends s with a full stop, unless it ends a sentence already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
