package ui

import (
	"context"
	"fmt"
	"image/color"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/dialogs"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"
	"github.com/ferryftps/ferry/ui/pane"
)

// syncTools is the row above the panes: the compare toggle and its
// legend, synchronized browsing, and Synchronize….
type syncTools struct {
	compare, bySum *widget.Check
	browse         *widget.Check
	syncBtn, saved *widget.Button
	legend         *fyne.Container
	row            fyne.CanvasObject

	// Synchronized browsing: the folders it started from, and whether a
	// move is ours (so the other pane's Open is not mirrored back).
	browsing              bool
	localBase, remoteBase string
	mirroring             bool

	preview *dialogs.SyncPreview // the preview on screen, if any
}

func (v *MainView) buildSyncTools() fyne.CanvasObject {
	t := &v.sync
	t.compare = widget.NewCheck("Compare", v.setCompare)
	t.bySum = widget.NewCheck("by checksum", func(on bool) { v.local.SetCompareChecksum(on) })
	t.bySum.Hide()
	t.browse = widget.NewCheck("Synchronized browsing", v.setBrowsing)
	t.syncBtn = &widget.Button{Text: "Synchronize…", Icon: theme.ViewRefreshIcon(), OnTapped: v.showSync}
	t.saved = &widget.Button{Text: "Saved syncs", Icon: theme.MenuDropDownIcon(), IconPlacement: widget.ButtonIconTrailingText}
	t.saved.OnTapped = v.showSavedSyncs
	t.legend = container.NewHBox(&widget.Label{Text: "Marks:", Importance: widget.LowImportance})
	for _, d := range []transfers.Difference{transfers.DiffOnlyHere, transfers.DiffNewer, transfers.DiffOlder,
		transfers.DiffSize, transfers.DiffKind, transfers.DiffContent} {
		sw := canvas.NewRectangle(pane.MarkColors[d])
		sw.SetMinSize(fyne.NewSize(14, 14))
		sw.StrokeColor, sw.StrokeWidth = color.NRGBA{A: 0x40}, 1
		t.legend.Add(container.NewHBox(container.NewCenter(sw), &widget.Label{Text: d.Label(), Importance: widget.LowImportance}))
	}
	t.legend.Hide()
	v.local.OnOpen = func(dir string) { v.mirror(v.local, v.remote, dir) }
	v.remote.OnOpen = func(dir string) { v.mirror(v.remote, v.local, dir) }
	// The legend has a line of its own, shown with the marks: beside the
	// buttons it would widen the window past its default size.
	t.row = container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(t.compare, t.bySum), container.NewHBox(t.browse, t.syncBtn, t.saved)),
		t.legend)
	return t.row
}

// setCompare is the Compare toggle.
func (v *MainView) setCompare(on bool) {
	v.local.SetCompare(on)
	showIf(v.sync.legend, on)
	showIf(v.sync.bySum, on)
	if !on {
		v.sync.bySum.SetChecked(false)
	}
}

// setBrowsing is the Synchronized browsing toggle: from now on, entering a
// folder in one pane enters the same folder, relative to where both
// stand now, in the other.
func (v *MainView) setBrowsing(on bool) {
	t := &v.sync
	if on && (v.current == nil || v.local.Dir() == "" || v.remote.Dir() == "") {
		t.browse.SetChecked(false)
		v.setStatus("Synchronized browsing needs a folder open on both sides: connect to a server first.", widget.MediumImportance)
		return
	}
	t.browsing, t.localBase, t.remoteBase = on, v.local.Dir(), v.remote.Dir()
	if on {
		v.setStatus(fmt.Sprintf("Synchronized browsing: %s here goes with %s on the server.", t.localBase, t.remoteBase), widget.MediumImportance)
	} else {
		v.setStatus("Synchronized browsing is off.", widget.MediumImportance)
	}
}

// mirror follows a folder opened in from with the same relative folder in
// to. A folder missing on the other side is reported, never created; a
// folder outside the starting folders ends synchronized browsing.
func (v *MainView) mirror(from, to *pane.Pane, dir string) {
	t := &v.sync
	if !t.browsing || t.mirroring {
		return
	}
	fromBase, toBase := t.localBase, t.remoteBase
	if from == v.remote {
		fromBase, toBase = toBase, fromBase
	}
	names, ok := from.Rel(fromBase, dir)
	if !ok {
		t.browse.SetChecked(false) // calls setBrowsing(false)
		v.setStatus(fmt.Sprintf("Synchronized browsing is off: %s is outside %s, where it started.", dir, fromBase), widget.MediumImportance)
		return
	}
	target := to.JoinAll(toBase, names)
	if to.Dir() == target {
		return
	}
	if n := len(names); n > 0 && to.Dir() == to.JoinAll(toBase, names[:n-1]) {
		if has, known := to.Has(names[n-1]); known && !has {
			side := "on the server"
			if to == v.local {
				side = "on this computer"
			}
			v.setStatus(fmt.Sprintf("%s is not %s: the other side stays where it is (synchronized browsing does not create folders).", names[n-1], side), widget.WarningImportance)
			return
		}
	}
	t.mirroring = true
	to.Open(target)
	t.mirroring = false
}

