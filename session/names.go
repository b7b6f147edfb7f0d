package session

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The one name and path check of the house: the engine, the panes and the
// command line all use these.

// ErrBadPath: the path holds CR, LF or NUL, which would let it smuggle
// commands onto the control connection.
var ErrBadPath = errors.New("the path contains a line break or NUL character")

// CheckPath refuses a remote path (or any text bound for the control
// connection) that holds CR, LF or NUL; the error wraps ErrBadPath.
func CheckPath(p string) error {
	if strings.ContainsAny(p, "\r\n\x00") {
		return fmt.Errorf("%q: %w", p, ErrBadPath)
	}
	return nil
}

// ErrBadName: a remote name that must not become a local file name. Every
// error from CheckName matches it with errors.Is.
var ErrBadName = errors.New("unsafe file name")

// CheckName reports whether a name from a server listing can become a local
// file name, or be shown and acted on in a pane: one path element, never "." or "..", no slash or backslash, no
// NUL or other control character, valid UTF-8, and not a Windows drive or
// device trick (a colon). A server is untrusted input: a name like "../x"
// must never lead a download outside its target folder.
func CheckName(name string) error {
	why := ""
	switch {
	case name == "":
		why = "the name is empty"
	case name == "." || name == "..":
		why = "the name refers to a folder itself"
	case strings.ContainsAny(name, `/\`):
		why = "the name contains a slash or backslash"
	case strings.ContainsRune(name, ':'):
		why = "the name contains a colon"
	case !utf8.ValidString(name):
		why = "the name is not valid UTF-8"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		why = "the name contains a control character (such as a line break or NUL)"
	case len(name) > 255:
		why = "the name is longer than 255 bytes"
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("%w %q: %s", ErrBadName, name, why)
}
