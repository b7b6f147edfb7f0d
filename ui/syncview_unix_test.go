//go:build unix

package ui

import (
	"os"
	"path/filepath"
	"syscall"

	"github.com/ferryftps/ferry/internal/ftpslab"
)

// chownLab gives the lab account (the owner of the server's folder) what a
// test wrote there, so the server may change it.
func chownLab(srv *ftpslab.Server) {
	fi, err := os.Stat(srv.Root)
	if err != nil {
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	filepath.WalkDir(srv.Root, func(p string, _ os.DirEntry, err error) error {
		if err == nil {
			os.Lchown(p, int(st.Uid), int(st.Gid))
		}
		return nil
	})
}
