package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
)

// labTree is a small tree: nested folders, an empty folder, an empty file,
// a name with spaces and non-ASCII letters.
func labTree() map[string][]byte {
	files := map[string][]byte{"tree/": nil, "tree/a/": nil, "tree/a/b/": nil, "tree/c/": nil, "tree/empty/": nil, "tree/zero.txt": {}, "tree/Grüße und Küsse.txt": []byte("hallo\n")}
	for i := range 24 {
		data := bytes.Repeat([]byte{byte(i)}, 1000*i+17)
		files[fmt.Sprintf("tree/%s/f%02d.bin", []string{"a", "a/b", "c"}[i%3], i)] = data
	}
	return files
}

// TestGetPutLab runs `ferry put -r` and `ferry get -r` against every lab
// endpoint, then the conflict flags, single files, and the mistakes a
// person makes (a folder without -r, a missing file).
func TestGetPutLab(t *testing.T) {
	t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
	for _, kind := range ftpslab.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			srv := ftpslab.Start(t, kind)
			conn := []string{"--password-stdin", "--fingerprint", srv.FingerprintFlag()}
			ferry := func(args ...string) (int, string) {
				t.Helper()
				code, _, stderr := run(t, srv.Password+"\n", append(args[:1:1], append(conn, args[1:]...)...)...)
				if strings.Contains(stderr, srv.Password) {
					t.Fatalf("stderr shows the password:\n%s", stderr)
				}
				return code, stderr
			}
			files := labTree()
			local := t.TempDir()
			testutil.WriteTree(t, local, files)

			code, stderr := ferry("put", "-r", "-j", "4", filepath.Join(local, "tree"), labURL(srv, "/incoming"))
			if code != ExitOK || !strings.Contains(stderr, "Uploaded 26 files") {
				t.Fatalf("put -r: exit %d\n%s", code, stderr)
			}
			testutil.CompareTrees(t, "server after put", testutil.ReadTree(t, filepath.Join(srv.Root, "incoming")), files)

			down := t.TempDir()
			code, stderr = ferry("get", labURL(srv, "/incoming/tree"), down, "-r") // a flag after the operands
			if code != ExitOK || !strings.Contains(stderr, "Downloaded 26 files") {
				t.Fatalf("get -r: exit %d\n%s", code, stderr)
			}
			testutil.CompareTrees(t, "local after get", testutil.ReadTree(t, down), files)

			// Again: everything exists. Without a terminal the default is skip.
			code, stderr = ferry("get", "-r", labURL(srv, "/incoming/tree"), down)
			if code != ExitOK || !strings.Contains(stderr, "skipped 26 (26 already there") {
				t.Fatalf("second get: exit %d\n%s", code, stderr)
			}
			// A shorter file on the server continues with --on-conflict resume;
			// a changed local file replaces it with overwrite.
			short := filepath.Join(srv.Root, "incoming", "tree", "a", "f21.bin")
			full := files["tree/a/f21.bin"]
			if err := os.WriteFile(short, full[:len(full)/3], 0o644); err != nil {
				t.Fatal(err)
			}
			os.Chown(short, 999, 995)
			code, stderr = ferry("put", "--on-conflict", "resume", filepath.Join(local, "tree", "a", "f21.bin"), labURL(srv, "/incoming/tree/a"))
			if got, _ := os.ReadFile(short); code != ExitOK || !bytes.Equal(got, full) {
				t.Fatalf("put --on-conflict resume: exit %d, %d of %d bytes\n%s", code, len(got), len(full), stderr)
			}
			os.WriteFile(filepath.Join(local, "tree", "zero.txt"), []byte("not empty now"), 0o644)
			code, stderr = ferry("put", "--on-conflict=overwrite", filepath.Join(local, "tree", "zero.txt"), labURL(srv, "/incoming/tree"))
			if got, _ := os.ReadFile(filepath.Join(srv.Root, "incoming", "tree", "zero.txt")); code != ExitOK || string(got) != "not empty now" {
				t.Fatalf("put --on-conflict=overwrite: exit %d, server has %q\n%s", code, got, stderr)
			}
			code, stderr = ferry("get", "--on-conflict", "rename", labURL(srv, "/incoming/tree/zero.txt"), filepath.Join(down, "tree"))
			if got, _ := os.ReadFile(filepath.Join(down, "tree", "zero (1).txt")); code != ExitOK || string(got) != "not empty now" {
				t.Fatalf("get --on-conflict rename: exit %d, renamed copy %q\n%s", code, got, stderr)
			}

			// Mistakes: a folder without -r, a missing file, a bad flag value.
			if code, stderr = ferry("get", labURL(srv, "/incoming/tree"), down); code != ExitError || !strings.Contains(stderr, "pass -r") {
				t.Errorf("get of a folder without -r: exit %d\n%s", code, stderr)
			}
			if code, stderr = ferry("get", labURL(srv, "/incoming/nope.txt"), down); code != ExitError || !strings.Contains(stderr, "nope.txt") {
				t.Errorf("get of a missing file: exit %d\n%s", code, stderr)
			}
			if code, _ = ferry("put", "--on-conflict", "maybe", local, labURL(srv, "/")); code != ExitUsage {
				t.Errorf("--on-conflict maybe: exit %d, want %d", code, ExitUsage)
			}
			entries, _ := os.ReadDir(down)
			if len(entries) != 1 {
				t.Errorf("the download folder holds %d entries, want only tree", len(entries))
			}
		})
	}
}
