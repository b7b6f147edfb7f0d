package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"github.com/jlaffaye/ftp"
)

// Conn is one logged-in control connection. It runs one operation at a
// time: calls from several goroutines are serialised, and a reader returned
// by Retr holds the connection until it is closed. Every operation takes a
// context; cancelling it aborts the sockets at once, after which the Conn is
// broken and must be closed.
type Conn struct {
	mu     sync.Mutex
	sc     *ftp.ServerConn
	d      *dialer
	broken bool
}

// ErrBroken: the connection was aborted or lost and can no longer be used.
var ErrBroken = errors.New("the connection was closed or lost")

// ErrBadPath: the path holds CR, LF or NUL, which would let it smuggle
// commands onto the control connection.
var ErrBadPath = errors.New("the path contains a line break or NUL character")

func checkPath(p string) error {
	if strings.ContainsAny(p, "\r\n\x00") {
		return fmt.Errorf("%q: %w", p, ErrBadPath)
	}
	return nil
}

// begin locks the connection for one operation and arms the abort on ctx.
// end must be called with the operation's error; it returns the error to
// report.
func (c *Conn) begin(ctx context.Context, paths ...string) (end func(error) error, err error) {
	for _, p := range paths {
		if err := checkPath(p); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.broken {
		c.mu.Unlock()
		return nil, ErrBroken
	}
	stop := context.AfterFunc(ctx, c.d.abort)
	return func(err error) error {
		defer c.mu.Unlock()
		if !stop() {
			c.broken = true
			return ctx.Err()
		}
		if err != nil {
			var tp *textproto.Error
			if !errors.As(err, &tp) {
				// Not a reply from the server: the connection itself failed.
				c.broken = true
			}
		}
		return err
	}, nil
}

func (c *Conn) run(ctx context.Context, what string, fn func() error, paths ...string) error {
	end, err := c.begin(ctx, paths...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := end(fn()); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Broken reports whether the connection can no longer be used.
func (c *Conn) Broken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.broken
}

// FileInfo describes one remote entry.
type FileInfo struct {
	Name    string
	Size    int64
	ModTime time.Time
	IsDir   bool
	IsLink  bool
	Target  string // a link's target, when the server says
}

// List lists a folder.
func (c *Conn) List(ctx context.Context, path string) ([]FileInfo, error) {
	var entries []*ftp.Entry
	err := c.run(ctx, "list "+path, func() (err error) {
		entries, err = c.sc.List(path)
		return err
	}, path)
	if err != nil {
		return nil, err
	}
	out := make([]FileInfo, 0, len(entries))
	for _, e := range entries {
		if e.Name == "." || e.Name == ".." {
			continue
		}
		out = append(out, FileInfo{
			Name: e.Name, Size: int64(e.Size), ModTime: e.Time,
			IsDir: e.Type == ftp.EntryTypeFolder, IsLink: e.Type == ftp.EntryTypeLink, Target: e.Target,
		})
	}
	return out, nil
}

// Stor uploads r to path, starting at offset (0: a new file). It returns
// only after the server confirmed the whole file.
func (c *Conn) Stor(ctx context.Context, path string, offset int64, r io.Reader) error {
	return c.run(ctx, "upload "+path, func() error {
		if offset > 0 {
			return c.sc.StorFrom(path, r, uint64(offset))
		}
		return c.sc.Stor(path, r)
	}, path)
}

// Retr opens path for download from offset. The connection stays busy
// until the returned reader is closed; Close reports whether the server
// confirmed the transfer.
func (c *Conn) Retr(ctx context.Context, path string, offset int64) (io.ReadCloser, error) {
	end, err := c.begin(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", path, err)
	}
	resp, err := c.sc.RetrFrom(path, uint64(offset))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", path, end(err))
	}
	return &download{resp: resp, end: end, path: path}, nil
}

type download struct {
	resp *ftp.Response
	end  func(error) error
	path string
	done bool
}

func (d *download) Read(p []byte) (int, error) { return d.resp.Read(p) }

func (d *download) Close() error {
	if d.done {
		return nil
	}
	d.done = true
	if err := d.end(d.resp.Close()); err != nil {
		return fmt.Errorf("download %s: %w", d.path, err)
	}
	return nil
}

// Mkdir creates one folder.
func (c *Conn) Mkdir(ctx context.Context, path string) error {
	return c.run(ctx, "create folder "+path, func() error { return c.sc.MakeDir(path) }, path)
}

// Delete deletes one file.
func (c *Conn) Delete(ctx context.Context, path string) error {
	return c.run(ctx, "delete "+path, func() error { return c.sc.Delete(path) }, path)
}

// Size returns a file's size in bytes.
func (c *Conn) Size(ctx context.Context, path string) (int64, error) {
	var n int64
	err := c.run(ctx, "size of "+path, func() (err error) {
		n, err = c.sc.FileSize(path)
		return err
	}, path)
	return n, err
}

// Close says goodbye to the server and closes the connection. It waits for
// an operation in progress; cancel that operation's context first to abort.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken {
		c.d.abort()
		return nil
	}
	c.broken = true
	err := c.sc.Quit()
	c.d.abort()
	return err
}
