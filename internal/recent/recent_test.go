package recent

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func u(n int) string { return fmt.Sprintf("ftpes://user%d@host%d.example/", n, n) }

func us(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = u(n)
	}
	return out
}

var addTests = []struct {
	name string
	add  []string // in this order
	want []string // newest first
}{
	{"newest first", us(1, 2, 3), us(3, 2, 1)},
	{"a second add moves it first", us(1, 2, 3, 1), us(1, 3, 2)},
	{"the same twice in a row", us(1, 1), us(1)},
	{"at most Max", us(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), us(12, 11, 10, 9, 8, 7, 6, 5, 4, 3)},
	{"an old one again, when full", us(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1), us(1, 10, 9, 8, 7, 6, 5, 4, 3, 2)},
	{"no password", []string{"ftpes://bob:secret@h.example:2121/in/"}, []string{"ftpes://bob@h.example:2121/in/"}},
	{"the same but for the password", []string{"ftps://bob@h.example/", u(1), "ftps://bob:pw@h.example/"},
		[]string{"ftps://bob@h.example/", u(1)}},
	{"a path", []string{"ftpes://h.example//abs/dir", "ftpes://h.example/rel%20dir"},
		[]string{"ftpes://h.example/rel%20dir", "ftpes://h.example//abs/dir"}},
}

func TestAdd(t *testing.T) {
	for _, tt := range addTests {
		t.Run(tt.name, func(t *testing.T) {
			s := Open(t.TempDir())
			var got []string
			for _, a := range tt.add {
				var err error
				if got, err = s.Add(a); err != nil {
					t.Fatalf("Add(%q): %v", a, err)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Add returned\n%q\nwant\n%q", got, tt.want)
			}
			listed, err := s.List()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(listed, tt.want) {
				t.Errorf("List after the adds:\n%q\nwant\n%q", listed, tt.want)
			}
			data, err := os.ReadFile(s.Path())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "secret") || strings.Contains(string(data), ":pw@") {
				t.Errorf("a password reached the file:\n%s", data)
			}
		})
	}
}

