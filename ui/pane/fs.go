package pane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
)

// Entry is one file, folder or link in a listing.
type Entry struct {
	Name    string
	Size    int64
	ModTime time.Time // zero when unknown
	IsDir   bool      // a folder, or a link to one (it opens like a folder)
	IsLink  bool
	Perm    string // "rwxr-xr-x", or "" when unknown
}

// Hidden reports whether the entry is hidden by the usual convention: its
// name starts with a dot.
func (e Entry) Hidden() bool { return strings.HasPrefix(e.Name, ".") }

// Listing is one folder's contents. Skipped counts what was left out: lines
// of a server's listing that could not be read, and entries whose names are
// unsafe (see session.CheckName).
type Listing struct {
	Entries []Entry
	Skipped int
}

// FS is a file system a pane browses: this computer, or a server. Paths are
// in the file system's own syntax. Every method may block and must be
// called off the UI goroutine, except Remote, Join, Parent, Clean and
// Display, which are pure. Implementations are safe for concurrent use.
type FS interface {
	// Remote is false for this computer.
	Remote() bool
	// Home returns the folder to start in.
	Home(ctx context.Context) (string, error)
	// List lists a folder.
	List(ctx context.Context, dir string) (Listing, error)
	// Join returns the path of name inside dir.
	Join(dir, name string) string
	// Parent returns dir's parent folder, or false at the root.
	Parent(dir string) (string, bool)
	// Clean checks and cleans a path typed in the path bar.
	Clean(typed string) (string, error)
	// Mkdir creates one folder.
	Mkdir(ctx context.Context, p string) error
	// Rename renames from to to. It refuses to replace an existing entry.
	Rename(ctx context.Context, from, to string) error
	// Delete deletes a file or link, or a folder with everything in it.
	Delete(ctx context.Context, p string, isDir bool) error
	// Chmod sets the permission bits (0o755 style).
	Chmod(ctx context.Context, p string, mode uint32) error
	// Display returns what "Copy path" / "Copy URL" copies.
	Display(p string) string
}

// LocalFS is this computer's file system. Links are listed as links, and
// a link to a folder opens as a folder. Safe for concurrent use.
type LocalFS struct {
	// HomeDir is the folder to start in; empty means the user's home.
	HomeDir string
}

var _ FS = LocalFS{}

// Remote returns false.
func (LocalFS) Remote() bool { return false }

// Home returns HomeDir or the user's home folder.
func (l LocalFS) Home(context.Context) (string, error) {
	if l.HomeDir != "" {
		return filepath.Abs(l.HomeDir)
	}
	return os.UserHomeDir()
}

// List lists dir. Entries that vanish while it is being read are skipped.
// On Windows the folder above the drives ("This PC") lists the drives.
func (LocalFS) List(ctx context.Context, dir string) (Listing, error) {
	if v := localVolumes; v.root != "" && dir == v.root {
		return v.listing()
	}
	f, err := os.Open(dir)
	if err != nil {
		return Listing{}, err
	}
	defer f.Close()
	var l Listing
	for {
		des, err := f.ReadDir(1024)
		for _, de := range des {
			if err := ctx.Err(); err != nil {
				return Listing{}, err
			}
			fi, err := de.Info()
			if err != nil {
				l.Skipped++
				continue
			}
			e := Entry{Name: de.Name(), Size: fi.Size(), ModTime: fi.ModTime(), IsDir: fi.IsDir(),
				IsLink: fi.Mode()&fs.ModeSymlink != 0, Perm: fi.Mode().Perm().String()[1:]}
			if e.IsLink {
				if st, err := os.Stat(filepath.Join(dir, e.Name)); err == nil && st.IsDir() {
					e.IsDir = true
				}
			}
			l.Entries = append(l.Entries, e)
		}
		if errors.Is(err, io.EOF) || (err == nil && len(des) == 0) {
			return l, nil
		}
		if err != nil {
			return Listing{}, err
		}
	}
}

// Join joins with the OS separator. A drive listed in the folder of
// drives is its own path.
func (LocalFS) Join(dir, name string) string {
	if v := localVolumes; v.root != "" && dir == v.root {
		return name
	}
	return filepath.Join(dir, name)
}

// Parent returns the enclosing folder: on Windows a drive's root has the
// folder of drives above it, which has nothing above it.
func (LocalFS) Parent(dir string) (string, bool) {
	v := localVolumes
	if v.root != "" && dir == v.root {
		return "", false
	}
	if up, ok := v.above(dir); ok {
		return up, true
	}
	p := filepath.Dir(dir)
	return p, p != dir
}

// Clean accepts an absolute path, or one starting with "~" for the home
// folder.
func (l LocalFS) Clean(typed string) (string, error) {
	p := strings.TrimSpace(typed)
	if v := localVolumes; v.root != "" && strings.EqualFold(p, v.root) {
		return v.root, nil
	}
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		home, err := l.Home(context.Background())
		if err != nil {
			return "", err
		}
		p = filepath.Join(home, p[1:])
	}
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("%q is not a full path: type one that starts at the root, such as %s", typed, filepath.FromSlash("/home"))
	}
	return filepath.Clean(p), nil
}

// Mkdir creates one folder.
func (LocalFS) Mkdir(_ context.Context, p string) error { return os.Mkdir(p, 0o755) }

// Rename renames from to to, refusing to replace an existing entry.
func (LocalFS) Rename(_ context.Context, from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return &fs.PathError{Op: "rename", Path: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}

// Delete removes a file or link, or a folder and everything in it. Links
// are removed, never followed.
func (l LocalFS) Delete(_ context.Context, p string, isDir bool) error {
	if _, ok := l.Parent(p); !ok || isVolumeRoot(p) {
		return &fs.PathError{Op: "delete", Path: p, Err: errors.New("refusing to delete the root folder")}
	}
	if isDir {
		return os.RemoveAll(p)
	}
	return os.Remove(p)
}

// Chmod sets the permission bits.
func (LocalFS) Chmod(_ context.Context, p string, mode uint32) error {
	return os.Chmod(p, fs.FileMode(mode&0o777))
}

// Display returns the path itself.
func (LocalFS) Display(p string) string { return p }

// RemoteFS is a server's file system, used through a pool's shared browse
// connection. Paths are slash-separated and absolute. Names the server
// lists that session.CheckName refuses are skipped and counted. Safe for
// concurrent use (the browse connection serialises operations).
type RemoteFS struct {
	pool  *session.Pool
	site  sites.Site
	login atomic.Pointer[string] // the login folder, once Home has asked
}

var _ FS = (*RemoteFS)(nil)

// NewRemoteFS browses the server behind pool; site gives the starting
// folder (RemoteDir, else the server's initial folder) and the URLs that
// Display returns.
func NewRemoteFS(pool *session.Pool, site sites.Site) *RemoteFS {
	return &RemoteFS{pool: pool, site: site}
}

// Remote returns true.
func (*RemoteFS) Remote() bool { return true }

// Home returns the folder to open first: the site's remote folder, which
// like a URL's path is relative to the login folder unless absolute, else
// the login folder itself (where the server put the user: their home on
// most servers, "/" on those that chroot).
func (r *RemoteFS) Home(ctx context.Context) (string, error) {
	c, err := r.pool.Browse(ctx)
	if err != nil {
		return "", err
	}
	login := c.LoginDir()
	r.login.Store(&login)
	return session.ResolvePath(login, r.site.RemoteDir), nil
}

// List lists dir, leaving out (and counting) unsafe names.
func (r *RemoteFS) List(ctx context.Context, dir string) (Listing, error) {
	var sl session.Listing
	err := r.with(ctx, func(c *session.Conn) (err error) {
		sl, err = c.List(ctx, dir)
		return err
	})
	if err != nil {
		return Listing{}, err
	}
	l := Listing{Entries: make([]Entry, 0, len(sl.Entries)), Skipped: len(sl.Unreadable)}
	for _, fi := range sl.Entries {
		if session.CheckName(fi.Name) != nil {
			l.Skipped++
			continue
		}
		l.Entries = append(l.Entries, Entry{Name: fi.Name, Size: fi.Size, ModTime: fi.ModTime,
			IsDir: fi.IsDir, IsLink: fi.IsLink, Perm: fi.Perm})
	}
	return l, nil
}

// Join joins with "/".
func (*RemoteFS) Join(dir, name string) string { return path.Join(dir, name) }

// Parent returns the enclosing folder.
func (*RemoteFS) Parent(dir string) (string, bool) {
	if dir == "/" || dir == "" {
		return "/", false
	}
	return path.Dir(dir), true
}

// Clean accepts an absolute slash-separated path without line breaks or
// NUL.
func (*RemoteFS) Clean(typed string) (string, error) {
	p := strings.TrimSpace(typed)
	if session.CheckPath(p) != nil {
		return "", session.ErrBadPath
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%q is not a full path: type one that starts with /", typed)
	}
	return path.Clean(p), nil
}

// Mkdir creates one folder.
func (r *RemoteFS) Mkdir(ctx context.Context, p string) error {
	return r.with(ctx, func(c *session.Conn) error { return c.Mkdir(ctx, p) })
}

// Rename renames from to to. The pane checks that to is not listed; the
// server may still replace an entry it did not list.
func (r *RemoteFS) Rename(ctx context.Context, from, to string) error {
	return r.with(ctx, func(c *session.Conn) error { return c.Rename(ctx, from, to) })
}

// Delete deletes a file or link, or a folder recursively.
func (r *RemoteFS) Delete(ctx context.Context, p string, isDir bool) error {
	return r.with(ctx, func(c *session.Conn) error {
		if isDir {
			return c.RemoveAll(ctx, p)
		}
		return c.Delete(ctx, p)
	})
}

// Chmod sets permissions with SITE CHMOD.
func (r *RemoteFS) Chmod(ctx context.Context, p string, mode uint32) error {
	return r.with(ctx, func(c *session.Conn) error { return c.Chmod(ctx, p, mode) })
}

// Display returns the path's URL (never with a password): relative to the
// login folder when it lies inside it, as a person would type it.
func (r *RemoteFS) Display(p string) string {
	if login := r.login.Load(); login != nil {
		return r.site.URL(session.RelativePath(*login, p))
	}
	return r.site.URL(p)
}

// with does fn on the browse connection. When fn finds the connection
// broken before it could send anything (session.ErrBroken: an operation
// cancelled just before, whose abort the pool had not seen yet when it
// handed the connection out), it runs once more on a new one.
func (r *RemoteFS) with(ctx context.Context, fn func(*session.Conn) error) error {
	for try := 1; ; try++ {
		c, err := r.pool.Browse(ctx)
		if err != nil {
			return err
		}
		if err = fn(c); try == 1 && errors.Is(err, session.ErrBroken) {
			continue
		}
		return err
	}
}
