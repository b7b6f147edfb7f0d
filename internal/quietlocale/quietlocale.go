package quietlocale

// Fyne (fyne.io/fyne/v2/lang, in its init and again whenever it looks up a
// fallback font) asks github.com/jeandeaual/go-locale for the user's
// languages. go-locale reads the first of LC_ALL, LC_MESSAGES and LANG that
// is set; it treats a plain "C" or "POSIX" as "no language", but splits
// "C.UTF-8" into the language "C", which golang.org/x/text/language refuses
// ("tag is not well-formed"), and Fyne logs that three times. This
// package's init rewrites the environment of this process so that go-locale
// sees a plain "C" for messages and Fyne falls back to English quietly.
//
// Only the messages category changes: LC_CTYPE stays C.UTF-8, because
// GLFW sets the C library's LC_CTYPE from the environment and a plain "C"
// there would break UTF-8 text input through XIM. Any other locale
// (en_US.UTF-8, de_DE) and a set LANGUAGE (which go-locale prefers over
// C.UTF-8) are left alone.
//
// It imports only os and strings, a subset of go-locale's own imports, so
// that it is initialised before go-locale and hence before Fyne's lang
// package: since Go 1.21 packages are initialised in import-path order
// among those whose imports are done, and github.com/ferryftps/... sorts
// before github.com/jeandeaual/... (the smoke test checks it on the real
// binary). Keep it so.

import (
	"os"
	"strings"
)

func init() {
	for _, c := range changes(os.Getenv) {
		if c.value == "" {
			os.Unsetenv(c.name)
		} else {
			os.Setenv(c.name, c.value)
		}
	}
}

// change sets the environment variable name to value ("" = unset it).
type change struct{ name, value string }

// categories are the POSIX locale categories (with glibc's extra ones)
// that LC_ALL overrides, except LC_MESSAGES.
var categories = []string{
	"LC_CTYPE", "LC_COLLATE", "LC_NUMERIC", "LC_TIME", "LC_MONETARY",
	"LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION",
}

// changes returns the environment changes that make go-locale see a plain
// "C" when it would otherwise see a "C" or "POSIX" with a codeset or
// modifier; nil when none are needed. Every category except LC_MESSAGES
// keeps its effective value.
func changes(getenv func(string) string) []change {
	if getenv("LANGUAGE") != "" {
		return nil // go-locale reads LANGUAGE instead of a C.UTF-8
	}
	from, value := "", ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} { // go-locale's order
		if value = getenv(name); value != "" {
			from = name
			break
		}
	}
	if !isDecoratedC(value) {
		return nil
	}
	if from != "LC_ALL" {
		// LC_MESSAGES wins over LANG, and LANG keeps the other categories.
		return []change{{"LC_MESSAGES", "C"}}
	}
	// LC_ALL overrides every category: move its value to LANG, which
	// applies it to every category not set on its own, unset those set on
	// their own (LC_ALL overrode them), and make messages plain C.
	out := []change{{"LC_ALL", ""}, {"LANG", value}, {"LC_MESSAGES", "C"}}
	for _, name := range categories {
		if getenv(name) != "" {
			out = append(out, change{name, ""})
		}
	}
	return out
}

// isDecoratedC reports whether a locale name is the C or POSIX locale with
// a codeset or modifier ("C.UTF-8", "POSIX.utf8", "C@euro"), which
// go-locale would turn into a language tag "C" or "POSIX".
func isDecoratedC(value string) bool {
	name := value
	if i := strings.IndexAny(value, ".@"); i >= 0 {
		name = value[:i]
	}
	return name != value && (name == "C" || name == "POSIX")
}
