package pane

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"github.com/ferryftps/ferry/transfers"
)

// Compare marks: with compare on, each entry of a pane is marked against
// the entry of the same name in the other pane's folder (by size and
// time, within what the coarser side can tell), a tint a kind, and the
// footer counts them. The panes redo the marks whenever either listing
// changes.

// compareState is a pane's marks, by entry name; nil when compare is off
// or the other pane has no listing to compare with.
type compareState struct {
	comparing bool
	bySum     bool            // also compare same-size files by checksum
	sums      map[string]bool // by name: same content (shared by both panes)
	sumsFor   string          // the two folders sums holds answers for
	sumNote   string          // why there are no checksums ("" when there are)
	marks     map[string]transfers.Difference
	counts    [transfers.DiffContent + 1]int
}

// MarkColors are the tints of the compare marks (translucent, so the
// selection and the text stay readable in light and dark themes); "same"
// has none. The legend uses them too.
var MarkColors = map[transfers.Difference]color.NRGBA{
	transfers.DiffOnlyHere: {R: 0x2e, G: 0xa0, B: 0x43, A: 0x50},
	transfers.DiffNewer:    {R: 0xe0, G: 0x8a, B: 0x00, A: 0x50},
	transfers.DiffOlder:    {R: 0x3d, G: 0x7e, B: 0xdb, A: 0x50},
	transfers.DiffSize:     {R: 0xd0, G: 0x3b, B: 0x3b, A: 0x50},
	transfers.DiffKind:     {R: 0x9b, G: 0x59, B: 0xb6, A: 0x50},
	transfers.DiffContent:  {R: 0xd0, G: 0x3b, B: 0x8f, A: 0x50},
}

// SetCompare turns the compare marks on or off, in this pane and the other.
// Call on the UI goroutine.
func (p *Pane) SetCompare(on bool) {
	for _, q := range []*Pane{p, p.peer} {
		if q != nil {
			q.comparing = on
		}
	}
	p.recompare()
}

// Comparing reports whether the compare marks are on.
func (p *Pane) Comparing() bool { return p.comparing }

// Mark returns the compare mark of the entry called name, and whether it
// has one (compare on, both listings there).
func (p *Pane) Mark(name string) (transfers.Difference, bool) {
	d, ok := p.marks[name]
	return d, ok
}

// recompare redoes the marks of both panes after a listing changed.
func (p *Pane) recompare() {
	for _, q := range []*Pane{p, p.peer} {
		if q == nil {
			continue
		}
		q.marks, q.counts = nil, [transfers.DiffContent + 1]int{}
		if q.comparing && q.loaded && q.peer != nil && q.peer.loaded {
			q.marks = marksOf(q.all, q.peer.all, q.remote(), &q.counts)
			q.applySums()
		}
		q.updateFooter()
		q.list.Refresh()
	}
}

// marksOf marks each of here against there; hereRemote says which side
// is the server's, whose times may be off by its time zone (see
// transfers.ServerOffset): they are corrected first.
func marksOf(here, there []item, hereRemote bool, counts *[transfers.DiffContent + 1]int) map[string]transfers.Difference {
	other := make(map[string]*Entry, len(there))
	for i := range there {
		other[there[i].Name] = &there[i].Entry
	}
	var pairs [][2]time.Time // local, remote
	for i := range here {
		if o := other[here[i].Name]; o != nil && !o.IsDir && !here[i].IsDir && o.Size == here[i].Size {
			if hereRemote {
				pairs = append(pairs, [2]time.Time{o.ModTime, here[i].ModTime})
			} else {
				pairs = append(pairs, [2]time.Time{here[i].ModTime, o.ModTime})
			}
		}
	}
	off := transfers.ServerOffset(pairs)
	hereOff, thereOff := time.Duration(0), -off
	if hereRemote {
		hereOff, thereOff = -off, 0
	}
	marks := make(map[string]transfers.Difference, len(here))
	for i := range here {
		e := &here[i].Entry
		var t *transfers.SyncEntry
		if o := other[e.Name]; o != nil {
			t = &transfers.SyncEntry{Size: o.Size, ModTime: shift(o.ModTime, thereOff), IsDir: o.IsDir}
		}
		d := transfers.CompareEntries(transfers.SyncEntry{Size: e.Size, ModTime: shift(e.ModTime, hereOff), IsDir: e.IsDir}, t)
		marks[e.Name] = d
		counts[d]++
	}
	return marks
}

func shift(t time.Time, d time.Duration) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(d)
}

// compareSummary is the footer's count of the marks: "Compared: 2 only
// here, 1 newer here, 14 same".
func (p *Pane) compareSummary() string {
	if p.marks == nil {
		if p.comparing {
			return "Compare: waiting for both folders"
		}
		return ""
	}
	var parts []string
	for _, d := range []transfers.Difference{transfers.DiffOnlyHere, transfers.DiffNewer, transfers.DiffOlder,
		transfers.DiffSize, transfers.DiffKind, transfers.DiffContent, transfers.DiffSame} {
		if n := p.counts[d]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, d.Label()))
		}
	}
	if len(parts) == 0 {
		return "Compared: nothing here"
	}
	text := "Compared: " + strings.Join(parts, ", ")
	if p.bySum && p.sumNote != "" {
		text += " (" + p.sumNote + ")"
	}
	return text
}

// markColor is the tint of the entry called name (transparent: none).
func (p *Pane) markColor(name string) color.Color {
	if d, ok := p.marks[name]; ok {
		if c, ok := MarkColors[d]; ok {
			return c
		}
	}
	return color.Transparent
}
