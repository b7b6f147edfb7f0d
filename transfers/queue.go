package transfers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryftps/ferry/session"
)

// Connections gives the queue a connection pool per site. The front end
// owns the pools: it knows the passwords and answers trust questions.
type Connections interface {
	// Pool returns the pool for site (a key the front end chose when it
	// added the job, see Spec.Site), connecting first if need be. It is
	// called from the queue's workers and may block as long as ctx allows.
	Pool(ctx context.Context, site string) (*session.Pool, error)
}

// Spec says what one job transfers. It is what the queue file keeps.
type Spec struct {
	Direction Direction `json:"direction"`
	// Site is the front end's key for the server (see Connections);
	// SiteName is how a person knows it ("Office NAS", "ftp.example.com").
	// Neither holds a secret.
	Site     string `json:"site"`
	SiteName string `json:"siteName"`
	// Remote is the remote source (Download) or the remote target folder
	// (Upload), an absolute slash-separated path.
	Remote string `json:"remote"`
	// Local is the local target folder (Download) or the local source
	// (Upload), an absolute path.
	Local string `json:"local"`
	// IsDir: the source is a folder, transferred with everything in it.
	IsDir bool `json:"isDir,omitempty"`
	// Contents (downloads of a folder only): the folder's contents go
	// straight into Local, as lftp mirror does, instead of into a folder of
	// the folder's name. For the login folder and "/", which a person asks
	// for as "everything there".
	Contents bool `json:"contents,omitempty"`
	// Size and ModTime of a source file when the front end knows them
	// (from a listing); Size -1 or ModTime zero when not.
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modTime,omitzero"`
	// OnConflict, when set, answers "the target exists" for this job
	// without asking the Resolver: a sync has decided already.
	OnConflict Action `json:"onConflict,omitempty"`
}

// Name is the source's base name: what a queue row shows.
func (s Spec) Name() string {
	if s.Direction == Upload {
		return filepath.Base(s.Local)
	}
	return path.Base(s.Remote)
}

// JobID identifies a job for the life of the queue.
type JobID int64

// State is where a job stands.
type State int

// The job states.
const (
	Queued State = iota
	Running
	Paused
	Failed
	Done
)

func (s State) String() string {
	return [...]string{"queued", "running", "paused", "failed", "done"}[s]
}

// Config sets a queue up. Connections is required.
type Config struct {
	Connections Connections
	// Resolver answers "the target exists" questions. nil: Skip (nothing
	// is ever overwritten without someone saying so).
	Resolver Resolver
	// Concurrency is the number of simultaneous transfers per site
	// (default 4); with Adaptive, the most there may be.
	Concurrency int
	// Limits caps the bytes a second of all transfers together, a cap a
	// direction (see SetLimits to change them while transfers run).
	Limits Limits
	// Adaptive sizes the number of simultaneous transfers per site to the
	// work: it starts at 2 and grows while each transfer added raises the
	// throughput (see width.go). Without it, Concurrency is fixed.
	Adaptive bool
	// Attempts bounds how often one file is tried in a row without
	// getting further into it when the connection fails (default 5); a
	// try that got further starts the count again (at most 4×Attempts
	// tries in all). Refusals (no such file, permission) are not retried.
	Attempts int
	// History, if set, gets one Record per finished file.
	History *History
	// StatePath, if set, is where the queue is kept across restarts
	// (written atomically after changes). See Restore.
	StatePath string
	// Notify, if set, is told in words about files the queue skips or
	// gives up on ("skipped ../x: unsafe file name"). Called from worker
	// goroutines.
	Notify func(msg string)
	// OnRecord, if set, is told about every finished file (transferred,
	// skipped or given up on), from a worker goroutine.
	OnRecord func(Record)
	// OnIdle, if set, is called (from a worker goroutine) when the last
	// active job has ended: a batch is finished.
	OnIdle func(Totals)

	backoff    time.Duration // first retry delay (default 1 s), doubling up to 30 s
	onBytes    func(n int)   // tests: called for every chunk copied (to slow transfers down)
	segmentMin int64         // least bytes per download segment (default 16 MiB)
	saveDelay  time.Duration // coalesces queue-file writes (default 1 s)
}

