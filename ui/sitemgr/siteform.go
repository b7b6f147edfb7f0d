package sitemgr

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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

const plainWarning = "Insecure: the password and every file cross the network unencrypted."

// formState is the raw content of the form, to tell unsaved changes.
type formState struct {
	name, folder, enc, host, port, logon, user, password string
	tls12                                                bool
	maxConns, localDir, remoteDir, clientCert, clientKey string
	notes                                                string
}

// siteForm is the right side of the manager: the fields of one site,
// filled from a Site and read back into one, the line that says what is
// wrong with them, and the placeholder shown when no site is. It knows
// nothing of the store or the keyring: the manager drives the password
// entry, its status line and Forget password. Used on the UI goroutine
// only.
type siteForm struct {
	win fyne.Window

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

	loaded formState // the form as last filled or saved
}

// newSiteForm builds the form over win. passwordChanged runs when the
// logon type or the password entry changes, forget when Forget password
// is pressed.
func newSiteForm(win fyne.Window, passwordChanged, forget func()) *siteForm {
	f := &siteForm{win: win}
	// No wrapping: a wrapped label in a centre layout is one word wide
	// and very tall, which would stretch the dialog.
	f.placeholder = &widget.Label{Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance}
	f.name = f.entry("")
	f.folder = widget.NewSelectEntry(nil)
	f.folder.PlaceHolder = "Top level"
	f.plainWarn = &widget.Label{Text: plainWarning, Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.plainWarn.Hide()
	f.port = f.entry("21 (default)")
	f.enc = &widget.Select{Options: []string{encLabels[session.Explicit], encLabels[session.Implicit], encLabels[session.Plain]}, OnChanged: f.encChanged}
	f.host = f.entry("ftp.example.com")
	f.logon = &widget.Select{Options: []string{logonLabels[sites.LogonNormal], logonLabels[sites.LogonAsk], logonLabels[sites.LogonAnonymous]},
		OnChanged: func(string) { passwordChanged() }}
	f.user = f.entry("")
	f.password = esc.NewPasswordEntry(win)
	f.password.OnChanged = func(string) { passwordChanged() }
	f.pwStatus = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	f.forget = &widget.Button{Text: "Forget password", OnTapped: forget}
	f.tls12 = &widget.Check{Text: "Use TLS 1.2 at most (for servers whose TLS 1.3 is broken)"}
	f.maxConns = f.entry(fmt.Sprintf("%d (default)", sites.DefaultMaxConns))
	f.localDir = f.entry("Ferry's default")
	f.remoteDir = f.entry("The login folder; www is inside it, /srv/www absolute")
	f.clientCert = f.entry("None (PEM or PKCS#12 file)")
	f.clientKey = f.entry("None, or in the certificate file (PEM)")
	f.notes = f.entry("")
	f.notes.MultiLine, f.notes.Wrapping = true, fyne.TextWrapWord
	f.errText = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.errText.Hide()
	f.layout()
	return f
}

// layout puts the fields in tabs, the error line under them, and the
// placeholder in their place when no site is shown.
func (f *siteForm) layout() {
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
		{Text: "Local folder", Widget: f.withBrowse(f.localDir, true)},
		{Text: "Remote folder", Widget: f.remoteDir},
		{Text: "Client certificate", Widget: f.withBrowse(f.clientCert, false)},
		{Text: "Client key", Widget: f.withBrowse(f.clientKey, false)},
	}}
	tabs := container.NewAppTabs(
		container.NewTabItem("General", container.NewVScroll(f.general)),
		container.NewTabItem("Advanced", container.NewVScroll(advanced)),
		container.NewTabItem("Notes", f.notes),
	)
	f.formBox = container.NewBorder(nil, f.errText, nil, nil, tabs)
	f.right = container.NewStack(f.formBox, container.NewCenter(f.placeholder))
}

// entry is a one-line entry of the manager's window, on which Escape
// closes the manager (asking about unsaved changes first).
func (f *siteForm) entry(placeholder string) *esc.Entry {
	e := esc.NewEntry(f.win)
	e.PlaceHolder = placeholder
	return e
}

