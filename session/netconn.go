package session

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// rawConn is a TCP connection whose every Read and Write gets a fresh
// deadline (jlaffaye/ftp sets none after dialing), and which can be aborted
// from another goroutine. Safe for one reader, one writer and any number of
// Abort calls at once.
type rawConn struct {
	net.Conn
	timeout atomic.Int64 // time.Duration; 0 = no deadline
	aborted atomic.Bool
}

func newRawConn(c net.Conn, timeout time.Duration) *rawConn {
	r := &rawConn{Conn: c}
	r.timeout.Store(int64(timeout))
	return r
}

func (c *rawConn) setTimeout(d time.Duration) { c.timeout.Store(int64(d)) }

func (c *rawConn) Read(p []byte) (int, error) {
	if d := time.Duration(c.timeout.Load()); d > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(d))
	}
	n, err := c.Conn.Read(p)
	return n, c.classify(err)
}

func (c *rawConn) Write(p []byte) (int, error) {
	if d := time.Duration(c.timeout.Load()); d > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(d))
	}
	n, err := c.Conn.Write(p)
	return n, c.classify(err)
}

// Abort closes the socket at once; a Read or Write in progress returns
// errAborted.
func (c *rawConn) Abort() {
	c.aborted.Store(true)
	c.Conn.Close()
}

func (c *rawConn) classify(err error) error {
	if err == nil {
		return nil
	}
	if c.aborted.Load() {
		return errAborted
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &timeoutError{op: "network", err: err}
	}
	return err
}

// errAborted is what I/O on an aborted socket returns; Conn turns it into
// the context's error.
var errAborted = errors.New("connection aborted")

// prefixConn replays bytes already read from the connection (the greeting
// consumed while negotiating AUTH TLS) before reading on.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// logConn logs the plaintext of a control connection: what is written as
// commands (secrets masked), what is read as reply lines.
type logConn struct {
	net.Conn
	log  func(kind EntryKind, text string)
	rmu  sync.Mutex
	rbuf lineSplitter
	wmu  sync.Mutex
	wbuf lineSplitter
}

func (c *logConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.rmu.Lock()
		c.rbuf.feed(p[:n], func(l string) { c.log(EntryReceived, l) })
		c.rmu.Unlock()
	}
	return n, err
}

func (c *logConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	c.wbuf.feed(p, func(l string) { c.log(EntrySent, maskCommand(l)) })
	c.wmu.Unlock()
	return c.Conn.Write(p)
}

// dataConn is a TLS data connection that closes the way strict servers
// need (DESIGN.md): close_notify, then read until the server closes, then
// close the socket. Never a TCP half-close: vsftpd then delays some 226
// replies by 200 ms. Without the drain, a TLS 1.3 upload to vsftpd loses its
// tail: the server's session ticket sits unread, and closing a socket with
// unread data makes the kernel send a reset (vsftpd: "426 Failure reading
// network stream").
type dataConn struct {
	*tls.Conn
	raw          *rawConn
	closeTimeout time.Duration
	closeOnce    sync.Once
}

func (c *dataConn) Close() error {
	c.closeOnce.Do(func() {
		if c.raw.aborted.Load() {
			return
		}
		if c.Conn.ConnectionState().HandshakeComplete {
			c.raw.setTimeout(c.closeTimeout)
			if c.Conn.CloseWrite() == nil {
				// The bytes read here are post-handshake messages or the tail
				// of a download closed early; the server's reply on the
				// control connection says whether the transfer succeeded.
				io.Copy(io.Discard, c.Conn)
			}
		}
		c.raw.Conn.Close()
	})
	return nil
}

// Handshake is here so that jlaffaye/ftp can start the handshake of an
// empty upload, which writes nothing.
func (c *dataConn) Handshake() error { return c.Conn.Handshake() }
