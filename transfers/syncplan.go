package transfers

import (
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// SyncPlan is what a sync would do, for a person to look over (and untick)
// before it runs: every action, the folders to make, and what was left out
// and why.
type SyncPlan struct {
	Direction SyncDirection
	Actions   []SyncAction
	// Folders are made on the other side (slash-separated, below the top):
	// new folders, empty ones included.
	LocalFolders, RemoteFolders []string
	Same                        int      // files already in step
	Partial                     []string // folders listed incompletely: nothing below them is deleted
	Skipped                     []string // entries left out, each with the reason

	local, remote *snapshot
	state         *syncState // two-way: the last sync's (nil: one way)
	pair          SyncPair
	remoteMissing bool     // the remote top folder is not there yet
	same          []string // the files in step
}

// inStep notes a file found in step.
func (p *SyncPlan) inStep(rel string) {
	p.Same++
	p.same = append(p.same, rel)
}

// Count is how many actions of kind k the plan holds.
func (p *SyncPlan) Count(k SyncKind) int {
	n := 0
	for _, a := range p.Actions {
		if a.Kind == k {
			n++
		}
	}
	return n
}

// Bytes is what the plan's transfers move.
func (p *SyncPlan) Bytes() int64 {
	var n int64
	for _, a := range p.Actions {
		n += a.Bytes()
	}
	return n
}

// planSync compares the two sides and decides. state is the last sync's
// state of the pair (two-way only; nil on a first sync).
func planSync(opts SyncOptions, local, remote *snapshot, state *syncState) *SyncPlan {
	if off := remoteOffset(local, remote); off != 0 {
		remote = remote.shifted(-off)
	}
	p := &SyncPlan{Direction: opts.Direction, local: local, remote: remote, state: state}
	p.Partial = append(slices.Clone(local.partial), remote.partial...)
	switch opts.Direction {
	case SyncUp:
		p.oneWay(local, remote, SyncUpload, SyncDeleteRemote, opts, &p.RemoteFolders)
	case SyncDown:
		p.oneWay(remote, local, SyncDownload, SyncDeleteLocal, opts, &p.LocalFolders)
	case SyncBoth:
		p.twoWay()
	}
	sortActions(p.Actions)
	sort.Strings(p.LocalFolders)
	sort.Strings(p.RemoteFolders)
	return p
}

// sides returns the local and remote entries for a source/target pair.
func (p *SyncPlan) sides(src, dst *snapshot, s, d *SyncEntry) (local, remote *SyncEntry) {
	if src == p.local {
		return s, d
	}
	return d, s
}

// oneWay makes dst like src: what src has and dst lacks, or has older or
// of another size, is sent (kind); with del, what dst has beyond src is
// deleted (delKind), a folder at once.
func (p *SyncPlan) oneWay(src, dst *snapshot, kind, delKind SyncKind, opts SyncOptions, mk *[]string) {
	bySize, byTime := opts.Compare != CompareTime, opts.Compare != CompareSize
	for _, rel := range sortedKeys(src.entries) {
		s := src.entries[rel]
		d, there := dst.entries[rel]
		switch {
		case s.IsDir && !there:
			*mk = append(*mk, rel)
		case s.IsDir && !d.IsDir, !s.IsDir && there && d.IsDir:
			l, r := p.sides(src, dst, &s, &d)
			p.add(SyncConflict, rel, l, r, "a file on one side, a folder on the other")
		case s.IsDir:
		case !there:
			p.send(src, dst, kind, rel, &s, nil, "new")
		case bySize && s.Size != d.Size:
			p.send(src, dst, kind, rel, &s, &d, "a different size")
		case byTime && newer(s.ModTime, d.ModTime, max(src.prec(s), dst.prec(d))):
			p.send(src, dst, kind, rel, &s, &d, "newer")
		default:
			p.inStep(rel)
		}
	}
	if !opts.Delete {
		return
	}
	var gone string // the last folder deleted whole: skip what is in it
	for _, rel := range sortedKeys(dst.entries) {
		if _, ok := src.entries[rel]; ok || gone != "" && strings.HasPrefix(rel, gone+"/") {
			continue
		}
		if src.incomplete(rel) {
			continue // the source may have it: its listing was cut
		}
		d := dst.entries[rel]
		l, r := p.sides(dst, src, &d, nil)
		p.add(delKind, rel, l, r, "not on the other side")
		if d.IsDir {
			gone = rel
		}
	}
}

// send adds a transfer from src's side, saying which side is newer.
func (p *SyncPlan) send(src, dst *snapshot, kind SyncKind, rel string, s, d *SyncEntry, why string) {
	l, r := p.sides(src, dst, s, d)
	if why != "new" {
		why += map[bool]string{true: " here", false: " there"}[src == p.local]
	} else {
		why = "only " + map[bool]string{true: "here", false: "there"}[src == p.local]
	}
	p.add(kind, rel, l, r, why)
}

func (p *SyncPlan) add(kind SyncKind, rel string, local, remote *SyncEntry, why string) {
	p.Actions = append(p.Actions, SyncAction{Kind: kind, Rel: rel, Local: clone(local), Remote: clone(remote), Why: why})
}

func clone(e *SyncEntry) *SyncEntry {
	if e == nil {
		return nil
	}
	c := *e
	return &c
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parentIn reports whether rel's folder, or one above it, is in set.
func parentIn(rel string, set map[string]bool) bool {
	for d := path.Dir(rel); d != "." && d != "/"; d = path.Dir(d) {
		if set[d] {
			return true
		}
	}
	return false
}

// remoteOffset is the server's time-zone offset, judged from the files
// both sides have at the same size (see ServerOffset); only listings
// without a zone (LIST) can have one.
func remoteOffset(local, remote *snapshot) time.Duration {
	if remote.precise {
		return 0 // MLSD times are UTC
	}
	var pairs [][2]time.Time
	for rel, r := range remote.entries {
		if l, ok := local.entries[rel]; ok && !l.IsDir && !r.IsDir && l.Size == r.Size {
			pairs = append(pairs, [2]time.Time{l.ModTime, r.ModTime})
		}
	}
	return ServerOffset(pairs)
}

// shifted is a copy of s with every time moved by d.
func (s *snapshot) shifted(d time.Duration) *snapshot {
	c := *s
	c.entries = make(map[string]SyncEntry, len(s.entries))
	for rel, e := range s.entries {
		if !e.ModTime.IsZero() {
			e.ModTime = e.ModTime.Add(d)
		}
		c.entries[rel] = e
	}
	return &c
}
