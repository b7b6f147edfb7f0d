package ftpd

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

const copyBufSize = 32 << 10

// passive is one PASV/EPSV listener. A goroutine accepts exactly one
// connection from the control connection's IP within acceptTimeout, then
// closes the listener and delivers the result on res.
type passive struct {
	ln  net.Listener
	res chan acceptResult // buffered: the goroutine never blocks
}

type acceptResult struct {
	conn net.Conn
	err  error
}

// dropPassive discards a pending passive listener and any connection it
// accepted.
func (c *session) dropPassive() {
	p := c.pasv
	if p == nil {
		return
	}
	c.pasv = nil
	p.ln.Close()
	if r := <-p.res; r.conn != nil { // prompt: the listener is closed
		r.conn.Close()
		c.untrack(r.conn)
	}
}

func (c *session) cmdPasv(extended bool, arg string) bool {
	arg = strings.TrimSpace(arg)
	if extended && arg != "" {
		switch strings.ToUpper(arg) {
		case "ALL":
			c.epsvAll = true
			return c.reply(200, "EPSV ALL ok")
		case "1":
		default:
			return c.reply(522, "Network protocol not supported, use (1)")
		}
	}
	if !extended && c.epsvAll {
		return c.reply(503, "PASV not allowed after EPSV ALL")
	}
	c.dropPassive()
	ln, err := c.srv.listen()
	if err != nil {
		return c.reply(425, "Cannot open passive listener")
	}
	if !c.track(ln) {
		return false
	}
	p := &passive{ln: ln, res: make(chan acceptResult, 1)}
	want := c.raw.RemoteAddr().(*net.TCPAddr).IP
	c.srv.wg.Add(1)
	go func() {
		defer c.srv.wg.Done()
		r := c.acceptOne(ln, want)
		ln.Close()
		c.untrack(ln)
		if r.conn != nil && !c.track(r.conn) {
			r = acceptResult{err: net.ErrClosed}
		}
		p.res <- r
	}()
	c.pasv = p
	port := ln.Addr().(*net.TCPAddr).Port
	if extended {
		return c.reply(229, fmt.Sprintf("Entering Extended Passive Mode (|||%d|)", port))
	}
	return c.reply(227, fmt.Sprintf("Entering Passive Mode (127,0,0,1,%d,%d).", port>>8, port&0xff))
}

// acceptOne accepts the one data connection, from the IP address want only.
func (c *session) acceptOne(ln net.Listener, want net.IP) acceptResult {
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(acceptTimeout))
	for range maxForeignConns {
		conn, err := ln.Accept()
		if err != nil {
			return acceptResult{err: err}
		}
		if ip := conn.RemoteAddr().(*net.TCPAddr).IP; !ip.Equal(want) {
			c.logf('*', "refused data connection from %s", conn.RemoteAddr())
			conn.Close()
			continue
		}
		return acceptResult{conn: conn}
	}
	return acceptResult{err: errors.New("ftpd: too many foreign data connections")}
}

// dataReady checks, before a file is touched, that a data transfer may run.
// On failure it replies, drops the passive listener and returns false.
func (c *session) dataReady() bool {
	if c.tlsOn && c.prot != 'P' && !c.srv.cfg.AllowPlain {
		c.dropPassive()
		c.rest = 0
		c.reply(521, "Data connections must be protected: use PROT P")
		return false
	}
	if c.pasv == nil {
		c.rest = 0
		c.reply(425, "Use PASV or EPSV first")
		return false
	}
	return true
}

// localError marks a failure of the server's own file system during a
// transfer (reply 451) rather than of the network (reply 426).
type localError struct{ err error }

func (e localError) Error() string { return e.err.Error() }
func (e localError) Unwrap() error { return e.err }

// dataConn refreshes the raw connection's deadline before each read and
// write, so a stalled peer cannot hold a transfer forever.
type dataConn struct {
	net.Conn          // the *tls.Conn, or raw
	raw      net.Conn // the TCP connection
	timeout  time.Duration
}

func (d *dataConn) Read(b []byte) (int, error) {
	d.raw.SetReadDeadline(time.Now().Add(d.timeout))
	return d.Conn.Read(b)
}

