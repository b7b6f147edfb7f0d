package session

import (
	"errors"
	"fmt"
)

// ErrDataCertMismatch: a data connection presented a certificate other than
// the control connection's. Something between us and the server may be
// intercepting the transfer.
var ErrDataCertMismatch = errors.New("the data connection presented a different certificate than the control connection: the transfer was stopped because someone may be intercepting it")

// TLSRequiredError: the server refused AUTH TLS. Ferry never falls back to
// plain FTP, so nothing was sent.
type TLSRequiredError struct {
	Code int
	Msg  string
}

func (e *TLSRequiredError) Error() string {
	return fmt.Sprintf("the server refused to encrypt the connection (AUTH TLS: %d %s); Ferry sent nothing and disconnected. If the server only speaks implicit FTPS, use ftps:// (port 990)", e.Code, e.Msg)
}

// timeoutError: no byte moved for the configured time.
type timeoutError struct {
	op  string
	err error
}

func (e *timeoutError) Error() string {
	return "timed out: the server stopped answering (" + e.err.Error() + ")"
}
func (e *timeoutError) Unwrap() error { return e.err }
func (e *timeoutError) Timeout() bool { return true }
