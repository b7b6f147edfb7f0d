package session

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jlaffaye/ftp"
)

// Encryption is how a connection is secured.
type Encryption int

// The encryption modes.
const (
	// Explicit FTPS: a plain connection upgraded with AUTH TLS (ftpes://, port 21).
	Explicit Encryption = iota
	// Implicit FTPS: TLS from the first byte (ftps://, port 990).
	Implicit
	// Plain FTP: nothing is encrypted, passwords included (ftp://). Used only
	// when the user asks for it.
	Plain
)

func (e Encryption) String() string {
	switch e {
	case Explicit:
		return "explicit FTPS"
	case Implicit:
		return "implicit FTPS"
	default:
		return "plain FTP"
	}
}

// Default deadlines (see DialConfig).
const (
	// DefaultTimeout bounds each step: connecting and logging in, each
	// command's reply, setting up each data connection.
	DefaultTimeout = 30 * time.Second
	// DefaultMinSpeed and DefaultMinSpeedTime: a transfer that moves less
	// than DefaultMinSpeed bytes a second over DefaultMinSpeedTime fails
	// (and the queue retries it), like curl's --speed-limit/--speed-time.
	DefaultMinSpeed     = 1024
	DefaultMinSpeedTime = 30 * time.Second
	defaultCloseTimeout = 5 * time.Second // wait for the server to close a data connection
)

// eagerDataHandshake starts data connections' TLS handshakes as soon as
// their TCP connection is up. Only a test turns it off, to show that a
// server which waits for the handshake then deadlocks.
var eagerDataHandshake = true

// DialConfig says how to reach and secure one server.
type DialConfig struct {
	Host       string // as the user typed it: a name, an IPv4 or an IPv6 address (no brackets)
	Port       int
	Encryption Encryption
	// TLS12Max caps TLS at version 1.2, for servers whose TLS 1.3 is broken.
	TLS12Max bool
	// Timeout bounds each step, measured from the step's start: connecting
	// with TLS and logging in, each command's reply, each data
	// connection's setup. Zero means DefaultTimeout.
	Timeout time.Duration
	// MinSpeed and MinSpeedTime: a data transfer fails when it moves less
	// than MinSpeed bytes a second over MinSpeedTime. Zero means
	// DefaultMinSpeed and DefaultMinSpeedTime; a negative MinSpeed asks
	// only for one byte in each MinSpeedTime.
	MinSpeed     int64
	MinSpeedTime time.Duration
	// VerifyServer decides whether the certificate presented on the control
	// connection is to be trusted. It runs inside the TLS handshake, before
	// any credential is sent. Nil trusts only certificates that the system
	// roots vouch for and that match Host.
	VerifyServer func(cs tls.ConnectionState) error
	// ClientCert, when set, is offered to a server that asks for a client
	// certificate (and only then).
	ClientCert *tls.Certificate
	// Log receives the protocol log. May be nil.
	Log Logger
}

func (c *DialConfig) addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

func (c *DialConfig) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *DialConfig) minSpeed() (rate int64, window time.Duration) {
	rate, window = c.MinSpeed, c.MinSpeedTime
	if rate == 0 {
		rate = DefaultMinSpeed
	}
	if rate < 0 {
		rate = 0
	}
	if window <= 0 {
		window = DefaultMinSpeedTime
	}
	return rate, window
}

// Dial opens a control connection to the server, secures it, and logs in.
// Nothing secret is sent before the server's certificate was accepted, and
// a server that refuses TLS is never sent a user name in plain text.
// Cancelling ctx aborts the dial.
func Dial(ctx context.Context, cfg DialConfig, user, password string) (*Conn, error) {
	d := &dialer{cfg: cfg, id: nextConnID()}
	return d.dial(ctx, user, password)
}

