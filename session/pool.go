package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DialFunc opens a new logged-in connection to the pool's server.
type DialFunc func(ctx context.Context) (*Conn, error)

// Pool keeps the connections to one server: one for browsing, and up to
// MaxTransfers more for transfers (fewer once the server refused one for
// having too many: the limit becomes the number open, and Get waits). Connections are reused while they live;
// one that failed on the network is tossed, never handed out again; idle
// ones are closed after a while; the browse connection is kept alive with
// NOOP and redialled transparently when the server dropped it while idle
// (421, EOF). Safe for concurrent use.
type Pool struct {
	dial        DialFunc
	limit       int           // transfer connections at most; lowered when the server refuses more
	inUse       int           // transfer connections handed out (slots taken)
	freed       chan struct{} // closed (and replaced) when a slot is freed or the limit changes
	logf        Logger        // the log of the connections dialled, for the pool's own notes
	idleTimeout time.Duration
	keepAlive   time.Duration
	checkAfter  time.Duration // an idle connection older than this is checked with NOOP before reuse
	mu          sync.Mutex
	idle        []*Conn
	browse      *Conn
	browseMu    sync.Mutex // serialises dialling the browse connection
	closed      bool
	stop        chan struct{}
	ctx         context.Context // ends when the pool closes
	cancel      context.CancelFunc
	wg          sync.WaitGroup
}

// NewPool makes a pool that opens connections with dial and allows
// maxTransfers transfer connections at once (at least 1).
func NewPool(dial DialFunc, maxTransfers int) *Pool {
	return newPool(dial, maxTransfers, 60*time.Second, 30*time.Second, 15*time.Second)
}

func newPool(dial DialFunc, maxTransfers int, idleTimeout, keepAlive, checkAfter time.Duration) *Pool {
	if maxTransfers < 1 {
		maxTransfers = 1
	}
	p := &Pool{
		dial: dial, limit: maxTransfers, freed: make(chan struct{}),
		idleTimeout: idleTimeout, keepAlive: keepAlive, checkAfter: checkAfter,
		stop: make(chan struct{}),
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(1)
	go p.housekeeping()
	return p
}

// ErrPoolClosed: the pool was closed.
var ErrPoolClosed = errors.New("the connection pool was closed")

// Browse returns the browse connection, dialling it if there is none or it
// broke. The connection is shared: Conn serialises operations itself. Do
// not Close it; the pool does.
func (p *Pool) Browse(ctx context.Context) (*Conn, error) {
	p.browseMu.Lock()
	defer p.browseMu.Unlock()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	c := p.browse
	p.mu.Unlock()
	if c != nil && !c.Broken() && time.Since(c.IdleSince()) > p.checkAfter {
		if err := c.Noop(ctx); err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if c != nil && !c.Broken() {
		return c, nil
	}
	if c != nil {
		// Broken: it needs no QUIT, and closing may wait for an operation
		// still winding down on it. Nobody waits for that here.
		go c.Close()
	}
	c, err := p.redial(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return nil, ErrPoolClosed
	}
	p.browse = c
	return c, nil
}

// Get takes a transfer connection: an idle one that still answers, or a
// new one. It waits for a free slot while MaxTransfers are in use, as long
// as ctx allows. Every Get must be followed by one Put.
func (p *Pool) Get(ctx context.Context) (*Conn, error) {
	for {
		if err := p.acquire(ctx, true); err != nil {
			return nil, err
		}
		c, err := p.take(ctx)
		if !errors.Is(err, errLowered) {
			return c, err
		}
		// The server refused another connection while others of ours are
		// open: wait for one of them, under the lowered limit.
	}
}

// TryGet is Get without the wait: it returns nil and no error when every
// slot is in use. A transfer uses it to add connections only while they
// are free (a large download in several segments).
func (p *Pool) TryGet(ctx context.Context) (*Conn, error) {
	if err := p.acquire(ctx, false); err != nil {
		if errors.Is(err, errNoSlot) {
			return nil, nil
		}
		return nil, err
	}
	c, err := p.take(ctx)
	if errors.Is(err, errLowered) {
		return nil, nil
	}
	return c, err
}

// Limit is how many transfer connections the pool opens at most now: the
// number it was made with, or fewer once the server refused more.
func (p *Pool) Limit() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limit
}

var (
	errNoSlot  = errors.New("every transfer connection is in use")
	errLowered = errors.New("the server refused another connection; the pool's limit was lowered")
)

// acquire takes a slot under the limit, waiting for one if wait is set
// (else errNoSlot), as long as ctx allows.
func (p *Pool) acquire(ctx context.Context, wait bool) error {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return ErrPoolClosed
		}
		if p.inUse < p.limit {
			p.inUse++
			p.mu.Unlock()
			return nil
		}
		freed := p.freed
		p.mu.Unlock()
		if !wait {
			return errNoSlot
		}
		select {
		case <-freed:
		case <-ctx.Done():
			return ctx.Err()
		case <-p.stop:
			return ErrPoolClosed
		}
	}
}

// release frees a slot and wakes those waiting for one.
func (p *Pool) release() {
	p.mu.Lock()
	p.inUse--
	close(p.freed)
	p.freed = make(chan struct{})
	p.mu.Unlock()
}

