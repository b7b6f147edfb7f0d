package transfers

import (
	"context"
	"io"
	"sync"

	"golang.org/x/time/rate"
)

// Limits caps the bytes a second of all transfers of a queue together, one
// cap a direction (0: none), as office users cap a large upload so it does
// not fill the line. A token bucket (golang.org/x/time/rate) paces the data
// streams: every chunk waits for its tokens before it is written (a
// download) or after it is read (an upload).
type Limits struct {
	Down, Up int64
}

// limitBurst is the most one wait takes at once: a copy chunk.
const limitBurst = copyBuffer

// limiters are a queue's two buckets; a nil *limiters limits nothing.
type limiters struct {
	mu       sync.Mutex
	set      Limits
	down, up *rate.Limiter
}

func newLimiters(l Limits) *limiters {
	ls := &limiters{down: rate.NewLimiter(rate.Inf, limitBurst), up: rate.NewLimiter(rate.Inf, limitBurst)}
	ls.apply(l)
	return ls
}

func (ls *limiters) apply(l Limits) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.set = l
	for _, b := range []struct {
		lim *rate.Limiter
		cap int64
	}{{ls.down, l.Down}, {ls.up, l.Up}} {
		if b.cap <= 0 {
			b.lim.SetLimit(rate.Inf)
			continue
		}
		b.lim.SetLimit(rate.Limit(b.cap))
	}
}

// waitTokens takes n bytes' tokens from lim, a burst at a time.
func waitTokens(ctx context.Context, lim *rate.Limiter, n int) error {
	if lim.Limit() == rate.Inf {
		return nil
	}
	for n > 0 {
		k := min(n, limitBurst)
		if err := lim.WaitN(ctx, k); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// SetLimits changes the caps of the queue's transfers at once, running
// ones included (0: none).
func (q *Queue) SetLimits(l Limits) { q.limits.apply(l) }

// Limits returns the caps in force.
func (q *Queue) Limits() Limits {
	q.limits.mu.Lock()
	defer q.limits.mu.Unlock()
	return q.limits.set
}

// limitedWriter paces what a download writes.
type limitedWriter struct {
	ctx context.Context
	w   io.Writer
	lim *rate.Limiter
}

func (l limitedWriter) Write(p []byte) (int, error) {
	if err := waitTokens(l.ctx, l.lim, len(p)); err != nil {
		return 0, err
	}
	return l.w.Write(p)
}

// limitedReader paces what an upload reads.
type limitedReader struct {
	ctx context.Context
	r   io.Reader
	lim *rate.Limiter
}

func (l limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		if werr := waitTokens(l.ctx, l.lim, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}
