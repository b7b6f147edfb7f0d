package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
)

func needKeyring(t *testing.T) {
	t.Helper()
	if err := (&sites.Secrets{Timeout: 5 * time.Second}).Available(context.Background()); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no keyring (CI=true makes this a failure): %v", err)
		}
		t.Skipf("no keyring: %v (run make test)", err)
	}
}

// TestSitesWithKeyring: a site saved with `ferry sites add` keeps its
// password in the keyring only, and `ferry ls site:NAME/path` uses it
// against a lab server.
func TestSitesWithKeyring(t *testing.T) {
	needKeyring(t)
	dir := t.TempDir()
	t.Setenv("FERRY_CONFIG_DIR", dir)
	srv := ftpslab.Start(t, ftpslab.VsftpdExplicit)
	os.MkdirAll(filepath.Join(srv.Root, "docs", "sub"), 0o755)
	os.WriteFile(filepath.Join(srv.Root, "docs", "sub", "deep.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(srv.Root, "docs", "top.txt"), []byte("x"), 0o644)
	pinLab(t, srv)

	url := fmt.Sprintf("ftpes://%s@%s:%d/docs", srv.User, srv.Host, srv.Port)
	code, _, stderr := run(t, srv.Password+"\n", "sites", "add", "Lab vsftpd", url, "--folder", "Lab", "--password-stdin")
	if code != ExitOK {
		t.Fatalf("sites add: exit %d: %s", code, stderr)
	}
	store, _ := sites.OpenStore(dir)
	site, err := store.Find("Lab vsftpd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { (&sites.Secrets{}).DeleteAll(context.Background(), site.ID) })

	code, stdout, stderr := run(t, "", "ls", "site:Lab/Lab vsftpd")
	if code != ExitOK || stdout != "sub/\ntop.txt\n" {
		t.Fatalf("ls site:Lab/Lab vsftpd: exit %d, %q, %s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "", "ls", "site:Lab vsftpd/docs/sub")
	if code != ExitOK || stdout != "deep.txt\n" {
		t.Fatalf("ls site:Lab vsftpd/docs/sub: exit %d, %q, %s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "", "sites", "list")
	if code != ExitOK || !strings.Contains(stdout, "Lab/Lab vsftpd") {
		t.Errorf("sites list: %q", stdout)
	}
	code, stdout, _ = run(t, "", "sites", "export", "-")
	if code != ExitOK || strings.Contains(stdout, srv.Password) || !strings.Contains(stdout, "Lab vsftpd") {
		t.Errorf("export: exit %d\n%s", code, stdout)
	}
	grepNoSecret(t, dir, srv.Password)

	// Rename: the password follows the site.
	if code, _, stderr := run(t, "", "sites", "edit", "Lab vsftpd", "--name", "Lab (renamed)"); code != ExitOK {
		t.Fatalf("edit: %s", stderr)
	}
	if code, _, stderr := run(t, "", "ls", "site:Lab (renamed)"); code != ExitOK {
		t.Fatalf("ls after rename: %s", stderr)
	}
	if code, _, stderr := run(t, "", "sites", "rm", "Lab (renamed)"); code != ExitOK {
		t.Fatalf("rm: %s", stderr)
	}
	if _, err := (&sites.Secrets{}).Get(context.Background(), site.ID, sites.SecretPassword); !errors.Is(err, sites.ErrNoSecret) {
		t.Errorf("after rm the keyring still answers: %v", err)
	}
}

func grepNoSecret(t *testing.T, dir, secret string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if data, _ := os.ReadFile(p); bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s holds the password", p)
		}
		return nil
	})
}

// TestSitesImportFileZilla: `ferry sites import sitemanager.xml` moves
// base64 passwords into the keyring, turns master-password ones into "ask",
// and prints a summary.
func TestSitesImportFileZilla(t *testing.T) {
	needKeyring(t)
	dir := t.TempDir()
	t.Setenv("FERRY_CONFIG_DIR", dir)
	xml := `<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.66.1" platform="windows">
  <Servers>
    <Folder expanded="1">Kunden
      <Server>
        <Host>ftp.müller.example</Host><Port>21</Port><Protocol>4</Protocol><Type>0</Type>
        <User>anna</User><Pass encoding="base64">R2VoZWltLTQ4MjE=</Pass><Logontype>1</Logontype>
        <Name>Müller GmbH</Name>
      </Server>
      <Server>
        <Host>files.example.org</Host><Port>990</Port><Protocol>3</Protocol><Type>0</Type>
        <User>ben</User><Pass encoding="crypt" pubkey="abc">deadbeef</Pass><Logontype>1</Logontype>
        <Name>Encrypted</Name>
      </Server>
    </Folder>
    <Server>
      <Host>sftp.example.org</Host><Port>22</Port><Protocol>1</Protocol><Type>0</Type>
      <User>c</User><Logontype>1</Logontype><Name>SSH box</Name>
    </Server>
  </Servers>
</FileZilla3>`
	file := filepath.Join(t.TempDir(), "sitemanager.xml")
	os.WriteFile(file, []byte(xml), 0o600)
	code, _, stderr := run(t, "", "sites", "import", file)
	if code != ExitOK {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "Geheim-4821") {
		t.Errorf("the import output shows a password:\n%s", stderr)
	}
	store, _ := sites.OpenStore(dir)
	m, err := store.Find("Müller GmbH")
	if err != nil || m.Folder != "Kunden" || m.Logon != sites.LogonNormal {
		t.Fatalf("imported Müller: %+v, %v", m, err)
	}
	t.Cleanup(func() { (&sites.Secrets{}).DeleteAll(context.Background(), m.ID) })
	if pw, err := (&sites.Secrets{}).Get(context.Background(), m.ID, sites.SecretPassword); err != nil || pw != "Geheim-4821" {
		t.Errorf("keyring holds %q, %v", pw, err)
	}
	enc, err := store.Find("Encrypted")
	if err != nil || enc.Logon != sites.LogonAsk || enc.Encryption != session.Implicit {
		t.Errorf("master-password site: %+v, %v", enc, err)
	}
	if _, err := store.Find("SSH box"); err == nil {
		t.Error("an SFTP site was imported")
	}
	if !strings.Contains(stderr, "SFTP") {
		t.Errorf("the summary does not say why SFTP was skipped:\n%s", stderr)
	}
	grepNoSecret(t, dir, "Geheim-4821")
}

// TestSitesAddEditFlags: flags may follow the operands; an edit changes
// only what its flags name, and a URL without a path keeps the remote
// folder.
func TestSitesAddEditFlags(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FERRY_CONFIG_DIR", dir)
	code, _, stderr := run(t, "", "sites", "add", "Office", "ftps://ann@nas.example:2990/pub", "--logon", "ask",
		"--folder", "Work", "--notes", "back office", "--max-conns", "2", "--tls12", "--local-dir", "/tmp/x")
	if code != ExitOK || !strings.Contains(stderr, `Added "Office" (ftps://ann@nas.example:2990/pub)`) {
		t.Fatalf("add: exit %d: %s", code, stderr)
	}
	find := func(name string) sites.Site {
		t.Helper()
		store, err := sites.OpenStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := store.Find(name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := find("Work/Office")
	want := sites.Site{ID: s.ID, Name: "Office", Folder: "Work", Host: "nas.example", Port: 2990, Encryption: session.Implicit,
		User: "ann", Logon: sites.LogonAsk, TLS12Max: true, LocalDir: "/tmp/x", RemoteDir: "pub", MaxConns: 2, Notes: "back office"}
	if s != want {
		t.Errorf("added %+v\nwant  %+v", s, want)
	}
	if code, _, stderr := run(t, "", "sites", "edit", "Office", "--url", "ftpes://bob@nas2.example", "--name", "Office 2"); code != ExitOK {
		t.Fatalf("edit: exit %d: %s", code, stderr)
	}
	want.Name, want.Host, want.Port, want.Encryption, want.User = "Office 2", "nas2.example", 0, session.Explicit, "bob"
	if s := find("Office 2"); s != want {
		t.Errorf("edited %+v\nwant   %+v", s, want)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sites", "edit", "Office 2", "--logon", "sometimes"}, "unknown logon type"},
		{[]string{"sites", "edit", "Office 2", "--url", "ftp://nas.example"}, "--allow-plain"},
		{[]string{"sites", "edit", "Office 2", "extra"}, "unexpected"},
		{[]string{"sites", "add", "Only a name"}, "give NAME and URL"},
		{[]string{"sites", "add", "office 2", "ftpes://h.example", "--folder", "Work", "--logon", "ask"}, "already exists in Work"},
	} {
		if code, _, stderr := run(t, "", tc.args...); code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, ExitUsage, tc.want)
		}
	}
}
