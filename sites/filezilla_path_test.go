package sites

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFileZillaSiteManager(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	want := filepath.Join(xdg, "filezilla", "sitemanager.xml")
	if p, ok := FileZillaSiteManager(); p != want || ok {
		t.Fatalf("no file yet: %q, %v; want %q, false", p, ok, want)
	}
	os.MkdirAll(filepath.Dir(want), 0o755)
	os.WriteFile(want, []byte("<FileZilla3/>"), 0o600)
	if p, ok := FileZillaSiteManager(); p != want || !ok {
		t.Fatalf("with the file: %q, %v", p, ok)
	}
}
