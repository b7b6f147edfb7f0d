package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"time"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/trust"
)

// trust lists or removes certificates trusted always.
func (e *env) trust(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "ferry trust: say list or rm HOST[:PORT]")
		return ExitUsage
	}
	dir, err := config.Dir()
	if err != nil {
		return e.fail(err)
	}
	store, err := trust.OpenStore(dir)
	if err != nil {
		return e.fail(err)
	}
	switch args[0] {
	case "list", "ls":
		entries := store.List()
		if len(entries) == 0 {
			fmt.Fprintln(e.stderr, "No certificates are trusted always.")
			return ExitOK
		}
		for _, en := range entries {
			fmt.Fprintf(e.stdout, "%s\tsha256:%s\t%s\tvalid until %s\ttrusted %s\n",
				hostPort(en.Host, en.Port), en.SHA256, en.Subject,
				en.NotAfter.Format(time.DateOnly), en.Added.Format(time.DateOnly))
		}
		return ExitOK
	case "rm", "remove":
		if len(args) != 2 {
			fmt.Fprintln(e.stderr, "ferry trust rm: give one HOST[:PORT], as `ferry trust list` shows it")
			return ExitUsage
		}
		host, port, err := splitHostPortDefault(args[1], 21)
		if err != nil {
			fmt.Fprintf(e.stderr, "ferry trust rm: %v\n", err)
			return ExitUsage
		}
		if err := store.Remove(host, port); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				fmt.Fprintf(e.stderr, "ferry: no trusted certificate for %s\n", hostPort(host, port))
				return ExitError
			}
			return e.fail(err)
		}
		fmt.Fprintf(e.stderr, "Forgot the certificate trusted for %s.\n", hostPort(host, port))
		return ExitOK
	}
	fmt.Fprintf(e.stderr, "ferry trust: unknown action %q: say list or rm\n", args[0])
	return ExitUsage
}

// splitHostPortDefault reads HOST, HOST:PORT, [V6] or [V6]:PORT.
func splitHostPortDefault(s string, def int) (string, int, error) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, fmt.Errorf("%q: the port must be a number from 1 to 65535", s)
		}
		return h, n, nil
	}
	if len(s) > 1 && s[0] == '[' && s[len(s)-1] == ']' {
		return s[1 : len(s)-1], def, nil
	}
	if s == "" {
		return "", 0, errors.New("no host given")
	}
	return s, def, nil
}
