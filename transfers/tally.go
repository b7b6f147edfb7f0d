package transfers

import (
	"io"
	"sync"
	"sync/atomic"
)

// tally counts progress: bytes done of the total known so far, files done
// of the count known so far. Each job has one and the queue one for its
// batch; workers add to both as bytes pass (see account), Totals and Jobs
// load them. No callback per read. Safe from any goroutine.
type tally struct {
	bytes, total atomic.Int64
	files, count atomic.Int64
}

// delta is one change to a tally.
type delta struct{ bytes, total, files, count int64 }

func (t *tally) add(d delta) {
	if d.bytes != 0 {
		t.bytes.Add(d.bytes)
	}
	if d.total != 0 {
		t.total.Add(d.total)
	}
	if d.files != 0 {
		t.files.Add(d.files)
	}
	if d.count != 0 {
		t.count.Add(d.count)
	}
}

// load samples the tally (each counter atomically, not all at once).
func (t *tally) load() (bytes, total, files, count int64) {
	return t.bytes.Load(), t.total.Load(), t.files.Load(), t.count.Load()
}

func (t *tally) reset() {
	t.bytes.Store(0)
	t.total.Store(0)
	t.files.Store(0)
	t.count.Store(0)
}

// account adds d to job j's tally and to the batch's.
func (q *Queue) account(j *Job, d delta) {
	j.tally.add(d)
	q.tally.add(d)
}

// progress moves a file's done-bytes to n (resuming at an offset counts the
// part already there; a restart from zero takes bytes back).
func (q *Queue) progress(j *Job, f *fileTask, n int64) {
	q.account(j, delta{bytes: n - f.counted.Swap(n)})
}

// uncount takes a file's share out of the totals: it was skipped, failed or
// cancelled, so the total no longer waits for it.
func (q *Queue) uncount(j *Job, f *fileTask) {
	q.progress(j, f, 0)
	q.account(j, delta{total: -max(f.size, 0), count: -1})
}

// fileDone counts a transferred file.
func (q *Queue) fileDone(j *Job) {
	q.account(j, delta{files: 1})
	j.workDone(fileWork)
}

// setSize corrects a file's size in the totals once it is known.
func (q *Queue) setSize(j *Job, f *fileTask, size int64) {
	d := size - max(f.size, 0)
	f.size = size
	q.account(j, delta{total: d})
}

// counter adds the bytes passing through to a file's, a job's and the
// queue's counters: atomic adds, no callback.
type counter struct {
	q *Queue
	j *Job
	f *fileTask
}

func (c counter) add(n int) {
	if c.q.cfg.onBytes != nil {
		c.q.cfg.onBytes(n)
	}
	if n > 0 {
		c.f.counted.Add(int64(n))
		c.q.account(c.j, delta{bytes: int64(n)})
		c.j.workDone(int64(n))
	}
}

// countingWriter counts what is written to w; with w nil it only counts
// (the end of an io.TeeReader, for what an upload reads).
type countingWriter struct {
	w io.Writer
	counter
}

func (w countingWriter) Write(p []byte) (int, error) {
	if w.w == nil {
		w.add(len(p))
		return len(p), nil
	}
	n, err := w.w.Write(p)
	w.add(n)
	return n, err
}

// copyBuffer is small on purpose: a TLS record (16 KiB) decrypted into a
// buffer that stays in the CPU's cache is copied to the page cache at
// once. Large buffers measured slower (the plaintext goes through RAM).
const copyBuffer = 64 << 10

// copyBuffers hands out copy buffers, so that a tree of small files does
// not allocate (and collect) 64 KiB a file.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, copyBuffer); return &b }}

// withCopyBuffer calls fn with a buffer of copyBuffer bytes, kept for the
// next caller afterwards.
func withCopyBuffer[T any](fn func(buf []byte) T) T {
	b := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(b)
	return fn(*b)
}
