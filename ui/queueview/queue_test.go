package queueview

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/transfers"
)

// TestEmptyStates: a new view says in words that there is nothing yet.
func TestEmptyStates(t *testing.T) {
	f := newFixture(t, ftpd.Config{})
	if got, want := f.titles(), []string{"Queue (0)", "Failed (0)", "Done (0)", "Log"}; !slices.Equal(got, want) {
		t.Fatalf("tab titles %q, want %q", got, want)
	}
	if f.v.totals.Text != emptyQueue {
		t.Errorf("totals line %q, want %q", f.v.totals.Text, emptyQueue)
	}
	if n := len(rowsOf(f.v.list)); n != 0 {
		t.Errorf("%d queue rows shown, want none", n)
	}
	for _, b := range []string{"Pause", "Cancel", "Move up", "Move down"} {
		if !button(t, f.w.Content(), b).Disabled() {
			t.Errorf("%s is enabled with nothing selected", b)
		}
	}
	f.show("Failed")
	if !hasText(f.w.Content(), "No failed transfers.") {
		t.Errorf("the Failed tab shows %q, want the empty sentence", texts(f.w.Content()))
	}
	f.show("Done")
	if !hasText(f.w.Content(), "Nothing transferred yet in this session.") {
		t.Errorf("the Done tab shows %q, want the empty sentence", texts(f.w.Content()))
	}
	f.show("Log")
	if !hasText(f.w.Content(), "No protocol log.") {
		t.Errorf("the Log tab shows %q", texts(f.w.Content()))
	}
}

// threeFiles are the files of the paused-queue golden: fixed names and
// sizes, so the markup is the same on every run.
var threeFiles = []struct {
	name string
	size int
}{
	{"annual report.pdf", 1_200_000},
	{"holiday photo.jpg", 345_678},
	{"notes.txt", 4_321},
}

// addThree queues threeFiles for download (the queue paused first, so they
// wait) and returns the local folder they go to.
func (f *fixture) addThree() string {
	f.t.Helper()
	files := map[string][]byte{}
	for i, tf := range threeFiles {
		files["in/"+tf.name] = bytes.Repeat([]byte{byte('a' + i)}, tf.size)
	}
	f.d.write(f.t, files)
	dst := f.t.TempDir()
	var specs []transfers.Spec
	for _, tf := range threeFiles {
		specs = append(specs, transfers.Spec{
			Direction: transfers.Download, Site: "s", SiteName: "Double",
			Remote: "/in/" + tf.name, Local: dst, Size: int64(tf.size),
		})
	}
	f.q.PauseAll()
	f.q.Add(specs...)
	f.v.refresh()
	return dst
}

