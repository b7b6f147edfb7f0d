// Package trash moves local files and folders a sync deletes to the
// desktop's trash where there is one (freedesktop.org Trash on Linux and
// BSD, ~/.Trash on macOS), so that a deletion can be undone; elsewhere,
// or across file systems, it deletes them.
package trash
