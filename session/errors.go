package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"syscall"
	"time"
)

// Kinds of failure a person can act on. Every error from this package that
// has one of these causes matches it with errors.Is.
var (
	// ErrAuth: the server refused the user name or password.
	ErrAuth = errors.New("the server refused the user name or password")
	// ErrTLSRequired: the server refused to encrypt (see TLSRequiredError).
	ErrTLSRequired = errors.New("the server refused to encrypt the connection")
	// ErrTLSReuse: the server demands that data connections resume the
	// control connection's TLS session and refused this one (522).
	ErrTLSReuse = errors.New("the server requires the data connection to reuse the TLS session, and refused it")
	// ErrNotFound: no such file or folder.
	ErrNotFound = errors.New("no such file or folder")
	// ErrPermission: the server does not allow this.
	ErrPermission = errors.New("permission denied by the server")
	// ErrNoSpace: the server is out of space or over quota.
	ErrNoSpace = errors.New("the server has no room for the file (disk full or quota exceeded)")
	// ErrConnectionLost: the connection broke or the server closed it.
	ErrConnectionLost = errors.New("the connection to the server was lost")
	// ErrTimeout: the server stopped answering.
	ErrTimeout = errors.New("the server stopped answering (timed out)")
	// ErrDataConnection: the data connection could not be opened or broke.
	ErrDataConnection = errors.New("the data connection failed")
	// ErrUnreachable: nothing answered at the server's address and port
	// (connection refused, no such host, no route). Not a lost connection:
	// there never was one.
	ErrUnreachable = errors.New("the server could not be reached: nothing answers at that address and port")
	// ErrNotImplicit: an implicit FTPS (ftps://) connection met a server
	// that greets in plain text, as explicit FTPS servers do.
	ErrNotImplicit = errors.New("the server answered in plain text, not TLS: it speaks explicit FTPS (AUTH TLS), so use ftpes:// (port 21)")
	// ErrUnsupported: the server does not offer this command.
	ErrUnsupported = errors.New("the server does not support this")
)

// ErrTooManyConnections: the server refused a new connection because this
// client (or address) has as many open as it allows: 421 in the greeting,
// or 530 at login naming the limit. A Pool then uses fewer connections and
// waits for one of its own instead of failing. It also matches
// ErrConnectionLost: with no other connection to wait for, trying again
// later is the way on.
var ErrTooManyConnections error = &alsoError{
	msg:  "the server refused another connection: it has as many open from this address as it allows",
	also: ErrConnectionLost,
}

// alsoError is a sentinel that also matches another.
type alsoError struct {
	msg  string
	also error
}

func (e *alsoError) Error() string { return e.msg }
func (e *alsoError) Unwrap() error { return e.also }

// ErrDataCertMismatch: a data connection presented a certificate other than
// the control connection's. Something between us and the server may be
// intercepting the transfer.
var ErrDataCertMismatch = errors.New("the data connection presented a different certificate than the control connection: the transfer was stopped because someone may be intercepting it")

