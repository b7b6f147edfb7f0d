package sites

import (
	"os"
	"path/filepath"
)

// fileZillaDir is %APPDATA%\FileZilla.
func fileZillaDir() (string, error) {
	dir, err := os.UserConfigDir() // %APPDATA%
	return filepath.Join(dir, "FileZilla"), err
}
