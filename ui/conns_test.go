package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/trust"
)

// TestConnectOncePerSite: the workers of jobs restored for one site ask
// for its pool at once; they share one pool (one login for the browse
// connection), and none is closed under another.
func TestConnectOncePerSite(t *testing.T) {
	d := ftpdtest.Start(t, ftpd.Config{})
	sum := sha256.Sum256(d.Cert.Certificate[0])
	policy := &trust.Policy{}
	if err := policy.Accept("127.0.0.1", d.Port, hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	c := &conns{trust: policy}
	site := sites.Site{ID: "office", Name: "Office", Host: "127.0.0.1", Port: d.Port, User: ftpdtest.User}
	c.remember(site, d.Password)
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pools := make([]*session.Pool, 6)
	var wg sync.WaitGroup
	for i := range pools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.Pool(ctx, site.Key())
			if err != nil {
				t.Errorf("worker %d: %v", i, err)
			}
			pools[i] = p
		}()
	}
	wg.Wait()
	for i, p := range pools {
		if p != pools[0] {
			t.Fatalf("worker %d got another pool than worker 0", i)
		}
	}
	logins := 0
	for _, cmd := range d.Srv.Commands() {
		if strings.HasPrefix(cmd, "PASS") {
			logins++
		}
	}
	if logins != 1 {
		t.Errorf("%d logins for six workers of one site, want 1", logins)
	}
	if _, err := pools[0].Browse(ctx); err != nil {
		t.Errorf("the shared pool was closed under its users: %v", err)
	}
}
