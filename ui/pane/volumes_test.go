package pane

import (
	"errors"
	"testing"
)

func TestVolumes(t *testing.T) {
	for p, want := range map[string]bool{
		`C:\`: true, `c:`: true, `D:/`: true, `\\nas\share`: true, `\\nas\share\`: true,
		`C:\Users`: false, `\\nas`: false, `\\nas\share\docs`: false, `/`: false, `/home`: false, ``: false, `1:\`: false,
	} {
		if got := isVolumeRoot(p); got != want {
			t.Errorf("isVolumeRoot(%q) = %v, want %v", p, got, want)
		}
	}
	v := volumes{root: "This PC", list: func() ([]string, error) { return []string{`C:\`, `Z:\`}, nil }}
	if up, ok := v.above(`C:\`); !ok || up != "This PC" {
		t.Errorf("above C:\\ = %q, %v", up, ok)
	}
	if _, ok := v.above(`C:\Users`); ok {
		t.Error("a folder inside a drive has the drives above it")
	}
	l, err := v.listing()
	if err != nil || len(l.Entries) != 2 || l.Entries[1].Name != `Z:\` || !l.Entries[1].IsDir {
		t.Errorf("listing %+v, %v", l, err)
	}
	failing := volumes{root: "This PC", list: func() ([]string, error) { return nil, errors.New("no drives") }}
	if _, err := failing.listing(); err == nil {
		t.Error("a failing drive list gave no error")
	}
	if _, ok := (volumes{}).above(`C:\`); ok {
		t.Error("without a folder of drives there is nothing above a drive")
	}
}
