package sites

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/session"
)

func TestSiteStore(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Add(Site{Name: "Acme FTP", Folder: "Clients/Acme", Host: "ftp.acme.example", Encryption: session.Explicit, User: "bob", Logon: LogonNormal})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == "" {
		t.Fatal("no ID assigned")
	}
	_, err = s.Add(Site{Name: "acme ftp", Folder: "Clients/Acme", Host: "x.example", Encryption: session.Explicit})
	var exists *ExistsError
	if !errors.Is(err, ErrSiteExists) || !errors.As(err, &exists) || exists.Name != "acme ftp" || exists.Folder != "Clients/Acme" {
		t.Errorf("a second site with the same name in the same folder: %v, want an *ExistsError", err)
	} else if want := `a site named "acme ftp" already exists in Clients/Acme`; err.Error() != want {
		t.Errorf("duplicate: %q, want %q", err, want)
	}
	b, err := s.Add(Site{Name: "Acme FTP", Folder: "Archive", Host: "old.acme.example", Encryption: session.Implicit, Logon: LogonAsk, User: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(Site{Name: "bad", Host: "h", Encryption: session.Plain}); !errors.Is(err, ErrPlainRefused) {
		t.Errorf("plain without AllowPlain: %v", err)
	}
	if err := s.AddFolder("Empty/Inner"); err != nil {
		t.Fatal(err)
	}

	// Reopen: everything persisted.
	s2, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.Sites(); len(got) != 2 || got[0].Folder != "Archive" || got[1].Logon != LogonNormal {
		t.Fatalf("reopened sites: %+v", got)
	}
	if f := strings.Join(s2.Folders(), ","); f != "Archive,Clients,Clients/Acme,Empty,Empty/Inner" {
		t.Errorf("folders: %s", f)
	}
	if _, err := s2.Find("Acme FTP"); err == nil || !strings.Contains(err.Error(), "give the folder") {
		t.Errorf("ambiguous name: %v", err)
	}
	if got, err := s2.Find("clients/acme/acme ftp"); err != nil || got.ID != a.ID {
		t.Errorf("find by path: %+v, %v", got, err)
	}
	if _, err := s2.Find("nope"); !errors.Is(err, ErrSiteNotFound) {
		t.Errorf("missing: %v", err)
	}

	// Edit, rename and move keep the ID.
	b.Name, b.Folder, b.Port = "Acme (old)", "Clients/Acme", 2990
	if err := s2.Update(b); err != nil {
		t.Fatal(err)
	}
	if got, _ := s2.Get(b.ID); got.Name != "Acme (old)" || got.Folder != "Clients/Acme" || got.Port != 2990 {
		t.Errorf("after update: %+v", got)
	}
	dup, err := s2.Duplicate(a.ID)
	if err != nil || dup.Name != "Acme FTP (copy)" || dup.ID == a.ID || dup.Host != a.Host {
		t.Fatalf("duplicate: %+v, %v", dup, err)
	}
	dup2, err := s2.Duplicate(a.ID)
	if err != nil || dup2.Name != "Acme FTP (copy 2)" {
		t.Fatalf("second duplicate: %+v, %v", dup2, err)
	}
	if err := s2.RemoveFolder("Clients"); err == nil {
		t.Error("a folder holding sites was removed")
	}
	if err := s2.RemoveFolder("Empty"); err == nil {
		t.Error("a folder holding a folder was removed")
	}
	if err := s2.RemoveFolder("Empty/Inner"); err != nil {
		t.Error(err)
	}
	if err := s2.Delete(dup2.ID); err != nil {
		t.Fatal(err)
	}
	if err := s2.Delete(dup2.ID); !errors.Is(err, ErrSiteNotFound) {
		t.Errorf("deleting twice: %v", err)
	}

	// The file: mode 0600, schema version, readable words, no temp files left.
	fi, err := os.Stat(s2.Path())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("sites file mode %v, %v", fi.Mode().Perm(), err)
	}
	data, _ := os.ReadFile(s2.Path())
	for _, want := range []string{`"version": 1`, `"encryption": "implicit"`, `"logon": "ask"`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("sites file lacks %s:\n%s", want, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("config folder holds %d files, want only %s", len(entries), SitesFileName)
	}

	// Export and read back: no IDs, same sites.
	var buf bytes.Buffer
	if err := s2.Export(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(a.ID)) {
		t.Error("the export holds site IDs")
	}
	sites, folders, err := ReadExport(&buf)
	if err != nil || len(sites) != 3 || len(folders) != 0 {
		t.Fatalf("read export: %d sites, folders %v, %v", len(sites), folders, err)
	}
}

func TestSiteStoreDamaged(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":        "{{{",
		"future version":  `{"version": 99, "sites": []}`,
		"bad encryption":  `{"version": 1, "sites": [{"id":"x","name":"a","host":"h","encryption":"rot13","logon":"normal"}]}`,
		"site without id": `{"version": 1, "sites": [{"name":"a","host":"h","encryption":"explicit","logon":"normal"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, SitesFileName), []byte(content), 0o600)
			_, err := OpenStore(dir)
			if err == nil || !strings.Contains(err.Error(), SitesFileName) {
				t.Errorf("damaged file: %v (want an error naming the file)", err)
			}
		})
	}
}

func FuzzOpenSiteStore(f *testing.F) {
	f.Add([]byte(`{"version": 1, "folders": ["A/B"], "sites": [{"id":"x","name":"a","host":"h","encryption":"explicit","logon":"normal"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, SitesFileName), data, 0o600)
		s, err := OpenStore(dir)
		if err != nil {
			return
		}
		s.Sites()
		s.Folders()
	})
}