// dialer is the state of one control connection and its data connections:
// the TLS configuration with its own session cache, the control socket, and
// the open data sockets (so that cancelling can abort them).
type dialer struct {
	cfg  DialConfig
	id   int
	ctrl *tls.Config // control connection
	data *tls.Config // data connections: same session cache, other checks

	mu        sync.Mutex
	raw       *rawConn // the control socket
	ctrlConn  net.Conn // the control connection as jlaffaye/ftp sees it (secured, logged)
	ctrlTLS   *TLSInfo
	ctrlState tls.ConnectionState // the control connection's handshake, once verified
	dataTLS   *tls.Config         // made by dataConfig at the first data connection
	leaf      *x509.Certificate
	dataRaws  map[*rawConn]struct{}
	dialed    bool
	tee       *bytes.Buffer // when set, data connections copy what they read here
	features  map[string]string
	certAsked bool   // the server asked for a client certificate
	loginDir  string // the folder the server put us in after login (PWD)
	// loginBy is when connecting, securing and logging in must be done.
	loginBy time.Time
	// dials ends when the connection is aborted: a data connection still
	// connecting (a firewall dropping packets to a passive port) ends too.
	dials     context.Context
	stopDials context.CancelFunc
}

func clientCertName(c *tls.Certificate) string {
	if c.Leaf != nil {
		return c.Leaf.Subject.String()
	}
	if len(c.Certificate) > 0 {
		if leaf, err := x509.ParseCertificate(c.Certificate[0]); err == nil {
			return leaf.Subject.String()
		}
	}
	return "a certificate"
}

// capture makes the next data connections copy what they read into buf
// (nil stops it). Used to keep a listing's raw lines.
func (d *dialer) capture(buf *bytes.Buffer) {
	d.mu.Lock()
	d.tee = buf
	d.mu.Unlock()
}

// control returns the control connection as the library sees it.
func (d *dialer) control() net.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ctrlConn
}

func (d *dialer) log(kind EntryKind, text string) {
	if d.cfg.Log != nil {
		d.cfg.Log(Entry{Time: time.Now(), Conn: d.id, Kind: kind, Text: text})
	}
}

func (d *dialer) logTLS(cs tls.ConnectionState, data bool) {
	if d.cfg.Log == nil {
		return
	}
	info := &TLSInfo{Data: data, Version: tls.VersionName(cs.Version), Cipher: tls.CipherSuiteName(cs.CipherSuite),
		Resumed: cs.DidResume, Retried: cs.HelloRetryRequest}
	if cs.CurveID != 0 {
		info.Group = groupName(cs.CurveID)
	}
	what := "control connection"
	if data {
		what = "data connection"
	}
	text := fmt.Sprintf("%s: %s, %s", what, info.Version, info.Cipher)
	if info.Group != "" {
		text += ", " + info.Group
	}
	if info.Retried {
		text += " (after a HelloRetryRequest)"
	}
	if data {
		if cs.DidResume {
			text += ", TLS session resumed"
		} else {
			text += ", new TLS session (not resumed)"
		}
	}
	d.cfg.Log(Entry{Time: time.Now(), Conn: d.id, Kind: EntryInfo, Text: text, TLS: info})
}

// groupName names a key exchange group as people write it.
func groupName(id tls.CurveID) string {
	switch id {
	case tls.CurveP256:
		return "P-256"
	case tls.CurveP384:
		return "P-384"
	case tls.CurveP521:
		return "P-521"
	}
	return id.String()
}

