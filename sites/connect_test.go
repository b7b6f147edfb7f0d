package sites_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/trust"
)

// answering is a Prompter that answers every question the same way and
// counts the questions.
type answering struct {
	answer trust.Answer
	asked  atomic.Int32
	mu     sync.Mutex
	last   trust.Question
}

func (a *answering) AskTrust(ctx context.Context, q trust.Question) (trust.Answer, error) {
	a.asked.Add(1)
	a.mu.Lock()
	a.last = q
	a.mu.Unlock()
	return a.answer, nil
}

func labSite(s *ftpslab.Server) sites.Site {
	enc := session.Explicit
	if s.Kind.Implicit() {
		enc = session.Implicit
	}
	return sites.Site{Name: string(s.Kind), Host: s.Host, Port: s.Port, Encryption: enc, User: s.User}
}

// TestConnectorTrust: the first connection to a lab server asks about its
// self-signed certificate; "always" is stored and honoured by the next
// run without a question; connections dialled in parallel ask once.
func TestConnectorTrust(t *testing.T) {
	srv := ftpslab.Start(t, ftpslab.ProftpdExplicit)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	store, err := trust.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	prompter := &answering{answer: trust.Always}
	k := &sites.Connector{Site: labSite(srv), Password: srv.Password, Trust: &trust.Policy{Store: store}, Prompter: prompter}
	pool := session.NewPool(k.Dial, 3)
	defer pool.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := pool.Get(ctx)
			if err == nil {
				_, err = c.List(ctx, "/")
			}
			pool.Put(&c, err)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := prompter.asked.Load(); n != 1 {
		t.Errorf("three parallel connections asked %d questions, want 1", n)
	}
	q := prompter.last
	if q.Changed || !q.Info.SelfSigned || q.Info.SHA256 == "" || q.Info.TLSVersion == "" || q.Info.Port != srv.Port {
		t.Errorf("question: %+v", q)
	}

	// A new run: the pin is honoured without a question.
	store2, err := trust.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	never := &answering{answer: trust.Reject}
	k2 := &sites.Connector{Site: labSite(srv), Password: srv.Password, Trust: &trust.Policy{Store: store2}, Prompter: never}
	c, err := k2.Dial(ctx)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	c.Close()
	if never.asked.Load() != 0 {
		t.Error("a certificate trusted always was asked about again")
	}

	// Rejecting: no connection, ErrCertRejected, nothing stored.
	dir3 := t.TempDir()
	store3, _ := trust.OpenStore(dir3)
	k3 := &sites.Connector{Site: labSite(srv), Password: srv.Password, Trust: &trust.Policy{Store: store3}, Prompter: never}
	if _, err := k3.Dial(ctx); !errors.Is(err, trust.ErrCertRejected) {
		t.Errorf("rejected certificate: %v, want ErrCertRejected", err)
	}
	if len(store3.List()) != 0 {
		t.Error("a rejected certificate was stored")
	}
	// No prompter (a script without --fingerprint): the typed question comes back.
	k4 := &sites.Connector{Site: labSite(srv), Password: srv.Password, Trust: &trust.Policy{Store: store3}}
	_, err = k4.Dial(ctx)
	var ue *trust.UntrustedError
	if !errors.As(err, &ue) || !errors.Is(err, trust.ErrCertUntrusted) {
		t.Errorf("no prompter: %v, want *UntrustedError", err)
	}
	// Wrong password: ErrAuth, and the password is not in the message.
	k5 := &sites.Connector{Site: labSite(srv), Password: "not-the-password", Trust: &trust.Policy{Store: store2}}
	_, err = k5.Dial(ctx)
	if !errors.Is(err, session.ErrAuth) {
		t.Errorf("wrong password: %v, want ErrAuth", err)
	}
	t.Logf("wrong password: %v", err)
}
