package ftpd

// The server listens on 127.0.0.1 only, for the control connection and for
// every passive data connection, and serves one folder through [os.Root], so
// no request can reach a file outside it. It speaks explicit (AUTH TLS) and
// implicit FTPS with TLS 1.2 and 1.3 and supports TLS session resumption on
// data connections, as real servers such as vsftpd require.
//
// Concurrency: a [Server] handles every connection on its own goroutines.
// Its methods are safe for concurrent use. [Server.Close] ends every
// goroutine the server started before it returns.

import (
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults and bounds.
const (
	defaultMaxConns    = 32
	defaultIdleTimeout = 5 * time.Minute

	handshakeTimeout = 10 * time.Second // TLS handshakes, control and data
	acceptTimeout    = 10 * time.Second // a passive listener waits this long for its one connection
	ctrlWriteTimeout = 30 * time.Second // one reply on the control connection
	maxLineLen       = 8192             // longest command line accepted
	maxCommands      = 100_000          // Commands() keeps at most this many lines
	maxListEntries   = 100_000          // a directory listing stops after this many entries
	maxLoginFailures = 5                // then the control connection is closed
	maxForeignConns  = 16               // foreign-IP connections a passive listener turns away before giving up
)

// Config configures a [Server]. Only Root and (unless the server is plain
// only) Cert are required; the zero value of every other field gives a
// strict FTPS server: TLS required, PROT P required, no faults.
//
// Start copies the Config; changing it afterwards has no effect. The
// callbacks (Listing, Log) and Faults are shared and may be called from
// several goroutines at once.
type Config struct {
	// Root is the folder served as "/". All file access goes through
	// os.OpenRoot(Root), so neither ".." nor a symbolic link can escape it.
	Root string

	// User and Password are the one account. If User is "", any user name
	// is accepted with any password (anonymous access).
	User, Password string

	// Cert is the certificate of the control connection, and of data
	// connections unless DataCert is set. It may be empty only when
	// AllowPlain is set and Implicit is not; AUTH TLS then gets 431.
	Cert tls.Certificate

	// DataCert, if set, is presented on data connections instead of Cert,
	// to test that clients refuse a data certificate that differs from the
	// control one. Data connections then accept no session resumption (a
	// resumed connection would carry the control certificate and hide the
	// swap), so DataCert together with RequireReuse refuses every data
	// connection with 522.
	DataCert *tls.Certificate

	// Implicit selects implicit FTPS (TLS from the first byte) instead of
	// explicit FTPS (plain until AUTH TLS).
	Implicit bool

	// AllowPlain allows login and data transfers without TLS (and PROT C).
	// By default USER or PASS before AUTH TLS gets "530 TLS required".
	AllowPlain bool

	// RequireReuse refuses, with "522 SSL connection failed: session reuse
	// required", a TLS data connection that did not resume the TLS session
	// of its control connection (like vsftpd's require_ssl_reuse).
	RequireReuse bool

	// AuthTLSReply, if non-empty, is sent as the whole reply line to AUTH
	// TLS (e.g. "500 AUTH not understood") instead of 234, and the
	// connection stays plain.
	AuthTLSReply string

	// Listing, if set, replaces the real listing: LIST, NLST and MLSD of
	// any path (existing or not) send the returned lines as they are,
	// each followed by CRLF. dir is the cleaned absolute path requested.
	// Only this hook can send names containing CR or LF.
	Listing func(dir string) []string

	// Faults, if set, injects faults into data transfers. See [Faults].
	Faults *Faults

	// Log, if set, receives every command line received (with the PASS
	// argument masked), every reply line sent, and a few notable events,
	// each prefixed with the connection number: "[1] > CMD", "[1] < 200 ok",
	// "[1] * event". Calls are serialized.
	Log func(string)

	// OnListen, if set, is told the address of every listener the server
	// opens (control and passive data), so a test can prove they are all
	// on loopback.
	OnListen func(net.Addr)

	// HandshakeFirst makes the server wait for a TLS data connection's
	// handshake before it answers LIST, NLST, MLSD, RETR, STOR or APPE, as
	// some servers do (they count a data connection only once it is
	// secure): the 150 reply comes only after the handshake, and a client
	// that starts its handshake only after the 150 gets "425 No connection
	// established" after HandshakeWait (default 3 s).
	HandshakeFirst bool
	HandshakeWait  time.Duration

	// Trickle, if > 0, makes the server answer the first command after its
	// greeting with a reply it never finishes, one byte every Trickle, like
	// a stalled or hostile server. The session ends only when the client
	// hangs up (or after 10 minutes).
	Trickle time.Duration

	// TrickleData, if > 0, makes the first TrickleRetrs downloads (RETR)
	// send their data one byte every TrickleData instead of at full speed.
	TrickleData  time.Duration
	TrickleRetrs int

	// MaxRate, if > 0, caps every download (RETR) at this many bytes a
	// second, each data connection on its own, as a busy server or a
	// hosting provider does (vsftpd's local_max_rate): a client gains
	// speed only by opening more connections.
	MaxRate int64

	// MaxConns limits simultaneous control connections (default 32).
	// Connections over it get "421 Too many connections" and are closed.
	MaxConns int

	// IdleTimeout is how long the server waits for the next command
	// (default 5 minutes), then replies "421 Timeout" and closes the
	// connection. It also bounds each read and write on a data connection.
	IdleTimeout time.Duration
}

// Server is a running FTPS server, made by [Start]. Its methods are safe for
// concurrent use.
type Server struct {
	cfg      Config
	root     *os.Root
	ctrlTLS  *tls.Config // nil when the server has no certificate
	dataTLS  *tls.Config
	ln       net.Listener
	onListen func(net.Addr) // test hook: every listener the server opens

	logMu sync.Mutex

	mu       sync.Mutex
	sessions map[*session]struct{}
	extra    map[net.Conn]struct{} // connections being turned away
	commands []string
	nextID   int
	closed   bool

	trickled atomic.Int64 // downloads slowed down by TrickleData so far

	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup
}

// Start starts a server for cfg with its control listener on
// 127.0.0.1 and a free port, and returns once it is listening. Call
// [Server.Close] to stop it.
func Start(cfg Config) (*Server, error) {
	return start(cfg, cfg.OnListen)
}

func start(cfg Config, onListen func(net.Addr)) (*Server, error) {
	if cfg.Root == "" {
		return nil, errors.New("ftpd: Config.Root is empty")
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = defaultMaxConns
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = defaultIdleTimeout
	}
	hasCert := len(cfg.Cert.Certificate) > 0
	if !hasCert && (cfg.Implicit || !cfg.AllowPlain) {
		return nil, errors.New("ftpd: Config.Cert is required (unless AllowPlain is set in explicit mode)")
	}
	if cfg.DataCert != nil && len(cfg.DataCert.Certificate) == 0 {
		return nil, errors.New("ftpd: Config.DataCert is set but holds no certificate")
	}
	root, err := os.OpenRoot(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("ftpd: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		root:     root,
		onListen: onListen,
		sessions: make(map[*session]struct{}),
		extra:    make(map[net.Conn]struct{}),
	}
	if hasCert {
		// Control and data configs share one ticket key, so a data
		// connection can resume the control connection's session.
		var key [32]byte
		if _, err := rand.Read(key[:]); err != nil {
			root.Close()
			return nil, fmt.Errorf("ftpd: %w", err)
		}
		s.ctrlTLS = &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{cfg.Cert},
		}
		s.ctrlTLS.SetSessionTicketKeys([][32]byte{key})
		s.dataTLS = s.ctrlTLS.Clone()
		s.dataTLS.SetSessionTicketKeys([][32]byte{key})
		if cfg.DataCert != nil {
			s.dataTLS.Certificates = []tls.Certificate{*cfg.DataCert}
			s.dataTLS.SessionTicketsDisabled = true
		}
	}
	ln, err := s.listen()
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("ftpd: %w", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// listen opens a TCP listener on 127.0.0.1 and a free port. Every listener
// of the server, control and passive data, is made here.
func (s *Server) listen() (net.Listener, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if s.onListen != nil {
		s.onListen(ln.Addr())
	}
	return ln, nil
}

// Addr returns the control address, "127.0.0.1:port".
func (s *Server) Addr() string {
	return s.ln.Addr().String()
}

// Port returns the control port.
func (s *Server) Port() int {
	return s.ln.Addr().(*net.TCPAddr).Port
}

// Commands returns a copy of every command line received so far on any
// connection, in order of arrival, with the PASS argument masked as "****".
// At most the latest 100,000 lines are kept.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

// Close stops the server: it closes the control listener and every
// connection and passive listener, waits until all the server's goroutines
// have ended, and closes Root. Close is idempotent; later calls return the
// first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		sessions := make([]*session, 0, len(s.sessions))
		for c := range s.sessions {
			sessions = append(sessions, c)
		}
		extra := make([]net.Conn, 0, len(s.extra))
		for c := range s.extra {
			extra = append(extra, c)
		}
		s.mu.Unlock()

		err := s.ln.Close()
		for _, c := range sessions {
			c.kill()
		}
		for _, c := range extra {
			c.Close()
		}
		s.wg.Wait()
		if rerr := s.root.Close(); err == nil {
			err = rerr
		}
		s.closeErr = err
	})
	return s.closeErr
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	// The loop ends when Close closes the listener.
	for {
		raw, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.isClosed() {
				return
			}
			// A transient error (e.g. out of file descriptors): back off.
			time.Sleep(20 * time.Millisecond)
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			raw.Close()
			return
		}
		if len(s.sessions) >= s.cfg.MaxConns {
			s.extra[raw] = struct{}{}
			s.mu.Unlock()
			s.wg.Add(1)
			go s.turnAway(raw)
			continue
		}
		s.nextID++
		c := newSession(s, s.nextID, raw)
		s.sessions[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go c.serve()
	}
}