// TestPausedJobsRunToDone: jobs added to a paused queue show as paused
// rows (golden markup); Resume all runs them, after which the Done tab
// lists them, newest first, and the queue is empty again.
func TestPausedJobsRunToDone(t *testing.T) {
	f := newFixture(t, ftpd.Config{})
	dst := f.addThree()

	if got, want := f.titles(), []string{"Queue (3)", "Failed (0)", "Done (0)", "Log"}; !slices.Equal(got, want) {
		t.Fatalf("tab titles %q, want %q", got, want)
	}
	if got, want := rowTitles(f.v.list), []string{"annual report.pdf", "holiday photo.jpg", "notes.txt"}; !slices.Equal(got, want) {
		t.Fatalf("queue rows %q, want %q", got, want)
	}
	for _, r := range rowsOf(f.v.list) {
		if r.right.Text != "Paused" {
			t.Errorf("row %s says %q, want Paused", r.title.Text, r.right.Text)
		}
	}
	if got := rowAt(t, f.v.list, 0).detail.Text; got != "1.2 MB" {
		t.Errorf("first row's detail %q, want the size", got)
	}
	if want := "Paused: 3 queued — 1.5 MB"; f.v.totals.Text != want {
		t.Errorf("totals line %q, want %q", f.v.totals.Text, want)
	}
	if b := button(t, f.w.Content(), "Resume all"); b.Disabled() {
		t.Error("Resume all is disabled")
	}
	test.AssertRendersToMarkup(t, "queue_paused.xml", f.w.Canvas())
	capture(t, f.w, "queue_paused.png")

	test.Tap(button(t, f.w.Content(), "Resume all"))
	f.settle()
	if f.v.totals.Text != emptyQueue {
		t.Errorf("totals line after the batch: %q", f.v.totals.Text)
	}
	if n := len(rowsOf(f.v.list)); n != 0 {
		t.Errorf("%d queue rows after the batch, want none", n)
	}
	if got, want := f.titles(), []string{"Queue (0)", "Failed (0)", "Done (3)", "Log"}; !slices.Equal(got, want) {
		t.Fatalf("tab titles %q, want %q", got, want)
	}
	f.show("Done")
	rows := rowsOf(f.v.done.list)
	if len(rows) != 3 {
		t.Fatalf("Done shows %d rows, want 3", len(rows))
	}
	recs := f.q.Done()
	for i, r := range rows {
		rec := recs[len(recs)-1-i] // newest first
		if r.title.Text != filepath.Base(rec.Remote) || r.right.Text != "ok" {
			t.Errorf("Done row %d: %q %q, want %q ok", i, r.title.Text, r.right.Text, filepath.Base(rec.Remote))
		}
		for _, part := range []string{
			rec.Time.Local().Format("15:04:05"), transfers.FormatSize(rec.Size), rec.Remote + " → " + filepath.Join(dst, filepath.Base(rec.Remote)),
		} {
			if !strings.Contains(r.detail.Text, part) {
				t.Errorf("Done row %d detail %q lacks %q", i, r.detail.Text, part)
			}
		}
	}
	capture(t, f.w, "done.png")

	f.v.SetHistoryPath("/home/alice/.config/ferry/transfer-history.jsonl")
	test.Tap(button(t, f.w.Content(), "Copy history path"))
	if got := fyne.CurrentApp().Clipboard().Content(); got != "/home/alice/.config/ferry/transfer-history.jsonl" {
		t.Errorf("clipboard %q after Copy history path", got)
	}
	test.Tap(button(t, f.w.Content(), "Clear"))
	if !hasText(f.w.Content(), "Nothing transferred yet in this session.") || f.titles()[2] != "Done (0)" {
		t.Errorf("after Clear: %q, titles %q", texts(f.w.Content()), f.titles())
	}
}

// TestMissingFileFailsAndRetries: a missing remote file lands in Failed
// with its error in words; Retry selected queues it again, and once the
// file exists it arrives.
func TestMissingFileFailsAndRetries(t *testing.T) {
	f := newFixture(t, ftpd.Config{})
	dst := t.TempDir()
	for _, name := range []string{"missing.txt", "gone.txt"} { // one by one: a fixed order
		f.q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", SiteName: "Double", Remote: "/" + name, Local: dst, Size: -1})
		f.settle()
	}
	// The Done tab lists every finished file, those given up on too.
	if got, want := f.titles(), []string{"Queue (0)", "Failed (2)", "Done (2)", "Log"}; !slices.Equal(got, want) {
		t.Fatalf("tab titles %q, want %q", got, want)
	}
	for _, r := range rowsOf(f.v.done.list) {
		if !strings.HasPrefix(r.right.Text, "failed: ") || r.right.Importance != widget.DangerImportance {
			t.Errorf("Done row %s: %q (%v), want failed: … in red", r.title.Text, r.right.Text, r.right.Importance)
		}
	}
	f.show("Failed")
	failed := f.q.FailedJobs()
	rows := rowsOf(f.v.failed.list)
	if len(rows) != 2 {
		t.Fatalf("Failed shows %d rows, want 2", len(rows))
	}
	for i, r := range rows {
		if r.title.Text != failed[i].Name || r.detail.Text != failed[i].Err || failed[i].Err == "" {
			t.Errorf("failed row %d: %q %q, want %q %q", i, r.title.Text, r.detail.Text, failed[i].Name, failed[i].Err)
		}
		if r.right.Text != "Download from Double" {
			t.Errorf("failed row %d says %q", i, r.right.Text)
		}
	}
	if !button(t, f.w.Content(), "Retry selected").Disabled() {
		t.Error("Retry selected is enabled with nothing selected")
	}

	// Clicking shows the whole story below the list, wrapped.
	press(rowAt(t, f.v.failed.list, 0), 0)
	if !f.v.failed.details.Visible() || f.v.failed.why.Text != failed[0].Err ||
		f.v.failed.where.Text != "Download from Double: /missing.txt → "+dst {
		t.Errorf("details %q / %q", f.v.failed.where.Text, f.v.failed.why.Text)
	}
	capture(t, f.w, "failed.png")

	f.d.write(t, map[string][]byte{"missing.txt": []byte("here now")})
	test.Tap(button(t, f.w.Content(), "Retry selected"))
	f.settle()
	if data, err := os.ReadFile(filepath.Join(dst, "missing.txt")); err != nil || string(data) != "here now" {
		t.Fatalf("missing.txt after the retry: %q, %v", data, err)
	}
	if got, want := f.titles(), []string{"Queue (0)", "Failed (1)", "Done (3)", "Log"}; !slices.Equal(got, want) {
		t.Fatalf("tab titles after the retry %q, want %q", got, want)
	}
	if got := rowTitles(f.v.failed.list); !slices.Equal(got, []string{"gone.txt"}) {
		t.Errorf("failed rows after the retry: %q", got)
	}
	if f.v.failed.details.Visible() {
		t.Error("the details of a retried job are still shown")
	}

	test.Tap(button(t, f.w.Content(), "Clear all"))
	if len(f.q.FailedJobs()) != 0 || !hasText(f.w.Content(), "No failed transfers.") {
		t.Errorf("after Clear all: %d failed, tab shows %q", len(f.q.FailedJobs()), texts(f.w.Content()))
	}
}

