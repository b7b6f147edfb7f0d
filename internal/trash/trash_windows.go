package trash

import "errors"

// The Recycle Bin takes files only through the shell (SHFileOperation or
// IFileOperation), which Ferry does not call yet: deletions are final on
// Windows, and a sync's preview says so before anything is deleted.
var errNoTrash = errors.New("no recycle bin support")

func trashDir() (string, error) { return "", errNoTrash }

func toTrash(dir, p string) error { return errNoTrash }