// Queue runs transfer jobs: FIFO per site, Concurrency at a time, with
// pause, resume, cancel, retry and reordering. All methods are safe from
// any goroutine and never block on the network.
type Queue struct {
	cfg  Config
	ctx  context.Context
	stop context.CancelFunc

	mu        sync.Mutex
	wake      chan struct{} // closed and replaced on every change
	active    []*Job
	failed    []*Job
	done      []Record // the most recent finished files, bounded
	nextID    JobID
	paused    bool
	applyAll  Action
	workers   map[string]int
	widths    map[string]*width // Adaptive: each site's tuner
	watchers  map[int]func(Record)
	limits    *limiters // the caps of all transfers together (limit.go)
	nextWatch int
	closed    bool

	resolveMu sync.Mutex // one conflict question at a time

	// Totals of the current batch (reset when the queue runs empty).
	tally tally
	meter meter

	wg     sync.WaitGroup
	saveCh chan struct{}
	saved  chan struct{}
}

// Job is one entry of the queue: a file, or a folder with everything in it.
type Job struct {
	id   JobID
	spec Spec

	// Guarded by the queue's mu.
	paused    bool
	canceled  bool
	failed    bool
	err       string
	restored  bool // back from the queue file: finished files are skipped, parts resumed
	pending   []*fileTask
	head      int // pending[head:] wait
	dirs      []dirTask
	expanding int
	inflight  map[*fileTask]context.CancelCauseFunc
	expanders map[*dirTask]context.CancelCauseFunc
	lister    bool // a folder job whose expansion has begun
	failures  int  // files given up on
	root      *os.Root
	width     *width // its site's tuner, with Config.Adaptive

	// Progress, added to by workers.
	tally   tally
	current atomic.Pointer[string]
	attempt atomic.Int32
	meter   *meter // made when the job first runs: a queue may hold 100,000 jobs
}

// fileTask is one file of a job. rel is its path relative to the source's
// parent, slash-separated: the same relative path under the target folder.
type fileTask struct {
	rel     string
	size    int64 // -1: unknown
	mtime   time.Time
	counted atomic.Int64 // bytes of this file counted as done so far
	// furthest is the most of the file any try got to (see gotFurther).
	furthest int64
	resume   bool // a part of ours exists (paused, cut, restored): continue it
	// target: what the listing of an upload's target folder said, so
	// that a tree upload asks no SIZE per file: targetUnknown (ask),
	// targetAbsent, or the size of the file there.
	target int64
}

const (
	targetUnknown int64 = -2
	targetAbsent  int64 = -1
)

type dirTask struct{ rel string }

var (
	errPaused   = errors.New("paused")
	errCanceled = errors.New("cancelled")
	errClosed   = errors.New("the queue was closed")
)

// New starts a queue. Call Close when done.
func New(cfg Config) *Queue {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 5
	}
	if cfg.Resolver == nil {
		cfg.Resolver = Policy(Skip)
	}
	if cfg.backoff == 0 {
		cfg.backoff = time.Second
	}
	if cfg.saveDelay == 0 {
		cfg.saveDelay = time.Second
	}
	ctx, stop := context.WithCancel(context.Background())
	q := &Queue{
		cfg: cfg, ctx: ctx, stop: stop,
		wake: make(chan struct{}), workers: map[string]int{}, widths: map[string]*width{},
		saveCh: make(chan struct{}, 1), saved: make(chan struct{}),
	}
	q.limits = newLimiters(cfg.Limits)
	go q.saver()
	return q
}

