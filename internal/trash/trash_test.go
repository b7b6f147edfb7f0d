//go:build !windows && !darwin

package trash

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoveToTrash: a file and a folder go to the freedesktop.org trash
// with their .trashinfo; a second file of the same name gets a free name.
func TestRemoveToTrash(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	dir := t.TempDir()
	for _, p := range []string{"a.txt", "sub/b.txt"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(p), 0o644)
	}
	for _, p := range []string{"a.txt", "sub"} {
		trashed, err := Remove(filepath.Join(dir, p))
		if err != nil || !trashed {
			t.Fatalf("Remove(%s) = %v, %v; want it in the trash", p, trashed, err)
		}
		if _, err := os.Lstat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s is still there", p)
		}
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("again"), 0o644)
	if _, err := Remove(filepath.Join(dir, "a.txt")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(data, "Trash/files/sub/b.txt"))
	again, _ := os.ReadFile(filepath.Join(data, "Trash/files/a (1).txt"))
	info, _ := os.ReadFile(filepath.Join(data, "Trash/info/a.txt.trashinfo"))
	if string(got) != "sub/b.txt" || string(again) != "again" || !strings.Contains(string(info), "Path="+filepath.Join(dir, "a.txt")) {
		t.Errorf("trash holds %q and %q, info %q", got, again, info)
	}
}