func TestAddRefuses(t *testing.T) {
	s := Open(t.TempDir())
	if _, err := s.Add(u(1)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "host.example", "/just/a/path", "ftpes://", "ftpes://bob:secret@h.example/%zz"} {
		_, err := s.Add(bad)
		if err == nil {
			t.Errorf("Add(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("Add(%q): the error shows the password: %v", bad, err)
		}
	}
	if got, _ := s.List(); !slices.Equal(got, us(1)) {
		t.Errorf("after the refused adds: %q", got)
	}
}

func TestList(t *testing.T) {
	for _, tt := range []struct {
		name, file string
		want       []string
		wantErr    bool
	}{
		{"no file", "", nil, false},
		{"empty list", `{"urls": []}`, []string{}, false},
		{"cleaned on reading", `{"urls": ["ftpes://a@h.example/", "not a url", "ftpes://a@h.example/", "ftps://b:pw@h.example/"]}`,
			[]string{"ftpes://a@h.example/", "ftps://b@h.example/"}, false},
		{"too many", `{"urls": ["` + strings.Join(us(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), `","`) + `"]}`,
			us(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), false},
		{"not JSON", `{"urls": ["ftpes://a@h.ex`, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := Open(t.TempDir())
			if tt.file != "" {
				if err := os.WriteFile(s.Path(), []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.List()
			if (err != nil) != tt.wantErr {
				t.Fatalf("List: %v (want an error: %v)", err, tt.wantErr)
			}
			if len(got) != len(tt.want) || !slices.Equal(got, tt.want) {
				t.Errorf("List: %q, want %q", got, tt.want)
			}
			// Add works on every one of them (a file that does not parse
			// is replaced).
			got, err = s.Add(u(99))
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != u(99) {
				t.Errorf("Add: %q", got)
			}
		})
	}
}

func TestImport(t *testing.T) {
	s := Open(t.TempDir())
	s.Add(u(2))
	s.Add(u(1))
	got, err := s.Import(append(us(3, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12), "not a url"))
	if err != nil {
		t.Fatal(err)
	}
	if want := us(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); !slices.Equal(got, want) {
		t.Errorf("Import: %q, want %q (the stored ones first)", got, want)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", s.Path(), fi.Mode().Perm())
	}
}

// The child side of TestProcesses: RECENT_CHILD=dir,name,limit waits for a
// line on stdin, then adds 50 URLs named after name.
func init() {
	arg := os.Getenv("RECENT_CHILD")
	if arg == "" {
		return
	}
	parts := strings.Split(arg, ",")
	limit, _ := strconv.Atoi(parts[2])
	s := &Store{dir: parts[0], limit: limit}
	bufio.NewReader(os.Stdin).ReadString('\n')
	for i := range adds {
		if _, err := s.Add(childURL(parts[1], i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	os.Exit(0)
}

const adds = 50

func childURL(name string, i int) string { return fmt.Sprintf("ftpes://%s%02d@h.example/", name, i) }

// TestProcesses runs two processes, each adding 50 URLs at once into one
// store, while this one reads the file without a lock: the file always
// parses, nothing is lost (a store keeping 100 keeps all of them), and the
// final list of 10 is the newest 10 of each process, in order.
func TestProcesses(t *testing.T) {
	for _, limit := range []int{Max, 2 * adds} {
		t.Run(fmt.Sprintf("keeping %d", limit), func(t *testing.T) {
			dir := t.TempDir()
			names := []string{"a", "b"}
			var cmds []*exec.Cmd
			var starts []*os.File
			for _, name := range names {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "RECENT_CHILD="+dir+","+name+","+strconv.Itoa(limit))
				w, err := cmd.StdinPipe()
				if err != nil {
					t.Fatal(err)
				}
				var out strings.Builder
				cmd.Stdout, cmd.Stderr = &out, &out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				cmds = append(cmds, cmd)
				starts = append(starts, w.(*os.File))
				t.Cleanup(func() {
					if t.Failed() {
						t.Logf("child %s: %s", name, out.String())
					}
				})
			}
			// Read while they write: raw reads (the rename is atomic) and
			// List (under the shared lock).
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var reads, listed int
			var readErr error
			wg.Go(func() {
				path := filepath.Join(dir, FileName)
				s := &Store{dir: dir, limit: limit}
				for {
					select {
					case <-stop:
						return
					default:
					}
					if data, err := os.ReadFile(path); err == nil {
						var f file
						if err := json.Unmarshal(data, &f); err != nil {
							readErr = fmt.Errorf("the file did not parse (%v):\n%s", err, data)
							return
						}
						reads++
					}
					if l, err := s.List(); err != nil {
						readErr = fmt.Errorf("List: %v", err)
						return
					} else if len(l) > 0 {
						listed++
					}
				}
			})
			time.Sleep(200 * time.Millisecond) // both children are waiting on stdin
			for _, w := range starts {
				w.WriteString("go\n")
				w.Close()
			}
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Errorf("child %s: %v", names[i], err)
				}
			}
			close(stop)
			wg.Wait()
			if readErr != nil {
				t.Fatal(readErr)
			}
			t.Logf("%d raw reads and %d lists while they wrote", reads, listed)

			got, err := (&Store{dir: dir, limit: limit}).List()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != limit {
				t.Fatalf("the final list has %d URLs, want %d:\n%q", len(got), limit, got)
			}
			// Each process's entries are its newest ones, newest first, with
			// no gap: an update lost to the other process would leave one.
			for _, name := range names {
				next := adds - 1
				for _, g := range got {
					if !strings.HasPrefix(g, "ftpes://"+name) {
						continue
					}
					if g != childURL(name, next) {
						t.Errorf("process %s: found %q where %q should be (list %q)", name, g, childURL(name, next), got)
						break
					}
					next--
				}
			}
			if got[0] != childURL("a", adds-1) && got[0] != childURL("b", adds-1) {
				t.Errorf("the newest entry is %q, not either process's last", got[0])
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) > 0 {
				t.Errorf("temporary files left: %q", left)
			}
		})
	}
}
