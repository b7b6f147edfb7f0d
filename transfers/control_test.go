package transfers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/testutil"
)

// slow makes every copied chunk take a little while, so a test can act in
// the middle of a transfer.
func slow(n int) { time.Sleep(time.Millisecond) }

// until polls cond (bounded) and fails the test when it never holds.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func bigData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// restCount counts REST commands with a non-zero offset.
func restCount(d *double) int {
	n := 0
	for _, c := range d.Srv.Commands() {
		if strings.HasPrefix(c, "REST ") && c != "REST 0" {
			n++
		}
	}
	return n
}

// TestPauseResumeCancel pauses a transfer in the middle (its part stays),
// resumes it (REST continues from the part), and cancels another (its part
// goes, and no failure is listed) — both ways.
func TestPauseResumeCancel(t *testing.T) {
	data := bigData(6 << 20)
	for _, dir := range []Direction{Download, Upload} {
		t.Run(dir.String(), func(t *testing.T) {
			d := startDouble(t, ftpd.Config{})
			local := t.TempDir()
			spec := Spec{Direction: dir, Site: "s", Remote: "/big.bin", Local: local, Size: int64(len(data))}
			srcDir, dstPath, partPath := d.Root, filepath.Join(local, "big.bin"), filepath.Join(local, "big.bin"+partSuffix)
			if dir == Upload {
				srcDir, dstPath, partPath = local, filepath.Join(d.Root, "big.bin"), filepath.Join(d.Root, "big.bin")
				spec = Spec{Direction: Upload, Site: "s", Local: filepath.Join(local, "big.bin"), Remote: "/"}
			}
			testutil.WriteTree(t, srcDir, map[string][]byte{"big.bin": data})
			q := d.queue(Config{onBytes: slow})
			id := q.Add(spec)[0]
			until(t, "some bytes", func() bool { s, _ := q.Status(id); return s.Bytes > 1<<20 })
			q.Pause(id)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := q.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			s, _ := q.Status(id)
			if s.State != Paused {
				t.Fatalf("state %v after Pause", s.State)
			}
			fi, err := os.Stat(partPath)
			if err != nil || fi.Size() == 0 || fi.Size() >= int64(len(data)) {
				t.Fatalf("part after pause: %v, %v", fi, err)
			}
			if dir == Download {
				if _, err := os.Stat(dstPath); err == nil {
					t.Fatal("the target exists while the download is paused")
				}
			}
			q.Resume(id)
			wait(t, q)
			if got, _ := os.ReadFile(dstPath); !bytes.Equal(got, data) {
				t.Fatalf("after resume: %d bytes, not the source", len(got))
			}
			if restCount(d) == 0 {
				t.Fatal("the resumed transfer did not continue with REST")
			}

			// Cancel: the part goes away, nothing is listed as failed.
			os.Remove(dstPath)
			id = q.Add(spec)[0]
			until(t, "some bytes", func() bool { s, _ := q.Status(id); return s.Bytes > 1<<20 })
			q.Cancel(id)
			wait(t, q)
			if _, err := os.Stat(partPath); err == nil {
				t.Errorf("%s left after cancel", partPath)
			}
			if n := len(q.FailedJobs()); n != 0 || q.Len() != 0 {
				t.Errorf("after cancel: %d failed, %d active", n, q.Len())
			}
		})
	}
}

// TestOrderAndMove: with one transfer at a time, jobs run in queue order,
// and Move changes it.
func TestOrderAndMove(t *testing.T) {
	d := startDouble(t, ftpd.Config{})
	testutil.WriteTree(t, d.Root, map[string][]byte{"a": []byte("a"), "b": []byte("b"), "c": []byte("c"), "d": []byte("d")})
	q := d.queue(Config{Concurrency: 1})
	q.PauseAll()
	local := t.TempDir()
	var ids []JobID
	for _, n := range []string{"a", "b", "c", "d"} {
		ids = append(ids, q.Add(Spec{Direction: Download, Site: "s", Remote: "/" + n, Local: local, Size: 1})...)
	}
	q.Move(ids[3], -2) // a d b c
	q.Move(ids[0], +1) // d a b c
	q.Move(ids[1], +5) // d a c b
	var order []string
	for _, s := range q.Jobs(0, 10) {
		order = append(order, s.Name)
	}
	if got := strings.Join(order, " "); got != "d a c b" {
		t.Fatalf("queue order %q, want \"d a c b\"", got)
	}
	q.ResumeAll()
	wait(t, q)
	order = nil
	for _, r := range q.Done() {
		order = append(order, filepath.Base(r.Local))
	}
	if got := strings.Join(order, " "); got != "d a c b" {
		t.Fatalf("done in order %q, want \"d a c b\"", got)
	}
}