func (d *dialer) dial(ctx context.Context, user, password string) (*Conn, error) {
	if d.cfg.Encryption != Plain {
		d.ctrl = d.tlsConfig()
		d.data = d.ctrl.Clone() // Clone keeps the same ClientSessionCache
		d.data.VerifyConnection = d.verifyData
	}
	// Connecting, securing and logging in are one step under one deadline:
	// a server that trickles its greeting a byte at a time cannot hold us.
	d.loginBy = time.Now().Add(d.cfg.timeout())
	d.dials, d.stopDials = context.WithCancel(context.Background())
	// Abort the dial (a blocking read of the greeting, a handshake) when ctx ends.
	stop := context.AfterFunc(ctx, d.abort)
	defer stop()

	opts := []ftp.DialOption{ftp.DialWithDialFunc(d.dialFunc(ctx))}
	if d.ctrl != nil {
		// The control connection arrives already secured from dialFunc; this
		// option only makes Login send PBSZ 0 and PROT P.
		opts = append(opts, ftp.DialWithTLS(d.ctrl))
	}
	d.log(EntryInfo, fmt.Sprintf("connecting to %s (%s)", d.cfg.addr(), d.cfg.Encryption))
	sc, err := ftp.Dial(d.cfg.addr(), opts...)
	if err != nil {
		return nil, d.fail(ctx, "connect to", err)
	}
	c := &Conn{op: make(chan struct{}, 1), sc: sc, d: d, lastUsed: time.Now()}
	if err := sc.Login(user, password); err != nil {
		sc.Quit()
		return nil, d.fail(ctx, "log in", err)
	}
	// jlaffaye/ftp keeps the FEAT answer to itself: ask again for ours.
	msg, err := c.quote(-1, "FEAT")
	if err != nil {
		var tp *textproto.Error
		if !errors.As(err, &tp) {
			sc.Quit()
			return nil, d.fail(ctx, "log in", err)
		}
	}
	d.mu.Lock()
	d.features = parseFeatures(msg)
	d.mu.Unlock()
	// Most servers do not chroot: after login the user is in a home
	// folder, and "/" is the real root. Ask once where that is.
	dir := "/"
	if msg, err := c.quote(ftp.StatusPathCreated, "PWD"); err == nil {
		dir = ParsePWD(msg)
	} else if !isReply(err) {
		sc.Quit()
		return nil, d.fail(ctx, "log in", err)
	}
	d.mu.Lock()
	d.loginDir = dir
	d.mu.Unlock()
	return c, nil
}

// ParsePWD reads the folder out of a PWD reply's text (after the 257):
// `"/a ""b""" is current` is /a "b". A reply that names no absolute
// folder, or one holding CR, LF or NUL, gives "/".
func ParsePWD(msg string) string {
	if !strings.HasPrefix(msg, `"`) {
		return "/"
	}
	var b strings.Builder
	for i := 1; i < len(msg); i++ {
		if msg[i] == '"' {
			if i+1 < len(msg) && msg[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			p := b.String()
			if !strings.HasPrefix(p, "/") || CheckPath(p) != nil {
				return "/"
			}
			return path.Clean(p)
		}
		b.WriteByte(msg[i])
	}
	return "/"
}

func isReply(err error) bool {
	var tp *textproto.Error
	return errors.As(err, &tp)
}

// parseFeatures reads a FEAT reply: one feature a line, keyword first.
func parseFeatures(msg string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if i == 0 || i == len(lines)-1 && !strings.HasPrefix(l, " ") {
			continue
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		k, v, _ := strings.Cut(l, " ")
		out[strings.ToUpper(k)] = v
	}
	return out
}

// fail turns an error into the one to report: the context's when it ended.
func (d *dialer) fail(ctx context.Context, op string, err error) error {
	d.mu.Lock()
	asked := d.certAsked
	d.mu.Unlock()
	if asked && ctx.Err() == nil && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
		// At TLS 1.3 a server refuses a client certificate with an alert
		// after the handshake, and hangs up; the USER written meanwhile
		// meets a reset. The alert may still wait to be read.
		if alert := d.pendingAlert(); alert != nil {
			d.log(EntryError, err.Error())
			err = alert
		}
	}
	d.abort()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	d.log(EntryError, err.Error())
	var rh tls.RecordHeaderError
	if d.cfg.Encryption == Implicit && errors.As(err, &rh) && bytes.HasPrefix(rh.RecordHeader[:], []byte("220")) {
		// A plain-text greeting where TLS was due: an explicit FTPS server.
		return &Error{Op: op, Path: d.cfg.addr(), Kind: ErrNotImplicit, Err: err}
	}
	var oe *net.OpError
	if asked && errors.As(err, &oe) && oe.Op == "remote error" {
		// The server asked for a client certificate and then sent an alert
		// (vsftpd: "handshake failure" at TLS 1.2, "certificate required"
		// at 1.3, on the first read after the handshake). A hang-up or
		// plain text in the stream is not a refusal: vsftpd asks every
		// client for a certificate, and a session process that dies
		// writes "500 OOPS" and hangs up.
		return &Error{Op: op, Path: d.cfg.addr(), Kind: ErrClientCertRefused, Err: err}
	}
	return classify(op, d.cfg.addr(), err)
}

