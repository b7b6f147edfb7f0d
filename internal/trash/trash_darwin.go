package trash

import (
	"os"
	"path/filepath"
)

// trashDir is the user's trash on macOS.
func trashDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".Trash"), nil
}

// toTrash moves p into ~/.Trash under a free name (Finder's "Put Back"
// needs Finder's own records, which only Finder writes).
func toTrash(dir, p string) error {
	name, err := freeName(dir, filepath.Base(p), func(n string) bool {
		_, err := os.Lstat(filepath.Join(dir, n))
		return err == nil
	})
	if err != nil {
		return err
	}
	return os.Rename(p, filepath.Join(dir, name))
}
