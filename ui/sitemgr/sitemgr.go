// The site manager is a dialog with the saved sites in their folders on
// the left and a form for the selected site on the right, to add, edit,
// duplicate, delete and connect to sites, import FileZilla's site manager
// and export the sites (without their passwords).
//
// Passwords live only in the system keyring, reached through [Secrets]. A
// keyring call can block (an unlock prompt over D-Bus), so the manager never
// makes one on the UI goroutine: each runs on its own goroutine and its
// result comes back through uido.Do. No password ever appears in a label, a
// log line or an error message.

package sitemgr

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/ui/dialogs"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Secrets is the keyring as the site manager uses it; *sites.Secrets is
// the real one. Every call may block, so the manager makes them only on its
// own goroutines, never on the UI goroutine, each with a context that has a
// deadline. Implementations must be safe for concurrent use, return
// sites.ErrNoSecret (wrapped or not) for a missing secret, and never put a
// secret in an error.
type Secrets interface {
	// Get reads a site's secret of the given kind (sites.SecretPassword,
	// sites.SecretKeyPassphrase).
	Get(ctx context.Context, siteID, kind string) (string, error)
	// Set stores a site's secret, replacing any older one.
	Set(ctx context.Context, siteID, kind, secret string) error
	// Delete removes a site's secret; a missing one is not an error.
	Delete(ctx context.Context, siteID, kind string) error
	// DeleteAll removes every secret of a site.
	DeleteAll(ctx context.Context, siteID string) error
	// Available reports whether a keyring answers, with the reason when not.
	Available(ctx context.Context) error
}

var _ Secrets = (*sites.Secrets)(nil)

// defaultKeyringTimeout bounds each keyring call the manager makes, on top
// of any timeout of the Secrets itself.
const defaultKeyringTimeout = 30 * time.Second

// Manager is the site manager dialog over one window. It edits the sites
// of a [sites.Store] and keeps their passwords in [Secrets].
//
// Edits are saved only by Save (or Connect): switching to another site,
// starting a new one, duplicating or closing with unsaved changes asks
// "Save changes to <name>?" with Save, Discard and Cancel.
//
// The password entry starts empty for every site; a status line under it
// says whether the keyring holds a password. A password typed there is
// saved in the keyring, under the site's ID, by Save, and then cleared from
// the entry; Forget password deletes the saved one, and so does saving the
// site as "ask for password" or anonymous. When the keyring refuses a
// password, the site is switched to "ask for password": a password is
// never kept anywhere else. Deleting a site deletes its secrets, Duplicate
// copies them, an import from FileZilla moves its saved passwords into the
// keyring, and Export writes no secret.
//
// A Manager is not safe for concurrent use: create it and call its methods
// on the UI goroutine (inside fyne.Do from other goroutines).
type Manager struct {
	// OnConnect, when set, is called on the UI goroutine when the user
	// presses Connect, after the site is saved and the manager has closed.
	// password is the password typed in the form just before, else the one
	// read from the keyring; it is "" for the logon types "ask for
	// password" and anonymous, and when no password is saved or the keyring
	// cannot be read: the caller then asks the user for it (or logs in
	// anonymously). The caller must not log or show it.
	OnConnect func(site sites.Site, password string)

	win     fyne.Window
	store   *sites.Store
	secrets Secrets

	// do runs a function on the UI goroutine: fyne.Do, replaced in tests by
	// a queue the test drains on its own goroutine.
	do             func(func())
	keyringTimeout time.Duration

	dlg   *dialog.CustomDialog
	shown bool
	unesc func() // ends Escape's hold on the manager while it is shown

	// The tree and the snapshot of the store it shows.
	tree       *widget.Tree
	folders    []string
	sites      map[string]sites.Site // by ID
	children   map[string][]string   // node ID → child node IDs, "" the top level
	selUID     string                // the node the right side shows; "" for nothing or a new site
	muteSelect bool                  // set while the manager itself moves the tree's selection

	newSiteBtn, newFolderBtn, dupBtn, delBtn, importBtn, exportBtn *widget.Button
	saveBtn, connectBtn, closeBtn                                  *widget.Button

	*siteForm             // the right side
	editing    bool       // the form is shown
	cur        sites.Site // the site as last loaded or saved; ID "" for a new one
	pw         pwState
	gen        int // bumped whenever the form shows another site: late keyring answers are dropped
	connecting bool
}

