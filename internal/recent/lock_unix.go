//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package recent

import (
	"errors"
	"os"
	"syscall"
)

// lockFile blocks until it holds flock(2) on f, exclusive or shared.
func lockFile(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// unlockFile releases the lock lockFile took.
func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
