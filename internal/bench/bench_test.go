//go:build bench

// Package bench is Ferry's on-demand throughput benchmark: Ferry next to curl
// and lftp, each peer at its best settings, against the lab's real vsftpd and
// ProFTPD (explicit FTPS): on loopback, on a vsftpd capped at 10 MB/s per
// session, and on a vsftpd behind a 20 ms (each way) delay proxy; and how long
// planning a sync of 20,000 files already in step takes, next to lftp's mirror
// on the same tree (vsftpd on loopback). It is never
// built by CI (build tag bench); run it with scripts/bench.sh, as root, after
// `scripts/setup.sh test`.
//
// Environment:
//
//	BENCH_OUT=FILE     where the markdown report goes (default: a new folder in $TMPDIR)
//	BENCH_QUICK=1      64 MiB file, 20 MB capped and delayed file, 100-file tree (50 files
//	                   on the 20 ms path), 1 run: checks the harness in a few minutes
//	BENCH_RUNS=N       runs per measurement (default 3, quick 1); the median counts
//	BENCH_FERRY=PATH   use this ferry binary instead of building one from the repository
//	BENCH_ONLY=TEXT    only the workloads whose "case workload" label contains TEXT
//	                   ("loopback", "capped", "20 ms", "proftpd", "tree", "down", "tree up",
//	                   "sync plan")
package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
)

// config is the size of the benchmark.
type config struct {
	quick    bool
	bigSize  int64 // the loopback single file
	midSize  int64 // the single file of the capped server and the delayed path
	tree     tree  // the loopback tree
	pathTree tree  // the 20 ms path's tree: lftp moves some 10 files a second there
	plan     planTree
	runs     int
}

func loadConfig(t *testing.T) config {
	c := config{
		bigSize: 1 << 30, midSize: 200_000_000, runs: 3,
		tree:     tree{name: "tree", files: 1000, dirs: 10, fileSize: 16 << 10},
		pathTree: tree{name: "tree-path", files: 250, dirs: 5, fileSize: 16 << 10},
		plan:     planTree{name: "tree20k", files: 20_000},
	}
	if os.Getenv("BENCH_QUICK") == "1" {
		c.quick, c.bigSize, c.midSize, c.runs = true, 64<<20, 20_000_000, 1
		c.tree.files, c.pathTree.files = 100, 50
		c.plan = planTree{name: "tree2k", files: 2_000}
	}
	if s := os.Getenv("BENCH_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("BENCH_RUNS=%q: want a positive number", s)
		}
		c.runs = n
	}
	return c
}

// tool is one row's program with its settings, named as the report names it.
type tool string

const (
	ferryDefault tool = "ferry"
	ferryTLS12   tool = "ferry --tls12"
	curlGet      tool = "curl"
	lftpGet      tool = "lftp get"
	lftpPget4    tool = "lftp pget -n 4"
	lftpPget8    tool = "lftp pget -n 8"
	lftpPut      tool = "lftp put"
	// lftp's mirror with TLS 1.2 forced: at TLS 1.3 lftp stalls ~40 ms per
	// data connection (see the legend), so its best tree figures are at 1.2.
	lftpMirror12 tool = "lftp mirror -P4 TLS 1.2"
	lftpMirror   tool = "lftp mirror -P4"
	// Planning a sync of a tree in step: Ferry's dry run each way, and
	// lftp's mirror of only newer files, which lists and moves nothing.
	// lftp scans folders in parallel too: -P8 is its best there (at 20,000
	// files on 2 cores: TLS 1.2 -P1 ~4 s, -P4 and -P8 ~2.5 s; default TLS
	// -P1 ~14 s, -P4 ~4.4 s, -P8 ~3 s).
	ferryPlanDown  tool = "ferry sync --dry-run --direction down"
	ferryPlanUp    tool = "ferry sync --dry-run --direction up"
	lftpPlanDown12 tool = "lftp mirror -n -P8 TLS 1.2"
	lftpPlanUp12   tool = "lftp mirror -R -n -P8 TLS 1.2"
	lftpPlanDown   tool = "lftp mirror -n -P8"
	lftpPlanUp     tool = "lftp mirror -R -n -P8"
)

// program is the executable behind the tool: ferry, curl or lftp.
func (t tool) program() string {
	switch t {
	case ferryDefault, ferryTLS12, ferryPlanDown, ferryPlanUp:
		return "ferry"
	case curlGet:
		return "curl"
	}
	return "lftp"
}

// tls12 reports whether the tool is lftp with TLS 1.2 forced.
func (t tool) tls12() bool {
	return t == lftpMirror12 || t == lftpPlanDown12 || t == lftpPlanUp12
}

// planDown reports whether a sync-plan tool compares remote to local (down).
func (t tool) planDown() bool {
	return t == ferryPlanDown || t == lftpPlanDown12 || t == lftpPlanDown
}

// slug is the tool's name fit for a remote folder's.
func (t tool) slug() string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, string(t))
}

// source is a local file the benchmark moves, with its SHA-256.
type source struct {
	name string // the file's name, locally and on the servers
	size int64
	path string
	sum  [32]byte
}

// tree is a folder of small files the benchmark moves, named alike locally
// and in the servers' login folders: files files of fileSize bytes, spread
// evenly over dirs folders.
type tree struct {
	name     string
	files    int
	dirs     int
	fileSize int64
	path     string              // the local source folder
	sums     map[string][32]byte // SHA-256 by path relative to the tree, with slashes
}

func (tr *tree) bytes() int64 { return int64(tr.files) * tr.fileSize }

func (tr *tree) label() string {
	return fmt.Sprintf("tree %d × %s", tr.files, humanBytes(tr.fileSize))
}

// workload is one thing to move, by several tools in turn: a single file
// (src) or a tree; or a tree in step to compare (plan), each tool with its
// own direction.
type workload struct {
	label string
	down  bool
	src   *source
	tree  *tree
	plan  *planTree
	tools []tool
}

// fileWork is the workload moving src one way with tools.
func fileWork(src *source, down bool, tools ...tool) workload {
	return workload{label: "file " + humanBytes(src.size) + direction(down), down: down, src: src, tools: tools}
}

// treeWork is the workload moving tr one way with each tree tool.
func treeWork(tr *tree, down bool) workload {
	tools := []tool{ferryDefault, ferryTLS12, lftpMirror12, lftpMirror}
	return workload{label: tr.label() + direction(down), down: down, tree: tr, tools: tools}
}

// planWork is the workload planning a sync of the tree p, in step on both
// sides, each way: Ferry's dry run and lftp's mirror of only newer files.
func planWork(p *planTree) workload {
	tools := []tool{ferryPlanDown, ferryPlanUp, lftpPlanDown12, lftpPlanUp12, lftpPlanDown, lftpPlanUp}
	return workload{label: p.label(), plan: p, tools: tools}
}

func direction(down bool) string {
	if down {
		return " down"
	}
	return " up"
}

// benchCase is one server setup and what is measured against it.
type benchCase struct {
	label     string
	kind      ftpslab.Kind
	opts      ftpslab.Options
	delay     time.Duration // one way; 0: loopback
	workloads []workload
}

