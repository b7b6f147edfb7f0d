package transfers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRenamed(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"report.pdf", 1, "report (1).pdf"},
		{"archive.tar.gz", 2, "archive (2).tar.gz"},
		{"README", 1, "README (1)"},
		{".profile", 1, ".profile (1)"},
		{"dir/x.txt", 3, "dir/x (3).txt"},
	} {
		if got := renamed(tc.in, tc.n); got != tc.want {
			t.Errorf("renamed(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestParseAction(t *testing.T) {
	for _, a := range Actions() {
		got, err := ParseAction(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAction(%q) = %v, %v", a.String(), got, err)
		}
	}
	if _, err := ParseAction("maybe"); err == nil {
		t.Error("ParseAction(maybe) succeeded")
	}
}

// TestMeter: the rate follows the window, restarts after a reset, and
// the ETA is the rest at that rate.
func TestMeter(t *testing.T) {
	var m meter
	t0 := time.Unix(1000, 0)
	if r := m.rate(t0, 0); r != 0 {
		t.Fatalf("first sample rate %v", r)
	}
	for i := 1; i <= 10; i++ {
		m.rate(t0.Add(time.Duration(i)*time.Second), int64(i)*1_000_000)
	}
	// 1 MB/s steady: the window of 5 s sees 5 MB more.
	if r := m.rate(t0.Add(11*time.Second), 11_000_000); r < 0.99e6 || r > 1.01e6 {
		t.Fatalf("steady rate %v, want 1e6", r)
	}
	if d := eta(11_000_000, 21_000_000, 1e6); d != 10*time.Second {
		t.Fatalf("eta %v, want 10s", d)
	}
	m.reset()
	if r := m.rate(t0.Add(12*time.Second), 12_000_000); r != 0 {
		t.Fatalf("rate right after reset %v, want 0", r)
	}
	if eta(5, 5, 1) != 0 || eta(1, 5, 0) != 0 {
		t.Fatal("eta of a finished or stalled transfer is not 0")
	}
}

// TestHistoryRotation: the history stays bounded, keeps the newest lines,
// and Last reads across the rotation.
func TestHistoryRotation(t *testing.T) {
	dir := t.TempDir()
	h := &History{Path: filepath.Join(dir, HistoryFile), MaxBytes: 2000, Keep: 2}
	for i := range 100 {
		if err := h.Append(Record{Time: time.Unix(int64(i), 0).UTC(), Site: "Office", Direction: "upload",
			Remote: fmt.Sprintf("/in/%d.txt", i), Local: "/home/x", Size: int64(i), Result: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	var total int64
	for _, e := range entries {
		fi, _ := e.Info()
		total += fi.Size()
	}
	if len(entries) != 3 || total > 3*2000 {
		t.Fatalf("%d files, %d bytes: want the file and 2 rotations within 6000 bytes", len(entries), total)
	}
	recs, err := h.Last(10)
	if err != nil || len(recs) != 10 || recs[9].Size != 99 || recs[0].Size != 90 {
		t.Fatalf("Last(10) = %d records (%v), want 90…99", len(recs), err)
	}
	// A line cut short by a crash is skipped, not fatal.
	f, _ := os.OpenFile(h.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2020`)
	f.Close()
	if recs, err := h.Last(3); err != nil || len(recs) != 3 {
		t.Fatalf("Last after a torn line: %d, %v", len(recs), err)
	}
}

// TestHistoryOutcome: a record keeps how it ended in words and by type;
// lines written before the typed fields load with the outcome their words
// name, and a name from a later version does not lose the line.
func TestHistoryOutcome(t *testing.T) {
	h := &History{Path: filepath.Join(t.TempDir(), HistoryFile)}
	if err := h.Append(Record{Result: "skipped: a file of that name exists", Outcome: OutcomeSkipped, Skip: SkippedExists}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(h.Path)
	if want := `"result":"skipped: a file of that name exists","outcome":"skipped","skip":"exists"`; err != nil || !strings.Contains(string(data), want) {
		t.Fatalf("history line %s (%v), want it to hold %s", data, err, want)
	}
	lines := []string{
		`{"result":"ok"}`,
		`{"result":"failed: download /a: 550 no such file"}`,
		`{"result":"skipped: a file of that name exists"}`,
		`{"result":"skipped: already there"}`,
		`{"result":"skipped: /evil: a listing line Ferry cannot read: \"x\""}`,
		`{"result":"ok","outcome":"ok"}`,
		`{"result":"skipped: already there","outcome":"skipped","skip":"already-there"}`,
		`{"result":"ok","outcome":"from-a-later-version"}`,
	}
	f, _ := os.OpenFile(h.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(strings.Join(lines, "\n") + "\n")
	f.Close()
	recs, err := h.Last(100)
	if err != nil || len(recs) != 1+len(lines) {
		t.Fatalf("Last: %d records, %v; want %d", len(recs), err, 1+len(lines))
	}
	want := []struct {
		o Outcome
		s SkipReason
	}{
		{OutcomeSkipped, SkippedExists},
		{OutcomeOK, 0}, {OutcomeFailed, 0}, {OutcomeSkipped, SkippedExists}, {OutcomeSkipped, SkippedAlreadyThere},
		{OutcomeSkipped, SkippedUnusable}, {OutcomeOK, 0}, {OutcomeSkipped, SkippedAlreadyThere}, {OutcomeOK, 0},
	}
	for i, r := range recs {
		if r.Outcome != want[i].o || r.Skip != want[i].s || r.OK() != (want[i].o == OutcomeOK) {
			t.Errorf("record %d (%q): %v %q, want %v %q", i, r.Result, r.Outcome, r.Skip, want[i].o, want[i].s)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {999, "999 B"}, {-999, "-999 B"}, {1000, "1.0 kB"}, {1023, "1.0 kB"}, {1536, "1.5 kB"},
		{12_345, "12.3 kB"}, {999_949, "999.9 kB"}, {999_999, "1.0 MB"}, {3_200_000, "3.2 MB"},
		{10_000_000, "10.0 MB"}, {200 << 20, "209.7 MB"}, {1_500_000_000, "1.5 GB"}, {3 << 30, "3.2 GB"},
		{2_000_000_000_000, "2.0 TB"}, {5e18, "5000.0 PB"},
	} {
		if got := FormatSize(c.n); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestNextTarget: segments double while each new one carries its share,
// grow by one while they help a little, and stop growing when they don't.
func TestNextTarget(t *testing.T) {
	for _, c := range []struct {
		name                   string
		target, running, added int
		rate, last             float64
		want                   int
		grow                   bool
	}{
		{"first window, two started at once: try four", 2, 2, 1, 20, 0, 4, true},
		{"only one connection could start: try a second", 1, 1, 0, 10, 0, 2, true},
		{"a capped server: 1 to 2 doubled the rate", 2, 2, 1, 20, 10, 4, true},
		{"2 to 4 doubled it again", 4, 4, 2, 40, 20, 8, true},
		{"the new ones carry less than half a share: one more", 8, 8, 4, 60, 50, 9, true},
		{"loopback: a second segment added nothing", 2, 2, 1, 100, 98, 2, false},
		{"a segment ended meanwhile: judged by those running", 4, 3, 2, 30, 20, 6, true},
		{"no slot was free last time: try again", 3, 2, 0, 20, 20, 3, true},
	} {
		got, grow := nextTarget(c.target, c.running, c.added, c.rate, c.last)
		if got != c.want || grow != c.grow {
			t.Errorf("%s: nextTarget(%d, %d, %d, %g, %g) = %d, %v; want %d, %v",
				c.name, c.target, c.running, c.added, c.rate, c.last, got, grow, c.want, c.grow)
		}
	}
}

// TestNextWidth: the number of transfers doubles while each new one
// carries its share, grows by one while they help a little, goes back
// when they made it slower, and stays when they changed nothing.
func TestNextWidth(t *testing.T) {
	for _, c := range []struct {
		name           string
		cur, prev      int
		rate, prevRate float64
		want           int
		grow           bool
	}{
		{"first window: try twice as many", 2, 0, 100, 0, 4, true},
		{"a long round trip: 2 to 4 doubled the rate", 4, 2, 200, 100, 8, true},
		{"4 to 8 added a little", 8, 4, 230, 200, 9, true},
		{"loopback, server-bound: 2 to 4 made it slower", 4, 2, 90, 100, 2, false},
		{"2 to 4 changed nothing", 4, 2, 101, 100, 4, false},
	} {
		got, grow := nextWidth(c.cur, c.prev, c.rate, c.prevRate)
		if got != c.want || grow != c.grow {
			t.Errorf("%s: nextWidth(%d, %d, %g, %g) = %d, %v; want %d, %v",
				c.name, c.cur, c.prev, c.rate, c.prevRate, got, grow, c.want, c.grow)
		}
	}
}
