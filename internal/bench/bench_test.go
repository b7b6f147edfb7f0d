//go:build bench

// Package bench is Ferry's on-demand throughput benchmark: Ferry next to curl
// and lftp, against the lab's real vsftpd and ProFTPD (explicit FTPS) on
// 127.0.0.1. It is never built by CI (build tag bench); run it with
// scripts/bench.sh, as root, after `scripts/setup.sh test`.
//
// Environment:
//
//	BENCH_OUT=FILE     where the markdown report goes (default: a new folder in $TMPDIR)
//	BENCH_QUICK=1      a 64 MiB file, a 100-file tree and 1 run, to check the harness
//	BENCH_RUNS=N       runs per measurement (default 3, quick 1); the median counts
//	BENCH_FERRY=PATH   use this ferry binary instead of building one from the repository
//	BENCH_ONLY=TEXT    only the workloads whose label contains TEXT ("down", "tree")
package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
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
	quick     bool
	bigSize   int64 // the single file
	treeFiles int   // files in the tree, spread over treeDirs folders
	treeDirs  int
	fileSize  int64 // each tree file
	runs      int
}

func loadConfig(t *testing.T) config {
	c := config{bigSize: 1 << 30, treeFiles: 1000, treeDirs: 10, fileSize: 16 << 10, runs: 3}
	if os.Getenv("BENCH_QUICK") == "1" {
		c.quick, c.bigSize, c.treeFiles, c.runs = true, 64<<20, 100, 1
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

func (c config) bigLabel() string { return "file " + humanBytes(c.bigSize) }
func (c config) treeLabel() string {
	return fmt.Sprintf("tree %d × %s", c.treeFiles, humanBytes(c.fileSize))
}

// The benchmarked endpoints.
var kinds = []ftpslab.Kind{ftpslab.VsftpdExplicit, ftpslab.ProftpdExplicit}

// Tools.
const (
	toolFerry = "ferry"
	toolCurl  = "curl"
	toolLftp  = "lftp"
	// lftp limited to TLS 1.2, for trees: with TLS 1.3 lftp stalls ~40 ms
	// per data connection (see legend), which makes its tree figures slow.
	toolLftp12 = "lftp-tls12"
)

// row is one line of the report: a server, a workload and a tool.
type row struct {
	server, workload, tool string
	down, tree             bool
	bytes                  int64 // per run
	files                  int   // per run
	secs                   []float64
	clientCPU              []float64 // the tool's user+system seconds
	machineCPU             []float64 // busy seconds of all cores together
	na                     string    // why the tool did not run
	failed                 string    // why a run failed
}

func (r *row) median() float64 { return median(r.secs) }

// bench holds what every measurement shares.
type bench struct {
	t        *testing.T
	cfg      config
	tmp      string
	env      []string // for the tools: an isolated HOME and config
	ferry    string   // binary
	ferryNA  string   // why Ferry's rows are n/a
	curlNA   string
	lftpNA   string
	bigSrc   string // local 1 GiB source
	bigSum   [32]byte
	treeSrc  string // local folder "tree"
	treeSums map[string][32]byte
	uid, gid int // the lab account, owner of what the servers see
	rows     []*row
	notes    []string
}

func TestBench(t *testing.T) {
	cfg := loadConfig(t)
	tmp := t.TempDir()
	b := &bench{t: t, cfg: cfg, tmp: tmp}

	out := os.Getenv("BENCH_OUT")
	if out == "" {
		dir, err := os.MkdirTemp("", "ferry-bench-")
		if err != nil {
			t.Fatal(err)
		}
		out = filepath.Join(dir, "bench.md")
	}

	acct, err := user.Lookup(ftpslab.User)
	if err != nil {
		t.Fatalf("the lab account %s is missing: run `scripts/setup.sh test` (as root): %v", ftpslab.User, err)
	}
	b.uid, _ = strconv.Atoi(acct.Uid)
	b.gid, _ = strconv.Atoi(acct.Gid)

	home := filepath.Join(tmp, "home")
	must(t, os.MkdirAll(filepath.Join(home, "ferry-config"), 0o700))
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "HOME" || k == "LANG" || k == "LC_ALL" || strings.HasPrefix(k, "XDG_") ||
			strings.HasPrefix(k, "FERRY_") || strings.HasPrefix(k, "LFTP_") || k == "CURL_HOME" {
			continue
		}
		b.env = append(b.env, kv)
	}
	b.env = append(b.env, "HOME="+home, "LANG=C.UTF-8", "FERRY_CONFIG_DIR="+filepath.Join(home, "ferry-config"))

	b.setupTools()
	b.makeSources()
	header := b.header()

	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			if why := ftpslab.Missing(kind); why != "" {
				b.notes = append(b.notes, fmt.Sprintf("%s not measured: %s", kind, why))
				t.Errorf("ftpslab: %s", why)
				return
			}
			srv := ftpslab.Start(t, kind)
			b.server(t, srv)
		})
	}

	b.notes = append(b.notes, "Load average at the end: "+loadAvg()+".")
	report := header + b.table() + b.legend()
	fmt.Print("\n" + report)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\nbench: report written to %s\n", out)
}