// changedLocked wakes waiting workers and watchers and schedules a save.
func (q *Queue) changedLocked() {
	close(q.wake)
	q.wake = make(chan struct{})
	select {
	case q.saveCh <- struct{}{}:
	default:
	}
}

// Add queues jobs at the end and starts them (unless the queue is paused).
// It returns their ids in order.
func (q *Queue) Add(specs ...Spec) []JobID {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.active) == 0 {
		q.meter.reset() // a new batch: no idle samples in its rate
	}
	ids := make([]JobID, 0, len(specs))
	for _, s := range specs {
		j := q.newJobLocked(s)
		q.active = append(q.active, j)
		ids = append(ids, j.id)
		q.ensureWorkersLocked(s.Site)
	}
	q.changedLocked()
	return ids
}

func (q *Queue) newJobLocked(s Spec) *Job {
	q.nextID++
	j := &Job{id: q.nextID, spec: s}
	if q.cfg.Adaptive {
		j.width = q.siteWidth(s.Site)
	}
	if s.IsDir {
		j.dirs = []dirTask{{rel: j.rootRel()}}
		j.lister = true
	} else {
		j.pending = []*fileTask{{rel: j.spec.Name(), size: s.Size, mtime: s.ModTime, target: targetUnknown}}
		q.account(j, delta{total: max(s.Size, 0), count: 1})
	}
	return j
}

// contents reports whether the job downloads a folder's contents rather
// than the folder itself.
func (j *Job) contents() bool {
	return j.spec.Contents && j.spec.IsDir && j.spec.Direction == Download
}

// rootRel is the relative path of the job's source: the source's own name
// (the folder or file is created under that name), or "" for a contents
// job, whose entries land in the target folder itself.
func (j *Job) rootRel() string {
	if j.contents() {
		return ""
	}
	return j.spec.Name()
}

// remoteBase is the remote folder that the relative paths of a download
// start from.
func (j *Job) remoteBase() string {
	if j.contents() {
		return j.spec.Remote
	}
	return path.Dir(j.spec.Remote)
}

// joinRel appends name to the relative folder dir ("" is the top).
func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// ensureWorkersLocked starts workers for site up to the concurrency.
func (q *Queue) ensureWorkersLocked(site string) {
	if q.closed || q.paused {
		return
	}
	for q.workers[site] < q.widthLocked(site) {
		q.workers[site]++
		q.wg.Add(1)
		go q.worker(site)
	}
}

// task is one unit of work a worker takes: a file to transfer, or a folder
// to list.
type task struct {
	job  *Job
	file *fileTask
	dir  *dirTask
	ctx  context.Context
}

func (q *Queue) worker(site string) {
	defer q.wg.Done()
	for {
		t := q.next(site)
		if t == nil {
			return
		}
		if t.file != nil {
			q.runFile(t)
		} else {
			q.runDir(t)
		}
	}
}

// next waits for the next task of site, or returns nil when there is none
// (the worker then ends; Add and Resume start new ones).
func (q *Queue) next(site string) *task {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		q.tuneLocked(site, time.Now())
		if q.workers[site] > q.widthLocked(site) {
			q.workers[site]-- // the width shrank: this worker ends
			return nil
		}
		if !q.closed && !q.paused {
			for _, j := range q.active {
				if j.spec.Site != site || j.paused {
					continue
				}
				if t := q.takeLocked(j); t != nil {
					return t
				}
			}
		}
		waiting := false
		if !q.closed && !q.paused {
			for _, j := range q.active {
				if j.spec.Site == site && !j.paused && j.expanding > 0 {
					waiting = true // a listing in flight may bring files
				}
			}
		}
		if !waiting {
			q.workers[site]--
			return nil
		}
		wake := q.wake
		q.mu.Unlock()
		<-wake
		q.mu.Lock()
	}
}

