//go:build !windows

package sites

import (
	"os"
	"path/filepath"
)

// fileZillaDir is ~/.config/filezilla ($XDG_CONFIG_HOME/filezilla), which
// FileZilla uses on macOS too.
func fileZillaDir() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "filezilla"), nil
	}
	home, err := os.UserHomeDir()
	return filepath.Join(home, ".config", "filezilla"), err
}
