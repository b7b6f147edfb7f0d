package transfers

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// side builds a snapshot from "rel=size@minutes" (a file whose time is t0
// plus minutes) and "rel/" (a folder).
func side(precise bool, specs ...string) *snapshot {
	s := &snapshot{entries: map[string]SyncEntry{}, precise: precise}
	for _, sp := range specs {
		if strings.HasSuffix(sp, "/") {
			s.entries[strings.TrimSuffix(sp, "/")] = SyncEntry{IsDir: true}
			continue
		}
		var rel string
		var size, mins int64
		rel, rest, _ := strings.Cut(sp, "=")
		fmt.Sscanf(rest, "%d@%d", &size, &mins)
		s.entries[rel] = SyncEntry{Size: size, ModTime: t0.Add(time.Duration(mins) * time.Minute)}
	}
	return s
}

// plan renders a plan as "kind rel" lines, in order.
func planLines(p *SyncPlan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.Kind.String()+" "+a.Rel)
	}
	return out
}

func expectPlan(t *testing.T, name string, p *SyncPlan, want ...string) {
	t.Helper()
	if got := planLines(p); !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", name, got, want)
	}
}

// TestSyncOneWay: what the source has new, of another size or newer goes
// to the target; a target newer is left; extras go only with Delete, a
// folder at once, and never below a folder the source listed incompletely.
func TestSyncOneWay(t *testing.T) {
	local := side(true, "a=1@0", "b=2@0", "c=3@10", "d=4@0", "new/", "new/x=1@0")
	remote := side(false, "b=5@0", "c=3@0", "d=4@30", "old/", "old/y=1@0", "z=1@0")
	up := planSync(SyncOptions{Direction: SyncUp}, local, remote, nil)
	expectPlan(t, "up", up, "upload a", "upload b", "upload c", "upload new/x")
	if up.Same != 1 || !slices.Equal(up.RemoteFolders, []string{"new"}) {
		t.Errorf("up: same %d, folders %q; want 1 (d) and [new]", up.Same, up.RemoteFolders)
	}
	del := planSync(SyncOptions{Direction: SyncUp, Delete: true}, local, remote, nil)
	expectPlan(t, "up --delete", del, "upload a", "upload b", "upload c", "upload new/x", "delete there old", "delete there z")

	down := planSync(SyncOptions{Direction: SyncDown, Delete: true}, local, remote, nil)
	expectPlan(t, "down --delete", down, "delete here a", "download b", "download d", "delete here new", "download old/y", "download z")

	// The server listed the top incompletely: nothing is deleted here.
	remote.partial = []string{""}
	cut := planSync(SyncOptions{Direction: SyncDown, Delete: true}, local, remote, nil)
	expectPlan(t, "down --delete, cut listing", cut, "download b", "download d", "download old/y", "download z")
}

// TestSyncTimePrecision: a server that lists minutes (LIST) is compared to
// the minute; with MLSD, to the second.
func TestSyncTimePrecision(t *testing.T) {
	local := &snapshot{precise: true, entries: map[string]SyncEntry{"f": {Size: 1, ModTime: t0.Add(40 * time.Second)}}}
	remote := &snapshot{entries: map[string]SyncEntry{"f": {Size: 1, ModTime: t0}}}
	expectPlan(t, "LIST", planSync(SyncOptions{Direction: SyncUp}, local, remote, nil))
	remote.precise = true
	expectPlan(t, "MLSD", planSync(SyncOptions{Direction: SyncUp}, local, remote, nil), "upload f")
}

func stateOf(entries map[string]stateEntry) *syncState {
	s := &syncState{file: stateFile{Schema: 1, Entries: map[string]*stateEntry{}}}
	for k, v := range entries {
		s.set(k, v)
	}
	return s
}

func inStep(size, mins int64) stateEntry {
	e := SyncEntry{Size: size, ModTime: t0.Add(time.Duration(mins) * time.Minute)}
	return stateEntry{Local: e, Remote: e}
}

