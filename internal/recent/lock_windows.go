package recent

import (
	"os"

	"golang.org/x/sys/windows"
)

// allBytes locks the whole file, however long (it is empty anyway).
const allBytes = ^uint32(0)

// lockFile blocks until it holds LockFileEx on f, exclusive or shared.
func lockFile(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, allBytes, allBytes, new(windows.Overlapped))
}

// unlockFile releases the lock lockFile took.
func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, allBytes, allBytes, new(windows.Overlapped))
}
