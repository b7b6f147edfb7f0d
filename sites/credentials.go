package sites

import (
	"context"
	"errors"
	"fmt"
)

// SecretGetter reads sites' secrets; *Secrets (the system keyring) is the
// real one. Get returns an error matching ErrNoSecret when there is none,
// ErrKeyringUnavailable or ErrKeyringTimeout when the keyring cannot
// answer, and never puts a secret in an error.
type SecretGetter interface {
	Get(ctx context.Context, siteID, kind string) (string, error)
}

// SecretSetter stores sites' secrets; *Secrets (the system keyring) is the
// real one. Set never puts the secret in an error.
type SecretSetter interface {
	Set(ctx context.Context, siteID, kind, secret string) error
}

var (
	_ SecretGetter = (*Secrets)(nil)
	_ SecretSetter = (*Secrets)(nil)
)

// A PasswordQuestion asks a person for the password of a site.
type PasswordQuestion struct {
	// Site is the site to log in to; Site.User is the user.
	Site Site
	// Saved is why the saved password could not be used: nil when the
	// site keeps none (the logon "ask for password", a site not saved),
	// else an error matching ErrNoSecret, ErrKeyringUnavailable or
	// ErrKeyringTimeout, whose words say what to do about it.
	Saved error
}

// KeyringFailed reports whether the question is asked because the keyring
// could not answer (not available, or it did not answer in time), rather
// than because it holds no password or the site saves none: a front end
// then says why (Saved's words say what to do).
func (q PasswordQuestion) KeyringFailed() bool {
	return q.Saved != nil && !errors.Is(q.Saved, ErrNoSecret)
}

// PasswordAnswer is a person's answer to a PasswordQuestion.
type PasswordAnswer struct {
	Password string
	// Remember asks the front end to keep the password in memory until
	// the program quits, never anywhere else.
	Remember bool
}

// A PasswordAsker asks a person for a password: a dialog on the desktop, a
// terminal prompt on the command line. AskPassword blocks until the person
// answers or ctx ends; a person who declines returns an error matching
// context.Canceled. Implementations must be safe for concurrent use.
type PasswordAsker interface {
	AskPassword(ctx context.Context, q PasswordQuestion) (PasswordAnswer, error)
}

// ErrNoPassword: a password is needed and there is no one to ask for it.
var ErrNoPassword = errors.New("no password")

// Password finds the password to log in to site with, the same way on the
// desktop and on the command line:
//
//   - the anonymous logon needs none: "" at once;
//   - a saved site (one with an ID) with the normal logon reads it from
//     secrets; when the keyring holds none, is not available or does not
//     answer in time, ask is asked instead, and the question says why
//     (PasswordQuestion.Saved): Ferry never keeps a password anywhere else;
//   - any other site (the logon "ask for password", a site not saved, or
//     secrets nil) asks.
//
// ask nil: a question is an error wrapping ErrNoPassword. Another error of
// secrets (ctx ended) is returned as it is. Password blocks while secrets
// and ask do: call it off the UI goroutine. The password is never in an
// error.
func Password(ctx context.Context, site Site, secrets SecretGetter, ask PasswordAsker) (PasswordAnswer, error) {
	if site.Logon == LogonAnonymous {
		return PasswordAnswer{}, nil
	}
	q := PasswordQuestion{Site: site}
	if site.ID != "" && site.Logon == LogonNormal && secrets != nil {
		pw, err := secrets.Get(ctx, site.ID, SecretPassword)
		switch {
		case err == nil:
			return PasswordAnswer{Password: pw}, nil
		case errors.Is(err, ErrNoSecret), errors.Is(err, ErrKeyringUnavailable), errors.Is(err, ErrKeyringTimeout):
			q.Saved = err
		default:
			return PasswordAnswer{}, err
		}
	}
	if ask == nil {
		if q.Saved != nil {
			return PasswordAnswer{}, fmt.Errorf("%w for %s: %w", ErrNoPassword, site.DisplayName(), q.Saved)
		}
		return PasswordAnswer{}, fmt.Errorf("%w for %s", ErrNoPassword, site.DisplayName())
	}
	return ask.AskPassword(ctx, q)
}

// ClientKeyPassphrase returns the saved passphrase of a saved site's
// encrypted client key, or "" when the site has no client certificate, is
// not saved, or the keyring holds or gives none (an encrypted key then
// fails to load with an error that says so). secrets may be nil.
func ClientKeyPassphrase(ctx context.Context, site Site, secrets SecretGetter) string {
	if site.ID == "" || site.ClientCert == "" || secrets == nil {
		return ""
	}
	pp, err := secrets.Get(ctx, site.ID, SecretKeyPassphrase)
	if err != nil {
		return ""
	}
	return pp
}

// SavePassword saves the password of the saved site id in secrets, the
// same way on the desktop and on the command line. When the keyring
// refuses it, the site is switched to "ask for password" in store, as a
// password is never kept anywhere else, and the keyring's error is
// returned (joined with the store's, should that fail too). It blocks
// while the keyring does: call it off the UI goroutine.
func SavePassword(ctx context.Context, store *Store, secrets SecretSetter, id, password string) error {
	err := setPassword(ctx, secrets, id, password)
	if err == nil {
		return nil
	}
	if uerr := askForPassword(store, id); uerr != nil {
		err = errors.Join(err, uerr)
	}
	return err
}

// setPassword saves a site's password; with no secrets, the keyring is
// not available.
func setPassword(ctx context.Context, secrets SecretSetter, id, password string) error {
	if secrets == nil {
		return ErrKeyringUnavailable
	}
	return secrets.Set(ctx, id, SecretPassword, password)
}

// askForPassword switches the saved site id from the normal logon to "ask
// for password".
func askForPassword(store *Store, id string) error {
	site, ok := store.Get(id)
	if !ok || site.Logon != LogonNormal {
		return nil
	}
	site.Logon = LogonAsk
	return store.Update(site)
}