// cases lists every case of the benchmark, in the order they run.
func (b *bench) cases() []benchCase {
	loopback := []workload{
		fileWork(b.big, true, ferryDefault, curlGet, lftpPget4, lftpGet),
		fileWork(b.big, false, ferryDefault, curlGet, lftpPut),
		treeWork(&b.cfg.tree, true),
		treeWork(&b.cfg.tree, false),
	}
	vsftpd := append(slices.Clone(loopback), planWork(&b.cfg.plan))
	return []benchCase{
		{label: "vsftpd loopback", kind: ftpslab.VsftpdExplicit, workloads: vsftpd},
		{label: "proftpd loopback", kind: ftpslab.ProftpdExplicit, workloads: loopback},
		{label: "vsftpd capped 10 MB/s", kind: ftpslab.VsftpdExplicit, opts: ftpslab.Options{MaxRate: 10_000_000},
			workloads: []workload{
				fileWork(b.mid, true, ferryDefault, curlGet, lftpPget4, lftpPget8),
			}},
		{label: "vsftpd 20 ms path", kind: ftpslab.VsftpdExplicit, opts: ftpslab.Options{PasvAddress: ftpslab.DelayHost},
			delay: 20 * time.Millisecond,
			workloads: []workload{
				treeWork(&b.cfg.pathTree, true),
				treeWork(&b.cfg.pathTree, false),
				fileWork(b.mid, true, ferryDefault, curlGet, lftpPget4),
			}},
	}
}

// selected is the case's workloads whose "case workload" label contains only
// (every one when only is empty).
func (c benchCase) selected(only string) []workload {
	var ws []workload
	for _, w := range c.workloads {
		if strings.Contains(c.label+" "+w.label, only) {
			ws = append(ws, w)
		}
	}
	return ws
}

// row is one line of the report: a case, a workload and a tool.
type row struct {
	tool       tool
	down       bool
	src        *source // the single file, or nil
	tree       *tree   // the tree, or nil
	plan       *planTree
	bytes      int64 // per run
	files      int   // per run
	secs       []float64
	clientCPU  []float64 // the tool's user+system seconds
	machineCPU []float64 // busy seconds of all cores together
	planSecs   []float64 // Ferry's own planning time, from its plan line
	na         string    // why the tool did not run
	failed     string    // why a run failed
}

func (r *row) median() float64 { return median(r.secs) }

func (r *row) ok() bool { return r.na == "" && r.failed == "" && len(r.secs) > 0 }

// group is one workload of one case: the rows compared with each other.
type group struct {
	caseLabel, workload string
	tree                bool
	plan                bool // a sync plan: files compared, nothing moved
	rows                []*row
}

// find returns the group's row of tool t, or nil.
func (g *group) find(t tool) *row {
	for _, r := range g.rows {
		if r.tool == t {
			return r
		}
	}
	return nil
}

// bench holds what every measurement shares.
type bench struct {
	t        *testing.T
	cfg      config
	tmp      string
	env      []string          // for the tools: an isolated HOME and config
	ferry    string            // binary
	na       map[string]string // why a program's rows are n/a, by program
	big, mid *source
	uid, gid int // the lab account, owner of what the servers see
	groups   []*group
	notes    []string
}

func TestBench(t *testing.T) {
	cfg := loadConfig(t)
	b := &bench{t: t, cfg: cfg, tmp: t.TempDir(), na: map[string]string{}}
	out := os.Getenv("BENCH_OUT")
	if out == "" {
		dir, err := os.MkdirTemp("", "ferry-bench-")
		must(t, err)
		out = filepath.Join(dir, "bench.md")
	}
	acct, err := user.Lookup(ftpslab.User)
	if err != nil {
		t.Fatalf("the lab account %s is missing: run `scripts/setup.sh test` (as root): %v", ftpslab.User, err)
	}
	b.uid, _ = strconv.Atoi(acct.Uid)
	b.gid, _ = strconv.Atoi(acct.Gid)
	if err := labCanReach(os.TempDir(), b.uid, b.gid); err != nil {
		t.Fatal(err)
	}
	b.isolate()
	b.setupTools()
	b.makeSources()
	header := b.header()

	only := os.Getenv("BENCH_ONLY")
	for _, c := range b.cases() {
		ws := c.selected(only)
		if len(ws) == 0 {
			continue
		}
		t.Run(c.label, func(t *testing.T) { b.runCase(t, c, ws) })
	}

	b.notes = append(b.notes, "Load average at the end: "+loadAvg()+".")
	report := header + b.table() + b.legend()
	fmt.Print("\n" + report)
	must(t, os.MkdirAll(filepath.Dir(out), 0o755))
	must(t, os.WriteFile(out, []byte(report), 0o644))
	fmt.Printf("\nbench: report written to %s\n", out)
}

// isolate gives the tools an environment of their own: a fresh HOME, Ferry
// config folder and locale, none of the caller's tool settings.
func (b *bench) isolate() {
	home := filepath.Join(b.tmp, "home")
	must(b.t, os.MkdirAll(filepath.Join(home, "ferry-config"), 0o700))
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "HOME" || k == "LANG" || k == "LC_ALL" || strings.HasPrefix(k, "XDG_") ||
			strings.HasPrefix(k, "FERRY_") || strings.HasPrefix(k, "LFTP_") || k == "CURL_HOME" {
			continue
		}
		b.env = append(b.env, kv)
	}
	b.env = append(b.env, "HOME="+home, "LANG=C.UTF-8", "FERRY_CONFIG_DIR="+filepath.Join(home, "ferry-config"))
}

// setupTools builds Ferry (or takes BENCH_FERRY), checks that it runs, and
// finds curl and lftp.
func (b *bench) setupTools() {
	t := b.t
	if p := os.Getenv("BENCH_FERRY"); p != "" {
		b.ferry = p
	} else {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		must(t, err)
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
			t.Fatalf("cannot find the repository root from %s: %v", root, err)
		}
		b.ferry = filepath.Join(b.tmp, "ferry")
		// The main package includes the GUI, so this is a cgo build.
		cmd := exec.Command("go", "build", "-o", b.ferry, ".")
		cmd.Dir = root
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.na["ferry"] = "build failed"
			t.Errorf("go build of ferry failed: %v\n%s", err, out)
		} else {
			t.Logf("built ferry in %.1f s", time.Since(start).Seconds())
		}
	}
	if b.na["ferry"] == "" {
		cmd := exec.Command(b.ferry, "version")
		cmd.Env = b.env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.na["ferry"] = "cannot run ferry: " + err.Error()
			t.Errorf("%s\n%s", b.na["ferry"], out)
		}
	}
	for _, prog := range []string{"curl", "lftp"} {
		if _, err := exec.LookPath(prog); err != nil {
			b.na[prog] = prog + " is not installed"
			t.Errorf("%s is not installed: run `scripts/setup.sh test`", prog)
		}
	}
}

