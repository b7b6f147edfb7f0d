//go:build unix

package testutil

import (
	"os"
	"path/filepath"
	"syscall"
)

// ChownLikeRoot gives everything under root to root's owner (a lab
// server's account), so the server may change what a test wrote there.
func ChownLikeRoot(root string) {
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