// showSync asks how to synchronize the two folders shown, plans it off
// the UI goroutine and shows the preview.
func (v *MainView) showSync() {
	if v.current == nil || v.local.Dir() == "" || v.remote.Dir() == "" {
		v.setStatus("Synchronize needs a folder open on both sides: connect to a server first.", widget.MediumImportance)
		return
	}
	dir := widget.NewRadioGroup([]string{syncUpText, syncDownText, syncBothText}, nil)
	dir.SetSelected(syncUpText)
	del := esc.NewCheck(v.env.Win, "Delete what the other side does not have (one way; you see the list first)", nil)
	sums := esc.NewCheck(v.env.Win, "Also compare contents by the server's checksum (slower; when the server offers one)", nil)
	by := widget.NewSelect([]string{compareBoth, compareSize, compareTime}, nil)
	by.SetSelected(compareBoth)
	exclude := esc.NewEntry(v.env.Win)
	exclude.SetPlaceHolder("Leave out, e.g. *.tmp, .git/")
	name := esc.NewEntry(v.env.Win)
	name.SetPlaceHolder("Save as, e.g. Sync the office folder (optional)")
	if v.current.site.ID == "" {
		name.SetPlaceHolder("Save the site in the site manager to keep syncs with it")
		name.Disable()
	}
	local, remote := v.local.Dir(), v.remote.Dir()
	form := container.NewVBox(
		&widget.Label{Text: fmt.Sprintf("This computer: %s\nServer: %s", local, remote), Wrapping: fyne.TextWrapWord},
		dir, del, container.NewBorder(nil, nil, &widget.Label{Text: "One way, a file differs by:"}, nil, by), sums, exclude, name)
	dlg := dialog.NewCustomConfirm("Synchronize folders", "Preview…", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		opts := transfers.SyncOptions{Direction: map[string]transfers.SyncDirection{
			syncUpText: transfers.SyncUp, syncDownText: transfers.SyncDown, syncBothText: transfers.SyncBoth}[dir.Selected],
			Delete: del.Checked, Exclude: splitPatterns(exclude.Text), Checksum: sums.Checked,
			Compare: map[string]transfers.CompareMode{compareBoth: transfers.CompareSizeTime, compareSize: transfers.CompareSize, compareTime: transfers.CompareTime}[by.Selected]}
		if opts.Direction == transfers.SyncBoth {
			opts.Delete = false
		}
		if n := strings.TrimSpace(name.Text); n != "" {
			v.savePair(sites.SyncPair{Name: n, Local: local, Remote: remote, Direction: opts.Direction.String(),
				Delete: opts.Delete, Exclude: opts.Exclude})
		}
		v.planSync(opts, local, remote)
	}, v.env.Win)
	esc.Dialog(v.env.Win, dlg)
	dlg.Show()
	dlg.Resize(fyne.NewSize(560, dlg.MinSize().Height))
}

const (
	compareBoth  = "its size or time (newer)"
	compareSize  = "its size only"
	compareTime  = "its time only (newer)"
	syncUpText   = "Upload: make the server's folder like this computer's"
	syncDownText = "Download: make this computer's folder like the server's"
	syncBothText = "Both ways: carry each side's changes to the other"
)

func splitPatterns(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// syncPlanned is the answer of a sync's planning.
type syncPlanned struct {
	plan *transfers.SyncPlan
	err  error
}

// savePair keeps a sync with the current site.
func (v *MainView) savePair(p sites.SyncPair) {
	if err := v.pairs.Save(v.current.site.ID, p); err != nil {
		v.setStatus("Could not save the sync: "+err.Error(), widget.DangerImportance)
	}
}

// showSavedSyncs lists the syncs kept with the current site; choosing one
// opens both folders and shows its preview.
func (v *MainView) showSavedSyncs() {
	if v.current == nil {
		v.setStatus("Connect to a saved site to see the syncs kept with it.", widget.MediumImportance)
		return
	}
	pairs, err := v.pairs.List(v.current.site.ID)
	if err != nil {
		v.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	var items []*fyne.MenuItem
	for _, p := range pairs {
		items = append(items, fyne.NewMenuItem(p.Name, func() { v.runPair(p) }))
	}
	if len(items) == 0 {
		items = append(items, &fyne.MenuItem{Label: "No syncs saved with this site: Synchronize… can save one", Disabled: true})
	}
	c := v.env.Win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.sync.saved).AddXY(0, v.sync.saved.Size().Height)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos)
}

