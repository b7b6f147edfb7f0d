package transfers

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Record is one finished transfer, as the transfer history keeps it: what
// was sent where, when, and how it ended. It never holds a secret: Site is
// the site's name and address without a password.
type Record struct {
	Time      time.Time `json:"time"`
	Site      string    `json:"site"`
	Direction string    `json:"direction"` // "download" or "upload"
	Remote    string    `json:"remote"`
	Local     string    `json:"local"`
	Size      int64     `json:"size"`
	Duration  float64   `json:"seconds"`
	// Result is how it ended in words, for people: "ok", "skipped: …" or
	// "failed: …". Code decides on Outcome and Skip instead.
	Result   string     `json:"result"`
	Outcome  Outcome    `json:"outcome,omitempty"`
	Skip     SkipReason `json:"skip,omitempty"`     // why, when Outcome is OutcomeSkipped
	Checksum string     `json:"checksum,omitempty"` // "SHA-256 ab12…" when verified with the server
}

// OK reports whether the transfer succeeded.
func (r Record) OK() bool { return r.Outcome == OutcomeOK }

// UnmarshalJSON reads a history line. A line written before Record had
// Outcome and Skip gets them from the words of its Result, which Ferry
// wrote in a fixed form then; this is the only place those words are read.
func (r *Record) UnmarshalJSON(data []byte) error {
	type plain Record // without this method
	if err := json.Unmarshal(data, (*plain)(r)); err != nil {
		return err
	}
	if r.Outcome == 0 {
		r.Outcome, r.Skip = legacyOutcome(r.Result)
	}
	return nil
}

// legacyOutcome reads the outcome of an old history line from its Result:
// "ok", "failed: …", or "skipped: " and a reason.
func legacyOutcome(result string) (Outcome, SkipReason) {
	word, why, _ := strings.Cut(result, ": ")
	switch word {
	case OutcomeOK.String():
		return OutcomeOK, 0
	case OutcomeFailed.String():
		return OutcomeFailed, 0
	case OutcomeSkipped.String():
		for _, s := range []SkipReason{SkippedExists, SkippedAlreadyThere} {
			if why == s.words() {
				return OutcomeSkipped, s
			}
		}
		return OutcomeSkipped, SkippedUnusable
	}
	return 0, 0
}

// History appends Records to a file, one JSON object a line, and keeps it
// bounded: past MaxBytes the file is rotated (history.jsonl → .1 → .2 …,
// Keep old files). Safe from any goroutine.
type History struct {
	Path     string
	MaxBytes int64 // 0: 4 MiB
	Keep     int   // 0: 3

	mu sync.Mutex
}

// HistoryFile is the history's file name in the config folder.
const HistoryFile = "transfer-history.jsonl"

// OpenHistory returns the history kept in dir (the config folder).
func OpenHistory(dir string) *History {
	return &History{Path: filepath.Join(dir, HistoryFile)}
}

// Append writes r as one line, rotating the file first when it is full.
func (h *History) Append(r Record) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.rotateLocked(int64(len(line))); err != nil {
		return err
	}
	f, err := os.OpenFile(h.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("transfer history: %w", err)
	}
	_, err = f.Write(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("transfer history: %w", err)
	}
	return nil
}

func (h *History) rotateLocked(adding int64) error {
	max, keep := h.MaxBytes, h.Keep
	if max <= 0 {
		max = 4 << 20
	}
	if keep <= 0 {
		keep = 3
	}
	fi, err := os.Stat(h.Path)
	if err != nil || fi.Size()+adding <= max {
		return nil
	}
	os.Remove(fmt.Sprintf("%s.%d", h.Path, keep))
	for i := keep - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", h.Path, i), fmt.Sprintf("%s.%d", h.Path, i+1))
	}
	if err := os.Rename(h.Path, h.Path+".1"); err != nil {
		return fmt.Errorf("transfer history: rotating: %w", err)
	}
	return nil
}

// Last returns up to n of the most recent records, oldest first. Lines that
// do not parse (a file cut short by a crash) are skipped.
func (h *History) Last(n int) ([]Record, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Record
	for _, p := range []string{h.Path, h.Path + ".1"} {
		recs, err := readRecords(p)
		if err != nil {
			return nil, err
		}
		out = append(recs, out...)
		if len(out) >= n {
			break
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out, nil
}

func readRecords(p string) ([]Record, error) {
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("transfer history: %w", err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			out = append(out, r)
		}
	}
	return out, sc.Err()
}
