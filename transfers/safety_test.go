package transfers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/testutil"
)

// TestHostileNames: a server lists names that would escape the target
// folder or break the local file system. They are skipped with a message
// naming each, the good file arrives, and nothing is written outside the
// target folder.
func TestHostileNames(t *testing.T) {
	hostile := []string{"../x", "/etc/x", `a\..\b`, "..", ".", "cr\rname", "nul\x00name", "tab\tname", "c:evil", "../../../../tmp/ferry-escape"}
	line := func(name string) string {
		return "type=file;size=5;modify=20240101000000; " + name
	}
	d := startDouble(t, ftpd.Config{Listing: func(dir string) []string {
		if dir != "/evil" {
			return nil
		}
		lines := []string{line("good.txt")}
		for _, n := range hostile {
			lines = append(lines, line(n))
		}
		// A folder named ".." and one with a slash, too.
		lines = append(lines, "type=dir;modify=20240101000000; ..", "type=dir;modify=20240101000000; ../up")
		return lines
	}})
	testutil.WriteTree(t, d.Root, map[string][]byte{"evil/good.txt": []byte("good!")})
	var mu sync.Mutex
	var msgs []string
	q := d.queue(Config{Notify: func(m string) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() }})
	parent := t.TempDir()
	dst := filepath.Join(parent, "target")
	q.Add(Spec{Direction: Download, Site: "s", Remote: "/evil", Local: dst, IsDir: true})
	// Single-file jobs with hostile names are refused too.
	q.Add(Spec{Direction: Download, Site: "s", Remote: "/evil/..", Local: dst, Size: 5},
		Spec{Direction: Download, Site: "s", Remote: "/evil/a\\..\\b", Local: dst, Size: 5})
	wait(t, q)

	sameTree(t, "target", testutil.ReadTree(t, dst), map[string][]byte{"evil/": nil, "evil/good.txt": []byte("good!")})
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Fatalf("the target's parent holds %d entries, want only the target", len(entries))
	}
	if _, err := os.Stat("/tmp/ferry-escape"); err == nil {
		t.Fatal("/tmp/ferry-escape exists")
	}
	all := strings.Join(msgs, "\n")
	for _, n := range append(hostile, "../up") {
		if n == "." || n == ".." {
			continue
		}
		if q := strconv.Quote(n); !strings.Contains(all, q[1:len(q)-1]) {
			t.Errorf("no message names %q; messages:\n%s", n, all)
		}
	}
	if !strings.Contains(all, "refers to a folder itself") {
		t.Errorf("no message about \".\" or \"..\"; messages:\n%s", all)
	}
	for _, m := range msgs {
		if !strings.HasPrefix(m, "Skipped /evil: ") {
			t.Errorf("message %q: want it to say Skipped, where, and why", m)
		}
	}
	if f := q.FailedJobs(); len(f) != 2 {
		t.Fatalf("failed: %+v, want the two single-file jobs with unsafe names", f)
	}
	// The history says so by type: entries left out of the listing are
	// skipped as unusable, the refused single files failed.
	failed := 0
	for _, r := range q.Done() {
		switch {
		case r.Local == "" && r.Outcome == OutcomeSkipped && r.Skip == SkippedUnusable:
		case filepath.Base(r.Local) == "good.txt" && r.OK() && r.Skip == 0:
		case r.Local != "" && r.Outcome == OutcomeFailed && r.Skip == 0:
			failed++
		default:
			t.Errorf("record %+v: want the good file ok, listing entries skipped as unusable, single files failed", r)
		}
	}
	if failed != 2 {
		t.Errorf("%d failed records, want 2", failed)
	}
}

