package transfers

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/ferryftps/ferry/session"
)

// filePaths returns where the job's entry rel (a file or a folder, see
// fileTask) is on this computer and on the server.
func (j *Job) filePaths(rel string) (local, remote string) {
	if j.spec.Direction == Download {
		return filepath.Join(j.spec.Local, filepath.FromSlash(rel)), path.Join(j.remoteBase(), rel)
	}
	return filepath.Join(filepath.Dir(j.spec.Local), filepath.FromSlash(rel)), path.Join(j.spec.Remote, rel)
}

// listRemote plans one folder of a download: it lists the remote folder,
// creates the local one, and returns its files and sub-folders.
func (q *Queue) listRemote(ctx context.Context, c *session.Conn, j *Job, d *dirTask) ([]*fileTask, []dirTask, error) {
	if d.rel != "" { // "" is a contents job's top: the target folder itself
		if err := session.CheckName(path.Base(d.rel)); err != nil {
			return nil, nil, fmt.Errorf("download %s: %w", j.spec.Remote, err)
		}
	}
	root, err := q.rootFor(j)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the target folder: %w", err)
	}
	local, dir := j.filePaths(d.rel)
	l, err := c.List(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	if err := root.MkdirAll(filepath.FromSlash(cmp.Or(d.rel, ".")), 0o755); err != nil {
		return nil, nil, fmt.Errorf("download %s: creating %s: %w", dir, local, err)
	}
	for _, line := range l.Unreadable {
		q.skip(j, fmt.Sprintf("%s: a listing line Ferry cannot read: %q", dir, line))
	}
	var files []*fileTask
	var dirs []dirTask
	kept := make(map[string]string, len(l.Entries)) // by session.LocalKey
	for _, e := range l.Entries {
		if err := session.CheckName(e.Name); err != nil {
			q.skip(j, fmt.Sprintf("%s: %v", dir, err))
			continue
		}
		// On a disk that does not tell names apart by case (Windows,
		// macOS), the second of "A.txt" and "a.txt" would overwrite the
		// first: keep the first, say so of the second.
		key := session.LocalKey(e.Name)
		if other, dup := kept[key]; dup {
			q.skip(j, fmt.Sprintf("%s: %q and %q differ only in case, which this computer's disk does not tell apart: %q was skipped", dir, other, e.Name, e.Name))
			continue
		}
		kept[key] = e.Name
		rel := joinRel(d.rel, e.Name)
		if e.IsDir {
			dirs = append(dirs, dirTask{rel: rel})
		} else {
			files = append(files, &fileTask{rel: rel, size: e.Size, mtime: e.ModTime})
		}
	}
	return files, dirs, nil
}

// listLocal plans one folder of an upload: it reads the local folder,
// learns what the remote one holds already (creating it when missing), and
// returns its files and sub-folders.
func (q *Queue) listLocal(ctx context.Context, c *session.Conn, j *Job, d *dirTask) ([]*fileTask, []dirTask, error) {
	dir, remoteDir := j.filePaths(d.rel)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("upload: %w", err)
	}
	// What is in the target folder already: one listing, instead of a SIZE
	// per file. A folder made just now is empty.
	there := map[string]int64{}
	complete := false // the listing names every file there
	if st, err := c.Stat(ctx, remoteDir); err == nil && st.IsDir {
		l, err := c.List(ctx, remoteDir)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range l.Entries {
			if !e.IsDir {
				there[e.Name] = e.Size
			}
		}
		complete = len(l.Unreadable) == 0
	} else if err != nil && !absent(err) {
		return nil, nil, err
	} else {
		if err := c.MkdirAll(ctx, remoteDir); err != nil {
			return nil, nil, err
		}
		complete = true
	}
	var files []*fileTask
	var dirs []dirTask
	for _, e := range entries {
		name := e.Name()
		if session.CheckPath(name) != nil {
			q.skip(j, fmt.Sprintf("%s: %q: a name with a line break cannot be sent over FTP", dir, name))
			continue
		}
		rel := d.rel + "/" + name
		fi, err := e.Info()
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			fi, err = os.Stat(filepath.Join(dir, name))
			if err == nil && fi.IsDir() {
				q.skip(j, fmt.Sprintf("%s: a link to a folder is not followed", filepath.Join(dir, name)))
				continue
			}
		}
		switch {
		case err != nil:
			q.skip(j, fmt.Sprintf("%s: %v", filepath.Join(dir, name), err))
		case fi.IsDir():
			dirs = append(dirs, dirTask{rel: rel})
		case fi.Mode().IsRegular():
			target := targetUnknown
			if size, ok := there[name]; ok {
				target = size
			} else if complete {
				target = targetAbsent
			}
			files = append(files, &fileTask{rel: rel, size: fi.Size(), mtime: fi.ModTime(), target: target})
		default:
			q.skip(j, fmt.Sprintf("%s: not a regular file", filepath.Join(dir, name)))
		}
	}
	return files, dirs, nil
}
