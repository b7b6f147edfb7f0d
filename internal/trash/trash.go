package trash

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Remove moves p (a file, or a folder with everything in it) to the trash,
// or deletes it where no trash can take it. It reports whether p went to
// the trash.
func Remove(p string) (trashed bool, err error) {
	if _, err := os.Lstat(p); err != nil {
		return false, err
	}
	dir, err := trashDir()
	if err == nil {
		if err = toTrash(dir, p); err == nil {
			return true, nil
		}
		if !errors.Is(err, syscall.EXDEV) {
			return false, fmt.Errorf("moving %s to the trash: %w", p, err)
		}
	}
	if err := os.RemoveAll(p); err != nil {
		return false, err
	}
	return false, nil
}

// freeName finds a name in dir not taken yet: name, "name (1)", ...
func freeName(dir, name string, taken func(string) bool) (string, error) {
	if !taken(name) {
		return name, nil
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for n := 1; n <= 10000; n++ {
		cand := fmt.Sprintf("%s (%d)%s", base, n, ext)
		if !taken(cand) {
			return cand, nil
		}
	}
	return "", fmt.Errorf("no free name for %s in %s", name, dir)
}
