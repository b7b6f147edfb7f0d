package transfers

import (
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

// downloadTry is one try at fetching one remote file into the job's target
// folder: into a part file first, renamed over the target only when whole
// and checked. Its steps (plan, resolveConflict, openPart, fetch, verify,
// finish) share what they learn here. Not safe for concurrent use.
type downloadTry struct {
	q    *Queue
	ctx  context.Context
	pool *session.Pool
	c    *session.Conn
	j    *Job
	f    *fileTask
	res  fileResult

	root        *os.Root // the target's own folder, opened once per try
	ownRoot     bool     // root was opened here (not the job's): close it
	dir         string   // that folder, relative to the job's target folder
	local, part string   // the target and its part file, names inside root
	size        int64
	mtime       time.Time
	listed      bool  // size comes from a listing, which may be stale
	offset      int64 // where this try starts: the length of a part of ours
	sum         *summer
	tail        *session.Conn // a connection of the pool's that fetched the end (fetchRanges)
}

// download makes one try at fetching file f of job j over c (and, for a
// large file, over more of pool's connections at once).
func (q *Queue) download(ctx context.Context, pool *session.Pool, c *session.Conn, j *Job, f *fileTask) (fileResult, error) {
	d := &downloadTry{q: q, ctx: ctx, pool: pool, c: c, j: j, f: f}
	err := d.run()
	if d.ownRoot {
		d.root.Close()
	}
	if d.tail != nil {
		pool.Put(&d.tail, err)
	}
	return d.res, err
}

func (d *downloadTry) run() error {
	if err := d.plan(); err != nil {
		return err
	}
	if err := d.resolveConflict(); err != nil || d.res.skip != 0 {
		return err
	}
	w, err := d.openPart()
	if err != nil {
		return err
	}
	err = d.fetch(w)
	if cerr := w.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("download %s: writing %s: %w", d.res.remote, d.res.local, cerr)
	}
	if err != nil {
		return err
	}
	if err := d.verify(); err != nil {
		return err
	}
	return d.finish()
}

// plan finds the file's paths, checks its name, opens the target folder
// and learns the file's size (SIZE, when no listing said).
func (d *downloadTry) plan() error {
	d.res.local, d.res.remote = d.j.filePaths(d.f.rel)
	if err := session.CheckName(path.Base(d.f.rel)); err != nil {
		return err
	}
	if err := d.openFolder(); err != nil {
		return err
	}
	d.size, d.mtime = d.f.size, d.f.mtime
	d.listed = d.size >= 0
	if d.size < 0 {
		var err error
		if d.size, err = d.c.Size(d.ctx, d.res.remote); err != nil {
			return err
		}
		d.q.setSize(d.j, d.f, d.size)
	}
	d.res.size = d.size
	d.local = path.Base(d.f.rel)
	d.part = d.local + partSuffix
	return nil
}

// openFolder opens the folder the file goes into once, so that each of the
// try's steps names the file alone: through the job's root every step
// would walk the whole relative path again (two system calls a level).
func (d *downloadTry) openFolder() error {
	root, err := d.q.rootFor(d.j)
	if err != nil {
		return fmt.Errorf("opening the target folder: %w", err)
	}
	d.root, d.dir = root, filepath.FromSlash(path.Dir(d.f.rel))
	if d.dir == "." {
		return nil
	}
	if d.root, err = root.OpenRoot(d.dir); err != nil {
		return fmt.Errorf("download %s: opening %s: %w", d.res.remote, filepath.Join(d.j.spec.Local, d.dir), err)
	}
	d.ownRoot = true
	return nil
}

// resolveConflict decides what to do when the target exists: fail on a
// folder of that name, skip, write beside it under a free name, or
// continue it.
func (d *downloadTry) resolveConflict() error {
	fi, err := d.root.Stat(d.local)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("download %s: %w", d.res.remote, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("download %s: a folder of that name exists in %s", d.res.remote, d.j.spec.Local)
	}
	if d.f.resume && d.j.restored && fi.Size() == d.size {
		d.res.skipped(SkippedAlreadyThere)
		return nil
	}
	act, err := d.q.decide(d.ctx, Conflict{
		Direction: Download, Site: d.j.spec.SiteName,
		Source: FileStat{Path: d.res.remote, Size: d.size, ModTime: d.mtime},
		Target: FileStat{Path: d.res.local, Size: fi.Size(), ModTime: fi.ModTime()},
	}, d.j.spec.OnConflict)
	if err != nil {
		return err
	}
	switch act {
	case Skip:
		d.res.skipped(SkippedExists)
	case Rename:
		if d.local, err = freeLocalName(d.root, d.local); err != nil {
			return err
		}
		d.part = d.local + partSuffix
		d.res.local = filepath.Join(d.j.spec.Local, d.dir, d.local)
	case Resume:
		// Continue the shorter target: it becomes the part file, so the
		// name shows a whole file again only when it is one.
		if err := d.root.Rename(d.local, d.part); err != nil {
			return fmt.Errorf("download %s: %w", d.res.remote, err)
		}
	}
	return nil
}

