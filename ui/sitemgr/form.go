package sitemgr

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// The choices of the encryption and logon type selects, in the order of
// session.Encryption and sites.LogonType.
var (
	encLabels = map[session.Encryption]string{
		session.Explicit: "FTPS explicit (AUTH TLS)",
		session.Implicit: "FTPS implicit",
		session.Plain:    "Plain FTP (insecure)",
	}
	logonLabels = map[sites.LogonType]string{
		sites.LogonNormal:    "Normal",
		sites.LogonAsk:       "Ask for password",
		sites.LogonAnonymous: "Anonymous",
	}
)

func encFromLabel(l string) session.Encryption {
	for e, s := range encLabels {
		if s == l {
			return e
		}
	}
	return session.Explicit
}

func logonFromLabel(l string) sites.LogonType {
	for t, s := range logonLabels {
		if s == l {
			return t
		}
	}
	return sites.LogonNormal
}

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

	plainWarning = "Insecure: the password and every file cross the network unencrypted."
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

// formState is the raw content of the form, to tell unsaved changes.
type formState struct {
	name, folder, enc, host, port, logon, user, password string
	tls12                                                bool
	maxConns, localDir, remoteDir, clientCert, clientKey string
	notes                                                string
}

// form is the right side of the manager: the fields of the site shown,
// and what the manager knows about it.
type form struct {
	placeholder *widget.Label
	formBox     *fyne.Container // the tabs and the error line
	right       *fyne.Container // formBox or the placeholder
	general     *widget.Form

	name       *esc.Entry
	folder     *widget.SelectEntry
	enc        *widget.Select
	plainWarn  *widget.Label
	host, port *esc.Entry
	logon      *widget.Select
	user       *esc.Entry
	password   *esc.Entry
	pwStatus   *widget.Label
	forget     *widget.Button
	tls12      *widget.Check
	maxConns   *esc.Entry
	localDir   *esc.Entry
	remoteDir  *esc.Entry
	clientCert *esc.Entry
	clientKey  *esc.Entry
	notes      *esc.Entry
	errText    *widget.Label
	browse     map[*esc.Entry]*widget.Button // the Browse… button of an entry

	saveBtn, connectBtn, closeBtn *widget.Button

	editing    bool       // the form is shown
	cur        sites.Site // the site as last loaded or saved; ID "" for a new one
	loaded     formState  // the form as last loaded or saved
	pw         pwState
	gen        int // bumped whenever the form shows another site: late keyring answers are dropped
	connecting bool
}