// setupTools builds Ferry (or takes BENCH_FERRY), checks whether it has get
// and put yet, and finds curl and lftp.
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
		cmd := exec.Command("go", "build", "-o", b.ferry, ".")
		cmd.Dir = root
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.ferryNA = "build failed"
			t.Errorf("go build of ferry failed: %v\n%s", err, out)
		} else {
			t.Logf("built ferry in %.1f s", time.Since(start).Seconds())
		}
	}
	if b.ferryNA == "" {
		for _, sub := range []string{"get", "put"} {
			cmd := exec.Command(b.ferry, sub)
			cmd.Env = b.env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if errors.As(err, &ee) && ee.ExitCode() == 2 && strings.Contains(stderr.String(), "unknown command") {
				b.ferryNA = "ferry has no `get`/`put` yet"
				t.Logf("ferry: %s; Ferry's rows are n/a", b.ferryNA)
				break
			}
			if err != nil && (ee == nil) {
				b.ferryNA = "cannot run ferry: " + err.Error()
				t.Errorf("%s", b.ferryNA)
				break
			}
		}
	}
	if _, err := exec.LookPath("curl"); err != nil {
		b.curlNA = "curl is not installed"
		t.Errorf("curl is not installed: run `scripts/setup.sh test`")
	}
	if _, err := exec.LookPath("lftp"); err != nil {
		b.lftpNA = "lftp is not installed"
		t.Errorf("lftp is not installed: run `scripts/setup.sh test`")
	}
}

// makeSources writes the single file (a random 1 MiB block repeated, each
// copy stamped with its index so no two MiB are alike) and the tree of
// small files, and remembers their SHA-256.
func (b *bench) makeSources() {
	t := b.t
	start := time.Now()
	block := make([]byte, 1<<20)
	must(t, fillRandom(block))

	b.bigSrc = filepath.Join(b.tmp, "src", "big.bin")
	must(t, os.MkdirAll(filepath.Dir(b.bigSrc), 0o755))
	f, err := os.Create(b.bigSrc)
	must(t, err)
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	buf := make([]byte, len(block))
	for off := int64(0); off < b.cfg.bigSize; off += int64(len(buf)) {
		copy(buf, block)
		binary.LittleEndian.PutUint64(buf, uint64(off))
		n := int64(len(buf))
		if rest := b.cfg.bigSize - off; rest < n {
			n = rest
		}
		if _, err := w.Write(buf[:n]); err != nil {
			t.Fatal(err)
		}
	}
	must(t, w.Flush())
	must(t, f.Close())
	copy(b.bigSum[:], h.Sum(nil))

	b.treeSrc = filepath.Join(b.tmp, "src", "tree")
	b.treeSums = map[string][32]byte{}
	perDir := (b.cfg.treeFiles + b.cfg.treeDirs - 1) / b.cfg.treeDirs
	content := make([]byte, b.cfg.fileSize)
	for i := 0; i < b.cfg.treeFiles; i++ {
		rel := filepath.Join(fmt.Sprintf("d%02d", i/perDir), fmt.Sprintf("f%04d.bin", i))
		off := (i * 4099) % (len(block) - len(content))
		copy(content, block[off:])
		binary.LittleEndian.PutUint64(content, uint64(i))
		p := filepath.Join(b.treeSrc, rel)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, content, 0o644))
		b.treeSums[filepath.ToSlash(rel)] = sha256.Sum256(content)
	}
	t.Logf("sources: %s and %d files in %.1f s", humanBytes(b.cfg.bigSize), b.cfg.treeFiles, time.Since(start).Seconds())
}