// TestSyncTwoWay: changes on one side go to the other, deletions too; a
// file changed on both sides, or changed on one and deleted on the other,
// is a conflict; a folder deleted on one side goes whole on the other.
func TestSyncTwoWay(t *testing.T) {
	state := stateOf(map[string]stateEntry{
		"same": inStep(1, 0), "chg-here": inStep(1, 0), "chg-there": inStep(1, 0), "chg-both": inStep(1, 0),
		"del-there": inStep(1, 0), "del-here": inStep(1, 0), "chg-here-del-there": inStep(1, 0),
		"dir": {Local: SyncEntry{IsDir: true}, Remote: SyncEntry{IsDir: true}}, "dir/f": inStep(1, 0),
	})
	local := side(true, "same=1@0", "chg-here=2@5", "chg-there=1@0", "chg-both=3@5", "del-there=1@0",
		"chg-here-del-there=9@9", "dir/", "dir/f=1@0", "new-here=1@0")
	remote := side(true, "same=1@0", "chg-here=1@0", "chg-there=4@7", "chg-both=5@6", "del-here=1@0", "new-there=1@0")
	p := planSync(SyncOptions{Direction: SyncBoth}, local, remote, state)
	expectPlan(t, "both", p,
		"conflict chg-both", "upload chg-here", "conflict chg-here-del-there", "download chg-there",
		"delete there del-here", "delete here del-there", "delete here dir", "upload new-here", "download new-there")
	if p.Same != 1 {
		t.Errorf("same %d, want 1", p.Same)
	}

	// The server's listing was cut: what it did not list is not deleted here.
	remote.partial = []string{""}
	cut := planSync(SyncOptions{Direction: SyncBoth}, local, remote, state)
	expectPlan(t, "both, cut listing", cut,
		"conflict chg-both", "upload chg-here", "download chg-there", "delete there del-here", "download new-there")
}

// TestSyncFirstAndPending: a first two-way sync takes the same size as in
// step and different sizes as a conflict; a transfer marked pending whose
// copy is whole is in step, one cut short is sent again.
func TestSyncFirstAndPending(t *testing.T) {
	local := side(true, "a=1@0", "b=2@0", "c=3@0", "d=3@0")
	remote := side(true, "a=1@9", "b=5@0", "c=3@1", "d=1@1")
	first := planSync(SyncOptions{Direction: SyncBoth}, local, remote, stateOf(nil))
	expectPlan(t, "first", first, "conflict b", "conflict d")

	up := inStep(1, 0)
	up.Local, up.Pending = SyncEntry{Size: 3, ModTime: t0}, pendingUp
	pend := planSync(SyncOptions{Direction: SyncBoth}, side(true, "c=3@0", "d=3@0"), side(true, "c=3@1", "d=1@1"),
		stateOf(map[string]stateEntry{"c": up, "d": up}))
	expectPlan(t, "pending", pend, "upload d")

	// An upload of a changed file (the same size) cut before it began: the
	// server's copy is the old one, so it goes again, never "in step".
	old := SyncEntry{Size: 3, ModTime: t0.Add(-time.Hour)}
	cut := stateEntry{Local: SyncEntry{Size: 3, ModTime: t0}, Remote: old, Pending: pendingUp}
	again := planSync(SyncOptions{Direction: SyncBoth}, side(true, "e=3@0"), &snapshot{precise: true,
		entries: map[string]SyncEntry{"e": old}}, stateOf(map[string]stateEntry{"e": cut}))
	expectPlan(t, "pending, not begun", again, "upload e")

	// A new file whose upload failed before the server made it, and one
	// whose download did: sent again, never deleted.
	newUp := stateEntry{Local: SyncEntry{Size: 3, ModTime: t0}, Pending: pendingUp}
	newDown := stateEntry{Remote: SyncEntry{Size: 4, ModTime: t0}, Pending: pendingDown}
	lost := planSync(SyncOptions{Direction: SyncBoth}, side(true, "n=3@0"), side(true, "m=4@0"),
		stateOf(map[string]stateEntry{"n": newUp, "m": newDown}))
	expectPlan(t, "pending, never made", lost, "download m", "upload n")
}

