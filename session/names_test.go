package session

import (
	"errors"
	"path/filepath"
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
