package ftpd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	errIdle        = errors.New("ftpd: idle timeout")
	errLineTooLong = errors.New("ftpd: command line too long")
)

// lineResult is one command line read from the control connection.
type lineResult struct {
	line string
	err  error
}

// session is one control connection and its protocol state.
//
// The session goroutine (serve) owns the protocol state and writes every
// reply. A reader goroutine reads command lines, one per request, so it
// never reads ahead of an AUTH TLS upgrade; during a transfer a watcher
// goroutine keeps one read outstanding to catch ABOR or a dropped control
// connection.
type session struct {
	srv     *Server
	id      int
	greeted bool          // the 220 greeting was sent
	raw     net.Conn      // the TCP control connection
	ctl     net.Conn      // raw, or the *tls.Conn over it
	br      *bufio.Reader // reads ctl

	reqCh       chan *bufio.Reader // session → reader: read one line from this reader
	resCh       chan lineResult    // reader → session
	outstanding bool               // a line request was sent and its result not yet received
	pending     *lineResult        // a line received during a transfer, to handle next
	readErr     error              // the control connection can no longer be read

	done     chan struct{} // closed by kill
	killOnce sync.Once
	mu       sync.Mutex
	closers  map[io.Closer]struct{} // passive listeners and data connections
	killed   bool

	// Protocol state, owned by the session goroutine.
	tlsOn      bool
	userGiven  bool
	user       string
	loggedIn   bool
	failures   int
	cwd        string
	rest       int64
	renameFrom string
	prot       byte // 'C' or 'P'
	hashAlg    string
	epsvAll    bool
	pasv       *passive
}

func newSession(s *Server, id int, raw net.Conn) *session {
	return &session{
		srv:     s,
		id:      id,
		raw:     raw,
		ctl:     raw,
		reqCh:   make(chan *bufio.Reader),
		resCh:   make(chan lineResult),
		done:    make(chan struct{}),
		closers: make(map[io.Closer]struct{}),
		cwd:     "/",
		prot:    'C',
		hashAlg: "SHA-256",
	}
}

// kill closes the control connection and everything the session opened.
// It is safe to call from any goroutine, more than once.
func (c *session) kill() {
	c.killOnce.Do(func() {
		close(c.done)
		c.mu.Lock()
		c.killed = true
		closers := make([]io.Closer, 0, len(c.closers))
		for x := range c.closers {
			closers = append(closers, x)
		}
		clear(c.closers)
		c.mu.Unlock()
		c.raw.Close()
		for _, x := range closers {
			x.Close()
		}
	})
}

// track registers x to be closed by kill. If the session is already
// killed, it closes x at once and returns false.
func (c *session) track(x io.Closer) bool {
	c.mu.Lock()
	if c.killed {
		c.mu.Unlock()
		x.Close()
		return false
	}
	c.closers[x] = struct{}{}
	c.mu.Unlock()
	return true
}

func (c *session) untrack(x io.Closer) {
	c.mu.Lock()
	delete(c.closers, x)
	c.mu.Unlock()
}

func (c *session) logf(kind byte, format string, args ...any) {
	c.srv.logf(c.id, kind, format, args...)
}

func (c *session) serve() {
	defer c.srv.wg.Done()
	defer c.srv.removeSession(c)
	defer c.kill()
	defer c.dropPassive()

	c.srv.wg.Add(1)
	go c.readLoop()

	if c.srv.cfg.Implicit {
		tc := tls.Server(c.raw, c.srv.ctrlTLS)
		if err := handshake(tc); err != nil {
			c.logf('*', "TLS handshake failed: %v", err)
			return
		}
		c.logf('*', "control TLS established: %s", tlsInfo(tc))
		c.ctl = tc
		c.tlsOn = true
		c.prot = 'P'
	}
	c.br = bufio.NewReaderSize(c.ctl, maxLineLen)
	if !c.reply(220, "Ferry FTPS server ready") {
		return
	}
	c.greeted = true
	// Each turn handles one command; the loop ends on QUIT, on an error,
	// after IdleTimeout without a command, or when the server closes.
	for {
		line, err := c.nextLine()
		switch {
		case errors.Is(err, errIdle):
			c.reply(421, "Timeout")
			c.closeControl()
			return
		case errors.Is(err, errLineTooLong):
			c.reply(500, "Command line too long")
			c.closeControl()
			return
		case err != nil:
			return
		}
		if !c.handle(line) {
			return
		}
	}
}

