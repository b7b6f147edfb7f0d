package transfers

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/testutil"
	"github.com/ferryftps/ferry/session"
)

// syncRig is a sync pair on the in-process server, with a trash of its own.
type syncRig struct {
	t     *testing.T
	d     *double
	pair  SyncPair
	state string // the config folder
	trash string
}

func newSyncRig(t *testing.T, cfg ftpd.Config) *syncRig {
	trash := t.TempDir()
	t.Setenv("XDG_DATA_HOME", trash)
	d := startDouble(t, cfg)
	os.Mkdir(filepath.Join(d.Root, "data"), 0o755)
	return &syncRig{t: t, d: d, state: t.TempDir(), trash: filepath.Join(trash, "Trash", "files"),
		pair: SyncPair{Site: "s", SiteName: "double", StateKey: "double", Local: t.TempDir(), Remote: "/data"}}
}

// runOnce plans and, unless the plan is empty, executes it. It reports
// whether the plan was empty (the pair is in step), and the first error.
func (r *syncRig) runOnce(opts SyncOptions) (inStep bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pool, err := r.d.Pool(ctx, "s")
	if err != nil {
		return false, err
	}
	var p *SyncPlan
	for try := 0; try < 3; try++ { // a cut listing costs the browse connection
		browse, berr := pool.Browse(ctx)
		if berr != nil {
			return false, berr
		}
		if p, err = PlanSync(ctx, browse, r.pair, opts, r.state); err == nil || !errors.Is(err, session.ErrConnectionLost) {
			break
		}
	}
	if err != nil {
		return false, err
	}
	if len(p.Actions) == 0 && len(p.LocalFolders) == 0 && len(p.RemoteFolders) == 0 {
		return true, nil
	}
	browse, err := pool.Browse(ctx)
	if err != nil {
		return false, err
	}
	q := r.d.queue(Config{Concurrency: 4, Attempts: 3})
	defer q.Close()
	res, err := p.Execute(ctx, q, browse, p.Actions)
	if err == nil && !res.OK() {
		err = fmt.Errorf("%d failed, %d conflicts: %v", len(res.Failed), len(res.Conflicts), res.Failed)
	}
	return false, err
}

// converge runs the sync until a plan comes out empty (bounded).
func (r *syncRig) converge(opts SyncOptions) (runs int) {
	r.t.Helper()
	var last error
	for runs = 1; runs <= 60; runs++ {
		ok, err := r.runOnce(opts)
		if ok {
			return runs
		}
		last = err
	}
	r.t.Fatalf("sync %s did not converge in 60 runs; last error: %v", opts.Direction, last)
	return runs
}

