package transfers

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrBadName: a remote name that must not become a local file name. Every
// error from checkName matches it with errors.Is.
var ErrBadName = errors.New("unsafe file name")

// checkName reports whether a name from a server listing can become a local
// file name: one path element, never "." or "..", no slash or backslash, no
// NUL or other control character, valid UTF-8, and not a Windows drive or
// device trick (a colon). A server is untrusted input: a name like "../x"
// must never lead a download outside its target folder.
func checkName(name string) error {
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

// partSuffix marks a download in progress. The file is renamed to its real
// name only once it is whole and checked.
const partSuffix = ".ferry-part"

// renamed returns the n-th "keep both" name for p: "report (1).pdf",
// "archive (2).tar.gz", "README (1)".
func renamed(p string, n int) string {
	dir, base := path.Split(p)
	stem, ext := base, ""
	if i := strings.Index(base[min(1, len(base)):], "."); i >= 0 {
		i++ // a leading dot is part of the stem: ".profile (1)"
		stem, ext = base[:i], base[i:]
	}
	return fmt.Sprintf("%s%s (%d)%s", dir, stem, n, ext)
}