// openPart opens the part file for writing, to continue a part of ours
// (REST) if the remote file has not changed since it was listed.
func (d *downloadTry) openPart() (*os.File, error) {
	d.res.part = filepath.Join(d.dir, d.part) // for cleanup, through the job's root
	if pi, err := d.root.Stat(d.part); err == nil && pi.Mode().IsRegular() && pi.Size() <= d.size {
		d.offset = pi.Size() // a part of ours: continue it (REST)
	}
	if err := d.recheck(); err != nil {
		return nil, err
	}
	w, err := d.root.OpenFile(d.part, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", d.res.remote, err)
	}
	d.res.started = true
	return w, nil
}

// recheck makes sure, before continuing a part or fetching a large file in
// ranges, that the file has not changed since it was listed: a part of
// another version, or ranges cut to the old size, would make a wrong copy.
func (d *downloadTry) recheck() error {
	if !(d.listed && (d.offset > 0 || d.size >= 2*d.q.segmentMin())) {
		return nil
	}
	now, err := d.c.Size(d.ctx, d.res.remote)
	if err != nil {
		return err
	}
	if now != d.size {
		d.q.changed(d.ctx, d.c, d.j, d.f, d.res.remote, now)
		d.size, d.mtime, d.offset = d.f.size, d.f.mtime, 0 // a part of another version is no use
		d.res.size = d.size
	}
	return nil
}

// fetch writes the file from offset on into w: over one connection, or in
// ranges over several when it is large and connections are free.
func (d *downloadTry) fetch(w *os.File) error {
	d.sum = newSummer(d.c)
	if err := w.Truncate(d.offset); err != nil {
		return err
	}
	if _, err := w.Seek(d.offset, io.SeekStart); err != nil {
		return err
	}
	d.q.progress(d.j, d.f, d.offset)
	if d.offset == d.size { // the part is whole already; check it below
		return d.sumPart(d.size)
	}
	if d.size-d.offset >= 2*d.q.segmentMin() {
		return d.fetchRanges(w)
	}
	return d.fetchStream(w)
}

// fetchRanges fetches the rest in ranges, starting on c and adding
// connections while they add speed (fetchSegments). After a failure the
// part is cut to its whole prefix, for the next try. When another
// connection than c fetched the file's end, c was aborted: the try goes
// on with that one (d.tail, handed back in run).
func (d *downloadTry) fetchRanges(w *os.File) error {
	whole, tail, err := d.q.fetchSegments(d.ctx, d.pool, d.c, d.res.remote, w, d.offset, d.size, d.counter())
	if err != nil {
		w.Truncate(whole)
		d.q.progress(d.j, d.f, whole)
		return err
	}
	if tail != nil && tail != d.c {
		d.c, d.tail = tail, tail
	}
	return d.sumPart(d.size)
}

// fetchStream fetches the rest over c in one RETR.
func (d *downloadTry) fetchStream(w *os.File) error {
	if d.offset > 0 {
		if err := d.sumPart(d.offset); err != nil {
			return err
		}
	}
	r, err := d.c.Retr(d.ctx, d.res.remote, d.offset)
	if err != nil {
		return err
	}
	var dst io.Writer = countingWriter{limitedWriter{d.ctx, w, d.q.limits.down}, d.counter()}
	if d.sum != nil {
		dst = io.MultiWriter(dst, d.sum.h)
	}
	err = withCopyBuffer(func(buf []byte) error {
		_, err := io.CopyBuffer(dst, r, buf)
		return err
	})
	// The server's reply to a transfer we broke off (426) says less
	// than why we broke it off (a stall, a cut): the first error wins.
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

// sumPart feeds the part's first n bytes into the checksum, if there is
// one.
func (d *downloadTry) sumPart(n int64) error {
	if d.sum == nil {
		return nil
	}
	return d.sum.prefix(d.root, d.part, n)
}

func (d *downloadTry) counter() counter { return counter{d.q, d.j, d.f} }

// verify checks the part: its size (a file listed before it changed on the
// server arrives whole but of another size: the server is asked what it
// has now), and the server's checksum when it offers one.
func (d *downloadTry) verify() error {
	pi, err := d.root.Stat(d.part)
	if err != nil {
		return err
	}
	if pi.Size() != d.size {
		now, serr := d.c.Size(d.ctx, d.res.remote)
		if serr != nil || now != pi.Size() {
			if serr == nil {
				d.q.setSize(d.j, d.f, now) // the next try expects what is there now
			}
			return fmt.Errorf("download %s: %w: %d of %d bytes", d.res.remote, errIncomplete, pi.Size(), d.size)
		}
		d.q.changed(d.ctx, d.c, d.j, d.f, d.res.remote, now)
		d.size, d.mtime = d.f.size, d.f.mtime
		d.res.size = d.size
	}
	if d.sum != nil {
		if d.res.checksum, err = d.sum.verify(d.ctx, d.c, d.res.remote); err != nil {
			d.root.Remove(d.part) // start over on the next try
			d.q.progress(d.j, d.f, 0)
			return err
		}
	}
	return nil
}

// finish gives the part the file's modification time and renames it into
// place.
func (d *downloadTry) finish() error {
	if !d.mtime.IsZero() {
		d.root.Chtimes(d.part, time.Now(), d.mtime)
	}
	if err := d.root.Rename(d.part, d.local); err != nil {
		return fmt.Errorf("download %s: %w", d.res.remote, err)
	}
	return nil
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