// TestRestart: the queue file keeps unfinished jobs across a restart; the
// restored queue starts paused, and on ResumeAll continues from the
// partial files and skips what had arrived.
func TestRestart(t *testing.T) {
	d := startDouble(t, ftpd.Config{})
	files := map[string][]byte{"tree/one.bin": bigData(3 << 20), "tree/two.bin": bigData(3<<20 + 1), "tree/small.txt": []byte("small")}
	testutil.WriteTree(t, d.Root, files)
	testutil.WriteTree(t, d.Root, map[string][]byte{"single.bin": bigData(4 << 20)})
	state := filepath.Join(t.TempDir(), "queue.json")
	local := t.TempDir()

	q1 := New(Config{Connections: d, StatePath: state, onBytes: slow, Concurrency: 2})
	q1.Add(Spec{Direction: Download, Site: "s", SiteName: "Double", Remote: "/tree", Local: local, IsDir: true},
		Spec{Direction: Download, Site: "s", SiteName: "Double", Remote: "/single.bin", Local: local, Size: 4 << 20})
	until(t, "some bytes", func() bool { return q1.Totals().Bytes > 2<<20 })
	if err := q1.Close(); err != nil {
		t.Fatal(err)
	}
	var saved queueFile
	data, err := os.ReadFile(state)
	if err != nil || json.Unmarshal(data, &saved) != nil || len(saved.Jobs) != 2 {
		t.Fatalf("queue file: %s, %v", data, err)
	}
	if strings.Contains(string(data), d.Password) {
		t.Fatal("the queue file holds the password")
	}

	q2 := New(Config{Connections: d, StatePath: state, saveDelay: time.Millisecond})
	t.Cleanup(func() { q2.Close() })
	n, err := q2.Restore()
	if err != nil || n != 2 {
		t.Fatalf("Restore: %d, %v", n, err)
	}
	if tot := q2.Totals(); !tot.Paused || tot.Active != 2 {
		t.Fatalf("restored totals %+v, want 2 paused jobs", tot)
	}
	rests := restCount(d)
	q2.ResumeAll()
	wait(t, q2)
	if f := q2.FailedJobs(); len(f) > 0 {
		t.Fatalf("failed: %+v", f)
	}
	sameTree(t, "downloaded", testutil.ReadTree(t, local), map[string][]byte{
		"tree/": nil, "tree/one.bin": files["tree/one.bin"], "tree/two.bin": files["tree/two.bin"],
		"tree/small.txt": files["tree/small.txt"], "single.bin": bigData(4 << 20)})
	if restCount(d) == rests {
		t.Error("nothing continued with REST after the restart")
	}
	until(t, "the queue file to empty", func() bool {
		data, _ := os.ReadFile(state)
		return json.Unmarshal(data, &saved) == nil && len(saved.Jobs) == 0
	})
}

// TestSegmentedDownload: on a server that caps each connection (2 MiB/s),
// a large file comes over several connections at once, each its own
// range, added while each new one raises the rate, and arrives whole —
// also when connections are cut in the middle (the next try continues
// from the whole prefix).
func TestSegmentedDownload(t *testing.T) {
	for _, cut := range []bool{false, true} {
		t.Run(map[bool]string{false: "clean", true: "cuts"}[cut], func(t *testing.T) {
			cfg := ftpd.Config{MaxRate: 2 << 20}
			var faults *ftpd.Faults
			if cut {
				faults = &ftpd.Faults{Rate: 0.3, CutAfter: 2 << 20, Seed: 3}
				cfg.Faults = faults
			}
			d := startDouble(t, cfg)
			data := bigData(8<<20 + 12345)
			testutil.WriteTree(t, d.Root, map[string][]byte{"big.bin": data})
			q := d.queue(Config{segmentMin: 1 << 20, Attempts: 20})
			local := t.TempDir()
			q.Add(Spec{Direction: Download, Site: "s", Remote: "/big.bin", Local: local, Size: int64(len(data))})
			wait(t, q)
			if f := q.FailedJobs(); len(f) > 0 {
				t.Fatalf("failed: %+v", f)
			}
			if got, _ := os.ReadFile(filepath.Join(local, "big.bin")); !bytes.Equal(got, data) {
				t.Fatalf("got %d bytes, not the file", len(got))
			}
			rests := map[string]bool{}
			for _, c := range d.Srv.Commands() {
				if strings.HasPrefix(c, "REST ") {
					rests[c] = true
				}
			}
			if len(rests) < 3 {
				t.Fatalf("REST offsets %v: want the file fetched in segments", rests)
			}
			if r := q.Done(); len(r) != 1 || !strings.HasPrefix(r[0].Checksum, "SHA-256 ") {
				t.Fatalf("done %+v: want one record with a checksum", r)
			}
			t.Logf("%d distinct REST offsets, %d cuts", len(rests), faults.Cuts())
		})
	}
}

// TestAdaptiveWidth: with Config.Adaptive, a tree of files from a server
// that caps each connection starts on 2 transfers and widens (each new
// connection adds its cap), and everything arrives whole; without it, the
// queue keeps to Concurrency.
func TestAdaptiveWidth(t *testing.T) {
	for _, adaptive := range []bool{true, false} {
		t.Run(map[bool]string{true: "adaptive", false: "fixed"}[adaptive], func(t *testing.T) {
			d := startDouble(t, ftpd.Config{MaxRate: 1 << 20})
			tree := testutil.Tree{}
			for i := range 64 {
				tree[fmt.Sprintf("t/f%02d.bin", i)] = bigData(96<<10 + i)
			}
			testutil.WriteTree(t, d.Root, tree)
			tree["t/"] = nil // the folder, as ReadTree gives it back
			q := d.queue(Config{Concurrency: 8, Adaptive: adaptive})
			if !adaptive {
				q.SetConcurrency(2)
			}
			local := t.TempDir()
			q.Add(Spec{Direction: Download, Site: "s", Remote: "/t", Local: local, IsDir: true})
			wait(t, q)
			if f := q.FailedJobs(); len(f) > 0 {
				t.Fatalf("failed: %+v", f)
			}
			testutil.CompareTrees(t, "the download", testutil.ReadTree(t, local), tree)
			logins := 0
			for _, c := range d.Srv.Commands() {
				if strings.HasPrefix(c, "USER ") {
					logins++
				}
			}
			switch {
			case adaptive && logins < 4:
				t.Errorf("%d logins: want the width to grow past 2 on a server capping each connection", logins)
			case !adaptive && logins > 2:
				t.Errorf("%d logins: want 2, the fixed concurrency", logins)
			}
			t.Logf("%d logins", logins)
		})
	}
}