// TestExcluded: name patterns match in any folder, "dir/" only folders,
// and a pattern with a slash the path from the top.
func TestExcluded(t *testing.T) {
	pats := []string{"*.tmp", "cache/", "build/*.o"}
	for _, c := range []struct {
		rel   string
		isDir bool
		want  bool
	}{
		{"a.tmp", false, true}, {"x/y/a.tmp", false, true}, {"a.txt", false, false},
		{"cache", true, true}, {"x/cache", true, true}, {"cache", false, false},
		{"build/a.o", false, true}, {"x/build/a.o", false, false},
	} {
		if got := excluded(pats, c.rel, c.isDir); got != c.want {
			t.Errorf("excluded(%q, dir %v) = %v, want %v", c.rel, c.isDir, got, c.want)
		}
	}
}

// TestCompareEntries: the panes' marks, with a LIST time (minutes) on one
// side and a disk time (seconds) on the other.
func TestCompareEntries(t *testing.T) {
	list := SyncEntry{Size: 10, ModTime: t0} // 10:00, from LIST
	for _, c := range []struct {
		here  SyncEntry
		there *SyncEntry
		want  Difference
	}{
		{SyncEntry{Size: 10, ModTime: t0.Add(42 * time.Second)}, &list, DiffSame},
		{SyncEntry{Size: 10, ModTime: t0.Add(2 * time.Minute)}, &list, DiffNewer},
		{SyncEntry{Size: 10, ModTime: t0.Add(-2 * time.Minute)}, &list, DiffOlder},
		{SyncEntry{Size: 11, ModTime: t0.Add(5 * time.Second)}, &list, DiffSize},
		{SyncEntry{Size: 10}, nil, DiffOnlyHere},
		{SyncEntry{IsDir: true}, &list, DiffKind},
		{SyncEntry{IsDir: true}, &SyncEntry{IsDir: true}, DiffSame},
	} {
		if got := CompareEntries(c.here, c.there); got != c.want {
			t.Errorf("CompareEntries(%+v, %+v) = %s, want %s", c.here, c.there, got.Label(), c.want.Label())
		}
	}
}

// TestSyncCompareModes: by size alone a newer file of the same size stays;
// by time alone a file of another size that is not newer stays.
func TestSyncCompareModes(t *testing.T) {
	local := side(true, "a=1@10", "b=2@0")
	remote := side(true, "a=1@0", "b=3@5")
	expectPlan(t, "size+time", planSync(SyncOptions{Direction: SyncUp}, local, remote, nil), "upload a", "upload b")
	expectPlan(t, "size", planSync(SyncOptions{Direction: SyncUp, Compare: CompareSize}, local, remote, nil), "upload b")
	expectPlan(t, "time", planSync(SyncOptions{Direction: SyncUp, Compare: CompareTime}, local, remote, nil), "upload a")
}

// TestSyncServerOffset: a server that lists times an hour off (its own
// time zone, LIST) is corrected when four in five files of the same size
// agree on it; the files then compare in step.
func TestSyncServerOffset(t *testing.T) {
	local := side(true, "a=1@0", "b=2@3", "c=3@7", "d=4@9", "e=5@1")
	remote := side(false, "a=1@60", "b=2@63", "c=3@67", "d=4@69", "e=5@61")
	p := planSync(SyncOptions{Direction: SyncUp}, local, remote, nil)
	expectPlan(t, "an hour off", p)
	if p.Same != 5 {
		t.Errorf("%d in step, want 5", p.Same)
	}
	if off := ServerOffset([][2]time.Time{{t0, t0.Add(30 * time.Minute)}, {t0, t0.Add(time.Hour)}, {t0, t0}}); off != 0 {
		t.Errorf("no majority: offset %s, want 0", off)
	}
}
