package transfers

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/ferryftps/ferry/session"
)

// maxSegments bounds the connections one download uses at once; the
// pool's limit (the site's connection limit) is the real bound.
const maxSegments = 16

// defaultSegmentMin is the least one segment of a download carries: a file
// shorter than two of them goes over one connection.
const defaultSegmentMin = 16 << 20

// segmentMin is the least one segment of a download carries.
func (q *Queue) segmentMin() int64 {
	if q.cfg.segmentMin > 0 {
		return q.cfg.segmentMin
	}
	return defaultSegmentMin
}

// window is how long the adaptation measures the rate before deciding to
// add a segment: 0.5 s at the default segment minimum, shorter in tests
// that set a small one.
func (q *Queue) window() time.Duration {
	w := time.Duration(int64(500*time.Millisecond) * q.segmentMin() / defaultSegmentMin)
	return min(max(w, 20*time.Millisecond), 500*time.Millisecond)
}

// fetchSegments downloads [offset, size) of remote into w, adapting the
// number of connections: it starts on c alone and, every window, adds a
// segment while the last one added raised the total rate by a useful
// margin (1/(2k) of it, k the segments then), taking only connections the
// pool has free (TryGet: a busy queue keeps its own). A new segment takes
// the second half of the largest range still to come; the segment that
// had it reads to its new end and stops by aborting its connection (the
// server then reports the transfer aborted, which is expected). The
// segment reaching the file's end ends cleanly: its connection is
// returned as tail, for the caller to go on with (SIZE, HASH) — c itself,
// or one taken here that the caller must Put.
//
// It returns how much of the file from the start is known whole: after a
// failure the part file is cut there, so the next try continues from a
// prefix without holes.
func (q *Queue) fetchSegments(ctx context.Context, pool *session.Pool, c *session.Conn, remote string, w *os.File, offset, size int64, cnt counter) (whole int64, tail *session.Conn, err error) {
	ctx, cancel := context.WithCancel(ctx) // the first failure stops the others
	defer cancel()
	g := &segmenter{q: q, ctx: ctx, cancel: cancel, pool: pool, remote: remote, w: w, size: size, cnt: cnt,
		splitMin: max(q.segmentMin()/4, 64<<10), ended: make(chan struct{}, maxSegments)}
	g.start(c, offset, size, true)
	g.adapt()
	g.wg.Wait()
	if err := firstError(g.segs); err != nil {
		if g.tail != nil && g.tail != c {
			pool.Put(&g.tail, nil)
		}
		return wholePrefix(offset, g.segs), nil, err
	}
	return size, g.tail, nil
}

// segmenter runs the segments of one download.
type segmenter struct {
	q        *Queue
	ctx      context.Context
	cancel   context.CancelFunc
	pool     *session.Pool
	remote   string
	w        *os.File
	size     int64
	cnt      counter
	splitMin int64         // the least a split leaves each half
	ended    chan struct{} // a segment ended
	wg       sync.WaitGroup

	mu      sync.Mutex
	segs    []*segment // in order of start
	running int
	moved   int64         // bytes all segments wrote
	tail    *session.Conn // the connection that fetched the file's end cleanly
}

// segment is one range of a download, fetched over a connection of its
// own. pos and end are guarded by the segmenter's mu: end shrinks when a
// new segment takes the second half.
type segment struct {
	c          *session.Conn
	caller     bool // c is the caller's: the segmenter does not Put it
	start, end int64
	pos        int64 // how far the range arrived
	err        error // why the segment failed; nil when it did not
}

// done is how much of the range arrived.
func (s *segment) done() int64 { return min(s.pos, s.end) - s.start }

// adapt adds segments while they add throughput, and replaces those that
// end while a large range remains. It starts a second segment at once, so
// that the first window already measures two; with no rate of fewer to
// compare with, it then doubles them. After that, every window compares
// the rate with the rate before the last additions: while each segment
// added brought at least half of what an average segment carries, it
// doubles their number (2, 4, 8: a server capping each connection is
// filled in two windows); while they helped less, but by at least 1/(2k)
// of the rate, it adds one; after that it only keeps their number. It
// returns when every segment has ended or one failed.
func (g *segmenter) adapt() {
	win := g.q.window()
	limit := min(maxSegments, max(g.pool.Limit(), 1))
	added := g.addN(min(1, limit-1)) // segments the last round added
	grow, target := true, 1+added
	var last float64 // the rate before them: none yet
	mark, markAt := g.snapshotMoved(), time.Now()
	t := time.NewTimer(win)
	defer t.Stop()
	for range 1 << 20 { // bounded: a window at least 20 ms each
		select {
		case <-g.ctx.Done():
			return
		case <-g.ended:
			if g.runningNow() == 0 {
				return
			}
			continue
		case <-t.C:
		}
		moved, running := g.snapshot()
		if running == 0 {
			return
		}
		rate := float64(moved-mark) / time.Since(markAt).Seconds()
		if grow {
			target, grow = nextTarget(target, running, added, rate, last)
			target = min(target, limit)
		}
		if added = g.addN(target - running); added > 0 {
			last = rate
		}
		mark, markAt = g.snapshotMoved(), time.Now()
		t.Reset(win)
	}
}

// nextTarget is how many segments to aim for after a window that moved
// rate bytes a second with running segments, added of them new since the
// window before, which moved last (0: not measured). It reports false
// when adding more is no longer worth it.
func nextTarget(target, running, added int, rate, last float64) (int, bool) {
	switch {
	case added == 0 && target > running: // no connection was free, or one ended: try again
		return target, true
	case added == 0: // the last round added none: try one more
		return running + 1, true
	case last == 0: // nothing to compare with: try twice as many
		return 2 * running, true
	}
	gain := rate - last
	switch {
	case gain/float64(added) >= rate/float64(running)/2:
		return 2 * running, true // each new one carries its share: double
	case gain >= rate/float64(2*running):
		return running + 1, true
	}
	return max(target, running), false
}