// New returns a site manager for the sites in store, with their passwords
// in secrets, shown over win by [Manager.Show]. Call it on the UI
// goroutine, after the app is created.
func New(win fyne.Window, store *sites.Store, secrets Secrets) *Manager {
	m := &Manager{
		win:            win,
		store:          store,
		secrets:        secrets,
		do:             uido.Do,
		keyringTimeout: defaultKeyringTimeout,
	}
	m.tree = &widget.Tree{
		ChildUIDs:  m.childUIDs,
		IsBranch:   isBranch,
		CreateNode: createNode,
		UpdateNode: m.updateNode,
		OnSelected: m.treeSelected,
	}
	m.newSiteBtn = &widget.Button{Text: "New site", Icon: theme.ContentAddIcon(), OnTapped: m.newSite}
	m.newFolderBtn = &widget.Button{Text: "New folder", Icon: theme.FolderNewIcon(), OnTapped: m.newFolder}
	m.dupBtn = &widget.Button{Text: "Duplicate", Icon: theme.ContentCopyIcon(), OnTapped: m.duplicate}
	m.delBtn = &widget.Button{Text: "Delete", Icon: theme.DeleteIcon(), OnTapped: m.deleteSelected}
	m.importBtn = &widget.Button{Text: "Import from FileZilla…", Icon: theme.DownloadIcon(), OnTapped: m.importDialog}
	m.exportBtn = &widget.Button{Text: "Export…", Icon: theme.UploadIcon(), OnTapped: m.exportDialog}
	m.saveBtn = &widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), OnTapped: m.saveTapped}
	m.connectBtn = &widget.Button{Text: "Connect", Importance: widget.HighImportance, OnTapped: m.connect}
	m.closeBtn = &widget.Button{Text: "Close", OnTapped: m.close}
	left := container.NewBorder(nil,
		container.NewVBox(
			container.NewGridWithColumns(2, m.newSiteBtn, m.newFolderBtn),
			container.NewGridWithColumns(2, m.dupBtn, m.delBtn),
			m.importBtn, m.exportBtn),
		nil, nil, m.tree)

	m.siteForm = newSiteForm(win, m.updatePassword, m.forgetPassword)
	split := container.NewHSplit(left, m.right)
	split.Offset = 0.3

	m.dlg = dialog.NewCustomWithoutButtons("Site Manager", split, win)
	m.dlg.SetButtons([]fyne.CanvasObject{m.closeBtn, m.saveBtn, m.connectBtn})
	m.reload()
	m.showNothing()
	return m
}

// Show opens the site manager over its window, reading the sites afresh
// from the store. It does nothing when the manager is already open.
func (m *Manager) Show() {
	if m.shown {
		return
	}
	m.shown = true
	m.reload()
	m.tree.OpenAllBranches()
	switch {
	case isSiteUID(m.selUID) && m.hasSite(siteIDOf(m.selUID)):
		m.loadSite(m.sites[siteIDOf(m.selUID)], true)
	case isFolderUID(m.selUID) && m.hasFolder(folderOf(m.selUID)):
		m.showFolder(folderOf(m.selUID))
	default:
		m.selUID = ""
		m.selectQuietly("")
		m.showNothing()
	}
	size := fyne.NewSize(900, 600)
	if cs := m.win.Canvas().Size(); cs.Width > 0 && cs.Height > 0 {
		size = size.Min(fyne.NewSize(cs.Width-2*theme.Padding(), cs.Height-2*theme.Padding()))
	}
	m.dlg.Resize(size)
	m.dlg.Show()
	m.unesc = esc.Push(m.win, m.close)
}

// close is the Close button: it asks about unsaved changes first.
func (m *Manager) close() {
	m.leave(m.hide, nil)
}

// hide closes the dialog; keyring answers still on their way are dropped.
func (m *Manager) hide() {
	m.shown = false
	if m.unesc != nil {
		m.unesc()
		m.unesc = nil
	}
	m.gen++
	m.password.SetText("")
	m.dlg.Hide()
}

// background runs work on its own goroutine with a context bounded by calls
// keyring calls' worth of time, then the function work returns, if any, on
// the UI goroutine. work must not touch widgets or the Manager's fields:
// give it copies.
func (m *Manager) background(calls int, work func(ctx context.Context) func()) {
	do, timeout := m.do, m.keyringTimeout*time.Duration(max(calls, 1))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		apply := work(ctx)
		cancel()
		if apply != nil {
			do(apply)
		}
	}()
}