func (d *dataConn) Write(b []byte) (int, error) {
	d.raw.SetWriteDeadline(time.Now().Add(d.timeout))
	return d.Conn.Write(b)
}

// hardClose closes a TCP connection with a reset: no FIN, no TLS
// close_notify.
func hardClose(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// transfer runs one data transfer over the pending passive connection:
// 150, accept, TLS handshake (with session reuse check), run, close, then
// 226 or an error reply. run gets the data connection and the byte count
// after which fault injection cuts the transfer (-1: no cut); it returns
// errCut when it stopped there. It reports false when the session must end.
func (c *session) transfer(msg150 string, faultable bool, run func(dc io.ReadWriter, limit int64) error) bool {
	p := c.pasv
	c.pasv = nil
	wait := acceptTimeout
	first := c.srv.cfg.HandshakeFirst && c.prot == 'P'
	if first {
		// Count the data connection only once it is secure: answer the
		// command after the handshake, or 425 if it does not come.
		wait = c.srv.cfg.HandshakeWait
		if wait <= 0 {
			wait = 3 * time.Second
		}
	} else if !c.reply(150, msg150) {
		p.ln.Close()
		return false
	}
	var r acceptResult
	select {
	case r = <-p.res: // within acceptTimeout, or at once when killed
	case <-c.done:
		return false
	}
	if r.err != nil {
		return c.reply(425, "Cannot open data connection")
	}
	raw := r.conn
	defer func() {
		raw.Close()
		c.untrack(raw)
	}()

	conn, ok := c.secureData(raw, wait, first)
	if conn == nil {
		return ok
	}
	if first && !c.reply(150, msg150) {
		return false
	}
	dc := &dataConn{Conn: conn, raw: raw, timeout: c.srv.cfg.IdleTimeout}

	limit := int64(-1)
	if faultable {
		limit = c.srv.cfg.Faults.pick()
	}
	stop := c.watch(func() { hardClose(raw) })
	err := run(dc, limit)
	if aborted := stop(); aborted || err != nil {
		return c.failed(raw, aborted, err, limit)
	}
	// A TLS close sends close_notify (bounded by tls' own 5 s deadline).
	conn.Close()
	return c.reply(226, "Transfer complete")
}

// failed ends a data transfer that was aborted (ABOR) or broke, with the
// replies a client expects. It reports false when the session must end.
func (c *session) failed(raw net.Conn, aborted bool, err error, limit int64) bool {
	switch {
	case aborted:
		hardClose(raw)
		c.reply(426, "Transfer aborted")
		return c.reply(226, "ABOR successful")
	case errors.Is(err, errCut):
		c.srv.cfg.Faults.cuts.Add(1)
		hardClose(raw)
		if c.srv.cfg.Faults.DropControl {
			c.logf('*', "fault injection: transfer cut after %d bytes, control connection dropped", limit)
			hardClose(c.raw)
			c.kill()
			return false
		}
		c.logf('*', "fault injection: transfer cut after %d bytes", limit)
		return c.reply(426, "Connection closed; transfer aborted")
	case err != nil:
		hardClose(raw)
		var le localError
		if errors.As(err, &le) {
			c.logf('*', "transfer failed: %v", err)
			return c.reply(451, "Local error; transfer aborted")
		}
		c.logf('*', "data connection broke: %v", err)
		return c.reply(426, "Connection closed; transfer aborted")
	}
	return true
}

// secureData makes the accepted data connection raw secure when PROT P is
// on: the TLS handshake within wait, and the session reuse check. On
// failure it replies (425, 522) and returns a nil conn with what transfer
// should report.
func (c *session) secureData(raw net.Conn, wait time.Duration, first bool) (net.Conn, bool) {
	if c.prot != 'P' {
		return raw, true
	}
	tc := tls.Server(raw, c.srv.dataTLS)
	raw.SetDeadline(time.Now().Add(wait))
	err := handshake(tc)
	raw.SetDeadline(time.Time{})
	if err != nil {
		c.logf('*', "data TLS handshake failed: %v", err)
		hardClose(raw)
		if first {
			return nil, c.reply(425, "No connection established")
		}
		return nil, c.reply(425, "TLS handshake on the data connection failed")
	}
	c.logf('*', "data TLS established: %s", tlsInfo(tc))
	if c.srv.cfg.RequireReuse && !tc.ConnectionState().DidResume {
		tc.Close()
		return nil, c.reply(522, "SSL connection failed: session reuse required")
	}
	return tc, true
}

func (c *session) cmdRetr(arg string) bool {
	offset := c.rest
	c.rest = 0
	if arg == "" {
		c.dropPassive()
		return c.reply(501, "Missing file name")
	}
	if !c.dataReady() {
		return true
	}
	vpath, rel := c.resolve(arg)
	fi, err := c.srv.root.Stat(rel)
	if err == nil && !fi.Mode().IsRegular() {
		c.dropPassive()
		return c.reply(550, vpath+": Not a regular file")
	}
	var f *os.File
	if err == nil {
		f, err = c.srv.root.Open(rel)
	}
	if err != nil {
		c.dropPassive()
		return c.fsError(vpath, err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		c.dropPassive()
		return c.reply(550, vpath+": Not a regular file")
	}
	if offset > fi.Size() {
		c.dropPassive()
		return c.reply(554, "Restart offset beyond end of file")
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		c.dropPassive()
		return c.fsError(vpath, err)
	}
	msg := fmt.Sprintf("Opening BINARY mode data connection for %s (%d bytes)", vpath, fi.Size()-offset)
	slow := c.srv.cfg.TrickleData > 0 && c.srv.trickled.Add(1) <= int64(c.srv.cfg.TrickleRetrs)
	return c.transfer(msg, true, func(dc io.ReadWriter, limit int64) error {
		if slow {
			c.logf('*', "trickling the download, a byte every %s", c.srv.cfg.TrickleData)
			return sendFile(&trickleWriter{w: dc, every: c.srv.cfg.TrickleData, done: c.done}, f, limit)
		}
		if limit >= 0 && c.srv.cfg.Faults.Corrupt {
			c.srv.cfg.Faults.cuts.Add(1)
			c.logf('*', "fault injection: byte %d of the download flipped", limit)
			return sendFile(dc, &flipReader{r: f, at: limit - 1}, -1)
		}
		if rate := c.srv.cfg.MaxRate; rate > 0 {
			return sendFile(&pacedWriter{w: dc, rate: rate, start: time.Now(), done: c.done}, f, limit)
		}
		return sendFile(dc, f, limit)
	})
}

// pacedWriter writes to w at most rate bytes a second on average since
// start, in pieces of at most 16 KiB, until done is closed.
type pacedWriter struct {
	w     io.Writer
	rate  int64
	start time.Time
	sent  int64
	done  <-chan struct{}
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 { // bounded: each turn writes at least a byte or fails
		due := p.start.Add(time.Duration(float64(p.sent) / float64(p.rate) * float64(time.Second)))
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-p.done:
				return written, net.ErrClosed
			}
		}
		n, err := p.w.Write(b[:min(len(b), 16<<10)])
		written += n
		p.sent += int64(n)
		b = b[n:]
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// trickleWriter writes one byte every interval, until done is closed.
type trickleWriter struct {
	w     io.Writer
	every time.Duration
	done  <-chan struct{}
}

func (t *trickleWriter) Write(p []byte) (int, error) {
	for i := range p {
		if _, err := t.w.Write(p[i : i+1]); err != nil {
			return i, err
		}
		select {
		case <-time.After(t.every):
		case <-t.done:
			return i + 1, net.ErrClosed
		}
	}
	return len(p), nil
}

// flipReader reads r with the byte at offset at inverted.
type flipReader struct {
	r   io.Reader
	at  int64
	off int64
}

func (fr *flipReader) Read(p []byte) (int, error) {
	n, err := fr.r.Read(p)
	if i := fr.at - fr.off; i >= 0 && i < int64(n) {
		p[i] ^= 0xff
	}
	fr.off += int64(n)
	return n, err
}

// sendFile copies f to dc, stopping with errCut after limit bytes if
// limit >= 0.
func sendFile(dc io.Writer, f io.Reader, limit int64) error {
	buf := make([]byte, copyBufSize)
	var sent int64
	for { // bounded by the file's size
		n, rerr := f.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			cut := limit >= 0 && sent+int64(n) >= limit
			if cut {
				chunk = buf[:limit-sent]
			}
			if _, err := dc.Write(chunk); err != nil {
				return err
			}
			sent += int64(len(chunk))
			if cut {
				return errCut
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return localError{rerr}
		}
	}
}

func (c *session) cmdStor(arg string, appendMode bool) bool {
	offset := c.rest
	c.rest = 0
	if arg == "" {
		c.dropPassive()
		return c.reply(501, "Missing file name")
	}
	if !c.dataReady() {
		return true
	}
	vpath, rel := c.resolve(arg)
	if fi, err := c.srv.root.Stat(rel); err == nil && !fi.Mode().IsRegular() {
		c.dropPassive()
		return c.reply(550, vpath+": Not a regular file")
	}
	flags := os.O_WRONLY | os.O_CREATE
	if appendMode {
		flags |= os.O_APPEND
		offset = 0
	}
	f, err := c.srv.root.OpenFile(rel, flags, 0o644)
	if err != nil {
		c.dropPassive()
		return c.fsError(vpath, err)
	}
	defer f.Close()
	if !appendMode {
		// REST n + STOR writes from n: truncate to n first, never append.
		fi, err := f.Stat()
		if err == nil && offset > fi.Size() {
			c.dropPassive()
			return c.reply(554, "Restart offset beyond end of file")
		}
		if err == nil {
			err = f.Truncate(offset)
		}
		if err == nil {
			_, err = f.Seek(offset, io.SeekStart)
		}
		if err != nil {
			c.dropPassive()
			return c.fsError(vpath, err)
		}
	}
	msg := "Ok to send data for " + vpath
	return c.transfer(msg, true, func(dc io.ReadWriter, limit int64) error {
		if err := receiveFile(f, dc, limit); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return localError{err}
		}
		return nil
	})
}

// receiveFile copies dc to f until the client ends the upload with a TLS
// close_notify or a TCP FIN (io.EOF). A reset or a connection cut inside a
// TLS record is an error. It stops with errCut after limit bytes if
// limit >= 0.
func receiveFile(f io.Writer, dc io.Reader, limit int64) error {
	buf := make([]byte, copyBufSize)
	var got int64
	for { // bounded by the upload and the data connection's deadline
		b := buf
		if limit >= 0 && limit-got < int64(len(b)) {
			b = b[:limit-got]
		}
		n, rerr := dc.Read(b)
		if n > 0 {
			if _, err := f.Write(b[:n]); err != nil {
				return localError{err}
			}
			got += int64(n)
		}
		if limit >= 0 && got >= limit {
			return errCut
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// splitListArgs separates leading "-flags" words from the path of LIST.
func splitListArgs(arg string) (flags, p string) {
	arg = strings.TrimLeft(arg, " ")
	for i := 0; i < 8 && strings.HasPrefix(arg, "-"); i++ {
		word, rest, _ := strings.Cut(arg, " ")
		flags += word[1:]
		arg = strings.TrimLeft(rest, " ")
	}
	return flags, arg
}

func (c *session) cmdList(verb, arg string) bool {
	c.rest = 0
	showAll := verb == "MLSD"
	if verb != "MLSD" {
		var flags string
		flags, arg = splitListArgs(arg)
		showAll = strings.ContainsAny(flags, "aA")
	}
	if !c.dataReady() {
		return true
	}
	vpath, rel := c.resolve(arg)
	var lines []string
	if c.srv.cfg.Listing != nil {
		lines = c.srv.cfg.Listing(vpath)
	} else {
		if verb == "MLSD" {
			fi, err := c.srv.root.Stat(rel)
			if err == nil && !fi.IsDir() {
				c.dropPassive()
				return c.reply(501, vpath+": Not a directory")
			}
		}
		var err error
		lines, err = c.realListing(rel, verb, showAll)
		if err != nil {
			c.dropPassive()
			return c.fsError(vpath, err)
		}
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	data := b.String()
	f := c.srv.cfg.Faults
	return c.transfer("Here comes the directory listing", f != nil && f.Listings, func(dc io.ReadWriter, limit int64) error {
		if limit < 0 || limit >= int64(len(data)) {
			_, err := io.WriteString(dc, data)
			return err
		}
		if _, err := io.WriteString(dc, data[:limit]); err != nil {
			return err
		}
		if f.LieOnCut {
			f.cuts.Add(1)
			c.logf('*', "fault injection: listing cut after %d bytes, reported whole", limit)
			return nil
		}
		return errCut
	})
}

func (c *session) cmdMlst(arg string) bool {
	vpath, rel := c.resolve(arg)
	fi, err := c.srv.root.Stat(rel)
	if err != nil {
		return c.fsError(vpath, err)
	}
	return c.replyLines(250, "Listing "+vpath, []string{mlsxFacts(fi) + " " + vpath}, "End")
}

// realListing lists rel (a folder's entries, or a file's own line) in the
// format of verb. Names containing CR or LF are skipped, as are entries
// that are neither files nor folders and symbolic links that lead outside
// Root or nowhere. Dot files are skipped unless showAll.
func (c *session) realListing(rel, verb string, showAll bool) ([]string, error) {
	root := c.srv.root
	fi, err := root.Stat(rel)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	format := func(name string, fi fs.FileInfo) string {
		switch verb {
		case "NLST":
			return name
		case "MLSD":
			return mlsxFacts(fi) + " " + name
		}
		return lsLine(name, fi, now)
	}
	if !fi.IsDir() {
		return []string{format(path.Base("/"+rel), fi)}, nil
	}
	d, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var names []string
	for len(names) < maxListEntries {
		batch, err := d.Readdirnames(256)
		names = append(names, batch...)
		if err == io.EOF || len(batch) == 0 {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(names)
	lines := make([]string, 0, len(names))
	for _, name := range names {
		if strings.ContainsAny(name, "\r\n") || name == "." || name == ".." {
			continue
		}
		if !showAll && strings.HasPrefix(name, ".") {
			continue
		}
		efi, err := root.Stat(path.Join(rel, name)) // follows links inside Root only
		if err != nil || !(efi.IsDir() || efi.Mode().IsRegular()) {
			continue
		}
		lines = append(lines, format(name, efi))
	}
	return lines, nil
}

// lsLine formats an entry like "ls -l", with times in UTC.
func lsLine(name string, fi fs.FileInfo, now time.Time) string {
	t := fi.ModTime().UTC()
	when := t.Format("Jan 02 15:04")
	if t.Before(now.AddDate(0, -6, 0)) || t.After(now.Add(time.Hour)) {
		when = t.Format("Jan 02  2006")
	}
	return fmt.Sprintf("%s 1 ftp ftp %d %s %s", lsMode(fi.Mode()), fi.Size(), when, name)
}

func lsMode(m fs.FileMode) string {
	b := []byte("----------")
	if m.IsDir() {
		b[0] = 'd'
	}
	const rwx = "rwxrwxrwx"
	for i := range 9 {
		if m&(1<<uint(8-i)) != 0 {
			b[i+1] = rwx[i]
		}
	}
	return string(b)
}

// mlsxFacts formats the MLSD/MLST facts of an entry, ending with ";".
func mlsxFacts(fi fs.FileInfo) string {
	mod := fi.ModTime().UTC().Format(mtimeLayout)
	mode := fmt.Sprintf("%04o", fi.Mode().Perm())
	if fi.IsDir() {
		return "type=dir;modify=" + mod + ";UNIX.mode=" + mode + ";"
	}
	return fmt.Sprintf("type=file;size=%d;modify=%s;UNIX.mode=%s;", fi.Size(), mod, mode)
}

// hashFile hashes a regular file with alg (one of hashAlgs) and returns the
// lower-case hex digest and the size hashed.
func (c *session) hashFile(rel, alg string) (string, int64, error) {
	fi, err := c.srv.root.Stat(rel)
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("not a regular file: %w", fs.ErrInvalid)
	}
	f, err := c.srv.root.Open(rel)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	var h hash.Hash
	switch alg {
	case "SHA-1":
		h = sha1.New()
	case "MD5":
		h = md5.New()
	case "CRC32":
		h = crc32.NewIEEE()
	default:
		h = sha256.New()
	}
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
