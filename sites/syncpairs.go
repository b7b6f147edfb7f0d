package sites

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ferryftps/ferry/internal/config"
)

// SyncPairsFileName is the file of the saved sync pairs in the config
// folder.
const SyncPairsFileName = "syncpairs.json"

// SyncPair is a saved sync of a local folder with a remote folder of a
// site: how to run it again with one click ("Sync the office folder").
// Direction is "up", "down" or "both". It holds no secret.
type SyncPair struct {
	Name      string   `json:"name"`
	Local     string   `json:"local"`
	Remote    string   `json:"remote"`
	Direction string   `json:"direction"`
	Delete    bool     `json:"delete,omitempty"`
	Exclude   []string `json:"exclude,omitempty"`
}

// SyncPairs keeps each saved site's sync pairs, keyed by the site's ID, in
// a JSON file of its own in the config folder (so a Site stays a plain,
// comparable value), written atomically. Safe for concurrent use.
type SyncPairs struct {
	path string
	mu   sync.Mutex
}

type syncPairsFile struct {
	Version int                   `json:"version"`
	Pairs   map[string][]SyncPair `json:"pairs"`
}

// OpenSyncPairs returns the sync pairs kept in dir.
func OpenSyncPairs(dir string) *SyncPairs {
	return &SyncPairs{path: filepath.Join(dir, SyncPairsFileName)}
}

func (s *SyncPairs) readLocked() (syncPairsFile, error) {
	f := syncPairsFile{Version: 1, Pairs: map[string][]SyncPair{}}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("reading the sync pairs: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil || f.Version != 1 {
		return f, fmt.Errorf("%s is damaged (%v)", s.path, err)
	}
	if f.Pairs == nil {
		f.Pairs = map[string][]SyncPair{}
	}
	return f, nil
}

// List returns the pairs saved for the site with id, in the order saved.
func (s *SyncPairs) List(id string) ([]SyncPair, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.readLocked()
	return f.Pairs[id], err
}

// Save saves p for the site with id: it replaces a pair of the same name
// (ignoring case), else it is added.
func (s *SyncPairs) Save(id string, p SyncPair) error {
	if id == "" {
		return errors.New("only a saved site can keep a sync pair: save the site first")
	}
	if strings.TrimSpace(p.Name) == "" {
		return errors.New("give the sync pair a name")
	}
	return s.change(id, func(pairs []SyncPair) []SyncPair {
		return append(without(pairs, p.Name), p)
	})
}

// Delete forgets the pair called name of the site with id.
func (s *SyncPairs) Delete(id, name string) error {
	return s.change(id, func(pairs []SyncPair) []SyncPair { return without(pairs, name) })
}

func (s *SyncPairs) change(id string, fn func([]SyncPair) []SyncPair) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.readLocked()
	if err != nil {
		return err
	}
	f.Pairs[id] = fn(f.Pairs[id])
	if len(f.Pairs[id]) == 0 {
		delete(f.Pairs, id)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return config.WriteFileAtomic(s.path, append(data, '\n'), 0o600)
}

func without(pairs []SyncPair, name string) []SyncPair {
	out := make([]SyncPair, 0, len(pairs))
	for _, q := range pairs {
		if !strings.EqualFold(q.Name, name) {
			out = append(out, q)
		}
	}
	return out
}
