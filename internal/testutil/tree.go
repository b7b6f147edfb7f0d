package testutil

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Tree is files by slash-separated path: content, or nil for a folder,
// whose path ends in a slash ("docs/").
type Tree map[string][]byte

// WriteTree lays tree out under dir.
func WriteTree(t testing.TB, dir string, tree Tree) {
	t.Helper()
	for name, data := range tree {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ReadTree reads everything under dir back as WriteTree lays it out.
func ReadTree(t testing.TB, dir string) Tree {
	t.Helper()
	out := Tree{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			out[rel+"/"] = nil
			return nil
		}
		out[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// CompareTrees reports, as test errors under what, every file of want
// missing from got or different there, and every path got has beyond.
func CompareTrees(t testing.TB, what string, got, want Tree) {
	t.Helper()
	var names []string
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if g, ok := got[name]; !ok || !bytes.Equal(g, want[name]) {
			t.Errorf("%s: %s missing or different (%d bytes, want %d)", what, name, len(g), len(want[name]))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: unexpected %s", what, name)
		}
	}
}