// pendingAlert reads what the control connection still holds, from a
// server that has hung up, and returns the TLS alert it sent, if any.
func (d *dialer) pendingAlert() error {
	d.mu.Lock()
	c := d.ctrlConn
	d.mu.Unlock()
	var tc *tls.Conn
	for range 4 { // prefixConn → logConn → tls.Conn
		if p, ok := c.(*prefixConn); ok {
			c = p.Conn
		} else if l, ok := c.(*logConn); ok {
			c = l.Conn
		} else {
			tc, _ = c.(*tls.Conn)
			break
		}
	}
	if tc == nil {
		return nil
	}
	tc.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err := tc.Read(make([]byte, 512))
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "remote error" {
		return err
	}
	return nil
}

func (d *dialer) tlsConfig() *tls.Config {
	cfg := &tls.Config{
		// Go keys its session cache by ServerName, else by the remote
		// ip:port, which differs for every data port: set it so that data
		// connections resume the control connection's session.
		ServerName: d.cfg.Host,
		MinVersion: tls.VersionTLS12,
		// One cache per control connection: a shared cache lets a data
		// connection resume another control connection's session, which
		// ProFTPD and FileZilla Server refuse.
		ClientSessionCache: &oneSlotCache{},
		// The trust decision is ours, in VerifyConnection, which (unlike
		// VerifyPeerCertificate) also runs on resumed connections.
		InsecureSkipVerify: true,
		VerifyConnection:   d.verifyControl,
	}
	if d.cfg.TLS12Max {
		cfg.MaxVersion = tls.VersionTLS12
	}
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		d.mu.Lock()
		d.certAsked = true
		d.mu.Unlock()
		if d.cfg.ClientCert != nil {
			d.log(EntryInfo, "the server asked for a client certificate: offering "+clientCertName(d.cfg.ClientCert))
			return d.cfg.ClientCert, nil
		}
		d.log(EntryInfo, "the server asked for a client certificate: none is set for this site")
		return &tls.Certificate{}, nil
	}
	return cfg
}

func (d *dialer) verifyControl(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server presented no certificate")
	}
	verify := d.cfg.VerifyServer
	if verify == nil {
		verify = d.verifySystem
	}
	if err := verify(cs); err != nil {
		return &CertificateError{Err: err}
	}
	d.mu.Lock()
	d.leaf = cs.PeerCertificates[0]
	d.ctrlState = cs
	d.ctrlTLS = &TLSInfo{Version: tls.VersionName(cs.Version), Cipher: tls.CipherSuiteName(cs.CipherSuite)}
	d.mu.Unlock()
	d.logTLS(cs, false)
	return nil
}

func (d *dialer) verifySystem(cs tls.ConnectionState) error {
	opts := x509.VerifyOptions{DNSName: d.cfg.Host, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(opts)
	return err
}

// verifyData checks a data connection: it must show the very certificate
// the control connection showed.
func (d *dialer) verifyData(cs tls.ConnectionState) error {
	d.mu.Lock()
	leaf := d.leaf
	d.mu.Unlock()
	if leaf == nil || len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, leaf.Raw) {
		return ErrDataCertMismatch
	}
	d.logTLS(cs, true)
	return nil
}

// dialFunc returns the function jlaffaye/ftp calls to open connections: the
// first call is the control connection, later calls are data connections.
func (d *dialer) dialFunc(ctx context.Context) func(network, address string) (net.Conn, error) {
	return func(network, address string) (net.Conn, error) {
		d.mu.Lock()
		first := !d.dialed
		d.dialed = true
		d.mu.Unlock()
		if first {
			return d.dialControl(ctx, network, address)
		}
		return d.dialData(network, address)
	}
}