// TestConflicts: each answer to "the target exists" does what it says, in
// both directions, and "apply to all" asks once.
func TestConflicts(t *testing.T) {
	newer := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	older := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		action Action
		// source and target contents and times
		src, dst         string
		srcTime, dstTime time.Time
		want             string
		wantRenamed      string
	}{
		{Overwrite, "new content", "old", newer, older, "new content", ""},
		{Skip, "new content", "old", newer, older, "old", ""},
		{OverwriteIfNewer, "new content", "old", newer, older, "new content", ""},
		{OverwriteIfNewer, "new content", "old", older, newer, "old", ""},
		{OverwriteIfSizeDiffers, "new content", "old", older, newer, "new content", ""},
		{OverwriteIfSizeDiffers, "abc", "xyz", newer, older, "xyz", ""},
		{Resume, "0123456789", "01234", newer, older, "0123456789", ""},
		{Resume, "0123", "0123", newer, older, "0123", ""},
		{Rename, "new content", "old", newer, older, "old", "new content"},
	} {
		for _, dir := range []Direction{Download, Upload} {
			t.Run(tc.action.String()+"/"+dir.String()+"/"+tc.dst, func(t *testing.T) {
				d := startDouble(t, ftpd.Config{})
				local := t.TempDir()
				remote := filepath.Join(d.Root, "f.txt")
				srcPath, dstPath := remote, filepath.Join(local, "f.txt")
				if dir == Upload {
					srcPath, dstPath = dstPath, remote
				}
				testutil.WriteTree(t, filepath.Dir(srcPath), map[string][]byte{"f.txt": []byte(tc.src)})
				testutil.WriteTree(t, filepath.Dir(dstPath), map[string][]byte{"f.txt": []byte(tc.dst)})
				os.Chtimes(srcPath, tc.srcTime, tc.srcTime)
				os.Chtimes(dstPath, tc.dstTime, tc.dstTime)
				asked := 0
				q := d.queue(Config{Resolver: resolverFunc(func(ctx context.Context, c Conflict) (Decision, error) {
					asked++
					if c.Source.Size != int64(len(tc.src)) || c.Target.Size != int64(len(tc.dst)) {
						t.Errorf("conflict sizes %d/%d, want %d/%d", c.Source.Size, c.Target.Size, len(tc.src), len(tc.dst))
					}
					return Decision{Action: tc.action}, nil
				})})
				if dir == Download {
					q.Add(Spec{Direction: Download, Site: "s", Remote: "/f.txt", Local: local, Size: int64(len(tc.src)), ModTime: tc.srcTime})
				} else {
					q.Add(Spec{Direction: Upload, Site: "s", Local: srcPath, Remote: "/"})
				}
				wait(t, q)
				if f := q.FailedJobs(); len(f) > 0 {
					t.Fatalf("failed: %+v", f)
				}
				if got, _ := os.ReadFile(dstPath); string(got) != tc.want {
					t.Errorf("target holds %q, want %q", got, tc.want)
				}
				renamedPath := filepath.Join(filepath.Dir(dstPath), "f (1).txt")
				got, err := os.ReadFile(renamedPath)
				if tc.wantRenamed != "" && string(got) != tc.wantRenamed {
					t.Errorf("renamed copy holds %q (%v), want %q", got, err, tc.wantRenamed)
				}
				if tc.wantRenamed == "" && err == nil {
					t.Errorf("unexpected renamed copy %s", renamedPath)
				}
				if asked != 1 {
					t.Errorf("asked %d times, want 1", asked)
				}
				wantOutcome, wantSkip := OutcomeOK, SkipReason(0)
				if tc.want == tc.dst && tc.wantRenamed == "" {
					wantOutcome, wantSkip = OutcomeSkipped, SkippedExists
				}
				if r := q.Done(); len(r) != 1 || r[0].Outcome != wantOutcome || r[0].Skip != wantSkip {
					t.Errorf("done %+v, want outcome %v (skip %q)", r, wantOutcome, wantSkip)
				}
			})
		}
	}

	t.Run("apply to all", func(t *testing.T) {
		d := startDouble(t, ftpd.Config{})
		local := t.TempDir()
		for i := range 10 {
			name := filepath.Join("dir", string(rune('a'+i))+".txt")
			testutil.WriteTree(t, d.Root, map[string][]byte{name: []byte("server")})
			testutil.WriteTree(t, local, map[string][]byte{name: []byte("local")})
		}
		asked := 0
		q := d.queue(Config{Resolver: resolverFunc(func(ctx context.Context, c Conflict) (Decision, error) {
			asked++
			return Decision{Action: Overwrite, ApplyToAll: true}, nil
		})})
		q.Add(Spec{Direction: Download, Site: "s", Remote: "/dir", Local: local, IsDir: true})
		wait(t, q)
		if asked != 1 {
			t.Errorf("asked %d times with apply to all, want 1", asked)
		}
		for i := range 10 {
			if got, _ := os.ReadFile(filepath.Join(local, "dir", string(rune('a'+i))+".txt")); string(got) != "server" {
				t.Errorf("file %d holds %q, want overwritten", i, got)
			}
		}
	})
}

type resolverFunc func(ctx context.Context, c Conflict) (Decision, error)

func (f resolverFunc) ResolveConflict(ctx context.Context, c Conflict) (Decision, error) {
	return f(ctx, c)
}

