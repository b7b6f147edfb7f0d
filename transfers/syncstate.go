package transfers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/ferryftps/ferry/internal/config"
)

// The state of a two-way sync pair, kept in the config folder: every file
// that was in step after the last sync, with its size and time on each
// side. It is how a two-way sync tells a file deleted on one side from a
// file new on the other. Files whose transfer began are marked pending
// before it starts, so a sync cut at any point and run again finishes the
// job instead of seeing a conflict in its own half-sent file.

const (
	pendingUp   = "up"
	pendingDown = "down"
)

type stateEntry struct {
	Local   SyncEntry `json:"local"`
	Remote  SyncEntry `json:"remote"`
	Pending string    `json:"pending,omitempty"`
}

// syncState is a pair's state; its methods are safe for concurrent use
// and a nil *syncState is an empty one (a first sync).
type syncState struct {
	path string
	mu   sync.Mutex
	file stateFile
}

type stateFile struct {
	Schema  int                    `json:"schema"`
	Site    string                 `json:"site"`
	Local   string                 `json:"local"`
	Remote  string                 `json:"remote"`
	Entries map[string]*stateEntry `json:"entries"`
}

// SyncStatePath is where the state of the pair (site, local folder, remote
// folder) is kept, in the config folder dir.
func SyncStatePath(dir, site, local, remote string) string {
	h := sha256.Sum256([]byte(site + "\x00" + local + "\x00" + remote))
	return filepath.Join(dir, "sync", hex.EncodeToString(h[:12])+".json")
}

// loadSyncState reads a pair's state; a pair never synced has an empty one
// (known reports false for every file).
func loadSyncState(path, site, local, remote string) (*syncState, error) {
	s := &syncState{path: path, file: stateFile{Schema: 1, Site: site, Local: local, Remote: remote,
		Entries: map[string]*stateEntry{}}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the sync state: %w", err)
	}
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil || f.Schema != 1 {
		return nil, fmt.Errorf("reading the sync state %s: not a state file Ferry can read (%v); delete it to start afresh", path, err)
	}
	if f.Entries == nil {
		f.Entries = map[string]*stateEntry{}
	}
	s.file.Entries = f.Entries
	return s, nil
}

func (s *syncState) get(rel string) (stateEntry, bool) {
	if s == nil {
		return stateEntry{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.file.Entries[rel]
	if !ok {
		return stateEntry{}, false
	}
	return *e, true
}

// entries is a copy of every path the state knows.
func (s *syncState) entries() map[string]stateEntry {
	out := map[string]stateEntry{}
	if s == nil {
		return out
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.file.Entries {
		out[k] = *v
	}
	return out
}

func (s *syncState) set(rel string, e stateEntry) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.file.Entries[rel] = &e
	s.mu.Unlock()
}

func (s *syncState) drop(rel string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	delete(s.file.Entries, rel)
	s.mu.Unlock()
}

// dropBelow forgets a folder and everything the state knew below it.
func (s *syncState) dropBelow(rel string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	for k := range s.file.Entries {
		if k == rel || len(k) > len(rel) && k[:len(rel)+1] == rel+"/" {
			delete(s.file.Entries, k)
		}
	}
	s.mu.Unlock()
}

// save writes the state atomically.
func (s *syncState) save() error {
	if s == nil || s.path == "" {
		return nil
	}
	s.mu.Lock()
	data, err := json.Marshal(&s.file)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("saving the sync state: %w", err)
	}
	if err := config.WriteFileAtomic(s.path, data, 0o600); err != nil {
		return fmt.Errorf("saving the sync state: %w", err)
	}
	return nil
}
