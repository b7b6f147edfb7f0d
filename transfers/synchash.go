package transfers

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/ferryftps/ferry/session"
)

// byChecksum compares, with the server's checksum (HASH, else XSHA256,
// XSHA1, XMD5 or XCRC), every file both sides have at the same size: the
// plan's transfers and conflicts between such files, and the files it
// found in step by size and time. A file whose content is the same on
// both sides is in step whatever its times say; one found in step whose
// content differs is sent from the source (one way) or is a conflict
// (both ways). It costs a command and a read of the local file per
// compared file, so it runs only when asked for.
func (p *SyncPlan) byChecksum(ctx context.Context, c *session.Conn) error {
	if newSummer(c) == nil {
		p.Skipped = append(p.Skipped, "the server offers no checksum (HASH, XSHA256, XSHA1, XMD5, XCRC): compared by size and time")
		return nil
	}
	var keep []SyncAction
	for _, a := range p.Actions {
		if a.Kind == SyncDeleteLocal || a.Kind == SyncDeleteRemote || !sameSizeFiles(a.Local, a.Remote) {
			keep = append(keep, a)
			continue
		}
		same, err := p.sameContent(ctx, c, a.Rel, a.Local.Size)
		if err != nil {
			return err
		}
		if same {
			p.inStep(a.Rel)
		} else {
			keep = append(keep, a)
		}
	}
	same := p.same
	p.same, p.Same = nil, 0
	for _, rel := range same {
		l, r := p.local.entries[rel], p.remote.entries[rel]
		if !sameSizeFiles(&l, &r) {
			p.inStep(rel)
			continue
		}
		eq, err := p.sameContent(ctx, c, rel, l.Size)
		if err != nil {
			return err
		}
		if eq {
			p.inStep(rel)
			continue
		}
		keep = append(keep, p.differing(rel, l, r))
	}
	p.Actions = keep
	sortActions(p.Actions)
	return nil
}

func sameSizeFiles(l, r *SyncEntry) bool {
	return l != nil && r != nil && !l.IsDir && !r.IsDir && l.Size == r.Size
}

// differing is the action for a file of the same size and time whose
// content differs.
func (p *SyncPlan) differing(rel string, l, r SyncEntry) SyncAction {
	a := SyncAction{Rel: rel, Local: &l, Remote: &r, Why: "a different checksum"}
	switch p.Direction {
	case SyncUp:
		a.Kind = SyncUpload
	case SyncDown:
		a.Kind = SyncDownload
	default:
		a.Kind = SyncConflict
	}
	return a
}

// sameContent compares the local file rel with the server's copy by
// checksum (see SameContent).
func (p *SyncPlan) sameContent(ctx context.Context, c *session.Conn, rel string, size int64) (bool, error) {
	same, _, err := SameContent(ctx, c, p.localPath(rel), path.Join(p.pair.Remote, rel), size)
	if err != nil {
		return false, fmt.Errorf("sync: %w", err)
	}
	return same, nil
}

// SameContent compares the local file local with the server's file remote
// (both size bytes long) by the server's checksum. ok is false when the
// server offers no checksum (HASH, XSHA256, XSHA1, XMD5, XCRC).
func SameContent(ctx context.Context, c *session.Conn, local, remote string, size int64) (same, ok bool, err error) {
	s := newSummer(c)
	if s == nil {
		return false, false, nil
	}
	if err := s.prefix(nil, local, size); err != nil {
		return false, true, err
	}
	_, err = s.verify(ctx, c, remote)
	switch {
	case err == nil:
		return true, true, nil
	case errors.Is(err, errChecksum):
		return false, true, nil
	}
	return false, true, err
}
