package transfers

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
	"github.com/ferryftps/ferry/session"
)

// labConns is one pool of n transfer connections to a lab server, and
// the protocol log of every connection it dialled.
type labConns struct {
	pool *session.Pool
	mu   sync.Mutex
	log  []string
}

func (l *labConns) Pool(context.Context, string) (*session.Pool, error) { return l.pool, nil }

func (l *labConns) logged() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.log, "\n")
}

func newLabConns(t *testing.T, srv *ftpslab.Server, n int) *labConns {
	l := &labConns{}
	cfg := session.DialConfig{Host: srv.Host, Port: srv.Port, Timeout: 10 * time.Second,
		VerifyServer: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, srv.Cert.Raw) {
				return errors.New("not the lab's certificate")
			}
			return nil
		},
		Log: func(e session.Entry) {
			l.mu.Lock()
			l.log = append(l.log, e.String())
			l.mu.Unlock()
		}}
	if srv.Kind.Implicit() {
		cfg.Encryption = session.Implicit
	}
	l.pool = session.NewPool(func(ctx context.Context) (*session.Conn, error) {
		return session.Dial(ctx, cfg, srv.User, srv.Password)
	}, n)
	t.Cleanup(l.pool.Close)
	return l
}

// TestRefusedConnectionsLab: vsftpd accepting 3 connections from our
// address (max_per_ip=3) and a pool of 8 — the browse connection and two
// transfer connections fit, the rest are refused with 421. A tree of 40
// files and a 64 MiB file (segments) all arrive byte-identical, nothing
// fails, and the pool says it lowered its limit.
func TestRefusedConnectionsLab(t *testing.T) {
	if why := ftpslab.Missing(ftpslab.VsftpdExplicit); why != "" {
		t.Skip(why)
	}
	srv := ftpslab.Start(t, ftpslab.VsftpdExplicit, ftpslab.Options{MaxPerIP: 3})
	files := testutil.Tree{"tree/": nil, "big.bin": bigData(64 << 20)}
	for i := range 40 {
		files[fmt.Sprintf("tree/f%02d.bin", i)] = bytes.Repeat([]byte{byte(i)}, 5000*i+1)
	}
	testutil.WriteTree(t, srv.Root, files)
	l := newLabConns(t, srv, 8)
	if _, err := l.pool.Browse(context.Background()); err != nil {
		t.Fatal(err)
	}
	q := New(Config{Connections: l, Concurrency: 8, backoff: 5 * time.Millisecond, saveDelay: 5 * time.Millisecond, segmentMin: 4 << 20})
	t.Cleanup(func() { q.Close() })
	local := t.TempDir()
	q.Add(Spec{Direction: Download, Site: "lab", Remote: "/big.bin", Local: local, Size: 64 << 20})
	q.Add(Spec{Direction: Download, Site: "lab", Remote: "/tree", Local: local, IsDir: true})
	wait(t, q)
	if f := q.FailedJobs(); len(f) > 0 {
		t.Fatalf("failed: %+v\nlog:\n%s", f, l.logged())
	}
	testutil.CompareTrees(t, "downloaded", testutil.ReadTree(t, local), files)
	if got := l.pool.Limit(); got != 2 {
		t.Errorf("the pool's limit is %d, want 2 (3 the server allows, less the browse connection)", got)
	}
	if !strings.Contains(l.logged(), "using at most 2 transfer connections") {
		t.Errorf("the log does not say the limit was lowered:\n%s", l.logged())
	}
}