// refused handles a dial the server refused for having too many of our
// connections (err): while others of ours are open, the limit becomes
// their number, the slot is freed and errLowered says to wait for one;
// with none open, err is the answer (another client holds the server's
// connections: the transfer's retry decides).
func (p *Pool) refused(err error) error {
	p.mu.Lock()
	others := p.inUse - 1 + len(p.idle)
	lowered := others >= 1 && others < p.limit
	if lowered {
		p.limit = others
	}
	logf, limit := p.logf, p.limit
	p.mu.Unlock()
	p.release()
	if others < 1 {
		return err
	}
	if lowered && logf != nil {
		logf(Entry{Time: time.Now(), Kind: EntryInfo, Text: fmt.Sprintf(
			"the server refused another connection (%v); using at most %d transfer connections from now on", err, limit)})
	}
	return errLowered
}

// take hands out a connection for a slot already taken.
func (p *Pool) take(ctx context.Context) (*Conn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			p.release()
			return nil, ErrPoolClosed
		}
		var c *Conn
		if n := len(p.idle); n > 0 {
			c = p.idle[n-1]
			p.idle = p.idle[:n-1]
		}
		p.mu.Unlock()
		if c == nil {
			break
		}
		// The server may have closed it while it sat idle (421, EOF):
		// check before handing it out, and dial anew if it is gone.
		if !c.Broken() && time.Since(c.IdleSince()) > p.checkAfter {
			c.Noop(ctx)
		}
		if !c.Broken() {
			return c, nil
		}
		go c.Close() // broken: see Browse
		if err := ctx.Err(); err != nil {
			p.release()
			return nil, err
		}
	}
	c, err := p.redial(ctx)
	if errors.Is(err, ErrTooManyConnections) {
		return nil, p.refused(err)
	}
	if err != nil {
		p.release()
		return nil, err
	}
	return c, nil
}

// Dialling again after a broken login: how often, and the first pause.
const (
	dialTries = 3
	dialPause = 250 * time.Millisecond
)

// redial dials, and dials again (twice, after a short pause) when the
// connection broke while logging in: a server whose session process died
// (vsftpd's "500 OOPS"), a reset. A refusal or a stalled server is not
// tried again here: the one would repeat, the other has had its time.
func (p *Pool) redial(ctx context.Context) (*Conn, error) {
	pause := dialPause
	for try := 1; ; try++ {
		c, err := p.dial(ctx)
		if err == nil {
			p.mu.Lock()
			p.logf = c.d.cfg.Log
			p.mu.Unlock()
		}
		if err == nil || try == dialTries || !errors.Is(err, ErrConnectionLost) || errors.Is(err, ErrTimeout) ||
			errors.Is(err, ErrTooManyConnections) {
			return c, err
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
		pause *= 2
	}
}

// Put returns a connection taken with Get and sets *c to nil. err is the
// outcome of the last operation: after a network failure (or any error
// that broke the connection) the connection is closed, not kept.
func (p *Pool) Put(c **Conn, err error) {
	conn := *c
	*c = nil
	if conn == nil {
		return
	}
	defer p.release()
	if conn.Broken() || isConnectionError(err) {
		conn.Close()
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		conn.Close()
		return
	}
	p.idle = append(p.idle, conn)
	p.mu.Unlock()
}

// isConnectionError reports whether err means the connection can't be
// trusted to be in sync any more.
func isConnectionError(err error) bool {
	return err != nil && (errors.Is(err, ErrConnectionLost) || errors.Is(err, ErrTimeout) ||
		errors.Is(err, ErrDataConnection) || errors.Is(err, context.Canceled) ||
		errors.Is(err, context.DeadlineExceeded))
}

// Idle returns how many transfer connections sit idle (for tests and the
// status bar).
func (p *Pool) Idle() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}

// housekeeping closes transfer connections idle for longer than
// idleTimeout and keeps the browse connection alive.
func (p *Pool) housekeeping() {
	defer p.wg.Done()
	tick := time.NewTicker(min(p.keepAlive, p.idleTimeout) / 2)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		p.mu.Lock()
		var drop []*Conn
		keep := p.idle[:0]
		for _, c := range p.idle {
			if time.Since(c.IdleSince()) > p.idleTimeout {
				drop = append(drop, c)
			} else {
				keep = append(keep, c)
			}
		}
		p.idle = keep
		b := p.browse
		p.mu.Unlock()
		for _, c := range drop {
			c.Close()
		}
		if b != nil && !b.Broken() && time.Since(b.IdleSince()) > p.keepAlive && b.tryBegin() {
			// tryBegin: a busy browse connection needs no keep-alive.
			<-b.op
			ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
			b.Noop(ctx)
			cancel()
		}
	}
}

// Close closes every idle connection and the browse connection; transfer
// connections still out are closed when they are Put back.
func (p *Pool) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	b := p.browse
	p.browse = nil
	p.mu.Unlock()
	close(p.stop)
	p.cancel()
	p.wg.Wait()
	for _, c := range idle {
		c.Close()
	}
	if b != nil {
		b.Close()
	}
}