func fillRandom(p []byte) error {
	_, err := rand.Read(p)
	return err
}

// server runs every workload against one lab server.
func (b *bench) server(t *testing.T, srv *ftpslab.Server) {
	// What the server offers for download: the single file, hard-linked
	// (no second GiB on disk), and the tree.
	remoteBig := filepath.Join(srv.Root, "big.bin")
	if err := os.Link(b.bigSrc, remoteBig); err != nil {
		must(t, copyFile(b.bigSrc, remoteBig))
	}
	must(t, os.Chown(remoteBig, b.uid, b.gid))
	must(t, b.copyTree(b.treeSrc, filepath.Join(srv.Root, "tree")))
	defer os.Remove(remoteBig)

	fp := srv.Fingerprint()
	s := &serverCtx{b: b, srv: srv, fingerprint: "sha256:" + hex.EncodeToString(fp[:]), dir: t.TempDir()}
	must(t, os.WriteFile(filepath.Join(s.dir, "cert.pem"), srv.CertPEM, 0o644))
	netrc := fmt.Sprintf("machine %s login %s password %s\n", srv.Host, srv.User, srv.Password)
	must(t, os.WriteFile(filepath.Join(s.dir, "netrc"), []byte(netrc), 0o600))

	type wl struct {
		label      string
		down, tree bool
		tools      []string
	}
	workloads := []wl{
		{b.cfg.bigLabel() + " down", true, false, []string{toolFerry, toolCurl, toolLftp}},
		{b.cfg.bigLabel() + " up", false, false, []string{toolFerry, toolCurl, toolLftp}},
		{b.cfg.treeLabel() + " down", true, true, []string{toolFerry, toolLftp, toolLftp12}},
		{b.cfg.treeLabel() + " up", false, true, []string{toolFerry, toolLftp, toolLftp12}},
	}
	only := os.Getenv("BENCH_ONLY")
	for _, w := range workloads {
		if only != "" && !strings.Contains(w.label, only) {
			continue
		}
		var rows []*row
		for _, tool := range w.tools {
			r := &row{server: string(srv.Kind), workload: w.label, tool: tool, down: w.down, tree: w.tree,
				bytes: b.cfg.bigSize, files: 1}
			if w.tree {
				r.bytes, r.files = int64(b.cfg.treeFiles)*b.cfg.fileSize, b.cfg.treeFiles
			}
			switch tool {
			case toolFerry:
				r.na = b.ferryNA
			case toolCurl:
				r.na = b.curlNA
			case toolLftp, toolLftp12:
				r.na = b.lftpNA
			}
			rows = append(rows, r)
			b.rows = append(b.rows, r)
		}
		// Runs are interleaved (ferry, curl, lftp, ferry, ...) so that a
		// slow phase of the machine hits every tool alike.
		for run := 1; run <= b.cfg.runs; run++ {
			for _, r := range rows {
				if r.na != "" || r.failed != "" {
					continue
				}
				s.measure(t, r, run)
			}
		}
	}
}