// Tree node IDs: "f:<folder path>" for a folder, "s:<site ID>" for a site,
// "" for the top level.

func folderUID(p string) string {
	if p == "" {
		return ""
	}
	return "f:" + p
}

func siteUID(id string) string            { return "s:" + id }
func isFolderUID(uid string) bool         { return strings.HasPrefix(uid, "f:") }
func isSiteUID(uid string) bool           { return strings.HasPrefix(uid, "s:") }
func folderOf(uid string) string          { return strings.TrimPrefix(uid, "f:") }
func siteIDOf(uid string) string          { return strings.TrimPrefix(uid, "s:") }
func isBranch(uid widget.TreeNodeID) bool { return uid == "" || isFolderUID(uid) }

// parentFolder returns the folder holding folder p, "" for the top level.
func parentFolder(p string) string {
	if d := path.Dir(p); d != "." && d != "/" {
		return d
	}
	return ""
}

// reload takes a fresh snapshot of the store for the tree and the folder
// choices.
func (m *Manager) reload() {
	m.folders = m.store.Folders()
	m.sites = map[string]sites.Site{}
	m.children = map[string][]string{}
	for _, f := range m.folders {
		p := folderUID(parentFolder(f))
		m.children[p] = append(m.children[p], folderUID(f))
	}
	for _, kids := range m.children {
		sort.SliceStable(kids, func(i, j int) bool {
			return strings.ToLower(path.Base(folderOf(kids[i]))) < strings.ToLower(path.Base(folderOf(kids[j])))
		})
	}
	for _, s := range m.store.Sites() { // by folder, then name
		m.sites[s.ID] = s
		p := folderUID(s.Folder)
		m.children[p] = append(m.children[p], siteUID(s.ID))
	}
	m.folder.SetOptions(m.folders)
	m.tree.Refresh()
	m.updateButtons()
}

func (m *Manager) hasSite(id string) bool {
	_, ok := m.sites[id]
	return ok
}

func (m *Manager) hasFolder(p string) bool {
	for _, f := range m.folders {
		if f == p {
			return true
		}
	}
	return false
}

func (m *Manager) childUIDs(uid widget.TreeNodeID) []widget.TreeNodeID {
	return m.children[uid]
}

// createNode makes a tree row: an icon, then the name. Its Objects are
// [label, icon]: container.NewBorder puts the centre object first.
func createNode(bool) fyne.CanvasObject {
	return container.NewBorder(nil, nil, &widget.Icon{}, nil, &widget.Label{Truncation: fyne.TextTruncateEllipsis})
}

func (m *Manager) updateNode(uid widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	label, icon := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon)
	switch {
	case isFolderUID(uid):
		icon.SetResource(theme.FolderIcon())
		label.SetText(path.Base(folderOf(uid)))
	case isSiteUID(uid):
		s := m.sites[siteIDOf(uid)]
		if s.Insecure() {
			icon.SetResource(theme.WarningIcon())
		} else {
			icon.SetResource(theme.ComputerIcon())
		}
		label.SetText(s.Name)
	}
}

// treeSelected follows the user's choice in the tree, after asking about
// unsaved changes; on Cancel the selection goes back.
func (m *Manager) treeSelected(uid widget.TreeNodeID) {
	if m.muteSelect || uid == m.selUID {
		return
	}
	prev := m.selUID
	m.leave(func() { m.showNode(uid) }, func() { m.selectQuietly(prev) })
}

// selectQuietly moves the tree's selection without acting on it.
func (m *Manager) selectQuietly(uid string) {
	m.muteSelect = true
	defer func() { m.muteSelect = false }()
	if uid == "" {
		m.tree.UnselectAll()
		return
	}
	m.tree.Select(uid)
}

// showNode shows the site or folder uid on the right and selects it in the
// tree.
func (m *Manager) showNode(uid string) {
	m.selUID = uid
	m.selectQuietly(uid)
	switch {
	case isSiteUID(uid) && m.hasSite(siteIDOf(uid)):
		s := m.sites[siteIDOf(uid)]
		m.openTo(s.Folder)
		m.loadSite(s, true)
	case isFolderUID(uid):
		m.showFolder(folderOf(uid))
	default:
		m.selUID = ""
		m.selectQuietly("")
		m.showNothing()
	}
}

// openTo opens folder p and the folders above it in the tree.
func (m *Manager) openTo(p string) {
	for ; p != ""; p = parentFolder(p) {
		m.tree.OpenBranch(folderUID(p))
	}
}

