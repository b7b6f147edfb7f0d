package sitemgr

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// What the password status line says.
const (
	statusChecking    = "Checking the keyring…"
	statusSaving      = "Saving the password in the keyring…"
	statusSaved       = "Saved in the system keyring"
	statusNotSaved    = "Not saved"
	statusTyped       = "The new password is saved in the system keyring when you press Save"
	statusUnavailable = "No system keyring available: choose 'Ask for password' — Ferry never stores passwords in a file."
	statusTimeout     = "The system keyring did not answer (it may be waiting to be unlocked): unlock it, or choose 'Ask for password'."
	statusAsk         = "Ferry asks for the password on each connect and never saves it."
	statusAnonymous   = "Anonymous logon: no password is needed."
)

// pwState is what the manager knows of the password of the site shown.
type pwState int

const (
	pwChecking    pwState = iota // a keyring call is on its way
	pwSaving                     // the new password is being saved
	pwSaved                      // the keyring holds a password
	pwNone                       // the keyring holds none
	pwUnavailable                // no keyring answers
	pwTimeout                    // the keyring did not answer in time
)

// keyringState classifies the answer of a keyring call.
func keyringState(err error) pwState {
	switch {
	case err == nil:
		return pwSaved
	case errors.Is(err, sites.ErrNoSecret):
		return pwNone
	case errors.Is(err, sites.ErrKeyringTimeout), errors.Is(err, context.DeadlineExceeded):
		return pwTimeout
	}
	return pwUnavailable
}

// updatePassword shows what is known of the password: the status line, and
// whether the entry and Forget password can be used.
func (m *Manager) updatePassword() {
	text, importance := m.passwordStatus()
	normal := m.logonType() == sites.LogonNormal
	if normal {
		m.password.Enable()
	} else {
		m.password.Disable()
	}
	hint := "Type the password to save it"
	switch m.pw {
	case pwSaved:
		hint = "Type a new password to replace the saved one"
	case pwUnavailable, pwTimeout:
		hint = "No system keyring to save it in"
	}
	if m.password.PlaceHolder != hint {
		m.password.SetPlaceHolder(hint)
	}
	enable(m.forget, normal && m.pw == pwSaved)
	if m.pwStatus.Text != text || m.pwStatus.Importance != importance {
		m.pwStatus.Importance = importance
		m.pwStatus.Text = text
		m.pwStatus.Refresh()
		m.general.Refresh() // the line may wrap differently
	}
}

// passwordStatus is what the status line under the password says.
func (m *Manager) passwordStatus() (string, widget.Importance) {
	switch l := m.logonType(); {
	case l == sites.LogonAsk:
		return statusAsk, widget.LowImportance
	case l != sites.LogonNormal:
		return statusAnonymous, widget.LowImportance
	case m.pw == pwChecking:
		return statusChecking, widget.LowImportance
	case m.pw == pwSaving:
		return statusSaving, widget.LowImportance
	case m.pw == pwUnavailable:
		return statusUnavailable, widget.WarningImportance
	case m.pw == pwTimeout:
		return statusTimeout, widget.WarningImportance
	case m.password.Text != "":
		return statusTyped, widget.LowImportance
	case m.pw == pwSaved:
		return statusSaved, widget.MediumImportance
	}
	return statusNotSaved, widget.LowImportance
}

// checkPassword asks the keyring, off the UI goroutine, whether it holds
// the password of the site shown. The password read is dropped at once.
func (m *Manager) checkPassword() {
	m.pw = pwChecking
	m.updatePassword()
	gen, id, sec := m.gen, m.cur.ID, m.secrets
	m.background(2, func(ctx context.Context) func() {
		st := pwNone
		if err := sec.Available(ctx); err != nil {
			st = keyringState(err)
		} else if id != "" {
			_, err := sec.Get(ctx, id, sites.SecretPassword)
			st = keyringState(err)
		}
		return func() {
			if gen == m.gen {
				m.pw = st
				m.updatePassword()
			}
		}
	})
}

// storePassword saves a password in the keyring off the UI goroutine, as
// the command line does (sites.SavePassword): when the keyring refuses it,
// the site is switched to "ask for password", as a password is never kept
// anywhere else.
func (m *Manager) storePassword(id, password string) {
	m.pw = pwSaving
	m.updatePassword()
	gen, store, sec := m.gen, m.store, m.secrets
	m.background(1, func(ctx context.Context) func() {
		err := sites.SavePassword(ctx, store, sec, id, password)
		return func() { m.passwordStored(gen, id, err) }
	})
}

func (m *Manager) passwordStored(gen int, id string, err error) {
	current := gen == m.gen && m.editing && m.cur.ID == id
	if err == nil {
		if current {
			m.pw = pwSaved
			m.updatePassword()
		}
		return
	}
	site, _ := m.store.Get(id) // sites.SavePassword made it ask
	msg := fmt.Sprintf("The password of “%s” could not be saved: %v\nThe site now asks for the password on each connect.", site.Name, err)
	if !current {
		m.reload()
		esc.ShowError(errors.New(msg), m.win)
		return
	}
	m.pw = keyringState(err)
	m.cur.Logon = sites.LogonAsk
	m.setLogon(sites.LogonAsk)
	m.reload()
	m.setError(msg)
	m.updatePassword()
}

// forgetPassword is the Forget password button: it removes the saved
// password of the site shown from the keyring.
func (m *Manager) forgetPassword() {
	m.password.SetText("")
	m.deletePassword()
}

func (m *Manager) deletePassword() {
	m.pw = pwChecking
	m.updatePassword()
	gen, id, sec := m.gen, m.cur.ID, m.secrets
	m.background(1, func(ctx context.Context) func() {
		err := sec.Delete(ctx, id, sites.SecretPassword)
		return func() {
			if gen != m.gen {
				return
			}
			m.pw = pwNone
			if err != nil {
				m.pw = keyringState(err)
				m.setError(fmt.Sprintf("The saved password could not be removed from the system keyring: %v", err))
			}
			m.updatePassword()
		}
	})
}

// copySecrets copies every secret of site from to site to.
func copySecrets(ctx context.Context, sec Secrets, from, to string) error {
	for _, kind := range []string{sites.SecretPassword, sites.SecretKeyPassphrase} {
		v, err := sec.Get(ctx, from, kind)
		if keyringState(err) == pwNone {
			continue
		}
		if err == nil {
			err = sec.Set(ctx, to, kind, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