// makeSources writes the two single files and the trees of small files, and
// remembers their SHA-256. The data is a random 1 MiB block, each copy
// stamped with its offset (or file number) so no two are alike.
func (b *bench) makeSources() {
	t := b.t
	start := time.Now()
	block := make([]byte, 1<<20)
	must(t, fillRandom(block))
	dir := filepath.Join(b.tmp, "src")
	must(t, os.MkdirAll(dir, 0o755))
	b.big = writeSource(t, dir, "big.bin", b.cfg.bigSize, block)
	b.mid = writeSource(t, dir, "mid.bin", b.cfg.midSize, block)
	for _, tr := range []*tree{&b.cfg.tree, &b.cfg.pathTree} {
		writeTree(t, dir, tr, block)
	}
	t.Logf("sources: %s, %s, %d and %d files in %.1f s", humanBytes(b.big.size), humanBytes(b.mid.size),
		b.cfg.tree.files, b.cfg.pathTree.files, time.Since(start).Seconds())
}

// writeTree writes tr's files to dir/tr.name, each a slice of block stamped
// with its number, and fills in tr.path and tr.sums.
func writeTree(t *testing.T, dir string, tr *tree, block []byte) {
	tr.path = filepath.Join(dir, tr.name)
	tr.sums = map[string][32]byte{}
	perDir := (tr.files + tr.dirs - 1) / tr.dirs
	content := make([]byte, tr.fileSize)
	for i := 0; i < tr.files; i++ {
		rel := filepath.Join(fmt.Sprintf("d%02d", i/perDir), fmt.Sprintf("f%04d.bin", i))
		off := (i * 4099) % (len(block) - len(content))
		copy(content, block[off:])
		binary.LittleEndian.PutUint64(content, uint64(i))
		p := filepath.Join(tr.path, rel)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, content, 0o644))
		tr.sums[filepath.ToSlash(rel)] = sha256.Sum256(content)
	}
}

// writeSource writes size bytes of stamped copies of block to dir/name.
func writeSource(t *testing.T, dir, name string, size int64, block []byte) *source {
	s := &source{name: name, size: size, path: filepath.Join(dir, name)}
	f, err := os.Create(s.path)
	must(t, err)
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	buf := make([]byte, len(block))
	for off := int64(0); off < size; off += int64(len(buf)) {
		copy(buf, block)
		binary.LittleEndian.PutUint64(buf, uint64(off))
		n := min(int64(len(buf)), size-off)
		if _, err := w.Write(buf[:n]); err != nil {
			t.Fatal(err)
		}
	}
	must(t, w.Flush())
	must(t, f.Close())
	copy(s.sum[:], h.Sum(nil))
	return s
}

func fillRandom(p []byte) error {
	_, err := rand.Read(p)
	return err
}

// runCase starts the case's server (and delay proxy), offers the sources
// there and measures the workloads ws.
func (b *bench) runCase(t *testing.T, c benchCase, ws []workload) {
	if why := ftpslab.Missing(c.kind); why != "" {
		b.notes = append(b.notes, fmt.Sprintf("%s not measured: %s", c.label, why))
		t.Errorf("ftpslab: %s", why)
		return
	}
	srv := ftpslab.Start(t, c.kind, c.opts)
	s := &serverCtx{b: b, srv: srv, host: srv.Host, port: srv.Port, fingerprint: srv.FingerprintFlag(), dir: t.TempDir()}
	if c.delay > 0 {
		d := ftpslab.StartDelay(t, srv, c.delay)
		s.host, s.port = d.Host, d.Port
		t.Logf("delay proxy: %s", d)
	}
	// What the server offers for download, hard-linked where it can (no
	// second GiB on disk). srv.Root is the login folder.
	for _, src := range []*source{b.big, b.mid} {
		dst := filepath.Join(srv.Root, src.name)
		if err := os.Link(src.path, dst); err != nil {
			must(t, copyFile(src.path, dst))
		}
		must(t, os.Chown(dst, b.uid, b.gid))
	}
	for _, tr := range treesOf(ws) {
		must(t, b.copyTree(tr.path, filepath.Join(srv.Root, tr.name)))
	}
	must(t, os.WriteFile(filepath.Join(s.dir, "cert.pem"), srv.CertPEM, 0o644))
	netrc := fmt.Sprintf("machine %s login %s password %s\n", s.host, srv.User, srv.Password)
	must(t, os.WriteFile(filepath.Join(s.dir, "netrc"), []byte(netrc), 0o600))
	for _, w := range ws {
		if w.plan != nil {
			s.setupPlan(t, w.plan)
		}
	}

	for _, w := range ws {
		b.runWorkload(t, s, c.label, w)
	}
}

// treesOf lists the trees the workloads ws move, each once.
func treesOf(ws []workload) []*tree {
	var trees []*tree
	for _, w := range ws {
		if w.tree != nil && !slices.Contains(trees, w.tree) {
			trees = append(trees, w.tree)
		}
	}
	return trees
}

// runWorkload measures every tool of w, interleaved (ferry, curl, lftp,
// ferry, ...) so that a slow phase of the machine hits every tool alike.
func (b *bench) runWorkload(t *testing.T, s *serverCtx, caseLabel string, w workload) {
	g := &group{caseLabel: caseLabel, workload: w.label, tree: w.tree != nil, plan: w.plan != nil}
	b.groups = append(b.groups, g)
	for _, tl := range w.tools {
		r := &row{tool: tl, down: w.down, src: w.src, tree: w.tree, plan: w.plan, na: b.na[tl.program()]}
		switch {
		case w.plan != nil:
			r.down, r.files = tl.planDown(), w.plan.files
		case w.tree != nil:
			r.bytes, r.files = w.tree.bytes(), w.tree.files
		default:
			r.bytes, r.files = w.src.size, 1
		}
		g.rows = append(g.rows, r)
	}
	for run := 1; run <= b.cfg.runs; run++ {
		for _, r := range g.rows {
			if r.na == "" && r.failed == "" {
				s.measure(t, g, r, run)
			}
		}
	}
	if w.plan != nil {
		b.notePlan(g)
	}
}

// serverCtx is one running case: the server and where the tools connect.
type serverCtx struct {
	b           *bench
	srv         *ftpslab.Server
	host        string // the server's address, or the delay proxy's
	port        int
	fingerprint string // sha256:HEX
	dir         string // cert.pem, netrc, lftp scripts, the download folder
}

// url is Ferry's URL for path, relative to the login folder (RFC 1738).
func (s *serverCtx) url(path string) string {
	return fmt.Sprintf("ftpes://%s@%s:%d/%s", s.srv.User, s.host, s.port, path)
}

// target is where one run puts its result: a fresh local download folder,
// or a fresh folder in the login folder for uploads (remote is its name
// there, relative to the login folder).
type target struct{ local, remote string }

// prepare cleans up for one run and returns its target.
func (s *serverCtx) prepare(t *testing.T, r *row, run int) target {
	if r.plan != nil { // the trees stay in step: nothing to clean
		syscall.Sync()
		return target{}
	}
	tg := target{local: filepath.Join(s.dir, "dl")}
	must(t, os.RemoveAll(tg.local))
	if r.down {
		must(t, os.MkdirAll(tg.local, 0o755))
	} else {
		what := "tree"
		if r.src != nil {
			what = "file"
		}
		tg.remote = fmt.Sprintf("up-%s-%s-%d", r.tool.slug(), what, run)
		p := filepath.Join(s.srv.Root, tg.remote)
		must(t, os.RemoveAll(p))
		must(t, os.Mkdir(p, 0o755))
		must(t, os.Chown(p, s.b.uid, s.b.gid))
	}
	// Settle the previous run's writes so they do not slow this one.
	syscall.Sync()
	return tg
}

