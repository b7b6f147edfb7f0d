package transfers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/ferryftps/ferry/session"
)

var (
	// errIncomplete: a transfer ended with fewer (or more) bytes than the
	// file has. Retried: the next try continues from what arrived.
	errIncomplete = errors.New("the file arrived incomplete")
	// errChecksum: the copy's checksum differs from the server's. Retried
	// from the start.
	errChecksum = errors.New("the copy's checksum differs from the server's")
)

// outcome is what one file's transfer did, for the history.
type outcome struct {
	local, remote string
	size          int64
	skipped       string // why it was skipped; "" when transferred
	checksum      string
	started       bool // bytes were written to the target (a cancel cleans up)
	part          string
}

// maxTries bounds all tries at one file, as a multiple of Attempts.
const maxTries = 4

// runFile transfers one file, retrying with backoff while the failure is
// one that may go away, and records how it ended.
func (q *Queue) runFile(t *task) {
	j, f := t.job, t.file
	j.current.Store(&f.rel)
	start := time.Now()
	var out outcome
	var err error
	// A try that got further into the file than any before it does not
	// count against Attempts (lftp does the same): on a server whose
	// sessions die now and then, a large file gets there in pieces. The
	// furthest point only grows, and all tries together are bounded too.
	failures := 0
	for tries := 1; ; tries++ {
		f.tries = tries
		j.attempt.Store(int32(tries))
		out, err = q.transferOnce(t)
		failures++
		if done := f.counted.Load(); done > f.furthest {
			f.furthest, failures = done, 0
		}
		if err == nil || !retryable(err) || failures >= q.cfg.Attempts || tries >= maxTries*q.cfg.Attempts || t.ctx.Err() != nil {
			break
		}
		f.resume = true
		if !q.backoff(t.ctx, max(failures, 1)) {
			break
		}
	}
	cause := context.Cause(t.ctx)
	switch {
	case err == nil:
		q.fileDone(j)
		q.record(j, out, start, "ok")
	case errors.Is(cause, errCanceled):
		q.cleanup(j, out)
	case errors.Is(cause, errPaused) || errors.Is(cause, errClosed):
	default:
		if out.local == "" && out.remote == "" {
			out = q.paths(j, f)
		}
		out.size = max(f.size, 0)
		q.record(j, out, start, "failed: "+errText(err))
	}
	q.endFile(t, err)
	if err != nil && cause == nil && siteFatal(err) {
		q.failSite(j.spec.Site, err)
	}
}

// paths returns a file's local and remote paths for messages.
func (q *Queue) paths(j *Job, f *fileTask) outcome {
	if j.spec.Direction == Download {
		return outcome{
			remote: path.Join(j.remoteBase(), f.rel),
			local:  filepath.Join(j.spec.Local, filepath.FromSlash(f.rel)),
		}
	}
	return outcome{
		local:  filepath.Join(filepath.Dir(j.spec.Local), filepath.FromSlash(f.rel)),
		remote: path.Join(j.spec.Remote, f.rel),
	}
}

func (q *Queue) record(j *Job, out outcome, start time.Time, result string) {
	if out.skipped != "" {
		result = "skipped: " + out.skipped
	}
	r := Record{
		Time: time.Now().UTC(), Site: j.spec.SiteName, Direction: j.spec.Direction.String(),
		Remote: out.remote, Local: out.local, Size: out.size,
		Duration: time.Since(start).Seconds(), Result: result, Checksum: out.checksum,
	}
	q.addDone(r)
	if q.cfg.OnRecord != nil {
		q.cfg.OnRecord(r)
	}
	if q.cfg.History != nil {
		if err := q.cfg.History.Append(r); err != nil {
			q.notify("Could not write the transfer history: %v", err)
		}
	}
}

