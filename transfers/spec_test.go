package transfers

import (
	"testing"
	"time"
)

func TestPlanSpecs(t *testing.T) {
	when := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	items := []Item{
		{Path: "/home/alice", IsDir: true, Size: 4096},
		{Path: "/", IsDir: true},
		{Path: "/home/alice/docs", IsDir: true, Size: 4096},
		{Path: "/home/alice/a.pdf", Size: 12, ModTime: when},
	}
	down := Downloads("k", "Office", items, "/tmp/dl", "/home/alice")
	want := []struct {
		contents bool
		size     int64
	}{{true, -1}, {true, -1}, {false, -1}, {false, 12}}
	for i, s := range down {
		if s.Direction != Download || s.Site != "k" || s.SiteName != "Office" || s.Remote != items[i].Path || s.Local != "/tmp/dl" {
			t.Errorf("download %d: %+v", i, s)
		}
		if s.Contents != want[i].contents || s.Size != want[i].size {
			t.Errorf("download %d (%s): contents %v size %d, want %v %d", i, s.Remote, s.Contents, s.Size, want[i].contents, want[i].size)
		}
	}
	if !down[3].ModTime.Equal(when) {
		t.Errorf("the file's time was lost: %v", down[3].ModTime)
	}
	up := Uploads("k", "Office", []Item{{Path: "/tmp/x", IsDir: true, Size: 4096}, {Path: "/tmp/y.txt", Size: 3}}, "/srv/in")
	if up[0].Direction != Upload || up[0].Local != "/tmp/x" || up[0].Remote != "/srv/in" || up[0].Size != -1 || up[0].Contents {
		t.Errorf("upload of a folder: %+v", up[0])
	}
	if up[1].Size != 3 || up[1].IsDir {
		t.Errorf("upload of a file: %+v", up[1])
	}
}
