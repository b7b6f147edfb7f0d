package sitemgr

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// uiQueue stands in for fyne.Do: what the manager's goroutines hand to the
// UI goroutine waits here until the test goroutine runs it, so widgets are
// only ever touched by the test goroutine.
type uiQueue struct {
	mu     sync.Mutex
	fns    []func()
	posted int
}

func (q *uiQueue) do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.posted++
	q.mu.Unlock()
}

func (q *uiQueue) count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.posted
}

func (q *uiQueue) run() {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// fakeSecrets is a keyring in memory. With down set, it answers every call
// with that error, as go-keyring does without a Secret Service.
type fakeSecrets struct {
	mu      sync.Mutex
	secrets map[string]string // "siteID/kind"
	down    error
}

func newFakeSecrets() *fakeSecrets { return &fakeSecrets{secrets: map[string]string{}} }

func (f *fakeSecrets) Get(_ context.Context, id, kind string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down != nil {
		return "", f.down
	}
	v, ok := f.secrets[id+"/"+kind]
	if !ok {
		return "", sites.ErrNoSecret
	}
	return v, nil
}

func (f *fakeSecrets) Set(_ context.Context, id, kind, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down != nil {
		return f.down
	}
	f.secrets[id+"/"+kind] = secret
	return nil
}

func (f *fakeSecrets) Delete(_ context.Context, id, kind string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down != nil {
		return f.down
	}
	delete(f.secrets, id+"/"+kind)
	return nil
}

func (f *fakeSecrets) DeleteAll(ctx context.Context, id string) error {
	return errors.Join(f.Delete(ctx, id, sites.SecretPassword), f.Delete(ctx, id, sites.SecretKeyPassphrase))
}

func (f *fakeSecrets) Available(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.down
}

func (f *fakeSecrets) password(id string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.secrets[id+"/"+sites.SecretPassword]
	return v, ok
}

func (f *fakeSecrets) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.secrets)
}

var errNoKeyring = fmt.Errorf("reading the password from the keyring: %w (dbus: no session bus)", sites.ErrKeyringUnavailable)

type fixture struct {
	t     *testing.T
	store *sites.Store
	w     fyne.Window
	m     *Manager
	q     *uiQueue
}

// newFixture makes a 1000×700 window with a site manager over a fresh
// store holding sites, not shown yet.
func newFixture(t *testing.T, sec Secrets, list ...sites.Site) *fixture {
	t.Helper()
	test.NewTempApp(t)
	store, err := sites.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if _, err := store.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	w := test.NewTempWindow(t, &widget.Label{Text: "Ferry"})
	w.Resize(fyne.NewSize(1000, 700))
	q := &uiQueue{}
	m := New(w, store, sec)
	m.do = q.do
	return &fixture{t: t, store: store, w: w, m: m, q: q}
}

// waitFor runs the UI queue until cond holds, for at most 5 s.
func (f *fixture) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.q.run()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (f *fixture) waitStatus(want string) {
	f.t.Helper()
	f.waitFor(fmt.Sprintf("the password status %q (it is %q)", want, f.m.pwStatus.Text), func() bool { return f.m.pwStatus.Text == want })
}

// site returns the stored site named name.
func (f *fixture) site(name string) sites.Site {
	f.t.Helper()
	s, err := f.store.Find(name)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) selectSite(name string) {
	f.t.Helper()
	f.m.tree.Select(siteUID(f.site(name).ID))
}

