package sites

import (
	"os"
	"path/filepath"
)

// FileZillaSiteManager is where FileZilla 3 keeps its site manager on this
// computer (%APPDATA%\FileZilla\sitemanager.xml on Windows,
// ~/.config/filezilla/sitemanager.xml elsewhere), and whether that file
// exists: the file an import offers first.
func FileZillaSiteManager() (path string, exists bool) {
	dir, err := fileZillaDir()
	if err != nil {
		return "", false
	}
	path = filepath.Join(dir, "sitemanager.xml")
	_, err = os.Stat(path)
	return path, err == nil
}
