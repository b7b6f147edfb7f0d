package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/ferryftps/ferry/transfers"
)

// TestSummaryCountsByOutcome: the closing line counts the records by their
// typed outcome, not their words: an entry skipped as unusable whose name
// says "exists" is not counted as already there.
func TestSummaryCountsByOutcome(t *testing.T) {
	var s summary
	for _, r := range []transfers.Record{
		{Outcome: transfers.OutcomeOK, Result: "ok", Size: 1000},
		{Outcome: transfers.OutcomeOK, Result: "ok", Size: 500},
		{Outcome: transfers.OutcomeSkipped, Skip: transfers.SkippedExists, Result: "skipped: a file of that name exists"},
		{Outcome: transfers.OutcomeSkipped, Skip: transfers.SkippedAlreadyThere, Result: "skipped: already there"},
		{Outcome: transfers.OutcomeSkipped, Skip: transfers.SkippedUnusable, Result: "skipped: /in/exists.fifo: not a regular file"},
		{Outcome: transfers.OutcomeFailed, Result: "failed: download /x: 550 no such file"},
	} {
		s.add(r)
	}
	var b strings.Builder
	s.print(&b, transfers.Download, 2*time.Second)
	if want := "Downloaded 2 files (1.5 kB) in 2s, 750 B/s; skipped 3 (1 already there: see --on-conflict); 1 failed\n"; b.String() != want {
		t.Errorf("summary %q, want %q", b.String(), want)
	}
}
