// Package cli runs Ferry's headless subcommands (ferry ls, get, put, ...)
// over the same engine as the desktop app.
package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/ferryftps/ferry/internal/buildinfo"
)

// Exit codes of the ferry command. They are documented in "ferry help".
const (
	ExitOK    = 0 // success
	ExitError = 1 // the operation failed
	ExitUsage = 2 // the command line is wrong
)

// Handles reports whether args name a headless subcommand. With no
// arguments, or only flags, the desktop app runs instead.
func Handles(args []string) bool {
	return len(args) > 0 && !strings.HasPrefix(args[0], "-")
}

// Run runs the subcommand named by args[0] and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	switch args[0] {
	case "help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	case "version":
		fmt.Fprintf(stdout, "ferry %s\n", buildinfo.Version)
		return ExitOK
	}
	fmt.Fprintf(stderr, "ferry: unknown command %q\n\n%s", args[0], usage)
	return ExitUsage
}

const usage = `Usage:
  ferry              open the desktop app
  ferry help         show this help
  ferry version      print Ferry's version

Exit codes:
  0  success
  1  the operation failed
  2  the command line is wrong
`
