package ui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/testutil"
	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/dialogs"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

// TestSyncWindowLab drives compare, synchronized browsing and Synchronize…
// against the lab's vsftpd: the marks and their counts, a folder followed
// on the other side and a missing one reported (not created), and a sync
// whose preview is looked over, one upload unticked, then run.
func TestSyncWindowLab(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir()) // the trash
	srv := ftpslab.Start(t, ftpslab.VsftpdExplicit)
	testutil.WriteTree(t, srv.Root, testutil.Tree{"site/": nil, "site/same.txt": []byte("same"),
		"site/theirs.txt": []byte("server only"), "site/docs/": nil, "site/docs/d.txt": []byte("d")})
	testutil.ChownLikeRoot(srv.Root)
	home := t.TempDir()
	testutil.WriteTree(t, home, testutil.Tree{"site/": nil, "site/same.txt": []byte("same"),
		"site/mine.txt": []byte("local only"), "site/skip.txt": []byte("unticked"), "site/docs/": nil,
		"site/only-here/": nil})
	f := newFixture(t, home)
	f.connectTrusting("ftpes://127.0.0.1:"+strconv.Itoa(srv.Port), srv.User, srv.Password)
	f.ui(func() {
		f.v.local.Open(filepath.Join(home, "site"))
		f.v.remote.Open("/site")
	})
	f.until("both listings", func() bool {
		return f.row(f.v.local.Content(), "mine.txt") != nil && f.row(f.v.remote.Content(), "theirs.txt") != nil
	})

	// Compare: marks on both sides, counted in the footers.
	f.ui(func() { f.v.sync.compare.SetChecked(true) })
	f.until("the marks", func() bool {
		d, ok := f.v.local.Mark("mine.txt")
		r, _ := f.v.remote.Mark("theirs.txt")
		s, _ := f.v.local.Mark("same.txt")
		return ok && d == transfers.DiffOnlyHere && r == transfers.DiffOnlyHere && s == transfers.DiffSame
	})
	if !f.hasLabelContaining("Compared: 3 only here") {
		t.Errorf("the local footer does not count the marks")
	}

	// Synchronized browsing: docs/ opens on both sides; only-here/ is
	// reported missing on the server, which is not created.
	f.ui(func() { f.v.sync.browse.SetChecked(true) })
	f.ui(func() { f.v.local.Open(filepath.Join(home, "site", "docs")) })
	f.until("the server's docs", func() bool { return f.v.remote.Dir() == "/site/docs" })
	f.ui(func() { f.v.local.Up() })
	f.until("back up on both sides", func() bool { return f.v.remote.Dir() == "/site" })
	f.until("the server's listing", func() bool { return f.row(f.v.remote.Content(), "theirs.txt") != nil })
	f.ui(func() { f.v.local.Open(filepath.Join(home, "site", "only-here")) })
	f.until("the missing folder reported", func() bool { return strings.Contains(f.v.status.Text, "only-here is not on the server") })
	if _, err := os.Stat(filepath.Join(srv.Root, "site", "only-here")); err == nil {
		t.Fatal("synchronized browsing created the folder on the server")
	}
	f.ui(func() { f.v.sync.browse.SetChecked(false); f.v.local.Up() })

	// Synchronize, upload: the preview lists every action; skip.txt is
	// unticked and stays local.
	var preview *dialogs.SyncPreview
	f.ui(func() { test.Tap(f.v.sync.syncBtn) })
	f.until("the options", func() bool { return f.button("Preview…") != nil })
	f.ui(func() { test.Tap(f.button("Preview…")) })
	f.until("the preview", func() bool {
		preview = f.findPreview()
		return preview != nil
	})
	f.ui(func() {
		if got := preview.Totals(); !strings.Contains(got, "2 to upload") {
			t.Errorf("preview totals: %q", got)
		}
		for i, a := range previewActions(preview) {
			if a.Rel == "skip.txt" {
				preview.Untick(i, true)
			}
		}
		preview.Run()
	})
	f.until("the sync to end", func() bool { return strings.HasPrefix(f.v.status.Text, "Synchronized: 1 uploaded") })
	if _, err := os.Stat(filepath.Join(srv.Root, "site", "mine.txt")); err != nil {
		t.Errorf("mine.txt was not uploaded: %v", err)
	}
	if _, err := os.Stat(filepath.Join(srv.Root, "site", "skip.txt")); err == nil {
		t.Error("skip.txt was uploaded though unticked")
	}
	if _, err := os.Stat(filepath.Join(srv.Root, "site", "theirs.txt")); err != nil {
		t.Error("theirs.txt was deleted without --delete")
	}

	// Saved with the site, and run again with one click: download, with
	// deletions, as a saved site would keep it.
	f.ui(func() { f.v.current.site.ID = "office" })
	f.ui(func() { test.Tap(f.v.sync.syncBtn) })
	f.until("the options", func() bool { return f.button("Preview…") != nil })
	f.ui(func() {
		uitest.Walk(f.roots()[0], func(o fyne.CanvasObject) bool {
			switch w := o.(type) {
			case *widget.RadioGroup:
				w.SetSelected(syncDownText)
			case *esc.Entry:
				if strings.HasPrefix(w.PlaceHolder, "Save as") {
					test.Type(w, "Office folder")
				}
			}
			return false
		})
		test.Tap(f.button("Preview…"))
	})
	f.until("the preview", func() bool { return f.findPreview() != nil })
	f.ui(func() { test.Tap(f.button("Cancel")) })
	pairs, err := f.v.pairs.List("office")
	if err != nil || len(pairs) != 1 || pairs[0].Name != "Office folder" || pairs[0].Direction != "down" || pairs[0].Remote != "/site" {
		t.Fatalf("saved syncs: %+v, %v", pairs, err)
	}
	f.ui(func() { f.v.runPair(pairs[0]) })
	f.until("the saved sync's preview", func() bool { preview = f.findPreview(); return preview != nil })
	f.ui(func() {
		if got := preview.Totals(); !strings.Contains(got, "2 to download") {
			t.Errorf("the saved sync's preview: %q", got)
		}
		preview.Run()
	})
	f.until("the download", func() bool {
		b, _ := os.ReadFile(filepath.Join(home, "site", "theirs.txt"))
		return string(b) == "server only"
	})
}

// hasLabelContaining reports whether a label of the window contains text.
func (f *fixture) hasLabelContaining(text string) bool {
	found := false
	f.ui(func() {
		for _, r := range f.roots() {
			walkLabels(r, func(s string) {
				if strings.Contains(s, text) {
					found = true
				}
			})
		}
	})
	return found
}

// findPreview returns the sync preview on screen, if any.
func (f *fixture) findPreview() *dialogs.SyncPreview { return f.v.sync.preview }

func previewActions(p *dialogs.SyncPreview) []transfers.SyncAction { return p.Plan().Actions }

// walkLabels calls fn with the text of every label under o.
func walkLabels(o fyne.CanvasObject, fn func(string)) {
	uitest.Walk(o, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok {
			fn(l.Text)
		}
		return false
	})
}