// retype replaces the text of an entry by typing, as a user would.
func retype(e *esc.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// overlayDepth is the number of overlays (dialogs) over the window.
func (f *fixture) overlayDepth() int { return len(f.w.Canvas().Overlays().List()) }

// topText returns the text of every label in the topmost dialog.
func (f *fixture) topText() string {
	top := f.w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, o := range test.LaidOutObjects(top) {
		switch t := o.(type) {
		case *widget.Label:
			b.WriteString(t.Text + "\n")
		case *canvas.Text: // a form's hint
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}

// tapInTop taps the button labelled text in the topmost dialog.
func (f *fixture) tapInTop(text string) {
	f.t.Helper()
	top := f.w.Canvas().Overlays().Top()
	if top == nil {
		f.t.Fatalf("no dialog to tap %q in", text)
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := esc.AsButton(o); ok && b.Text == text && b.Visible() {
			test.Tap(b)
			return
		}
	}
	f.t.Fatalf("no button %q in the top dialog (it says %q)", text, f.topText())
}

// allText returns the text of every label and entry on the canvas,
// dialogs included, to check that no password shows anywhere.
func (f *fixture) allText() string {
	var b strings.Builder
	objs := []fyne.CanvasObject{f.w.Canvas().Content()}
	objs = append(objs, f.w.Canvas().Overlays().List()...)
	for _, root := range objs {
		for _, o := range test.LaidOutObjects(root) {
			switch w := o.(type) {
			case *widget.Label:
				b.WriteString(w.Text + "\n")
			}
			if e, ok := esc.AsEntry(o); ok && !e.Password {
				b.WriteString(e.Text + "\n")
			}
		}
	}
	return b.String()
}

func TestNewSiteIsSavedWithItsPasswordInTheKeyring(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec)
	f.m.Show()
	if f.m.editing {
		t.Fatal("the form shows with no site selected")
	}
	test.Tap(f.m.newSiteBtn)
	if !f.m.editing || f.m.name.Text != "New site" {
		t.Fatalf("New site: editing %v, name %q", f.m.editing, f.m.name.Text)
	}
	if f.w.Canvas().Focused() != f.m.name {
		t.Error("the name entry is not focused for a new site")
	}
	f.waitStatus(statusNotSaved)

	retype(f.m.name, "Office NAS")
	test.Type(f.m.host, "nas.example.com")
	test.Type(f.m.port, "2121")
	test.Type(f.m.user, "maria")
	test.Type(f.m.password, "s3cret!")
	if f.m.pwStatus.Text != statusTyped {
		t.Errorf("status after typing a password: %q", f.m.pwStatus.Text)
	}
	test.Type(f.m.remoteDir, "/pub")
	test.Type(f.m.notes, "The NAS in the back office")
	test.Tap(f.m.tls12)
	test.Tap(f.m.saveBtn)
	f.waitStatus(statusSaved)

	s := f.site("Office NAS")
	want := sites.Site{ID: s.ID, Name: "Office NAS", Host: "nas.example.com", Port: 2121, User: "maria",
		RemoteDir: "/pub", Notes: "The NAS in the back office", TLS12Max: true}
	if s != want {
		t.Errorf("stored %+v\nwant   %+v", s, want)
	}
	if pw, _ := sec.password(s.ID); pw != "s3cret!" {
		t.Errorf("the keyring holds %q under the site's ID", pw)
	}
	if f.m.password.Text != "" {
		t.Error("the password entry still holds the password after Save")
	}
	if f.m.dirty() {
		t.Error("the form is dirty right after Save")
	}
	if f.m.tree.IsBranch(siteUID(s.ID)) || len(f.m.childUIDs("")) != 1 || f.m.childUIDs("")[0] != siteUID(s.ID) {
		t.Errorf("tree top level: %v", f.m.childUIDs(""))
	}
	if strings.Contains(f.allText(), "s3cret!") {
		t.Error("the password shows on the canvas")
	}
	if f.m.dupBtn.Disabled() || f.m.delBtn.Disabled() {
		t.Error("Duplicate or Delete is disabled for a saved site")
	}

	// Editing: a change of host is saved under the same ID, the password
	// stays.
	retype(f.m.host, "nas2.example.com")
	test.Tap(f.m.saveBtn)
	f.q.run()
	if s2 := f.site("Office NAS"); s2.ID != s.ID || s2.Host != "nas2.example.com" {
		t.Errorf("after the edit: %+v", s2)
	}
	if pw, _ := sec.password(s.ID); pw != "s3cret!" {
		t.Error("an edit without a new password changed the saved one")
	}
}

func TestInvalidFormShowsTheErrorAndSavesNothing(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec)
	f.m.Show()
	for _, tc := range []struct {
		name, host, port, maxConns string
		want                       string
	}{
		{"no host", "", "", "", "the host is empty"},
		{"URL as host", "ftp://x.example", "", "", "is a URL"},
		{"port not a number", "x.example", "abc", "", `the port "abc" is not a whole number`},
		{"port out of range", "x.example", "70000", "", "out of range"},
		{"bad max connections", "x.example", "", "-1", "at least 1"},
		{"no name", "x.example", "", "", "needs a name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test.Tap(f.m.newSiteBtn)
			f.waitStatus(statusNotSaved)
			if tc.name == "no name" {
				f.m.name.SetText("")
			}
			test.Type(f.m.host, tc.host)
			test.Type(f.m.port, tc.port)
			test.Type(f.m.maxConns, tc.maxConns)
			test.Type(f.m.password, "pw-never-saved")
			test.Tap(f.m.saveBtn)
			f.q.run()
			if !f.m.errText.Visible() || !strings.Contains(f.m.errText.Text, tc.want) {
				t.Errorf("error line (visible %v): %q, want %q", f.m.errText.Visible(), f.m.errText.Text, tc.want)
			}
			if strings.Contains(f.m.errText.Text, "pw-never-saved") {
				t.Error("the error shows the password")
			}
			if n := len(f.store.Sites()); n != 0 || sec.count() != 0 {
				t.Errorf("saved %d sites, %d secrets", n, sec.count())
			}
			f.m.loaded = f.m.readForm() // leave the draft without a prompt
		})
	}
}