// withBrowse puts a Browse… button after entry, choosing a folder (dir) or
// a file.
func (f *siteForm) withBrowse(entry *esc.Entry, dir bool) fyne.CanvasObject {
	browse := func() {
		var d *dialog.FileDialog
		if dir {
			d = dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
				f.picked(entry, u, err)
			}, f.win)
		} else {
			d = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				var u fyne.URI
				if r != nil {
					u = r.URI()
					r.Close() // only the name is wanted
				}
				f.picked(entry, u, err)
			}, f.win)
		}
		showFileDialog(f.win, d)
	}
	b := &widget.Button{Text: "Browse…", OnTapped: browse}
	if f.browse == nil {
		f.browse = map[*esc.Entry]*widget.Button{}
	}
	f.browse[entry] = b
	return container.NewBorder(nil, nil, nil, b, entry)
}

// showFileDialog shows a file dialog over win, at the size the site
// manager's file dialogs have; Escape closes it.
func showFileDialog(win fyne.Window, d *dialog.FileDialog) {
	d.Resize(fyne.NewSize(800, 520))
	esc.Dialog(win, d)
	d.Show()
}

// picked puts the path of a chosen file or folder in entry.
func (f *siteForm) picked(entry *esc.Entry, u fyne.URI, err error) {
	switch {
	case err != nil:
		esc.ShowError(err, f.win)
	case u == nil: // cancelled
	case u.Scheme() != "file":
		esc.ShowError(fmt.Errorf("%s is not a local file", u.Name()), f.win)
	default:
		entry.SetText(u.Path())
	}
}

// show shows the fields (on) or the placeholder, with no error line.
func (f *siteForm) show(on bool) {
	if on {
		f.formBox.Show()
		f.placeholder.Hide()
	} else {
		f.formBox.Hide()
		f.placeholder.Show()
	}
	f.right.Refresh() // lay out what became visible
	f.setError("")
}

// blank forgets the form's content and puts text in the placeholder.
func (f *siteForm) blank(text string) {
	f.loaded = formState{}
	f.password.SetText("")
	f.placeholder.SetText(text)
}

// setError shows msg under the form, or hides the line when msg is "".
func (f *siteForm) setError(msg string) {
	f.errText.SetText(msg)
	if msg == "" {
		f.errText.Hide()
	} else {
		f.errText.Show()
	}
	f.formBox.Refresh()
}

// fill puts site s in the form, with an empty password entry, as the
// content that has no unsaved changes.
func (f *siteForm) fill(s sites.Site) {
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	f.name.SetText(s.Name)
	f.folder.SetText(s.Folder)
	f.enc.SetSelected(encLabels[s.Encryption])
	f.host.SetText(s.Host)
	f.port.SetText(num(s.Port))
	f.logon.SetSelected(logonLabels[s.Logon])
	f.user.SetText(s.User)
	f.password.SetText("")
	f.tls12.SetChecked(s.TLS12Max)
	f.maxConns.SetText(num(s.MaxConns))
	f.localDir.SetText(s.LocalDir)
	f.remoteDir.SetText(s.RemoteDir)
	f.clientCert.SetText(s.ClientCert)
	f.clientKey.SetText(s.ClientKey)
	f.notes.SetText(s.Notes)
	f.loaded = f.readForm()
}

func (f *siteForm) readForm() formState {
	return formState{
		name: f.name.Text, folder: f.folder.Text, enc: f.enc.Selected, host: f.host.Text,
		port: f.port.Text, logon: f.logon.Selected, user: f.user.Text, password: f.password.Text,
		tls12: f.tls12.Checked, maxConns: f.maxConns.Text, localDir: f.localDir.Text,
		remoteDir: f.remoteDir.Text, clientCert: f.clientCert.Text, clientKey: f.clientKey.Text,
		notes: f.notes.Text,
	}
}

// changed reports whether the fields differ from what was filled in.
func (f *siteForm) changed() bool { return f.readForm() != f.loaded }

// logonType is the logon type chosen.
func (f *siteForm) logonType() sites.LogonType { return logonFromLabel(f.logon.Selected) }

// setLogon chooses the logon type l, as saved (not an unsaved change).
func (f *siteForm) setLogon(l sites.LogonType) {
	f.logon.SetSelected(logonLabels[l])
	f.loaded.logon = f.logon.Selected
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

func (f *siteForm) encChanged(label string) {
	e := encFromLabel(label)
	f.port.SetPlaceHolder(fmt.Sprintf("%d (default)", sites.DefaultPort(e)))
	if e == session.Plain {
		f.plainWarn.Show()
	} else {
		f.plainWarn.Hide()
	}
	f.general.Refresh()
}
