package transfers

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"

	"github.com/ferryftps/ferry/internal/trash"
	"github.com/ferryftps/ferry/session"
)

// SyncPair is a local folder and a remote folder kept in step.
type SyncPair struct {
	// Site and SiteName are the queue's key for the server and the name
	// people know it by (see Spec). StateKey names the server in the
	// two-way state ("user@host:port"): the same pair on another server is
	// another pair.
	Site, SiteName, StateKey string
	Local                    string // absolute local folder
	Remote                   string // absolute remote folder
}

// PlanSync lists both sides (the remote one over c, one listing a folder)
// and plans the sync. stateDir is the config folder, where a two-way sync
// keeps the state of each pair.
func PlanSync(ctx context.Context, c *session.Conn, pair SyncPair, opts SyncOptions, stateDir string) (*SyncPlan, error) {
	if opts.Direction < SyncUp || opts.Direction > SyncBoth {
		return nil, errors.New("sync: no direction")
	}
	exclude := append(slices.Clone(opts.Exclude), "*"+partSuffix) // our own partial downloads
	var skipped []string
	local, err := walkLocalTop(pair.Local, opts.Direction, exclude, &skipped)
	if err != nil {
		return nil, err
	}
	remote, missing, err := walkRemoteTop(ctx, c, pair.Remote, exclude, &skipped)
	if err != nil {
		return nil, err
	}
	var state *syncState
	if opts.Direction == SyncBoth {
		if state, err = loadSyncState(SyncStatePath(stateDir, pair.StateKey, pair.Local, pair.Remote),
			pair.StateKey, pair.Local, pair.Remote); err != nil {
			return nil, err
		}
	}
	p := planSync(opts, local, remote, state)
	p.Skipped, p.pair, p.remoteMissing = skipped, pair, missing
	if opts.Checksum && !missing {
		if err := p.byChecksum(ctx, c); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// walkLocalTop reads the local side; a missing top folder is an empty one
// when the sync may create it (down, both).
func walkLocalTop(top string, dir SyncDirection, exclude []string, skipped *[]string) (*snapshot, error) {
	s, err := walkLocal(top, exclude, skipped)
	if err != nil && dir != SyncUp && errors.Is(err, fs.ErrNotExist) {
		return &snapshot{entries: map[string]SyncEntry{}, precise: true}, nil
	}
	return s, err
}

// walkRemoteTop lists the remote side; a missing top folder is an empty
// one, made when the sync runs.
func walkRemoteTop(ctx context.Context, c *session.Conn, top string, exclude []string, skipped *[]string) (*snapshot, bool, error) {
	st, err := c.Stat(ctx, top)
	switch {
	case err != nil && absent(err):
		return &snapshot{entries: map[string]SyncEntry{}, precise: true}, true, nil
	case err != nil:
		return nil, false, err
	case !st.IsDir:
		return nil, false, fmt.Errorf("sync: %s is not a folder on the server", top)
	}
	s, err := walkRemote(ctx, c, top, exclude, skipped)
	return s, false, err
}

// SyncResult is how a sync went.
type SyncResult struct {
	Uploaded, Downloaded      int
	DeletedHere, DeletedThere int
	Trashed                   int // of DeletedHere, those moved to the trash
	Conflicts                 []SyncAction
	Failed                    []string // "path: why"
}

// OK reports whether everything chosen was done and no conflict is left.
func (r SyncResult) OK() bool { return len(r.Failed) == 0 && len(r.Conflicts) == 0 }

// Execute carries out the chosen actions of the plan (all of them, or
// those a person left ticked in the preview): it makes the folders, sends
// the files through q (so progress, retries, resume and the history work
// as for any transfer) and waits for them, then deletes. A two-way pair's
// state is saved before the transfers start (marking them pending) and
// after. Conflicts are never acted on: they are reported.
func (p *SyncPlan) Execute(ctx context.Context, q *Queue, c *session.Conn, chosen []SyncAction) (SyncResult, error) {
	var res SyncResult
	if err := p.makeFolders(ctx, c, chosen); err != nil {
		return res, err
	}
	specs := p.markPending(chosen)
	if err := p.state.save(); err != nil {
		return res, err
	}
	var mu sync.Mutex
	records := map[string]Record{} // by remote path
	stop := q.watch(func(r Record) {
		mu.Lock()
		records[r.Remote] = r
		mu.Unlock()
	})
	err := q.waitJobs(ctx, q.Add(specs...))
	stop()
	if err != nil {
		return res, err
	}
	p.collect(records, chosen, &res)
	p.deleteChosen(ctx, c, chosen, &res)
	p.settle(chosen)
	return res, p.state.save()
}

// makeFolders makes the folders the plan adds and those the chosen
// transfers go into.
func (p *SyncPlan) makeFolders(ctx context.Context, c *session.Conn, chosen []SyncAction) error {
	remote := slices.Clone(p.RemoteFolders)
	local := slices.Clone(p.LocalFolders)
	if p.remoteMissing {
		remote = append(remote, "")
	}
	for _, a := range chosen {
		switch a.Kind {
		case SyncUpload:
			remote = append(remote, parentRel(a.Rel))
		case SyncDownload:
			local = append(local, parentRel(a.Rel))
		}
	}
	slices.Sort(remote)
	for _, rel := range slices.Compact(remote) {
		if e, ok := p.remote.entries[rel]; ok && e.IsDir || rel == "" && !p.remoteMissing {
			continue
		}
		if err := c.MkdirAll(ctx, path.Join(p.pair.Remote, rel)); err != nil {
			return err
		}
	}
	slices.Sort(local)
	for _, rel := range slices.Compact(local) {
		if err := mkdirLocal(p.pair.Local, rel); err != nil {
			return err
		}
	}
	return nil
}

// mkdirLocal makes the folder rel below top (its names were checked).
func mkdirLocal(top, rel string) error {
	if err := os.MkdirAll(filepath.Join(top, filepath.FromSlash(rel)), 0o755); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

func parentRel(rel string) string {
	if d := path.Dir(rel); d != "." {
		return d
	}
	return ""
}

// markPending marks the chosen transfers pending in the state and returns
// their queue jobs.
func (p *SyncPlan) markPending(chosen []SyncAction) []Spec {
	var specs []Spec
	for _, a := range chosen {
		var s Spec
		var pending string
		switch a.Kind {
		case SyncUpload:
			s = Spec{Direction: Upload, Local: p.localPath(a.Rel), Remote: path.Join(p.pair.Remote, parentRel(a.Rel)),
				Size: a.Local.Size, ModTime: a.Local.ModTime}
			pending = pendingUp
		case SyncDownload:
			s = Spec{Direction: Download, Remote: path.Join(p.pair.Remote, a.Rel), Local: p.localPath(parentRel(a.Rel)),
				Size: a.Remote.Size, ModTime: a.Remote.ModTime}
			pending = pendingDown
		default:
			continue
		}
		s.Site, s.SiteName, s.OnConflict = p.pair.Site, p.pair.SiteName, Overwrite
		specs = append(specs, s)
		st, _ := p.state.get(a.Rel)
		st.Pending = pending
		if a.Local != nil {
			st.Local = *a.Local
		}
		if a.Remote != nil {
			st.Remote = *a.Remote
		}
		p.state.set(a.Rel, st)
	}
	return specs
}

func (p *SyncPlan) localPath(rel string) string {
	return filepath.Join(p.pair.Local, filepath.FromSlash(rel))
}

// collect reads how each chosen transfer ended from the queue's records;
// a transfer that went through is in step now.
func (p *SyncPlan) collect(byRemote map[string]Record, chosen []SyncAction, res *SyncResult) {
	for _, a := range chosen {
		if a.Kind != SyncUpload && a.Kind != SyncDownload {
			if a.Kind == SyncConflict {
				res.Conflicts = append(res.Conflicts, a)
			}
			continue
		}
		r, ok := byRemote[path.Join(p.pair.Remote, a.Rel)]
		switch {
		case !ok:
			res.Failed = append(res.Failed, a.Rel+": not transferred (see the errors above)")
		case !r.OK():
			res.Failed = append(res.Failed, a.Rel+": "+r.Result)
		case a.Kind == SyncUpload:
			res.Uploaded++
			p.state.set(a.Rel, stateEntry{Local: *a.Local, Remote: SyncEntry{Size: a.Local.Size}})
		default:
			res.Downloaded++
			p.state.set(a.Rel, stateEntry{Local: SyncEntry{Size: a.Remote.Size}, Remote: *a.Remote})
		}
	}
}

// deleteChosen deletes what the chosen actions say: on the server, and
// here (to the trash where there is one).
func (p *SyncPlan) deleteChosen(ctx context.Context, c *session.Conn, chosen []SyncAction, res *SyncResult) {
	for _, a := range chosen {
		var err error
		switch a.Kind {
		case SyncDeleteRemote:
			target := path.Join(p.pair.Remote, a.Rel)
			if a.Remote != nil && a.Remote.IsDir {
				err = c.RemoveAll(ctx, target)
			} else {
				err = c.Delete(ctx, target)
			}
			if err == nil {
				res.DeletedThere++
			}
		case SyncDeleteLocal:
			var trashed bool
			if trashed, err = trash.Remove(p.localPath(a.Rel)); err == nil {
				res.DeletedHere++
				if trashed {
					res.Trashed++
				}
			}
		default:
			continue
		}
		if err != nil && !absent(err) {
			res.Failed = append(res.Failed, fmt.Sprintf("%s: %v", a.Rel, err))
			continue
		}
		p.state.dropBelow(a.Rel)
	}
}

// settle records, for a two-way pair, the files found in step, and
// forgets those gone from both sides. What failed, or was not chosen,
// keeps its old record (and a pending mark), for the next sync to decide.
func (p *SyncPlan) settle(chosen []SyncAction) {
	if p.state == nil {
		return
	}
	for _, rel := range p.same {
		p.state.set(rel, stateEntry{Local: p.local.entries[rel], Remote: p.remote.entries[rel]})
	}
	dir := stateEntry{Local: SyncEntry{IsDir: true}, Remote: SyncEntry{IsDir: true}}
	for rel, e := range p.local.entries {
		if r, ok := p.remote.entries[rel]; ok && e.IsDir && r.IsDir {
			p.state.set(rel, dir)
		}
	}
	for _, rel := range append(slices.Clone(p.LocalFolders), p.RemoteFolders...) {
		p.state.set(rel, dir)
	}
	for rel := range p.state.entries() {
		_, l := p.local.entries[rel]
		_, r := p.remote.entries[rel]
		if !l && !r && !p.local.incomplete(rel) && !p.remote.incomplete(rel) && !slices.ContainsFunc(chosen,
			func(a SyncAction) bool { return a.Rel == rel }) {
			p.state.drop(rel)
		}
	}
}

// watch calls fn with every record the queue makes from now on, from the
// workers' goroutines, until stop is called.
func (q *Queue) watch(fn func(Record)) (stop func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.watchers == nil {
		q.watchers = map[int]func(Record){}
	}
	q.nextWatch++
	id := q.nextWatch
	q.watchers[id] = fn
	return func() {
		q.mu.Lock()
		delete(q.watchers, id)
		q.mu.Unlock()
	}
}

// waitJobs waits until each of the jobs has ended (done, or in the failed
// list), or ctx ends. Jobs run in order, so it looks at the first one not
// ended yet, which sits at the front of the active list.
func (q *Queue) waitJobs(ctx context.Context, ids []JobID) error {
	i := 0
	for {
		q.mu.Lock()
		changed := q.wake
		for i < len(ids) && q.findLocked(q.active, ids[i]) < 0 {
			i++
		}
		q.mu.Unlock()
		if i == len(ids) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