// readLoop reads one line each time the session asks for one.
func (c *session) readLoop() {
	defer c.srv.wg.Done()
	for {
		var br *bufio.Reader
		select {
		case br = <-c.reqCh:
		case <-c.done:
			return
		}
		line, err := readLine(br)
		select {
		case c.resCh <- lineResult{line, err}:
		case <-c.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// readLine reads one command line, without its line ending and without
// Telnet IP/Synch bytes in front (sent by some clients before ABOR).
func readLine(br *bufio.Reader) (string, error) {
	b, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errLineTooLong
	}
	if err != nil {
		return "", err
	}
	b = b[:len(b)-1]
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	for len(b) > 0 && (b[0] == 0xff || b[0] == 0xf4 || b[0] == 0xf2) {
		b = b[1:]
	}
	return string(b), nil
}

// request asks the reader goroutine for the next line, unless a request is
// already outstanding.
func (c *session) request() bool {
	if c.outstanding {
		return true
	}
	select {
	case c.reqCh <- c.br:
		c.outstanding = true
		return true
	case <-c.done:
		return false
	}
}

// nextLine returns the next command line, waiting at most IdleTimeout.
func (c *session) nextLine() (string, error) {
	if r := c.pending; r != nil {
		c.pending = nil
		if r.err != nil {
			c.readErr = r.err
		}
		return r.line, r.err
	}
	if c.readErr != nil {
		return "", c.readErr
	}
	if !c.request() {
		return "", net.ErrClosed
	}
	t := time.NewTimer(c.srv.cfg.IdleTimeout)
	defer t.Stop()
	select {
	case r := <-c.resCh:
		c.outstanding = false
		if r.err != nil {
			c.readErr = r.err
		}
		return r.line, r.err
	case <-t.C:
		return "", errIdle
	case <-c.done:
		return "", net.ErrClosed
	}
}

// watch keeps a read outstanding on the control connection while a
// transfer runs. ABOR, or the control connection failing, calls abort.
// The returned stop function ends the watch and reports whether the
// transfer was aborted by ABOR; any other line received is kept for later.
func (c *session) watch(abort func()) (stop func() bool) {
	if c.pending != nil || c.readErr != nil || !c.request() {
		return func() bool { return false }
	}
	stopCh := make(chan struct{})
	exited := make(chan struct{})
	var got *lineResult
	c.srv.wg.Add(1)
	go func() {
		defer c.srv.wg.Done()
		defer close(exited)
		select {
		case r := <-c.resCh:
			got = &r
			if r.err != nil || isAbort(r.line) {
				abort()
			}
		case <-stopCh:
		case <-c.done:
		}
	}()
	return func() bool {
		close(stopCh)
		<-exited
		if got == nil {
			return false
		}
		c.outstanding = false
		if got.err == nil && isAbort(got.line) {
			c.srv.recordCommand(got.line)
			c.logf('>', "%s", got.line)
			return true
		}
		c.pending = got
		return false
	}
}

func isAbort(line string) bool {
	return strings.EqualFold(strings.TrimSpace(line), "ABOR")
}

// reply sends a one-line reply. It reports false if the connection failed.
func (c *session) reply(code int, text string) bool {
	return c.send(fmt.Sprintf("%d %s", code, clean(text)))
}

// replyLines sends a multi-line reply: first and last carry the code, the
// lines between are indented by one space.
func (c *session) replyLines(code int, first string, lines []string, last string) bool {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-%s\r\n", code, clean(first))
	for _, l := range lines {
		fmt.Fprintf(&b, " %s\r\n", clean(l))
	}
	fmt.Fprintf(&b, "%d %s", code, clean(last))
	return c.send(b.String())
}

// send writes text plus CRLF on the control connection and logs each line.
func (c *session) send(text string) bool {
	if t := c.srv.cfg.Trickle; t > 0 && c.greeted {
		c.trickle(text, t)
		return false
	}
	for l := range strings.SplitSeq(text, "\r\n") {
		c.logf('<', "%s", l)
	}
	c.raw.SetWriteDeadline(time.Now().Add(ctrlWriteTimeout))
	_, err := io.WriteString(c.ctl, text+"\r\n")
	return err == nil
}

// trickle starts text as a multi-line reply and never finishes it: one
// byte every interval, until the client hangs up, the server closes, or
// 10 minutes pass.
func (c *session) trickle(text string, every time.Duration) {
	c.logf('*', "trickling the reply to the first command, a byte every %s", every)
	code, _, _ := strings.Cut(text, " ")
	head := []byte(code + "-" + "Please wait")
	tick := time.NewTicker(every)
	defer tick.Stop()
	end := time.After(10 * time.Minute)
	for i := 0; ; i++ {
		b := byte('.')
		if i < len(head) {
			b = head[i]
		}
		c.raw.SetWriteDeadline(time.Now().Add(ctrlWriteTimeout))
		if _, err := c.ctl.Write([]byte{b}); err != nil {
			return
		}
		select {
		case <-tick.C:
		case <-c.done:
			return
		case <-end:
			return
		}
	}
}

// clean keeps CR and LF out of a reply line.
func clean(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// closeControl closes the control connection gracefully (TLS close_notify
// when on TLS); kill then releases the rest.
func (c *session) closeControl() {
	if tc, ok := c.ctl.(*tls.Conn); ok {
		tc.Close()
	}
	c.kill()
}

func handshake(tc *tls.Conn) error {
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	return tc.HandshakeContext(ctx)
}

func tlsInfo(tc *tls.Conn) string {
	cs := tc.ConnectionState()
	return fmt.Sprintf("%s %s resumed=%t", tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite), cs.DidResume)
}

// prefixConn is a net.Conn whose first bytes come from a buffer.
type prefixConn struct {
	net.Conn
	r io.Reader
}

func (p *prefixConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// handle runs one command. It reports false when the session must end.
func (c *session) handle(line string) bool {
	recorded := maskCommand(line)
	c.srv.recordCommand(recorded)
	c.logf('>', "%s", recorded)

	verb, arg, _ := strings.Cut(line, " ")
	r := request{verb: strings.ToUpper(verb), arg: arg, renameFrom: c.renameFrom}
	c.renameFrom = ""
	cmd, known := commands[r.verb]
	switch {
	case !known:
		return c.reply(502, "Command not implemented")
	case cmd.login && !c.loggedIn:
		return c.reply(530, "Please login with USER and PASS")
	}
	return cmd.run(c, r)
}

// request is one command line: its verb (upper case), its argument, and
// the path a preceding RNFR named (for RNTO).
type request struct{ verb, arg, renameFrom string }

// command is one verb the server knows: whether it needs a logged-in user,
// and what it does. It reports false when the session must end.
type command struct {
	login bool
	run   func(c *session, r request) bool
}

// commands is every verb the server answers (any other gets 502), filled
// in by init with the small helpers that build it.
var commands map[string]command

func init() {
	open := func(run func(c *session, r request) bool) command { return command{run: run} }
	login := func(run func(c *session, r request) bool) command { return command{login: true, run: run} }
	withArg := func(f func(c *session, arg string) bool) func(*session, request) bool {
		return func(c *session, r request) bool { return f(c, r.arg) }
	}
	withVerb := func(f func(c *session, verb, arg string) bool) func(*session, request) bool {
		return func(c *session, r request) bool { return f(c, r.verb, r.arg) }
	}
	reply := func(code int, text string) func(*session, request) bool {
		return func(c *session, _ request) bool { return c.reply(code, text) }
	}
	commands = map[string]command{
		"QUIT": open(func(c *session, _ request) bool { c.reply(221, "Goodbye"); c.closeControl(); return false }),
		"USER": open(withArg((*session).cmdUser)),
		"PASS": open(withArg((*session).cmdPass)),
		"AUTH": open(withArg((*session).cmdAuth)),
		"PBSZ": open(func(c *session, _ request) bool {
			if !c.tlsOn {
				return c.reply(503, "PBSZ requires a TLS connection")
			}
			return c.reply(200, "PBSZ=0")
		}),
		"PROT": open(withArg((*session).cmdProt)),
		"FEAT": open(func(c *session, _ request) bool { return c.cmdFeat() }),
		"OPTS": open(withArg((*session).cmdOpts)),
		"SYST": open(reply(215, "UNIX Type: L8")),
		"NOOP": open(reply(200, "NOOP ok")),
		"ABOR": open(func(c *session, _ request) bool { c.dropPassive(); return c.reply(225, "No transfer to abort") }),

		"TYPE": login(withArg((*session).cmdType)),
		"MODE": login(withArg(only("S", "Mode set to S", "Only MODE S is supported"))),
		"STRU": login(withArg(only("F", "Structure set to F", "Only STRU F is supported"))),
		"PWD":  login(func(c *session, _ request) bool { return c.reply(257, quotePath(c.cwd)+" is the current directory") }),
		"CWD":  login(withArg((*session).cmdCwd)),
		"CDUP": login(func(c *session, _ request) bool {
			c.cwd = path.Dir(c.cwd)
			return c.reply(250, "Directory changed to "+c.cwd)
		}),
		"PASV":    login(withArg(func(c *session, arg string) bool { return c.cmdPasv(false, arg) })),
		"EPSV":    login(withArg(func(c *session, arg string) bool { return c.cmdPasv(true, arg) })),
		"REST":    login(withArg((*session).cmdRest)),
		"LIST":    login(withVerb((*session).cmdList)),
		"MLST":    login(withArg((*session).cmdMlst)),
		"STAT":    login(withArg((*session).cmdStat)),
		"RETR":    login(withArg((*session).cmdRetr)),
		"STOR":    login(withArg(func(c *session, arg string) bool { return c.cmdStor(arg, false) })),
		"APPE":    login(withArg(func(c *session, arg string) bool { return c.cmdStor(arg, true) })),
		"DELE":    login(withArg((*session).cmdDele)),
		"MKD":     login(withArg((*session).cmdMkd)),
		"RMD":     login(withArg((*session).cmdRmd)),
		"RNFR":    login(withArg((*session).cmdRnfr)),
		"RNTO":    login(func(c *session, r request) bool { return c.cmdRnto(r.renameFrom, r.arg) }),
		"SIZE":    login(withArg((*session).cmdSize)),
		"MDTM":    login(withArg((*session).cmdMdtm)),
		"MFMT":    login(withArg((*session).cmdMfmt)),
		"SITE":    login(withArg((*session).cmdSite)),
		"HASH":    login(withArg((*session).cmdHash)),
		"XSHA256": login(withVerb((*session).cmdXHash)),
	}
	for alias, verb := range map[string]string{"XPWD": "PWD", "XCWD": "CWD", "XCUP": "CDUP", "NLST": "LIST", "MLSD": "LIST",
		"XMKD": "MKD", "XRMD": "RMD", "XSHA1": "XSHA256", "XMD5": "XSHA256", "XCRC": "XSHA256"} {
		commands[alias] = commands[verb]
	}
}

// only answers a MODE or STRU: want is the one value supported.
func only(want, ok, refused string) func(c *session, arg string) bool {
	return func(c *session, arg string) bool {
		if strings.EqualFold(strings.TrimSpace(arg), want) {
			return c.reply(200, ok)
		}
		return c.reply(504, refused)
	}
}

func (c *session) cmdType(arg string) bool {
	switch strings.ToUpper(strings.Join(strings.Fields(arg), " ")) {
	case "I", "L 8", "A", "A N":
		return c.reply(200, "Type set (transfers are always binary)")
	}
	return c.reply(504, "Unsupported type")
}

func (c *session) cmdRest(arg string) bool {
	n, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || n < 0 {
		return c.reply(501, "Invalid REST offset")
	}
	c.rest = n
	return c.reply(350, fmt.Sprintf("Restarting at %d. Send STOR or RETR", n))
}

func (c *session) cmdUser(arg string) bool {
	if !c.tlsOn && !c.srv.cfg.AllowPlain {
		return c.reply(530, "TLS required: use AUTH TLS first")
	}
	c.loggedIn = false
	c.userGiven = true
	c.user = arg
	if c.srv.cfg.User == "" {
		return c.reply(331, "Anonymous login: any password will do")
	}
	return c.reply(331, "Password required")
}

func (c *session) cmdPass(arg string) bool {
	if !c.tlsOn && !c.srv.cfg.AllowPlain {
		return c.reply(530, "TLS required: use AUTH TLS first")
	}
	if !c.userGiven {
		return c.reply(503, "Login with USER first")
	}
	c.userGiven = false
	cfg := &c.srv.cfg
	ok := cfg.User == "" ||
		subtle.ConstantTimeCompare([]byte(c.user), []byte(cfg.User))&
			subtle.ConstantTimeCompare([]byte(arg), []byte(cfg.Password)) == 1
	if !ok {
		c.failures++
		if c.failures >= maxLoginFailures {
			c.reply(421, "Too many failed logins")
			c.closeControl()
			return false
		}
		return c.reply(530, "Login incorrect")
	}
	c.loggedIn = true
	c.cwd = "/"
	return c.reply(230, "Login successful")
}

func (c *session) cmdAuth(arg string) bool {
	if c.tlsOn {
		return c.reply(503, "Already using TLS")
	}
	switch strings.ToUpper(strings.TrimSpace(arg)) {
	case "TLS", "TLS-C", "SSL":
	default:
		return c.reply(504, "AUTH mechanism not supported")
	}
	if c.srv.ctrlTLS == nil {
		return c.reply(431, "TLS not available")
	}
	if r := c.srv.cfg.AuthTLSReply; r != "" {
		return c.send(clean(r))
	}
	if !c.reply(234, "AUTH TLS successful") {
		return false
	}
	// Bytes the client sent after AUTH TLS belong to the TLS handshake.
	var src net.Conn = c.raw
	if n := c.br.Buffered(); n > 0 {
		buf, _ := c.br.Peek(n)
		src = &prefixConn{Conn: c.raw, r: io.MultiReader(bytes.NewReader(bytes.Clone(buf)), c.raw)}
	}
	tc := tls.Server(src, c.srv.ctrlTLS)
	if err := handshake(tc); err != nil {
		c.logf('*', "TLS handshake failed: %v", err)
		return false
	}
	c.logf('*', "control TLS established: %s", tlsInfo(tc))
	c.ctl = tc
	c.br = bufio.NewReaderSize(tc, maxLineLen)
	c.tlsOn = true
	c.prot = 'C'
	c.loggedIn = false
	c.userGiven = false
	return true
}

func (c *session) cmdProt(arg string) bool {
	if !c.tlsOn {
		return c.reply(503, "PROT requires a TLS connection")
	}
	switch strings.ToUpper(strings.TrimSpace(arg)) {
	case "P":
		c.prot = 'P'
		return c.reply(200, "Protection level set to P")
	case "C":
		if !c.srv.cfg.AllowPlain {
			return c.reply(536, "PROT C refused: data connections must be protected")
		}
		c.prot = 'C'
		return c.reply(200, "Protection level set to C")
	}
	return c.reply(504, "Unsupported protection level")
}

// hashAlgs are the HASH algorithms, in FEAT order.
var hashAlgs = []string{"SHA-256", "SHA-1", "MD5", "CRC32"}

func (c *session) cmdFeat() bool {
	var algs []string
	for _, a := range hashAlgs {
		if a == c.hashAlg {
			a += "*"
		}
		algs = append(algs, a)
	}
	return c.replyLines(211, "Features:", []string{
		"UTF8",
		"MLST type*;size*;modify*;UNIX.mode*;",
		"MLSD",
		"MFMT",
		"SIZE",
		"MDTM",
		"REST STREAM",
		"EPSV",
		"PASV",
		"TVFS",
		"AUTH TLS",
		"PBSZ",
		"PROT",
		"HASH " + strings.Join(algs, ";"),
	}, "End")
}

func (c *session) cmdOpts(arg string) bool {
	name, val, _ := strings.Cut(strings.TrimSpace(arg), " ")
	val = strings.TrimSpace(val)
	switch strings.ToUpper(name) {
	case "UTF8":
		if strings.EqualFold(val, "ON") || val == "" {
			return c.reply(200, "UTF8 mode is always on")
		}
		return c.reply(504, "UTF8 cannot be turned off")
	case "HASH":
		if val == "" {
			return c.reply(200, c.hashAlg)
		}
		for _, a := range hashAlgs {
			if strings.EqualFold(val, a) {
				c.hashAlg = a
				return c.reply(200, a)
			}
		}
		return c.reply(501, "Unknown hash algorithm")
	}
	return c.reply(501, "Option not understood")
}

// resolve turns a client path into the cleaned absolute virtual path and
// the name to open through os.Root ("." for the root).
func (c *session) resolve(arg string) (vpath, rel string) {
	p := arg
	if !strings.HasPrefix(p, "/") {
		p = c.cwd + "/" + p
	}
	p = path.Clean(p) // rooted, so no ".." survives at the front
	rel = strings.TrimPrefix(p, "/")
	if rel == "" {
		rel = "."
	}
	return p, rel
}

// fsError replies 550 for a failed file system operation.
func (c *session) fsError(vpath string, err error) bool {
	msg := "Operation failed"
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = "No such file or directory"
	case errors.Is(err, fs.ErrExist):
		msg = "File exists"
	case errors.Is(err, fs.ErrPermission):
		msg = "Permission denied"
	}
	return c.reply(550, vpath+": "+msg)
}

func quotePath(p string) string {
	return `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
}

func (c *session) cmdCwd(arg string) bool {
	vpath, rel := c.resolve(arg)
	fi, err := c.srv.root.Stat(rel)
	if err != nil {
		return c.fsError(vpath, err)
	}
	if !fi.IsDir() {
		return c.reply(550, vpath+": Not a directory")
	}
	c.cwd = vpath
	return c.reply(250, "Directory changed to "+vpath)
}

// statArg resolves a command's path argument and stats it (Lstat when
// lstat is set), replying 501 or 550 itself when that fails. The handler
// goes on only when ok; otherwise it returns done.
func (c *session) statArg(arg string, lstat bool) (vpath, rel string, fi fs.FileInfo, ok, done bool) {
	if arg == "" {
		return "", "", nil, false, c.reply(501, "Missing file name")
	}
	vpath, rel = c.resolve(arg)
	var err error
	if lstat {
		fi, err = c.srv.root.Lstat(rel)
	} else {
		fi, err = c.srv.root.Stat(rel)
	}
	if err != nil {
		return vpath, rel, nil, false, c.fsError(vpath, err)
	}
	return vpath, rel, fi, true, false
}

func (c *session) cmdDele(arg string) bool {
	vpath, rel, fi, ok, done := c.statArg(arg, true)
	if !ok {
		return done
	}
	if fi.IsDir() {
		return c.reply(550, vpath+": Is a directory")
	}
	if err := c.srv.root.Remove(rel); err != nil {
		return c.fsError(vpath, err)
	}
	return c.reply(250, "Deleted "+vpath)
}

func (c *session) cmdMkd(arg string) bool {
	if arg == "" {
		return c.reply(501, "Missing directory name")
	}
	vpath, rel := c.resolve(arg)
	if err := c.srv.root.Mkdir(rel, 0o755); err != nil {
		return c.fsError(vpath, err)
	}
	return c.reply(257, quotePath(vpath)+" created")
}

func (c *session) cmdRmd(arg string) bool {
	if arg == "" {
		return c.reply(501, "Missing directory name")
	}
	vpath, rel := c.resolve(arg)
	if rel == "." {
		return c.reply(550, "Cannot remove the root directory")
	}
	fi, err := c.srv.root.Lstat(rel)
	if err != nil {
		return c.fsError(vpath, err)
	}
	if !fi.IsDir() {
		return c.reply(550, vpath+": Not a directory")
	}
	// Remove refuses a directory that is not empty.
	if err := c.srv.root.Remove(rel); err != nil {
		if f, oerr := c.srv.root.Open(rel); oerr == nil {
			names, _ := f.Readdirnames(1)
			f.Close()
			if len(names) > 0 {
				return c.reply(550, vpath+": Directory not empty")
			}
		}
		return c.fsError(vpath, err)
	}
	return c.reply(250, "Removed "+vpath)
}

func (c *session) cmdRnfr(arg string) bool {
	if arg == "" {
		return c.reply(501, "Missing file name")
	}
	vpath, rel := c.resolve(arg)
	if rel == "." {
		return c.reply(550, "Cannot rename the root directory")
	}
	if _, err := c.srv.root.Lstat(rel); err != nil {
		return c.fsError(vpath, err)
	}
	c.renameFrom = rel
	return c.reply(350, "Ready for RNTO")
}

func (c *session) cmdRnto(from, arg string) bool {
	if from == "" {
		return c.reply(503, "RNFR required first")
	}
	if arg == "" {
		return c.reply(501, "Missing file name")
	}
	vpath, rel := c.resolve(arg)
	if rel == "." {
		return c.reply(550, "Cannot rename onto the root directory")
	}
	if err := c.srv.root.Rename(from, rel); err != nil {
		return c.fsError(vpath, err)
	}
	return c.reply(250, "Renamed to "+vpath)
}

func (c *session) cmdSize(arg string) bool {
	vpath, _, fi, ok, done := c.statArg(arg, false)
	if !ok {
		return done
	}
	if !fi.Mode().IsRegular() {
		return c.reply(550, vpath+": Not a regular file")
	}
	return c.reply(213, strconv.FormatInt(fi.Size(), 10))
}

const mtimeLayout = "20060102150405"

func (c *session) cmdMdtm(arg string) bool {
	_, _, fi, ok, done := c.statArg(arg, false)
	if !ok {
		return done
	}
	return c.reply(213, fi.ModTime().UTC().Format(mtimeLayout))
}

func (c *session) cmdMfmt(arg string) bool {
	ts, name, ok := strings.Cut(arg, " ")
	if !ok || name == "" {
		return c.reply(501, "Usage: MFMT YYYYMMDDHHMMSS path")
	}
	layout := mtimeLayout
	if strings.Contains(ts, ".") {
		layout += ".999999999"
	}
	t, err := time.ParseInLocation(layout, ts, time.UTC)
	if err != nil || len(ts) < len(mtimeLayout) {
		return c.reply(501, "Invalid time, expected YYYYMMDDHHMMSS (UTC)")
	}
	vpath, rel := c.resolve(name)
	if err := c.srv.root.Chtimes(rel, time.Time{}, t); err != nil {
		return c.fsError(vpath, err)
	}
	return c.reply(213, "Modify="+t.Format(mtimeLayout)+"; "+vpath)
}

func (c *session) cmdSite(arg string) bool {
	sub, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
	if !strings.EqualFold(sub, "CHMOD") {
		return c.reply(502, "SITE command not implemented")
	}
	modeStr, name, ok := strings.Cut(strings.TrimLeft(rest, " "), " ")
	if !ok || name == "" {
		return c.reply(501, "Usage: SITE CHMOD mode path")
	}
	mode, err := strconv.ParseUint(modeStr, 8, 32)
	if err != nil || mode > 0o777 {
		return c.reply(501, "Invalid mode (octal, at most 777)")
	}
	vpath, rel := c.resolve(name)
	if err := c.srv.root.Chmod(rel, fs.FileMode(mode)); err != nil {
		return c.fsError(vpath, err)
	}
	return c.reply(200, "SITE CHMOD command ok")
}

func (c *session) cmdHash(arg string) bool {
	if arg == "" {
		return c.reply(501, "Missing file name")
	}
	vpath, rel := c.resolve(arg)
	sum, size, err := c.hashFile(rel, c.hashAlg)
	if err != nil {
		return c.fsError(vpath, err)
	}
	return c.reply(213, fmt.Sprintf("%s 0-%d %s %s", c.hashAlg, size, sum, arg))
}

func (c *session) cmdXHash(verb, arg string) bool {
	if arg == "" {
		return c.reply(501, "Missing file name")
	}
	alg := map[string]string{"XSHA256": "SHA-256", "XSHA1": "SHA-1", "XMD5": "MD5", "XCRC": "CRC32"}[verb]
	vpath, rel := c.resolve(arg)
	sum, _, err := c.hashFile(rel, alg)
	if err != nil {
		return c.fsError(vpath, err)
	}
	return c.reply(250, sum)
}

func (c *session) cmdStat(arg string) bool {
	if arg == "" {
		prot := "clear"
		if c.prot == 'P' {
			prot = "private"
		}
		tlsState := "no"
		if tc, ok := c.ctl.(*tls.Conn); ok {
			tlsState = tlsInfo(tc)
		}
		return c.replyLines(211, "Ferry FTPS server status:", []string{
			"Connected from " + c.raw.RemoteAddr().String(),
			"Logged in as " + c.user,
			"TLS: " + tlsState,
			"Data protection: " + prot,
		}, "End of status")
	}
	vpath, rel := c.resolve(arg)
	lines, err := c.realListing(rel, "LIST", true)
	if err != nil {
		return c.fsError(vpath, err)
	}
	return c.replyLines(213, "Status of "+vpath+":", lines, "End of status")
}
