package dialogs

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

func testConflict(sourceSize, targetSize int64) transfers.Conflict {
	return transfers.Conflict{
		Direction: transfers.Download,
		Site:      "Office",
		Source:    transfers.FileStat{Path: "/reports/2026/report.pdf", Size: sourceSize, ModTime: time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)},
		Target:    transfers.FileStat{Path: "/home/ann/Documents/report.pdf", Size: targetSize, ModTime: time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)},
	}
}

func TestConflictDialog(t *testing.T) {
	w := newTestWindow(t)
	type call struct {
		d         transfers.Decision
		cancelled bool
	}
	var calls []call
	ShowConflict(w, testConflict(1_534_123, 1_000), func(d transfers.Decision, cancelled bool) {
		calls = append(calls, call{d, cancelled})
	})
	top := uitest.Top(t, w)
	capture(t, w, "conflict.png")
	for _, want := range []string{
		"Downloading from Office: a file of this name is already on this computer.",
		"Source (on the server)", "Existing target (on this computer)",
		"Size: 1.5 MB (1,534,123 bytes), larger", "Size: 1.0 kB (1,000 bytes)",
		"/reports/2026/report.pdf", "/home/ann/Documents/report.pdf",
	} {
		if !uitest.HasLabel(top, want) {
			t.Errorf("no %q in the dialog; labels %q", want, uitest.Labels(top))
		}
	}
	for _, a := range transfers.Actions() {
		if !uitest.HasButton(top, a.Label()) {
			t.Errorf("no button %q", a.Label())
		}
	}
	if b := uitest.MustButton(t, top, transfers.Resume.Label()); b.Disabled() {
		t.Error("Resume disabled although the target is shorter")
	}
	test.Tap(uitest.MustCheck(t, top, "Apply to all further conflicts"))
	test.Tap(uitest.MustButton(t, top, "Overwrite"))
	want := []call{{transfers.Decision{Action: transfers.Overwrite, ApplyToAll: true}, false}}
	if len(calls) != 1 || calls[0] != want[0] {
		t.Errorf("decisions %+v, want %+v", calls, want)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after the decision")
	}
}

func TestConflictResume(t *testing.T) {
	for _, tc := range []struct {
		name           string
		source, target int64
		enabled        bool
	}{
		{"target shorter", 2000, 1000, true},
		{"target longer", 1000, 2000, false},
		{"same size", 1000, 1000, false},
		{"source size unknown", -1, 1000, false},
		{"target size unknown", 1000, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWindow(t)
			d := newConflictDialog(w, testConflict(tc.source, tc.target), nil)
			d.show()
			if got := !d.actions[transfers.Resume].Disabled(); got != tc.enabled {
				t.Errorf("Resume enabled %v, want %v", got, tc.enabled)
			}
			for _, a := range transfers.Actions() {
				if a != transfers.Resume && d.actions[a].Disabled() {
					t.Errorf("%v disabled", a)
				}
			}
		})
	}
}

func TestConflictName(t *testing.T) {
	c := testConflict(1, 1)
	if got := conflictName(c); got != "report.pdf" {
		t.Errorf("download: %q", got)
	}
	c.Direction = transfers.Upload
	c.Target.Path = "/srv/in/report.pdf"
	if got := conflictName(c); got != "report.pdf" {
		t.Errorf("upload: %q", got)
	}
}

func TestConflictResolver(t *testing.T) {
	type result struct {
		d   transfers.Decision
		err error
	}
	start := func(ctx context.Context, r *ConflictResolver) <-chan result {
		return background(func() result { d, err := r.ResolveConflict(ctx, testConflict(2000, 1000)); return result{d, err} })
	}
	newResolver := func(t *testing.T) (*ConflictResolver, chan *conflictDialog) {
		shown := make(chan *conflictDialog, 1)
		return &ConflictResolver{Win: newTestWindow(t), shown: func(d *conflictDialog) { shown <- d }}, shown
	}

	t.Run("decision", func(t *testing.T) {
		r, shown := newResolver(t)
		res := start(t.Context(), r)
		d := <-shown
		test.Tap(d.actions[transfers.Resume])
		got := <-res
		if got.err != nil || got.d != (transfers.Decision{Action: transfers.Resume}) {
			t.Errorf("ResolveConflict = %+v, %v; want resume for this file", got.d, got.err)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		r, shown := newResolver(t)
		res := start(t.Context(), r)
		test.Tap((<-shown).cancel)
		got := <-res
		if !errors.Is(got.err, ErrConflictCancelled) || !errors.Is(got.err, context.Canceled) {
			t.Errorf("ResolveConflict after Cancel = %+v, %v; want ErrConflictCancelled", got.d, got.err)
		}
	})

	t.Run("context ends", func(t *testing.T) {
		r, shown := newResolver(t)
		endContext(t, r.Win, shown, func(ctx context.Context) error {
			_, err := r.ResolveConflict(ctx, testConflict(2000, 1000))
			return err
		})
	})
}

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{-1, "not known"},
		{0, "0 bytes"},
		{1, "1 byte"},
		{999, "999 bytes"},
		{1000, "1.0 kB (1,000 bytes)"},
		{999_949, "999.9 kB (999,949 bytes)"},
		{999_999, "1.0 MB (999,999 bytes)"},
		{1_534_123, "1.5 MB (1,534,123 bytes)"},
		{5_000_000_000, "5.0 GB (5,000,000,000 bytes)"},
	} {
		if got := sizeText(tc.n); got != tc.want {
			t.Errorf("sizeText(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
