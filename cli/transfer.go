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
	conn       connFlags
}

func (t *transferFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&t.recursive, "r", false, "transfer folders with everything in them")
	fs.IntVar(&t.jobs, "j", 0, "transfers at once (default: the site's setting, else 4)")
	fs.StringVar(&t.onConflict, "on-conflict", "", "when a file exists: overwrite, newer, size, resume, rename or skip (default: ask on a terminal, else skip)")
	t.conn.register(fs)
}

// get downloads remote files and folders into a local folder.
func (e *env) get(args []string) int { return e.transfer(transfers.Download, args) }

// put uploads local files and folders into a remote folder.
func (e *env) put(args []string) int { return e.transfer(transfers.Upload, args) }

func (e *env) transfer(dir transfers.Direction, args []string) int {
	name := map[transfers.Direction]string{transfers.Download: "get", transfers.Upload: "put"}[dir]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var tf transferFlags
	tf.register(fs)
	if err := fs.Parse(interleave(args, fs)); err != nil {
		return ExitUsage
	}
	if fs.NArg() < 2 {
		if dir == transfers.Download {
			fmt.Fprintln(e.stderr, "ferry get: give what to download and where, e.g. ferry get ftpes://user@host/report.pdf ~/Downloads")
		} else {
			fmt.Fprintln(e.stderr, "ferry put: give what to upload and where, e.g. ferry put report.pdf ftpes://user@host/incoming")
		}
		return ExitUsage
	}
	policy := transfers.Ask
	if tf.onConflict != "" {
		a, err := transfers.ParseAction(tf.onConflict)
		if err != nil || a == transfers.Ask {
			fmt.Fprintf(e.stderr, "ferry %s: --on-conflict: use overwrite, newer, size, resume, rename or skip\n", name)
			return ExitUsage
		}
		policy = a
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	operands := fs.Args()
	remoteArgs, localArgs := operands[:len(operands)-1], operands[len(operands)-1:]
	if dir == transfers.Upload {
		remoteArgs, localArgs = operands[len(operands)-1:], operands[:len(operands)-1]
	}
	k, _, err := e.connector(ctx, &tf.conn, remoteArgs[0])
	if err != nil {
		return e.fail(err)
	}
	// Every remote operand must name the same server.
	cfgDir, err := config.Dir()
	if err != nil {
		return e.fail(err)
	}
	var remotePaths []string
	for _, r := range remoteArgs {
		site, p, _, err := resolveTarget(cfgDir, r, tf.conn.allowPlain)
		if err != nil {
			return e.fail(err)
		}
		if site.Host != k.Site.Host || site.EffectivePort() != k.Site.EffectivePort() || site.User != k.Site.User {
			return e.fail(usageError{fmt.Sprintf("%s and %s are on different servers: one server per command", remoteArgs[0], r)})
		}
		remotePaths = append(remotePaths, p)
	}
	jobs := tf.jobs
	if jobs <= 0 {
		jobs = k.Site.Connections()
	}
	pool := session.NewPool(k.Dial, jobs)
	defer pool.Close()
	browse, err := pool.Browse(ctx)
	if err != nil {
		return e.fail(err)
	}

	siteName := k.Site.Name
	if siteName == "" {
		siteName = hostPort(k.Site.Host, k.Site.EffectivePort())
	}
	// URL paths are relative to the login folder unless absolute.
	login := browse.LoginDir()
	var specs []transfers.Spec
	bad := 0
	if dir == transfers.Download {
		target, err := filepath.Abs(localArgs[0])
		if err != nil {
			return e.fail(err)
		}
		for _, rel := range remotePaths {
			p := session.ResolvePath(login, rel)
			st, err := browse.Stat(ctx, p)
			if err != nil {
				fmt.Fprintf(e.stderr, "ferry: %v\n", err)
				bad++
				continue
			}
			if st.IsDir && !tf.recursive {
				fmt.Fprintf(e.stderr, "ferry: %s is a folder: pass -r to download it with everything in it\n", p)
				bad++
				continue
			}
			// The login folder ("ftpes://host/") and "/" mean everything
			// there: their contents go straight into the local folder, as
			// with lftp mirror. Any other folder arrives under its name.
			contents := st.IsDir && (p == login || p == "/")
			specs = append(specs, transfers.Spec{Direction: dir, Site: "cli", SiteName: siteName,
				Remote: p, Local: target, IsDir: st.IsDir, Contents: contents, Size: st.Size, ModTime: st.ModTime})
		}
	} else {
		dest := session.ResolvePath(login, remotePaths[0])
		if err := browse.MkdirAll(ctx, dest); err != nil {
			return e.fail(err)
		}
		for _, l := range localArgs {
			abs, err := filepath.Abs(l)
			if err == nil {
				var fi os.FileInfo
				if fi, err = os.Stat(abs); err == nil {
					if fi.IsDir() && !tf.recursive {
						err = fmt.Errorf("%s is a folder: pass -r to upload it with everything in it", l)
					} else if !fi.IsDir() && !fi.Mode().IsRegular() {
						err = fmt.Errorf("%s is not a regular file", l)
					} else {
						specs = append(specs, transfers.Spec{Direction: dir, Site: "cli", SiteName: siteName,
							Local: abs, Remote: dest, IsDir: fi.IsDir(), Size: fi.Size(), ModTime: fi.ModTime()})
					}
				}
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "ferry: %v\n", err)
				bad++
			}
		}
	}

	p := &progress{out: e.stderr, mu: &e.termMu, tty: isTerminal(e.stderr)}
	var resolver transfers.Resolver = transfers.Policy(transfers.Skip)
	switch {
	case policy != transfers.Ask:
		resolver = transfers.Policy(policy)
	case e.interactive():
		resolver = &termResolver{in: e.reader(), out: e.stderr, mu: &e.termMu, progress: p}
	}
	var history *transfers.History
	if cfgDir != "" {
		history = transfers.OpenHistory(cfgDir)
	}
	var sum summary
	q := transfers.New(transfers.Config{
		Connections: onePool{pool}, Resolver: resolver, Concurrency: jobs, History: history,
		Notify:   func(msg string) { p.println("ferry: " + msg) },
		OnRecord: sum.add,
	})
	defer q.Close()
	start := time.Now()
	q.Add(specs...)
	done := make(chan error, 1)
	go func() { done <- q.Wait(ctx) }()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for waiting := true; waiting; {
		select {
		case err := <-done:
			waiting = false
			if err != nil {
				p.clear()
				fmt.Fprintln(e.stderr, "ferry: interrupted; partial files are kept and continue on the next run with --on-conflict resume")
				return ExitError
			}
		case <-tick.C:
			p.show(q.Totals())
		}
	}
	p.clear()
	failed := q.FailedJobs()
	sum.print(e.stderr, dir, time.Since(start))
	for _, f := range failed {
		fmt.Fprintf(e.stderr, "  failed: %s: %s\n", f.Name, f.Err)
	}
	if len(failed) > 0 || bad > 0 || sum.failed > 0 {
		return ExitError
	}
	return ExitOK
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
	switch {
	case r.OK():
		s.ok++
		s.bytes += r.Size
	case strings.HasPrefix(r.Result, "skipped"):
		s.skipped++
		if strings.Contains(r.Result, "exists") {
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
