package transfers

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ferryftps/ferry/internal/config"
)

// QueueFile is the queue file's name in the config folder.
const QueueFile = "queue.json"

// QueuePath returns where the queue is kept in dir (the config folder).
func QueuePath(dir string) string { return filepath.Join(dir, QueueFile) }

type queueFile struct {
	Schema int        `json:"schema"`
	Jobs   []savedJob `json:"jobs"`
	Failed []savedJob `json:"failed,omitempty"`
}

type savedJob struct {
	Spec
	Paused bool   `json:"paused,omitempty"`
	Err    string `json:"error,omitempty"`
}

// saver writes the queue file after changes, at most once per saveDelay.
func (q *Queue) saver() {
	defer close(q.saved)
	for range q.saveCh {
		t := time.NewTimer(q.cfg.saveDelay)
		select {
		case <-t.C:
		case <-q.ctx.Done():
			t.Stop()
		}
		if err := q.save(); err != nil {
			q.notify("Could not save the queue: %v", err)
		}
	}
}

// save writes the queue file atomically. Jobs in flight are saved as
// queued: after a restart they continue from their partial files.
func (q *Queue) save() error {
	if q.cfg.StatePath == "" {
		return nil
	}
	q.mu.Lock()
	f := queueFile{Schema: 1, Jobs: make([]savedJob, 0, len(q.active))}
	for _, j := range q.active {
		if !j.canceled && !j.failed {
			f.Jobs = append(f.Jobs, savedJob{Spec: j.spec, Paused: j.paused})
		}
	}
	for _, j := range q.failed {
		f.Failed = append(f.Failed, savedJob{Spec: j.spec, Err: j.err})
	}
	q.mu.Unlock()
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return config.WriteFileAtomic(q.cfg.StatePath, data, 0o600)
}

// Restore loads the queue file written before the last exit and returns how
// many jobs it queued. They come back with the queue paused, so that the
// front end decides when to go on (ResumeAll); files that arrived whole
// before are then skipped and partial ones continued.
func (q *Queue) Restore() (int, error) {
	if q.cfg.StatePath == "" {
		return 0, nil
	}
	data, err := os.ReadFile(q.cfg.StatePath)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the queue: %w", err)
	}
	var f queueFile
	if err := json.Unmarshal(data, &f); err != nil {
		return 0, fmt.Errorf("reading the queue %s: %w", q.cfg.StatePath, err)
	}
	if f.Schema != 1 {
		return 0, fmt.Errorf("reading the queue %s: unknown schema %d", q.cfg.StatePath, f.Schema)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(f.Jobs) > 0 {
		q.paused = true
	}
	for _, s := range f.Jobs {
		j := q.newJobLocked(s.Spec)
		j.restored, j.paused = true, s.Paused
		for _, t := range j.pending {
			t.resume = true
		}
		q.active = append(q.active, j)
	}
	for _, s := range f.Failed {
		q.nextID++
		q.failed = append(q.failed, &Job{id: q.nextID, spec: s.Spec, failed: true, err: s.Err})
	}
	q.changedLocked()
	return len(f.Jobs), nil
}