// TestFailedSelection: click, Ctrl+click and Shift+click select as in a
// file manager; Retry selected retries exactly those, Clear selected
// forgets exactly those.
func TestFailedSelection(t *testing.T) {
	f := newFixture(t, ftpd.Config{})
	dst := t.TempDir()
	for _, n := range []string{"a", "b", "c", "d"} { // one by one: a fixed order
		f.q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", Remote: "/" + n + ".txt", Local: dst, Size: -1})
		f.settle()
	}
	f.show("Failed")
	if got := rowTitles(f.v.failed.list); !slices.Equal(got, []string{"a.txt", "b.txt", "c.txt", "d.txt"}) {
		t.Fatalf("failed rows %q", got)
	}
	p := f.v.failed
	selected := func() []string {
		var out []string
		for _, r := range rowsOf(p.list) {
			if r.model.selected {
				out = append(out, r.title.Text)
			}
		}
		return out
	}
	press(rowAt(t, p.list, 1), 0)
	press(rowAt(t, p.list, 3), fyne.KeyModifierShift)
	if got := selected(); !slices.Equal(got, []string{"b.txt", "c.txt", "d.txt"}) {
		t.Fatalf("after click and Shift+click: %q", got)
	}
	press(rowAt(t, p.list, 2), fyne.KeyModifierShortcutDefault)
	if got := selected(); !slices.Equal(got, []string{"b.txt", "d.txt"}) {
		t.Fatalf("after Ctrl+click: %q", got)
	}
	test.Tap(button(t, f.w.Content(), "Clear selected"))
	if got := rowTitles(p.list); !slices.Equal(got, []string{"a.txt", "c.txt"}) {
		t.Fatalf("after Clear selected: %q", got)
	}
	if got := selected(); len(got) != 0 {
		t.Errorf("selection after clearing it: %q", got)
	}
	// Retry selected with c: it fails again (still missing) and comes back
	// last, a new job.
	press(rowAt(t, p.list, 1), 0)
	test.Tap(button(t, f.w.Content(), "Retry selected"))
	f.settle()
	if got := rowTitles(p.list); !slices.Equal(got, []string{"a.txt", "c.txt"}) || f.titles()[1] != "Failed (2)" {
		t.Fatalf("after Retry selected: %q, %q", got, f.titles())
	}
}

