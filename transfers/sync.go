package transfers

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// SyncDirection says which way a sync goes.
type SyncDirection int

// The sync directions.
const (
	// SyncUp makes the remote folder like the local one.
	SyncUp SyncDirection = iota + 1
	// SyncDown makes the local folder like the remote one (a mirror).
	SyncDown
	// SyncBoth carries changes each way: what changed on one side since
	// the last sync goes to the other, deletions included; what changed on
	// both is a conflict, left for a person to decide.
	SyncBoth
)

// ParseSyncDirection reads "up", "down" or "both".
func ParseSyncDirection(s string) (SyncDirection, error) {
	switch strings.ToLower(s) {
	case "up":
		return SyncUp, nil
	case "down":
		return SyncDown, nil
	case "both":
		return SyncBoth, nil
	}
	return 0, fmt.Errorf("%q is not a sync direction: up, down or both", s)
}

func (d SyncDirection) String() string {
	switch d {
	case SyncUp:
		return "up"
	case SyncDown:
		return "down"
	case SyncBoth:
		return "both"
	}
	return fmt.Sprintf("SyncDirection(%d)", int(d))
}

// SyncOptions say how to sync.
type SyncOptions struct {
	Direction SyncDirection
	// Delete (one way only) deletes on the target what the source does
	// not have. Off by default. A two-way sync always carries deletions
	// it knows of from its state.
	Delete bool
	// Exclude lists patterns of names left alone on both sides: "*.tmp"
	// matches a name in any folder, "cache/" a folder of that name, and a
	// pattern with a slash inside ("build/*.o") the path from the top.
	Exclude []string
	// Checksum compares the content of files both sides have at the same
	// size with the server's checksum (HASH or X*), when it offers one:
	// slower (a command and a local read per file), for when times lie.
	Checksum bool
	// Compare (one way) is what makes a file differ: CompareSizeTime (the
	// zero value: another size, or newer on the source), CompareSize
	// (another size only: times that cannot be trusted), CompareTime
	// (newer on the source only).
	Compare CompareMode
}

// CompareMode says what makes a file differ in a one-way sync.
type CompareMode int

// The compare modes.
const (
	CompareSizeTime CompareMode = iota
	CompareSize
	CompareTime
)

// ParseCompareMode reads "size+time" (or ""), "size" or "time".
func ParseCompareMode(s string) (CompareMode, error) {
	switch strings.ToLower(s) {
	case "", "size+time", "both":
		return CompareSizeTime, nil
	case "size":
		return CompareSize, nil
	case "time":
		return CompareTime, nil
	}
	return 0, fmt.Errorf("%q is not a way to compare: size+time, size or time", s)
}

// SyncKind is what a sync action does.
type SyncKind int

// The sync actions.
const (
	SyncUpload SyncKind = iota + 1
	SyncDownload
	SyncDeleteLocal
	SyncDeleteRemote
	SyncConflict
)

func (k SyncKind) String() string {
	switch k {
	case SyncUpload:
		return "upload"
	case SyncDownload:
		return "download"
	case SyncDeleteLocal:
		return "delete here"
	case SyncDeleteRemote:
		return "delete there"
	case SyncConflict:
		return "conflict"
	}
	return fmt.Sprintf("SyncKind(%d)", int(k))
}

// SyncEntry is one side's file or folder, as a listing describes it.
type SyncEntry struct {
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modTime,omitzero"`
	IsDir   bool      `json:"isDir,omitempty"`
}

// SyncAction is one step of a plan: a file (or, for deletions, a folder
// with everything in it) at Rel, a slash-separated path below both tops.
type SyncAction struct {
	Kind   SyncKind
	Rel    string
	Local  *SyncEntry // what is here now; nil: nothing
	Remote *SyncEntry // what is there now; nil: nothing
	Why    string     // in words: "newer here", "deleted there since the last sync"
}

// Bytes is what the action moves (0 for deletions and conflicts).
func (a SyncAction) Bytes() int64 {
	switch {
	case a.Kind == SyncUpload && a.Local != nil:
		return a.Local.Size
	case a.Kind == SyncDownload && a.Remote != nil:
		return a.Remote.Size
	}
	return 0
}

// snapshot is one side of a sync pair: every entry below the top by its
// relative path, and the folders whose listing was incomplete (a cut or
// unreadable listing): nothing below them is taken as missing.
type snapshot struct {
	entries map[string]SyncEntry
	partial []string
	// precise: the side reports modification times to the second (local
	// disks, MLSD); else to the minute (LIST), or the day for entries
	// older than half a year, which LIST shows with a year instead.
	precise bool
}

