package pane

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/transfers"
)

// TestMarksServerOffset: a server listing its times an hour ahead (its own
// time zone, LIST) is corrected before marking, in both panes; a file
// really newer is still newer.
func TestMarksServerOffset(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	local := makeItems([]Entry{
		{Name: "a", Size: 1, ModTime: at}, {Name: "b", Size: 2, ModTime: at}, {Name: "c", Size: 3, ModTime: at},
		{Name: "d", Size: 4, ModTime: at}, {Name: "e", Size: 5, ModTime: at.Add(-3 * time.Hour)},
	})
	remote := makeItems([]Entry{
		{Name: "a", Size: 1, ModTime: at.Add(time.Hour)}, {Name: "b", Size: 2, ModTime: at.Add(time.Hour)},
		{Name: "c", Size: 3, ModTime: at.Add(time.Hour)}, {Name: "d", Size: 4, ModTime: at.Add(time.Hour)},
		{Name: "e", Size: 5, ModTime: at.Add(time.Hour)},
	})
	var counts [transfers.DiffContent + 1]int
	marks := marksOf(remote, local, true, &counts)
	for _, n := range []string{"a", "b", "c", "d"} {
		if marks[n] != transfers.DiffSame {
			t.Errorf("server's %s: %s, want same", n, marks[n].Label())
		}
	}
	if marks["e"] != transfers.DiffNewer {
		t.Errorf("server's e: %s, want newer here", marks["e"].Label())
	}
	back := marksOf(local, remote, false, &counts)
	if back["a"] != transfers.DiffSame || back["e"] != transfers.DiffOlder {
		t.Errorf("local marks: a %s, e %s; want same, older here", back["a"].Label(), back["e"].Label())
	}
}

// TestCompareByChecksum: with the checksum on, a file of the same content
// on a server that offers HASH is "same" though its time differs, and one
// of the same size and time but another content is "different content".
func TestCompareByChecksum(t *testing.T) {
	d := ftpdtest.Start(t, ftpd.Config{})
	local := t.TempDir()
	same, other := []byte("same content"), []byte("this is here")
	os.WriteFile(filepath.Join(local, "same.txt"), same, 0o644)
	os.WriteFile(filepath.Join(local, "other.txt"), other, 0o644)
	os.WriteFile(filepath.Join(d.Root, "same.txt"), same, 0o644)
	os.WriteFile(filepath.Join(d.Root, "other.txt"), []byte("this is THERE"[:len(other)]), 0o644)
	fi, _ := os.Stat(filepath.Join(local, "other.txt"))
	os.Chtimes(filepath.Join(d.Root, "other.txt"), fi.ModTime(), fi.ModTime())
	old := fi.ModTime().Add(-time.Hour)
	os.Chtimes(filepath.Join(d.Root, "same.txt"), old, old)
	pool, err := d.Pool(context.Background(), "s")
	if err != nil {
		t.Fatal(err)
	}
	f := setup(t, &LocalFS{HomeDir: local}, NewRemoteFS(pool, sites.Site{Host: "127.0.0.1", Port: d.Port, User: ftpdtest.User}))
	f.left.SetCompare(true)
	if m, _ := f.left.Mark("same.txt"); m != transfers.DiffNewer {
		t.Fatalf("by time: same.txt is %s, want newer here", m.Label())
	}
	f.left.SetCompareChecksum(true)
	f.waitFor("the checksums", func() bool {
		a, _ := f.left.Mark("same.txt")
		b, _ := f.right.Mark("other.txt")
		return a == transfers.DiffSame && b == transfers.DiffContent
	})
	if !strings.Contains(f.left.footer.Text, "1 different content") {
		t.Errorf("footer: %q", f.left.footer.Text)
	}
}