func TestPlainFTPWarnsAndAllowsPlain(t *testing.T) {
	f := newFixture(t, newFakeSecrets())
	f.m.Show()
	test.Tap(f.m.newSiteBtn)
	if f.m.plainWarn.Visible() {
		t.Error("plain FTP warning shows for explicit FTPS")
	}
	if f.m.port.PlaceHolder != "21 (default)" {
		t.Errorf("port placeholder %q", f.m.port.PlaceHolder)
	}
	f.m.enc.SetSelected("FTPS implicit")
	if f.m.port.PlaceHolder != "990 (default)" {
		t.Errorf("port placeholder for implicit FTPS %q", f.m.port.PlaceHolder)
	}
	f.m.enc.SetSelected("Plain FTP (insecure)")
	if !f.m.plainWarn.Visible() {
		t.Error("no warning for plain FTP")
	}
	test.Type(f.m.host, "old.example")
	test.Tap(f.m.saveBtn)
	f.q.run()
	s := f.site("New site")
	if s.Encryption != session.Plain || !s.AllowPlain {
		t.Errorf("stored encryption %v, AllowPlain %v", s.Encryption, s.AllowPlain)
	}
	f.m.enc.SetSelected("FTPS explicit (AUTH TLS)")
	test.Tap(f.m.saveBtn)
	if s := f.site("New site"); s.Encryption != session.Explicit || s.AllowPlain {
		t.Errorf("back to explicit: %v, AllowPlain %v", s.Encryption, s.AllowPlain)
	}
}

func TestDuplicateCopiesTheSiteAndItsPassword(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec, sites.Site{Name: "Acme", Folder: "Clients", Host: "acme.example", User: "bob"})
	orig := f.site("Acme")
	sec.Set(context.Background(), orig.ID, sites.SecretPassword, "acme-pw")
	f.m.Show()
	f.selectSite("Acme")
	f.waitStatus(statusSaved)
	test.Tap(f.m.dupBtn)
	f.waitStatus(statusSaved)
	dup := f.site("Clients/Acme (copy)")
	if dup.ID == orig.ID || dup.Host != "acme.example" || dup.Folder != "Clients" {
		t.Errorf("copy %+v", dup)
	}
	if pw, _ := sec.password(dup.ID); pw != "acme-pw" {
		t.Errorf("the copy's password is %q", pw)
	}
	if f.m.cur.ID != dup.ID || f.m.name.Text != "Acme (copy)" || f.m.selUID != siteUID(dup.ID) {
		t.Errorf("the form shows %q (%s), selected %s", f.m.name.Text, f.m.cur.ID, f.m.selUID)
	}
}

func TestDeleteAsksThenRemovesTheSiteAndItsSecrets(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec, sites.Site{Name: "Acme", Host: "acme.example"}, sites.Site{Name: "Other", Host: "o.example"})
	acme := f.site("Acme")
	sec.Set(context.Background(), acme.ID, sites.SecretPassword, "acme-pw")
	sec.Set(context.Background(), acme.ID, sites.SecretKeyPassphrase, "key-pw")
	f.m.Show()
	f.selectSite("Acme")
	f.waitStatus(statusSaved)

	test.Tap(f.m.delBtn)
	if !strings.Contains(f.topText(), "Delete the site “Acme”?") {
		t.Fatalf("confirmation: %q", f.topText())
	}
	f.tapInTop("Cancel")
	if len(f.store.Sites()) != 2 || sec.count() != 2 {
		t.Fatal("Cancel deleted something")
	}
	test.Tap(f.m.delBtn)
	f.tapInTop("Delete")
	f.waitFor("the secrets to go", func() bool { return sec.count() == 0 })
	if _, err := f.store.Find("Acme"); err == nil {
		t.Error("Acme is still stored")
	}
	if len(f.store.Sites()) != 1 {
		t.Error("Other was deleted too")
	}
	if f.m.editing || f.m.selUID != "" {
		t.Errorf("after the delete: editing %v, selected %q", f.m.editing, f.m.selUID)
	}
}

