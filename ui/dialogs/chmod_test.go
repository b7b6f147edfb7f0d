package dialogs

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

func TestParsePerm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"rwxr-x---", 0o750, true},
		{"rw-r--r--", 0o644, true},
		{"drwxr-xr-x", 0o755, true},
		{"-rw-------", 0o600, true},
		{"---------", 0, true},
		{"rwsr-sr-t", 0o755, true},
		{"rwSr-Sr-T", 0o644, true},
		{"", 0, false},
		{"rwx", 0, false},
		{"rwxrwxrwxx", 0, false}, // ten letters: the first is the type, the rest misplaced
		{"xwrr-x---", 0, false},
		{"rwxr-x--?", 0, false},
	} {
		got, ok := parsePerm(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parsePerm(%q) = %o, %v; want %o, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseOctal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"644", 0o644, true},
		{"0755", 0o755, true},
		{"7", 0o7, true},
		{" 600 ", 0o600, true},
		{"", 0, false},
		{"8", 0, false},
		{"1755", 0, false},
		{"77777", 0, false},
		{"-1", 0, false},
		{"rw", 0, false},
	} {
		got, err := parseOctal(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("parseOctal(%q) = %o, %v; want %o, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestPermissionsDialog(t *testing.T) {
	w := newTestWindow(t)
	var applied []uint32
	p := newPermDialog(w, "report.pdf", "rwxr-x---", func(m uint32) { applied = append(applied, m) })
	p.show()
	capture(t, w, "chmod.png")
	checked := func() uint32 { return p.mode() }
	if p.octal.Text != "750" || checked() != 0o750 {
		t.Fatalf("start: octal %q, boxes %o; want 750", p.octal.Text, checked())
	}

	// Boxes → number: tick Others/Read, untick Group/Execute.
	test.Tap(p.checks[2])
	test.Tap(p.checks[3])
	if p.octal.Text != "744" {
		t.Errorf("after the boxes: octal %q, want 744", p.octal.Text)
	}

	// Number → boxes.
	p.octal.SetText("")
	test.Type(p.octal, "640")
	if checked() != 0o640 {
		t.Errorf("after typing 640: boxes %o", checked())
	}
	for bit, c := range p.checks {
		if want := 0o640&(1<<bit) != 0; c.Checked != want {
			t.Errorf("box %d checked %v, want %v", bit, c.Checked, want)
		}
	}

	// A wrong number disables Apply and leaves the boxes alone.
	p.octal.SetText("")
	test.Type(p.octal, "9")
	if !p.apply.Disabled() || checked() != 0o640 {
		t.Errorf("after 9: Apply disabled %v, boxes %o", p.apply.Disabled(), checked())
	}
	p.octal.SetText("")
	test.Type(p.octal, "600")
	if p.apply.Disabled() {
		t.Error("Apply stays disabled after a good number")
	}
	test.Tap(p.apply)
	if len(applied) != 1 || applied[0] != 0o600 {
		t.Errorf("applied %o, want [600]", applied)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after Apply")
	}
}

func TestPermissionsUnknown(t *testing.T) {
	w := newTestWindow(t)
	applied := false
	ShowPermissions(w, "notes.txt", "", func(uint32) { applied = true })
	top := uitest.Top(t, w)
	if !uitest.HasLabel(top, "Permissions of notes.txt. Its current permissions are not known.") {
		t.Errorf("labels %q", uitest.Labels(top))
	}
	apply := uitest.MustButton(t, top, "Apply")
	if !apply.Disabled() {
		t.Error("Apply enabled before any choice")
	}
	boxes := uitest.All[*esc.Check](top)
	if len(boxes) != 9 {
		t.Fatalf("%d check boxes, want 9", len(boxes))
	}
	for _, b := range boxes {
		if b.Checked {
			t.Error("a box is ticked although the permissions are not known")
		}
	}
	test.Tap(boxes[0]) // Owner/Read: the first in reading order
	if apply.Disabled() {
		t.Error("Apply disabled after a choice")
	}
	test.Tap(uitest.MustButton(t, top, "Cancel"))
	if applied {
		t.Error("Cancel applied")
	}
}