func (s *serverCtx) cleanup(tg target) {
	if tg.local != "" {
		os.RemoveAll(tg.local)
	}
	if tg.remote != "" {
		os.RemoveAll(filepath.Join(s.srv.Root, tg.remote))
	}
}

// verify checks the run's result against the source; out is the tail of
// the tool's output.
func (s *serverCtx) verify(r *row, tg target, out string) error {
	if r.plan != nil {
		return s.verifyPlan(r, out)
	}
	dir := tg.local
	if !r.down {
		dir = filepath.Join(s.srv.Root, tg.remote)
	}
	if r.tree != nil {
		return verifyTree(filepath.Join(dir, r.tree.name), r.tree)
	}
	return verifyFile(filepath.Join(dir, r.src.name), r.src)
}

// measure makes one run of one row: cleans the target, runs the tool, times
// it, verifies the result and deletes it.
func (s *serverCtx) measure(t *testing.T, g *group, r *row, run int) {
	b := s.b
	tg := s.prepare(t, r, run)
	defer s.cleanup(tg)
	argv, stdin, err := s.command(r, tg)
	must(t, err)
	timeout := 20 * time.Minute
	if b.cfg.quick {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	c.Env, c.Dir, c.WaitDelay = b.env, s.dir, 5*time.Second
	if stdin != "" {
		c.Stdin = strings.NewReader(stdin)
	}
	var output tailBuffer
	c.Stdout, c.Stderr = &output, &output

	before := machineBusy()
	start := time.Now()
	err = c.Run()
	secs := time.Since(start).Seconds()
	busy := machineBusy() - before

	what := fmt.Sprintf("%s, %s, %s, run %d/%d", g.caseLabel, g.workload, r.tool, run, b.cfg.runs)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("no result after %s: %w", timeout, err)
	}
	if err == nil {
		if err = s.verify(r, tg, output.String()); err != nil {
			err = fmt.Errorf("wrong result: %w", err)
		}
	}
	if err != nil {
		r.failed = fmt.Sprintf("run %d: %v", run, err)
		t.Errorf("%s: %v\n%s", what, err, output.String())
		if r.plan != nil { // in step again for the other tools
			s.resetPlan(t, r.plan)
		}
		return
	}
	r.secs = append(r.secs, secs)
	r.clientCPU = append(r.clientCPU, (c.ProcessState.UserTime() + c.ProcessState.SystemTime()).Seconds())
	r.machineCPU = append(r.machineCPU, busy)
	t.Logf("%s: %.2f s, %.1f MB/s, %.0f files/s", what, secs, float64(r.bytes)/secs/1e6, float64(r.files)/secs)
}

// command returns the argv and standard input for one run.
func (s *serverCtx) command(r *row, tg target) ([]string, string, error) {
	switch r.tool.program() {
	case "ferry":
		return s.ferryArgs(r, tg), s.srv.Password + "\n", nil
	case "curl":
		if r.tree != nil {
			return nil, "", fmt.Errorf("curl does not do trees")
		}
		return s.curlArgs(r, tg), "", nil
	}
	script, err := s.lftpScript(r, tg)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(s.dir, "lftp-script")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		return nil, "", err
	}
	return []string{"lftp", "-f", path}, "", nil
}

// ferryArgs runs Ferry with its defaults (its own connection count and
// segments), login-relative URLs.
func (s *serverCtx) ferryArgs(r *row, tg target) []string {
	if r.plan != nil {
		dir := map[bool]string{true: "down", false: "up"}[r.down]
		return []string{s.b.ferry, "sync", "--dry-run", "--direction", dir, "--password-stdin",
			"--fingerprint", s.fingerprint, s.planLocal(r.plan), s.url(r.plan.name)}
	}
	sub := "put"
	if r.down {
		sub = "get"
	}
	args := []string{s.b.ferry, sub}
	if r.tree != nil {
		args = append(args, "-r")
	}
	if r.tool == ferryTLS12 {
		args = append(args, "--tls12")
	}
	args = append(args, "--on-conflict", "overwrite", "--password-stdin", "--fingerprint", s.fingerprint)
	switch {
	case r.down && r.tree != nil:
		return append(args, s.url(r.tree.name), tg.local)
	case r.down:
		return append(args, s.url(r.src.name), tg.local)
	case r.tree != nil:
		return append(args, r.tree.path, s.url(tg.remote))
	}
	return append(args, r.src.path, s.url(tg.remote))
}

// curlArgs: ftp://host:port/PATH is relative to the login folder in curl too.
func (s *serverCtx) curlArgs(r *row, tg target) []string {
	base := fmt.Sprintf("ftp://%s:%d/", s.host, s.port)
	args := []string{"curl", "-q", "--silent", "--show-error", "--fail", "--ssl-reqd",
		"--cacert", filepath.Join(s.dir, "cert.pem"), "--netrc-file", filepath.Join(s.dir, "netrc")}
	if r.down {
		return append(args, "-o", filepath.Join(tg.local, r.src.name), base+r.src.name)
	}
	return append(args, "-T", r.src.path, base+tg.remote+"/"+r.src.name)
}

// lftpScript is the lftp script of one run; remote paths are relative to
// the login folder.
func (s *serverCtx) lftpScript(r *row, tg target) (string, error) {
	var cmd string
	switch r.tool {
	case lftpGet:
		cmd = fmt.Sprintf("get %s -o %s", lftpQuote(r.src.name), lftpQuote(filepath.Join(tg.local, r.src.name)))
	case lftpPget4, lftpPget8:
		n := map[tool]int{lftpPget4: 4, lftpPget8: 8}[r.tool]
		cmd = fmt.Sprintf("pget -n %d %s -o %s", n, lftpQuote(r.src.name), lftpQuote(filepath.Join(tg.local, r.src.name)))
	case lftpPut:
		cmd = fmt.Sprintf("put %s -o %s", lftpQuote(r.src.path), lftpQuote(tg.remote+"/"+r.src.name))
	case lftpMirror, lftpMirror12:
		name := r.tree.name
		if r.down {
			cmd = fmt.Sprintf("mirror --parallel=4 %s %s", lftpQuote(name), lftpQuote(filepath.Join(tg.local, name)))
		} else {
			cmd = fmt.Sprintf("mirror -R --parallel=4 %s %s", lftpQuote(r.tree.path), lftpQuote(tg.remote+"/"+name))
		}
	case lftpPlanDown12, lftpPlanDown:
		cmd = fmt.Sprintf("mirror --only-newer --parallel=8 %s %s", lftpQuote(r.plan.name), lftpQuote(s.planLocal(r.plan)))
	case lftpPlanUp12, lftpPlanUp:
		cmd = fmt.Sprintf("mirror -R --only-newer --parallel=8 %s %s", lftpQuote(s.planLocal(r.plan)), lftpQuote(r.plan.name))
	default:
		return "", fmt.Errorf("unknown tool %q", r.tool)
	}
	priority := ""
	if r.tool.tls12() {
		priority = `set ssl:priority "NORMAL:-VERS-TLS1.3"`
	}
	return strings.Join([]string{
		"set cmd:fail-exit yes",
		priority,
		"set ftp:ssl-force true",
		"set ftp:ssl-protect-data true",
		"set ftp:passive-mode on",
		"set ssl:ca-file " + lftpQuote(filepath.Join(s.dir, "cert.pem")),
		"set net:max-retries 1",
		"set net:timeout 30",
		"set xfer:clobber on",
		fmt.Sprintf("open -u %s -p %d ftp://%s", lftpQuote(s.srv.User+","+s.srv.Password), s.port, s.host),
		cmd,
		"",
	}, "\n"), nil
}

func lftpQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// verifyFile checks the copy's size and SHA-256 against the source.
func verifyFile(path string, src *source) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, make([]byte, 1<<20))
	if err != nil {
		return err
	}
	if n != src.size {
		return fmt.Errorf("%s: %d bytes, want %d", path, n, src.size)
	}
	if !bytes.Equal(h.Sum(nil), src.sum[:]) {
		return fmt.Errorf("%s: SHA-256 differs from the source's", path)
	}
	return nil
}

// verifyTree checks the copy root holds exactly tr's files, with the same
// contents: count, total bytes and each file's SHA-256.
func verifyTree(root string, tr *tree) error {
	files, total := 0, int64(0)
	var bad []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		total += int64(len(data))
		if want, ok := tr.sums[rel]; !ok {
			bad = append(bad, rel+" (unexpected)")
		} else if sha256.Sum256(data) != want {
			bad = append(bad, rel+" (content differs)")
		}
		return nil
	})
	if err != nil {
		return err
	}
	wantTotal := int64(len(tr.sums)) * tr.fileSize
	if files != len(tr.sums) || total != wantTotal || len(bad) > 0 {
		if len(bad) > 5 {
			bad = append(bad[:5], "...")
		}
		return fmt.Errorf("%s: %d files, %d bytes; want %d files, %d bytes; %s",
			root, files, total, len(tr.sums), wantTotal, strings.Join(bad, ", "))
	}
	return nil
}

// copyTree copies src to dst (hard links where it can), owned by the lab account.
func (b *bench) copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			if err := os.MkdirAll(to, 0o755); err != nil {
				return err
			}
		} else if err := os.Link(p, to); err != nil {
			if err := copyFile(p, to); err != nil {
				return err
			}
		}
		return os.Chown(to, b.uid, b.gid)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Planning a sync of a tree in step.

// planTree is the tree a sync plan compares: files files of planMinSize to
// planMaxSize bytes, planPerDir a folder, planPerTop folders in each top
// folder (two levels). The pristine copy (path) is written once; the local
// and the server's copies are copied from it, modification times kept.
type planTree struct {
	name  string
	files int
	path  string              // the pristine tree
	bytes int64               // all files together
	sums  map[string][32]byte // SHA-256 by path relative to the tree, with slashes
	stamp treeStamp           // of the pristine tree: both copies must keep it
}

const (
	planPerDir, planPerTop   = 100, 10
	planMinSize, planMaxSize = 64, 512
)

func (p *planTree) dirs() int { return (p.files + planPerDir - 1) / planPerDir }

func (p *planTree) label() string { return "sync plan " + thousands(p.files) + " files in step" }

// rel is file i's path relative to the tree, with slashes.
func (p *planTree) rel(i int) string {
	d := i / planPerDir
	return fmt.Sprintf("a%02d/b%d/f%05d.txt", d/planPerTop, d%planPerTop, i)
}

// writePlanTree writes p's files to dir/p.name, each a slice of block
// stamped with its number, and fills in p.path, p.bytes, p.sums and p.stamp.
func writePlanTree(t *testing.T, dir string, p *planTree, block []byte) {
	p.path = filepath.Join(dir, p.name)
	p.sums, p.bytes = map[string][32]byte{}, 0
	buf := make([]byte, planMaxSize)
	for i := 0; i < p.files; i++ {
		content := buf[:planMinSize+(i*37)%(planMaxSize-planMinSize+1)]
		copy(content, block[(i*4099)%(len(block)-planMaxSize):])
		binary.LittleEndian.PutUint64(content, uint64(i))
		rel := p.rel(i)
		f := filepath.Join(p.path, filepath.FromSlash(rel))
		if i%planPerDir == 0 {
			must(t, os.MkdirAll(filepath.Dir(f), 0o755))
		}
		must(t, os.WriteFile(f, content, 0o644))
		p.sums[rel] = sha256.Sum256(content)
		p.bytes += int64(len(content))
	}
	st, err := stampTree(p.path)
	must(t, err)
	p.stamp = st
}

// planLocal is the local copy of p the tools compare with the server's.
func (s *serverCtx) planLocal(p *planTree) string {
	return filepath.Join(s.dir, "sync-local", p.name)
}

// setupPlan writes p once (for the whole benchmark) and puts the copies in
// place: the local one and the server's, in its login folder.
func (s *serverCtx) setupPlan(t *testing.T, p *planTree) {
	if p.path == "" {
		start := time.Now()
		block := make([]byte, 1<<20)
		must(t, fillRandom(block))
		dir := filepath.Join(s.b.tmp, "src")
		must(t, os.MkdirAll(dir, 0o755))
		writePlanTree(t, dir, p, block)
		t.Logf("sync plan tree: %s in %.1f s", p.stamp, time.Since(start).Seconds())
	}
	s.resetPlan(t, p)
}

// resetPlan copies p afresh to both sides, modification times kept, the
// server's copy owned by the lab account, and checks both.
func (s *serverCtx) resetPlan(t *testing.T, p *planTree) {
	local, remote := s.planLocal(p), filepath.Join(s.srv.Root, p.name)
	for _, dst := range []string{local, remote} {
		must(t, os.RemoveAll(dst))
	}
	must(t, os.MkdirAll(filepath.Dir(local), 0o755))
	must(t, copyTreeTimes(p.path, local, -1, -1))
	must(t, copyTreeTimes(p.path, remote, s.b.uid, s.b.gid))
	for _, root := range []string{local, remote} {
		if st, err := stampTree(root); err != nil || st != p.stamp {
			t.Fatalf("sync plan: the copy %s is %s (%v), want %s", root, st, err, p.stamp)
		}
	}
}

// copyTreeTimes copies src to dst (real copies: the two sides must not
// share files), keeping every modification time, and with uid >= 0 owned
// by uid, gid.
func copyTreeTimes(src, dst string, uid, gid int) error {
	var dirs []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			dirs = append(dirs, rel)
			err = os.MkdirAll(to, 0o755)
		} else if err = copyFile(p, to); err == nil {
			err = keepTime(p, to)
		}
		if err == nil && uid >= 0 {
			err = os.Chown(to, uid, gid)
		}
		return err
	})
	// Folders last, deepest first: filling a folder changes its time.
	for i := len(dirs) - 1; i >= 0 && err == nil; i-- {
		err = keepTime(filepath.Join(src, dirs[i]), filepath.Join(dst, dirs[i]))
	}
	return err
}

// keepTime gives to the modification time of from.
func keepTime(from, to string) error {
	fi, err := os.Stat(from)
	if err != nil {
		return err
	}
	return os.Chtimes(to, fi.ModTime(), fi.ModTime())
}

