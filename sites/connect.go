package sites

import (
	"context"
	"crypto/tls"
	"errors"
	"sync"
	"time"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/trust"
)

// Connector opens connections to one site the way a person expects: the
// right user and password for the logon type, the site's client
// certificate, and the trust decision — asking the Prompter when the
// server's certificate is unknown or changed, then dialling again. Set the
// fields before the first Dial; after that it is safe for concurrent use,
// and only one trust question per Connector is asked at a time.
type Connector struct {
	Site Site
	// Password for LogonNormal and LogonAsk; ignored for anonymous.
	Password string
	// ClientKeyPassphrase decrypts the site's client key, if encrypted.
	ClientKeyPassphrase string
	// Trust decides on certificates. Nil: only what the system's
	// authorities vouch for is trusted.
	Trust *trust.Policy
	// Prompter is asked about certificates Trust cannot decide. Nil: such
	// a certificate ends the dial with an *UntrustedError.
	Prompter trust.Prompter
	// Log receives the protocol log. May be nil.
	Log session.Logger
	// Timeout bounds each step (see DialConfig.Timeout); zero means
	// DefaultTimeout.
	Timeout time.Duration
	// MinSpeed and MinSpeedTime: the minimum speed of a transfer (see
	// DialConfig); zero means the defaults.
	MinSpeed     int64
	MinSpeedTime time.Duration

	certOnce sync.Once
	cert     *tls.Certificate
	certErr  error
	askMu    sync.Mutex
}

// Dial opens a new logged-in connection. Pass it to NewPool as the pool's
// DialFunc.
func (k *Connector) Dial(ctx context.Context) (*session.Conn, error) {
	if err := k.Site.Validate(); err != nil {
		return nil, err
	}
	cfg := k.Site.DialConfig()
	cfg.Log = k.Log
	cfg.Timeout = k.Timeout
	cfg.MinSpeed, cfg.MinSpeedTime = k.MinSpeed, k.MinSpeedTime
	if k.Site.ClientCert != "" {
		k.certOnce.Do(func() {
			c, err := session.LoadClientCertificate(k.Site.ClientCert, k.Site.ClientKey, k.ClientKeyPassphrase)
			k.cert, k.certErr = &c, err
		})
		if k.certErr != nil {
			return nil, k.certErr
		}
		cfg.ClientCert = k.cert
	}
	policy := k.Trust
	if policy == nil {
		policy = &trust.Policy{}
	}
	cfg.VerifyServer = policy.Verifier(cfg.Host, cfg.Port)
	user, password := k.Site.User, k.Password
	if k.Site.Logon == LogonAnonymous {
		if user == "" {
			user = "anonymous"
		}
		password = "anonymous@"
	}

	c, err := session.Dial(ctx, cfg, user, password)
	var ue *trust.UntrustedError
	if !errors.As(err, &ue) || k.Prompter == nil || cfg.Encryption == session.Plain {
		return c, err
	}
	// One question at a time: connections dialled in parallel to the same
	// unknown server wait for the first answer, then dial again.
	k.askMu.Lock()
	defer k.askMu.Unlock()
	c, err = session.Dial(ctx, cfg, user, password)
	if !errors.As(err, &ue) {
		return c, err
	}
	if err := policy.Decide(ctx, k.Prompter, ue.Question); err != nil {
		return nil, err
	}
	return session.Dial(ctx, cfg, user, password)
}
