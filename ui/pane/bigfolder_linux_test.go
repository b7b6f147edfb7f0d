// Benchmarks of the remote pane opening a folder of 100,000 entries (issue 18:
// first rows in under 2 s, under 300 MB resident). Run, without -race (the
// race detector multiplies memory and time):
//
//	go test -tags ci -run '^$' -bench BigFolder -benchtime 3x ./ui/pane/
//
// BenchmarkBigFolder uses the in-process FTPS server (MLSD, the server in the
// same process, so its share of the memory counts too); BenchmarkBigFolderVsftpd
// the lab's real vsftpd (LIST, a process of its own; as root with the lab
// installed, else skipped). Profiles: add -cpuprofile cpu.out -memprofile
// mem.out and read them with `go tool pprof ui/pane/pane.test cpu.out`.
//
// Figures, per iteration: list-ms (RemoteFS.List alone, once), first-rows-ms
// (Open until the list shows row 0 of the sorted listing), complete-ms (until
// the listing is sorted and nothing is left to do), size-sort-ms (a click on
// Size until the rows show the new order), filter-key-ms (one keystroke typed
// into the filter, averaged over 4), live-MB (the heap after a GC with the
// listing loaded: the whole process's, the server's included), peak-MB (VmHWM of the process),
// delta-MB (VmHWM minus VmRSS before the first Open, after a GC) and
// maxrss-MB (getrusage: the whole run's peak, the setup's included).
package pane

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
)

// bigN is the number of entries in the benchmarks' folder: bigDirs folders
// and the rest files.
const (
	bigN    = 100_000
	bigDirs = 200
)

// bigEntry is one generated entry of the big folder.
type bigEntry struct {
	name  string
	size  int64
	mtime time.Time
	dir   bool
}

// bigEntries makes n entries with names of realistic length and shape
// (camera files, screenshots, documents), sizes from bytes to tens of MB and
// times over three years; the same every run.
func bigEntries(n int) []bigEntry {
	rng := rand.New(rand.NewPCG(18, 100_000))
	base := time.Date(2023, 4, 12, 10, 30, 12, 0, time.UTC)
	out := make([]bigEntry, 0, n)
	for i := range n {
		t := base.Add(time.Duration(rng.Int64N(3*365*24*3600)) * time.Second)
		e := bigEntry{mtime: t, size: int64(rng.ExpFloat64() * 3e6)}
		switch {
		case i < bigDirs:
			e.name, e.dir, e.size = fmt.Sprintf("Album %s %04d", t.Format("2006-01"), i), true, 0
		case i%7 == 0:
			e.name = fmt.Sprintf("Screenshot %s at %s (%d).png", t.Format("2006-01-02"), t.Format("15.04.05"), i)
		case i%11 == 0:
			e.name = fmt.Sprintf("Quarterly report %s v%d-%06d.pdf", t.Format("2006 Jan"), i%9, i)
		case i%3 == 0:
			e.name = fmt.Sprintf("DSC_%s_%06d.JPG", t.Format("20060102"), i)
		default:
			e.name = fmt.Sprintf("IMG_%s_%06d.jpg", t.Format("20060102_150405"), i)
		}
		out = append(out, e)
	}
	return out
}

// mlsdLines is the MLSD listing of entries.
func mlsdLines(entries []bigEntry) []string {
	lines := make([]string, len(entries))
	for i, e := range entries {
		mod := e.mtime.Format("20060102150405")
		if e.dir {
			lines[i] = "type=dir;modify=" + mod + ";UNIX.mode=0755; " + e.name
		} else {
			lines[i] = "type=file;size=" + strconv.FormatInt(e.size, 10) + ";modify=" + mod + ";UNIX.mode=0644; " + e.name
		}
	}
	return lines
}

func BenchmarkBigFolder(b *testing.B) {
	lines := mlsdLines(bigEntries(bigN))
	d := ftpdtest.Start(b, ftpd.Config{Root: b.TempDir(), Listing: func(dir string) []string {
		if dir == "/big" {
			return lines
		}
		return []string{"type=dir;modify=20260412103012;UNIX.mode=0755; big"}
	}})
	d.Conns = 1
	pool, _ := d.Pool(context.Background(), "bench")
	site := sites.Site{Host: "127.0.0.1", Port: d.Port, Encryption: session.Explicit, User: ftpdtest.User}
	benchOpen(b, NewRemoteFS(pool, site), "/big", bigN)
}