// trashed lists the names in the trash.
func (r *syncRig) trashed() []string {
	var names []string
	entries, _ := os.ReadDir(r.trash)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// foldersOf20 is n files in folders of 20, of random sizes up to 40 KiB.
func foldersOf20(rng *rand.Rand, n int, prefix string) testutil.Tree {
	tree := testutil.Tree{}
	for i := range n {
		data := make([]byte, rng.IntN(40<<10))
		for j := range data {
			data[j] = byte(rng.IntN(256))
		}
		tree[fmt.Sprintf("d%02d/", i/20)] = nil
		tree[fmt.Sprintf("d%02d/%s%03d.bin", i/20, prefix, i)] = data
	}
	return tree
}

// TestSyncFaults: syncs of 500 files with transfers and listings cut at
// random points, run again until done, end byte-identical to the expected
// state; nothing is lost, and only what had to go went to the trash.
func TestSyncFaults(t *testing.T) {
	faults := &ftpd.Faults{Rate: 0.2, CutAfter: 4 << 10, Listings: true, Seed: 11}
	rng := rand.New(rand.NewPCG(5, 6))
	want := foldersOf20(rng, 500, "f")

	t.Run("up --delete", func(t *testing.T) {
		r := newSyncRig(t, ftpd.Config{Faults: faults})
		testutil.WriteTree(t, r.pair.Local, want)
		stale := foldersOf20(rng, 60, "f") // older copies: other sizes
		stale["d03/extra.bin"] = []byte("only on the server")
		testutil.WriteTree(t, filepath.Join(r.d.Root, "data"), stale)
		runs := r.converge(SyncOptions{Direction: SyncUp, Delete: true})
		testutil.CompareTrees(t, "the server", testutil.ReadTree(t, filepath.Join(r.d.Root, "data")), want)
		testutil.CompareTrees(t, "the local side", testutil.ReadTree(t, r.pair.Local), want)
		t.Logf("in step after %d runs, %d cuts", runs, faults.Cuts())
	})

	t.Run("down --delete", func(t *testing.T) {
		r := newSyncRig(t, ftpd.Config{Faults: faults})
		testutil.WriteTree(t, filepath.Join(r.d.Root, "data"), want)
		testutil.WriteTree(t, r.pair.Local, testutil.Tree{"d00/": nil, "d00/mine.txt": []byte("mine"), "d00/f000.bin": []byte("old")})
		runs := r.converge(SyncOptions{Direction: SyncDown, Delete: true})
		testutil.CompareTrees(t, "the local side", testutil.ReadTree(t, r.pair.Local), want)
		if got := r.trashed(); len(got) != 1 || got[0] != "mine.txt" {
			t.Errorf("the trash holds %q; want only mine.txt", got)
		}
		t.Logf("in step after %d runs, %d cuts", runs, faults.Cuts())
	})

	t.Run("both", func(t *testing.T) {
		r := newSyncRig(t, ftpd.Config{Faults: faults})
		testutil.WriteTree(t, r.pair.Local, want)
		first := r.converge(SyncOptions{Direction: SyncBoth})
		// Changes on each side, none on both.
		remote := filepath.Join(r.d.Root, "data")
		end := testutil.Tree{}
		for k, v := range want {
			end[k] = v
		}
		for i := 0; i < 500; i += 25 {
			here, there := fmt.Sprintf("d%02d/f%03d.bin", i/20, i), fmt.Sprintf("d%02d/f%03d.bin", (i+5)/20, i+5)
			gone, goneThere := fmt.Sprintf("d%02d/f%03d.bin", (i+10)/20, i+10), fmt.Sprintf("d%02d/f%03d.bin", (i+15)/20, i+15)
			end[here] = append([]byte("changed here "), want[here]...)
			end[there] = append([]byte("changed there "), want[there]...)
			testutil.WriteTree(t, r.pair.Local, testutil.Tree{here: end[here]})
			testutil.WriteTree(t, remote, testutil.Tree{there: end[there]})
			os.Remove(filepath.Join(r.pair.Local, filepath.FromSlash(gone)))
			os.Remove(filepath.Join(remote, filepath.FromSlash(goneThere)))
			delete(end, gone)
			delete(end, goneThere)
		}
		runs := r.converge(SyncOptions{Direction: SyncBoth})
		testutil.CompareTrees(t, "the local side", testutil.ReadTree(t, r.pair.Local), end)
		testutil.CompareTrees(t, "the server", testutil.ReadTree(t, remote), end)
		if got := r.trashed(); len(got) != 20 {
			t.Errorf("the trash holds %d files; want the 20 deleted on the server", len(got))
		}
		t.Logf("first sync in %d runs, the changes in %d, %d cuts", first, runs, faults.Cuts())
	})
}

// TestSyncCutListingDeletesNothing: a server that cuts a listing short
// and still reports it whole never makes a sync delete what it did not
// list (the cut last line is unreadable, its folder partial).
func TestSyncCutListingDeletesNothing(t *testing.T) {
	faults := &ftpd.Faults{Rate: 1, CutAfter: 2000, Listings: true, LieOnCut: true, Seed: 3}
	r := newSyncRig(t, ftpd.Config{Faults: faults})
	tree := testutil.Tree{}
	for i := range 40 {
		tree[fmt.Sprintf("file-with-a-long-name-%03d.txt", i)] = []byte("x")
	}
	testutil.WriteTree(t, filepath.Join(r.d.Root, "data"), tree)
	testutil.WriteTree(t, r.pair.Local, tree)
	for range 30 { // cut at 30 points: in a name, in the facts, between lines
		r.runOnce(SyncOptions{Direction: SyncDown, Delete: true})
	}
	testutil.CompareTrees(t, "the local side", testutil.ReadTree(t, r.pair.Local), tree)
	if got := r.trashed(); len(got) > 0 {
		t.Errorf("a cut listing deleted %q", got)
	}
	if faults.Cuts() == 0 {
		t.Fatal("no listing was cut")
	}
}

// TestSyncChecksum: with Checksum, a file of the same size whose time says
// "newer" but whose content is the same is in step, and one of the same
// size and time whose content differs goes up.
func TestSyncChecksum(t *testing.T) {
	r := newSyncRig(t, ftpd.Config{})
	remote := filepath.Join(r.d.Root, "data")
	testutil.WriteTree(t, r.pair.Local, testutil.Tree{"same.txt": []byte("same"), "diff.txt": []byte("AAAA")})
	testutil.WriteTree(t, remote, testutil.Tree{"same.txt": []byte("same"), "diff.txt": []byte("BBBB")})
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(filepath.Join(remote, "same.txt"), old, old) // the local copy looks newer
	for _, f := range []string{"diff.txt"} {
		fi, _ := os.Stat(filepath.Join(r.pair.Local, f))
		os.Chtimes(filepath.Join(remote, f), fi.ModTime(), fi.ModTime()) // same time
	}
	ctx := context.Background()
	pool, _ := r.d.Pool(ctx, "s")
	browse, _ := pool.Browse(ctx)
	plain, err := PlanSync(ctx, browse, r.pair, SyncOptions{Direction: SyncUp}, r.state)
	if err != nil {
		t.Fatal(err)
	}
	expectPlan(t, "by size and time", plain, "upload same.txt")
	sums, err := PlanSync(ctx, browse, r.pair, SyncOptions{Direction: SyncUp, Checksum: true}, r.state)
	if err != nil {
		t.Fatal(err)
	}
	expectPlan(t, "by checksum", sums, "upload diff.txt")
	if sums.Same != 1 {
		t.Errorf("%d in step by checksum, want 1", sums.Same)
	}
}
