package ftpdtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/session"
)

// User is the account every Double serves.
const User = "alice"

// WrongPassword is a site key whose pool logs in with a wrong password.
const WrongPassword = "wrong-password"

// Double is a server and its pools, stopped when the test ends.
type Double struct {
	Srv      *ftpd.Server // nil for a Remote double
	Port     int
	Root     string // the folder the user sees as "/" (empty for Remote)
	Cert     tls.Certificate
	Password string
	Conns    int // connections per pool (0: 8); set before the first Pool

	mu    sync.Mutex
	pools map[string]*session.Pool
}

// Start runs an explicit-FTPS server on 127.0.0.1 with cfg (a fresh root,
// certificate, user and password filled in; a 20 s idle timeout unless
// set).
func Start(t testing.TB, cfg ftpd.Config) *Double {
	t.Helper()
	if cfg.Root == "" {
		cfg.Root = t.TempDir()
	}
	cert, err := ftpd.GenerateCert("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Cert = cert
	cfg.User, cfg.Password = User, "double-secret"
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 20 * time.Second
	}
	s, err := ftpd.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := &Double{Srv: s, Port: s.Port(), Root: cfg.Root, Cert: cert, Password: cfg.Password}
	t.Cleanup(func() {
		d.closePools()
		s.Close()
	})
	return d
}

// Remote is a Double whose server runs elsewhere (another process) on
// 127.0.0.1:port, presenting the certificate certDER.
func Remote(t testing.TB, port int, certDER []byte, password string) *Double {
	d := &Double{Port: port, Cert: tls.Certificate{Certificate: [][]byte{certDER}}, Password: password}
	t.Cleanup(d.closePools)
	return d
}

func (d *Double) closePools() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.pools {
		p.Close()
	}
}

// Pool implements transfers.Connections: one pool of up to Conns
// connections per site key, pinning the server's certificate. The site WrongPassword
// logs in with a wrong password.
func (d *Double) Pool(ctx context.Context, site string) (*session.Pool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.pools[site]; ok {
		return p, nil
	}
	pw := d.Password
	if site == WrongPassword {
		pw = "not-it"
	}
	n := d.Conns
	if n <= 0 {
		n = 8
	}
	p := session.NewPool(func(ctx context.Context) (*session.Conn, error) {
		return session.Dial(ctx, session.DialConfig{
			Host: "127.0.0.1", Port: d.Port, Encryption: session.Explicit,
			Timeout: 10 * time.Second,
			VerifyServer: func(cs tls.ConnectionState) error {
				if !bytes.Equal(cs.PeerCertificates[0].Raw, d.Cert.Certificate[0]) {
					return errors.New("not the double's certificate")
				}
				return nil
			},
		}, User, pw)
	}, n)
	if d.pools == nil {
		d.pools = map[string]*session.Pool{}
	}
	d.pools[site] = p
	return p, nil
}
