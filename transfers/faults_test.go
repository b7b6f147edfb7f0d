package transfers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/testutil"
)

// TestFaults moves 200 files up and 200 down while the server cuts data
// connections at random points — with a 426 reply, or dropping the whole
// session — and checks that every file ends byte-identical, none is
// missing, and nothing lands outside its target folder.
func TestFaults(t *testing.T) {
	for _, drop := range []bool{false, true} {
		name := "cut data"
		if drop {
			name = "cut session"
		}
		t.Run(name, func(t *testing.T) {
			faults := &ftpd.Faults{Rate: 0.3, CutAfter: 150_000, DropControl: drop, Seed: 7}
			d := startDouble(t, ftpd.Config{Faults: faults})
			files := randomTree(200, 200_000, 2)
			src := filepath.Join(t.TempDir(), "tree")
			writeFiles(t, src, files)
			q := d.queue(Config{Attempts: 12})

			q.Add(Spec{Direction: Upload, Site: "s", Local: src, Remote: "/up", IsDir: true})
			wait(t, q)
			if f := q.FailedJobs(); len(f) > 0 {
				t.Fatalf("failed uploads: %+v", f)
			}
			sameTree(t, "server after upload", testutil.ReadTree(t, d.Root), withDirs(withDirs(files, "tree"), "up"))
			upCuts := faults.Cuts()

			parent := t.TempDir()
			dst := filepath.Join(parent, "target")
			q.Add(Spec{Direction: Download, Site: "s", Remote: "/up/tree", Local: dst, IsDir: true})
			wait(t, q)
			if f := q.FailedJobs(); len(f) > 0 {
				t.Fatalf("failed downloads: %+v", f)
			}
			sameTree(t, "downloaded tree", testutil.ReadTree(t, dst), withDirs(files, "tree"))
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				t.Fatalf("the target's parent holds %d entries, want only the target", len(entries))
			}
			t.Logf("%d cuts during the upload, %d during the download", upCuts, faults.Cuts()-upCuts)
			rests := 0
			for _, c := range d.Srv.Commands() {
				if strings.HasPrefix(c, "REST ") && c != "REST 0" {
					rests++
				}
			}
			t.Logf("%d transfers continued with REST", rests)
			if rests == 0 {
				t.Fatal("no transfer continued from where it was cut (no REST)")
			}
			if upCuts < 10 || faults.Cuts()-upCuts < 10 {
				t.Fatalf("only %d and %d cuts: the test did not test much", upCuts, faults.Cuts()-upCuts)
			}
		})
	}
}
