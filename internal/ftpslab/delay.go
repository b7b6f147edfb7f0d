package ftpslab

// A high-latency path on loopback, for benchmarks (the kernel's netem is not
// available here): a userspace TCP proxy on DelayHost that forwards every
// connection to 127.0.0.1 on the same port, holding each chunk for the
// one-way delay in each direction.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// DelayHost is the address of the delayed path. A server meant for
// StartDelay must be started with Options{PasvAddress: DelayHost}.
const DelayHost = "127.0.0.2"

// delayBudget bounds the bytes in flight in each direction, so that the
// proxy holds what a real path of that delay would, not an endless window.
const delayBudget = 4 << 20

// Delayed is a running delay proxy in front of a lab server. Connect to
// Host:Port instead of the server's address; PASV replies name DelayHost and
// EPSV replies only a port, so data connections take the delayed path too.
type Delayed struct {
	Server *Server
	Host   string // DelayHost
	Port   int    // the server's control port, on DelayHost
	OneWay time.Duration

	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	lns   []net.Listener
	conns map[*net.TCPConn]struct{}
}

// Addr is host:port of the delayed control connection.
func (d *Delayed) Addr() string { return net.JoinHostPort(d.Host, strconv.Itoa(d.Port)) }

// StartDelay puts a delay of oneWay in each direction (a round trip of
// 2×oneWay) in front of srv: it listens on DelayHost on the control port and
// every passive port and stops when the test ends. Each new connection
// also pays the TCP handshake's round trip: its first bytes reach the
// server 3×oneWay after the client connected, and the server's first reply
// arrives after 4×oneWay, as over a real path.
func StartDelay(t testing.TB, srv *Server, oneWay time.Duration) *Delayed {
	t.Helper()
	if srv.pasvAddr != DelayHost {
		t.Fatalf("ftpslab: StartDelay needs a server started with Options{PasvAddress: ftpslab.DelayHost}, so that PASV replies name the delayed path")
	}
	d := &Delayed{Server: srv, Host: DelayHost, Port: srv.Port, OneWay: oneWay,
		done: make(chan struct{}), conns: map[*net.TCPConn]struct{}{}}
	t.Cleanup(d.close)
	ports := []int{srv.Port}
	for p := srv.pasvMin; p <= srv.pasvMax; p++ {
		ports = append(ports, p)
	}
	for _, port := range ports {
		ln, err := net.Listen("tcp", net.JoinHostPort(DelayHost, strconv.Itoa(port)))
		if err != nil {
			t.Fatalf("ftpslab: delay proxy: %v", err)
		}
		d.lns = append(d.lns, ln)
		d.wg.Add(1)
		go d.accept(ln, port)
	}
	return d
}

// close stops the listeners and cuts every connection, then waits for the
// proxy's goroutines.
func (d *Delayed) close() {
	close(d.done)
	d.mu.Lock()
	for _, ln := range d.lns {
		ln.Close()
	}
	for c := range d.conns {
		c.Close()
	}
	d.mu.Unlock()
	d.wg.Wait()
}

func (d *Delayed) accept(ln net.Listener, port int) {
	defer d.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed
		}
		if !d.track(c.(*net.TCPConn)) {
			c.Close()
			return
		}
		d.wg.Add(1)
		go d.serve(c.(*net.TCPConn), port)
	}
}

// track remembers c for close, unless the proxy is stopping.
func (d *Delayed) track(c *net.TCPConn) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case <-d.done:
		return false
	default:
	}
	d.conns[c] = struct{}{}
	return true
}

func (d *Delayed) untrack(cs ...*net.TCPConn) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range cs {
		if c != nil {
			delete(d.conns, c)
			c.Close()
		}
	}
}

// serve relays one connection: the client's bytes are read (and stamped) at
// once, the server is dialled when the client's handshake would reach it,
// and each direction writes every chunk oneWay after it was read.
func (d *Delayed) serve(client *net.TCPConn, port int) {
	defer d.wg.Done()
	up := newDelayPipe(d.OneWay)
	d.wg.Add(1)
	go func() { defer d.wg.Done(); up.read(client) }()
	var server *net.TCPConn
	select {
	case <-d.done:
	case <-time.After(3 * d.OneWay):
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
		if err == nil {
			server = c.(*net.TCPConn)
			if !d.track(server) {
				server.Close()
				server = nil
			}
		}
	}
	if server == nil {
		abort(client)
		up.drain()
		d.untrack(client)
		return
	}
	down := newDelayPipe(d.OneWay)
	d.wg.Add(1)
	go func() { defer d.wg.Done(); down.read(server) }()
	upDone := make(chan struct{})
	go func() { up.write(server, client); close(upDone) }()
	down.write(client, server)
	<-upDone
	d.untrack(client, server)
}

// abort closes c with a reset, as a broken path would.
func abort(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

// delayChunk is what one read returned, stamped with when; err is io.EOF
// for a half-close, another error for a broken connection.
type delayChunk struct {
	data []byte
	at   time.Time
	err  error
}

// delayPipe is one direction of a relayed connection.
type delayPipe struct {
	delay  time.Duration
	chunks chan delayChunk
	mu     sync.Mutex
	cond   *sync.Cond
	held   int  // bytes read and not yet written
	dead   bool // the writer gave up: the reader no longer waits
}

func newDelayPipe(delay time.Duration) *delayPipe {
	p := &delayPipe{delay: delay, chunks: make(chan delayChunk, 1024)}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// read reads src until it fails, within the byte budget, then closes the
// channel after a last chunk carrying the error.
func (p *delayPipe) read(src *net.TCPConn) {
	defer close(p.chunks)
	for {
		buf := make([]byte, 64<<10)
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.held > 0 && p.held+n > delayBudget && !p.dead {
				p.cond.Wait()
			}
			p.held += n
			p.mu.Unlock()
			p.chunks <- delayChunk{data: buf[:n], at: time.Now()}
		}
		if err != nil {
			p.chunks <- delayChunk{at: time.Now(), err: err}
			return
		}
	}
}

// write writes each chunk to dst once its delay passed, in order, passing a
// half-close on as a half-close and a broken connection as a reset. When dst
// fails, it closes src so that the reader stops.
func (p *delayPipe) write(dst, src *net.TCPConn) {
	for c := range p.chunks {
		if wait := time.Until(c.at.Add(p.delay)); wait > 0 {
			time.Sleep(wait)
		}
		switch {
		case c.err == nil:
			_, err := dst.Write(c.data)
			p.release(len(c.data))
			if err != nil {
				src.Close()
				p.drain()
				return
			}
		case errors.Is(c.err, io.EOF):
			dst.CloseWrite()
		default:
			abort(dst)
			src.Close()
		}
	}
}

func (p *delayPipe) release(n int) {
	p.mu.Lock()
	p.held -= n
	p.cond.Broadcast()
	p.mu.Unlock()
}

// drain discards what is left, letting the reader run to its end.
func (p *delayPipe) drain() {
	p.mu.Lock()
	p.dead = true
	p.cond.Broadcast()
	p.mu.Unlock()
	for range p.chunks {
	}
}

func (d *Delayed) String() string {
	return fmt.Sprintf("%s +%s each way (%s)", d.Addr(), d.OneWay, d.Server.Kind)
}
