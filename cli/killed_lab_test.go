package cli

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
)

// TestKilledSessionsLab kills the real vsftpd's session processes at random
// while `ferry get -r` downloads 200 files and while `ferry put -r` uploads
// them. vsftpd then writes "500 OOPS: child died" into the TLS stream and
// hangs up, or the connection just resets: broken is broken, so each job
// reconnects and resumes. One run each: exit 0, every file byte-identical.
func TestKilledSessionsLab(t *testing.T) {
	t.Setenv("FERRY_CONFIG_DIR", t.TempDir())
	for _, kind := range []ftpslab.Kind{ftpslab.VsftpdExplicit, ftpslab.VsftpdImplicit} {
		t.Run(string(kind), func(t *testing.T) {
			srv := ftpslab.Start(t, kind, ftpslab.Options{NoChroot: true})
			conn := []string{"--password-stdin", "--fingerprint", srv.FingerprintFlag()}
			files := killTree()
			ferry := func(args ...string) (int, string, int) {
				t.Helper()
				stop := make(chan struct{})
				var wg sync.WaitGroup
				kills := 0
				wg.Add(1)
				go func() { // bounded by stop
					defer wg.Done()
					rng := rand.New(rand.NewPCG(7, 11))
					// The first kill as soon as a session runs (the whole run
					// may take well under a second), then one every 300 to
					// 900 ms.
					wait := 5 * time.Millisecond
					for {
						select {
						case <-stop:
							return
						case <-time.After(wait):
						}
						kill := srv.KillSession
						if kills > 0 {
							// Later kills hit sessions past login: a slow machine
							// must not see every retried login die.
							kill = srv.KillLoggedInSession
						}
						if pid, err := kill(); err == nil && pid > 0 {
							kills++
							wait = time.Duration(300+rng.IntN(600)) * time.Millisecond
						}
					}
				}()
				code, _, stderr := run(t, srv.Password+"\n", append(args[:1:1], append(conn, args[1:]...)...)...)
				close(stop)
				wg.Wait()
				return code, stderr, kills
			}

			// Download: the tree is on the server.
			testutil.WriteTree(t, srv.Root, files)
			chownTree(t, srv)
			down := t.TempDir()
			code, stderr, kills := ferry("get", "-r", labURL(srv, "/tree"), down)
			t.Logf("get -r: %d sessions killed; %s", kills, lastLine(stderr))
			if code != ExitOK || !strings.Contains(stderr, "Downloaded 200 files") {
				t.Fatalf("get -r with sessions killed: exit %d\n%s", code, stderr)
			}
			testutil.CompareTrees(t, "local after get", testutil.ReadTree(t, down), files)
			if kills < 2 {
				t.Errorf("only %d sessions were killed during the download: the test did not test", kills)
			}

			// Upload: the same tree into a new folder.
			code, stderr, kills = ferry("put", "-r", filepath.Join(down, "tree"), labURL(srv, "/incoming"))
			t.Logf("put -r: %d sessions killed; %s", kills, lastLine(stderr))
			if code != ExitOK || !strings.Contains(stderr, "Uploaded 200 files") {
				t.Fatalf("put -r with sessions killed: exit %d\n%s", code, stderr)
			}
			testutil.CompareTrees(t, "server after put", testutil.ReadTree(t, filepath.Join(srv.Root, "incoming")), files)
			if kills < 2 {
				t.Errorf("only %d sessions were killed during the upload: the test did not test", kills)
			}
		})
	}
}

// killTree is 200 files in four folders, 1 kB to 600 kB, about 60 MB.
func killTree() map[string][]byte {
	files := map[string][]byte{"tree/": nil}
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 200 {
		dir := fmt.Sprintf("tree/d%d", i%4)
		files[dir+"/"] = nil
		data := make([]byte, 1000+rng.IntN(600_000))
		for j := range data {
			data[j] = byte(i*31 + j*7)
		}
		files[fmt.Sprintf("%s/f%03d.bin", dir, i)] = data
	}
	return files
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