type serverCtx struct {
	b           *bench
	srv         *ftpslab.Server
	fingerprint string
	dir         string // cert.pem, netrc, lftp scripts, the download folder
}

func (s *serverCtx) url(path string) string {
	return fmt.Sprintf("ftpes://%s@%s:%d%s", s.srv.User, s.srv.Host, s.srv.Port, path)
}

// measure makes one run of one row: cleans the target, runs the tool, times
// it, verifies the result and deletes it.
func (s *serverCtx) measure(t *testing.T, r *row, run int) {
	b := s.b
	local := filepath.Join(s.dir, "dl") // downloads land here
	var remoteDir string                // uploads go into this fresh folder ("/up-...")
	if r.down {
		must(t, os.RemoveAll(local))
		must(t, os.MkdirAll(local, 0o755))
	} else {
		kind := "file"
		if r.tree {
			kind = "tree"
		}
		remoteDir = fmt.Sprintf("/up-%s-%s-%d", r.tool, kind, run)
		p := filepath.Join(s.srv.Root, remoteDir)
		must(t, os.RemoveAll(p))
		must(t, os.Mkdir(p, 0o755))
		must(t, os.Chown(p, b.uid, b.gid))
	}
	// Settle the previous run's writes so they do not slow this one.
	syscall.Sync()

	cmd, stdin, err := s.command(r, local, remoteDir)
	if err != nil {
		t.Fatal(err)
	}
	timeout := 20 * time.Minute
	if b.cfg.quick {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Env = b.env
	c.Dir = s.dir
	c.WaitDelay = 5 * time.Second
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

	what := fmt.Sprintf("%s %s %s run %d/%d", r.server, r.workload, r.tool, run, b.cfg.runs)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no result after %s: %w", timeout, err)
		}
		r.failed = fmt.Sprintf("run %d: %v", run, err)
		t.Errorf("%s: %v\n%s", what, err, output.String())
		s.cleanup(local, remoteDir)
		return
	}
	// Verify.
	var target string
	if r.down {
		target = local
	} else {
		target = filepath.Join(s.srv.Root, remoteDir)
	}
	if r.tree {
		err = b.verifyTree(filepath.Join(target, "tree"))
	} else {
		err = b.verifyBig(filepath.Join(target, "big.bin"))
	}
	s.cleanup(local, remoteDir)
	if err != nil {
		r.failed = fmt.Sprintf("run %d: wrong result: %v", run, err)
		t.Errorf("%s: wrong result: %v\n%s", what, err, output.String())
		return
	}
	r.secs = append(r.secs, secs)
	if c.ProcessState != nil {
		r.clientCPU = append(r.clientCPU, (c.ProcessState.UserTime() + c.ProcessState.SystemTime()).Seconds())
	}
	r.machineCPU = append(r.machineCPU, busy)
	if r.tree {
		t.Logf("%s: %.2f s, %.1f MB/s, %.0f files/s", what, secs, float64(r.bytes)/secs/1e6, float64(r.files)/secs)
	} else {
		t.Logf("%s: %.2f s, %.1f MB/s", what, secs, float64(r.bytes)/secs/1e6)
	}
}

func (s *serverCtx) cleanup(local, remoteDir string) {
	os.RemoveAll(local)
	if remoteDir != "" {
		os.RemoveAll(filepath.Join(s.srv.Root, remoteDir))
	}
}