// treeStamp sums a tree up cheaply: its files and folders, their bytes, and
// a SHA-256 of every file's path, size and modification time (nanoseconds).
type treeStamp struct {
	files, dirs int
	bytes       int64
	sum         [32]byte
}

func (st treeStamp) String() string {
	return fmt.Sprintf("%d files, %d folders, %d bytes, sizes and times %x", st.files, st.dirs, st.bytes, st.sum[:6])
}

func stampTree(root string) (treeStamp, error) {
	var st treeStamp
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		if d.IsDir() {
			st.dirs++
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", filepath.ToSlash(rel), fi.Size(), fi.ModTime().UnixNano())
		st.files++
		st.bytes += fi.Size()
		return nil
	})
	copy(st.sum[:], h.Sum(nil))
	return st, err
}

// verifyPlan checks that a sync-plan run moved and changed nothing: both
// trees keep their stamp, a sample of files its SHA-256; and that Ferry's
// plan is empty, every file in step. It keeps Ferry's own planning time.
func (s *serverCtx) verifyPlan(r *row, out string) error {
	p := r.plan
	for _, root := range []string{s.planLocal(p), filepath.Join(s.srv.Root, p.name)} {
		st, err := stampTree(root)
		if err != nil {
			return err
		}
		if st != p.stamp {
			return fmt.Errorf("%s changed: %s, want %s", root, st, p.stamp)
		}
		for i := 0; i < p.files; i += 97 {
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p.rel(i))))
			if err != nil {
				return err
			}
			if sha256.Sum256(data) != p.sums[p.rel(i)] {
				return fmt.Errorf("%s: %s: content changed", root, p.rel(i))
			}
		}
	}
	if r.tool.program() != "ferry" {
		return nil
	}
	secs, err := checkPlan(out, r.down, p.files)
	if err != nil {
		return err
	}
	r.planSecs = append(r.planSecs, secs)
	return nil
}

// planLine is the summary line of `ferry sync`'s plan.
var planLine = regexp.MustCompile(`^Plan \((\w+), ([0-9.]+) s\): (\d+) to upload, (\d+) to download \(([^)]*)\), ` +
	`(\d+) to delete here, (\d+) to delete there, (\d+) conflicts; (\d+) files in step$`)

// checkPlan parses Ferry's dry-run output: it must be the plan line alone,
// the right way, nothing to do and all files in step. It returns the
// planning seconds the line gives.
func checkPlan(out string, down bool, files int) (float64, error) {
	var m, other []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if mm := planLine.FindStringSubmatch(l); mm != nil && m == nil {
			m = mm
		} else if strings.TrimSpace(l) != "" {
			other = append(other, strings.TrimSpace(l))
		}
	}
	if m == nil {
		return 0, fmt.Errorf("no plan line in Ferry's output")
	}
	want := []string{map[bool]string{true: "down", false: "up"}[down], "0", "0", "0 B", "0", "0", "0", strconv.Itoa(files)}
	got := append([]string{m[1]}, m[3:]...)
	if !slices.Equal(got, want) || len(other) > 0 {
		if len(other) > 5 {
			other = append(other[:5], fmt.Sprintf("... %d lines more", len(other)-5))
		}
		return 0, fmt.Errorf("want an empty plan (%s, %d files in step), got %q; other lines: %q", want[0], files, m[0], other)
	}
	return strconv.ParseFloat(m[2], 64)
}

// notePlan adds a note with Ferry's own planning time: the plan line's,
// without starting up, connecting and logging in.
func (b *bench) notePlan(g *group) {
	var parts []string
	for _, t := range []tool{ferryPlanDown, ferryPlanUp} {
		if r := g.find(t); r != nil && r.ok() && len(r.planSecs) > 0 {
			parts = append(parts, fmt.Sprintf("%.2f s %s", median(r.planSecs), map[bool]string{true: "down", false: "up"}[r.down]))
		}
	}
	if len(parts) > 0 {
		b.notes = append(b.notes, fmt.Sprintf("%s: Ferry's own planning time (its plan line: listing and comparing, "+
			"after connecting and logging in), median: %s.", g.workload, strings.Join(parts, ", ")))
	}
}

// thousands writes n with commas between thousands: 20,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// machineBusy returns the seconds all cores together spent not idle since
// boot, from /proc/stat (0 when it cannot be read).
func machineBusy() float64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return 0
	}
	var busy float64
	// user nice system idle iowait irq softirq steal
	for i, f := range fields[1:8] {
		if i == 3 || i == 4 {
			continue
		}
		v, _ := strconv.ParseFloat(f, 64)
		busy += v
	}
	return busy / 100 // USER_HZ is 100 on Linux
}

// header describes the machine, the tools and the cases.
func (b *bench) header() string {
	var h strings.Builder
	mode := "full"
	if b.cfg.quick {
		mode = "quick (BENCH_QUICK=1)"
	}
	if only := os.Getenv("BENCH_ONLY"); only != "" {
		mode += fmt.Sprintf(", only %q (BENCH_ONLY)", only)
	}
	fmt.Fprintf(&h, "# Ferry throughput benchmark\n\n")
	fmt.Fprintf(&h, "- Date: %s\n", cmdLine("date", "-u"))
	fmt.Fprintf(&h, "- Machine: %s; %s, %d cores%s; %s RAM\n", cmdLine("uname", "-srm"), cpuModel(), runtime.NumCPU(), cpuFlags(), memTotal())
	fmt.Fprintf(&h, "- Go: %s\n", runtime.Version())
	fmt.Fprintf(&h, "- Load average at the start: %s (other work on the machine skews the figures)\n", loadAvg())
	fmt.Fprintf(&h, "- Ferry: %s\n", b.ferryVersion())
	fmt.Fprintf(&h, "- curl: %s\n", curlVersion())
	fmt.Fprintf(&h, "- lftp: %s\n", lftpVersion())
	fmt.Fprintf(&h, "- Servers: %s; %s\n", vsftpdVersion(), proftpdVersion())
	fmt.Fprintf(&h, "- Run: %s; median of %d run(s), interleaved tool by tool; explicit FTPS, passive mode; %s\n",
		mode, b.cfg.runs, storage())
	tr, pt, pl := &b.cfg.tree, &b.cfg.pathTree, &b.cfg.plan
	fmt.Fprintf(&h, "- Cases: *loopback*: vsftpd and ProFTPD on 127.0.0.1, a single file of %s and a tree of "+
		"%d files × %s in %d folders; *capped 10 MB/s*: vsftpd with local_max_rate=10000000 (per session), "+
		"a %s file; *20 ms path*: vsftpd behind a userspace delay proxy on %s adding 20 ms each way "+
		"(40 ms round trip) to the control and every data connection, a tree of %d files × %s in %d folders "+
		"and a %s file; *sync plan* (vsftpd on loopback): a tree of %d files of %d–%d B in %d folders "+
		"(%d × %d, two levels), the same on both sides with the same modification times\n\n",
		humanBytes(b.big.size), tr.files, humanBytes(tr.fileSize), tr.dirs,
		humanBytes(b.mid.size), ftpslab.DelayHost, pt.files, humanBytes(pt.fileSize), pt.dirs, humanBytes(b.mid.size),
		pl.files, planMinSize, planMaxSize, pl.dirs(), (pl.dirs()+planPerTop-1)/planPerTop, planPerTop)
	return h.String()
}

