package transfers

import (
	"strings"
	"time"
)

// twoWay carries each side's changes since the last sync to the other. A
// file is changed when its size or time differs from what the state
// recorded; it is deleted when the state knew it and it is gone (from a
// listing that was whole). Changed on both sides, or changed on one and
// deleted on the other, is a conflict: nothing is done to either copy.
func (p *SyncPlan) twoWay() {
	rels := map[string]bool{}
	for rel := range p.local.entries {
		rels[rel] = true
	}
	for rel := range p.remote.entries {
		rels[rel] = true
	}
	for rel := range p.state.entries() {
		rels[rel] = true
	}
	gone := map[string]bool{} // folders deleted whole
	for _, rel := range sortedKeys(rels) {
		if parentIn(rel, gone) {
			continue
		}
		l, lok := p.local.entries[rel]
		r, rok := p.remote.entries[rel]
		if !lok && p.local.incomplete(rel) || !rok && p.remote.incomplete(rel) {
			continue // one side's listing was cut: it may have it
		}
		switch {
		case lok && rok && l.IsDir && r.IsDir:
		case lok && rok && l.IsDir != r.IsDir:
			p.add(SyncConflict, rel, &l, &r, "a file on one side, a folder on the other")
		case lok && rok:
			p.bothHave(rel, l, r)
		case lok:
			p.oneHas(rel, l, true, gone)
		case rok:
			p.oneHas(rel, r, false, gone)
		}
	}
}

// bothHave decides a file both sides have.
func (p *SyncPlan) bothHave(rel string, l, r SyncEntry) {
	st, known := p.state.get(rel)
	prec := max(p.local.prec(l), p.remote.prec(r))
	alike := l.Size == r.Size && (sameTime(l.ModTime, r.ModTime, prec) || !known)
	switch {
	case !known && alike:
		// A first sync: the same size on both sides is taken as in step.
		p.inStep(rel)
		return
	case !known:
		p.add(SyncConflict, rel, &l, &r, "different on each side, and no earlier sync to tell which changed")
		return
	case st.Pending == pendingUp && !changed(l, st.Local, time.Second):
		// The copy there changed since the upload began, to this size:
		// the upload ended and its record did not. Else send it again.
		if changed(r, st.Remote, p.remote.prec(r)) && r.Size == l.Size {
			p.inStep(rel)
		} else {
			p.add(SyncUpload, rel, &l, &r, "an upload that did not end")
		}
		return
	case st.Pending == pendingDown && !changed(r, st.Remote, p.remote.prec(r)):
		if changed(l, st.Local, time.Second) && r.Size == l.Size {
			p.inStep(rel)
		} else {
			p.add(SyncDownload, rel, &l, &r, "a download that did not end")
		}
		return
	}
	cl := changed(l, st.Local, time.Second)
	cr := changed(r, st.Remote, p.remote.prec(r))
	switch {
	case !cl && !cr:
		p.inStep(rel)
	case cl && !cr:
		p.add(SyncUpload, rel, &l, &r, "changed here")
	case !cl && cr:
		p.add(SyncDownload, rel, &l, &r, "changed there")
	case l.Size == r.Size && sameTime(l.ModTime, r.ModTime, prec):
		p.inStep(rel) // changed alike on both sides
	default:
		p.add(SyncConflict, rel, &l, &r, "changed on both sides since the last sync")
	}
}

// oneHas decides an entry only one side has (here: the local side): new
// since the last sync (it goes to the other side), or deleted there (it
// is deleted here too, unless it changed here since: a conflict). A folder
// deleted there goes whole, unless something in it changed here.
func (p *SyncPlan) oneHas(rel string, e SyncEntry, here bool, gone map[string]bool) {
	side := p.local
	send, del := SyncUpload, SyncDeleteLocal
	if !here {
		side = p.remote
		send, del = SyncDownload, SyncDeleteRemote
	}
	l, r := &e, (*SyncEntry)(nil)
	if !here {
		l, r = nil, &e
	}
	st, known := p.state.get(rel)
	switch {
	case known && !e.IsDir && st.Pending != "":
		// A transfer began and never ended (the copy never appeared):
		// never a deletion, send it again.
		p.add(send, rel, l, r, "a transfer that did not end")
	case e.IsDir && (!known || p.changedBelow(rel, side, here)):
		if here {
			p.RemoteFolders = append(p.RemoteFolders, rel)
		} else {
			p.LocalFolders = append(p.LocalFolders, rel)
		}
	case e.IsDir:
		p.add(del, rel, l, r, "deleted on the other side since the last sync")
		gone[rel] = true
	case !known:
		p.add(send, rel, l, r, "only "+map[bool]string{true: "here", false: "there"}[here])
	case here && changed(e, st.Local, time.Second), !here && changed(e, st.Remote, side.prec(e)):
		p.add(SyncConflict, rel, l, r, "changed on one side, deleted on the other")
	default:
		p.add(del, rel, l, r, "deleted on the other side since the last sync")
	}
}

// changedBelow reports whether anything below the folder rel on side is
// new or changed since the last sync.
func (p *SyncPlan) changedBelow(rel string, side *snapshot, here bool) bool {
	for r, e := range side.entries {
		if !strings.HasPrefix(r, rel+"/") {
			continue
		}
		st, known := p.state.get(r)
		switch {
		case !known:
			return true
		case e.IsDir:
		case here && changed(e, st.Local, time.Second), !here && changed(e, st.Remote, side.prec(e)):
			return true
		}
	}
	return false
}

// changed reports whether cur differs from what was recorded: its size,
// or its time when one was recorded (a copy's time on the server is often
// unknown: that of the upload, unless the server could set it).
func changed(cur, rec SyncEntry, prec time.Duration) bool {
	if cur.IsDir || rec.IsDir {
		return cur.IsDir != rec.IsDir
	}
	return cur.Size != rec.Size || !rec.ModTime.IsZero() && !sameTime(cur.ModTime, rec.ModTime, prec)
}
