package pane

import (
	"testing"
	"time"

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
	var counts [transfers.DiffKind + 1]int
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