// cleanup removes what a cancelled transfer left: the partial download, or
// the incomplete remote copy of an upload.
func (q *Queue) cleanup(j *Job, out outcome) {
	if !out.started {
		return
	}
	if j.spec.Direction == Download {
		if root, err := q.rootFor(j); err == nil && out.part != "" {
			root.Remove(out.part)
		}
		return
	}
	ctx, cancel := context.WithTimeout(q.ctx, 30*time.Second)
	defer cancel()
	pool, err := q.cfg.Connections.Pool(ctx, j.spec.Site)
	if err != nil {
		return
	}
	c, err := pool.Get(ctx)
	if err != nil {
		return
	}
	err = c.Delete(ctx, out.remote)
	pool.Put(&c, err)
}

// transferOnce makes one try at a file with a connection from the pool.
func (q *Queue) transferOnce(t *task) (out outcome, err error) {
	pool, err := q.cfg.Connections.Pool(t.ctx, t.job.spec.Site)
	if err != nil {
		return outcome{}, err
	}
	c, err := pool.Get(t.ctx)
	if err != nil {
		return outcome{}, err
	}
	defer func() { pool.Put(&c, err) }()
	if t.job.spec.Direction == Download {
		return q.download(t.ctx, pool, c, t.job, t.file)
	}
	return q.upload(t.ctx, c, t.job, t.file)
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
		c.j.bytes.Add(int64(n))
		c.q.bytes.Add(int64(n))
	}
}

type countingWriter struct {
	w io.Writer
	counter
}

