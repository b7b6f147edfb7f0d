package recent

// Several Ferry processes may use one file at once. Add reads, merges and
// writes it while holding an exclusive OS file lock on recent.lock beside
// it (List holds a shared one), and the file is replaced atomically, so no
// update is lost and a reader never sees half a file.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/ferryftps/ferry/internal/config"
)

// FileName is the store's file in the config folder.
const FileName = "recent.json"

// lockName is the file the store locks (never the data file itself: it is
// replaced by a rename, and a lock belongs to the file it was taken on).
const lockName = "recent.lock"

// Max is how many URLs the store keeps.
const Max = 10

// errCorrupt marks a file that does not parse.
var errCorrupt = errors.New("not a recent-connections file")

// Store is the recent-connections file of one config folder. Safe for
// concurrent use, also by several processes; Add and List block while
// another one writes.
type Store struct {
	dir   string
	limit int // Max, or another for tests
}

// file is recent.json.
type file struct {
	URLs []string `json:"urls"` // newest first
}

// Open returns the store in the config folder dir (which must exist). It
// does not touch the disk.
func Open(dir string) *Store { return &Store{dir: dir, limit: Max} }

// Path is the store's file.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// List returns the URLs, newest first (none when the file does not exist).
// Entries that are not valid (not an absolute URL, or with a password) are
// left out.
func (s *Store) List() ([]string, error) {
	var out []string
	err := s.locked(false, func() error {
		var err error
		out, err = s.read()
		return err
	})
	return out, err
}

// Add puts u first, removing an older copy of it and the oldest entries
// beyond Max, and returns the new list. A password in u is dropped. A file
// that does not parse (edited by hand) is replaced.
func (s *Store) Add(u string) ([]string, error) {
	clean, ok := sanitize(u)
	if !ok {
		return nil, fmt.Errorf("recent connections: %q is not a server URL", stripPassword(u))
	}
	return s.update(func(list []string) []string { return append([]string{clean}, list...) })
}

// Import adds urls (newest first) after the stored ones, as older
// entries: for moving a list kept elsewhere into the store. Invalid ones
// are skipped.
func (s *Store) Import(urls []string) ([]string, error) {
	return s.update(func(list []string) []string { return append(list, urls...) })
}

// update replaces the list with merge(list), cleaned and cut to the limit,
// under the exclusive lock.
func (s *Store) update(merge func([]string) []string) ([]string, error) {
	var out []string
	err := s.locked(true, func() error {
		list, err := s.read()
		if err != nil && !errors.Is(err, errCorrupt) {
			return err
		}
		out = s.clean(merge(list))
		data, err := json.MarshalIndent(file{URLs: out}, "", "  ")
		if err != nil {
			return err
		}
		return config.WriteFileAtomic(s.Path(), append(data, '\n'), 0o600)
	})
	return out, err
}

// read parses the file; a missing file is an empty list.
func (s *Store) read() ([]string, error) {
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recent connections: %w", err)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("recent connections: %w: %s: %w", errCorrupt, s.Path(), err)
	}
	return s.clean(f.URLs), nil
}

// clean drops invalid entries and later copies, and cuts the list to the
// limit.
func (s *Store) clean(list []string) []string {
	out := make([]string, 0, min(len(list), s.limit))
	seen := map[string]bool{}
	for _, u := range list {
		c, ok := sanitize(u)
		if !ok || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
		if len(out) == s.limit {
			break
		}
	}
	return out
}

// locked runs fn holding the store's lock (exclusive or shared).
func (s *Store) locked(exclusive bool, fn func() error) error {
	f, err := os.OpenFile(filepath.Join(s.dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("recent connections: %w", err)
	}
	defer f.Close() // closing also releases the lock
	if err := lockFile(f, exclusive); err != nil {
		return fmt.Errorf("recent connections: locking %s: %w", f.Name(), err)
	}
	defer unlockFile(f)
	return fn()
}

// sanitize returns u without a password, and whether it is a URL with a
// scheme and a host.
func sanitize(u string) (string, bool) {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Host == "" {
		return "", false
	}
	if _, has := p.User.Password(); has {
		p.User = url.User(p.User.Username())
		return p.String(), true
	}
	return u, true
}

// stripPassword is u without a password, for error messages.
func stripPassword(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	return "(unparsable)"
}