func TestFolders(t *testing.T) {
	f := newFixture(t, newFakeSecrets())
	f.m.Show()
	test.Tap(f.m.newFolderBtn)
	if !strings.Contains(f.topText(), "At the top level") {
		t.Fatalf("new folder dialog: %q", f.topText())
	}
	entry := f.m.win.Canvas().Focused().(*esc.Entry)
	test.Type(entry, "Clients")
	f.tapInTop("Create")
	if got := f.store.Folders(); len(got) != 1 || got[0] != "Clients" {
		t.Fatalf("folders %v", got)
	}
	if f.m.selUID != folderUID("Clients") || f.m.editing || !strings.Contains(f.m.placeholder.Text, "“Clients” holds no sites") {
		t.Errorf("selected %q, editing %v, placeholder %q", f.m.selUID, f.m.editing, f.m.placeholder.Text)
	}

	// A sub-folder, then a site in it.
	test.Tap(f.m.newFolderBtn)
	if !strings.Contains(f.topText(), "Inside “Clients”") {
		t.Fatalf("new folder dialog: %q", f.topText())
	}
	test.Type(f.m.win.Canvas().Focused().(*esc.Entry), "Acme")
	f.tapInTop("Create")
	test.Tap(f.m.newSiteBtn)
	if f.m.folder.Text != "Clients/Acme" {
		t.Errorf("a new site in the selected folder has folder %q", f.m.folder.Text)
	}
	test.Type(f.m.host, "acme.example")
	test.Tap(f.m.saveBtn)
	f.q.run()
	s := f.site("Clients/Acme/New site")
	if kids := f.m.childUIDs(folderUID("Clients/Acme")); len(kids) != 1 || kids[0] != siteUID(s.ID) {
		t.Errorf("Clients/Acme holds %v", kids)
	}

	// A folder with a site is not deleted; an empty one is, after asking.
	f.m.tree.Select(folderUID("Clients/Acme"))
	test.Tap(f.m.delBtn)
	if !strings.Contains(f.topText(), "holds sites or folders") {
		t.Errorf("deleting a full folder: %q", f.topText())
	}
	f.tapInTop("OK")
	f.m.tree.Select(siteUID(s.ID))
	f.m.folder.SetText("")
	test.Tap(f.m.saveBtn)
	f.m.tree.Select(folderUID("Clients/Acme"))
	test.Tap(f.m.delBtn)
	f.tapInTop("Delete")
	if got := f.store.Folders(); len(got) != 1 || got[0] != "Clients" {
		t.Errorf("folders after the delete: %v", got)
	}
	if f.overlayDepth() != 1 {
		t.Errorf("%d dialogs open", f.overlayDepth())
	}
}

func TestNoKeyring(t *testing.T) {
	sec := newFakeSecrets()
	sec.down = errNoKeyring
	f := newFixture(t, sec, sites.Site{Name: "Acme", Host: "acme.example", User: "bob"})
	f.m.Show()
	f.selectSite("Acme")
	f.waitStatus(statusUnavailable)
	if f.m.pwStatus.Importance != widget.WarningImportance {
		t.Error("the keyring warning is not a warning")
	}
	if !f.m.forget.Disabled() {
		t.Error("Forget password is enabled without a keyring")
	}

	// A password typed anyway is not saved anywhere: the site asks.
	test.Type(f.m.password, "typed-pw")
	test.Tap(f.m.saveBtn)
	// The keyring call and the switch run off the UI goroutine; the form
	// shows the switch once its answer is back.
	f.waitFor("the form to ask for the password", func() bool { return f.m.logon.Selected == "Ask for password" })
	if f.site("Acme").Logon != sites.LogonAsk {
		t.Errorf("the stored site has the logon %v, want ask", f.site("Acme").Logon)
	}
	if f.m.logon.Selected != "Ask for password" || f.m.pwStatus.Text != statusAsk {
		t.Errorf("logon %q, status %q", f.m.logon.Selected, f.m.pwStatus.Text)
	}
	if !strings.Contains(f.m.errText.Text, "now asks for the password") || strings.Contains(f.allText(), "typed-pw") {
		t.Errorf("error line %q", f.m.errText.Text)
	}
	if f.m.dirty() {
		t.Error("the form is dirty after the switch to ask")
	}
	data, _ := os.ReadFile(f.store.Path())
	if strings.Contains(string(data), "typed-pw") {
		t.Error("the password went into the sites file")
	}
}

