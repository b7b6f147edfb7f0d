package transfers

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
)

// TestLimitsLab: against the lab's vsftpd, a 200 MiB download capped at
// 20 MB/s and an upload capped at 10 MB/s each move within 5% of the cap
// (a bucket's first burst included); a cap lifted while a download runs
// lets the rest come at full speed.
func TestLimitsLab(t *testing.T) {
	srv := ftpslab.Start(t, ftpslab.VsftpdExplicit)
	const size = 200 << 20
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(big, filepath.Join(srv.Root, "big.bin")); err != nil { // another file system
		if err := os.WriteFile(filepath.Join(srv.Root, "big.bin"), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(limits Limits, spec Spec, during func(q *Queue)) time.Duration {
		t.Helper()
		q := New(Config{Connections: newLabConns(t, srv, 8), Concurrency: 4, Limits: limits, backoff: 5 * time.Millisecond})
		defer q.Close()
		start := time.Now()
		q.Add(spec)
		if during != nil {
			during(q)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := q.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if f := q.FailedJobs(); len(f) > 0 {
			t.Fatalf("failed: %+v", f)
		}
		return time.Since(start)
	}
	within := func(what string, took time.Duration, cap float64) {
		t.Helper()
		rate := float64(size) / took.Seconds()
		t.Logf("%s: %.1f MB/s (cap %.0f MB/s), %.2f s", what, rate/1e6, cap/1e6, took.Seconds())
		if rate > cap*1.05 || rate < cap*0.95 {
			t.Errorf("%s: %.1f MB/s, want within 5%% of %.0f MB/s", what, rate/1e6, cap/1e6)
		}
	}
	down := t.TempDir()
	took := run(Limits{Down: 20e6}, Spec{Direction: Download, Site: "lab", Remote: "/big.bin", Local: down, Size: size}, nil)
	within("download capped at 20 MB/s", took, 20e6)

	os.Mkdir(filepath.Join(srv.Root, "up"), 0o755)
	testutil.ChownLikeRoot(srv.Root)
	took = run(Limits{Up: 10e6}, Spec{Direction: Upload, Site: "lab", Local: big, Remote: "/up", Size: size}, nil)
	within("upload capped at 10 MB/s", took, 10e6)

	// Lifted after 2 s: at 20 MB/s the rest would take 8 s more.
	os.Remove(filepath.Join(down, "big.bin"))
	took = run(Limits{Down: 20e6}, Spec{Direction: Download, Site: "lab", Remote: "/big.bin", Local: down, Size: size}, func(q *Queue) {
		time.Sleep(2 * time.Second)
		q.SetLimits(Limits{})
	})
	t.Logf("cap lifted after 2 s: %.2f s in all", took.Seconds())
	if took > 6*time.Second {
		t.Errorf("with the cap lifted after 2 s the download took %s; capped it takes 10.5 s", took)
	}
}