func BenchmarkBigFolderVsftpd(b *testing.B) {
	srv := ftpslab.Start(b, ftpslab.VsftpdExplicit)
	dir := filepath.Join(srv.Root, "big")
	if err := writeBigFolder(dir, bigEntries(bigN)); err != nil {
		b.Fatal(err)
	}
	pool := session.NewPool(func(ctx context.Context) (*session.Conn, error) {
		return session.Dial(ctx, session.DialConfig{
			Host: srv.Host, Port: srv.Port, Encryption: session.Explicit, Timeout: 30 * time.Second,
			VerifyServer: func(cs tls.ConnectionState) error {
				if !bytes.Equal(cs.PeerCertificates[0].Raw, srv.Cert.Raw) {
					return errors.New("not the lab's certificate")
				}
				return nil
			},
		}, srv.User, srv.Password)
	}, 1)
	b.Cleanup(func() { pool.Close() })
	site := sites.Site{Host: srv.Host, Port: srv.Port, Encryption: session.Explicit, User: srv.User}
	benchOpen(b, NewRemoteFS(pool, site), "/big", bigN)
}

// writeBigFolder makes dir with the entries: sparse files of their sizes,
// folders, and their times.
func writeBigFolder(dir string, entries []bigEntry) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.name)
		var err error
		if e.dir {
			err = os.Mkdir(p, 0o755)
		} else if err = os.WriteFile(p, nil, 0o644); err == nil {
			err = os.Truncate(p, e.size)
		}
		if err == nil {
			err = os.Chtimes(p, e.mtime, e.mtime)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// benchOpen opens dir (n entries) in the right pane b.N times, as a person
// would, and reports the figures the file's comment lists.
func benchOpen(b *testing.B, fsys FS, dir string, n int) {
	f := setup(b, nil, fsys)
	p := f.right
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t0 := time.Now()
	if l, err := fsys.List(ctx, dir); err != nil || len(l.Entries) != n {
		b.Fatalf("List(%s) = %d entries, %v; want %d", dir, len(l.Entries), err, n)
	}
	listT := time.Since(t0)

	runtime.GC()
	debug.FreeOSMemory()
	before := procStatus("VmRSS")
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM
	var first, complete, sortT, filterT time.Duration
	var live uint64
	const typed = "_004"
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		p.Open(dir)
		f.pump(b, "the first rows", func() bool { return showsRow(p, 0) })
		first += time.Since(t0)
		f.pump(b, "the sorted listing", func() bool { return !p.loading && !p.sorting && len(f.q) == 0 })
		complete += time.Since(t0)
		if len(p.view) != n {
			b.Fatalf("the pane shows %d entries, want %d", len(p.view), n)
		}
		live = max(live, liveHeap())

		t0 = time.Now()
		p.sortBy(colSize)
		f.pump(b, "the size order", func() bool { return p.sorted == p.order && showsRow(p, 0) && len(f.q) == 0 })
		sortT += time.Since(t0)
		if e := p.entryAt(len(p.view) - 1); e.IsDir || e.Size < p.entryAt(bigDirs).Size {
			b.Fatalf("not sorted by size: %+v last", e)
		}

		t0 = time.Now()
		test.Type(p.filterBox, typed)
		f.pump(b, "the filter", func() bool { return len(f.q) == 0 && (len(p.view) == 0 || showsRow(p, 0)) })
		filterT += time.Since(t0)
		if len(p.view) == 0 || len(p.view) >= n {
			b.Fatalf("the filter %q left %d of %d entries", typed, len(p.view), n)
		}
		p.filterBox.SetText("")
		p.order = order{}
		p.updateHeader()
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return ms(d) / float64(b.N) }
	b.ReportMetric(ms(listT), "list-ms")
	b.ReportMetric(per(first), "first-rows-ms")
	b.ReportMetric(per(complete), "complete-ms")
	b.ReportMetric(per(sortT), "size-sort-ms")
	b.ReportMetric(per(filterT)/float64(len(typed)), "filter-key-ms")
	hwm := procStatus("VmHWM")
	b.ReportMetric(float64(live)/(1<<20), "live-MB")
	b.ReportMetric(float64(hwm)/1024, "peak-MB")
	b.ReportMetric(float64(hwm-before)/1024, "delta-MB")
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
}

// showsRow reports whether the list is shown and a row on it shows view
// index i: the listing reached the widget and the widget drew it.
func showsRow(p *Pane, i int) bool {
	if !p.list.Visible() || i >= len(p.view) {
		return false
	}
	name := p.entryAt(i).Name
	for _, r := range p.rows {
		if r.id == i && r.name == name && r.label.Text == name {
			return true
		}
	}
	return false
}

// pump runs queued UI work until cond holds, for at most a minute.
func (f *fixture) pump(b *testing.B, what string, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out waiting for %s", what)
		}
		select {
		case fn := <-f.q:
			fn()
		case <-time.After(time.Millisecond):
		}
	}
}

// procStatus returns a kB figure of /proc/self/status, such as VmHWM.
func procStatus(key string) int64 {
	data, _ := os.ReadFile("/proc/self/status")
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == key {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// liveHeap returns the bytes the heap holds after a collection: what a
// loaded listing keeps, the garbage of loading it gone.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