func TestConnect(t *testing.T) {
	type call struct {
		site     sites.Site
		password string
	}
	sec := newFakeSecrets()
	f := newFixture(t, sec,
		sites.Site{Name: "Saved", Host: "saved.example", User: "bob"},
		sites.Site{Name: "Asks", Host: "asks.example", User: "bob", Logon: sites.LogonAsk},
		sites.Site{Name: "Nothing saved", Host: "n.example", User: "bob"})
	sec.Set(context.Background(), f.site("Saved").ID, sites.SecretPassword, "saved-pw")
	var calls []call
	f.m.OnConnect = func(s sites.Site, pw string) { calls = append(calls, call{s, pw}) }

	connect := func(name string) call {
		t.Helper()
		calls = nil
		f.m.Show()
		f.selectSite(name)
		test.Tap(f.m.connectBtn)
		f.waitFor("OnConnect", func() bool { return len(calls) > 0 })
		if f.m.shown || f.overlayDepth() != 0 {
			t.Errorf("%s: the manager is still open after Connect", name)
		}
		return calls[0]
	}
	if c := connect("Saved"); c.site != f.site("Saved") || c.password != "saved-pw" {
		t.Errorf("Saved: %+v", c)
	}
	if c := connect("Asks"); c.site.Name != "Asks" || c.password != "" {
		t.Errorf("Asks: %+v", c)
	}
	if c := connect("Nothing saved"); c.site.Name != "Nothing saved" || c.password != "" {
		t.Errorf("Nothing saved: %+v", c)
	}

	// A new site is saved on Connect, and the typed password is used.
	f.m.Show()
	test.Tap(f.m.newSiteBtn)
	test.Type(f.m.host, "new.example")
	test.Type(f.m.password, "new-pw")
	calls = nil
	test.Tap(f.m.connectBtn)
	f.q.run()
	if len(calls) != 1 || calls[0].site.Name != "New site" || calls[0].site.ID == "" || calls[0].password != "new-pw" {
		t.Fatalf("new site: %+v", calls)
	}
	f.waitFor("the password in the keyring", func() bool { pw, _ := sec.password(calls[0].site.ID); return pw == "new-pw" })

	// An invalid site does not connect.
	f.m.Show()
	test.Tap(f.m.newSiteBtn)
	calls = nil
	test.Tap(f.m.connectBtn)
	f.q.run()
	if len(calls) != 0 || !f.m.shown || !strings.Contains(f.m.errText.Text, "host is empty") {
		t.Errorf("invalid site: calls %v, shown %v, error %q", calls, f.m.shown, f.m.errText.Text)
	}
}

func TestUnsavedChangesAreAskedAbout(t *testing.T) {
	f := newFixture(t, newFakeSecrets(), sites.Site{Name: "A", Host: "a.example"}, sites.Site{Name: "B", Host: "b.example"})
	a, b := f.site("A"), f.site("B")
	f.m.Show()
	f.selectSite("A")
	retype(f.m.host, "changed.example")

	// Cancel: back to A, the change still in the form.
	f.m.tree.Select(siteUID(b.ID))
	if !strings.Contains(f.topText(), "Save changes to “A”?") {
		t.Fatalf("prompt: %q", f.topText())
	}
	f.tapInTop("Cancel")
	if f.m.selUID != siteUID(a.ID) || f.m.host.Text != "changed.example" || f.m.cur.ID != a.ID {
		t.Errorf("after Cancel: selected %q, host %q", f.m.selUID, f.m.host.Text)
	}

	// Discard: B shows, A is unchanged.
	f.m.tree.Select(siteUID(b.ID))
	f.tapInTop("Discard")
	if f.m.cur.ID != b.ID || f.m.host.Text != "b.example" || f.site("A").Host != "a.example" {
		t.Errorf("after Discard: showing %q, host %q; A's host %q", f.m.cur.Name, f.m.host.Text, f.site("A").Host)
	}

	// Save: A is saved, then A shows.
	retype(f.m.host, "b2.example")
	f.m.tree.Select(siteUID(a.ID))
	f.tapInTop("Save")
	if f.site("B").Host != "b2.example" || f.m.cur.ID != a.ID || f.m.selUID != siteUID(a.ID) {
		t.Errorf("after Save: B's host %q, showing %q", f.site("B").Host, f.m.cur.Name)
	}

	// Save with an invalid form stays on the form with the error.
	f.m.host.SetText("")
	f.m.tree.Select(siteUID(b.ID))
	f.tapInTop("Save")
	if f.m.cur.ID != a.ID || f.m.selUID != siteUID(a.ID) || !f.m.errText.Visible() {
		t.Errorf("after a failed Save: showing %q, selected %q", f.m.cur.Name, f.m.selUID)
	}

	// Close asks too; Discard closes.
	test.Tap(f.m.closeBtn)
	if !strings.Contains(f.topText(), "Save changes to “A”?") {
		t.Fatalf("Close with changes: %q", f.topText())
	}
	f.tapInTop("Discard")
	if f.m.shown || f.overlayDepth() != 0 {
		t.Error("Discard did not close the manager")
	}
	f.m.Show()
	if f.m.host.Text != "a.example" {
		t.Errorf("reopened with host %q", f.m.host.Text)
	}
	test.Tap(f.m.closeBtn)
	if f.overlayDepth() != 0 {
		t.Error("Close without changes asked something")
	}
}