func (d *dialer) dialTCP(ctx context.Context, network, address string, by time.Time) (*rawConn, error) {
	nd := net.Dialer{Deadline: by, KeepAlive: 30 * time.Second}
	c, err := nd.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return newRawConn(c), nil
}

func (d *dialer) dialControl(ctx context.Context, network, address string) (net.Conn, error) {
	raw, err := d.dialTCP(ctx, network, address, d.loginBy)
	if err != nil {
		if isTimeout(err) {
			return nil, &timeoutError{step: "login", after: d.cfg.timeout(), err: err}
		}
		return nil, err
	}
	raw.armAt("login", d.loginBy, d.cfg.timeout())
	d.mu.Lock()
	d.raw = raw
	d.mu.Unlock()
	var conn net.Conn
	switch d.cfg.Encryption {
	case Implicit:
		conn = &logConn{Conn: tls.Client(raw, d.ctrl), log: d.log}
	case Explicit:
		greeting, err := d.authTLS(raw)
		if err != nil {
			raw.Close()
			return nil, err
		}
		// The greeting was logged as it came; replay it outside the log.
		conn = &prefixConn{Conn: &logConn{Conn: tls.Client(raw, d.ctrl), log: d.log}, prefix: greeting}
	default:
		conn = &logConn{Conn: raw, log: d.log}
	}
	d.mu.Lock()
	d.ctrlConn = conn
	d.mu.Unlock()
	return conn, nil
}

// authTLS reads the greeting and asks for TLS. It returns the greeting's
// bytes for jlaffaye/ftp to read as if it came from the secured connection.
// A server that refuses AUTH TLS ends the connection: nothing, not even the
// user name, is ever sent in plain text.
func (d *dialer) authTLS(raw *rawConn) ([]byte, error) {
	var seen bytes.Buffer
	tp := textproto.NewReader(bufio.NewReader(teeReader{raw, &seen}))
	if _, _, err := tp.ReadResponse(ftp.StatusReady); err != nil {
		return nil, fmt.Errorf("reading the server's greeting: %w", err)
	}
	greeting := append([]byte(nil), seen.Bytes()...)
	d.logLines(EntryReceived, greeting)
	d.log(EntrySent, "AUTH TLS")
	if _, err := raw.Write([]byte("AUTH TLS\r\n")); err != nil {
		return nil, err
	}
	seen.Reset()
	code, msg, err := tp.ReadResponse(ftp.StatusAuthOK)
	d.logLines(EntryReceived, seen.Bytes())
	if err != nil {
		if code == 500 && isOOPS(msg) {
			// vsftpd's session died while answering: not a refusal.
			return nil, fmt.Errorf("asking for TLS: %w", &textproto.Error{Code: code, Msg: msg})
		}
		if code != 0 {
			return nil, &TLSRequiredError{Code: code, Msg: msg}
		}
		return nil, fmt.Errorf("asking for TLS: %w", err)
	}
	return greeting, nil
}

func (d *dialer) logLines(kind EntryKind, p []byte) {
	var s lineSplitter
	s.feed(p, func(l string) { d.log(kind, l) })
}

type teeReader struct {
	r   *rawConn
	buf *bytes.Buffer
}

func (t teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf.Write(p[:n])
	return n, err
}