// TestCancelAsksForConfirmation: cancelling a running job asks first
// ("Keep" keeps it); a queued job without a partial file goes at once.
func TestCancelAsksForConfirmation(t *testing.T) {
	f, unblock := runningFolder(t)
	r := rowAt(t, f.v.list, 0)
	if r.title.Text != "photos" || r.right.Text != "Listing" || r.detail.Text != "listing…" {
		t.Errorf("running folder row: %q %q %q", r.title.Text, r.right.Text, r.detail.Text)
	}
	press(r, 0)
	if !r.model.selected {
		t.Fatal("the pressed row is not selected")
	}
	test.Tap(button(t, f.w.Content(), "Cancel"))
	dlg := topOverlay(t, f.w)
	if want := "Cancel the transfer of photos? Files already transferred stay; the partial file is deleted."; !hasText(dlg, want) {
		t.Fatalf("the dialog says %q, want %q", texts(dlg), want)
	}
	capture(t, f.w, "cancel.png")
	test.Tap(button(t, dlg, "Keep"))
	f.v.refresh()
	if f.q.Len() != 1 || f.w.Canvas().Overlays().Top() != nil {
		t.Fatalf("Keep: %d jobs, dialog %v", f.q.Len(), f.w.Canvas().Overlays().Top())
	}
	test.Tap(button(t, f.w.Content(), "Cancel"))
	test.Tap(button(t, topOverlay(t, f.w), "Cancel transfer"))
	unblock()
	eventually(t, "the cancelled job to leave", func() bool { return f.q.Len() == 0 })
	f.v.refresh()
	if f.v.selected != 0 || len(rowsOf(f.v.list)) != 0 || len(f.q.FailedJobs()) != 0 {
		t.Errorf("after cancelling: selected %d, %d rows, %d failed", f.v.selected, len(rowsOf(f.v.list)), len(f.q.FailedJobs()))
	}

	// A paused job that never started goes without a question.
	f.q.PauseAll()
	f.q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", Remote: "/x.bin", Local: t.TempDir(), Size: 10})
	f.v.refresh()
	press(rowAt(t, f.v.list, 0), 0)
	test.Tap(button(t, f.w.Content(), "Cancel"))
	if f.w.Canvas().Overlays().Top() != nil || f.q.Len() != 0 || len(rowsOf(f.v.list)) != 0 {
		t.Errorf("cancelling a waiting job: dialog %v, %d jobs", f.w.Canvas().Overlays().Top(), f.q.Len())
	}
}

// TestPauseResumeSelected: the selected job's Pause button pauses only it
// and turns into Resume.
func TestPauseResumeSelected(t *testing.T) {
	release := make(chan struct{})
	f := newFixture(t, ftpd.Config{Listing: func(string) []string { <-release; return nil }})
	t.Cleanup(func() { close(release) })
	f.q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", Remote: "/photos", Local: t.TempDir(), IsDir: true, Size: -1})
	eventually(t, "the folder job to run", func() bool {
		jobs := f.q.Jobs(0, 1)
		return len(jobs) == 1 && jobs[0].State == transfers.Running
	})
	f.v.refresh()
	press(rowAt(t, f.v.list, 0), 0)
	test.Tap(button(t, f.w.Content(), "Pause"))
	if r := rowAt(t, f.v.list, 0); r.right.Text != "Paused" {
		t.Fatalf("after Pause the row says %q", r.right.Text)
	}
	if b := button(t, f.w.Content(), "Resume"); b.Disabled() {
		t.Fatal("Resume is disabled")
	}
	if b := button(t, f.w.Content(), "Pause all"); b.Disabled() {
		t.Error("Pause all is disabled")
	}
	test.Tap(button(t, f.w.Content(), "Resume"))
	if st, _ := f.q.Status(f.v.selected); st.State == transfers.Paused {
		t.Fatalf("after Resume the job is %v", st.State)
	}
	button(t, f.w.Content(), "Pause")
}