// TestTreeUploadConflict: a tree upload learns what is on the server from
// one listing per folder (no SIZE per file), and still asks about every
// file that exists — with its size.
func TestTreeUploadConflict(t *testing.T) {
	d := startDouble(t, ftpd.Config{})
	local := t.TempDir()
	testutil.WriteTree(t, local, map[string][]byte{"up/a.txt": []byte("new a"), "up/b.txt": []byte("new b"), "up/sub/c.txt": []byte("new c")})
	testutil.WriteTree(t, d.Root, map[string][]byte{"dst/up/a.txt": []byte("old"), "dst/up/sub/c.txt": []byte("old c!")})
	var asked []string
	q := d.queue(Config{Resolver: resolverFunc(func(ctx context.Context, c Conflict) (Decision, error) {
		asked = append(asked, fmt.Sprintf("%s %d>%d", c.Target.Path, c.Source.Size, c.Target.Size))
		return Decision{Action: Skip}, nil
	})})
	q.Add(Spec{Direction: Upload, Site: "s", Local: filepath.Join(local, "up"), Remote: "/dst", IsDir: true})
	wait(t, q)
	sort.Strings(asked)
	if got := strings.Join(asked, ", "); got != "/dst/up/a.txt 5>3, /dst/up/sub/c.txt 5>6" {
		t.Fatalf("asked about %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(d.Root, "dst", "up", "b.txt")); string(got) != "new b" {
		t.Fatalf("b.txt on the server: %q", got)
	}
	sizes := 0
	for _, c := range d.Srv.Commands() {
		if strings.HasPrefix(c, "SIZE ") {
			sizes++
		}
	}
	if sizes != 1 { // only the size check after b.txt's upload
		t.Errorf("%d SIZE commands, want 1 (after the one upload)", sizes)
	}
}

// TestFailedDownloadKeepsGoodFile overwrites a good local file with a
// download that never succeeds — every try cut, or every copy corrupted so
// that only the server's checksum tells — and checks the good file is
// untouched and the job fails saying why.
func TestFailedDownloadKeepsGoodFile(t *testing.T) {
	payload := make([]byte, 200_000)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	for _, tc := range []struct {
		name     string
		cutAfter int64
		corrupt  bool
		errHas   string
		partOff  bool // the part file is removed (a bad copy is not resumed)
	}{
		{"cut", 1000, false, "", false},
		{"checksum", 150_000, true, "checksum", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			faults := &ftpd.Faults{Rate: 1, CutAfter: tc.cutAfter, Corrupt: tc.corrupt, Seed: 3}
			d := startDouble(t, ftpd.Config{Faults: faults})
			testutil.WriteTree(t, d.Root, map[string][]byte{"f.bin": payload})
			local := t.TempDir()
			good := []byte("the good copy the user already has")
			testutil.WriteTree(t, local, map[string][]byte{"f.bin": good})
			q := d.queue(Config{Attempts: 3, Resolver: resolverFunc(func(ctx context.Context, c Conflict) (Decision, error) {
				return Decision{Action: Overwrite}, nil
			})})
			q.Add(Spec{Direction: Download, Site: "s", Remote: "/f.bin", Local: local, Size: -1})
			wait(t, q)
			failed := q.FailedJobs()
			// Cuts that get further into the file do not count against
			// Attempts, but all tries together stay bounded.
			if len(failed) != 1 || failed[0].Attempt < 3 || failed[0].Attempt > maxTries*3 || !strings.Contains(failed[0].Err, tc.errHas) {
				t.Fatalf("failed list %+v: want f.bin failed after 3 to %d tries (%q)", failed, maxTries*3, tc.errHas)
			}
			if got, err := os.ReadFile(filepath.Join(local, "f.bin")); err != nil || !bytes.Equal(got, good) {
				t.Fatalf("the good file now holds %d bytes (%v), want it untouched", len(got), err)
			}
			_, err := os.Stat(filepath.Join(local, "f.bin"+partSuffix))
			if tc.partOff != errors.Is(err, fs.ErrNotExist) {
				t.Errorf("part file: %v (want removed: %v)", err, tc.partOff)
			}
			if faults.Cuts() < 3 {
				t.Errorf("%d faults injected, want one per try", faults.Cuts())
			}
		})
	}
}

// TestChangedSinceListed: a file that changed on the server after it was
// listed (the job carries the old size) still arrives as the server has it
// now — grown, shrunk, large enough for ranges, or with a part of the old
// version waiting — on the first try.
func TestChangedSinceListed(t *testing.T) {
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = byte(i*31 + i>>12)
	}
	for _, tc := range []struct {
		name   string
		now    []byte
		listed int64
		part   []byte // an old part file waiting, if any
	}{
		{"grown", []byte("bravo 2\n"), 6, nil},
		{"shrunk", []byte("short\n"), 20, nil},
		{"large, in ranges", big, 2 << 20, nil},
		{"part of the old version", []byte("the new version of the file\n"), 40, []byte("the OLD ")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := startDouble(t, ftpd.Config{})
			testutil.WriteTree(t, d.Root, map[string][]byte{"f.bin": tc.now})
			local := t.TempDir()
			if tc.part != nil {
				testutil.WriteTree(t, local, map[string][]byte{"f.bin" + partSuffix: tc.part})
			}
			q := d.queue(Config{segmentMin: 1 << 20})
			old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			q.Add(Spec{Direction: Download, Site: "s", Remote: "/f.bin", Local: local, Size: tc.listed, ModTime: old})
			wait(t, q)
			if f := q.FailedJobs(); len(f) > 0 {
				t.Fatalf("failed: %+v", f)
			}
			got, err := os.ReadFile(filepath.Join(local, "f.bin"))
			if err != nil || !bytes.Equal(got, tc.now) {
				t.Fatalf("the copy has %d bytes (%v), want the %d the server has", len(got), err, len(tc.now))
			}
			if fi, _ := os.Stat(filepath.Join(local, "f.bin")); fi.ModTime().Equal(old) {
				t.Error("the copy carries the stale listing's modification time")
			}
			if r := q.Done(); len(r) != 1 || r[0].Size != int64(len(tc.now)) {
				t.Errorf("done %+v: want one record of %d bytes", r, len(tc.now))
			}
		})
	}
}