// prec is how exactly e's time is known.
func (s *snapshot) prec(e SyncEntry) time.Duration { return timePrecision(s.precise, e.ModTime) }

// incomplete reports whether rel lies in a folder whose listing was cut.
func (s *snapshot) incomplete(rel string) bool {
	for _, p := range s.partial {
		if p == "" || rel == p || strings.HasPrefix(rel, p+"/") || path.Dir(rel) == p {
			return true
		}
	}
	return false
}

// sameTime reports whether a and b are the same time as well as the
// coarser of the two sides can tell.
func sameTime(a, b time.Time, precision time.Duration) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	d := a.Sub(b)
	if d < 0 {
		d = -d
	}
	return d < max(precision, time.Second)
}

// timePrecision is how exactly a remote entry's time is known: listings
// by LIST give minutes, and a year instead of the time for older files.
func timePrecision(precise bool, t time.Time) time.Duration {
	switch {
	case precise:
		return time.Second
	case t.Hour() == 0 && t.Minute() == 0:
		return 24 * time.Hour
	}
	return time.Minute
}

// newer reports whether a is later than b by more than the precision.
func newer(a, b time.Time, precision time.Duration) bool {
	return !a.IsZero() && !b.IsZero() && a.Sub(b) >= max(precision, time.Second)
}

// sortActions orders a plan: by path, folders before what is in them, so
// that a preview reads like a tree and deletions of a folder come once.
func sortActions(as []SyncAction) {
	slices.SortFunc(as, func(a, b SyncAction) int { return strings.Compare(a.Rel, b.Rel) })
}

// Difference is how an entry on one side compares with the entry of the
// same name on the other, as the panes mark it.
type Difference int

// The differences.
const (
	DiffSame     Difference = iota // the same size and time (or both folders)
	DiffOnlyHere                   // the other side has no entry of that name
	DiffNewer                      // same name, modified later here
	DiffOlder                      // same name, modified earlier here
	DiffSize                       // same name and time, another size
	DiffKind                       // a file on one side, a folder on the other
	DiffContent                    // same name and size, another checksum
)

// Label is the difference in words, for a legend or a tooltip.
func (d Difference) Label() string {
	return [...]string{"same", "only here", "newer here", "older here", "different size", "file and folder", "different content"}[d]
}

// CompareEntries compares here with there (nil: no such entry there), by
// size and time, within the precision the coarser side reports times to:
// a time with no seconds is taken as a listing's minute (LIST), one at
// midnight as its day (older files); others to the second.
func CompareEntries(here SyncEntry, there *SyncEntry) Difference {
	switch {
	case there == nil:
		return DiffOnlyHere
	case here.IsDir != there.IsDir:
		return DiffKind
	case here.IsDir:
		return DiffSame
	}
	prec := max(guessPrecision(here.ModTime), guessPrecision(there.ModTime))
	switch {
	case newer(here.ModTime, there.ModTime, prec):
		return DiffNewer
	case newer(there.ModTime, here.ModTime, prec):
		return DiffOlder
	case here.Size != there.Size:
		return DiffSize
	}
	return DiffSame
}

// guessPrecision is how exactly a time of unknown source is known: one
// with seconds came from MLSD or a disk, one without from LIST.
func guessPrecision(t time.Time) time.Duration {
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return time.Second
	}
	return timePrecision(false, t)
}

// ServerOffset is how far a server's listing times are off from the
// truth, when the server lists them in a time zone of its own (LIST gives
// no zone): the whole number of hours (up to 14) by which most files of
// the same size on both sides differ, to the minute; 0 when there is no
// such majority. pairs holds, for each file both sides have at the same
// size, the local and the listed time.
func ServerOffset(pairs [][2]time.Time) time.Duration {
	counts := map[int]int{}
	n := 0
	for _, p := range pairs {
		if p[0].IsZero() || p[1].IsZero() {
			continue
		}
		n++
		d := p[1].Sub(p[0])
		h := d.Round(time.Hour)
		if diff := d - h; diff > time.Minute || diff < -time.Minute || h > 14*time.Hour || h < -14*time.Hour {
			continue
		}
		counts[int(h/time.Hour)]++
	}
	for h, c := range counts {
		if h != 0 && n >= 3 && c*10 >= n*8 { // four in five agree
			return time.Duration(h) * time.Hour
		}
	}
	return 0
}
