package session

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"report.pdf", true}, {".profile", true}, {"Grüße.txt", true}, {"a b", true}, {"...", true},
		{"", false}, {".", false}, {"..", false}, {"../x", false}, {"/etc/x", false}, {`a\..\b`, false},
		{"a/b", false}, {"c:evil", false}, {"x\x00y", false}, {"x\ry", false}, {"x\ny", false},
		{"x\ty", false}, {"\xff\xfe", false}, {string(make([]byte, 256)), false},
	} {
		err := CheckName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrBadName) {
			t.Errorf("CheckName(%q) = %v: not ErrBadName", tc.name, err)
		}
	}
}

func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"report.pdf", "..", "../x", `a\b`, "x\x00", "c:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckName(name) != nil {
			return
		}
		// Whatever passes stays one element inside a folder.
		if !filepath.IsLocal(name) || filepath.Base(name) != name {
			t.Fatalf("checkName accepted %q", name)
		}
	})
}

// TestWindowsNames: the names Windows cannot hold, or that mean something
// else there, are refused with the reason; elsewhere they pass.
func TestWindowsNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
		why  string
	}{
		{"report.pdf", true, ""}, {"Console.txt", true, ""}, {"COM10", true, ""}, {"nul-terminated.c", true, ""},
		{"CON", false, "device"}, {"con", false, "device"}, {"NUL", false, "device"}, {"aux.txt", false, "device"},
		{"Aux.tar.gz", false, "device"}, {"COM1", false, "device"}, {"lpt9.log", false, "device"}, {"COM¹", false, "device"},
		{"nul .txt", false, "device"}, {"CONIN$", false, "device"},
		{"a<b", false, "<"}, {"a>b", false, ">"}, {`a"b`, false, `"`}, {"a|b", false, "|"}, {"a?b", false, "?"}, {"a*b", false, "*"},
		{"trailing.", false, "trailing"}, {"trailing ", false, "trailing"},
	} {
		err := checkName(tc.name, true)
		if (err == nil) != tc.ok {
			t.Errorf("on Windows, %q: %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if err != nil && (!errors.Is(err, ErrBadName) || !strings.Contains(err.Error(), tc.why)) {
			t.Errorf("on Windows, %q: %v, want ErrBadName saying %q", tc.name, err, tc.why)
		}
		if !tc.ok && !strings.ContainsAny(tc.name, ":") {
			if err := checkName(tc.name, false); err != nil {
				t.Errorf("elsewhere, %q is a fine name: %v", tc.name, err)
			}
		}
	}
}

func TestLocalKey(t *testing.T) {
	if localKey("Report.PDF", true) != localKey("report.pdf", true) {
		t.Error("folded keys differ by case")
	}
	if localKey("Report.PDF", false) == localKey("report.pdf", false) {
		t.Error("case-sensitive keys are the same")
	}
}
