package transfers

import (
	"sync/atomic"
	"time"
)

// How many files of one site go at once, when Config.Adaptive is set: a
// hill climb on the site's throughput. More connections help where each
// one waits on the network (a long round trip, a server capping each
// connection); where the server or the machine is the limit, each one
// more costs a login and a process and slows the rest. So the queue
// starts with startWidth, measures, and doubles while each added
// connection carries its share; it adds one while they help a little,
// goes back when they made it slower, and then keeps the number.

const (
	startWidth = 2
	// widthWindow is how long one measurement lasts; after a change one
	// window passes unmeasured, for the new connections to log in.
	widthWindow = 500 * time.Millisecond
	// fileWork is what a file counts for in the throughput, besides its
	// bytes: a tree of small files is measured in files a second, a large
	// file in bytes a second.
	fileWork = 256 << 10
)

// width tunes one site's number of simultaneous transfers. work is added
// to from the workers (atomic); the rest is guarded by the queue's mu.
type width struct {
	work atomic.Int64 // bytes moved plus fileWork a finished file

	cur, max int
	grow     bool
	settling bool      // the window after a change: not measured
	from     time.Time // the window's start
	mark     int64     // work at its start
	prev     int       // the width before the last change
	prevRate float64   // the rate measured at prev; 0: none yet
}

func newWidth(max int) *width {
	cur := min(startWidth, max)
	// The first window is not measured either: it holds the logins and
	// the first listings.
	return &width{cur: cur, max: max, grow: cur < max, settling: true, from: time.Now()}
}

// tick ends a window that is due (busy: the site had more work waiting
// than transfers running, so the window says what the width can do) and
// reports whether the width changed. left is the work waiting (bytes plus
// fileWork a file; -1: more than can be counted, folders not listed yet):
// it does not grow when that is done in a second at the rate measured, as
// new connections would log in only to find little left. q.mu held.
func (w *width) tick(now time.Time, busy bool, left int64) bool {
	if !w.grow || now.Sub(w.from) < widthWindow {
		return false
	}
	work := w.work.Load()
	rate := float64(work-w.mark) / now.Sub(w.from).Seconds()
	w.from, w.mark = now, work
	if w.settling || !busy {
		w.settling = false
		return false
	}
	next, grow := nextWidth(w.cur, w.prev, rate, w.prevRate)
	next = min(next, w.max)
	if next > w.cur && left >= 0 && float64(left) < rate {
		return false // about a second's work left: not worth the logins
	}
	w.grow = grow && next < w.max
	if next == w.cur {
		return false
	}
	if next > w.cur {
		w.prev, w.prevRate = w.cur, rate
	}
	w.cur, w.settling = next, true
	return true
}

// nextWidth is the width to try after a window that moved rate at cur
// transfers, where prev transfers had moved prevRate (0: not measured).
// It reports false when growing is no longer worth it.
func nextWidth(cur, prev int, rate, prevRate float64) (int, bool) {
	if prevRate == 0 || prev >= cur {
		return 2 * cur, true // nothing to compare with: try twice as many
	}
	gain, added := rate-prevRate, float64(cur-prev)
	switch {
	case gain/added >= rate/float64(cur)/2:
		return 2 * cur, true // each new one carries its share: double
	case gain >= rate/float64(2*cur):
		return cur + 1, true
	case rate < prevRate*0.95:
		return prev, false // slower than before: go back
	}
	return cur, false
}

// workDone adds n to the site's measured work, if it is tuned.
func (j *Job) workDone(n int64) {
	if w := j.width; w != nil {
		w.work.Add(n)
	}
}

// widthLocked is how many transfers site may run at once now (q.mu held).
func (q *Queue) widthLocked(site string) int {
	if !q.cfg.Adaptive {
		return q.cfg.Concurrency
	}
	return q.siteWidth(site).cur
}

// siteWidth is site's tuner, made on first use (q.mu held).
func (q *Queue) siteWidth(site string) *width {
	w := q.widths[site]
	if w == nil {
		w = newWidth(q.cfg.Concurrency)
		q.widths[site] = w
	}
	return w
}

// tuneLocked lets site's tuner end a window that is due; when it widens,
// more workers start (a narrower width lets workers end in next). q.mu
// held.
func (q *Queue) tuneLocked(site string, now time.Time) {
	if !q.cfg.Adaptive {
		return
	}
	w := q.siteWidth(site)
	if now.Sub(w.from) < widthWindow {
		return
	}
	waiting, left := 0, int64(0)
	for _, j := range q.active {
		if j.spec.Site != site || j.paused {
			continue
		}
		waiting += len(j.pending) - j.head + len(j.dirs)
		if len(j.dirs) > 0 || j.expanding > 0 {
			left = -1 // folders still to list: more than counted
		}
		for _, f := range j.pending[j.head:] {
			if left < 0 {
				break
			}
			left += max(f.size, 0) + fileWork
		}
	}
	if w.tick(now, waiting > 0, left) {
		q.ensureWorkersLocked(site)
	}
}
