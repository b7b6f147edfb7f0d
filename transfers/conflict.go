package transfers

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Action says what to do when a transfer's target already exists.
type Action int

// The conflict actions, as FileZilla and WinSCP offer them.
const (
	// Ask leaves the decision to the Resolver (the zero value).
	Ask Action = iota
	// Overwrite replaces the target.
	Overwrite
	// OverwriteIfNewer replaces the target only when the source was
	// modified later; otherwise the file is skipped.
	OverwriteIfNewer
	// OverwriteIfSizeDiffers replaces the target only when the sizes
	// differ; otherwise the file is skipped.
	OverwriteIfSizeDiffers
	// Resume continues a shorter target from where it ends (REST); a
	// target as long as the source or longer is replaced.
	Resume
	// Rename keeps the target and writes the new file beside it under a
	// free name: "report (1).pdf".
	Rename
	// Skip leaves the target as it is and does not transfer the file.
	Skip
)

var actionNames = []string{"ask", "overwrite", "newer", "size", "resume", "rename", "skip"}

// String returns the action's short name, as the command line spells it:
// "overwrite", "newer", "size", "resume", "rename", "skip" (or "ask").
func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Label returns the action in words for a button or a menu.
func (a Action) Label() string {
	switch a {
	case Overwrite:
		return "Overwrite"
	case OverwriteIfNewer:
		return "Overwrite if newer"
	case OverwriteIfSizeDiffers:
		return "Overwrite if size differs"
	case Resume:
		return "Resume"
	case Rename:
		return "Keep both (rename)"
	case Skip:
		return "Skip"
	}
	return "Ask"
}

// Actions lists the actions a person can choose, in the order a dialog
// shows them.
func Actions() []Action {
	return []Action{Overwrite, OverwriteIfNewer, OverwriteIfSizeDiffers, Resume, Rename, Skip}
}

// ParseAction parses an action's short name (see Action.String).
func ParseAction(s string) (Action, error) {
	for i, n := range actionNames {
		if strings.EqualFold(s, n) {
			return Action(i), nil
		}
	}
	return Ask, fmt.Errorf("unknown conflict action %q: use overwrite, newer, size, resume, rename or skip", s)
}

// Direction says which way a transfer goes.
type Direction int

const (
	// Download copies from the server to this computer.
	Download Direction = iota
	// Upload copies from this computer to the server.
	Upload
)

// String returns "download" or "upload".
func (d Direction) String() string {
	if d == Upload {
		return "upload"
	}
	return "download"
}

// FileStat is what the engine knows of one side of a conflict.
type FileStat struct {
	Path    string    // local path, or remote path on the server
	Size    int64     // bytes; -1 when unknown
	ModTime time.Time // zero when unknown
}

// Conflict is the question "the target exists: what now?".
type Conflict struct {
	Direction Direction
	Site      string   // the site's name, as shown to the person
	Source    FileStat // the file being transferred
	Target    FileStat // the file already there
}

// Decision is a Resolver's answer.
type Decision struct {
	Action Action // never Ask
	// ApplyToAll: use Action for every later conflict of this queue until
	// it runs empty, without asking again.
	ApplyToAll bool
}

// Resolver answers conflicts the queue cannot decide alone. The desktop
// app answers with a dialog, the command line with a flag or a terminal
// prompt.
type Resolver interface {
	// ResolveConflict is called off the UI goroutine, one question at a
	// time, and may block until the person answers. When ctx is cancelled
	// it gives up and returns ctx.Err().
	ResolveConflict(ctx context.Context, c Conflict) (Decision, error)
}

// Policy is a Resolver that always answers with the same action: the
// command line's --on-conflict flag.
type Policy Action

// ResolveConflict returns the policy's action for every conflict.
func (p Policy) ResolveConflict(ctx context.Context, c Conflict) (Decision, error) {
	return Decision{Action: Action(p), ApplyToAll: true}, nil
}

var _ Resolver = Policy(Overwrite)

// decide asks the Resolver (one question at a time, unless an answer
// applies to all) and turns conditional answers into what to do.
func (q *Queue) decide(ctx context.Context, c Conflict, preset Action) (Action, error) {
	a := preset // the job's own policy (a sync decided already), else ask
	if a == Ask {
		q.mu.Lock()
		a = q.applyAll
		q.mu.Unlock()
	}
	if a == Ask {
		q.resolveMu.Lock()
		q.mu.Lock()
		a = q.applyAll
		q.mu.Unlock()
		if a == Ask {
			d, err := q.cfg.Resolver.ResolveConflict(ctx, c)
			if err != nil {
				q.resolveMu.Unlock()
				return Ask, err
			}
			a = d.Action
			if d.ApplyToAll {
				q.mu.Lock()
				q.applyAll = a
				q.mu.Unlock()
			}
		}
		q.resolveMu.Unlock()
	}
	src, dst := c.Source, c.Target
	switch a {
	case OverwriteIfNewer:
		if !src.ModTime.IsZero() && !dst.ModTime.IsZero() && !src.ModTime.After(dst.ModTime) {
			return Skip, nil
		}
		return Overwrite, nil
	case OverwriteIfSizeDiffers:
		if src.Size >= 0 && src.Size == dst.Size {
			return Skip, nil
		}
		return Overwrite, nil
	case Resume:
		switch {
		case dst.Size < src.Size:
			return Resume, nil
		case dst.Size == src.Size:
			return Skip, nil
		}
		return Overwrite, nil
	case Ask:
		return Skip, nil
	}
	return a, nil
}
