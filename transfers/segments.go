package transfers

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/ferryftps/ferry/session"
)

// maxSegments bounds the connections one download uses at once.
const maxSegments = 4

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

// extraConns takes up to n more connections for one large download, but
// only those free right now: a busy queue keeps its connections for other
// files.
func (q *Queue) extraConns(ctx context.Context, pool *session.Pool, remaining int64) []*session.Conn {
	segMin := q.segmentMin()
	n := min(max(int(remaining/segMin)-1, 0), maxSegments-1)
	var out []*session.Conn
	for range n {
		c, err := pool.TryGet(ctx)
		if c == nil || err != nil {
			break
		}
		out = append(out, c)
	}
	return out
}

// fetchSegments downloads [offset, size) of remote into w over several
// connections at once, each its own range (RETR with REST): on a machine
// where one TLS stream leaves cores idle, parallel streams fill them.
// The last of conns belongs to the caller and fetches the last range, which
// ends cleanly, so the caller can go on using it (SIZE, HASH). The others
// go back to pool here: a segment that is not the last stops by aborting
// its connection once its range is in (the server then reports the
// transfer aborted, which is expected), so those are not reused.
//
// It returns how much of the file from the start is known whole: after a
// failure the part file is cut there, so the next try continues from a
// prefix without holes.
func (q *Queue) fetchSegments(ctx context.Context, pool *session.Pool, conns []*session.Conn, remote string, w *os.File, offset, size int64, cnt counter) (int64, error) {
	ctx, cancel := context.WithCancel(ctx) // the first failure stops the others
	defer cancel()
	segs := splitRange(conns, offset, size)
	var wg sync.WaitGroup
	for _, s := range segs {
		wg.Go(func() {
			segCtx, abort := context.WithCancel(ctx)
			defer abort()
			err := s.fetch(segCtx, abort, remote, w, cnt)
			if s.err != nil {
				cancel()
			}
			if !s.last {
				pool.Put(&s.c, err)
			}
		})
	}
	wg.Wait()
	if err := firstError(segs); err != nil {
		return wholePrefix(offset, segs), err
	}
	return size, nil
}

// segment is one range of a download, fetched over a connection of its
// own.
type segment struct {
	c          *session.Conn
	start, end int64
	last       bool  // the caller's connection: it ends cleanly and stays in use
	done       int64 // bytes of the range that arrived
	err        error // why the segment failed; nil when it did not
}

// splitRange cuts [offset, size) into one segment per connection, the
// last taking what the division leaves.
func splitRange(conns []*session.Conn, offset, size int64) []*segment {
	k := int64(len(conns))
	step := (size - offset) / k
	segs := make([]*segment, k)
	for i := range k {
		s := &segment{c: conns[i], start: offset + i*step, end: offset + (i+1)*step, last: i == k-1}
		if s.last {
			s.end = size
		}
		segs[i] = s
	}
	return segs
}

// fetch fetches the segment's range into w, at its place. A segment that
// is not the last calls abort once its range is in, which stops the server
// sending the rest. fetch returns the error to hand the connection back
// with (errSegmentDone after such an abort) and keeps a failure in s.err.
func (s *segment) fetch(ctx context.Context, abort func(), remote string, w *os.File, cnt counter) error {
	r, err := s.c.Retr(ctx, remote, s.start)
	if err != nil {
		s.err = err
		return err
	}
	dst := countingWriter{io.NewOffsetWriter(w, s.start), cnt}
	s.done, err = io.CopyBuffer(dst, io.LimitReader(r, s.end-s.start), make([]byte, copyBuffer))
	switch {
	case err == nil && s.done < s.end-s.start:
		err = io.ErrUnexpectedEOF
	case err == nil && !s.last:
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
// the segments in order, up to the first that did not arrive whole.
func wholePrefix(offset int64, segs []*segment) int64 {
	whole := offset
	for _, s := range segs {
		whole += s.done
		if whole < s.end {
			break
		}
	}
	return whole
}

// errSegmentDone marks a connection aborted on purpose after its segment.
var errSegmentDone = errors.New("segment complete; connection aborted on purpose")
