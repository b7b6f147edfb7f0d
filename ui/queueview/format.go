package queueview

import (
	"fmt"
	"strings"
	"time"

	"github.com/ferryftps/ferry/transfers"
)

// humanRate is a transfer speed: "1.2 MB/s".
func humanRate(bytesPerSecond float64) string {
	return transfers.FormatSize(int64(bytesPerSecond)) + "/s"
}

// clock is a duration as a clock reads: "0:42", "12:05", "1:02:03".
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// humanSeconds is how long a finished transfer took: "0.4 s", "12 s",
// "1:02".
func humanSeconds(sec float64) string {
	switch {
	case sec < 10:
		return fmt.Sprintf("%.1f s", sec)
	case sec < 60:
		return fmt.Sprintf("%.0f s", sec)
	}
	return clock(time.Duration(sec * float64(time.Second)))
}

// progressText is done bytes of a total: "3.2 MB of 10.0 MB (32%)"; only
// the total while nothing is done yet ("10.0 MB"); only the bytes done while
// the total is unknown.
func progressText(done, total int64) string {
	switch {
	case total <= 0 && done <= 0:
		return ""
	case total <= 0:
		return transfers.FormatSize(done)
	case done <= 0:
		return transfers.FormatSize(total)
	}
	pct := min(100*done/total, 100)
	return fmt.Sprintf("%s of %s (%d%%)", transfers.FormatSize(done), transfers.FormatSize(total), pct)
}

// plural is "1 file", "2 files".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// stateText is a job's state in words, for the right side of its row.
func stateText(st transfers.JobStatus) string {
	switch st.State {
	case transfers.Running:
		if st.Attempt > 1 {
			return fmt.Sprintf("Retrying (attempt %d)", st.Attempt)
		}
		if st.Listing && st.Count == 0 {
			return "Listing"
		}
		return "Running"
	case transfers.Paused:
		return "Paused"
	case transfers.Failed:
		return "Failed"
	case transfers.Done:
		return "Done"
	}
	return "Queued"
}

// jobDetail is the second line of a queue row: how far the job is, how
// fast, how long still, and (for folders) which file is on its way.
func jobDetail(st transfers.JobStatus) string {
	var parts []string
	if st.Spec.IsDir {
		switch {
		case st.Count > 0 && st.Listing:
			parts = append(parts, fmt.Sprintf("%d of %d files so far, listing…", st.Files, st.Count))
		case st.Listing:
			parts = append(parts, "listing…")
		default:
			parts = append(parts, fmt.Sprintf("%d of %s", st.Files, plural(st.Count, "file", "files")))
		}
	}
	if p := progressText(st.Bytes, st.Total); p != "" {
		parts = append(parts, p)
	}
	if st.State == transfers.Running {
		if st.Rate > 0 {
			parts = append(parts, humanRate(st.Rate))
		}
		if st.ETA > 0 {
			parts = append(parts, clock(st.ETA)+" left")
		}
	}
	if st.Failures > 0 {
		parts = append(parts, plural(int64(st.Failures), "file failed", "files failed"))
	}
	if st.Spec.IsDir && st.Current != "" && st.Current != st.Name {
		parts = append(parts, st.Current)
	}
	return strings.Join(parts, " · ")
}

// emptyQueue is what the totals line says when there is nothing to do.
const emptyQueue = "Queue is empty. Drag files between the panes to transfer them."

// totalsText is the queue's totals line: "3 running, 12 queued — 45.2 MB
// of 120.0 MB, 8.1 MB/s, 0:09 left".
func totalsText(t transfers.Totals) string {
	if t.Active == 0 {
		if t.Paused {
			return "Queue is empty and paused: new transfers wait for Resume all."
		}
		return emptyQueue
	}
	var jobs []string
	if t.Running > 0 {
		jobs = append(jobs, fmt.Sprintf("%d running", t.Running))
	}
	if waiting := t.Active - t.Running; waiting > 0 {
		jobs = append(jobs, fmt.Sprintf("%d queued", waiting))
	}
	s := strings.Join(jobs, ", ")
	if t.Paused {
		s = "Paused: " + s
	}
	var amount []string
	switch {
	case t.Total > 0 && t.Bytes > 0:
		amount = append(amount, transfers.FormatSize(t.Bytes)+" of "+transfers.FormatSize(t.Total))
	case t.Total > 0:
		amount = append(amount, transfers.FormatSize(t.Total))
	case t.Bytes > 0:
		amount = append(amount, transfers.FormatSize(t.Bytes))
	}
	if t.Rate > 0 && t.Running > 0 {
		amount = append(amount, humanRate(t.Rate))
	}
	if t.ETA > 0 && t.Running > 0 {
		amount = append(amount, clock(t.ETA)+" left")
	}
	if len(amount) > 0 {
		s += " — " + strings.Join(amount, ", ")
	}
	return s
}