// turnAway answers a connection over MaxConns with 421 and closes it.
func (s *Server) turnAway(raw net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.extra, raw)
		s.mu.Unlock()
		raw.Close()
	}()
	raw.SetDeadline(time.Now().Add(5 * time.Second))
	var w net.Conn = raw
	if s.cfg.Implicit {
		tc := tls.Server(raw, s.ctrlTLS)
		if err := tc.Handshake(); err != nil {
			return
		}
		w = tc
	}
	w.Write([]byte("421 Too many connections\r\n"))
	if tc, ok := w.(*tls.Conn); ok {
		tc.Close()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Server) removeSession(c *session) {
	s.mu.Lock()
	delete(s.sessions, c)
	s.mu.Unlock()
}

func (s *Server) recordCommand(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.commands) >= maxCommands {
		n := copy(s.commands, s.commands[maxCommands/2:])
		clear(s.commands[n:])
		s.commands = s.commands[:n]
	}
	s.commands = append(s.commands, line)
}

func (s *Server) logf(id int, kind byte, format string, args ...any) {
	if s.cfg.Log == nil {
		return
	}
	msg := fmt.Sprintf("[%d] %c %s", id, kind, fmt.Sprintf(format, args...))
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.cfg.Log(msg)
}

// maskCommand hides the argument of PASS, even in a malformed line with
// blanks in front.
func maskCommand(line string) string {
	if t := strings.TrimLeft(line, " \t"); len(t) >= 4 && strings.EqualFold(t[:4], "PASS") {
		return "PASS ****"
	}
	return line
}