// takeLocked hands out the job's next task. Folders are listed lazily:
// only when few files are left waiting, so a tree of 100,000 files is never
// in memory at once.
func (q *Queue) takeLocked(j *Job) *task {
	waitingFiles := len(j.pending) - j.head
	low := 2*q.cfg.Concurrency + 16
	if len(j.dirs) > 0 && (j.expanding == 0 && waitingFiles < low || waitingFiles == 0 && j.expanding < q.cfg.Concurrency) {
		d := j.dirs[len(j.dirs)-1]
		j.dirs = j.dirs[:len(j.dirs)-1]
		j.expanding++
		ctx, cancel := context.WithCancelCause(q.ctx)
		if j.expanders == nil {
			j.expanders = map[*dirTask]context.CancelCauseFunc{}
		}
		j.expanders[&d] = cancel
		return &task{job: j, dir: &d, ctx: ctx}
	}
	if waitingFiles == 0 {
		return nil
	}
	f := j.pending[j.head]
	j.pending[j.head] = nil
	j.head++
	if j.head == len(j.pending) || j.head > 1024 && j.head*2 > len(j.pending) {
		j.pending = append(j.pending[:0:0], j.pending[j.head:]...)
		j.head = 0
	}
	ctx, cancel := context.WithCancelCause(q.ctx)
	if j.inflight == nil {
		j.inflight = map[*fileTask]context.CancelCauseFunc{}
	}
	j.inflight[f] = cancel
	return &task{job: j, file: f, ctx: ctx}
}

// finishLocked removes a job that has nothing left to do from the active
// list, and notices the end of a batch.
func (q *Queue) finishLocked(j *Job) {
	if len(j.pending) > j.head || len(j.dirs) > 0 || j.expanding > 0 || len(j.inflight) > 0 {
		return
	}
	i := slices.Index(q.active, j)
	if i < 0 {
		return
	}
	q.active = slices.Delete(q.active, i, i+1)
	j.closeRoot()
	if j.failed {
		q.failed = append(q.failed, j)
	}
	q.changedLocked()
	if len(q.active) == 0 {
		tot := q.totalsLocked(time.Now())
		q.tally.reset()
		q.meter.reset()
		q.applyAll = Ask
		if q.cfg.OnIdle != nil {
			go q.cfg.OnIdle(tot)
		}
	}
}

func (j *Job) closeRoot() {
	if j.root != nil {
		j.root.Close()
		j.root = nil
	}
}

// addFilesLocked queues files found while listing a folder.
func (q *Queue) addFilesLocked(j *Job, files []*fileTask, dirs []dirTask) {
	var bytes int64
	for _, f := range files {
		if f.size > 0 {
			bytes += f.size
		}
		if j.restored {
			f.resume = true
		}
	}
	j.pending = append(j.pending, files...)
	// Depth first, in listing order: push sub-folders reversed.
	for i := len(dirs) - 1; i >= 0; i-- {
		j.dirs = append(j.dirs, dirs[i])
	}
	q.account(j, delta{total: bytes, count: int64(len(files))})
}

// endFile records how a file task ended and updates the job.
func (q *Queue) endFile(t *task, err error) {
	j, f := t.job, t.file
	cause := context.Cause(t.ctx)
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(j.inflight, f)
	switch {
	case err == nil:
	case errors.Is(cause, errPaused) || errors.Is(cause, errClosed) || q.closed:
		// Back to the front of the line, to continue from its part.
		f.resume = true
		j.pending = slices.Insert(j.pending, j.head, f)
	case errors.Is(cause, errCanceled):
		q.uncount(j, f)
	default:
		q.uncount(j, f)
		q.failFileLocked(j, f, err)
	}
	q.finishLocked(j)
	q.changedLocked()
}

// failFileLocked gives up on one file: a single-file job fails itself; a
// file of a folder job becomes a failed job of its own that can be retried.
func (q *Queue) failFileLocked(j *Job, f *fileTask, err error) {
	if !j.spec.IsDir {
		j.failed, j.err = true, errText(err)
		return
	}
	j.failures++
	s := j.fileSpec(f)
	fj := q.newFailedLocked(s, err)
	q.failed = append(q.failed, fj)
}