// storage says where the benchmark's files lived (sources, the servers'
// roots, download targets: all under $TMPDIR) and what that means.
func storage() string {
	dir := os.TempDir()
	fsType := cmdLine("stat", "-f", "-c", "%T", dir)
	if fsType == "tmpfs" {
		return fmt.Sprintf("files on tmpfs %s, so this measures protocol, TLS and CPU, not disks", dir)
	}
	return fmt.Sprintf("files on %s (%s), not a tmpfs: the file system's creates and deletes count in "+
		"(scripts/bench.sh uses /dev/shm when it has room; BENCH_TMP=DIR picks the folder)", fsType, dir)
}

// labCanReach checks that the lab account (uid, gid) may traverse dir and
// each of its parents: the lab servers' roots are made under dir.
func labCanReach(dir string, uid, gid int) error {
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		perm, st := fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t)
		ok := perm&0o001 != 0 ||
			int(st.Uid) == uid && perm&0o100 != 0 ||
			int(st.Gid) == gid && perm&0o010 != 0
		if !ok {
			return fmt.Errorf("the lab account %s cannot enter %s (mode %v): the servers' roots under %s "+
				"would be out of its reach; chmod o+x it or pick another TMPDIR/BENCH_TMP", ftpslab.User, d, fi.Mode(), dir)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// ferryVersion is `ferry version` and the repository's revision.
func (b *bench) ferryVersion() string {
	v := "n/a"
	if b.na["ferry"] != "build failed" && b.ferry != "" {
		c := exec.Command(b.ferry, "version")
		c.Env = b.env
		if out, err := c.Output(); err == nil {
			v = strings.TrimSpace(string(out))
		}
	}
	if rev := cmdLine("git", "-C", filepath.Join("..", ".."), "describe", "--always", "--dirty"); rev != "?" {
		v += " (" + rev + ")"
	}
	if why := b.na["ferry"]; why != "" {
		v += "; " + why
	}
	return v
}

// table is the markdown table of every row.
func (b *bench) table() string {
	var t strings.Builder
	t.WriteString("| Case | Workload | Tool | Median s | MB/s | Files/s | Ferry ÷ this | CPU s/GiB | Machine CPU | Runs (s) |\n")
	t.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, g := range b.groups {
		for _, r := range g.rows {
			cells := append([]string{g.caseLabel, g.workload, string(r.tool)}, rowCells(g, r)...)
			t.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
	}
	for _, n := range b.notes {
		t.WriteString("\n" + n + "\n")
	}
	return t.String()
}

// rowCells are the row's cells after Case, Workload and Tool.
func rowCells(g *group, r *row) []string {
	switch {
	case r.na != "":
		return []string{"n/a", "", "", "", "", "", r.na}
	case !r.ok():
		why := r.failed
		if why == "" {
			why = "no run"
		}
		return []string{"FAILED", "", "", "", "", "", strings.ReplaceAll(why, "|", "/")}
	}
	m := r.median()
	filesPerSec, mbPerSec := "–", fmt.Sprintf("%.1f", float64(r.bytes)/m/1e6)
	if g.tree || g.plan {
		filesPerSec = fmt.Sprintf("%.0f", float64(r.files)/m)
	}
	runs := make([]string, len(r.secs))
	perGiB := make([]float64, len(r.secs))
	for i, s := range r.secs {
		runs[i] = fmt.Sprintf("%.2f", s)
		perGiB[i] = r.clientCPU[i] / (float64(r.bytes) / (1 << 30))
	}
	cpu := fmt.Sprintf("%.1f", median(perGiB))
	if g.plan { // nothing moved: the tool's CPU seconds a run instead
		mbPerSec, cpu = "–", fmt.Sprintf("%.2f s", median(r.clientCPU))
	}
	return []string{
		fmt.Sprintf("%.2f", m),
		mbPerSec,
		filesPerSec,
		ratios(g, r),
		cpu,
		pct(r.machineCPU, r.secs),
		strings.Join(runs, " / "),
	}
}

// ratios is, on a peer's row, Ferry's throughput over the peer's: Ferry
// with its defaults, and on trees "default / --tls12". Above 1: Ferry is
// faster. Ferry's own rows have none.
func ratios(g *group, peer *row) string {
	if peer.tool.program() == "ferry" {
		return ""
	}
	if g.plan { // Ferry's dry run the same way as the peer's mirror
		f := g.find(map[bool]tool{true: ferryPlanDown, false: ferryPlanUp}[peer.down])
		if f == nil || !f.ok() {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", peer.median()/f.median())
	}
	ferries := []tool{ferryDefault}
	if g.tree {
		ferries = append(ferries, ferryTLS12)
	}
	var out []string
	for _, ft := range ferries {
		f := g.find(ft)
		if f == nil || !f.ok() {
			out = append(out, "n/a")
			continue
		}
		out = append(out, fmt.Sprintf("%.2f", peer.median()/f.median()))
	}
	return strings.Join(out, " / ")
}

// pct is the median CPU use over the wall time, in percent of one core.
func pct(cpu, secs []float64) string {
	if len(cpu) == 0 || len(cpu) != len(secs) {
		return ""
	}
	p := make([]float64, len(cpu))
	for i := range cpu {
		p[i] = cpu[i] / secs[i] * 100
	}
	return fmt.Sprintf("%.0f%%", median(p))
}

func (b *bench) legend() string {
	return `
Tools (each run: the target cleaned first, uploads into a fresh folder in the login folder; wall clock around
the process; the result verified by size and SHA-256, trees by file count, total bytes and each file's SHA-256;
every path relative to the login folder):

- ferry: ` + "`ferry get|put [-r] --on-conflict overwrite --password-stdin --fingerprint sha256:HEX ftpes://USER@HOST:PORT/PATH`" + `,
  Ferry's defaults (its connection limit of 8, segmented large downloads); ferry --tls12: the same with ` + "`--tls12`" + `
- curl: ` + "`curl --ssl-reqd --cacert CERT --netrc-file NETRC -o FILE ftp://HOST:PORT/FILE`" + `, ` + "`-T FILE`" + ` up (one connection)
- lftp: a script (` + "`lftp -f`" + `) with ftp:ssl-force, ftp:ssl-protect-data, passive mode, ssl:ca-file, net:max-retries 1,
  then ` + "`get`, `pget -n 4|8`, `put`, `mirror --parallel=4` / `mirror -R --parallel=4`" + `; pget -n 8 matches Ferry's 8 connections
- lftp mirror -P4 TLS 1.2: the same mirror with ` + "`set ssl:priority \"NORMAL:-VERS-TLS1.3\"`" + `, lftp's best for trees:
  lftp 4.9.2/GnuTLS stalls ~40 ms per data connection at TLS 1.3 (it sends its last handshake messages in two small writes with Nagle on).

- sync plan (a tree already in step, nothing to move; each run checks that both trees kept every file's size and
  modification time, and a sample's SHA-256): ` + "`ferry sync --dry-run --direction down|up --password-stdin --fingerprint sha256:HEX LOCAL ftpes://USER@HOST:PORT/TREE`" + `
  (Ferry lists each remote folder once and compares sizes and times; its plan line must say 0 to upload, download
  and delete, 0 conflicts and every file in step, or the run fails); lftp: ` + "`mirror --only-newer --parallel=8 TREE LOCAL`" + `
  (-n -P8) and ` + "`mirror -R --only-newer --parallel=8 LOCAL TREE`" + `, which list both sides and transfer nothing here,
  with TLS 1.2 forced (as on trees) and with lftp's default TLS; -P8 is lftp's best here (it lists folders in
  parallel: on 2 cores ~4 s at TLS 1.2 and ~14 s at its default TLS with one). Files/s: files compared a second.
  CPU s/GiB holds the tool's CPU seconds a run there (nothing moves). Target: planning 20,000 files in step takes
  under 3 s.

Ferry ÷ this: on a peer's row, Ferry's throughput divided by that peer's (Ferry with its defaults; on trees
"default / --tls12"; on the sync plan, Ferry's dry run the same way: down next to lftp mirror, up next to
mirror -R); above 1 means Ferry is faster.
CPU s/GiB: the tool's own user+system seconds (its process, from wait4) per GiB moved. Machine CPU: every process
on the machine (servers, kernel, tool, and on the 20 ms path the delay proxy inside the benchmark) over wall time,
in percent of one core (` + strconv.Itoa(runtime.NumCPU()) + ` cores = ` + strconv.Itoa(100*runtime.NumCPU()) + `%).
`
}

// Helpers for the header.

func cmdLine(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// cpuFlags names the instructions that matter to TLS and hashing speed.
func cpuFlags() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	var have []string
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(k) != "flags" {
			continue
		}
		flags := " " + v + " "
		for _, f := range []string{"aes", "vaes", "pclmulqdq", "avx2", "sha_ni"} {
			if strings.Contains(flags, " "+f+" ") {
				have = append(have, f)
			}
		}
		break
	}
	if len(have) == 0 {
		return ""
	}
	return " (" + strings.Join(have, ", ") + ")"
}

func memTotal() string {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return humanBytes(kb << 10)
		}
	}
	return "?"
}