// currentFolder is where New site and New folder put what they make: the
// selected folder, or the folder of the site shown.
func (m *Manager) currentFolder() string {
	switch {
	case isFolderUID(m.selUID):
		return folderOf(m.selUID)
	case m.editing:
		return m.cur.Folder
	}
	return ""
}

// showFolder shows a folder's summary on the right.
func (m *Manager) showFolder(p string) {
	n := 0
	for _, s := range m.sites {
		if s.Folder == p || strings.HasPrefix(s.Folder, p+"/") {
			n++
		}
	}
	what := "no sites"
	switch n {
	case 0:
	case 1:
		what = "1 site"
	default:
		what = fmt.Sprintf("%d sites", n)
	}
	m.showPlaceholder(fmt.Sprintf("Folder “%s” holds %s.\nSelect a site, or press New site to add one here.", p, what))
}

// showNothing shows the hint for when nothing is selected.
func (m *Manager) showNothing() {
	text := "Select a site on the left, or press New site."
	if len(m.sites) == 0 {
		text = "No saved sites yet.\nPress New site to add one, or import FileZilla's site manager."
	}
	m.showPlaceholder(text)
}

func (m *Manager) showPlaceholder(text string) {
	m.gen++
	m.cur = sites.Site{}
	m.blank(text)
	m.setEditing(false)
}

// setEditing shows the form (on) or the placeholder.
func (m *Manager) setEditing(on bool) {
	m.editing = on
	m.show(on)
	m.updateButtons()
}

// loadSite shows site s in the form; checkKeyring asks the keyring whether
// it holds the site's password.
func (m *Manager) loadSite(s sites.Site, checkKeyring bool) {
	m.gen++
	m.cur = s
	m.fill(s)
	m.setEditing(true)
	if checkKeyring {
		m.checkPassword()
	}
}

// dirty reports whether the form has changes not saved yet.
func (m *Manager) dirty() bool {
	return m.editing && m.changed()
}

// updateButtons enables the buttons that can act on what is shown.
func (m *Manager) updateButtons() {
	saved := m.editing && m.cur.ID != ""
	enable(m.dupBtn, saved)
	enable(m.delBtn, saved || isFolderUID(m.selUID))
	enable(m.saveBtn, m.editing)
	enable(m.connectBtn, m.editing && !m.connecting)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// leave runs then once the form may be left: at once when it has no
// unsaved changes, else after asking "Save changes to <name>?": Save (then
// runs only if saving works), Discard, or Cancel (cancel runs, if not nil).
func (m *Manager) leave(then, cancel func()) {
	if !m.dirty() {
		then()
		return
	}
	if cancel == nil {
		cancel = func() {}
	}
	name := strings.TrimSpace(m.name.Text)
	if name == "" {
		name = "the new site"
	} else {
		name = "“" + name + "”"
	}
	var d *dialog.CustomDialog
	var unesc func()
	answer := func(f func()) func() {
		return func() {
			unesc()
			d.Hide()
			f()
		}
	}
	d = dialog.NewCustomWithoutButtons("Save changes to "+name+"?",
		&widget.Label{Text: "The site has changes that are not saved yet."}, m.win)
	d.SetButtons([]fyne.CanvasObject{
		&widget.Button{Text: "Cancel", OnTapped: answer(cancel)},
		&widget.Button{Text: "Discard", OnTapped: answer(then)},
		&widget.Button{Text: "Save", Importance: widget.HighImportance, OnTapped: answer(func() {
			if m.save() {
				then()
			} else {
				cancel()
			}
		})},
	})
	unesc = esc.Push(m.win, answer(cancel))
	d.Show()
}

// newSite starts a new, unsaved site in the current folder.
func (m *Manager) newSite() {
	m.leave(m.startNewSite, nil)
}

func (m *Manager) startNewSite() {
	folder := m.currentFolder()
	m.selUID = ""
	m.selectQuietly("")
	m.loadSite(sites.Site{Name: m.uniqueName(folder, "New site"), Folder: folder}, true)
	m.win.Canvas().Focus(m.name)
}

// uniqueName returns base, or base with a number, so that no site in
// folder has that name.
func (m *Manager) uniqueName(folder, base string) string {
	taken := map[string]bool{}
	for _, s := range m.sites {
		if s.Folder == folder {
			taken[strings.ToLower(s.Name)] = true
		}
	}
	name := base
	for i := 2; taken[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s %d", base, i)
	}
	return name
}

// newFolder asks for a folder name and creates it in the current folder.
func (m *Manager) newFolder() {
	parent := m.currentFolder()
	hint := "At the top level"
	if parent != "" {
		hint = "Inside “" + parent + "”"
	}
	dialogs.AskName(m.win, "New folder", "Create", "", hint, func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("enter a name")
		}
		return nil
	}, func(name string) { m.createFolder(parent, name) })
}