func (q *Queue) newFailedLocked(s Spec, err error) *Job {
	q.nextID++
	j := &Job{id: q.nextID, spec: s, failed: true, err: errText(err)}
	return j
}

// fileSpec is the spec of one file of a folder job, as a job of its own.
func (j *Job) fileSpec(f *fileTask) Spec {
	s := j.spec
	s.IsDir, s.Contents = false, false
	s.Size, s.ModTime = f.size, f.mtime
	local, remote := j.filePaths(f.rel)
	if s.Direction == Download {
		s.Remote, s.Local = remote, filepath.Dir(local)
	} else {
		s.Local, s.Remote = local, path.Dir(remote)
	}
	return s
}

// dirSpec is the spec of one sub-folder of a folder job.
func (j *Job) dirSpec(d dirTask) Spec {
	s := j.fileSpec(&fileTask{rel: d.rel, size: -1})
	s.IsDir = true
	return s
}

func (q *Queue) endDir(t *task, files []*fileTask, dirs []dirTask, err error) {
	j := t.job
	cause := context.Cause(t.ctx)
	q.mu.Lock()
	defer q.mu.Unlock()
	j.expanding--
	delete(j.expanders, t.dir)
	switch {
	case err == nil:
		q.addFilesLocked(j, files, dirs)
	case errors.Is(cause, errPaused) || errors.Is(cause, errClosed) || q.closed:
		j.dirs = append(j.dirs, *t.dir)
	case errors.Is(cause, errCanceled):
	default:
		if t.dir.rel == j.rootRel() {
			j.failed, j.err = true, errText(err)
		} else {
			j.failures++
			q.failed = append(q.failed, q.newFailedLocked(j.dirSpec(*t.dir), err))
		}
	}
	q.finishLocked(j)
	q.changedLocked()
}

// errText is an error in words for a queue row.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// failSite fails every active job of site with err: the server
// refused us (password, certificate), so trying each file would only
// repeat the refusal.
func (q *Queue) failSite(site string, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range slices.Clone(q.active) {
		if j.spec.Site != site || j.paused {
			continue
		}
		j.failed, j.err = true, errText(err)
		for _, f := range j.pending[j.head:] {
			q.uncount(j, f)
		}
		j.pending, j.head, j.dirs = nil, 0, nil
		q.finishLocked(j)
	}
	q.changedLocked()
}

func (q *Queue) notify(format string, args ...any) {
	if q.cfg.Notify != nil {
		q.cfg.Notify(fmt.Sprintf(format, args...))
	}
}

// --- Control ---------------------------------------------------------------

func (q *Queue) findLocked(list []*Job, id JobID) int {
	return slices.IndexFunc(list, func(j *Job) bool { return j.id == id })
}

// Pause pauses a job: its running transfers stop and keep their partial
// files, to continue on Resume.
func (q *Queue) Pause(id JobID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if i := q.findLocked(q.active, id); i >= 0 {
		q.pauseLocked(q.active[i])
	}
	q.changedLocked()
}

func (q *Queue) pauseLocked(j *Job) {
	j.paused = true
	cancelAll(j, errPaused)
	if j.meter != nil {
		j.meter.reset()
	}
}

func cancelAll(j *Job, cause error) {
	for _, c := range j.inflight {
		c(cause)
	}
	for _, c := range j.expanders {
		c(cause)
	}
}

// Resume continues a paused job.
func (q *Queue) Resume(id JobID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if i := q.findLocked(q.active, id); i >= 0 {
		q.active[i].paused = false
		q.ensureWorkersLocked(q.active[i].spec.Site)
	}
	q.changedLocked()
}

// PauseAll stops the whole queue: running transfers stop and keep their
// partial files; nothing starts until ResumeAll.
func (q *Queue) PauseAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.paused = true
	for _, j := range q.active {
		cancelAll(j, errPaused)
	}
	q.meter.reset()
	q.changedLocked()
}