// loadAvg is the 1, 5 and 15 minute load averages.
func loadAvg() string {
	load, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(load)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

// curlVersion is curl's version and its TLS library.
func curlVersion() string {
	f := strings.Fields(cmdLine("curl", "--version"))
	if len(f) < 2 {
		return "?"
	}
	v := f[0] + " " + f[1]
	for _, lib := range f[2:] {
		if strings.HasPrefix(lib, "OpenSSL/") || strings.HasPrefix(lib, "GnuTLS/") || strings.HasPrefix(lib, "wolfSSL/") || strings.HasPrefix(lib, "mbedTLS/") {
			v += " (" + lib + ")"
		}
	}
	return v
}

// lftpVersion is lftp's version and its TLS library.
func lftpVersion() string {
	out, err := exec.Command("lftp", "--version").Output()
	if err != nil {
		return "?"
	}
	v := "?"
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "LFTP | ") {
			f := strings.Split(l, " | ")
			if len(f) >= 2 {
				v = "lftp " + strings.TrimPrefix(f[1], "Version ")
			}
		}
		if rest, ok := strings.CutPrefix(l, "Libraries used: "); ok {
			for _, lib := range strings.Split(rest, ", ") {
				if strings.HasPrefix(lib, "GnuTLS") || strings.HasPrefix(lib, "OpenSSL") {
					v += " (" + lib + ")"
				}
			}
		}
	}
	return v
}

func vsftpdVersion() string {
	// vsftpd -v writes its version to file descriptor 0.
	v := cmdLine("sh", "-c", "/usr/sbin/vsftpd -v 0>&1")
	if pkg := cmdLine("dpkg-query", "-W", "-f", "${Version}", "vsftpd"); pkg != "?" && pkg != "" {
		v += " (Debian " + pkg + ")"
	}
	return v
}

func proftpdVersion() string {
	root := filepath.Join(ftpslab.LabDir(), "root")
	c := exec.Command(filepath.Join(root, "usr/sbin/proftpd"), "-v")
	c.Env = append(os.Environ(), "LD_LIBRARY_PATH="+filepath.Join(root, "usr/lib/x86_64-linux-gnu"))
	v := "ProFTPD ?"
	if out, err := c.Output(); err == nil {
		v = strings.TrimSpace(string(out))
	}
	if debs, _ := filepath.Glob(filepath.Join(ftpslab.LabDir(), "debs", "proftpd-core_*.deb")); len(debs) == 1 {
		parts := strings.Split(filepath.Base(debs[0]), "_")
		if len(parts) >= 2 {
			v += " (Debian " + parts[1] + ")"
		}
	}
	return v
}

// Small helpers.

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1e6 && n%1e6 == 0:
		return fmt.Sprintf("%d MB", n/1e6)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// tailBuffer keeps the last 8 KiB written to it, for error messages.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 8<<10 {
		t.b = append([]byte(nil), t.b[len(t.b)-8<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// TestLabHold keeps one lab server up for profiling by hand
// (BENCH_HOLD=vsftpd-explicit; BENCH_HOLD_RATE=10000000 caps it at that many
// bytes a second per session, BENCH_HOLD_DELAY=20ms puts the delay proxy in
// front of it): it prints the URL, password and fingerprint, serves a 1 GiB
// big.bin, and stops when /tmp/ferry-bench-stop appears or after 20 minutes.
func TestLabHold(t *testing.T) {
	kind := ftpslab.Kind(os.Getenv("BENCH_HOLD"))
	if kind == "" {
		t.Skip("set BENCH_HOLD to a lab kind")
	}
	var opts ftpslab.Options
	if s := os.Getenv("BENCH_HOLD_RATE"); s != "" {
		rate, err := strconv.ParseInt(s, 10, 64)
		must(t, err)
		opts.MaxRate = rate
	}
	var delay time.Duration
	if s := os.Getenv("BENCH_HOLD_DELAY"); s != "" {
		var err error
		delay, err = time.ParseDuration(s)
		must(t, err)
		opts.PasvAddress = ftpslab.DelayHost
	}
	srv := ftpslab.Start(t, kind, opts)
	host, port := srv.Host, srv.Port
	if delay > 0 {
		d := ftpslab.StartDelay(t, srv, delay)
		host, port = d.Host, d.Port
	}
	acct, err := user.Lookup(ftpslab.User)
	must(t, err)
	uid, _ := strconv.Atoi(acct.Uid)
	gid, _ := strconv.Atoi(acct.Gid)
	block := make([]byte, 1<<20)
	must(t, fillRandom(block))
	big := writeSource(t, srv.Root, "big.bin", 1<<30, block)
	must(t, os.Chown(big.path, uid, gid))
	fmt.Printf("HOLD ftpes://%s@%s:%d/big.bin password=%s fingerprint=%s\n", srv.User, host, port, srv.Password, srv.FingerprintFlag())
	os.Remove("/tmp/ferry-bench-stop")
	for range 1200 {
		if _, err := os.Stat("/tmp/ferry-bench-stop"); err == nil {
			return
		}
		time.Sleep(time.Second)
	}
}