func TestForgetPasswordAndAskDeleteIt(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec, sites.Site{Name: "A", Host: "a.example"}, sites.Site{Name: "B", Host: "b.example"})
	a, b := f.site("A"), f.site("B")
	sec.Set(context.Background(), a.ID, sites.SecretPassword, "a-pw")
	sec.Set(context.Background(), b.ID, sites.SecretPassword, "b-pw")
	f.m.Show()
	f.selectSite("A")
	f.waitStatus(statusSaved)
	test.Tap(f.m.forget)
	f.waitStatus(statusNotSaved)
	if _, ok := sec.password(a.ID); ok {
		t.Error("Forget password left it in the keyring")
	}

	f.selectSite("B")
	f.waitStatus(statusSaved)
	f.m.logon.SetSelected("Ask for password")
	if f.m.pwStatus.Text != statusAsk || !f.m.password.Disabled() {
		t.Errorf("ask: status %q, entry disabled %v", f.m.pwStatus.Text, f.m.password.Disabled())
	}
	test.Tap(f.m.saveBtn)
	f.waitFor("B's password to go", func() bool { _, ok := sec.password(b.ID); return !ok })
	if f.site("B").Logon != sites.LogonAsk {
		t.Error("B does not ask")
	}
}

func TestLateKeyringAnswersAreDropped(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec, sites.Site{Name: "A", Host: "a.example"}, sites.Site{Name: "B", Host: "b.example"})
	sec.Set(context.Background(), f.site("A").ID, sites.SecretPassword, "a-pw")
	f.m.Show()
	f.waitFor("nothing pending", func() bool { return f.q.count() == 0 })
	// Both checks answer before the UI goroutine runs either: A's answer
	// arrives while B shows and must not claim B has a saved password.
	f.selectSite("A")
	f.selectSite("B")
	if f.m.pwStatus.Text != statusChecking {
		t.Errorf("status while checking: %q", f.m.pwStatus.Text)
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.q.count() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	f.q.run()
	if f.m.pwStatus.Text != statusNotSaved || !f.m.forget.Disabled() {
		t.Errorf("B shows %q, Forget enabled %v", f.m.pwStatus.Text, !f.m.forget.Disabled())
	}
}

func TestFileDialogsOpenAndCancel(t *testing.T) {
	f := newFixture(t, newFakeSecrets(), sites.Site{Name: "A", Host: "a.example"})
	f.m.Show()
	f.selectSite("A")
	browse := func(entry *esc.Entry) *widget.Button { return f.m.browse[entry] }
	for _, tc := range []struct {
		name string
		open func()
	}{
		{"import", func() { test.Tap(f.m.importBtn) }},
		{"export", func() { test.Tap(f.m.exportBtn) }},
		{"local folder", func() { test.Tap(browse(f.m.localDir)) }},
		{"client certificate", func() { test.Tap(browse(f.m.clientCert)) }},
		{"client key", func() { test.Tap(browse(f.m.clientKey)) }},
	} {
		tc.open()
		if f.overlayDepth() != 2 {
			t.Fatalf("%s: %d dialogs open", tc.name, f.overlayDepth())
		}
		f.tapInTop("Cancel")
		if f.overlayDepth() != 1 || len(f.store.Sites()) != 1 || f.m.dirty() {
			t.Errorf("%s: after Cancel: %d dialogs, %d sites, dirty %v", tc.name, f.overlayDepth(), len(f.store.Sites()), f.m.dirty())
		}
	}
}

// fzSample is a small FileZilla site manager: two FTPS sites with saved
// passwords (one in a folder) and an SFTP site.
const fzSample = `<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.66.4" platform="*nix">
    <Servers>
        <Server>
            <Host>ftp.example.com</Host>
            <Port>21</Port>
            <Protocol>4</Protocol>
            <Type>0</Type>
            <User>deploy</User>
            <Pass encoding="base64">czNjcjN0IVBhc3MjMjAyNA==</Pass>
            <Logontype>1</Logontype>
            <Name>Production</Name>
            <Comments>Call Anna first.</Comments>
        </Server>
        <Folder expanded="1">Clients
            <Server>
                <Host>acme.example.com</Host>
                <Port>990</Port>
                <Protocol>3</Protocol>
                <Type>0</Type>
                <User>acme</User>
                <Pass encoding="base64">cGxhaW5wYXNzMQ==</Pass>
                <Logontype>1</Logontype>
                <Name>Acme</Name>
            </Server>
        </Folder>
        <Server>
            <Host>backup.example.com</Host>
            <Port>22</Port>
            <Protocol>1</Protocol>
            <Type>0</Type>
            <User>backup</User>
            <Logontype>1</Logontype>
            <Name>Backup</Name>
        </Server>
    </Servers>
</FileZilla3>
`

