//go:build unix

package transfers

import (
	"os"
	"path/filepath"
	"syscall"
)

// chownAll gives everything under root to root's owner (the lab account),
// so the server may write where a test made a folder.
func chownAll(root string) {
	fi, err := os.Stat(root)
	if err != nil {
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err == nil {
			os.Lchown(p, int(st.Uid), int(st.Gid))
		}
		return nil
	})
}