// TestMoveReorders: Move up and Move down move the selected job; the
// selection follows it; Move up is disabled at the top.
func TestMoveReorders(t *testing.T) {
	f := newFixture(t, ftpd.Config{})
	f.addThree()
	press(rowAt(t, f.v.list, 2), 0)
	test.Tap(button(t, f.w.Content(), "Move up"))
	if got, want := rowTitles(f.v.list), []string{"annual report.pdf", "notes.txt", "holiday photo.jpg"}; !slices.Equal(got, want) {
		t.Fatalf("after Move up: %q, want %q", got, want)
	}
	if r := rowAt(t, f.v.list, 1); !r.model.selected || rowAt(t, f.v.list, 2).model.selected {
		t.Error("the selection did not follow the moved job")
	}
	test.Tap(button(t, f.w.Content(), "Move up"))
	if got := rowTitles(f.v.list); got[0] != "notes.txt" {
		t.Fatalf("after a second Move up: %q", got)
	}
	if !button(t, f.w.Content(), "Move up").Disabled() {
		t.Error("Move up is enabled for the first job")
	}
	test.Tap(button(t, f.w.Content(), "Move down"))
	test.Tap(button(t, f.w.Content(), "Move down"))
	if got, want := rowTitles(f.v.list), []string{"annual report.pdf", "holiday photo.jpg", "notes.txt"}; !slices.Equal(got, want) {
		t.Fatalf("after Move down twice: %q, want %q", got, want)
	}
	if !button(t, f.w.Content(), "Move down").Disabled() {
		t.Error("Move down is enabled for the last job")
	}
	// Ctrl+click on the selected row unselects it.
	press(rowAt(t, f.v.list, 2), fyne.KeyModifierShortcutDefault)
	if f.v.selected != 0 || !button(t, f.w.Content(), "Move up").Disabled() {
		t.Error("Ctrl+click did not unselect")
	}
}

// TestHundredThousandJobs: a paused queue of 100,000 jobs refreshes one
// page, not the whole queue, and scrolling fetches the rows shown.
func TestHundredThousandJobs(t *testing.T) {
	f := newFixture(t, ftpd.Config{})
	f.q.PauseAll()
	dst := t.TempDir()
	specs := make([]transfers.Spec, 100_000)
	for i := range specs {
		specs[i] = transfers.Spec{Direction: transfers.Download, Site: "s", Remote: fmt.Sprintf("/none/file %06d.bin", i), Local: dst, Size: 1000}
	}
	f.q.Add(specs...)
	f.v.refresh()
	if got := f.titles()[0]; got != "Queue (100000)" {
		t.Fatalf("queue tab title %q", got)
	}
	titles := rowTitles(f.v.list)
	if len(titles) == 0 || titles[0] != "file 000000.bin" || titles[1] != "file 000001.bin" {
		t.Fatalf("first rows %q", titles)
	}
	if n, most := len(f.v.page), f.v.visibleRows()+2*pageMargin; n > most {
		t.Errorf("a refresh fetched %d jobs, want at most %d (one page)", n, most)
	}
	if want := "Paused: 100000 queued — 100.0 MB"; f.v.totals.Text != want {
		t.Errorf("totals %q, want %q", f.v.totals.Text, want)
	}
	// Scroll to the middle: the rows shown are fetched as they appear.
	f.v.list.ScrollToOffset(50_000 * f.v.rowPitch())
	titles = rowTitles(f.v.list)
	if len(titles) == 0 || !strings.HasPrefix(titles[0], "file 0500") {
		t.Fatalf("rows in the middle %q", titles)
	}
	f.v.refresh()
	if got := rowTitles(f.v.list); !slices.Equal(got, titles) {
		t.Errorf("rows after a refresh %q, want %q", got, titles)
	}
	press(rowAt(t, f.v.list, rowsOf(f.v.list)[0].index), 0)
	test.Tap(button(t, f.w.Content(), "Move down"))
	if !rowsOf(f.v.list)[1].model.selected {
		t.Error("the moved job's row is not selected")
	}
}

// TestSampler: the ticker asks for a refresh when the queue changed or
// moved, and not while it is idle.
func TestSampler(t *testing.T) {
	test.NewTempApp(t)
	d := startDouble(t, ftpd.Config{})
	q := d.queue(t)
	s := &sampler{q: q}
	if _, lists, need := s.sample(); !lists || !need {
		t.Fatalf("first sample: lists %v need %v, want both", lists, need)
	}
	for i := range 3 {
		if _, lists, need := s.sample(); lists || need {
			t.Fatalf("idle sample %d: lists %v need %v, want neither", i, lists, need)
		}
	}
	q.PauseAll()
	q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", Remote: "/x", Local: t.TempDir(), Size: 5})
	if tot, lists, need := s.sample(); !lists || !need || tot.Active != 1 {
		t.Fatalf("after Add: lists %v need %v totals %+v", lists, need, tot)
	}
	if _, _, need := s.sample(); need {
		t.Fatal("a paused queue keeps asking for refreshes")
	}
}