func (w countingWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.add(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	counter
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.add(n)
	return n, err
}

// copyBuffer is small on purpose: a TLS record (16 KiB) decrypted into a
// buffer that stays in the CPU's cache is copied to the page cache at
// once. Large buffers measured slower (the plaintext goes through RAM).
const copyBuffer = 64 << 10

// download fetches one remote file into the job's target folder: into a
// part file first, renamed over the target only when whole and checked.
func (q *Queue) download(ctx context.Context, pool *session.Pool, c *session.Conn, j *Job, f *fileTask) (out outcome, err error) {
	out = q.paths(j, f)
	if err := session.CheckName(path.Base(f.rel)); err != nil {
		return out, err
	}
	root, err := q.rootFor(j)
	if err != nil {
		return out, fmt.Errorf("opening the target folder: %w", err)
	}
	size, mtime := f.size, f.mtime
	listed := size >= 0 // the size comes from a listing, which may be stale
	if size < 0 {
		if size, err = c.Size(ctx, out.remote); err != nil {
			return out, err
		}
		q.setSize(j, f, size)
	}
	out.size = size
	local := filepath.FromSlash(f.rel)
	part := local + partSuffix
	resumeTarget := false
	if fi, err := root.Stat(local); err == nil {
		if fi.IsDir() {
			return out, fmt.Errorf("download %s: a folder of that name exists in %s", out.remote, j.spec.Local)
		}
		if f.resume && j.restored && fi.Size() == size {
			out.skipped = "already there"
			return out, nil
		}
		act, err := q.decide(ctx, Conflict{
			Direction: Download, Site: j.spec.SiteName,
			Source: FileStat{Path: out.remote, Size: size, ModTime: mtime},
			Target: FileStat{Path: out.local, Size: fi.Size(), ModTime: fi.ModTime()},
		})
		if err != nil {
			return out, err
		}
		switch act {
		case Skip:
			out.skipped = "a file of that name exists"
			return out, nil
		case Rename:
			if local, err = freeLocalName(root, local); err != nil {
				return out, err
			}
			part = local + partSuffix
			out.local = filepath.Join(j.spec.Local, local)
		case Resume:
			resumeTarget = true
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return out, fmt.Errorf("download %s: %w", out.remote, err)
	}
	if resumeTarget {
		// Continue the shorter target: it becomes the part file, so the
		// name shows a whole file again only when it is one.
		if err := root.Rename(local, part); err != nil {
			return out, fmt.Errorf("download %s: %w", out.remote, err)
		}
	}
	out.part = part
	var offset int64
	if pi, err := root.Stat(part); err == nil && pi.Mode().IsRegular() && pi.Size() <= size {
		offset = pi.Size() // a part of ours: continue it (REST)
	}
	// Before continuing a part, or fetching a large file in ranges, make
	// sure the file has not changed since it was listed: a part of another
	// version, or ranges cut to the old size, would make a wrong copy.
	if listed && (offset > 0 || size >= 2*q.segmentMin()) {
		now, err := c.Size(ctx, out.remote)
		if err != nil {
			return out, err
		}
		if now != size {
			q.changed(ctx, c, j, f, out.remote, now)
			size, mtime, offset = f.size, f.mtime, 0 // a part of another version is no use
			out.size = size
		}
	}
	w, err := root.OpenFile(part, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return out, fmt.Errorf("download %s: %w", out.remote, err)
	}
	out.started = true
	sum := newSummer(c)
	err = func() error {
		if err := w.Truncate(offset); err != nil {
			return err
		}
		if _, err := w.Seek(offset, io.SeekStart); err != nil {
			return err
		}
		q.progress(j, f, offset)
		if offset == size { // the part is whole already; check it below
			if sum != nil {
				return sum.prefix(root, part, size)
			}
			return nil
		}
		if extra := q.extraConns(ctx, pool, size-offset); len(extra) > 0 {
			whole, err := q.fetchSegments(ctx, pool, append(extra, c), out.remote, w, offset, size, counter{q, j, f})
			if err != nil {
				w.Truncate(whole)
				q.progress(j, f, whole)
				return err
			}
			if sum != nil {
				return sum.prefix(root, part, size)
			}
			return nil
		}
		if sum != nil && offset > 0 {
			if err := sum.prefix(root, part, offset); err != nil {
				return err
			}
		}
		r, err := c.Retr(ctx, out.remote, offset)
		if err != nil {
			return err
		}
		var dst io.Writer = countingWriter{w, counter{q, j, f}}
		if sum != nil {
			dst = io.MultiWriter(dst, sum.h)
		}
		_, err = io.CopyBuffer(dst, r, make([]byte, copyBuffer))
		// The server's reply to a transfer we broke off (426) says less
		// than why we broke it off (a stall, a cut): the first error wins.
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		return err
	}()
	if cerr := w.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("download %s: writing %s: %w", out.remote, out.local, cerr)
	}
	if err != nil {
		return out, err
	}
	pi, err := root.Stat(part)
	if err != nil {
		return out, err
	}
	if pi.Size() != size {
		// A file listed before it changed on the server arrives whole
		// but of another size: ask the server what it has now.
		now, serr := c.Size(ctx, out.remote)
		if serr != nil || now != pi.Size() {
			if serr == nil {
				q.setSize(j, f, now) // the next try expects what is there now
			}
			return out, fmt.Errorf("download %s: %w: %d of %d bytes", out.remote, errIncomplete, pi.Size(), size)
		}
		q.changed(ctx, c, j, f, out.remote, now)
		size, mtime = f.size, f.mtime
		out.size = size
	}
	if sum != nil {
		if out.checksum, err = sum.verify(ctx, c, out.remote); err != nil {
			root.Remove(part) // start over on the next try
			q.progress(j, f, 0)
			return out, err
		}
	}
	if !mtime.IsZero() {
		root.Chtimes(part, time.Now(), mtime)
	}
	if err := root.Rename(part, local); err != nil {
		return out, fmt.Errorf("download %s: %w", out.remote, err)
	}
	return out, nil
}

// changed notes that a remote file now has size now, not what its listing
// said: the totals follow, and the modification time is asked afresh
// (zero, and left alone, when the server does not say).
func (q *Queue) changed(ctx context.Context, c *session.Conn, j *Job, f *fileTask, remote string, now int64) {
	q.setSize(j, f, now)
	f.mtime = time.Time{}
	if t, err := c.ModTime(ctx, remote); err == nil {
		f.mtime = t
	}
}

// setSize corrects a file's size in the totals once it is known.
func (q *Queue) setSize(j *Job, f *fileTask, size int64) {
	d := size - max(f.size, 0)
	f.size = size
	j.total.Add(d)
	q.total.Add(d)
}

// freeLocalName finds "name (n).ext" that does not exist yet.
func freeLocalName(root *os.Root, local string) (string, error) {
	for n := 1; n <= 1000; n++ {
		cand := filepath.FromSlash(renamed(filepath.ToSlash(local), n))
		_, err1 := root.Lstat(cand)
		_, err2 := root.Lstat(cand + partSuffix)
		if errors.Is(err1, fs.ErrNotExist) && errors.Is(err2, fs.ErrNotExist) {
			return cand, nil
		}
	}
	return "", fmt.Errorf("no free name for %s", local)
}

// absent reports whether err says a remote file does not exist. Servers
// answer SIZE on a missing file with 550 (vsftpd also for folders).
func absent(err error) bool {
	var se *session.Error
	return errors.Is(err, session.ErrNotFound) || errors.As(err, &se) && se.Code == 550
}

// upload sends one local file to the job's target folder on the server.
func (q *Queue) upload(ctx context.Context, c *session.Conn, j *Job, f *fileTask) (out outcome, err error) {
	out = q.paths(j, f)
	src, err := os.Open(out.local)
	if err != nil {
		return out, fmt.Errorf("upload: %w", err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return out, fmt.Errorf("upload: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return out, fmt.Errorf("upload %s: not a regular file", out.local)
	}
	size, mtime := fi.Size(), fi.ModTime()
	if size != f.size {
		q.setSize(j, f, size)
	}
	out.size = size
	var offset int64
	var rs int64
	switch {
	case f.target == targetAbsent && !f.resume:
		rs, err = 0, &session.Error{Op: "size of", Path: out.remote, Kind: session.ErrNotFound, Err: session.ErrNotFound}
	case f.target >= 0 && !f.resume:
		rs, err = f.target, nil
	default:
		rs, err = c.Size(ctx, out.remote)
	}
	switch {
	case err == nil && f.resume && rs < size:
		offset = rs // ours, cut short: continue it (REST + STOR)
	case err == nil && f.resume && rs == size && j.restored:
		out.skipped = "already there"
		return out, nil
	case err == nil && f.resume && rs == size:
		// The last try sent everything but its reply was lost: check it.
	case err == nil:
		rt, _ := c.ModTime(ctx, out.remote)
		act, err := q.decide(ctx, Conflict{
			Direction: Upload, Site: j.spec.SiteName,
			Source: FileStat{Path: out.local, Size: size, ModTime: mtime},
			Target: FileStat{Path: out.remote, Size: rs, ModTime: rt},
		})
		if err != nil {
			return out, err
		}
		switch act {
		case Skip:
			out.skipped = "a file of that name exists"
			return out, nil
		case Resume:
			offset = rs
		case Rename:
			if out.remote, err = freeRemoteName(ctx, c, out.remote); err != nil {
				return out, err
			}
		}
	case !absent(err):
		return out, err
	}
	sum := newSummer(c)
	if !(f.resume && rs == size) {
		if err := q.send(ctx, c, j, f, src, out.remote, offset, sum); err != nil {
			out.started = true
			return out, err
		}
		out.started = true
	} else if sum != nil {
		if err := sum.prefix(nil, out.local, size); err != nil {
			return out, err
		}
	}
	if got, err := c.Size(ctx, out.remote); err != nil {
		return out, err
	} else if got != size {
		return out, fmt.Errorf("upload %s: %w: the server has %d of %d bytes", out.remote, errIncomplete, got, size)
	}
	if sum != nil {
		if out.checksum, err = sum.verify(ctx, c, out.remote); err != nil {
			q.progress(j, f, 0)
			return out, err
		}
	}
	if _, ok := c.Features()["MFMT"]; ok {
		if err := c.SetModTime(ctx, out.remote, mtime); err != nil && !absent(err) {
			return out, err
		}
	}
	return out, nil
}

// send uploads src from offset. A server that refuses to continue a file
// (REST before STOR is optional) gets the whole file instead.
func (q *Queue) send(ctx context.Context, c *session.Conn, j *Job, f *fileTask, src *os.File, remote string, offset int64, sum *summer) error {
	for {
		if _, err := src.Seek(offset, io.SeekStart); err != nil {
			return err
		}
		q.progress(j, f, offset)
		var r io.Reader = countingReader{src, counter{q, j, f}}
		if sum != nil {
			sum.reset()
			if offset > 0 {
				if err := sum.prefix(nil, src.Name(), offset); err != nil {
					return err
				}
			}
			r = io.TeeReader(r, sum.h)
		}
		err := c.Stor(ctx, remote, offset, r)
		var se *session.Error
		if err != nil && offset > 0 && errors.As(err, &se) && se.Code >= 500 && !retryable(err) {
			offset = 0
			continue
		}
		return err
	}
}

// freeRemoteName finds "name (n).ext" that does not exist on the server.
func freeRemoteName(ctx context.Context, c *session.Conn, p string) (string, error) {
	for n := 1; n <= 1000; n++ {
		cand := renamed(p, n)
		if _, err := c.Size(ctx, cand); absent(err) {
			return cand, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name for %s", p)
}

// runDir lists one folder of a folder job: its files join the job, its
// sub-folders wait their turn. Names a server sends are checked first.
func (q *Queue) runDir(t *task) {
	j, d := t.job, t.dir
	j.current.Store(&d.rel)
	var files []*fileTask
	var dirs []dirTask
	var err error
	tries := 0
	for {
		tries++
		files, dirs, err = q.listOnce(t)
		if err == nil || !retryable(err) || tries >= q.cfg.Attempts || t.ctx.Err() != nil {
			break
		}
		if !q.backoff(t.ctx, tries) {
			break
		}
	}
	q.endDir(t, files, dirs, err)
	if err != nil && context.Cause(t.ctx) == nil && siteFatal(err) {
		q.failSite(j.spec.Site, err)
	}
}

func (q *Queue) listOnce(t *task) (files []*fileTask, dirs []dirTask, err error) {
	j, d := t.job, t.dir
	pool, err := q.cfg.Connections.Pool(t.ctx, j.spec.Site)
	if err != nil {
		return nil, nil, err
	}
	c, err := pool.Get(t.ctx)
	if err != nil {
		return nil, nil, err
	}
	defer func() { pool.Put(&c, err) }()
	if j.spec.Direction == Download {
		return q.listRemote(t.ctx, c, j, d)
	}
	return q.listLocal(t.ctx, c, j, d)
}

func (q *Queue) listRemote(ctx context.Context, c *session.Conn, j *Job, d *dirTask) ([]*fileTask, []dirTask, error) {
	if d.rel != "" { // "" is a contents job's top: the target folder itself
		if err := session.CheckName(path.Base(d.rel)); err != nil {
			return nil, nil, fmt.Errorf("download %s: %w", j.spec.Remote, err)
		}
	}
	root, err := q.rootFor(j)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the target folder: %w", err)
	}
	dir := path.Join(j.remoteBase(), d.rel)
	l, err := c.List(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	if err := root.MkdirAll(filepath.FromSlash(cmp.Or(d.rel, ".")), 0o755); err != nil {
		return nil, nil, fmt.Errorf("download %s: creating %s: %w", dir, filepath.Join(j.spec.Local, d.rel), err)
	}
	for _, line := range l.Unreadable {
		q.skip(j, fmt.Sprintf("%s: a listing line Ferry cannot read: %q", dir, line))
	}
	var files []*fileTask
	var dirs []dirTask
	for _, e := range l.Entries {
		if err := session.CheckName(e.Name); err != nil {
			q.skip(j, fmt.Sprintf("%s: %v", dir, err))
			continue
		}
		rel := joinRel(d.rel, e.Name)
		if e.IsDir {
			dirs = append(dirs, dirTask{rel: rel})
		} else {
			files = append(files, &fileTask{rel: rel, size: e.Size, mtime: e.ModTime})
		}
	}
	return files, dirs, nil
}

func (q *Queue) listLocal(ctx context.Context, c *session.Conn, j *Job, d *dirTask) ([]*fileTask, []dirTask, error) {
	dir := filepath.Join(filepath.Dir(j.spec.Local), filepath.FromSlash(d.rel))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("upload: %w", err)
	}
	// What is in the target folder already: one listing, instead of a SIZE
	// per file. A folder made just now is empty.
	remoteDir := path.Join(j.spec.Remote, d.rel)
	there := map[string]int64{}
	complete := false // the listing names every file there
	if st, err := c.Stat(ctx, remoteDir); err == nil && st.IsDir {
		l, err := c.List(ctx, remoteDir)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range l.Entries {
			if !e.IsDir {
				there[e.Name] = e.Size
			}
		}
		complete = len(l.Unreadable) == 0
	} else if err != nil && !absent(err) {
		return nil, nil, err
	} else {
		if err := c.MkdirAll(ctx, remoteDir); err != nil {
			return nil, nil, err
		}
		complete = true
	}
	var files []*fileTask
	var dirs []dirTask
	for _, e := range entries {
		name := e.Name()
		if session.CheckPath(name) != nil {
			q.skip(j, fmt.Sprintf("%s: %q: a name with a line break cannot be sent over FTP", dir, name))
			continue
		}
		rel := d.rel + "/" + name
		fi, err := e.Info()
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			fi, err = os.Stat(filepath.Join(dir, name))
			if err == nil && fi.IsDir() {
				q.skip(j, fmt.Sprintf("%s: a link to a folder is not followed", filepath.Join(dir, name)))
				continue
			}
		}
		switch {
		case err != nil:
			q.skip(j, fmt.Sprintf("%s: %v", filepath.Join(dir, name), err))
		case fi.IsDir():
			dirs = append(dirs, dirTask{rel: rel})
		case fi.Mode().IsRegular():
			target := targetUnknown
			if size, ok := there[name]; ok {
				target = size
			} else if complete {
				target = targetAbsent
			}
			files = append(files, &fileTask{rel: rel, size: fi.Size(), mtime: fi.ModTime(), target: target})
		default:
			q.skip(j, fmt.Sprintf("%s: not a regular file", filepath.Join(dir, name)))
		}
	}
	return files, dirs, nil
}

// skip tells the person about an entry the queue leaves out, and records
// it in the history.
func (q *Queue) skip(j *Job, why string) {
	q.notify("Skipped %s", why)
	q.record(j, outcome{skipped: why}, time.Now(), "")
}

// decide asks the Resolver (one question at a time, unless an answer
// applies to all) and turns conditional answers into what to do.
func (q *Queue) decide(ctx context.Context, c Conflict) (Action, error) {
	q.mu.Lock()
	a := q.applyAll
	q.mu.Unlock()
	if a == Ask {
		q.resolveMu.Lock()
		q.mu.Lock()
		a = q.applyAll
		q.mu.Unlock()
		if a == Ask {
			d, err := q.cfg.Resolver.ResolveConflict(ctx, c)
			if err != nil {
				q.resolveMu.Unlock()
				return Ask, err
			}
			a = d.Action
			if d.ApplyToAll {
				q.mu.Lock()
				q.applyAll = a
				q.mu.Unlock()
			}
		}
		q.resolveMu.Unlock()
	}
	src, dst := c.Source, c.Target
	switch a {
	case OverwriteIfNewer:
		if !src.ModTime.IsZero() && !dst.ModTime.IsZero() && !src.ModTime.After(dst.ModTime) {
			return Skip, nil
		}
		return Overwrite, nil
	case OverwriteIfSizeDiffers:
		if src.Size >= 0 && src.Size == dst.Size {
			return Skip, nil
		}
		return Overwrite, nil
	case Resume:
		switch {
		case dst.Size < src.Size:
			return Resume, nil
		case dst.Size == src.Size:
			return Skip, nil
		}
		return Overwrite, nil
	case Ask:
		return Skip, nil
	}
	return a, nil
}
