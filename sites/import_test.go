package sites

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/session"
)

// setSecrets records what is saved; err, when set, refuses every Set.
type setSecrets struct {
	m   map[string]string
	err error
}

func (s *setSecrets) Set(_ context.Context, id, kind, secret string) error {
	if s.err != nil {
		return s.err
	}
	s.m[id+"/"+kind] = secret
	return nil
}

const importSample = `<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.66.4" platform="windows">
  <Servers>
    <Server>
      <Host>ftp.example.com</Host><Port>21</Port><Protocol>4</Protocol>
      <User>ann</User><Pass encoding="base64">czNjcjN0IVBhc3M=</Pass><Logontype>1</Logontype>
      <Name>Production</Name>
    </Server>
    <Folder expanded="1">Clients
      <Server>
        <Host>acme.example</Host><Port>990</Port><Protocol>3</Protocol>
        <User>acme</User><Pass>plainpass1</Pass><Logontype>1</Logontype>
        <PasvMode>MODE_ACTIVE</PasvMode>
        <Name>Acme</Name>
      </Server>
    </Folder>
    <Server>
      <Host>backup.example</Host><Protocol>1</Protocol><User>b</User><Logontype>1</Logontype>
      <Name>Backup</Name>
    </Server>
  </Servers>
</FileZilla3>`

var importPasswords = []string{"s3cr3t!Pass", "plainpass1"}

func openTestStore(t *testing.T) *Store {
	t.Helper()
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// noPassword fails when a password shows in text.
func noPassword(t *testing.T, text string) {
	t.Helper()
	for _, pw := range importPasswords {
		if strings.Contains(text, pw) {
			t.Errorf("the password %q shows in:\n%s", pw, text)
		}
	}
}

// TestImportFile: FileZilla's sites go in the store, their passwords into
// the keyring; the same file again skips every site as a duplicate.
func TestImportFile(t *testing.T) {
	store := openTestStore(t)
	im, err := ImportFile(store, strings.NewReader(importSample))
	if err != nil {
		t.Fatal(err)
	}
	if im.Passwords() != 2 {
		t.Errorf("%d passwords wait, want 2", im.Passwords())
	}
	sec := &setSecrets{m: map[string]string{}}
	im.SavePasswords(context.Background(), sec)
	if im.Passwords() != 0 {
		t.Error("the passwords are still kept after SavePasswords")
	}
	r := im.Report()
	if len(r.Added) != 2 || r.Moved != 2 || r.Asking != 0 || r.KeyringErr != nil {
		t.Errorf("report %+v", r)
	}
	prod, err := store.Find("Production")
	if err != nil || prod.Logon != LogonNormal || sec.m[prod.ID+"/"+SecretPassword] != "s3cr3t!Pass" {
		t.Errorf("Production %+v (%v), keyring %v", prod, err, sec.m)
	}
	acme, err := store.Find("Clients/Acme")
	if err != nil || acme.Encryption != session.Implicit || sec.m[acme.ID+"/"+SecretPassword] != "plainpass1" {
		t.Errorf("Acme %+v (%v)", acme, err)
	}
	want := "Imported 2 sites, 2 passwords moved to the keyring; skipped 1: “Backup” (SFTP is a different protocol (SSH); Ferry speaks FTPS).\n\n" +
		"What changed in the move:\n• Clients/Acme: FileZilla used active mode; Ferry always uses passive mode"
	if got := r.String(); got != want {
		t.Errorf("String:\n got %q\nwant %q", got, want)
	}
	if r.Skipped[0].Err != nil {
		t.Errorf("a skip of the file's reader has Err %v", r.Skipped[0].Err)
	}
	noPassword(t, r.String()+fmt.Sprintf("%+v %#v", r, r))

	again, err := ImportFile(store, strings.NewReader(importSample))
	if err != nil {
		t.Fatal(err)
	}
	r = again.Report()
	if len(r.Added) != 0 || again.Passwords() != 0 || len(r.Skipped) != 3 {
		t.Fatalf("again: %+v", r)
	}
	for _, s := range r.Skipped[:2] {
		if !errors.Is(s.Err, ErrSiteExists) {
			t.Errorf("skip %+v is not a duplicate", s)
		}
	}
	if got := r.String(); !strings.HasPrefix(got, `Imported 0 sites; skipped 3: “Production” (a site named "Production" already exists at the top level), “Clients/Acme”`) {
		t.Errorf("again: %q", got)
	}
	if n := len(store.Sites()); n != 2 {
		t.Errorf("the store holds %d sites", n)
	}
}

// TestImportFileWithoutKeyring: when the keyring refuses the first
// password, every site with one asks for it on connect, and no password
// lands in the sites file.
func TestImportFileWithoutKeyring(t *testing.T) {
	for name, sec := range map[string]SecretSetter{
		"refused": &setSecrets{err: fmt.Errorf("saving the password in the keyring: %w (dbus: no session bus)", ErrKeyringUnavailable)},
		"nil":     nil,
	} {
		t.Run(name, func(t *testing.T) {
			store := openTestStore(t)
			im, err := ImportFile(store, strings.NewReader(importSample))
			if err != nil {
				t.Fatal(err)
			}
			im.SavePasswords(context.Background(), sec)
			r := im.Report()
			if r.Moved != 0 || r.Asking != 2 || !errors.Is(r.KeyringErr, ErrKeyringUnavailable) {
				t.Errorf("report %+v", r)
			}
			for _, n := range []string{"Production", "Clients/Acme"} {
				if s, err := store.Find(n); err != nil || s.Logon != LogonAsk {
					t.Errorf("%s: %+v, %v", n, s, err)
				}
			}
			if got := r.String(); !strings.Contains(got, "Imported 2 sites; skipped 1") || !strings.Contains(got, "so 2 sites ask for the password on each connect instead") {
				t.Errorf("String %q", got)
			}
			data, _ := os.ReadFile(store.Path())
			noPassword(t, string(data)+r.String())
		})
	}
}

// TestImportFerryExport: a file written by Export brings back its sites
// and folders (no passwords); what the store refuses is skipped.
func TestImportFerryExport(t *testing.T) {
	from := openTestStore(t)
	from.Add(Site{Name: "Acme", Folder: "Clients", Host: "acme.example", User: "bob"})
	from.AddFolder("Empty")
	var buf bytes.Buffer
	if err := from.Export(&buf); err != nil {
		t.Fatal(err)
	}
	to := openTestStore(t)
	to.Add(Site{Name: "acme", Folder: "Clients", Host: "other.example"})
	im, err := ImportFile(to, bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	r := im.Report()
	if im.Passwords() != 0 || len(r.Added) != 0 || len(r.Skipped) != 1 || !errors.Is(r.Skipped[0].Err, ErrSiteExists) {
		t.Errorf("report %+v", r)
	}
	if got := strings.Join(to.Folders(), ","); got != "Clients,Empty" {
		t.Errorf("folders %s", got)
	}
	im, err = ImportFile(openTestStore(t), bytes.NewReader(buf.Bytes()))
	if err != nil || im.Report().String() != "Imported 1 site." {
		t.Errorf("into an empty store: %v, %q", err, im.Report())
	}
}

func TestImportFileNotASiteFile(t *testing.T) {
	store := openTestStore(t)
	for in, want := range map[string]string{
		"<html></html>":   "not a FileZilla site manager",
		`{"version": 99}`: "sites file version 99",
		"":                "empty",
	} {
		if _, err := ImportFile(store, strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error saying %q", in, err, want)
		}
	}
	if len(store.Sites()) != 0 || len(store.Folders()) != 0 {
		t.Error("a refused file added something")
	}
}
