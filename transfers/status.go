package transfers

import "time"

// JobStatus is a snapshot of one job, for a queue row.
type JobStatus struct {
	ID    JobID
	Spec  Spec
	Name  string
	State State
	// Err is why the job failed, in words.
	Err string
	// Current is the file being transferred (for folders: its path inside
	// the folder), "" when none.
	Current string
	// Bytes done of Total known so far; Files done of Count known so far.
	Bytes, Total int64
	Files, Count int64
	// Listing: the folder is still being listed, so Total and Count grow.
	Listing bool
	// Failures: files of this folder given up on (see the failed list).
	Failures int
	// Rate in bytes per second over the last seconds; ETA 0 when unknown.
	Rate float64
	ETA  time.Duration
	// Attempt is the current try of a retried file (1 = first).
	Attempt int
}

// Totals is a snapshot of the whole queue's current batch (since it was
// last empty).
type Totals struct {
	Bytes, Total int64
	Files, Count int64
	Rate         float64
	ETA          time.Duration
	Active       int // jobs queued, running or paused
	Running      int
	Failed       int
	Done         int // files in the Done list
	Paused       bool
}

// Totals samples the queue's totals. Calling it feeds the rate's sliding
// window, so call it on a steady ticker (the UI at 10–30 Hz, the CLI's
// progress line).
func (q *Queue) Totals() Totals {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.totalsLocked(time.Now())
}

func (q *Queue) totalsLocked(now time.Time) Totals {
	t := Totals{Active: len(q.active), Failed: len(q.failed), Done: len(q.done), Paused: q.paused}
	t.Bytes, t.Total, t.Files, t.Count = q.tally.load()
	for _, j := range q.active {
		if len(j.inflight) > 0 || j.expanding > 0 {
			t.Running++
		}
	}
	t.Rate = q.meter.rate(now, t.Bytes)
	listing := false
	for _, j := range q.active {
		if len(j.dirs) > 0 || j.expanding > 0 {
			listing = true
			break
		}
	}
	if !listing {
		t.ETA = eta(t.Bytes, t.Total, t.Rate)
	}
	return t
}

// Len returns the number of active jobs (queued, running, paused).
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.active)
}

// Jobs returns the status of up to n active jobs from index from, in queue
// order: a page of the queue view. It also feeds each job's rate window.
func (q *Queue) Jobs(from, n int) []JobStatus {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	from = max(from, 0)
	to := min(from+max(n, 0), len(q.active))
	var out []JobStatus
	for _, j := range q.active[min(from, to):to] {
		out = append(out, q.statusLocked(j, now))
	}
	return out
}

// Status returns one active or failed job's status.
func (q *Queue) Status(id JobID) (JobStatus, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, list := range [][]*Job{q.active, q.failed} {
		if i := q.findLocked(list, id); i >= 0 {
			return q.statusLocked(list[i], time.Now()), true
		}
	}
	return JobStatus{}, false
}

// FailedJobs returns the failed list, oldest first.
func (q *Queue) FailedJobs() []JobStatus {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]JobStatus, 0, len(q.failed))
	for _, j := range q.failed {
		out = append(out, q.statusLocked(j, time.Now()))
	}
	return out
}

// Done returns the most recent finished files (transferred or skipped),
// oldest first. The history file keeps them all.
func (q *Queue) Done() []Record {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]Record(nil), q.done...)
}

const maxDone = 1000

func (q *Queue) addDone(r Record) {
	q.mu.Lock()
	q.done = append(q.done, r)
	if len(q.done) > maxDone+maxDone/4 {
		q.done = append(q.done[:0:0], q.done[len(q.done)-maxDone:]...)
	}
	q.changedLocked()
	q.mu.Unlock()
}

func (q *Queue) statusLocked(j *Job, now time.Time) JobStatus {
	s := JobStatus{
		ID: j.id, Spec: j.spec, Name: j.spec.Name(), Err: j.err,
		Listing:  len(j.dirs) > 0 || j.expanding > 0,
		Failures: j.failures,
		Attempt:  int(j.attempt.Load()),
	}
	s.Bytes, s.Total, s.Files, s.Count = j.tally.load()
	switch {
	case j.failed && len(j.inflight) == 0:
		s.State = Failed
	case j.paused || q.paused:
		s.State = Paused
	case len(j.inflight) > 0 || j.expanding > 0:
		s.State = Running
	default:
		s.State = Queued
	}
	if c := j.current.Load(); c != nil && s.State == Running {
		s.Current = *c
	}
	if s.State == Running {
		if j.meter == nil {
			j.meter = new(meter)
		}
		s.Rate = j.meter.rate(now, s.Bytes)
		if !s.Listing {
			s.ETA = eta(s.Bytes, s.Total, s.Rate)
		}
	}
	return s
}
