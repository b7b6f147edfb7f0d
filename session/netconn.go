package session

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// rawConn is a TCP connection under a deadline policy of its own
// (jlaffaye/ftp sets no deadline after dialing), which can be aborted from
// another goroutine. Safe for one reader, one writer and any number of
// arm, watchSpeed and Abort calls at once.
//
// A stalled peer is not an idle one: a server that sends one byte every
// few seconds would keep a per-read deadline alive forever. So deadlines
// belong to steps and are measured from the step's start:
//   - a step (login, a command and its reply, setting up a data
//     connection) arms one fixed deadline (arm); every read and write of
//     the step shares it;
//   - a transfer on a data connection is held to a minimum speed instead
//     (watchSpeed): it fails when fewer than rate×window bytes moved in
//     any window (curl's --speed-limit/--speed-time).
type rawConn struct {
	net.Conn
	aborted atomic.Bool
	stalled atomic.Bool // the minimum speed was not kept: cut, never closed politely

	mu       sync.Mutex
	step     string        // what the armed deadline is for ("login", ...)
	stepTime time.Duration // its length, for the error message
	speed    *speedWindow  // non-nil: the speed rule instead of a deadline
}

func newRawConn(c net.Conn) *rawConn { return &rawConn{Conn: c} }

// arm starts a step: every read and write until the next arm (or
// watchSpeed) must finish within d from now. d <= 0 clears the deadline.
func (c *rawConn) arm(step string, d time.Duration) {
	var by time.Time
	if d > 0 {
		by = time.Now().Add(d)
	}
	c.armAt(step, by, d)
}

// armAt starts a step that must end by the given time (zero: never); d is
// the step's whole length, for the error message.
func (c *rawConn) armAt(step string, by time.Time, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.step, c.stepTime, c.speed = step, d, nil
	c.Conn.SetDeadline(by)
}

