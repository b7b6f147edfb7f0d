package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
)

// syncLabs are the servers sync is tried on: explicit and implicit FTPS,
// and servers without a chroot (the login folder is a home folder).
var syncLabs = []struct {
	kind ftpslab.Kind
	opts ftpslab.Options
}{
	{ftpslab.VsftpdExplicit, ftpslab.Options{}},
	{ftpslab.VsftpdImplicit, ftpslab.Options{NoChroot: true}},
	{ftpslab.ProftpdExplicit, ftpslab.Options{NoChroot: true}},
	{ftpslab.PureftpdExplicit, ftpslab.Options{}},
}

// TestSyncLab runs `ferry sync` against real servers: one way up and down,
// with and without --delete, and both ways with a file added, changed and
// deleted on each side and one changed on both.
func TestSyncLab(t *testing.T) {
	t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir()) // the trash
	for _, lab := range syncLabs {
		name := string(lab.kind)
		if lab.opts.NoChroot {
			name += "-nochroot"
		}
		t.Run(name, func(t *testing.T) {
			srv := ftpslab.Start(t, lab.kind, lab.opts)
			s := &syncLab{t: t, srv: srv}
			s.oneWay()
			s.twoWay()
		})
	}
}

type syncLab struct {
	t   *testing.T
	srv *ftpslab.Server
}

// ferry runs a command with the lab's password and fingerprint.
func (s *syncLab) ferry(args ...string) (int, string) {
	s.t.Helper()
	conn := []string{"--password-stdin", "--fingerprint", s.srv.FingerprintFlag()}
	code, _, stderr := run(s.t, s.srv.Password+"\n", append(args[:1:1], append(conn, args[1:]...)...)...)
	if strings.Contains(stderr, s.srv.Password) {
		s.t.Fatalf("stderr shows the password:\n%s", stderr)
	}
	return code, stderr
}

// server writes files into the server's folder as the lab account.
func (s *syncLab) server(tree testutil.Tree) {
	testutil.WriteTree(s.t, s.srv.Root, tree)
	chownTree(s.t, s.srv)
}

func (s *syncLab) expectCode(what string, code, want int, out string) {
	s.t.Helper()
	if code != want {
		s.t.Fatalf("%s: exit %d, want %d\n%s", what, code, want, out)
	}
}

func (s *syncLab) oneWay() {
	t := s.t
	local := t.TempDir()
	tree := testutil.Tree{"a.txt": []byte("one"), "sub/": nil, "sub/b.txt": []byte("bee"), "empty/": nil}
	testutil.WriteTree(t, local, tree)
	url := labURL(s.srv, "/mirror")

	code, out := s.ferry("sync", local, url)
	s.expectCode("sync up", code, ExitOK, out)
	testutil.CompareTrees(t, "server after sync up", testutil.ReadTree(t, filepath.Join(s.srv.Root, "mirror")), tree)

	// A file only on the server stays without --delete and goes with it;
	// a local change goes up either way.
	s.server(testutil.Tree{"mirror/extra.txt": []byte("x"), "mirror/old/": nil, "mirror/old/y.txt": []byte("y")})
	tree["a.txt"] = []byte("one, longer now")
	testutil.WriteTree(t, local, testutil.Tree{"a.txt": tree["a.txt"]})
	code, out = s.ferry("sync", "--direction", "up", local, url)
	s.expectCode("sync up again", code, ExitOK, out)
	if got, _ := os.ReadFile(filepath.Join(s.srv.Root, "mirror", "extra.txt")); string(got) != "x" {
		t.Fatalf("sync up without --delete: extra.txt is %q\n%s", got, out)
	}
	code, out = s.ferry("sync", "--delete", local, url, "--dry-run")
	if code != ExitOK || !strings.Contains(out, "delete there") || !strings.Contains(out, "2 to delete there") {
		t.Fatalf("sync up --delete --dry-run: exit %d\n%s", code, out)
	}
	code, out = s.ferry("sync", "--delete", local, url)
	s.expectCode("sync up --delete", code, ExitOK, out)
	testutil.CompareTrees(t, "server after sync up --delete", testutil.ReadTree(t, filepath.Join(s.srv.Root, "mirror")), tree)

	// Down into a new folder, then --delete removes (to the trash) what
	// only the local side has.
	down := filepath.Join(t.TempDir(), "copy")
	code, out = s.ferry("sync", "--direction", "down", down, url)
	s.expectCode("sync down", code, ExitOK, out)
	testutil.CompareTrees(t, "local after sync down", testutil.ReadTree(t, down), tree)
	testutil.WriteTree(t, down, testutil.Tree{"mine.txt": []byte("mine")})
	code, out = s.ferry("sync", "--direction", "down", down, url)
	s.expectCode("sync down again", code, ExitOK, out)
	if _, err := os.Stat(filepath.Join(down, "mine.txt")); err != nil {
		t.Fatalf("sync down without --delete removed mine.txt\n%s", out)
	}
	code, out = s.ferry("sync", "--direction", "down", "--delete", down, url)
	s.expectCode("sync down --delete", code, ExitOK, out)
	testutil.CompareTrees(t, "local after sync down --delete", testutil.ReadTree(t, down), tree)
	if !strings.Contains(out, "to the trash") {
		t.Errorf("sync down --delete: the deletion did not go to the trash\n%s", out)
	}
}

