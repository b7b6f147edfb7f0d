package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/trust"
)

// conns holds the app's open servers: one connection pool per site key.
// The queue finds its pools here (it implements transfers.Connections), so
// a job for a saved site can connect on its own, asking for a password
// or a certificate decision through the app's dialogs. Safe from any
// goroutine.
type conns struct {
	sites    *sites.Store // nil in tests without saved sites
	secrets  sites.SecretGetter
	trust    *trust.Policy
	log      session.Logger
	prompter trust.Prompter
	asker    passwordAsker
	// concurrency returns the transfers per site the settings allow.
	concurrency func() int
	// deadlines returns the step timeout and the minimum transfer speed
	// the settings ask for (nil: the defaults).
	deadlines func() (timeout time.Duration, minSpeed int64, minSpeedTime time.Duration)

	mu         sync.Mutex
	open       map[string]*server
	known      map[string]known         // quick-connect sites seen this run: site and password, in memory only
	connecting map[string]chan struct{} // a token per site key, held while it connects (lockKey)
}

// server is one connected site.
type server struct {
	key  string
	site sites.Site
	pool *session.Pool
}

type known struct {
	site     sites.Site
	password string
}

// passwordAsker asks for a password ("ask for password" sites, or a saved
// site whose keyring entry is missing). remember: keep it until Ferry
// quits.
type passwordAsker interface {
	AskPassword(ctx context.Context, site, user string) (password string, remember bool, err error)
}

// dialogAsker puts the password dialog behind sites.PasswordAsker.
type dialogAsker struct{ p passwordAsker }

var _ sites.PasswordAsker = dialogAsker{}

func (a dialogAsker) AskPassword(ctx context.Context, q sites.PasswordQuestion) (sites.PasswordAnswer, error) {
	pw, remember, err := a.p.AskPassword(ctx, siteName(q.Site), q.Site.User)
	return sites.PasswordAnswer{Password: pw, Remember: remember}, err
}

var _ transfers.Connections = (*conns)(nil)

// siteName is how a person knows a server.
func siteName(s sites.Site) string { return s.DisplayName() }

// Connect opens site with password ("" to look it up or ask), checks that
// the server answers (the certificate question comes here), and returns
// its pool. A site already open is reused unless its settings changed.
func (c *conns) Connect(ctx context.Context, site sites.Site, password string) (*server, error) {
	key := site.Key()
	// One connect per site at a time: the workers of jobs restored for one
	// saved site share one pool and one password question, instead of each
	// opening a pool and the last closing the others'.
	unlock, err := c.lockKey(ctx, key)
	if err != nil {
		return nil, err
	}
	defer unlock()
	c.mu.Lock()
	if s, ok := c.open[key]; ok && s.site == site {
		c.mu.Unlock()
		if _, err := s.pool.Browse(ctx); err != nil {
			return nil, err
		}
		return s, nil
	}
	c.mu.Unlock()
	if password == "" && site.Logon != sites.LogonAnonymous {
		var err error
		if password, err = c.password(ctx, site); err != nil {
			return nil, err
		}
	}
	k := &sites.Connector{Site: site, Password: password, Trust: c.trust, Prompter: c.prompter, Log: c.log}
	if c.deadlines != nil {
		k.Timeout, k.MinSpeed, k.MinSpeedTime = c.deadlines()
	}
	k.ClientKeyPassphrase = sites.ClientKeyPassphrase(ctx, site, c.secrets)
	n := site.Connections()
	if c.concurrency != nil && site.MaxConns == 0 {
		n = c.concurrency()
	}
	pool := session.NewPool(k.Dial, n)
	if _, err := pool.Browse(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	s := &server{key: key, site: site, pool: pool}
	c.mu.Lock()
	if c.open == nil {
		c.open = map[string]*server{}
		c.known = map[string]known{}
	}
	if old, ok := c.open[key]; ok {
		old.pool.Close()
	}
	c.open[key] = s
	if _, ok := c.known[key]; !ok && site.ID == "" {
		c.known[key] = known{site: site, password: password}
	}
	c.mu.Unlock()
	return s, nil
}

// lockKey takes the connect token of a site key, waiting as long as ctx
// allows.
func (c *conns) lockKey(ctx context.Context, key string) (unlock func(), err error) {
	c.mu.Lock()
	if c.connecting == nil {
		c.connecting = map[string]chan struct{}{}
	}
	token, ok := c.connecting[key]
	if !ok {
		token = make(chan struct{}, 1)
		c.connecting[key] = token
	}
	c.mu.Unlock()
	select {
	case token <- struct{}{}:
		return func() { <-token }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// password finds a site's password: remembered this run, else as
// sites.Password finds it (the keyring, or the password dialog).
func (c *conns) password(ctx context.Context, site sites.Site) (string, error) {
	c.mu.Lock()
	k, ok := c.known[site.Key()]
	c.mu.Unlock()
	if ok && k.password != "" {
		return k.password, nil
	}
	var ask sites.PasswordAsker
	if c.asker != nil {
		ask = dialogAsker{c.asker}
	}
	a, err := sites.Password(ctx, site, c.secrets, ask)
	if err != nil {
		return "", err
	}
	if a.Remember {
		c.remember(site, a.Password)
	}
	return a.Password, nil
}

// Pool implements transfers.Connections: the pool of an open site, or a
// new connection to a saved site (for jobs restored from the last run).
func (c *conns) Pool(ctx context.Context, key string) (*session.Pool, error) {
	c.mu.Lock()
	s, ok := c.open[key]
	k, seen := c.known[key]
	c.mu.Unlock()
	if ok {
		return s.pool, nil
	}
	var site sites.Site
	id, isSaved := sites.KeyID(key)
	switch {
	case seen:
		site = k.site
	case c.sites != nil && isSaved:
		saved, found := c.sites.Get(id)
		if !found {
			return nil, fmt.Errorf("the saved site of this transfer was deleted")
		}
		site = saved
	default:
		return nil, fmt.Errorf("connect to %s first (Ferry keeps no password for it)", key)
	}
	s, err := c.Connect(ctx, site, k.password)
	if err != nil {
		return nil, err
	}
	return s.pool, nil
}

// remember keeps a site's password in memory until Ferry quits (the demo
// server's, or one typed with "remember until Ferry quits").
func (c *conns) remember(site sites.Site, password string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.known == nil {
		c.known = map[string]known{}
	}
	c.known[site.Key()] = known{site: site, password: password}
}

// Disconnect forgets a site's pool at once and closes it on a goroutine of
// its own: closing waits for an operation under way and says goodbye to
// the server, which must not hold up the caller (the UI goroutine).
func (c *conns) Disconnect(key string) {
	c.mu.Lock()
	s, ok := c.open[key]
	delete(c.open, key)
	c.mu.Unlock()
	if ok {
		go s.pool.Close()
	}
}

// Close closes every pool.
func (c *conns) Close() {
	c.mu.Lock()
	open := c.open
	c.open = nil
	c.mu.Unlock()
	for _, s := range open {
		s.pool.Close()
	}
}