func TestImportFileZilla(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec)
	f.m.Show()
	f.m.importFrom(strings.NewReader(fzSample))
	f.waitFor("the summary", func() bool { return strings.Contains(f.topText(), "Imported") })
	text := f.topText()
	if !strings.Contains(text, "Imported 2 sites, 2 passwords moved to the keyring; skipped 1: “Backup” (SFTP") {
		t.Errorf("summary %q", text)
	}
	for _, pw := range []string{"s3cr3t!Pass#2024", "plainpass1"} {
		if strings.Contains(f.allText(), pw) {
			t.Errorf("the password %q shows", pw)
		}
	}
	prod, acme := f.site("Production"), f.site("Clients/Acme")
	if prod.Host != "ftp.example.com" || prod.Encryption != session.Explicit || prod.Notes != "Call Anna first." {
		t.Errorf("Production %+v", prod)
	}
	if acme.Encryption != session.Implicit || acme.User != "acme" {
		t.Errorf("Acme %+v", acme)
	}
	if pw, _ := sec.password(prod.ID); pw != "s3cr3t!Pass#2024" {
		t.Errorf("Production's password %q", pw)
	}
	if pw, _ := sec.password(acme.ID); pw != "plainpass1" {
		t.Errorf("Acme's password %q", pw)
	}
	if !f.m.tree.IsBranchOpen(folderUID("Clients")) || len(f.m.childUIDs(folderUID("Clients"))) != 1 {
		t.Error("the tree does not show Clients/Acme")
	}
	f.tapInTop("OK")

	// The same file again: every site already exists.
	f.m.importFrom(strings.NewReader(fzSample))
	f.q.run()
	if text := f.topText(); !strings.Contains(text, "Imported 0 sites; skipped 3") || !strings.Contains(text, "already exists") {
		t.Errorf("second import: %q", text)
	}
	f.tapInTop("OK")

	// Not a site manager.
	f.m.importFrom(strings.NewReader("<html></html>"))
	if text := f.topText(); !strings.Contains(text, "not a FileZilla site manager") {
		t.Errorf("html: %q", text)
	}
}

func TestImportWithoutKeyringAsksForPasswords(t *testing.T) {
	sec := newFakeSecrets()
	sec.down = errNoKeyring
	f := newFixture(t, sec)
	f.m.Show()
	f.m.importFrom(strings.NewReader(fzSample))
	f.waitFor("the summary", func() bool { return strings.Contains(f.topText(), "Imported") })
	if text := f.topText(); !strings.Contains(text, "Imported 2 sites; skipped 1") || !strings.Contains(text, "2 sites ask for the password on each connect") {
		t.Errorf("summary %q", text)
	}
	for _, name := range []string{"Production", "Clients/Acme"} {
		if f.site(name).Logon != sites.LogonAsk {
			t.Errorf("%s does not ask for its password", name)
		}
	}
	data, _ := os.ReadFile(f.store.Path())
	if strings.Contains(string(data), "plainpass1") {
		t.Error("a password went into the sites file")
	}
}

func TestExportThenImportAFerryFile(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec, sites.Site{Name: "Acme", Folder: "Clients", Host: "acme.example", User: "bob"})
	sec.Set(context.Background(), f.site("Clients/Acme").ID, sites.SecretPassword, "acme-pw")
	f.store.AddFolder("Empty")
	f.m.Show()
	file := filepath.Join(t.TempDir(), "sites.json")
	w, err := storage.Writer(storage.NewFileURI(file))
	if err != nil {
		t.Fatal(err)
	}
	f.m.exportPicked(w, nil)
	if text := f.topText(); !strings.Contains(text, "Exported 1 site to sites.json") || !strings.Contains(text, "Passwords are not in the file") {
		t.Errorf("export message %q", text)
	}
	f.tapInTop("OK")
	data, err := os.ReadFile(file)
	if err != nil || strings.Contains(string(data), "acme-pw") {
		t.Fatalf("export: %v, %q", err, data)
	}

	g := newFixture(t, newFakeSecrets())
	g.m.Show()
	r, err := storage.Reader(storage.NewFileURI(file))
	if err != nil {
		t.Fatal(err)
	}
	g.m.importPicked(r, nil)
	if text := g.topText(); !strings.Contains(text, "Imported 1 site.") {
		t.Errorf("import message %q", text)
	}
	if s := g.site("Clients/Acme"); s.Host != "acme.example" || s.User != "bob" {
		t.Errorf("imported %+v", s)
	}
	if got := g.store.Folders(); strings.Join(got, ",") != "Clients,Empty" {
		t.Errorf("folders %v", got)
	}
}

func TestBrowsePutsThePathInTheEntry(t *testing.T) {
	f := newFixture(t, newFakeSecrets(), sites.Site{Name: "A", Host: "a.example"})
	f.m.Show()
	f.selectSite("A")
	dir := t.TempDir()
	f.m.picked(f.m.localDir, storage.NewFileURI(dir), nil)
	if f.m.localDir.Text != dir {
		t.Errorf("local folder %q, want %q", f.m.localDir.Text, dir)
	}
	f.m.picked(f.m.clientCert, nil, nil) // cancelled
	if f.m.clientCert.Text != "" {
		t.Error("a cancelled choice changed the entry")
	}
}