// addN adds up to n segments at once (each waits for a connection of its
// own, which may need a login) and returns how many it started.
func (g *segmenter) addN(n int) int {
	if n <= 0 {
		return 0
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	started := 0
	for range n {
		wg.Go(func() {
			if g.add() {
				mu.Lock()
				started++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return started
}

func (g *segmenter) snapshot() (moved int64, running int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.moved, g.running
}

func (g *segmenter) snapshotMoved() int64 { m, _ := g.snapshot(); return m }

func (g *segmenter) runningNow() int { _, r := g.snapshot(); return r }

// add starts a segment on the second half of the largest range still to
// come, over a connection the pool has free. It reports whether it did.
// The range is chosen once the connection is there: other segments may
// have been added meanwhile.
func (g *segmenter) add() bool {
	g.mu.Lock()
	ok := g.largest() != nil && g.running < maxSegments
	g.mu.Unlock()
	if !ok {
		return false
	}
	c, err := g.pool.TryGet(g.ctx)
	if c == nil || err != nil {
		return false
	}
	g.mu.Lock()
	big := g.largest()
	if big == nil {
		g.mu.Unlock()
		g.pool.Put(&c, nil)
		return false
	}
	mid := big.pos + (big.end-big.pos)/2
	end := big.end
	big.end = mid
	g.mu.Unlock()
	g.start(c, mid, end, false)
	return true
}

// largest is the running segment with the most still to come, if that is
// enough to split (g.mu held).
func (g *segmenter) largest() *segment {
	var big *segment
	for _, s := range g.segs {
		if s.err == nil && s.pos < s.end && (big == nil || s.end-s.pos > big.end-big.pos) {
			big = s
		}
	}
	if big == nil || big.end-big.pos < 2*g.splitMin {
		return nil
	}
	return big
}

// start runs a segment of [start, end) over c.
func (g *segmenter) start(c *session.Conn, start, end int64, caller bool) {
	s := &segment{c: c, caller: caller, start: start, end: end, pos: start}
	g.mu.Lock()
	i, _ := slices.BinarySearchFunc(g.segs, start, func(a *segment, v int64) int { return int(a.start - v) })
	g.segs = slices.Insert(g.segs, i, s)
	g.running++
	g.mu.Unlock()
	g.wg.Go(func() {
		segCtx, abort := context.WithCancel(g.ctx)
		defer abort()
		err := g.fetch(segCtx, abort, s)
		g.mu.Lock()
		g.running--
		tail := err == nil && s.end == g.size
		if tail {
			g.tail = s.c
		}
		g.mu.Unlock()
		if s.err != nil {
			g.cancel()
		}
		if !s.caller && !tail {
			g.pool.Put(&s.c, err)
		}
		select {
		case g.ended <- struct{}{}:
		default: // adapt is awake already, or gone
		}
	})
}

// fetch fetches the segment's range into the file, at its place, until it
// reaches its end (which may shrink meanwhile). A segment not reaching
// the file's end calls abort there, which stops the server sending the
// rest. fetch returns the error to hand the connection back with
// (errSegmentDone after such an abort) and keeps a failure in s.err.
func (g *segmenter) fetch(ctx context.Context, abort func(), s *segment) error {
	r, err := s.c.Retr(ctx, g.remote, s.start)
	if err != nil {
		s.err = err
		return err
	}
	buf := make([]byte, copyBuffer)
	pos := s.start
	for range 1 << 40 { // bounded by the range: each read moves pos on
		g.mu.Lock()
		want := s.end - pos
		g.mu.Unlock()
		if want <= 0 {
			break
		}
		n, rerr := r.Read(buf[:min(int64(len(buf)), want)])
		if n > 0 {
			if lerr := waitTokens(ctx, g.q.limits.down, n); lerr != nil {
				rerr = lerr
			} else if _, werr := g.w.WriteAt(buf[:n], pos); werr != nil {
				rerr = werr
			} else {
				g.cnt.add(n)
			}
			pos += int64(n)
			g.mu.Lock()
			s.pos = pos
			g.moved += int64(n)
			g.mu.Unlock()
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	g.mu.Lock()
	short, last := pos < s.end, s.end == g.size
	g.mu.Unlock()
	switch {
	case err == nil && short, errors.Is(err, io.EOF) && short:
		err = io.ErrUnexpectedEOF
	case errors.Is(err, io.EOF):
		err = nil
	}
	if err == nil && !last {
		abort()
		r.Close()
		return errSegmentDone
	}
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	s.err = err
	return err
}

// firstError is the failure to report: the first that is not a
// cancellation (the others were cancelled because of it), else the first.
func firstError(segs []*segment) error {
	for _, s := range segs {
		if s.err != nil && !errors.Is(s.err, context.Canceled) {
			return s.err
		}
	}
	for _, s := range segs {
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

// wholePrefix is how much of the file from the start is whole: offset and
// the segments in order (they tile [offset, size)), up to the first that
// did not arrive whole.
func wholePrefix(offset int64, segs []*segment) int64 {
	whole := offset
	for _, s := range segs {
		if s.start > whole {
			break
		}
		whole = max(whole, s.start+s.done())
		if s.start+s.done() < s.end {
			break
		}
	}
	return whole
}

// errSegmentDone marks a connection aborted on purpose after its segment.
var errSegmentDone = errors.New("segment complete; connection aborted on purpose")
