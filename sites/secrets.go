package sites

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name under which Ferry's secrets live in
// the operating system's keyring (`secret-tool search service Ferry`).
const KeyringService = "Ferry"

// Kinds of keyring failure.
var (
	// ErrNoSecret: the keyring holds no such secret.
	ErrNoSecret = errors.New("no password is saved for this site")
	// ErrKeyringUnavailable: no keyring answers (no Secret Service on this
	// Linux desktop, a locked or refused keyring).
	ErrKeyringUnavailable = errors.New("the system keyring is not available, so Ferry cannot save passwords; choose \"ask for password\" for this site, and Ferry will ask on each connect (a password is never saved anywhere else)")
	// ErrKeyringTimeout: the keyring did not answer in time, for example
	// because it waits for someone to unlock it.
	ErrKeyringTimeout = errors.New("the system keyring did not answer in time (it may be waiting to be unlocked); unlock it and try again, or choose \"ask for password\" for this site")
)

// The secrets a site can have.
const (
	SecretPassword      = "password"
	SecretKeyPassphrase = "client-key-passphrase"
)

// keyringBackend is go-keyring's API, replaceable in tests.
type keyringBackend struct {
	get func(service, user string) (string, error)
	set func(service, user, secret string) error
	del func(service, user string) error
}

var systemKeyring = keyringBackend{get: keyring.Get, set: keyring.Set, del: keyring.Delete}

// Secrets keeps sites' secrets (passwords, client key passphrases) in the
// operating system's keyring, keyed by the site's stable ID, never its
// display name. Each call runs off the caller's goroutine with a timeout,
// because the keyring can block forever on an unlock prompt: a call that
// times out leaves its goroutine waiting on the keyring. Safe for
// concurrent use.
type Secrets struct {
	// Timeout bounds each keyring call; zero means 10 s.
	Timeout time.Duration

	backend *keyringBackend
}

func (s *Secrets) be() keyringBackend {
	if s.backend != nil {
		return *s.backend
	}
	return systemKeyring
}

func secretKey(siteID, kind string) string { return siteID + "/" + kind }

// call runs fn with the timeout and ctx, and maps go-keyring's errors to
// ours. The secret never appears in an error.
func (s *Secrets) call(ctx context.Context, what string, fn func() (string, error)) (string, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fn()
		ch <- result{v, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		switch {
		case r.err == nil:
			return r.v, nil
		case errors.Is(r.err, keyring.ErrNotFound):
			return "", ErrNoSecret
		default:
			return "", fmt.Errorf("%s: %w (%v)", what, ErrKeyringUnavailable, r.err)
		}
	case <-t.C:
		return "", fmt.Errorf("%s: %w", what, ErrKeyringTimeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Get reads a site's secret of the given kind (SecretPassword,
// SecretKeyPassphrase). ErrNoSecret when there is none.
func (s *Secrets) Get(ctx context.Context, siteID, kind string) (string, error) {
	if siteID == "" {
		return "", ErrNoSecret
	}
	return s.call(ctx, "reading the "+kind+" from the keyring", func() (string, error) {
		return s.be().get(KeyringService, secretKey(siteID, kind))
	})
}

// Set stores a site's secret of the given kind, replacing any older one.
func (s *Secrets) Set(ctx context.Context, siteID, kind, secret string) error {
	if siteID == "" {
		return errors.New("a site needs an ID before its secrets can be saved")
	}
	_, err := s.call(ctx, "saving the "+kind+" in the keyring", func() (string, error) {
		return "", s.be().set(KeyringService, secretKey(siteID, kind), secret)
	})
	return err
}

// Delete removes a site's secret of the given kind; a missing one is fine.
func (s *Secrets) Delete(ctx context.Context, siteID, kind string) error {
	_, err := s.call(ctx, "deleting the "+kind+" from the keyring", func() (string, error) {
		return "", s.be().del(KeyringService, secretKey(siteID, kind))
	})
	if errors.Is(err, ErrNoSecret) {
		return nil
	}
	return err
}

// DeleteAll removes every secret of a site (when the site is deleted).
func (s *Secrets) DeleteAll(ctx context.Context, siteID string) error {
	return errors.Join(s.Delete(ctx, siteID, SecretPassword), s.Delete(ctx, siteID, SecretKeyPassphrase))
}

// Available reports whether a keyring answers, with the reason when not.
func (s *Secrets) Available(ctx context.Context) error {
	_, err := s.Get(ctx, "ferry-probe", "probe")
	if errors.Is(err, ErrNoSecret) {
		return nil
	}
	return err
}
