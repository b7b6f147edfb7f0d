package quietlocale

import (
	"maps"
	"os"
	"os/exec"
	"strings"
	"testing"
)

var changeTests = []struct {
	name      string
	env, want map[string]string // want: the environment afterwards
}{
	{"LANG C.UTF-8", map[string]string{"LANG": "C.UTF-8"},
		map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "C"}},
	{"LANG C.utf8", map[string]string{"LANG": "C.utf8"},
		map[string]string{"LANG": "C.utf8", "LC_MESSAGES": "C"}},
	{"LANG POSIX.UTF-8", map[string]string{"LANG": "POSIX.UTF-8"},
		map[string]string{"LANG": "POSIX.UTF-8", "LC_MESSAGES": "C"}},
	{"LANG C@euro", map[string]string{"LANG": "C@euro"},
		map[string]string{"LANG": "C@euro", "LC_MESSAGES": "C"}},
	{"LC_MESSAGES C.UTF-8 over a German LANG", map[string]string{"LC_MESSAGES": "C.UTF-8", "LANG": "de_DE.UTF-8"},
		map[string]string{"LC_MESSAGES": "C", "LANG": "de_DE.UTF-8"}},
	{"LC_ALL C.UTF-8 over other categories", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8", "LC_TIME": "de_DE.UTF-8", "LC_MESSAGES": "de_DE.UTF-8"},
		map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "C"}},
	{"LC_ALL POSIX.UTF-8 alone", map[string]string{"LC_ALL": "POSIX.UTF-8"},
		map[string]string{"LANG": "POSIX.UTF-8", "LC_MESSAGES": "C"}},

	// Left alone.
	{"plain C", map[string]string{"LANG": "C"}, nil},
	{"plain POSIX", map[string]string{"LC_ALL": "POSIX"}, nil},
	{"nothing set", map[string]string{}, nil},
	{"en_US.UTF-8", map[string]string{"LANG": "en_US.UTF-8"}, nil},
	{"de_DE", map[string]string{"LANG": "de_DE"}, nil},
	{"LC_ALL wins over a C.UTF-8 LANG", map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "C.UTF-8"}, nil},
	{"German messages over a C.UTF-8 LANG", map[string]string{"LC_MESSAGES": "de_DE.UTF-8", "LANG": "C.UTF-8"}, nil},
	{"LANGUAGE is read instead", map[string]string{"LANGUAGE": "de:fr", "LANG": "C.UTF-8"}, nil},
	{"not C", map[string]string{"LANG": "Cy.UTF-8"}, nil},
}

// goLocaleSees is what go-locale (locale_unix.go, getLangFromEnv) reads
// from env.
func goLocaleSees(env map[string]string) string {
	v := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v = env[name]; v != "" {
			break
		}
	}
	if v == "C" || v == "POSIX" {
		return v
	}
	if l := env["LANGUAGE"]; l != "" {
		return l
	}
	return v
}

// effective is the locale the C library uses for category.
func effective(env map[string]string, category string) string {
	for _, name := range []string{"LC_ALL", category, "LANG"} {
		if env[name] != "" {
			return env[name]
		}
	}
	return "C"
}

func TestChanges(t *testing.T) {
	for _, tt := range changeTests {
		t.Run(tt.name, func(t *testing.T) {
			got := maps.Clone(tt.env)
			for _, c := range changes(func(k string) string { return tt.env[k] }) {
				if c.value == "" {
					delete(got, c.name)
				} else {
					got[c.name] = c.value
				}
			}
			want := tt.want
			if want == nil {
				want = tt.env
			}
			if !maps.Equal(got, want) {
				t.Errorf("environment %v became %v, want %v", tt.env, got, want)
			}
			if sees := goLocaleSees(got); isDecoratedC(sees) {
				t.Errorf("go-locale still sees %q", sees)
			}
			if tt.want != nil && goLocaleSees(got) != "C" {
				t.Errorf("go-locale sees %q, want C", goLocaleSees(got))
			}
			for _, c := range categories {
				if before, after := effective(tt.env, c), effective(got, c); before != after {
					t.Errorf("%s changed from %q to %q", c, before, after)
				}
			}
		})
	}
}

// TestInit runs the test binary again with LC_ALL=C.UTF-8: the package's
// init has changed the child's environment before any test runs.
func TestInit(t *testing.T) {
	if os.Getenv("QUIETLOCALE_CHILD") != "" {
		for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LC_CTYPE"} {
			os.Stdout.WriteString(name + "=" + os.Getenv(name) + "\n")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInit$")
	cmd.Env = append(os.Environ(), "QUIETLOCALE_CHILD=1", "LC_ALL=C.UTF-8", "LC_CTYPE=de_DE.UTF-8", "LANGUAGE=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	want := "LC_ALL=\nLC_MESSAGES=C\nLANG=C.UTF-8\nLC_CTYPE=\n"
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("the child's environment:\n%s\nwant:\n%s", out, want)
	}
}
