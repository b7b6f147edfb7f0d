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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	k := int64(len(conns))
	step := (size - offset) / k
	done := make([]int64, k)
	ends := make([]int64, k)
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i := range k {
		start, end := offset+i*step, offset+(i+1)*step
		if i == k-1 {
			end = size
		}
		ends[i] = end
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := conns[i]
			last := i == k-1
			segCtx, segCancel := context.WithCancel(ctx)
			defer segCancel()
			var err error
			defer func() {
				if !last {
					pool.Put(&c, err)
				}
			}()
			r, err := c.Retr(segCtx, remote, start)
			if err != nil {
				errs[i] = err
				cancel()
				return
			}
			dst := countingWriter{io.NewOffsetWriter(w, start), cnt}
			n, err := io.CopyBuffer(dst, io.LimitReader(r, end-start), make([]byte, copyBuffer))
			done[i] = n
			switch {
			case err == nil && n < end-start:
				err = io.ErrUnexpectedEOF
			case err == nil && !last:
				segCancel() // stop the server sending the rest: abort
				r.Close()
				err = errSegmentDone
				return
			}
			if cerr := r.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	var first error
	for _, e := range errs {
		if e != nil && !errors.Is(e, context.Canceled) {
			first = e
			break
		}
	}
	if first == nil {
		for _, e := range errs {
			if e != nil {
				first = e
				break
			}
		}
	}
	if first == nil {
		return size, nil
	}
	whole := offset
	for i := range k {
		whole += done[i]
		if whole < ends[i] {
			break
		}
	}
	return whole, first
}

// errSegmentDone marks a connection aborted on purpose after its segment.
var errSegmentDone = errors.New("segment complete; connection aborted on purpose")