func (s *syncLab) twoWay() {
	t := s.t
	local := t.TempDir()
	testutil.WriteTree(t, local, testutil.Tree{"keep.txt": []byte("k"), "chg-here.txt": []byte("1"),
		"chg-there.txt": []byte("1"), "del-here.txt": []byte("1"), "del-there.txt": []byte("1"),
		"both.txt": []byte("1"), "dir/": nil, "dir/in.txt": []byte("1")})
	url := labURL(s.srv, "/two")
	code, out := s.ferry("sync", "--direction", "both", local, url)
	s.expectCode("first sync both", code, ExitOK, out)

	// Changes on each side (sizes differ: LIST tells times to the minute).
	testutil.WriteTree(t, local, testutil.Tree{"new-here.txt": []byte("new"), "chg-here.txt": []byte("22"),
		"both.txt": []byte("here")})
	os.Remove(filepath.Join(local, "del-here.txt"))
	s.server(testutil.Tree{"two/new-there.txt": []byte("new!"), "two/chg-there.txt": []byte("333"),
		"two/both.txt": []byte("there!")})
	os.Remove(filepath.Join(s.srv.Root, "two", "del-there.txt"))
	os.RemoveAll(filepath.Join(s.srv.Root, "two", "dir"))

	code, out = s.ferry("sync", "--direction", "both", local, url)
	s.expectCode("sync both with a conflict", code, ExitError, out)
	if !strings.Contains(out, "conflict, both copies kept: both.txt") {
		t.Errorf("sync both: the conflict is not reported\n%s", out)
	}
	want := testutil.Tree{"keep.txt": []byte("k"), "chg-here.txt": []byte("22"), "chg-there.txt": []byte("333"),
		"new-here.txt": []byte("new"), "new-there.txt": []byte("new!")}
	here, there := testutil.Tree{"both.txt": []byte("here")}, testutil.Tree{"both.txt": []byte("there!")}
	for k, v := range want {
		here[k], there[k] = v, v
	}
	testutil.CompareTrees(t, "local after sync both", testutil.ReadTree(t, local), here)
	testutil.CompareTrees(t, "server after sync both", testutil.ReadTree(t, filepath.Join(s.srv.Root, "two")), there)

	// Again: only the conflict is left, and nothing moves.
	code, out = s.ferry("sync", "--direction", "both", "--dry-run", local, url)
	if code != ExitError || !strings.Contains(out, "0 to upload, 0 to download") || !strings.Contains(out, "1 conflicts") {
		t.Fatalf("sync both again: exit %d\n%s", code, out)
	}
}