// TestGolden renders the manager with one folder and two sites, one of
// them selected. With FERRY_SITEMGR_PNG=file it also writes a picture in
// the default theme, to look at.
func TestGolden(t *testing.T) {
	sec := newFakeSecrets()
	f := newFixture(t, sec,
		sites.Site{Name: "Acme", Folder: "Clients", Host: "ftp.acme.example", User: "deploy", RemoteDir: "/var/www"},
		sites.Site{Name: "Office NAS", Host: "nas.office.lan", Port: 2121, Encryption: session.Explicit, User: "maria"})
	sec.Set(context.Background(), f.site("Clients/Acme").ID, sites.SecretPassword, "pw")
	f.m.Show()
	f.selectSite("Clients/Acme")
	f.waitStatus(statusSaved)
	test.AssertRendersToMarkup(t, "sitemgr.xml", f.w.Canvas())

	if out := os.Getenv("FERRY_SITEMGR_PNG"); out != "" {
		fyne.CurrentApp().Settings().SetTheme(theme.LightTheme())
		f.w.Canvas().Refresh(f.w.Content())
		file, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		if err := png.Encode(file, f.w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
}

// needKeyring skips (or, with CI=true, fails) when no Secret Service
// answers.
func needKeyring(t *testing.T, sec *sites.Secrets) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		fail("no D-Bus session (run inside dbus-run-session with gnome-keyring-daemon unlocked)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sec.Available(ctx); err != nil {
		fail("no keyring: %v", err)
	}
}

func TestRealKeyring(t *testing.T) {
	sec := &sites.Secrets{Timeout: 5 * time.Second}
	needKeyring(t, sec)
	f := newFixture(t, sec)
	f.m.Show()
	test.Tap(f.m.newSiteBtn)
	f.waitStatus(statusNotSaved)
	var b [8]byte
	rand.Read(b[:])
	name, password := "Real keyring "+hex.EncodeToString(b[:4]), "pw-"+hex.EncodeToString(b[4:])
	retype(f.m.name, name)
	test.Type(f.m.host, "keyring.example")
	test.Type(f.m.user, "tester")
	test.Type(f.m.password, password)
	test.Tap(f.m.saveBtn)
	f.waitStatus(statusSaved)
	id := f.site(name).ID
	ctx := context.Background()
	t.Cleanup(func() { sec.DeleteAll(ctx, id) })
	if got, err := sec.Get(ctx, id, sites.SecretPassword); err != nil || got != password {
		t.Fatalf("the keyring gives %v (matches: %v)", err, got == password)
	}

	// Reopening the site finds the password; deleting the site removes it.
	test.Tap(f.m.closeBtn)
	f.m.Show()
	if f.m.cur.ID != id {
		t.Fatalf("reopened on %q", f.m.cur.Name)
	}
	f.waitStatus(statusSaved)
	test.Tap(f.m.delBtn)
	f.tapInTop("Delete")
	f.waitFor("the keyring to forget the password", func() bool {
		_, err := sec.Get(ctx, id, sites.SecretPassword)
		return errors.Is(err, sites.ErrNoSecret)
	})
}

// TestEscapeClosesManager: Escape in a field closes the manager, asking
// first when the site has unsaved changes; Escape on that question
// cancels it and keeps the manager and the changes.
func TestEscapeClosesManager(t *testing.T) {
	f := newFixture(t, newFakeSecrets(), sites.Site{Name: "A", Host: "a.example"})
	f.m.Show()
	f.selectSite("A")
	f.q.run()
	escape := func() {
		ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
		if o := f.w.Canvas().Focused(); o != nil {
			o.TypedKey(ev)
		} else if h := f.w.Canvas().OnTypedKey(); h != nil {
			h(ev)
		}
	}
	esc.Install(f.w, nil)

	f.w.Canvas().Focus(f.m.host)
	test.Type(f.m.host, "x")
	escape()
	if !strings.Contains(f.topText(), "has changes that are not saved") {
		t.Fatalf("Escape with changes: top dialog says %q", f.topText())
	}
	escape()
	if !f.m.shown || f.m.host.Text != "xa.example" || strings.Contains(f.topText(), "not saved") {
		t.Fatalf("Escape on the question: shown %v, host %q, top %q", f.m.shown, f.m.host.Text, f.topText())
	}
	retype(f.m.host, "a.example")
	f.w.Canvas().Focus(f.m.host)
	escape()
	if f.m.shown || esc.Open(f.w) != 0 {
		t.Fatalf("Escape without changes: shown %v, %d dialogs open", f.m.shown, esc.Open(f.w))
	}
}
