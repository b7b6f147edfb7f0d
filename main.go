// Command ferry is a desktop FTPS client. With no arguments it opens the
// desktop app; with -demo, the app against an embedded demo server on
// 127.0.0.1; with a subcommand it runs headless (see "ferry help").
package main

import (
	"os"

	"github.com/ferryftps/ferry/cli"
	// Before Fyne's lang package reads the locale: with LANG=C.UTF-8 it
	// would log "Error parsing user locale C" at every start.
	_ "github.com/ferryftps/ferry/internal/quietlocale"
	"github.com/ferryftps/ferry/ui"
)

func main() {
	args := os.Args[1:]
	switch {
	case cli.Handles(args):
		os.Exit(cli.Run(args, os.Stdin, os.Stdout, os.Stderr))
	case len(args) == 1 && (args[0] == "-demo" || args[0] == "--demo"):
		ui.RunDemo()
	case len(args) > 0:
		os.Exit(cli.Run([]string{"help"}, os.Stdin, os.Stderr, os.Stderr) + cli.ExitUsage)
	default:
		ui.Run()
	}
}
