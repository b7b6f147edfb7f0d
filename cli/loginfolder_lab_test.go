package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
)

// TestLoginFolderLab runs the CLI against every lab endpoint set up the
// way most servers are, without a chroot (the user lands in a home
// folder, "/" is the machine's root), and the chrooted way, at TLS 1.3 and
// 1.2: URL paths start in the login folder, // and %2F make them absolute,
// and put -r then get -r through relative URLs are byte-identical; get -r
// of the login folder downloads everything in it.
func TestLoginFolderLab(t *testing.T) {
	t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
	for _, kind := range ftpslab.Kinds() {
		for _, chroot := range []bool{false, true} {
			name := string(kind) + "/no-chroot"
			if chroot {
				name = string(kind) + "/chroot"
			}
			t.Run(name, func(t *testing.T) {
				srv := ftpslab.Start(t, kind, ftpslab.Options{NoChroot: !chroot})
				if !chroot && srv.Home == "/" {
					t.Fatalf("a server without chroot reports its home as /")
				}
				conn := []string{"--password-stdin", "--fingerprint", srv.FingerprintFlag()}
				ferry := func(args ...string) (int, string, string) {
					t.Helper()
					code, stdout, stderr := run(t, srv.Password+"\n", append(args[:1:1], append(conn, args[1:]...)...)...)
					if strings.Contains(stderr, srv.Password) {
						t.Fatalf("stderr shows the password:\n%s", stderr)
					}
					return code, stdout, stderr
				}
				if err := os.MkdirAll(filepath.Join(srv.Root, "up"), 0o755); err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(srv.Root, "in-home.txt"), []byte("home\n"), 0o644)
				os.WriteFile(filepath.Join(srv.Root, "up", "in-up.txt"), []byte("up\n"), 0o644)
				chownTree(t, srv)

				// The login folder, its up/, and absolute paths.
				for _, c := range []struct{ url, want string }{
					{labURL(srv, ""), "in-home.txt"},
					{labURL(srv, "/"), "in-home.txt"},
					{labURL(srv, "/up"), "in-up.txt"},
					{labURL(srv, "/up/"), "in-up.txt"},
				} {
					code, out, stderr := ferry("ls", c.url)
					if code != ExitOK || !strings.Contains(out, c.want) {
						t.Errorf("ls %s: exit %d, want %s listed:\n%s%s", c.url, code, c.want, out, stderr)
					}
				}
				if !chroot {
					for _, u := range []string{labURL(srv, "//etc"), labURL(srv, "/%2Fetc")} {
						code, out, stderr := ferry("ls", u)
						if code != ExitOK || !strings.Contains(out, "passwd") {
							t.Errorf("ls %s: exit %d, want /etc (with passwd) listed:\n%s%s", u, code, out, stderr)
						}
					}
					abs := labURL(srv, "/"+srv.Home+"/up") // ftpes://…//tmp/…/root/up
					if code, out, stderr := ferry("ls", abs); code != ExitOK || !strings.Contains(out, "in-up.txt") {
						t.Errorf("ls %s: exit %d\n%s%s", abs, code, out, stderr)
					}
				}

				// Round trips through relative URLs, TLS 1.3 and 1.2.
				files := labTree()
				local := t.TempDir()
				testutil.WriteTree(t, local, files)
				for _, tls := range [][]string{nil, {"--tls12"}} {
					remote := "/incoming13"
					if tls != nil {
						remote = "/incoming12"
					}
					args := append(append([]string{"put"}, tls...), "-r", filepath.Join(local, "tree"), labURL(srv, remote))
					if code, _, stderr := ferry(args...); code != ExitOK || !strings.Contains(stderr, "Uploaded 26 files") {
						t.Fatalf("%v: exit %d\n%s", args, code, stderr)
					}
					testutil.CompareTrees(t, "server after put "+remote, testutil.ReadTree(t, filepath.Join(srv.Root, remote)), files)
					down := t.TempDir()
					args = append(append([]string{"get"}, tls...), "-r", labURL(srv, remote+"/tree"), down)
					if code, _, stderr := ferry(args...); code != ExitOK || !strings.Contains(stderr, "Downloaded 26 files") {
						t.Fatalf("%v: exit %d\n%s", args, code, stderr)
					}
					testutil.CompareTrees(t, "local after get "+remote, testutil.ReadTree(t, down), files)
				}

				// get -r of the login folder: everything in it, straight into
				// the local folder.
				all := t.TempDir()
				if code, _, stderr := ferry("get", "-r", labURL(srv, "/"), all); code != ExitOK {
					t.Fatalf("get -r of the login folder: exit %d\n%s", code, stderr)
				}
				testutil.CompareTrees(t, "the login folder", testutil.ReadTree(t, all), testutil.ReadTree(t, srv.Root))
			})
		}
	}
}

// chownTree gives the lab account what a test wrote into the server's
// folder, so the server may change it.
func chownTree(t *testing.T, srv *ftpslab.Server) {
	t.Helper()
	testutil.ChownLikeRoot(srv.Root)
}