// buildForm makes the right side: the form in tabs, the error line, and
// the placeholder shown when no site is.
func (m *Manager) buildForm() fyne.CanvasObject {
	f := &m.form
	// No wrapping: a wrapped label in a centre layout is one word wide
	// and very tall, which would stretch the dialog.
	f.placeholder = &widget.Label{Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance}
	f.name = m.entry("")
	f.folder = widget.NewSelectEntry(nil)
	f.folder.PlaceHolder = "Top level"
	f.plainWarn = &widget.Label{Text: plainWarning, Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.plainWarn.Hide()
	f.port = m.entry("21 (default)")
	f.enc = &widget.Select{Options: []string{encLabels[session.Explicit], encLabels[session.Implicit], encLabels[session.Plain]}, OnChanged: m.encChanged}
	f.host = m.entry("ftp.example.com")
	f.logon = &widget.Select{Options: []string{logonLabels[sites.LogonNormal], logonLabels[sites.LogonAsk], logonLabels[sites.LogonAnonymous]}, OnChanged: m.logonChanged}
	f.user = m.entry("")
	f.password = esc.NewPasswordEntry(m.win)
	f.password.OnChanged = m.passwordTyped
	f.pwStatus = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	f.forget = &widget.Button{Text: "Forget password", OnTapped: m.forgetPassword}
	f.tls12 = &widget.Check{Text: "Use TLS 1.2 at most (for servers whose TLS 1.3 is broken)"}
	f.maxConns = m.entry(fmt.Sprintf("%d (default)", sites.DefaultMaxConns))
	f.localDir = m.entry("Ferry's default")
	f.remoteDir = m.entry("The login folder; www is inside it, /srv/www absolute")
	f.clientCert = m.entry("None (PEM or PKCS#12 file)")
	f.clientKey = m.entry("None, or in the certificate file (PEM)")
	f.notes = m.entry("")
	f.notes.MultiLine, f.notes.Wrapping = true, fyne.TextWrapWord
	f.errText = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.errText.Hide()
	f.saveBtn = &widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), OnTapped: m.saveTapped}
	f.connectBtn = &widget.Button{Text: "Connect", Importance: widget.HighImportance, OnTapped: m.connect}
	f.closeBtn = &widget.Button{Text: "Close", OnTapped: m.close}

	portBox := container.NewGridWrap(fyne.NewSize(120, f.port.MinSize().Height), f.port)
	f.general = &widget.Form{Items: []*widget.FormItem{
		{Text: "Name", Widget: f.name},
		{Text: "Folder", Widget: f.folder},
		{Text: "Encryption", Widget: container.NewVBox(f.enc, f.plainWarn)},
		{Text: "Host", Widget: container.NewBorder(nil, nil, nil, container.NewHBox(&widget.Label{Text: "Port"}, portBox), f.host)},
		{Text: "Logon type", Widget: f.logon},
		{Text: "User", Widget: f.user},
		{Text: "Password", Widget: container.NewVBox(f.password, container.NewBorder(nil, nil, nil, f.forget, f.pwStatus))},
	}}
	advanced := &widget.Form{Items: []*widget.FormItem{
		{Text: "TLS", Widget: f.tls12},
		{Text: "Max connections", Widget: f.maxConns},
		{Text: "Local folder", Widget: m.withBrowse(f.localDir, true)},
		{Text: "Remote folder", Widget: f.remoteDir},
		{Text: "Client certificate", Widget: m.withBrowse(f.clientCert, false)},
		{Text: "Client key", Widget: m.withBrowse(f.clientKey, false)},
	}}
	tabs := container.NewAppTabs(
		container.NewTabItem("General", container.NewVScroll(f.general)),
		container.NewTabItem("Advanced", container.NewVScroll(advanced)),
		container.NewTabItem("Notes", f.notes),
	)
	f.formBox = container.NewBorder(nil, f.errText, nil, nil, tabs)
	f.right = container.NewStack(f.formBox, container.NewCenter(f.placeholder))
	return f.right
}

// withBrowse puts a Browse… button after entry, choosing a folder (dir) or
// a file.
func (m *Manager) withBrowse(entry *esc.Entry, dir bool) fyne.CanvasObject {
	browse := func() {
		var d *dialog.FileDialog
		if dir {
			d = dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
				m.picked(entry, u, err)
			}, m.win)
		} else {
			d = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				var u fyne.URI
				if r != nil {
					u = r.URI()
					r.Close() // only the name is wanted
				}
				m.picked(entry, u, err)
			}, m.win)
		}
		d.Resize(fyne.NewSize(800, 520))
		esc.Dialog(m.win, d)
		d.Show()
	}
	b := &widget.Button{Text: "Browse…", OnTapped: browse}
	if m.browse == nil {
		m.browse = map[*esc.Entry]*widget.Button{}
	}
	m.browse[entry] = b
	return container.NewBorder(nil, nil, nil, b, entry)
}

// picked puts the path of a chosen file or folder in entry.
func (m *Manager) picked(entry *esc.Entry, u fyne.URI, err error) {
	switch {
	case err != nil:
		esc.ShowError(err, m.win)
	case u == nil: // cancelled
	case u.Scheme() != "file":
		esc.ShowError(fmt.Errorf("%s is not a local file", u.Name()), m.win)
	default:
		entry.SetText(u.Path())
	}
}

func (m *Manager) setEditing(on bool) {
	m.editing = on
	if on {
		m.formBox.Show()
		m.placeholder.Hide()
	} else {
		m.formBox.Hide()
		m.placeholder.Show()
	}
	m.right.Refresh() // lay out what became visible
	m.setError("")
	m.updateButtons()
}

