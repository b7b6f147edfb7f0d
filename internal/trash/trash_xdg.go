//go:build !windows && !darwin

package trash

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// trashDir is the freedesktop.org home trash: $XDG_DATA_HOME/Trash, else
// ~/.local/share/Trash.
func trashDir() (string, error) {
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		data = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(data, "Trash"), nil
}

// toTrash moves p into the trash dir with its .trashinfo, as the
// freedesktop.org Trash specification says (file managers then list it
// and can put it back).
func toTrash(dir, p string) error {
	files, info := filepath.Join(dir, "files"), filepath.Join(dir, "info")
	if err := os.MkdirAll(files, 0o700); err != nil {
		return err
	}
	if err := os.MkdirAll(info, 0o700); err != nil {
		return err
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return err
	}
	name, err := freeName(files, filepath.Base(abs), func(n string) bool {
		_, err1 := os.Lstat(filepath.Join(files, n))
		_, err2 := os.Lstat(filepath.Join(info, n+".trashinfo"))
		return err1 == nil || err2 == nil
	})
	if err != nil {
		return err
	}
	u := url.URL{Path: abs}
	text := fmt.Sprintf("[Trash Info]\nPath=%s\nDeletionDate=%s\n", u.EscapedPath(), time.Now().Format("2006-01-02T15:04:05"))
	infoPath := filepath.Join(info, name+".trashinfo")
	if err := os.WriteFile(infoPath, []byte(text), 0o600); err != nil {
		return err
	}
	if err := os.Rename(abs, filepath.Join(files, name)); err != nil {
		os.Remove(infoPath)
		return err
	}
	return nil
}
