package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/transfers"
)

// onePool gives the queue the command's single pool, whatever the site key.
type onePool struct{ p *session.Pool }

func (o onePool) Pool(ctx context.Context, site string) (*session.Pool, error) { return o.p, nil }

// transferFlags are get's and put's own flags.
type transferFlags struct {
	recursive  bool
	jobs       int
	onConflict string
	limitRate  byteRate
	conn       connFlags
}

func (t *transferFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&t.recursive, "r", false, "transfer folders with everything in them")
	fs.IntVar(&t.jobs, "j", 0, "transfers at once (default: as many as raise the throughput, up to the site's connection limit)")
	fs.Var(&t.limitRate, "limit-rate", "at most this many bytes a second, all transfers together (e.g. 500K, 20M; K = 1024)")
	fs.StringVar(&t.onConflict, "on-conflict", "", "when a file exists: overwrite, newer, size, resume, rename or skip (default: ask on a terminal, else skip)")
	t.conn.register(fs)
}

// get downloads remote files and folders into a local folder.
func (e *env) get(args []string) int { return e.transfer(transfers.Download, args) }

// put uploads local files and folders into a remote folder.
func (e *env) put(args []string) int { return e.transfer(transfers.Upload, args) }

// transfer runs get (Download) or put (Upload) and returns the exit code.
func (e *env) transfer(dir transfers.Direction, args []string) int {
	c, code := e.parseTransfer(dir, args)
	if c == nil {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return c.run(ctx)
}

// transferCmd is one run of get or put, as its command line asked.
type transferCmd struct {
	e       *env
	dir     transfers.Direction
	name    string // "get" or "put"
	flags   transferFlags
	policy  transfers.Action // Ask: ask on a terminal, else skip
	remotes []string         // the URL operands: the sources of get, put's target
	locals  []string         // the local operands: get's target, the sources of put
}

// parseTransfer reads get's or put's command line. On a mistake it says so
// and returns nil and the exit code.
func (e *env) parseTransfer(dir transfers.Direction, args []string) (*transferCmd, int) {
	c := &transferCmd{e: e, dir: dir, name: map[transfers.Direction]string{transfers.Download: "get", transfers.Upload: "put"}[dir]}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	c.flags.register(fs)
	if err := fs.Parse(interleave(args, fs)); err != nil {
		return nil, ExitUsage
	}
	if fs.NArg() < 2 {
		if dir == transfers.Download {
			fmt.Fprintln(e.stderr, "ferry get: give what to download and where, e.g. ferry get ftpes://user@host/report.pdf ~/Downloads")
		} else {
			fmt.Fprintln(e.stderr, "ferry put: give what to upload and where, e.g. ferry put report.pdf ftpes://user@host/incoming")
		}
		return nil, ExitUsage
	}
	c.policy = transfers.Ask
	if c.flags.onConflict != "" {
		a, err := transfers.ParseAction(c.flags.onConflict)
		if err != nil || a == transfers.Ask {
			fmt.Fprintf(e.stderr, "ferry %s: --on-conflict: use overwrite, newer, size, resume, rename or skip\n", c.name)
			return nil, ExitUsage
		}
		c.policy = a
	}
	operands := fs.Args()
	c.remotes, c.locals = operands[:len(operands)-1], operands[len(operands)-1:]
	if dir == transfers.Upload {
		c.remotes, c.locals = operands[len(operands)-1:], operands[:len(operands)-1]
	}
	return c, 0
}

// run connects, plans the jobs and runs them.
func (c *transferCmd) run(ctx context.Context) int {
	k, remotePaths, cfgDir, err := c.connect(ctx)
	if err != nil {
		return c.e.fail(err)
	}
	jobs := c.flags.jobs
	if jobs <= 0 {
		jobs = k.Site.Connections()
	}
	pool := session.NewPool(k.Dial, max(jobs, k.Site.Connections())) // segments may use the whole limit
	defer pool.Close()
	siteName := k.Site.Name
	if siteName == "" {
		siteName = hostPort(k.Site.Host, k.Site.EffectivePort())
	}
	specs, bad, err := c.plan(ctx, pool, siteName, remotePaths)
	if err != nil {
		return c.e.fail(err)
	}
	return c.runQueue(ctx, pool, jobs, cfgDir, specs, bad)
}

// planTries bounds how often planning starts over on a fresh browse
// connection after the server lost the last one.
const planTries = 3

// plan lists what to transfer over the browse connection. A listing that
// loses its connection (a server process that died) is asked again on a
// new one, as the queue does for a file, instead of failing the command.
func (c *transferCmd) plan(ctx context.Context, pool *session.Pool, siteName string, remotePaths []string) (specs []transfers.Spec, bad int, err error) {
	for try := 1; ; try++ {
		browse, err := pool.Browse(ctx)
		if err != nil {
			return nil, 0, err
		}
		if c.dir == transfers.Download {
			specs, bad, err = c.downloadSpecs(ctx, browse, siteName, remotePaths)
		} else {
			specs, bad, err = c.uploadSpecs(ctx, browse, siteName, remotePaths[0])
		}
		if err == nil || try == planTries || !errors.Is(err, session.ErrConnectionLost) || ctx.Err() != nil {
			return specs, bad, err
		}
	}
}

// connect makes the connector for the first remote operand and returns the
// paths of all of them, which must name the same server, and the config
// folder.
func (c *transferCmd) connect(ctx context.Context) (k *sites.Connector, paths []string, cfgDir string, err error) {
	k, _, err = c.e.connector(ctx, &c.flags.conn, c.remotes[0])
	if err != nil {
		return nil, nil, "", err
	}
	if cfgDir, err = config.Dir(); err != nil {
		return nil, nil, "", err
	}
	for _, r := range c.remotes {
		site, p, _, err := resolveTarget(cfgDir, r, c.flags.conn.allowPlain)
		if err != nil {
			return nil, nil, "", err
		}
		if site.Host != k.Site.Host || site.EffectivePort() != k.Site.EffectivePort() || site.User != k.Site.User {
			return nil, nil, "", usageError{fmt.Sprintf("%s and %s are on different servers: one server per command", c.remotes[0], r)}
		}
		paths = append(paths, p)
	}
	return k, paths, cfgDir, nil
}

// downloadSpecs makes a job of each remote path (relative to the login
// folder unless absolute); it counts the ones it refuses, saying why.
func (c *transferCmd) downloadSpecs(ctx context.Context, browse *session.Conn, siteName string, remotePaths []string) ([]transfers.Spec, int, error) {
	target, err := filepath.Abs(c.locals[0])
	if err != nil {
		return nil, 0, err
	}
	login := browse.LoginDir()
	var items []transfers.Item
	bad := 0
	for _, rel := range remotePaths {
		p := session.ResolvePath(login, rel)
		st, err := browse.Stat(ctx, p)
		if errors.Is(err, session.ErrConnectionLost) {
			return nil, 0, err // plan asks again on a new connection
		}
		if err != nil {
			fmt.Fprintf(c.e.stderr, "ferry: %v\n", err)
			bad++
			continue
		}
		if st.IsDir && !c.flags.recursive {
			fmt.Fprintf(c.e.stderr, "ferry: %s is a folder: pass -r to download it with everything in it\n", p)
			bad++
			continue
		}
		items = append(items, transfers.Item{Path: p, IsDir: st.IsDir, Size: st.Size, ModTime: st.ModTime})
	}
	// The login folder ("ftpes://host/") and "/" mean everything there.
	return transfers.Downloads("cli", siteName, items, target, login), bad, nil
}

// uploadSpecs makes the remote target folder (relative to the login folder
// unless absolute) and a job of each local operand; it counts the ones it
// refuses, saying why.
func (c *transferCmd) uploadSpecs(ctx context.Context, browse *session.Conn, siteName, remotePath string) ([]transfers.Spec, int, error) {
	dest := session.ResolvePath(browse.LoginDir(), remotePath)
	if err := browse.MkdirAll(ctx, dest); err != nil {
		return nil, 0, err
	}
	var items []transfers.Item
	bad := 0
	for _, l := range c.locals {
		abs, err := filepath.Abs(l)
		if err == nil {
			var fi os.FileInfo
			if fi, err = os.Stat(abs); err == nil {
				if fi.IsDir() && !c.flags.recursive {
					err = fmt.Errorf("%s is a folder: pass -r to upload it with everything in it", l)
				} else if !fi.IsDir() && !fi.Mode().IsRegular() {
					err = fmt.Errorf("%s is not a regular file", l)
				} else {
					items = append(items, transfers.Item{Path: abs, IsDir: fi.IsDir(), Size: fi.Size(), ModTime: fi.ModTime()})
				}
			}
		}
		if err != nil {
			fmt.Fprintf(c.e.stderr, "ferry: %v\n", err)
			bad++
		}
	}
	return transfers.Uploads("cli", siteName, items, dest), bad, nil
}

// runQueue runs specs in a queue over pool, with a progress line on a
// terminal, and sums up; bad counts the operands refused before.
func (c *transferCmd) runQueue(ctx context.Context, pool *session.Pool, jobs int, cfgDir string, specs []transfers.Spec, bad int) int {
	e := c.e
	p := &progress{out: e.stderr, mu: &e.termMu, tty: isTerminal(e.stderr)}
	var history *transfers.History
	if cfgDir != "" {
		history = transfers.OpenHistory(cfgDir)
	}
	var sum summary
	q := transfers.New(transfers.Config{
		Connections: onePool{pool}, Resolver: c.resolver(p), Concurrency: jobs, Adaptive: c.flags.jobs <= 0, History: history,
		Limits:   transfers.Limits{Down: max(int64(c.flags.limitRate), 0), Up: max(int64(c.flags.limitRate), 0)},
		Notify:   func(msg string) { p.println("ferry: " + msg) },
		OnRecord: sum.add,
	})
	defer q.Close()
	start := time.Now()
	q.Add(specs...)
	err := waitShowing(ctx, q, p)
	p.clear()
	if err != nil {
		fmt.Fprintln(e.stderr, "ferry: interrupted; partial files are kept and continue on the next run with --on-conflict resume")
		return ExitError
	}
	failed := q.FailedJobs()
	sum.print(e.stderr, c.dir, time.Since(start))
	for _, f := range failed {
		fmt.Fprintf(e.stderr, "  failed: %s: %s\n", f.Name, f.Err)
	}
	if len(failed) > 0 || bad > 0 || sum.failed > 0 {
		return ExitError
	}
	return ExitOK
}

// resolver answers "the target exists": the --on-conflict policy, else a
// question on the terminal, else skip.
func (c *transferCmd) resolver(p *progress) transfers.Resolver {
	switch {
	case c.policy != transfers.Ask:
		return transfers.Policy(c.policy)
	case c.e.interactive():
		return &termResolver{in: c.e.reader(), out: c.e.stderr, mu: &c.e.termMu, progress: p}
	}
	return transfers.Policy(transfers.Skip)
}

// waitShowing waits until q has nothing left to run, redrawing the
// progress line five times a second; it returns ctx's error when
// interrupted.
func waitShowing(ctx context.Context, q *transfers.Queue, p *progress) error {
	stop := showWhile(q, p)
	defer stop()
	return q.Wait(ctx)
}

// interleave lets flags follow the operands (ferry get URL dir -r), as
// people type them: flags are moved in front.
func interleave(args []string, fs *flag.FlagSet) []string {
	var flags, operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			operands = append(operands, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			operands = append(operands, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return append(flags, append([]string{"--"}, operands...)...)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// summary counts finished files for the closing line.
type summary struct {
	mu                   sync.Mutex
	ok, skipped, failed  int
	bytes                int64
	skippedBecauseExists int
}

func (s *summary) add(r transfers.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Outcome {
	case transfers.OutcomeOK:
		s.ok++
		s.bytes += r.Size
	case transfers.OutcomeSkipped:
		s.skipped++
		if r.Skip == transfers.SkippedExists {
			s.skippedBecauseExists++
		}
	default:
		s.failed++
	}
}

func (s *summary) print(w io.Writer, dir transfers.Direction, took time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	verb := "Downloaded"
	if dir == transfers.Upload {
		verb = "Uploaded"
	}
	rate := ""
	if secs := took.Seconds(); secs > 0 && s.bytes > 0 {
		rate = fmt.Sprintf(", %s/s", transfers.FormatSize(int64(float64(s.bytes)/secs)))
	}
	fmt.Fprintf(w, "%s %d %s (%s) in %s%s", verb, s.ok, plural(s.ok, "file", "files"), transfers.FormatSize(s.bytes), took.Round(time.Millisecond*10), rate)
	if s.skipped > 0 {
		fmt.Fprintf(w, "; skipped %d", s.skipped)
		if s.skippedBecauseExists > 0 {
			fmt.Fprintf(w, " (%d already there: see --on-conflict)", s.skippedBecauseExists)
		}
	}
	if s.failed > 0 {
		fmt.Fprintf(w, "; %d failed", s.failed)
	}
	fmt.Fprintln(w)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// progress draws one status line on a terminal (nothing otherwise).
type progress struct {
	out   io.Writer
	mu    *sync.Mutex
	tty   bool
	shown bool
}

func (p *progress) show(t transfers.Totals) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	line := progressLine(t, 40)
	fmt.Fprintf(p.out, "\r%s\x1b[K", line)
	p.shown = true
}

// progressLine renders totals as "[#####.....]  42%  12.3 MB of 29.0 MB  8.1 MB/s  0:02 left  3/10 files".
func progressLine(t transfers.Totals, width int) string {
	frac := 0.0
	if t.Total > 0 {
		frac = min(float64(t.Bytes)/float64(t.Total), 1)
	}
	bar := strings.Repeat("#", int(frac*float64(width))) + strings.Repeat(".", width-int(frac*float64(width)))
	s := fmt.Sprintf("[%s] %3.0f%%  %s of %s  %s/s", bar, frac*100, transfers.FormatSize(t.Bytes), transfers.FormatSize(t.Total), transfers.FormatSize(int64(t.Rate)))
	if t.ETA > 0 {
		s += fmt.Sprintf("  %s left", clock(t.ETA))
	}
	return s + fmt.Sprintf("  %d/%d files", t.Files, t.Count)
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
}

func (p *progress) clearLocked() {
	if p.shown {
		fmt.Fprint(p.out, "\r\x1b[K")
		p.shown = false
	}
}

// println prints a message above the progress line.
func (p *progress) println(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	fmt.Fprintln(p.out, msg)
}

// termResolver asks about existing files on the terminal.
type termResolver struct {
	in       interface{ ReadString(byte) (string, error) }
	out      io.Writer
	mu       *sync.Mutex
	progress *progress
}

var _ transfers.Resolver = (*termResolver)(nil)

func (r *termResolver) ResolveConflict(ctx context.Context, c transfers.Conflict) (transfers.Decision, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress.clearLocked()
	src, dst := "server", "here"
	if c.Direction == transfers.Upload {
		src, dst = "here", "server"
	}
	fmt.Fprintf(r.out, "%s already exists.\n", c.Target.Path)
	describe := func(label string, f transfers.FileStat) {
		when := "unknown"
		if !f.ModTime.IsZero() {
			when = f.ModTime.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(r.out, "  %-7s %s (%d bytes), modified %s\n", label+":", transfers.FormatSize(f.Size), f.Size, when)
	}
	describe("new ("+src+")", c.Source)
	describe("existing ("+dst+")", c.Target)
	keys := map[string]transfers.Action{"o": transfers.Overwrite, "n": transfers.OverwriteIfNewer, "d": transfers.OverwriteIfSizeDiffers,
		"r": transfers.Resume, "b": transfers.Rename, "s": transfers.Skip}
	for range 5 {
		fmt.Fprint(r.out, "[o]verwrite, if [n]ewer, if size [d]iffers, [r]esume, keep [b]oth, [s]kip; capital letter = for all files [s]: ")
		line, err := r.in.ReadString('\n')
		if err != nil && line == "" {
			return transfers.Decision{}, fmt.Errorf("no answer to the question about %s: %w", c.Target.Path, err)
		}
		if ctx.Err() != nil {
			return transfers.Decision{}, ctx.Err()
		}
		ans := strings.TrimSpace(line)
		if ans == "" {
			ans = "s"
		}
		if a, ok := keys[strings.ToLower(ans)]; ok && len(ans) == 1 {
			return transfers.Decision{Action: a, ApplyToAll: ans != strings.ToLower(ans)}, nil
		}
	}
	return transfers.Decision{}, errors.New("no valid answer: skipped")
}
