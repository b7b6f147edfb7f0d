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
// file name here, or be shown and acted on in a pane: one path element,
// never "." or "..", no slash or backslash, no NUL or other control
// character, valid UTF-8, and not a Windows drive or device trick (a
// colon). On Windows also none of <>"|?*, no trailing dot or space, and
// none of the names Windows keeps for devices (CON, NUL, COM1, aux.txt…).
// A server is untrusted input: a name like "../x" must never lead a
// download outside its target folder, nor "NUL" to a device.
func CheckName(name string) error { return checkName(name, windowsNames) }

// checkName is CheckName with Windows' rules on or off, so that both can
// be tested on any system.
func checkName(name string, windows bool) error {
	why := portableProblem(name)
	if why == "" && windows {
		why = windowsProblem(name)
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("%w %q: %s", ErrBadName, name, why)
}

func portableProblem(name string) string {
	switch {
	case name == "":
		return "the name is empty"
	case name == "." || name == "..":
		return "the name refers to a folder itself"
	case strings.ContainsAny(name, `/\`):
		return "the name contains a slash or backslash"
	case strings.ContainsRune(name, ':'):
		return "the name contains a colon"
	case !utf8.ValidString(name):
		return "the name is not valid UTF-8"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "the name contains a control character (such as a line break or NUL)"
	case len(name) > 255:
		return "the name is longer than 255 bytes"
	}
	return ""
}

// windowsProblem says why Windows cannot hold name as it is, or "".
func windowsProblem(name string) string {
	if i := strings.IndexAny(name, `<>"|?*`); i >= 0 {
		return fmt.Sprintf("Windows does not allow %q in a file name", name[i])
	}
	if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return "Windows drops a trailing dot or space, so the file would get another name"
	}
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	if windowsDevices[stem] {
		return fmt.Sprintf("%s is a device name on Windows (with any extension), not a file", stem)
	}
	return ""
}

// windowsDevices are the names Windows keeps for devices, whatever the
// extension: "aux.txt" opens the AUX device.
var windowsDevices = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}
	for _, d := range "0123456789¹²³" {
		m["COM"+string(d)] = true
		m["LPT"+string(d)] = true
	}
	return m
}()

// LocalKey is the key under which this computer's disk knows a file name:
// the name itself where names are case-sensitive, its case folded on
// Windows and macOS, where "Report.pdf" and "report.pdf" are one file. Two
// names of one folder with the same key cannot both be kept there.
func LocalKey(name string) string { return localKey(name, foldCase) }

func localKey(name string, fold bool) string {
	if fold {
		return strings.ToLower(name)
	}
	return name
}
