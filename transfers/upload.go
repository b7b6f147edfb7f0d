package transfers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ferryftps/ferry/session"
)

// uploadTry is one try at sending one local file to the job's target
// folder on the server. Its steps (plan, resolveConflict, send, verify,
// finish) share what they learn here. Not safe for concurrent use.
type uploadTry struct {
	q   *Queue
	ctx context.Context
	c   *session.Conn
	j   *Job
	f   *fileTask
	res fileResult

	src    *os.File
	size   int64
	mtime  time.Time
	there  int64 // the remote file's size, as SIZE or the folder's listing says
	offset int64 // where this try starts: the length of a remote copy of ours
	sum    *summer
}

// upload makes one try at sending file f of job j over c.
func (q *Queue) upload(ctx context.Context, c *session.Conn, j *Job, f *fileTask) (fileResult, error) {
	u := &uploadTry{q: q, ctx: ctx, c: c, j: j, f: f}
	err := u.run()
	return u.res, err
}

func (u *uploadTry) run() error {
	u.res.local, u.res.remote = u.j.filePaths(u.f.rel)
	src, err := os.Open(u.res.local)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	defer src.Close()
	u.src = src
	if err := u.plan(); err != nil {
		return err
	}
	if err := u.resolveConflict(); err != nil || u.res.skip != 0 {
		return err
	}
	if err := u.send(); err != nil {
		return err
	}
	if err := u.verify(); err != nil {
		return err
	}
	return u.finish()
}

// plan learns the source's size and modification time.
func (u *uploadTry) plan() error {
	fi, err := u.src.Stat()
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("upload %s: not a regular file", u.res.local)
	}
	u.size, u.mtime = fi.Size(), fi.ModTime()
	if u.size != u.f.size {
		u.q.setSize(u.j, u.f, u.size)
	}
	u.res.size = u.size
	return nil
}

// remoteSize asks the server for the target's size, unless the listing of
// its folder already said (a tree upload asks no SIZE per file).
func (u *uploadTry) remoteSize() (int64, error) {
	switch {
	case u.f.target == targetAbsent && !u.f.resume:
		return 0, &session.Error{Op: "size of", Path: u.res.remote, Kind: session.ErrNotFound, Err: session.ErrNotFound}
	case u.f.target >= 0 && !u.f.resume:
		return u.f.target, nil
	}
	return u.c.Size(u.ctx, u.res.remote)
}

// resolveConflict decides, from what is at the target, where this try
// starts: continue a copy of ours, check one the last try sent whole,
// skip, or ask what to do with someone else's file.
func (u *uploadTry) resolveConflict() error {
	there, err := u.remoteSize()
	u.there = there
	switch {
	case err == nil && u.f.resume && there < u.size:
		u.offset = there // ours, cut short: continue it (REST + STOR)
	case err == nil && u.f.resume && there == u.size && u.j.restored:
		u.res.skipped(SkippedAlreadyThere)
	case err == nil && u.f.resume && there == u.size:
		// The last try sent everything but its reply was lost: check it.
	case err == nil:
		return u.ask()
	case !absent(err):
		return err
	}
	return nil
}

// ask puts "the target exists" to the Resolver.
func (u *uploadTry) ask() error {
	rt, _ := u.c.ModTime(u.ctx, u.res.remote)
	act, err := u.q.decide(u.ctx, Conflict{
		Direction: Upload, Site: u.j.spec.SiteName,
		Source: FileStat{Path: u.res.local, Size: u.size, ModTime: u.mtime},
		Target: FileStat{Path: u.res.remote, Size: u.there, ModTime: rt},
	}, u.j.spec.OnConflict)
	if err != nil {
		return err
	}
	switch act {
	case Skip:
		u.res.skipped(SkippedExists)
	case Resume:
		u.offset = u.there
	case Rename:
		if u.res.remote, err = freeRemoteName(u.ctx, u.c, u.res.remote); err != nil {
			return err
		}
	}
	return nil
}

// send sends the file from offset on; when the last try sent all of it,
// it only sums the local file, to compare below.
func (u *uploadTry) send() error {
	u.sum = newSummer(u.c)
	if u.f.resume && u.there == u.size {
		if u.sum != nil {
			return u.sum.prefix(nil, u.res.local, u.size)
		}
		return nil
	}
	err := u.stor()
	u.res.started = true
	return err
}

// stor uploads src from offset. A server that refuses to continue a file
// (REST before STOR is optional) gets the whole file instead.
func (u *uploadTry) stor() error {
	offset := u.offset
	for {
		if _, err := u.src.Seek(offset, io.SeekStart); err != nil {
			return err
		}
		u.q.progress(u.j, u.f, offset)
		var r io.Reader = io.TeeReader(limitedReader{u.ctx, u.src, u.q.limits.up}, countingWriter{counter: counter{u.q, u.j, u.f}})
		if u.sum != nil {
			u.sum.reset()
			if offset > 0 {
				if err := u.sum.prefix(nil, u.src.Name(), offset); err != nil {
					return err
				}
			}
			r = io.TeeReader(r, u.sum.h)
		}
		err := u.c.Stor(u.ctx, u.res.remote, offset, pooledReader{r})
		var se *session.Error
		if err != nil && offset > 0 && errors.As(err, &se) && se.Code >= 500 && !retryable(err) {
			offset = 0
			continue
		}
		return err
	}
}

// verify checks the server's copy: its size (SIZE), and its checksum when
// the server offers one.
func (u *uploadTry) verify() error {
	if got, err := u.c.Size(u.ctx, u.res.remote); err != nil {
		return err
	} else if got != u.size {
		return fmt.Errorf("upload %s: %w: the server has %d of %d bytes", u.res.remote, errIncomplete, got, u.size)
	}
	if u.sum != nil {
		var err error
		if u.res.checksum, err = u.sum.verify(u.ctx, u.c, u.res.remote); err != nil {
			u.q.progress(u.j, u.f, 0)
			return err
		}
	}
	return nil
}

// finish gives the server's copy the file's modification time, where the
// server can set it (MFMT).
func (u *uploadTry) finish() error {
	if _, ok := u.c.Features()["MFMT"]; ok {
		if err := u.c.SetModTime(u.ctx, u.res.remote, u.mtime); err != nil && !absent(err) {
			return err
		}
	}
	return nil
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

// pooledReader is r with a WriteTo that copies through a pooled buffer:
// io.Copy inside the FTP library would allocate 32 KiB for every file.
type pooledReader struct{ r io.Reader }

func (p pooledReader) Read(b []byte) (int, error) { return p.r.Read(b) }

func (p pooledReader) WriteTo(w io.Writer) (int64, error) {
	type plain struct{ io.Reader } // no WriteTo: CopyBuffer must use buf
	var n int64
	err := withCopyBuffer(func(buf []byte) error {
		var err error
		n, err = io.CopyBuffer(w, plain{p.r}, buf)
		return err
	})
	return n, err
}