// setError shows msg under the form, or hides the line when msg is "".
func (m *Manager) setError(msg string) {
	m.errText.SetText(msg)
	if msg == "" {
		m.errText.Hide()
	} else {
		m.errText.Show()
	}
	m.formBox.Refresh()
}

// loadSite shows site s in the form; checkKeyring asks the keyring whether
// it holds the site's password.
func (m *Manager) loadSite(s sites.Site, checkKeyring bool) {
	m.gen++
	m.cur = s
	m.fill(s)
	m.loaded = m.readForm()
	m.setEditing(true)
	if checkKeyring {
		m.checkPassword()
	}
}

// fill puts site s in the form, with an empty password entry.
func (m *Manager) fill(s sites.Site) {
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	m.name.SetText(s.Name)
	m.folder.SetText(s.Folder)
	m.enc.SetSelected(encLabels[s.Encryption])
	m.host.SetText(s.Host)
	m.port.SetText(num(s.Port))
	m.logon.SetSelected(logonLabels[s.Logon])
	m.user.SetText(s.User)
	m.password.SetText("")
	m.tls12.SetChecked(s.TLS12Max)
	m.maxConns.SetText(num(s.MaxConns))
	m.localDir.SetText(s.LocalDir)
	m.remoteDir.SetText(s.RemoteDir)
	m.clientCert.SetText(s.ClientCert)
	m.clientKey.SetText(s.ClientKey)
	m.notes.SetText(s.Notes)
}

func (m *Manager) readForm() formState {
	return formState{
		name: m.name.Text, folder: m.folder.Text, enc: m.enc.Selected, host: m.host.Text,
		port: m.port.Text, logon: m.logon.Selected, user: m.user.Text, password: m.password.Text,
		tls12: m.tls12.Checked, maxConns: m.maxConns.Text, localDir: m.localDir.Text,
		remoteDir: m.remoteDir.Text, clientCert: m.clientCert.Text, clientKey: m.clientKey.Text,
		notes: m.notes.Text,
	}
}

// dirty reports whether the form has changes not saved yet.
func (m *Manager) dirty() bool {
	return m.editing && m.readForm() != m.loaded
}

// siteFromForm returns base changed as the form says. The password is not
// part of a Site.
func siteFromForm(f formState, base sites.Site) (sites.Site, error) {
	s := base
	s.Name = strings.TrimSpace(f.name)
	s.Folder = strings.TrimSpace(f.folder)
	s.Encryption = encFromLabel(f.enc)
	s.AllowPlain = s.Encryption == session.Plain // chosen in the form: explicitly asked for
	s.Host = strings.TrimSpace(f.host)
	s.Logon = logonFromLabel(f.logon)
	s.User = f.user
	s.TLS12Max = f.tls12
	s.LocalDir = f.localDir
	s.RemoteDir = strings.TrimSpace(f.remoteDir)
	s.ClientCert = f.clientCert
	s.ClientKey = f.clientKey
	s.Notes = f.notes
	var err error
	if s.Port, err = optionalInt(f.port, "the port"); err != nil {
		return base, err
	}
	if s.MaxConns, err = optionalInt(f.maxConns, "the maximum number of connections"); err != nil {
		return base, err
	}
	return s, nil
}

// optionalInt reads a number field, where empty means 0 (the default).
func optionalInt(text, what string) (int, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a whole number: enter a number, or leave it empty for the default", what, t)
	}
	return n, nil
}

func (m *Manager) encChanged(label string) {
	e := encFromLabel(label)
	m.port.SetPlaceHolder(fmt.Sprintf("%d (default)", sites.DefaultPort(e)))
	if e == session.Plain {
		m.plainWarn.Show()
	} else {
		m.plainWarn.Hide()
	}
	m.general.Refresh()
}

func (m *Manager) logonChanged(string)  { m.updatePassword() }
func (m *Manager) passwordTyped(string) { m.updatePassword() }

