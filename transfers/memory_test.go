package transfers

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/internal/ftpd"
)

const memoryFiles = 100_000

// TestQueueMemory: a queue of 100,000 small files — 100,000 single-file
// jobs (a select-all drop) plus a folder of 100,000 entries listed by the
// server — stays under 200 MB resident, peak included. It measures a child
// process, built without the race detector (which multiplies memory).
func TestQueueMemory(t *testing.T) {
	bin := os.Args[0]
	if raceEnabled {
		bin = filepath.Join(t.TempDir(), "transfers.test")
		out, err := exec.Command("go", "test", "-c", "-o", bin, ".").CombinedOutput()
		if err != nil {
			t.Fatalf("building the test binary without -race: %v\n%s", err, out)
		}
	}
	// The server runs here, so that the child measures the queue alone.
	lines := make([]string, memoryFiles)
	for i := range lines {
		lines[i] = fmt.Sprintf("type=file;size=%d;modify=20240101000000; report-%06d.pdf", 16384+i, i)
	}
	d := startDouble(t, ftpd.Config{Listing: func(dir string) []string { return lines }})
	cmd := exec.Command(bin, "-test.run=^TestQueueMemoryChild$", "-test.v")
	cmd.Env = append(os.Environ(), "FERRY_MEMORY_CHILD=1", fmt.Sprintf("FERRY_MEMORY_SERVER=%d %x %s", d.Port, d.Cert.Certificate[0], d.Password))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`jobs=(\d+) pending=(\d+) rss_kb=(\d+) peak_kb=(\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("child said:\n%s", out)
	}
	jobs, _ := strconv.Atoi(m[1])
	pending, _ := strconv.Atoi(m[2])
	rss, _ := strconv.Atoi(m[3])
	peak, _ := strconv.Atoi(m[4])
	t.Logf("%d jobs + a folder of %d listed files: %d MB resident, peak %d MB", jobs, pending, rss/1024, peak/1024)
	if jobs != memoryFiles || pending != memoryFiles {
		t.Fatalf("child queued %d jobs and listed %d files, want %d each", jobs, pending, memoryFiles)
	}
	if peak > 200*1024 {
		t.Fatalf("peak resident memory %d MB, want under 200 MB", peak/1024)
	}
}

func TestQueueMemoryChild(t *testing.T) {
	if os.Getenv("FERRY_MEMORY_CHILD") != "1" {
		t.Skip("run by TestQueueMemory")
	}
	var port int
	var der []byte
	var pw string
	if _, err := fmt.Sscanf(os.Getenv("FERRY_MEMORY_SERVER"), "%d %x %s", &port, &der, &pw); err != nil {
		t.Fatal(err)
	}
	d := remoteDouble(t, port, der, pw)
	q := d.queue(Config{})
	q.PauseAll()
	local := t.TempDir()
	specs := make([]Spec, memoryFiles)
	for i := range specs {
		specs[i] = Spec{Direction: Download, Site: "s", SiteName: "Double",
			Remote: fmt.Sprintf("/big/report-%06d.pdf", i), Local: local, Size: 16384}
	}
	q.Add(specs...)
	specs = nil

	// List the folder of a folder job as a worker would.
	id := q.Add(Spec{Direction: Download, Site: "s", SiteName: "Double", Remote: "/big", Local: local, IsDir: true})[0]
	q.mu.Lock()
	j := q.active[q.findLocked(q.active, id)]
	t1 := q.takeLocked(j)
	q.mu.Unlock()
	files, dirs, err := q.listOnce(t1)
	if err != nil {
		t.Fatal(err)
	}
	q.endDir(t1, files, dirs, nil)
	files = nil
	q.mu.Lock()
	pending := len(j.pending) - j.head
	q.mu.Unlock()
	debug.FreeOSMemory()
	status, _ := os.ReadFile("/proc/self/status")
	kb := func(key string) string {
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, key+":") {
				return strings.Fields(l)[1]
			}
		}
		return "0"
	}
	fmt.Printf("jobs=%d pending=%d rss_kb=%s peak_kb=%s\n", q.Len()-1, pending, kb("VmRSS"), kb("VmHWM"))
}