// runPair runs a saved sync: both panes open its folders, and its preview
// shows.
func (v *MainView) runPair(p sites.SyncPair) {
	dir, err := transfers.ParseSyncDirection(p.Direction)
	if err != nil {
		v.setStatus("The saved sync "+p.Name+" is damaged: "+err.Error(), widget.DangerImportance)
		return
	}
	v.local.Open(p.Local)
	v.remote.Open(p.Remote)
	v.planSync(transfers.SyncOptions{Direction: dir, Delete: p.Delete && dir != transfers.SyncBoth, Exclude: p.Exclude}, p.Local, p.Remote)
}

// planSync lists both folders and shows the preview.
func (v *MainView) planSync(opts transfers.SyncOptions, local, remote string) {
	s := v.current
	site := s.site
	pair := transfers.SyncPair{Site: s.key, SiteName: siteName(site), Local: local, Remote: remote,
		StateKey: site.User + "@" + site.Addr()}
	v.setStatus("Comparing "+pair.Local+" with "+pair.Remote+"…", widget.MediumImportance)
	v.sync.syncBtn.Disable()
	uido.Go(v.live, func(ctx context.Context) syncPlanned {
		c, err := s.pool.Browse(ctx)
		if err != nil {
			return syncPlanned{err: err}
		}
		p, err := transfers.PlanSync(ctx, c, pair, opts, v.env.Dir)
		return syncPlanned{p, err}
	}, func(r syncPlanned) {
		v.sync.syncBtn.Enable()
		if r.err != nil {
			v.setStatus("Could not compare the folders: "+r.err.Error(), widget.DangerImportance)
			return
		}
		v.setStatus(fmt.Sprintf("Compared: %s, %s in step. Look over the preview.", count(len(r.plan.Actions), "action"), count(r.plan.Same, "file")), widget.MediumImportance)
		v.sync.preview = dialogs.ShowSyncPreview(v.env.Win, r.plan, runtime.GOOS != "windows", func(chosen []transfers.SyncAction) {
			v.sync.preview = nil
			v.runSync(s, r.plan, chosen)
		}, func() {
			v.sync.preview = nil
			v.setStatus("Synchronize cancelled: nothing was changed.", widget.MediumImportance)
		})
	})
}

// syncRan is the answer of a sync's run.
type syncRan struct {
	res transfers.SyncResult
	err error
}

// runSync carries out the chosen actions through the queue and says how
// it went; both panes are listed again.
func (v *MainView) runSync(s *server, plan *transfers.SyncPlan, chosen []transfers.SyncAction) {
	v.setStatus(fmt.Sprintf("Synchronizing: %d actions; the transfers are in the queue below.", len(chosen)), widget.MediumImportance)
	v.sync.syncBtn.Disable()
	uido.Go(v.ctx, func(ctx context.Context) syncRan {
		c, err := s.pool.Browse(ctx)
		if err != nil {
			return syncRan{err: err}
		}
		res, err := plan.Execute(ctx, v.queue, c, chosen)
		return syncRan{res, err}
	}, func(r syncRan) {
		v.sync.syncBtn.Enable()
		v.local.Refresh()
		v.remote.Refresh()
		if r.err != nil {
			v.setStatus("Synchronize stopped: "+r.err.Error()+". Run it again to finish.", widget.DangerImportance)
			return
		}
		v.setStatus(syncSummary(r.res), map[bool]widget.Importance{true: widget.SuccessImportance, false: widget.WarningImportance}[r.res.OK()])
	})
}

// syncSummary is how a sync went, in a sentence.
func syncSummary(r transfers.SyncResult) string {
	text := fmt.Sprintf("Synchronized: %d uploaded, %d downloaded, %d deleted here, %d deleted on the server", r.Uploaded, r.Downloaded, r.DeletedHere, r.DeletedThere)
	if r.Trashed > 0 {
		text += fmt.Sprintf(" (%d to the trash)", r.Trashed)
	}
	if n := len(r.Conflicts); n > 0 {
		text += fmt.Sprintf("; %d conflicts left as they are", n)
	}
	if n := len(r.Failed); n > 0 {
		text += fmt.Sprintf("; %d failed: %s", n, r.Failed[0])
	}
	return text + "."
}

func count(n int, word string) string { return fmt.Sprintf("%d %s", n, plural(n, word, word+"s")) }

func showIf(o fyne.CanvasObject, show bool) {
	if show {
		o.Show()
	} else {
		o.Hide()
	}
}
