// Command ferry is a desktop FTPS client. With no arguments it opens the
// desktop app; with a subcommand it runs headless (see "ferry help").
package main

import (
	"os"

	"github.com/ferryftps/ferry/cli"
	"github.com/ferryftps/ferry/ui"
)

func main() {
	if cli.Handles(os.Args[1:]) {
		os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	ui.Run()
}
