package transfers

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ferryftps/ferry/session"
)

// Limits of a sync's walk, so that a hostile or looping server cannot keep
// it going forever.
const (
	maxSyncEntries = 2_000_000
	maxSyncDepth   = 64
)

// excluded reports whether rel (slash-separated; isDir for a folder)
// matches one of the patterns: "*.tmp" a name in any folder, "cache/" a
// folder of that name, "build/*.o" (a slash inside) the path from the top.
func excluded(patterns []string, rel string, isDir bool) bool {
	name := path.Base(rel)
	for _, p := range patterns {
		dirOnly := strings.HasSuffix(p, "/")
		p = strings.TrimSuffix(p, "/")
		if p == "" || dirOnly && !isDir {
			continue
		}
		subject := name
		if strings.Contains(p, "/") {
			subject, p = rel, strings.TrimPrefix(p, "/")
		}
		if ok, _ := path.Match(p, subject); ok {
			return true
		}
	}
	return false
}

// walkLocal reads the local folder top into a snapshot. A folder it cannot
// read is partial (nothing below it is taken as missing). Links to folders
// are not followed.
func walkLocal(top string, exclude []string, skipped *[]string) (*snapshot, error) {
	s := &snapshot{entries: map[string]SyncEntry{}, precise: true}
	fi, err := os.Stat(top)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("sync: %s is not a folder", top)
	}
	err = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(top, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			s.partial = append(s.partial, strings.TrimPrefix(rel, "."))
			*skipped = append(*skipped, fmt.Sprintf("%s: %v", p, err))
			return fs.SkipDir
		}
		if rel == "." {
			return nil
		}
		return s.addLocal(p, rel, d, exclude, skipped)
	})
	return s, err
}

func (s *snapshot) addLocal(p, rel string, d fs.DirEntry, exclude []string, skipped *[]string) error {
	isDir := d.IsDir()
	if excluded(exclude, rel, isDir) {
		return skipDirIf(isDir)
	}
	if session.CheckPath(d.Name()) != nil {
		*skipped = append(*skipped, fmt.Sprintf("%s: a name with a line break cannot be sent over FTP", p))
		return skipDirIf(isDir)
	}
	if len(s.entries) >= maxSyncEntries || strings.Count(rel, "/") >= maxSyncDepth {
		return fmt.Errorf("sync: more than %d entries or %d levels below %s", maxSyncEntries, maxSyncDepth, p)
	}
	fi, err := d.Info()
	switch {
	case err != nil:
		*skipped = append(*skipped, fmt.Sprintf("%s: %v", p, err))
		s.partial = append(s.partial, rel) // unknown: never taken as missing
	case isDir:
		s.entries[rel] = SyncEntry{IsDir: true}
	case fi.Mode().IsRegular():
		s.entries[rel] = SyncEntry{Size: fi.Size(), ModTime: fi.ModTime().UTC()}
	default:
		*skipped = append(*skipped, fmt.Sprintf("%s: not a regular file", p))
		s.partial = append(s.partial, rel)
	}
	return nil
}

func skipDirIf(isDir bool) error {
	if isDir {
		return fs.SkipDir
	}
	return nil
}

// walkRemote lists the remote folder top and everything below it, one
// listing a folder, into a snapshot. A listing that fails ends the walk
// with its error: a sync never acts on a tree it could not see whole. A
// listing with lines Ferry cannot read makes its folder partial.
func walkRemote(ctx context.Context, c *session.Conn, top string, exclude []string, skipped *[]string) (*snapshot, error) {
	_, precise := c.Features()["MLST"] // jlaffaye/ftp lists with MLSD then
	s := &snapshot{entries: map[string]SyncEntry{}, precise: precise}
	queue := []string{""}
	for len(queue) > 0 {
		rel := queue[0]
		queue = queue[1:]
		dir := path.Join(top, rel)
		l, err := c.List(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("sync: listing %s: %w", dir, err)
		}
		if len(l.Unreadable) > 0 {
			s.partial = append(s.partial, rel)
			*skipped = append(*skipped, fmt.Sprintf("%s: %d listing lines Ferry cannot read; nothing in it is deleted", dir, len(l.Unreadable)))
		}
		for _, e := range l.Entries {
			sub := joinRel(rel, e.Name)
			if err := session.CheckName(e.Name); err != nil {
				*skipped = append(*skipped, fmt.Sprintf("%s: %v", dir, err))
				s.partial = append(s.partial, sub)
				continue
			}
			if excluded(exclude, sub, e.IsDir) {
				continue
			}
			if e.IsLink {
				*skipped = append(*skipped, fmt.Sprintf("%s: a link, not followed", path.Join(dir, e.Name)))
				s.partial = append(s.partial, sub)
				continue
			}
			if len(s.entries) >= maxSyncEntries || strings.Count(sub, "/") >= maxSyncDepth {
				return nil, fmt.Errorf("sync: more than %d entries or %d levels below %s", maxSyncEntries, maxSyncDepth, top)
			}
			if e.IsDir {
				s.entries[sub] = SyncEntry{IsDir: true}
				queue = append(queue, sub)
				continue
			}
			s.entries[sub] = SyncEntry{Size: e.Size, ModTime: e.ModTime}
		}
	}
	return s, nil
}