// updatePassword shows what is known of the password: the status line, and
// whether the entry and Forget password can be used.
func (m *Manager) updatePassword() {
	var text string
	importance := widget.LowImportance
	normal := logonFromLabel(m.logon.Selected) == sites.LogonNormal
	switch {
	case !normal && logonFromLabel(m.logon.Selected) == sites.LogonAsk:
		text = statusAsk
	case !normal:
		text = statusAnonymous
	case m.pw == pwChecking:
		text = statusChecking
	case m.pw == pwSaving:
		text = statusSaving
	case m.pw == pwUnavailable:
		text, importance = statusUnavailable, widget.WarningImportance
	case m.pw == pwTimeout:
		text, importance = statusTimeout, widget.WarningImportance
	case m.password.Text != "":
		text = statusTyped
	case m.pw == pwSaved:
		text, importance = statusSaved, widget.MediumImportance
	default:
		text = statusNotSaved
	}
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

// saveTapped is the Save button.
func (m *Manager) saveTapped() { m.save() }

// save checks the form and saves the site in the store, then a newly typed
// password in the keyring (off the UI goroutine). A site saved with the
// logon type "ask for password" or anonymous loses its saved password. On
// an error it shows it under the form, saves nothing and returns false.
func (m *Manager) save() bool {
	st := m.readForm()
	site, err := siteFromForm(st, m.cur)
	if err == nil {
		err = site.Validate()
	}
	if err == nil {
		if site.ID == "" {
			site, err = m.store.Add(site)
		} else if err = m.store.Update(site); err == nil {
			site, _ = m.store.Get(site.ID) // as the store cleaned it
		}
	}
	if err != nil {
		m.setError("Not saved: " + err.Error())
		return false
	}
	had, wasSaved := m.pw, m.cur.ID != ""
	m.reload()
	m.selUID = siteUID(site.ID)
	m.openTo(site.Folder)
	m.selectQuietly(m.selUID)
	m.gen++ // answers about the form as it was are stale
	m.cur = site
	m.fill(site)
	m.loaded = m.readForm()
	m.setError("")
	switch {
	case site.Logon == sites.LogonNormal && st.password != "":
		m.storePassword(site.ID, st.password)
	case site.Logon != sites.LogonNormal && wasSaved && (had == pwSaved || had == pwChecking):
		m.deletePassword() // "ask" and anonymous never keep one
	case had == pwChecking || had == pwSaving:
		m.checkPassword()
	}
	m.updatePassword()
	m.updateButtons()
	return true
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
	m.logon.SetSelected(logonLabels[sites.LogonAsk])
	m.loaded.logon = m.logon.Selected
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

// connect is the Connect button: it saves the site if it has unsaved
// changes (a new site always), finds its password and hands both to
// OnConnect.
func (m *Manager) connect() {
	if m.connecting || !m.editing {
		return
	}
	typed := ""
	if logonFromLabel(m.logon.Selected) == sites.LogonNormal {
		typed = m.password.Text
	}
	if (m.cur.ID == "" || m.dirty()) && !m.save() {
		return
	}
	site := m.cur
	if site.Logon != sites.LogonNormal || typed != "" {
		m.finishConnect(site, typed)
		return
	}
	m.connecting = true
	m.updateButtons()
	m.pw = pwChecking
	m.updatePassword()
	gen, sec := m.gen, m.secrets
	m.background(1, func(ctx context.Context) func() {
		// No one to ask here: without a saved password, OnConnect's
		// caller asks (through sites.Password too).
		a, err := sites.Password(ctx, site, sec, nil)
		return func() {
			m.connecting = false
			m.updateButtons()
			if gen != m.gen || !m.shown {
				return // the user moved on
			}
			m.pw = keyringState(err)
			m.updatePassword()
			m.finishConnect(site, a.Password)
		}
	})
}

func (m *Manager) finishConnect(site sites.Site, password string) {
	m.hide()
	if m.OnConnect != nil {
		m.OnConnect(site, password)
	}
}

// entry is a one-line entry of the manager's window, on which Escape
// closes the manager (asking about unsaved changes first).
func (m *Manager) entry(placeholder string) *esc.Entry {
	e := esc.NewEntry(m.win)
	e.PlaceHolder = placeholder
	return e
}