func (d *dialer) dialData(network, address string) (net.Conn, error) {
	// jlaffaye/ftp gives no context here; the control socket's abort also
	// aborts data connections through dataRaws.
	timeout := d.cfg.timeout()
	raw, err := d.dialTCP(d.dials, network, address, time.Now().Add(timeout))
	if err != nil {
		if isTimeout(err) {
			err = &timeoutError{step: "opening a data connection", after: timeout, err: err}
		}
		return nil, &dataDialError{addr: address, err: err}
	}
	rate, window := d.cfg.minSpeed()
	d.mu.Lock()
	if d.dataRaws == nil {
		d.dataRaws = make(map[*rawConn]struct{})
	}
	d.dataRaws[raw] = struct{}{}
	tee := d.tee
	d.mu.Unlock()
	if d.data == nil { // plain FTP
		raw.watchSpeed(rate, window)
		return &plainData{rawConn: raw, d: d, tee: tee}, nil
	}
	dc := &dataConn{Conn: tls.Client(raw, d.dataConfig()), raw: raw, closeTimeout: defaultCloseTimeout}
	if eagerDataHandshake {
		// Never a Handshake inside the dial: see dataConn.
		dc.startHandshake(timeout, rate, window)
	} else {
		raw.watchSpeed(rate, window)
	}
	return &trackedData{dataConn: dc, d: d, tee: tee}, nil
}

// dataConfig is the TLS configuration of data connections: that of the
// control connection (the same session cache, so each resumes its
// session), offering just the key exchange group the control connection's
// handshake settled on. Go's default first key share is X25519MLKEM768
// with X25519, whatever the order of CurvePreferences; a server that only
// does P-256 (vsftpd 3.0, OpenSSL 3.0) answers each with a
// HelloRetryRequest: a second round trip and a second key pair on every
// data connection, that is, on every file and listing.
func (d *dialer) dataConfig() *tls.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dataTLS != nil {
		return d.dataTLS
	}
	curve := d.ctrlState.CurveID
	if d.ctrlState.Version != tls.VersionTLS13 || curve == 0 {
		return d.data // TLS 1.2 resumes without a key exchange
	}
	d.dataTLS = d.data.Clone()
	d.dataTLS.CurvePreferences = []tls.CurveID{curve}
	return d.dataTLS
}

// forget drops a closed data socket. The control connection's wait for
// the reply that ends the transfer starts now: its deadline is armed
// afresh, measured from the end of the data.
func (d *dialer) forget(raw *rawConn) {
	d.mu.Lock()
	delete(d.dataRaws, raw)
	ctrl := d.raw
	d.mu.Unlock()
	if ctrl != nil {
		ctrl.rearm()
	}
}

// abort closes the control socket and every open data socket at once.
func (d *dialer) abort() {
	if d.stopDials != nil {
		d.stopDials()
	}
	d.mu.Lock()
	raws := make([]*rawConn, 0, len(d.dataRaws)+1)
	if d.raw != nil {
		raws = append(raws, d.raw)
	}
	for r := range d.dataRaws {
		raws = append(raws, r)
	}
	d.mu.Unlock()
	for _, r := range raws {
		r.Abort()
	}
}

type trackedData struct {
	*dataConn
	d   *dialer
	tee *bytes.Buffer
}

func (t *trackedData) Read(p []byte) (int, error) {
	n, err := t.dataConn.Read(p)
	if t.tee != nil {
		t.tee.Write(p[:n])
	}
	return n, err
}

func (t *trackedData) Close() error {
	err := t.dataConn.Close()
	t.d.forget(t.raw)
	return err
}

type plainData struct {
	*rawConn
	d   *dialer
	tee *bytes.Buffer
}

func (p *plainData) Read(b []byte) (int, error) {
	n, err := p.rawConn.Read(b)
	if p.tee != nil {
		p.tee.Write(b[:n])
	}
	return n, err
}

func (p *plainData) Close() error {
	err := p.rawConn.Conn.Close()
	p.d.forget(p.rawConn)
	return err
}

// oneSlotCache is a TLS session cache holding just the latest session: that
// of its own control connection (or a ticket the server sent on one of its
// data connections). Safe for concurrent use.
type oneSlotCache struct {
	mu      sync.Mutex
	key     string
	session *tls.ClientSessionState
}

func (c *oneSlotCache) Get(key string) (*tls.ClientSessionState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil || c.key != key {
		return nil, false
	}
	return c.session, true
}

func (c *oneSlotCache) Put(key string, cs *tls.ClientSessionState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs == nil { // Go asks to forget a session
		if c.key == key {
			c.session = nil
		}
		return
	}
	c.key, c.session = key, cs
}