// TestTicker: Start keeps the view up to date through uido.Do; Stop ends
// the ticker goroutine.
func TestTicker(t *testing.T) {
	test.NewTempApp(t)
	d := startDouble(t, ftpd.Config{})
	q := d.queue(t)
	w := test.NewTempWindow(t, nil)
	v := newView(q, w, 5*time.Millisecond)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1000, 300))
	v.Start()
	v.Start() // a second Start does nothing
	q.PauseAll()
	q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", Remote: "/x", Local: t.TempDir(), Size: 5})
	// Refreshes run on the ticker goroutine (the test driver's uido.Do
	// runs at once): watch the counter only, read widgets after Stop.
	eventually(t, "a refresh showing the job", func() bool { return v.shownActive.Load() == 1 })
	v.Stop()
	v.Stop()
	if got := v.queueTab.Text; got != "Queue (1)" {
		t.Errorf("queue tab %q after the ticker ran", got)
	}
	if got := rowTitles(v.list); !slices.Equal(got, []string{"x"}) {
		t.Errorf("rows %q", got)
	}
}

// TestFormats covers the words and numbers the rows and the totals line
// are made of.
func TestFormats(t *testing.T) {
	clocks := []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00"}, {42 * time.Second, "0:42"}, {12*time.Minute + 5*time.Second, "12:05"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"}, {1499 * time.Millisecond, "0:01"},
	}
	for _, c := range clocks {
		if got := clock(c.d); got != c.want {
			t.Errorf("clock(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		sec  float64
		want string
	}{{0.42, "0.4 s"}, {12.3, "12 s"}, {62, "1:02"}} {
		if got := humanSeconds(c.sec); got != c.want {
			t.Errorf("humanSeconds(%v) = %q, want %q", c.sec, got, c.want)
		}
	}
	running := transfers.JobStatus{
		Name: "photos", State: transfers.Running, Spec: transfers.Spec{IsDir: true},
		Bytes: 3_200_000, Total: 10_000_000, Files: 12, Count: 340, Rate: 1_200_000, ETA: 42 * time.Second,
		Current: "2024/IMG_0001.jpg", Attempt: 1,
	}
	details := []struct {
		name        string
		st          transfers.JobStatus
		state, want string
	}{
		{"folder", running, "Running", "12 of 340 files · 3.2 MB of 10.0 MB (32%) · 1.2 MB/s · 0:42 left · 2024/IMG_0001.jpg"},
		{"listing", transfers.JobStatus{State: transfers.Running, Spec: transfers.Spec{IsDir: true}, Listing: true}, "Listing", "listing…"},
		{"listing with files", transfers.JobStatus{State: transfers.Running, Spec: transfers.Spec{IsDir: true}, Listing: true, Count: 5, Files: 2, Total: 5000, Bytes: 2000},
			"Running", "2 of 5 files so far, listing… · 2.0 kB of 5.0 kB (40%)"},
		{"retrying", transfers.JobStatus{State: transfers.Running, Attempt: 2, Bytes: 500, Total: 1000}, "Retrying (attempt 2)", "500 B of 1.0 kB (50%)"},
		{"queued", transfers.JobStatus{State: transfers.Queued, Total: 1_200_000}, "Queued", "1.2 MB"},
		{"paused part", transfers.JobStatus{State: transfers.Paused, Bytes: 600_000, Total: 1_200_000, Rate: 5}, "Paused", "600.0 kB of 1.2 MB (50%)"},
		{"unknown size", transfers.JobStatus{State: transfers.Queued}, "Queued", ""},
		{"failures", transfers.JobStatus{State: transfers.Queued, Spec: transfers.Spec{IsDir: true}, Count: 1, Files: 1, Failures: 2}, "Queued", "1 of 1 file · 2 files failed"},
	}
	for _, c := range details {
		t.Run(c.name, func(t *testing.T) {
			if got := stateText(c.st); got != c.state {
				t.Errorf("state %q, want %q", got, c.state)
			}
			if got := jobDetail(c.st); got != c.want {
				t.Errorf("detail %q, want %q", got, c.want)
			}
		})
	}
	totals := []struct {
		t    transfers.Totals
		want string
	}{
		{transfers.Totals{}, emptyQueue},
		{transfers.Totals{Active: 15, Running: 3, Bytes: 45_200_000, Total: 120_000_000, Rate: 8_100_000, ETA: 9 * time.Second},
			"3 running, 12 queued — 45.2 MB of 120.0 MB, 8.1 MB/s, 0:09 left"},
		{transfers.Totals{Active: 2, Paused: true, Total: 2000}, "Paused: 2 queued — 2.0 kB"},
		{transfers.Totals{Active: 1, Running: 1}, "1 running"},
	}
	for _, c := range totals {
		if got := totalsText(c.t); got != c.want {
			t.Errorf("totalsText(%+v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestUploadsSkipsAndRetryAll: the public constructor, Pause all / Resume
// all, an upload and a skipped upload in the Done tab, and Retry all.
func TestUploadsSkipsAndRetryAll(t *testing.T) {
	test.NewTempApp(t)
	d := startDouble(t, ftpd.Config{})
	q := d.queue(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	v := New(q, w)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1000, 300))
	f := &fixture{t: t, d: d, q: q, v: v, w: w}

	test.Tap(button(t, w.Content(), "Pause all"))
	if !q.Totals().Paused {
		t.Fatal("Pause all did not pause the queue")
	}
	if want := "Queue is empty and paused: new transfers wait for Resume all."; v.totals.Text != want {
		t.Errorf("totals %q, want %q", v.totals.Text, want)
	}
	test.Tap(button(t, w.Content(), "Resume all"))
	button(t, w.Content(), "Pause all")

	local := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(local, []byte("quarterly"), 0o644); err != nil {
		t.Fatal(err)
	}
	up := transfers.Spec{Direction: transfers.Upload, Site: "s", Local: local, Remote: "/", Size: 9}
	q.Add(up)
	f.settle()
	q.Add(up) // the target exists now: the default policy skips it
	f.settle()
	f.show("Done")
	rows := rowsOf(v.done.list)
	if len(rows) != 2 {
		t.Fatalf("Done shows %d rows, want 2", len(rows))
	}
	skipped, sent := rows[0], rows[1] // newest first
	if !strings.HasPrefix(skipped.right.Text, "skipped: ") || skipped.right.Importance != widget.WarningImportance {
		t.Errorf("second upload: %q (%v), want skipped: … in orange", skipped.right.Text, skipped.right.Importance)
	}
	if sent.title.Text != "report.txt" || sent.right.Text != "ok" || sent.model.icon != theme.IconNameUpload ||
		!strings.Contains(sent.detail.Text, local+" → /report.txt") {
		t.Errorf("upload row: %q %q %q %q", sent.title.Text, sent.right.Text, sent.model.icon, sent.detail.Text)
	}

	q.Add(transfers.Spec{Direction: transfers.Download, Site: "s", Remote: "/nope.txt", Local: t.TempDir(), Size: -1})
	f.settle()
	before := q.FailedJobs()
	f.show("Failed")
	if got := rowAt(t, v.failed.list, 0).right.Text; got != "Download from s" {
		t.Errorf("failed row without a site name says %q", got)
	}
	test.Tap(button(t, w.Content(), "Retry all"))
	f.settle()
	after := q.FailedJobs()
	if len(before) != 1 || len(after) != 1 || after[0].ID == before[0].ID || f.titles()[1] != "Failed (1)" {
		t.Errorf("Retry all: failed before %+v, after %+v", before, after)
	}
}

// TestLogSaveDialog: Save… opens the file dialog; NewLog takes a nil hub.
func TestLogSaveDialog(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	hub := session.NewLogHub(10)
	hub.Log(session.Entry{Time: logAt, Conn: 1, Kind: session.EntryInfo, Text: "hello"})
	l := NewLog(hub, w)
	defer l.Close()
	w.SetContent(l.Content())
	w.Resize(fyne.NewSize(1000, 600))
	test.Tap(button(t, w.Content(), "Save…"))
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("Save… shows no dialog")
	}
	empty := NewLog(nil, w)
	defer empty.Close()
	if empty.length() != 0 {
		t.Error("a log without a hub has lines")
	}
}