// command returns the argv and standard input for one run.
func (s *serverCtx) command(r *row, local, remoteDir string) ([]string, string, error) {
	b := s.b
	srv := s.srv
	switch r.tool {
	case toolFerry:
		sub := "put"
		if r.down {
			sub = "get"
		}
		args := []string{b.ferry, sub}
		if r.tree {
			args = append(args, "-r", "-j", "4")
		}
		args = append(args, "--on-conflict", "overwrite", "--password-stdin", "--fingerprint", s.fingerprint)
		switch {
		case r.down && r.tree:
			args = append(args, s.url("/tree"), local)
		case r.down:
			args = append(args, s.url("/big.bin"), local)
		case r.tree:
			args = append(args, b.treeSrc, s.url(remoteDir))
		default:
			args = append(args, b.bigSrc, s.url(remoteDir))
		}
		return args, srv.Password + "\n", nil
	case toolCurl:
		if r.tree {
			return nil, "", fmt.Errorf("curl does not do trees")
		}
		base := fmt.Sprintf("ftp://%s:%d", srv.Host, srv.Port)
		args := []string{"curl", "-q", "--silent", "--show-error", "--fail", "--ssl-reqd",
			"--cacert", filepath.Join(s.dir, "cert.pem"), "--netrc-file", filepath.Join(s.dir, "netrc")}
		if r.down {
			args = append(args, "-o", filepath.Join(local, "big.bin"), base+"/big.bin")
		} else {
			args = append(args, "-T", b.bigSrc, base+remoteDir+"/big.bin")
		}
		return args, "", nil
	case toolLftp, toolLftp12:
		var cmd string
		switch {
		case r.down && r.tree:
			cmd = fmt.Sprintf("mirror --parallel=4 /tree %s", lftpQuote(filepath.Join(local, "tree")))
		case r.down:
			cmd = fmt.Sprintf("get /big.bin -o %s", lftpQuote(filepath.Join(local, "big.bin")))
		case r.tree:
			cmd = fmt.Sprintf("mirror -R --parallel=4 %s %s", lftpQuote(b.treeSrc), lftpQuote(remoteDir+"/tree"))
		default:
			cmd = fmt.Sprintf("put %s -o %s", lftpQuote(b.bigSrc), lftpQuote(remoteDir+"/big.bin"))
		}
		priority := ""
		if r.tool == toolLftp12 {
			priority = `set ssl:priority "NORMAL:-VERS-TLS1.3"`
		}
		script := strings.Join([]string{
			"set cmd:fail-exit yes",
			priority,
			"set ftp:ssl-force true",
			"set ftp:ssl-protect-data true",
			"set ftp:passive-mode on",
			"set ssl:ca-file " + lftpQuote(filepath.Join(s.dir, "cert.pem")),
			"set net:max-retries 1",
			"set net:timeout 30",
			"set xfer:clobber on",
			fmt.Sprintf("open -u %s -p %d ftp://%s", lftpQuote(srv.User+","+srv.Password), srv.Port, srv.Host),
			cmd,
			"",
		}, "\n")
		path := filepath.Join(s.dir, "lftp-script")
		if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
			return nil, "", err
		}
		return []string{"lftp", "-f", path}, "", nil
	}
	return nil, "", fmt.Errorf("unknown tool %q", r.tool)
}

func lftpQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// verifyBig checks the copy's size and SHA-256 against the source.
func (b *bench) verifyBig(path string) error {
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
	if n != b.cfg.bigSize {
		return fmt.Errorf("%s: %d bytes, want %d", path, n, b.cfg.bigSize)
	}
	if !bytes.Equal(h.Sum(nil), b.bigSum[:]) {
		return fmt.Errorf("%s: SHA-256 differs from the source's", path)
	}
	return nil
}

