package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// ConfigDir is the folder holding Ferry's settings, sites, trusted
// certificates and queue: $FERRY_CONFIG_DIR when set, else "ferry" in the
// operating system's user config folder. It is created (mode 0700) if
// missing. Safe from any goroutine.
func Dir() (string, error) {
	dir := os.Getenv("FERRY_CONFIG_DIR")
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("finding the config folder: %w", err)
		}
		dir = filepath.Join(base, dirName)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating the config folder: %w", err)
	}
	return dir, nil
}

// WriteFileAtomic replaces path with data so that a reader (or a crash)
// sees either the old file or the new one, never a mix: it writes a
// temporary file in the same folder, syncs it, renames it over path and
// syncs the folder.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
