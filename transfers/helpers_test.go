package transfers

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/internal/ftpd/ftpdtest"
	"github.com/ferryftps/ferry/internal/testutil"
)

// double is an in-process FTPS server with a pool per site key
// (internal/ftpd/ftpdtest), and the test it serves.
type double struct {
	*ftpdtest.Double
	t *testing.T
}

func startDouble(t *testing.T, cfg ftpd.Config) *double {
	t.Helper()
	return &double{Double: ftpdtest.Start(t, cfg), t: t}
}

// remoteDouble is a double whose server runs elsewhere (another process).
func remoteDouble(t *testing.T, port int, certDER []byte, password string) *double {
	return &double{Double: ftpdtest.Remote(t, port, certDER, password), t: t}
}

// queue starts a queue on d with test-friendly intervals.
func (d *double) queue(cfg Config) *Queue {
	d.t.Helper()
	cfg.Connections = d
	if cfg.backoff == 0 {
		cfg.backoff = 5 * time.Millisecond
	}
	if cfg.saveDelay == 0 {
		cfg.saveDelay = 5 * time.Millisecond
	}
	q := New(cfg)
	d.t.Cleanup(func() { q.Close() })
	return q
}

// wait waits (bounded) for the queue to settle.
func wait(t *testing.T, q *Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := q.Wait(ctx); err != nil {
		t.Fatalf("queue did not finish: %v; totals %+v", err, q.Totals())
	}
}

// sameTree fails the test unless got holds exactly want.
func sameTree(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	var problems []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			problems = append(problems, "missing "+name)
		case !bytes.Equal(g, w):
			problems = append(problems, fmt.Sprintf("%s differs: %d bytes, want %d", name, len(g), len(w)))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			problems = append(problems, "unexpected "+name)
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("… and %d more", len(problems)-20))
		}
		t.Fatalf("%s:\n%s", what, strings.Join(problems, "\n"))
	}
}

// randomTree makes n files spread over a few nested folders, with sizes
// from 0 to max bytes, plus an empty folder.
func randomTree(n, max int, seed uint64) map[string][]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	files := map[string][]byte{"empty/": nil}
	for i := range n {
		dir := []string{"", "a/", "a/b/", "c/", "c/d e/"}[i%5]
		data := make([]byte, r.IntN(max+1))
		for k := range data {
			data[k] = byte(r.Uint32())
		}
		files[fmt.Sprintf("%sfile %03d.bin", dir, i)] = data
	}
	return files
}

// withDirs adds the folders of files' paths (trailing slash) to a copy.
func withDirs(files map[string][]byte, prefix string) map[string][]byte {
	out := map[string][]byte{prefix + "/": nil}
	for name, data := range files {
		full := prefix + "/" + name
		if strings.HasSuffix(name, "/") {
			out[full] = nil
		} else {
			out[full] = data
		}
		for d := filepath.ToSlash(filepath.Dir(full)); d != "." && d != prefix; d = filepath.ToSlash(filepath.Dir(d)) {
			out[d+"/"] = nil
		}
	}
	return out
}

// writeFiles writes a tree map (folders as "x/": nil) under dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		testutil.WriteTree(t, dir, map[string][]byte{name: data})
	}
}