// watchSpeed holds the connection to the minimum speed from now on: at
// least rate bytes a second, counted over each window. A rate below one
// byte a second means at least one byte each window.
func (c *rawConn) watchSpeed(rate int64, window time.Duration) {
	if window <= 0 {
		window = DefaultMinSpeedTime
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.speed = &speedWindow{rate: rate, window: window}
}

func (c *rawConn) Read(p []byte) (int, error) {
	for {
		sw := c.speedRule()
		if sw != nil {
			c.Conn.SetReadDeadline(sw.begin(time.Now()))
		}
		n, err := c.Conn.Read(p)
		if sw == nil {
			return n, c.classify(err)
		}
		if serr := sw.moved(n, time.Now()); serr != nil {
			c.stalled.Store(true)
			return n, serr
		}
		if n > 0 || !isTimeout(err) || c.aborted.Load() {
			return n, c.classify(err)
		}
		// The window ended and enough moved in it: a new one has started.
	}
}

func (c *rawConn) Write(p []byte) (int, error) {
	written := 0
	for {
		sw := c.speedRule()
		if sw != nil {
			c.Conn.SetWriteDeadline(sw.begin(time.Now()))
		}
		n, err := c.Conn.Write(p[written:])
		written += n
		if sw == nil {
			return written, c.classify(err)
		}
		if serr := sw.moved(n, time.Now()); serr != nil {
			c.stalled.Store(true)
			return written, serr
		}
		if err == nil || !isTimeout(err) || c.aborted.Load() {
			return written, c.classify(err)
		}
	}
}

// rearm starts the current step's deadline afresh: the control
// connection's wait for the reply that follows a transfer is a step of
// its own, measured from the end of the data.
func (c *rawConn) rearm() {
	c.mu.Lock()
	step, d := c.step, c.stepTime
	c.mu.Unlock()
	c.arm(step, d)
}

func (c *rawConn) speedRule() *speedWindow {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.speed
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
	if isTimeout(err) {
		c.mu.Lock()
		step, d := c.step, c.stepTime
		c.mu.Unlock()
		return &timeoutError{step: step, after: d, err: err}
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// speedWindow is the minimum-speed rule of one data connection. Safe for
// concurrent use (a TLS handshake may read while a write waits).
type speedWindow struct {
	rate   int64 // bytes a second
	window time.Duration

	mu    sync.Mutex
	start time.Time
	bytes int64
}

// begin is called as a read or write starts, and returns when the window
// ends. Only time spent waiting on the peer counts: the first window opens
// at the first read or write (not when the connection opened: a server
// may take its time before its 150 reply), and a window that ran out while
// nobody was reading or writing (the local side was busy) starts afresh.
func (s *speedWindow) begin(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if end := s.start.Add(s.window); s.start.IsZero() || !now.Before(end) {
		s.start, s.bytes = now, 0
	}
	return s.start.Add(s.window)
}

// moved counts n bytes at now. When the window is over, it returns a
// *StalledError if too little moved in it, else starts the next window.
func (s *speedWindow) moved(n int, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bytes += int64(n)
	if now.Before(s.start.Add(s.window)) {
		return nil
	}
	need := max(1, int64(float64(s.rate)*s.window.Seconds()))
	if s.bytes < need {
		return &StalledError{Rate: s.rate, Window: s.window, Moved: s.bytes}
	}
	s.start, s.bytes = now, 0
	return nil
}

// StalledError: a transfer stayed below the minimum speed for a whole
// window. It matches ErrTimeout with errors.Is: the queue retries it like
// a cut connection.
type StalledError struct {
	Rate   int64         // the minimum, bytes a second
	Window time.Duration // over this long
	Moved  int64         // bytes moved in the last window
}

func (e *StalledError) Error() string {
	return fmt.Sprintf("the transfer stalled: %d bytes in %s, under the minimum of %d bytes/s (the minimum speed is a setting)",
		e.Moved, seconds(e.Window), e.Rate)
}

// Is makes errors.Is(err, ErrTimeout) true.
func (e *StalledError) Is(target error) bool { return target == ErrTimeout }

// Timeout marks it as a timeout for callers that ask net.Error's way.
func (e *StalledError) Timeout() bool { return true }

// seconds writes a duration for people: "30 s", "1.5 s", "2 min".
func seconds(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%g s", d.Round(100*time.Millisecond).Seconds())
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

// dataConn is a TLS data connection. Its handshake starts as soon as the
// TCP connection is up (startHandshake), concurrently with the command
// that the library sends next: some servers count a data connection only
// once it is secure and answer LIST/RETR/STOR only then, so a client that
// waits for its first read (after the 150 reply) deadlocks with them (curl
// and FileZilla start it eagerly too). ProFTPD and Pure-FTPd, on the other
// hand, start their side only after the command: hence concurrently, never
// inside the dial (jlaffaye/ftp#282).
//
// It closes the way strict servers need (DESIGN.md): close_notify, then
// read until the server closes, then close the socket. Never a TCP
// half-close: vsftpd then delays some 226 replies by 200 ms. Without the
// drain, a TLS 1.3 upload to vsftpd loses its tail: the server's session
// ticket sits unread, and closing a socket with unread data makes the
// kernel send a reset (vsftpd: "426 Failure reading network stream").
type dataConn struct {
	*tls.Conn
	raw          *rawConn
	closeTimeout time.Duration
	closeOnce    sync.Once

	handshook chan struct{} // closed when the eager handshake ended; nil: lazy
	hsErr     error         // the handshake's result, once handshook is closed
}

// startHandshake starts the TLS handshake in the background, under one
// deadline of timeout for the whole setup; once it is done, the transfer
// is held to the minimum speed (rate bytes a second over window).
func (c *dataConn) startHandshake(timeout time.Duration, rate int64, window time.Duration) {
	c.handshook = make(chan struct{})
	c.raw.arm("the data connection's TLS handshake", timeout)
	go func() {
		defer close(c.handshook)
		c.hsErr = c.Conn.Handshake()
		if c.hsErr == nil {
			c.raw.watchSpeed(rate, window)
		}
	}()
}

// handshakeDone waits for an eager handshake and returns its error.
func (c *dataConn) handshakeDone() error {
	if c.handshook == nil {
		return nil
	}
	<-c.handshook
	return c.hsErr
}

func (c *dataConn) Read(p []byte) (int, error) {
	if err := c.handshakeDone(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *dataConn) Write(p []byte) (int, error) {
	if err := c.handshakeDone(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

func (c *dataConn) Close() error {
	c.closeOnce.Do(func() {
		if c.raw.aborted.Load() {
			return
		}
		if c.raw.stalled.Load() {
			// A stalled transfer is broken off, never ended with
			// close_notify: the server must not keep a truncated upload
			// as if it were complete.
			c.raw.Abort()
			return
		}
		complete := false
		if c.handshook != nil {
			select {
			case <-c.handshook:
				complete = c.hsErr == nil
			default:
				// Still shaking hands (the server refused the command):
				// nothing to close cleanly. Closing the socket ends the
				// handshake at once.
				c.raw.Conn.Close()
				<-c.handshook
				return
			}
		} else {
			complete = c.Conn.ConnectionState().HandshakeComplete
		}
		if complete {
			c.raw.arm("closing the data connection", c.closeTimeout)
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
func (c *dataConn) Handshake() error {
	if c.handshook != nil {
		return c.handshakeDone()
	}
	return c.Conn.Handshake()
}
