package transfers

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/ferryftps/ferry/session"
)

// fileResult is what one try at a file did, for the history and for a
// cancel's clean-up.
type fileResult struct {
	local, remote string
	size          int64
	skip          SkipReason // why the file was skipped; 0 when it was not
	why           string     // the skip in words
	checksum      string
	started       bool // bytes were written to the target (a cancel cleans up)
	part          string
}

// skipped marks the file skipped for reason s.
func (r *fileResult) skipped(s SkipReason) { r.skip, r.why = s, s.words() }

// runFile transfers one file, retrying while the failure is one that may
// go away (see retry), and records how it ended.
func (q *Queue) runFile(t *task) {
	j, f := t.job, t.file
	j.current.Store(&f.rel)
	start := time.Now()
	var res fileResult
	err := q.retry(t.ctx, func(try int) (further bool, err error) {
		j.attempt.Store(int32(try))
		if try > 1 {
			f.resume = true // continue from what arrived
		}
		res, err = q.transferOnce(t)
		return f.gotFurther(), err
	})
	q.fileEnded(t, res, start, err)
}

// gotFurther reports whether the last try got further into the file than
// any before it, and remembers how far.
func (f *fileTask) gotFurther() bool {
	done := f.counted.Load()
	if done <= f.furthest {
		return false
	}
	f.furthest = done
	return true
}

// fileEnded records how a file's last try ended: done (transferred or
// skipped), cancelled (cleaned up), paused or closed (kept for later), or
// given up on.
func (q *Queue) fileEnded(t *task, res fileResult, start time.Time, err error) {
	j, f := t.job, t.file
	cause := context.Cause(t.ctx)
	switch {
	case err == nil:
		q.fileDone(j)
		q.record(j, res, start, nil)
	case errors.Is(cause, errCanceled):
		q.cleanup(j, res)
	case errors.Is(cause, errPaused) || errors.Is(cause, errClosed):
	default:
		if res.local == "" && res.remote == "" {
			res.local, res.remote = j.filePaths(f.rel)
		}
		res.size = max(f.size, 0)
		q.record(j, res, start, err)
	}
	q.endFile(t, err)
	q.stopSiteOn(t, err)
}

// stopSiteOn fails every job of the task's site when err is a refusal at
// login (password, certificate): trying file after file would only repeat
// it.
func (q *Queue) stopSiteOn(t *task, err error) {
	if err != nil && context.Cause(t.ctx) == nil && siteFatal(err) {
		q.failSite(t.job.spec.Site, err)
	}
}

// record adds a finished file to the Done list, tells OnRecord and writes
// the history: skipped when res says so, else failed with err, else OK.
func (q *Queue) record(j *Job, res fileResult, start time.Time, err error) {
	r := Record{
		Time: time.Now().UTC(), Site: j.spec.SiteName, Direction: j.spec.Direction.String(),
		Remote: res.remote, Local: res.local, Size: res.size,
		Duration: time.Since(start).Seconds(), Checksum: res.checksum,
	}
	switch {
	case res.skip != 0:
		r.Outcome, r.Skip, r.Result = OutcomeSkipped, res.skip, "skipped: "+res.why
	case err != nil:
		r.Outcome, r.Result = OutcomeFailed, "failed: "+errText(err)
	default:
		r.Outcome, r.Result = OutcomeOK, "ok"
	}
	q.addDone(r)
	if q.cfg.OnRecord != nil {
		q.cfg.OnRecord(r)
	}
	q.mu.Lock()
	watchers := make([]func(Record), 0, len(q.watchers))
	for _, w := range q.watchers {
		watchers = append(watchers, w)
	}
	q.mu.Unlock()
	for _, w := range watchers {
		w(r)
	}
	if q.cfg.History != nil {
		if err := q.cfg.History.Append(r); err != nil {
			q.notify("Could not write the transfer history: %v", err)
		}
	}
}

// skip tells the person about an entry the queue leaves out, and records
// it in the history.
func (q *Queue) skip(j *Job, why string) {
	q.notify("Skipped %s", why)
	q.record(j, fileResult{skip: SkippedUnusable, why: why}, time.Now(), nil)
}

// cleanup removes what a cancelled transfer left: the partial download, or
// the incomplete remote copy of an upload.
func (q *Queue) cleanup(j *Job, res fileResult) {
	if !res.started {
		return
	}
	if j.spec.Direction == Download {
		if root, err := q.rootFor(j); err == nil && res.part != "" {
			root.Remove(res.part)
		}
		return
	}
	ctx, cancel := context.WithTimeout(q.ctx, 30*time.Second)
	defer cancel()
	q.withConn(ctx, j.spec.Site, func(_ *session.Pool, c *session.Conn) error {
		return c.Delete(ctx, res.remote)
	})
}

// transferOnce makes one try at a file with a connection from the pool.
func (q *Queue) transferOnce(t *task) (res fileResult, err error) {
	err = q.withConn(t.ctx, t.job.spec.Site, func(pool *session.Pool, c *session.Conn) (err error) {
		if t.job.spec.Direction == Download {
			res, err = q.download(t.ctx, pool, c, t.job, t.file)
		} else {
			res, err = q.upload(t.ctx, c, t.job, t.file)
		}
		return err
	})
	return res, err
}

// withConn runs op with a connection to site from its pool, and hands the
// connection back when op returns (Put tosses it after a network error).
func (q *Queue) withConn(ctx context.Context, site string, op func(*session.Pool, *session.Conn) error) (err error) {
	pool, err := q.cfg.Connections.Pool(ctx, site)
	if err != nil {
		return err
	}
	c, err := pool.Get(ctx)
	if err != nil {
		return err
	}
	defer func() { pool.Put(&c, err) }()
	return op(pool, c)
}

// rootFor opens a download job's target folder (creating it if needed).
// Every local write goes through it, so nothing lands outside.
func (q *Queue) rootFor(j *Job) (*os.Root, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if j.root != nil {
		return j.root, nil
	}
	if err := os.MkdirAll(j.spec.Local, 0o755); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(j.spec.Local)
	if err != nil {
		return nil, err
	}
	j.root = r
	return r, nil
}

// runDir lists one folder of a folder job: its files join the job, its
// sub-folders wait their turn. Names a server sends are checked first.
func (q *Queue) runDir(t *task) {
	t.job.current.Store(&t.dir.rel)
	var files []*fileTask
	var dirs []dirTask
	err := q.retry(t.ctx, func(int) (bool, error) {
		var err error
		files, dirs, err = q.listOnce(t)
		return false, err
	})
	q.endDir(t, files, dirs, err)
	q.stopSiteOn(t, err)
}

// listOnce makes one try at listing a folder with a connection from the
// pool.
func (q *Queue) listOnce(t *task) (files []*fileTask, dirs []dirTask, err error) {
	j, d := t.job, t.dir
	err = q.withConn(t.ctx, j.spec.Site, func(_ *session.Pool, c *session.Conn) (err error) {
		if j.spec.Direction == Download {
			files, dirs, err = q.listRemote(t.ctx, c, j, d)
		} else {
			files, dirs, err = q.listLocal(t.ctx, c, j, d)
		}
		return err
	})
	return files, dirs, err
}
