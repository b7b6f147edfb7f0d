package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os/signal"
	"sort"
	"strconv"
	"syscall"
)

func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

// ls lists a remote folder.
func (e *env) ls(args []string) int {
	fs := flag.NewFlagSet("ls", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	long := fs.Bool("l", false, "long listing: permissions, size, modification time")
	var cf connFlags
	cf.register(fs)
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "ferry ls: give one URL, e.g. ferry ls ftpes://user@host/folder")
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	c, dir, err := e.connect(ctx, &cf, fs.Arg(0))
	if err != nil {
		return e.fail(err)
	}
	defer c.Close()
	l, err := c.List(ctx, dir)
	if err != nil {
		return e.fail(err)
	}
	entries := l.Entries
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].IsDir != entries[j].IsDir {
			return entries[i].IsDir
		}
		return entries[i].Name < entries[j].Name
	})
	for _, en := range entries {
		name := en.Name
		if en.IsDir {
			name += "/"
		}
		if en.IsLink && en.Target != "" {
			name += " -> " + en.Target
		}
		if !*long {
			fmt.Fprintln(e.stdout, name)
			continue
		}
		kind, perm := "-", en.Perm
		switch {
		case en.IsDir:
			kind = "d"
		case en.IsLink:
			kind = "l"
		}
		if perm == "" {
			perm = "?????????"
		}
		when := "                "
		if !en.ModTime.IsZero() {
			when = en.ModTime.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(e.stdout, "%s%s %12d %s %s\n", kind, perm, en.Size, when, name)
	}
	if n := len(l.Unreadable); n > 0 {
		fmt.Fprintf(e.stderr, "ferry: %d line(s) of the server's listing could not be read:\n", n)
		for _, line := range l.Unreadable {
			fmt.Fprintf(e.stderr, "  %q\n", line)
		}
	}
	return ExitOK
}