// createFolder makes folder name inside parent and selects it.
func (m *Manager) createFolder(parent, name string) {
	full := strings.TrimSpace(name)
	if parent != "" {
		full = parent + "/" + full // ".." and the like are refused by the store
	}
	if err := m.store.AddFolder(full); err != nil {
		esc.ShowError(err, m.win)
		return
	}
	m.reload()
	for _, f := range m.folders { // the store's spelling of it
		if strings.EqualFold(f, strings.Trim(full, "/ ")) {
			full = f
		}
	}
	m.openTo(parentFolder(full))
	m.tree.Select(folderUID(full)) // asks about unsaved changes
}

// duplicate copies the site shown, with its secrets, and shows the copy.
func (m *Manager) duplicate() {
	m.leave(m.duplicateNow, nil)
}

func (m *Manager) duplicateNow() {
	from := m.cur.ID
	if from == "" {
		return
	}
	dup, err := m.store.Duplicate(from)
	if err != nil {
		esc.ShowError(err, m.win)
		return
	}
	m.reload()
	m.selUID = siteUID(dup.ID)
	m.selectQuietly(m.selUID)
	m.loadSite(dup, false)
	m.pw = pwChecking
	m.updatePassword()
	sec, name := m.secrets, dup.Name
	m.background(4, func(ctx context.Context) func() {
		err := copySecrets(ctx, sec, from, dup.ID)
		return func() {
			if err != nil {
				esc.ShowError(fmt.Errorf("“%s” is saved, but its password could not be copied: %w", name, err), m.win)
			}
			if m.editing && m.cur.ID == dup.ID {
				m.checkPassword()
			}
		}
	})
}

// deleteSelected deletes the site shown or the selected (empty) folder,
// after asking.
func (m *Manager) deleteSelected() {
	switch {
	case m.editing && m.cur.ID != "":
		id, name := m.cur.ID, m.cur.Name
		esc.ShowDangerConfirm("Delete site",
			fmt.Sprintf("Delete the site “%s”?\nIts saved password is removed from the system keyring too.", name),
			"Delete", func() { m.deleteSite(id, name) }, m.win)
	case isFolderUID(m.selUID):
		p := folderOf(m.selUID)
		if len(m.children[m.selUID]) > 0 {
			esc.ShowInformation("Folder not empty",
				fmt.Sprintf("The folder “%s” holds sites or folders: move or delete them first.", p), m.win)
			return
		}
		esc.ShowDangerConfirm("Delete folder", fmt.Sprintf("Delete the empty folder “%s”?", p),
			"Delete", func() { m.deleteFolder(p) }, m.win)
	}
}

// deleteSite deletes a site from the store, then its secrets from the
// keyring.
func (m *Manager) deleteSite(id, name string) {
	if err := m.store.Delete(id); err != nil {
		esc.ShowError(err, m.win)
		return
	}
	m.reload()
	if m.cur.ID == id {
		m.selUID = ""
		m.selectQuietly("")
		m.showNothing()
	}
	sec, win := m.secrets, m.win
	m.background(2, func(ctx context.Context) func() {
		err := sec.DeleteAll(ctx, id)
		if err == nil {
			return nil
		}
		return func() {
			esc.ShowError(fmt.Errorf("“%s” is deleted, but its password could not be removed from the system keyring: %w", name, err), win)
		}
	})
}

func (m *Manager) deleteFolder(p string) {
	if err := m.store.RemoveFolder(p); err != nil {
		esc.ShowError(err, m.win)
		return
	}
	m.reload()
	if m.selUID == folderUID(p) {
		m.selUID = ""
		m.selectQuietly("")
		m.showNothing()
	}
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

// connect is the Connect button: it saves the site if it has unsaved
// changes (a new site always), finds its password and hands both to
// OnConnect.
func (m *Manager) connect() {
	if m.connecting || !m.editing {
		return
	}
	typed := ""
	if m.logonType() == sites.LogonNormal {
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
