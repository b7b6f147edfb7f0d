package transfers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/testutil"
)

// TestTreeUpDown uploads a folder tree, downloads it back elsewhere, and
// checks both copies byte for byte, the folders (an empty one too), the
// modification times and the checksums the server verified.
func TestTreeUpDown(t *testing.T) {
	d := startDouble(t, ftpd.Config{})
	src := filepath.Join(t.TempDir(), "tree")
	files := randomTree(40, 300_000, 1)
	writeFiles(t, src, files)
	old := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(src, "a", "file 001.bin"), old, old); err != nil {
		t.Fatal(err)
	}
	history := &History{Path: filepath.Join(t.TempDir(), "h.jsonl")}
	q := d.queue(Config{History: history})
	q.Add(Spec{Direction: Upload, Site: "s", SiteName: "Double", Local: src, Remote: "/in", IsDir: true})
	wait(t, q)
	if f := q.FailedJobs(); len(f) > 0 {
		t.Fatalf("failed: %+v", f)
	}
	sameTree(t, "uploaded tree", testutil.ReadTree(t, filepath.Join(d.Root, "in")), withDirs(files, "tree"))

	dst := t.TempDir()
	q.Add(Spec{Direction: Download, Site: "s", SiteName: "Double", Remote: "/in/tree", Local: dst, IsDir: true, Size: -1})
	wait(t, q)
	if f := q.FailedJobs(); len(f) > 0 {
		t.Fatalf("failed: %+v", f)
	}
	sameTree(t, "downloaded tree", testutil.ReadTree(t, dst), withDirs(files, "tree"))

	for _, p := range []string{filepath.Join(d.Root, "in", "tree", "a", "file 001.bin"), filepath.Join(dst, "tree", "a", "file 001.bin")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.ModTime().Equal(old) {
			t.Errorf("%s modified %v, want %v (kept from the source)", p, fi.ModTime().UTC(), old)
		}
	}
	recs, err := history.Last(1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2*40 {
		t.Fatalf("history has %d records, want %d", len(recs), 80)
	}
	for _, r := range recs {
		if !r.OK() || !strings.HasPrefix(r.Checksum, "SHA-256 ") || r.Site != "Double" {
			t.Fatalf("history record %+v: want ok with a SHA-256 checksum", r)
		}
	}
	if tot := q.Totals(); tot.Active != 0 || tot.Done != 80 {
		t.Fatalf("totals after both batches: %+v", tot)
	}
}

// TestSingleFileAndSiteFailure: a single file job, a missing file (failed,
// not retried forever), and a wrong password that fails every job of the
// site at once.
func TestSingleFileAndSiteFailure(t *testing.T) {
	d := startDouble(t, ftpd.Config{})
	testutil.WriteTree(t, d.Root, map[string][]byte{"doc.txt": []byte("hello")})
	q := d.queue(Config{})
	dst := t.TempDir()
	q.Add(
		Spec{Direction: Download, Site: "s", Remote: "/doc.txt", Local: dst, Size: -1},
		Spec{Direction: Download, Site: "s", Remote: "/missing.txt", Local: dst, Size: -1},
		Spec{Direction: Download, Site: "wrong-password", Remote: "/doc.txt", Local: t.TempDir(), Size: -1},
		Spec{Direction: Download, Site: "wrong-password", Remote: "/x", Local: t.TempDir(), IsDir: true},
	)
	wait(t, q)
	if data, err := os.ReadFile(filepath.Join(dst, "doc.txt")); err != nil || string(data) != "hello" {
		t.Fatalf("doc.txt: %q, %v", data, err)
	}
	failed := q.FailedJobs()
	if len(failed) != 3 {
		t.Fatalf("failed list: %+v, want 3 entries", failed)
	}
	for _, f := range failed {
		if f.Spec.Site == "wrong-password" && !strings.Contains(f.Err, "password") {
			t.Errorf("failed %s: %q, want the password refusal", f.Name, f.Err)
		}
		if f.Name == "missing.txt" && f.Attempt != 1 {
			t.Errorf("missing.txt tried %d times, want once (not found is not retried)", f.Attempt)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "missing.txt"+partSuffix)); err == nil {
		t.Error("a part file was left for a missing file")
	}
	// Retry after the file appears: it lands.
	testutil.WriteTree(t, d.Root, map[string][]byte{"missing.txt": []byte("here now")})
	for _, f := range failed {
		if f.Name == "missing.txt" {
			q.Retry(f.ID)
		}
	}
	wait(t, q)
	if data, _ := os.ReadFile(filepath.Join(dst, "missing.txt")); string(data) != "here now" {
		t.Fatalf("missing.txt after retry: %q", data)
	}
	if n := len(q.FailedJobs()); n != 2 {
		t.Fatalf("%d failed after the retry, want 2", n)
	}
	q.ClearFailed()
	if n := len(q.FailedJobs()); n != 0 {
		t.Fatalf("%d failed after ClearFailed", n)
	}
}