// verifyTree checks the copy holds exactly the source's files, with the same
// contents: count, total bytes and each file's SHA-256.
func (b *bench) verifyTree(root string) error {
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
		if want, ok := b.treeSums[rel]; !ok {
			bad = append(bad, rel+" (unexpected)")
		} else if sha256.Sum256(data) != want {
			bad = append(bad, rel+" (content differs)")
		}
		return nil
	})
	if err != nil {
		return err
	}
	wantTotal := int64(len(b.treeSums)) * b.cfg.fileSize
	if files != len(b.treeSums) || total != wantTotal || len(bad) > 0 {
		if len(bad) > 5 {
			bad = append(bad[:5], "...")
		}
		return fmt.Errorf("%s: %d files, %d bytes; want %d files, %d bytes; %s",
			root, files, total, len(b.treeSums), wantTotal, strings.Join(bad, ", "))
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

// header describes the machine and the tools.
func (b *bench) header() string {
	var h strings.Builder
	mode := "full"
	if b.cfg.quick {
		mode = "quick (BENCH_QUICK=1)"
	}
	fmt.Fprintf(&h, "# Ferry throughput benchmark\n\n")
	fmt.Fprintf(&h, "- Date: %s\n", cmdLine("date", "-u"))
	fmt.Fprintf(&h, "- Machine: %s; %s, %d cores%s; %s RAM\n", cmdLine("uname", "-srm"), cpuModel(), runtime.NumCPU(), cpuFlags(), memTotal())
	fmt.Fprintf(&h, "- Go: %s\n", runtime.Version())
	fmt.Fprintf(&h, "- Load average at the start: %s (other work on the machine skews the figures)\n", loadAvg())
	ferry := "n/a"
	if b.ferryNA != "build failed" && b.ferry != "" {
		c := exec.Command(b.ferry, "version")
		c.Env = b.env
		if out, err := c.Output(); err == nil {
			ferry = strings.TrimSpace(string(out))
		}
	}
	if rev := cmdLine("git", "-C", filepath.Join("..", ".."), "describe", "--always", "--dirty"); rev != "?" {
		ferry += " (" + rev + ")"
	}
	if b.ferryNA != "" {
		ferry += "; " + b.ferryNA
	}
	fmt.Fprintf(&h, "- Ferry: %s\n", ferry)
	fmt.Fprintf(&h, "- curl: %s\n", curlVersion())
	fmt.Fprintf(&h, "- lftp: %s\n", lftpVersion())
	fmt.Fprintf(&h, "- Servers: %s; %s\n", vsftpdVersion(), proftpdVersion())
	fmt.Fprintf(&h, "- Run: %s; single file %s, tree %d files × %s in %d folders; median of %d run(s); "+
		"loopback 127.0.0.1, explicit FTPS, passive mode; files in the page cache, so this measures "+
		"protocol, TLS and CPU, not disks\n\n",
		mode, humanBytes(b.cfg.bigSize), b.cfg.treeFiles, humanBytes(b.cfg.fileSize), b.cfg.treeDirs, b.cfg.runs)
	return h.String()
}

// table is the markdown table of every row.
func (b *bench) table() string {
	var t strings.Builder
	t.WriteString("| Server | Workload | Tool | Median s | MB/s | Files/s | Ferry ÷ other | Client CPU | All CPU | Runs (s) |\n")
	t.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range b.rows {
		cells := []string{r.server, r.workload, r.tool}
		switch {
		case r.na != "":
			cells = append(cells, "n/a", "", "", "", "", "", r.na)
		case r.failed != "" || len(r.secs) == 0:
			why := r.failed
			if why == "" {
				why = "no run"
			}
			cells = append(cells, "FAILED", "", "", "", "", "", strings.ReplaceAll(why, "|", "/"))
		default:
			m := r.median()
			filesPerSec := "–"
			if r.tree {
				filesPerSec = fmt.Sprintf("%.0f", float64(r.files)/m)
			}
			ratio := ""
			if r.tool == toolFerry {
				ratio = b.ratio(r)
			}
			runs := make([]string, len(r.secs))
			for i, s := range r.secs {
				runs[i] = fmt.Sprintf("%.2f", s)
			}
			cells = append(cells,
				fmt.Sprintf("%.2f", m),
				fmt.Sprintf("%.1f", float64(r.bytes)/m/1e6),
				filesPerSec,
				ratio,
				pct(r.clientCPU, r.secs),
				pct(r.machineCPU, r.secs),
				strings.Join(runs, " / "))
		}
		t.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	for _, n := range b.notes {
		t.WriteString("\n" + n + "\n")
	}
	return t.String()
}

// ratio is Ferry's throughput over curl's (single file) or lftp's (tree) in
// the same server and workload.
func (b *bench) ratio(f *row) string {
	other := toolCurl
	if f.tree {
		other = toolLftp
	}
	for _, r := range b.rows {
		if r.server == f.server && r.workload == f.workload && r.tool == other {
			if r.na != "" || r.failed != "" || len(r.secs) == 0 {
				return "n/a"
			}
			return fmt.Sprintf("%.2f vs %s", r.median()/f.median(), other)
		}
	}
	return "n/a"
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
Tools (each run: the target cleaned first, uploads into a fresh remote folder; wall clock around the process;
the result verified by size and SHA-256, trees by file count, total bytes and each file's SHA-256):

- ferry: ` + "`ferry get|put [-r -j 4] --on-conflict overwrite --password-stdin --fingerprint sha256:HEX`" + `
- curl: ` + "`curl --ssl-reqd --cacert CERT --netrc-file NETRC -o FILE ftp://HOST:PORT/big.bin`" + `, ` + "`-T FILE`" + ` up
- lftp: a script (` + "`lftp -f`" + `) with ftp:ssl-force, ftp:ssl-protect-data, passive mode, ssl:ca-file, net:max-retries 1;
  ` + "`get`/`put`" + ` for the single file, ` + "`mirror --parallel=4`" + ` / ` + "`mirror -R --parallel=4`" + ` for the tree
- lftp-tls12: the same lftp with ` + "`set ssl:priority \"NORMAL:-VERS-TLS1.3\"`" + `, for trees only. With TLS 1.3
  lftp's data-connection handshake sends ChangeCipherSpec and Finished as two small writes without TCP_NODELAY,
  so Nagle holds Finished until the server's delayed ACK (~40 ms): every downloaded file costs ~40 ms per
  connection. TLS 1.2 shows what lftp does without that stall. Ferry's ratio is still against plain lftp.

Ferry ÷ other: Ferry's throughput divided by curl's (single file) or lftp's (tree); above 1 means Ferry is faster.
Client CPU: the tool's user+system time over wall time; All CPU: every process on the machine (servers,
kernel, tool), both in percent of one core (` + strconv.Itoa(runtime.NumCPU()) + ` cores = ` + strconv.Itoa(100*runtime.NumCPU()) + `%).
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
// (BENCH_HOLD=vsftpd-explicit): it prints the URL, password and fingerprint,
// serves a 1 GiB big.bin, and stops when /tmp/ferry-bench-stop appears or
// after 20 minutes.
func TestLabHold(t *testing.T) {
	kind := ftpslab.Kind(os.Getenv("BENCH_HOLD"))
	if kind == "" {
		t.Skip("set BENCH_HOLD to a lab kind")
	}
	srv := ftpslab.Start(t, kind)
	block := make([]byte, 1<<20)
	must(t, fillRandom(block))
	f, err := os.Create(filepath.Join(srv.Root, "big.bin"))
	must(t, err)
	for range 1024 {
		_, err := f.Write(block)
		must(t, err)
	}
	must(t, f.Close())
	must(t, os.Chown(filepath.Join(srv.Root, "big.bin"), 999, 995))
	fp := srv.Fingerprint()
	fmt.Printf("HOLD ftpes://%s@%s:%d/big.bin password=%s fingerprint=sha256:%s\n", srv.User, srv.Host, srv.Port, srv.Password, hex.EncodeToString(fp[:]))
	os.Remove("/tmp/ferry-bench-stop")
	for range 1200 {
		if _, err := os.Stat("/tmp/ferry-bench-stop"); err == nil {
			return
		}
		time.Sleep(time.Second)
	}
}
