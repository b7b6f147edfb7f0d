package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/transfers"
)

// patterns is a repeatable flag (--exclude A --exclude B).
type patterns []string

func (p *patterns) String() string     { return strings.Join(*p, ",") }
func (p *patterns) Set(s string) error { *p = append(*p, s); return nil }

// syncCmd is one run of ferry sync, as its command line asked.
type syncCmd struct {
	e         *env
	direction string
	delete    bool
	dryRun    bool
	checksum  bool
	compare   string
	limitRate byteRate
	exclude   patterns
	conn      connFlags
	local     string
	remote    string
}

// sync keeps a local folder and a remote folder in step.
func (e *env) sync(args []string) int {
	c := &syncCmd{e: e}
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&c.direction, "direction", "up", "up (local to remote), down (remote to local) or both")
	fs.BoolVar(&c.delete, "delete", false, "one way: delete on the target what the source does not have")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.StringVar(&c.compare, "compare", "size+time", "one way: what makes a file differ: size+time, size or time")
	fs.Var(&c.limitRate, "limit-rate", "at most this many bytes a second, all transfers together (e.g. 500K, 20M)")
	fs.BoolVar(&c.checksum, "checksum", false, "compare files of the same size by the server's checksum (HASH, XSHA256, ...), when it offers one")
	fs.Var(&c.exclude, "exclude", "leave matching names alone on both sides (repeatable): *.tmp, cache/, build/*.o")
	c.conn.register(fs)
	if err := fs.Parse(interleave(args, fs)); err != nil {
		return ExitUsage
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(e.stderr, "ferry sync: give a local folder and a remote one, e.g. ferry sync ~/prices ftpes://user@host/prices")
		return ExitUsage
	}
	c.local, c.remote = fs.Arg(0), fs.Arg(1)
	dir, err := transfers.ParseSyncDirection(c.direction)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferry sync: --direction: %v\n", err)
		return ExitUsage
	}
	mode, err := transfers.ParseCompareMode(c.compare)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferry sync: --compare: %v\n", err)
		return ExitUsage
	}
	if c.delete && dir == transfers.SyncBoth {
		fmt.Fprintln(e.stderr, "ferry sync: --delete is for one-way syncs; both ways carries the deletions it knows of")
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return c.run(ctx, transfers.SyncOptions{Direction: dir, Delete: c.delete, Exclude: c.exclude, Checksum: c.checksum, Compare: mode})
}

// run connects, plans, prints the plan and, unless a dry run, carries it
// out and sums up.
func (c *syncCmd) run(ctx context.Context, opts transfers.SyncOptions) int {
	t := &transferCmd{e: c.e, name: "sync", remotes: []string{c.remote}, flags: transferFlags{conn: c.conn}}
	k, paths, cfgDir, err := t.connect(ctx)
	if err != nil {
		return c.e.fail(err)
	}
	local, err := filepath.Abs(c.local)
	if err != nil {
		return c.e.fail(err)
	}
	pool := session.NewPool(k.Dial, k.Site.Connections())
	defer pool.Close()
	siteName := k.Site.Name
	if siteName == "" {
		siteName = hostPort(k.Site.Host, k.Site.EffectivePort())
	}
	browse, err := pool.Browse(ctx)
	if err != nil {
		return c.e.fail(err)
	}
	pair := transfers.SyncPair{Site: "cli", SiteName: siteName, Local: local,
		Remote:   session.ResolvePath(browse.LoginDir(), paths[0]),
		StateKey: k.Site.User + "@" + hostPort(k.Site.Host, k.Site.EffectivePort())}
	start := time.Now()
	plan, err := transfers.PlanSync(ctx, browse, pair, opts, cfgDir)
	if err != nil {
		return c.e.fail(err)
	}
	printPlan(c.e.stderr, plan, time.Since(start))
	if c.dryRun {
		if plan.Count(transfers.SyncConflict) > 0 {
			return ExitError
		}
		return ExitOK
	}
	return c.execute(ctx, pool, browse, plan, cfgDir)
}

// execute carries the plan out through a queue and sums up.
func (c *syncCmd) execute(ctx context.Context, pool *session.Pool, browse *session.Conn, plan *transfers.SyncPlan, cfgDir string) int {
	e := c.e
	p := &progress{out: e.stderr, mu: &e.termMu, tty: isTerminal(e.stderr)}
	var history *transfers.History
	if cfgDir != "" {
		history = transfers.OpenHistory(cfgDir)
	}
	q := transfers.New(transfers.Config{
		Connections: onePool{pool}, Resolver: transfers.Policy(transfers.Overwrite),
		Concurrency: pool.Limit(), Adaptive: true, History: history,
		Limits: transfers.Limits{Down: max(int64(c.limitRate), 0), Up: max(int64(c.limitRate), 0)},
		Notify: func(msg string) { p.println("ferry: " + msg) },
	})
	defer q.Close()
	start := time.Now()
	stopShowing := showWhile(q, p)
	res, err := plan.Execute(ctx, q, browse, plan.Actions)
	stopShowing()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(e.stderr, "ferry: interrupted; run the same sync again to finish it")
			return ExitError
		}
		return e.fail(err)
	}
	printResult(e.stderr, res, time.Since(start))
	if !res.OK() {
		return ExitError
	}
	return ExitOK
}

// showWhile redraws the progress line five times a second until the
// returned stop is called.
func showWhile(q *transfers.Queue, p *progress) (stop func()) {
	done := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.show(q.Totals())
			}
		}
	}()
	return func() { close(done); <-ended; p.clear() }
}

// printPlan prints every action and the totals.
func printPlan(w io.Writer, p *transfers.SyncPlan, took time.Duration) {
	for _, a := range p.Actions {
		fmt.Fprintf(w, "  %-12s %s  (%s)\n", a.Kind, a.Rel, a.Why)
	}
	for _, s := range p.Skipped {
		fmt.Fprintf(w, "  left out: %s\n", s)
	}
	fmt.Fprintf(w, "Plan (%s, %.1f s): %d to upload, %d to download (%s), %d to delete here, %d to delete there, %d conflicts; %d files in step\n",
		p.Direction, took.Seconds(), p.Count(transfers.SyncUpload), p.Count(transfers.SyncDownload),
		transfers.FormatSize(p.Bytes()), p.Count(transfers.SyncDeleteLocal), p.Count(transfers.SyncDeleteRemote),
		p.Count(transfers.SyncConflict), p.Same)
	if n := len(p.Partial); n > 0 {
		fmt.Fprintf(w, "  %d folders were listed incompletely: nothing in them is deleted\n", n)
	}
}

// printResult sums up a sync.
func printResult(w io.Writer, r transfers.SyncResult, took time.Duration) {
	trash := ""
	if r.Trashed > 0 {
		trash = fmt.Sprintf(" (%d to the trash)", r.Trashed)
	}
	fmt.Fprintf(w, "Synced in %.1f s: uploaded %d, downloaded %d, deleted %d here%s and %d there\n",
		took.Seconds(), r.Uploaded, r.Downloaded, r.DeletedHere, trash, r.DeletedThere)
	for _, a := range r.Conflicts {
		fmt.Fprintf(w, "  conflict, both copies kept: %s (%s)\n", a.Rel, a.Why)
	}
	for _, f := range r.Failed {
		fmt.Fprintf(w, "  failed: %s\n", f)
	}
}