// ResumeAll starts the queue again, including jobs paused one by one.
func (q *Queue) ResumeAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.paused = false
	for _, j := range q.active {
		j.paused = false
		q.ensureWorkersLocked(j.spec.Site)
	}
	q.changedLocked()
}

// Cancel removes a job from the queue, stopping its transfers. A download's
// partial file is deleted, and so is the incomplete remote copy of an
// upload. Files already transferred stay.
func (q *Queue) Cancel(id JobID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := q.findLocked(q.active, id)
	if i < 0 {
		return
	}
	j := q.active[i]
	cancelAll(j, errCanceled)
	for _, f := range j.pending[j.head:] {
		q.uncount(j, f)
	}
	j.pending, j.head, j.dirs = nil, 0, nil
	// Workers still running its tasks end them; finishLocked removes it
	// once the last has ended.
	j.paused, j.canceled = true, true
	q.finishLocked(j)
	q.changedLocked()
}

// Move moves an active job by delta places (-1: up, +1: down), within the
// queue's bounds.
func (q *Queue) Move(id JobID, delta int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := q.findLocked(q.active, id)
	if i < 0 {
		return
	}
	to := min(max(i+delta, 0), len(q.active)-1)
	j := q.active[i]
	q.active = slices.Delete(q.active, i, i+1)
	q.active = slices.Insert(q.active, to, j)
	q.changedLocked()
}

// Retry moves failed jobs back to the end of the queue (all of them when
// no id is given).
func (q *Queue) Retry(ids ...JobID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var keep []*Job
	for _, j := range q.failed {
		if len(ids) > 0 && !slices.Contains(ids, j.id) {
			keep = append(keep, j)
			continue
		}
		nj := q.newJobLocked(j.spec)
		nj.restored = true // continue parts; skip what arrived meanwhile
		for _, f := range nj.pending {
			f.resume = true
		}
		q.active = append(q.active, nj)
		q.ensureWorkersLocked(nj.spec.Site)
	}
	q.failed = keep
	q.changedLocked()
}

// ClearFailed forgets failed jobs (all when no id is given).
func (q *Queue) ClearFailed(ids ...JobID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.failed = slices.DeleteFunc(q.failed, func(j *Job) bool {
		return len(ids) == 0 || slices.Contains(ids, j.id)
	})
	q.changedLocked()
}

// ClearDone forgets the Done list (the history file keeps it).
func (q *Queue) ClearDone() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.done = nil
	q.changedLocked()
}

// SetConcurrency changes the number of simultaneous transfers per site.
func (q *Queue) SetConcurrency(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.cfg.Concurrency = max(n, 1)
	for _, w := range q.widths {
		w.max = q.cfg.Concurrency
		w.cur = min(w.cur, w.max)
		w.grow = w.cur < w.max
	}
	for _, j := range q.active {
		q.ensureWorkersLocked(j.spec.Site)
	}
	q.changedLocked()
}

// Wait blocks until the queue has no active job left that can run (paused
// jobs do not count), or ctx ends.
func (q *Queue) Wait(ctx context.Context) error {
	for {
		q.mu.Lock()
		busy := false
		for _, j := range q.active {
			if !j.paused && !q.paused || len(j.inflight) > 0 || j.expanding > 0 {
				busy = true
				break
			}
		}
		wake := q.wake
		q.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Changed returns a channel closed at the next change of the queue's
// lists or states (not of byte counters: sample those with Totals).
func (q *Queue) Changed() <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.wake
}

// Close stops the workers (running transfers keep their partial files),
// writes the queue file one last time and waits for all of it.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	for _, j := range q.active {
		cancelAll(j, errClosed)
	}
	q.changedLocked()
	q.mu.Unlock()
	q.wg.Wait()
	q.stop()
	close(q.saveCh)
	<-q.saved
	return q.save()
}