// Error is a failed operation: what was done, on which path, the server's
// reply if there was one, and the kind of failure (one of the Err*
// sentinels above) for errors.Is.
type Error struct {
	Op   string // "upload", "list", ...
	Path string
	Code int    // the server's reply code, 0 if none
	Msg  string // the server's reply text
	Kind error  // a sentinel, or nil
	Err  error  // the underlying error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Path != "" {
		b.WriteString(" ")
		b.WriteString(e.Path)
	}
	b.WriteString(": ")
	switch {
	case e.Kind != nil && e.Code != 0:
		fmt.Fprintf(&b, "%v (server: %d %s)", e.Kind, e.Code, e.Msg)
	case e.Code != 0:
		fmt.Fprintf(&b, "the server answered %d %s", e.Code, e.Msg)
	case errors.Is(e.Kind, ErrTimeout) && (errors.As(e.Err, new(*timeoutError)) || errors.As(e.Err, new(*StalledError))):
		// These say which step stalled and for how long.
		b.WriteString(e.Err.Error())
	case e.Kind != nil && e.Err != nil && e.Err != e.Kind && !errors.Is(e.Kind, e.Err):
		fmt.Fprintf(&b, "%v (%v)", e.Kind, e.Err)
	case e.Kind != nil:
		b.WriteString(e.Kind.Error())
	default:
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() []error {
	out := []error{}
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// classify wraps err from operation op on path in an *Error with its kind.
// Context errors and our own typed errors pass through unchanged.
func classify(op, path string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// A stall says more than the server's reply to the transfer we broke
	// off (426), which comes with it.
	var st *StalledError
	if errors.As(err, &st) {
		return &Error{Op: op, Path: path, Kind: ErrTimeout, Err: st}
	}
	var ce *CertificateError
	var tr *TLSRequiredError
	var se *Error
	if errors.As(err, &ce) || errors.As(err, &tr) || errors.As(err, &se) {
		return fmt.Errorf("%s %s: %w", op, path, err)
	}
	e := &Error{Op: op, Path: path, Err: err}
	var tp *textproto.Error
	var ne net.Error
	switch {
	case errors.As(err, &tp):
		e.Code, e.Msg = tp.Code, tp.Msg
		e.Kind = kindOfReply(op, tp.Code, tp.Msg)
	case errors.Is(err, ErrDataCertMismatch), errors.Is(err, ErrBadPath):
		e.Kind = nil
	case errors.Is(err, ErrTimeout), errors.As(err, &ne) && ne.Timeout():
		e.Kind = ErrTimeout
	case errors.As(err, new(*dataDialError)):
		e.Kind = ErrDataConnection
	case unreachable(err):
		e.Kind = ErrUnreachable
	case broken(err):
		e.Kind = ErrConnectionLost
	}
	return e
}

// unreachable reports whether err is a connect that failed: no such host,
// connection refused, no route.
func unreachable(err error) bool {
	var oe *net.OpError
	return errors.As(err, new(*net.DNSError)) || errors.As(err, &oe) && oe.Op == "dial"
}

// dataDialError: a data connection could not be opened.
type dataDialError struct {
	addr string
	err  error
}

func (e *dataDialError) Error() string {
	return "opening a data connection to " + e.addr + ": " + e.err.Error()
}
func (e *dataDialError) Unwrap() error { return e.err }

// broken reports whether err means the connection itself failed: EOF, a
// reset, an aborted socket, a TLS framing error or alert (vsftpd writes a
// plain-text "500 OOPS" into the TLS stream when its session process
// dies: "tls: received record with version 3030"), or a reply line that
// cannot be read. Broken is broken: the connection is tossed and the
// operation may be tried again on a new one. Certificate failures are not
// breaks: they are refusals, never retried.
func broken(err error) bool {
	var (
		rh tls.RecordHeaderError
		al tls.AlertError
		pe textproto.ProtocolError
		ce *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &ce), errors.As(err, new(*CertificateError)), errors.As(err, new(x509.UnknownAuthorityError)),
		errors.As(err, new(x509.CertificateInvalidError)), errors.As(err, new(x509.HostnameError)):
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, new(*net.OpError)) || errors.Is(err, errAborted) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.As(err, &rh) || errors.As(err, &al) || errors.As(err, &pe)
}

// kindOfReply maps an FTP reply to the kind of failure.
func kindOfReply(op string, code int, msg string) error {
	switch code {
	case 530:
		if tooMany(msg) {
			return ErrTooManyConnections
		}
		if op == "log in" {
			return ErrAuth
		}
		return ErrPermission
	case 421:
		if tooMany(msg) {
			return ErrTooManyConnections
		}
		return ErrConnectionLost
	case 500:
		if isOOPS(msg) {
			return ErrConnectionLost
		}
		return ErrUnsupported
	case 425, 426:
		return ErrDataConnection
	case 522:
		return ErrTLSReuse
	case 452, 552:
		return ErrNoSpace
	case 553:
		return ErrPermission
	case 502, 504:
		return ErrUnsupported
	case 550:
		// 550 means "not available": servers say why only in words, so the
		// words decide between missing and forbidden.
		m := strings.ToLower(msg)
		if strings.Contains(m, "permission") || strings.Contains(m, "denied") || strings.Contains(m, "not allowed") {
			return ErrPermission
		}
		return ErrNotFound
	}
	return nil
}

// tooMany reports whether a refusal's text says the server has as many
// connections as it allows: vsftpd "There are too many connections from
// your internet address", Pure-FTPd "Too many connections (N) from this IP"
// and "N users (the maximum) are already logged in", ProFTPD "Sorry, the
// maximum number of clients (N) from your host are already connected".
// A 530 for a wrong password or a 421 for an idle timeout says none of it.
func tooMany(msg string) bool {
	m := strings.ToLower(msg)
	if strings.Contains(m, "too many") || strings.Contains(m, "maximum") {
		return true
	}
	return !strings.Contains(m, "timeout") && !strings.Contains(m, "login incorrect") &&
		(strings.Contains(m, "connections") || strings.Contains(m, "users") || strings.Contains(m, "clients"))
}

// isOOPS reports whether a reply's text is vsftpd's report that the
// process serving our session died ("500 OOPS: child died", then it hangs
// up): the connection is lost, the command was not refused.
func isOOPS(msg string) bool { return strings.HasPrefix(msg, "OOPS") }

// CertificateError: the server's certificate was not accepted (by
// DialConfig.VerifyServer, or by the system's authorities when it is
// nil), so nothing was sent. Err is the verifier's own error: errors.As
// finds it (the trust package's question, an x509 error).
type CertificateError struct{ Err error }

func (e *CertificateError) Error() string { return e.Err.Error() }
func (e *CertificateError) Unwrap() error { return e.Err }

// TLSRequiredError: the server refused AUTH TLS. Ferry never falls back to
// plain FTP, so nothing was sent.
type TLSRequiredError struct {
	Code int
	Msg  string
}

func (e *TLSRequiredError) Error() string {
	return fmt.Sprintf("the server refused to encrypt the connection (AUTH TLS: %d %s); Ferry sent nothing and disconnected. If the server only speaks implicit FTPS, use ftps:// (port 990)", e.Code, e.Msg)
}

// Is makes errors.Is(err, ErrTLSRequired) true.
func (e *TLSRequiredError) Is(target error) bool { return target == ErrTLSRequired }

// timeoutError: a step (login, a command's reply, a data connection's
// setup) did not finish within its deadline, measured from its start.
type timeoutError struct {
	step  string        // "login", ...; "" for a command's reply
	after time.Duration // the step's deadline
	err   error
}

func (e *timeoutError) Error() string {
	if e.after <= 0 {
		return "the server stopped responding (" + e.err.Error() + ")"
	}
	if e.step == "" {
		return fmt.Sprintf("the server stopped responding (no reply for %s)", seconds(e.after))
	}
	return fmt.Sprintf("the server stopped responding during %s (no reply for %s)", e.step, seconds(e.after))
}
func (e *timeoutError) Unwrap() error        { return e.err }
func (e *timeoutError) Timeout() bool        { return true }
func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }
