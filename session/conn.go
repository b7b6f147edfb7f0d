package session

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"path"
	"strconv"
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
	// op is held for one operation: a token in a channel rather than a
	// mutex, so that waiting for it honours the caller's context (a
	// stalled operation must not hold the next caller forever).
	op       chan struct{}
	mu       sync.Mutex // guards broken and lastUsed, held briefly
	sc       *ftp.ServerConn
	d        *dialer
	broken   bool
	lastUsed time.Time
}

// ErrBroken: the connection was aborted or lost and can no longer be used.
var ErrBroken = fmt.Errorf("%w: this connection can no longer be used", ErrConnectionLost)

// begin locks the connection for one operation and arms the abort on ctx.
// end must be called with the operation's raw error; it returns the error
// to report, classified.
func (c *Conn) begin(ctx context.Context, op string, paths ...string) (end func(error) error, err error) {
	for _, p := range paths {
		if err := CheckPath(p); err != nil {
			return nil, &Error{Op: op, Path: paths[0], Err: err}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case c.op <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if c.Broken() {
		<-c.op
		return nil, &Error{Op: op, Path: first(paths), Kind: ErrConnectionLost, Err: ErrBroken}
	}
	// Cancelling aborts the sockets, and the connection is broken from that
	// moment on (not only once the operation returns): a pool asked for it
	// meanwhile dials a new one instead of handing out this one.
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.broken = true
		c.mu.Unlock()
		c.d.abort()
	})
	// Each operation is a step under its own deadline, measured from now.
	c.d.raw.arm("", c.d.cfg.timeout())
	return func(err error) error {
		defer func() { <-c.op }()
		c.mu.Lock()
		defer c.mu.Unlock()
		c.lastUsed = time.Now()
		if !stop() {
			c.broken = true
			return ctx.Err()
		}
		if err == nil {
			return nil
		}
		var tp *textproto.Error
		var own *Error
		switch {
		case errors.As(err, &tp):
			// A reply: the connection is fine, unless the server hung up
			// (421, or vsftpd's "500 OOPS" when its session process died).
			c.broken = tp.Code == 421 || tp.Code == 500 && isOOPS(tp.Msg)
		case errors.As(err, &own):
			// Decided here without touching the network.
		default:
			// The connection itself failed.
			c.broken = true
		}
		return classify(op, first(paths), err)
	}, nil
}

// tryBegin takes the connection if no operation holds it.
func (c *Conn) tryBegin() bool {
	select {
	case c.op <- struct{}{}:
		return true
	default:
		return false
	}
}

func first(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	return paths[0]
}

func (c *Conn) run(ctx context.Context, op string, fn func() error, paths ...string) error {
	end, err := c.begin(ctx, op, paths...)
	if err != nil {
		return err
	}
	return end(fn())
}

// Broken reports whether the connection can no longer be used.
func (c *Conn) Broken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.broken
}

// IdleSince is when the connection last finished an operation.
func (c *Conn) IdleSince() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastUsed
}

// TLS reports the control connection's TLS version and cipher, or nil for
// plain FTP.
func (c *Conn) TLS() *TLSInfo {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.d.ctrlTLS
}

// ConnectionState is the control connection's TLS handshake, with the
// certificate the server presented (for the status bar's lock icon; the
// trust package turns it into a CertInfo). ok is false for plain FTP.
func (c *Conn) ConnectionState() (cs tls.ConnectionState, ok bool) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	cs = c.d.ctrlState
	return cs, len(cs.PeerCertificates) > 0
}

// LoginDir is the folder the server put the user in after login, as PWD
// reported it: "/" on a server that chroots its users, a home folder such
// as /home/alice on most others (where "/" is the real root). Relative
// paths (URL paths, a site's remote folder) start there: see ResolvePath.
func (c *Conn) LoginDir() string {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.d.loginDir == "" {
		return "/"
	}
	return c.d.loginDir
}

// Features reports whether the server announced a FEAT keyword (MLST, MFMT,
// HASH, ...), as seen at login.
func (c *Conn) Features() map[string]string {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	out := make(map[string]string, len(c.d.features))
	for k, v := range c.d.features {
		out[k] = v
	}
	return out
}

// FileInfo describes one remote entry.
type FileInfo struct {
	Name    string
	Size    int64
	ModTime time.Time // UTC; zero when the server did not say
	IsDir   bool
	IsLink  bool
	Target  string // a link's target, when the server says
	Perm    string // "rwxr-xr-x" when the server says, else ""
}

// Listing is the result of List: the entries, and the lines of the
// server's listing that could not be read (reported, never silently
// dropped).
type Listing struct {
	Entries    []FileInfo
	Unreadable []string
}

// List lists a folder with MLSD when the server offers it, else LIST.
func (c *Conn) List(ctx context.Context, dir string) (Listing, error) {
	var entries []*ftp.Entry
	var raw bytes.Buffer
	err := c.run(ctx, "list", func() (err error) {
		c.d.capture(&raw)
		defer c.d.capture(nil)
		entries, err = c.sc.List(dir)
		return err
	}, dir)
	if err != nil {
		return Listing{}, err
	}
	return buildListing(entries, raw.Bytes()), nil
}

// buildListing walks the raw listing and the parsed entries side by side
// (jlaffaye/ftp keeps their order and drops what it cannot parse): a raw
// line that no entry accounts for is unreadable. It also takes the
// permissions, which the library does not keep, from the raw line.
//
// A listing whose last line lacks its line end was cut short (a server
// that closed the data connection early and still said 226): that line
// is unreadable, never an entry with a shortened name.
func buildListing(entries []*ftp.Entry, raw []byte) Listing {
	l := Listing{Entries: make([]FileInfo, 0, len(entries))}
	lines := strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
	cut := len(raw) > 0 && raw[len(raw)-1] != '\n'
	j := 0
	for i, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if cut && i == len(lines)-1 {
			if j < len(entries) && lineHolds(line, entries[j]) {
				j++
			}
			l.Unreadable = append(l.Unreadable, line)
			continue
		}
		if j < len(entries) && lineHolds(line, entries[j]) {
			e := entries[j]
			j++
			if selfOrParent(e) {
				continue
			}
			l.Entries = append(l.Entries, fileInfo(e, e.Name, permOf(line)))
			continue
		}
		if isTotalLine(line) {
			continue
		}
		l.Unreadable = append(l.Unreadable, line)
	}
	// Entries the walk did not meet (a server line the splitter saw
	// differently): keep them rather than lose them.
	for ; j < len(entries); j++ {
		e := entries[j]
		if selfOrParent(e) {
			continue
		}
		l.Entries = append(l.Entries, fileInfo(e, e.Name, ""))
	}
	return l
}

// selfOrParent reports whether e is a folder's "." or ".." entry, which
// listings carry and nobody wants to see. A *file* named "." or ".." is
// kept: it is hostile, and whoever uses the name must refuse it loudly.
func selfOrParent(e *ftp.Entry) bool {
	return (e.Name == "." || e.Name == "..") && e.Type == ftp.EntryTypeFolder
}

// fileInfo converts jlaffaye/ftp's entry, under the given name.
func fileInfo(e *ftp.Entry, name, perm string) FileInfo {
	return FileInfo{Name: name, Size: int64(e.Size), ModTime: e.Time.UTC(),
		IsDir: e.Type == ftp.EntryTypeFolder, IsLink: e.Type == ftp.EntryTypeLink,
		Target: e.Target, Perm: perm}
}

func lineHolds(line string, e *ftp.Entry) bool {
	if e.Type == ftp.EntryTypeLink && e.Target != "" {
		return strings.Contains(line, e.Name+" -> "+e.Target)
	}
	return strings.HasSuffix(line, e.Name)
}

func isTotalLine(line string) bool {
	f := strings.Fields(line)
	if len(f) == 2 && strings.EqualFold(f[0], "total") {
		_, err := strconv.ParseUint(f[1], 10, 64)
		return err == nil
	}
	return false
}

// permOf reads permissions from an MLSD line (UNIX.mode fact) or an ls-style
// LIST line ("-rw-r--r-- ...").
func permOf(line string) string {
	if i := strings.IndexByte(line, ' '); i > 0 && strings.Contains(line[:i], ";") {
		for _, fact := range strings.Split(line[:i], ";") {
			k, v, ok := strings.Cut(fact, "=")
			if ok && strings.EqualFold(k, "unix.mode") {
				if m, err := strconv.ParseUint(v, 8, 32); err == nil {
					return rwx(uint32(m))
				}
			}
		}
		return ""
	}
	if len(line) >= 10 && strings.ContainsRune("-dlbcps", rune(line[0])) {
		p := line[1:10]
		for _, r := range p {
			if !strings.ContainsRune("rwxsStT-", r) {
				return ""
			}
		}
		return p
	}
	return ""
}

func rwx(m uint32) string {
	const s = "rwxrwxrwx"
	b := []byte("---------")
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) != 0 {
			b[i] = s[i]
		}
	}
	return string(b)
}

// Stat describes one path. It uses MLST when the server offers it, else it
// lists the parent folder.
func (c *Conn) Stat(ctx context.Context, p string) (FileInfo, error) {
	p = path.Clean("/" + p)
	if p == "/" {
		return FileInfo{Name: "/", IsDir: true}, nil
	}
	if p == c.LoginDir() {
		// The folder the server put us in: no need to list its parent,
		// which the user may not be allowed to see.
		return FileInfo{Name: path.Base(p), IsDir: true}, nil
	}
	if _, ok := c.Features()["MLST"]; ok {
		var e *ftp.Entry
		err := c.run(ctx, "look up", func() (err error) {
			e, err = c.sc.GetEntry(p)
			return err
		}, p)
		if err == nil {
			return fileInfo(e, path.Base(p), ""), nil
		}
		if !errors.Is(err, ErrUnsupported) {
			return FileInfo{}, err
		}
	}
	l, err := c.List(ctx, path.Dir(p))
	if err != nil {
		return FileInfo{}, err
	}
	for _, e := range l.Entries {
		if e.Name == path.Base(p) {
			return e, nil
		}
	}
	return FileInfo{}, &Error{Op: "look up", Path: p, Kind: ErrNotFound, Err: ErrNotFound}
}

// Stor uploads r to p, starting at offset (0: a new file). It returns only
// after a clean TLS close of the data connection and the server's 226.
func (c *Conn) Stor(ctx context.Context, p string, offset int64, r io.Reader) error {
	return c.run(ctx, "upload", func() error {
		if offset > 0 {
			return c.sc.StorFrom(p, r, uint64(offset))
		}
		return c.sc.Stor(p, r)
	}, p)
}

// Append uploads r to the end of p (APPE).
func (c *Conn) Append(ctx context.Context, p string, r io.Reader) error {
	return c.run(ctx, "append", func() error { return c.sc.Append(p, r) }, p)
}

// Retr opens p for download from offset. The connection stays busy until
// the returned reader is closed; Close reports whether the server
// confirmed the transfer. Cancelling ctx aborts the download.
func (c *Conn) Retr(ctx context.Context, p string, offset int64) (io.ReadCloser, error) {
	end, err := c.begin(ctx, "download", p)
	if err != nil {
		return nil, err
	}
	resp, err := c.sc.RetrFrom(p, uint64(offset))
	if err != nil {
		return nil, end(err)
	}
	return &download{resp: resp, end: end, ctx: ctx}, nil
}

type download struct {
	resp *ftp.Response
	end  func(error) error
	ctx  context.Context
	done bool
}

func (d *download) Read(p []byte) (int, error) {
	n, err := d.resp.Read(p)
	if err != nil && err != io.EOF {
		if cerr := d.ctx.Err(); cerr != nil {
			return n, cerr
		}
		return n, classify("download", "", err)
	}
	return n, err
}

func (d *download) Close() error {
	if d.done {
		return nil
	}
	d.done = true
	return d.end(d.resp.Close())
}

// Mkdir creates one folder.
func (c *Conn) Mkdir(ctx context.Context, p string) error {
	return c.run(ctx, "create folder", func() error { return c.sc.MakeDir(p) }, p)
}

// MkdirAll creates p and any missing parents. Folders that exist are fine.
func (c *Conn) MkdirAll(ctx context.Context, p string) error {
	p = path.Clean("/" + p)
	if p == "/" {
		return nil
	}
	if fi, err := c.Stat(ctx, p); err == nil {
		if fi.IsDir {
			return nil
		}
		return &Error{Op: "create folder", Path: p, Err: errors.New("a file of that name exists")}
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := c.MkdirAll(ctx, path.Dir(p)); err != nil {
		return err
	}
	return c.Mkdir(ctx, p)
}

// Rename renames or moves from to to.
func (c *Conn) Rename(ctx context.Context, from, to string) error {
	return c.run(ctx, "rename", func() error { return c.sc.Rename(from, to) }, from, to)
}

// Delete deletes one file (or link).
func (c *Conn) Delete(ctx context.Context, p string) error {
	return c.run(ctx, "delete", func() error { return c.sc.Delete(p) }, p)
}

// Rmdir removes one empty folder.
func (c *Conn) Rmdir(ctx context.Context, p string) error {
	return c.run(ctx, "remove folder", func() error { return c.sc.RemoveDir(p) }, p)
}

// Limits of RemoveAll's walk, so that a hostile or looping server cannot
// keep it going forever.
const (
	maxRemoveDepth   = 64
	maxRemoveEntries = 1_000_000
)

// RemoveAll deletes p and everything below it. Links are deleted, never
// followed. The walk is bounded in depth and in entries.
func (c *Conn) RemoveAll(ctx context.Context, p string) error {
	p = path.Clean("/" + p)
	if p == "/" {
		return &Error{Op: "delete", Path: p, Kind: ErrPermission, Err: errors.New("refusing to delete the root folder")}
	}
	fi, err := c.Stat(ctx, p)
	if err != nil {
		return err
	}
	if !fi.IsDir {
		return c.Delete(ctx, p)
	}
	seen := 0
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		if depth > maxRemoveDepth {
			return &Error{Op: "delete", Path: dir, Err: fmt.Errorf("folders nest deeper than %d levels", maxRemoveDepth)}
		}
		l, err := c.List(ctx, dir)
		if err != nil {
			return err
		}
		for _, e := range l.Entries {
			if seen++; seen > maxRemoveEntries {
				return &Error{Op: "delete", Path: p, Err: fmt.Errorf("more than %d entries", maxRemoveEntries)}
			}
			if strings.ContainsAny(e.Name, "/\r\n\x00") {
				return &Error{Op: "delete", Path: dir, Err: fmt.Errorf("the server listed an impossible name %q", e.Name)}
			}
			child := path.Join(dir, e.Name)
			if e.IsDir && !e.IsLink {
				if err := walk(child, depth+1); err != nil {
					return err
				}
			} else if err := c.Delete(ctx, child); err != nil {
				return err
			}
		}
		return c.Rmdir(ctx, dir)
	}
	return walk(p, 0)
}

// Chmod sets permissions with SITE CHMOD.
func (c *Conn) Chmod(ctx context.Context, p string, mode uint32) error {
	return c.run(ctx, "change permissions of", func() error {
		_, err := c.quote(ftp.StatusCommandOK, "SITE CHMOD %o %s", mode&0o7777, p)
		return err
	}, p)
}

// Size returns a file's size in bytes.
func (c *Conn) Size(ctx context.Context, p string) (int64, error) {
	var n int64
	err := c.run(ctx, "size of", func() (err error) {
		n, err = c.sc.FileSize(p)
		return err
	}, p)
	return n, err
}

// ModTime returns a file's modification time (MDTM), in UTC.
func (c *Conn) ModTime(ctx context.Context, p string) (time.Time, error) {
	var t time.Time
	err := c.run(ctx, "modification time of", func() (err error) {
		if !c.sc.IsGetTimeSupported() {
			return &Error{Op: "modification time of", Path: p, Kind: ErrUnsupported, Err: errors.New("no MDTM")}
		}
		t, err = c.sc.GetTime(p)
		return err
	}, p)
	return t, err
}

// SetModTime sets a file's modification time (MFMT).
func (c *Conn) SetModTime(ctx context.Context, p string, t time.Time) error {
	return c.run(ctx, "set modification time of", func() error {
		if !c.sc.IsSetTimeSupported() {
			return &Error{Op: "set modification time of", Path: p, Kind: ErrUnsupported, Err: errors.New("no MFMT")}
		}
		return c.sc.SetTime(p, t)
	}, p)
}

// Noop sends NOOP: a keep-alive, and a check that the connection lives.
func (c *Conn) Noop(ctx context.Context) error {
	return c.run(ctx, "keep-alive", func() error { return c.sc.NoOp() })
}

// Quote sends a raw command line (the argument must hold no CR, LF or NUL)
// and returns the reply, which must have the expected code (-1: any
// success). It exists for commands jlaffaye/ftp lacks (SITE, HASH).
func (c *Conn) Quote(ctx context.Context, expect int, line string) (string, error) {
	var msg string
	err := c.run(ctx, "command", func() (err error) {
		msg, err = c.quote(expect, "%s", line)
		return err
	}, line)
	return msg, err
}

// quote writes a command on the control connection beside jlaffaye/ftp,
// which has no public raw-command call. It is safe because the Conn lock is
// held, so the library has no command in flight and nothing buffered.
func (c *Conn) quote(expect int, format string, args ...any) (string, error) {
	line := fmt.Sprintf(format, args...)
	if err := CheckPath(line); err != nil {
		return "", err
	}
	ctrl := c.d.control()
	if _, err := io.WriteString(ctrl, line+"\r\n"); err != nil {
		return "", err
	}
	code, msg, err := textproto.NewReader(bufio.NewReaderSize(oneByteReader{ctrl}, 16)).ReadResponse(expect)
	if err != nil {
		return msg, err
	}
	if expect < 0 && code >= 400 {
		return msg, &textproto.Error{Code: code, Msg: msg}
	}
	return msg, nil
}

// oneByteReader reads a byte at a time so that reading a reply never takes
// bytes that belong to the library's next read.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// Close says goodbye to the server and closes the connection. It waits for
// an operation in progress; cancel that operation's context first to abort.
func (c *Conn) Close() error {
	c.op <- struct{}{}
	defer func() { <-c.op }()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken {
		c.d.abort()
		return nil
	}
	c.broken = true
	c.d.raw.arm("logging out", 2*time.Second)
	err := c.sc.Quit()
	c.d.abort()
	return err
}
