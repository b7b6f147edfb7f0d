package dialogs

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// The choices a conflict row offers; the first does nothing.
var conflictChoices = []string{"Leave both as they are", "Keep this computer's (upload)", "Keep the server's (download)"}

// SyncPreview is the checklist a sync shows before it changes anything:
// every upload, download and deletion, ticked, for the person to untick,
// and every conflict with a choice (left as it is unless chosen), with
// the totals of what is ticked. Nothing is deleted without it. Use it on
// the UI goroutine.
type SyncPreview struct {
	modal
	plan    *transfers.SyncPlan
	ticked  []bool
	choice  []int // conflicts: an index into conflictChoices
	totals  *widget.Label
	run     *esc.Button
	cancel  *esc.Button
	list    *widget.List
	onRun   func([]transfers.SyncAction)
	onClose func()
}

// ShowSyncPreview shows plan over win. trash says whether local deletions
// go to the trash (else they are final, and the dialog says so). onRun
// gets the chosen actions (conflicts a person decided become transfers);
// onClose is called when the dialog closes without running (either may be
// nil). It returns the dialog, for tests.
func ShowSyncPreview(win fyne.Window, plan *transfers.SyncPlan, trash bool, onRun func([]transfers.SyncAction), onClose func()) *SyncPreview {
	d := &SyncPreview{modal: modal{win: win}, plan: plan, onRun: onRun, onClose: onClose,
		ticked: make([]bool, len(plan.Actions)), choice: make([]int, len(plan.Actions))}
	for i, a := range plan.Actions {
		d.ticked[i] = a.Kind != transfers.SyncConflict
	}
	d.totals = &widget.Label{Wrapping: fyne.TextWrapWord}
	d.run = esc.NewButton(win, "Synchronize", theme.ConfirmIcon(), widget.HighImportance, d.start)
	d.cancel = esc.NewButton(win, "Cancel", theme.CancelIcon(), widget.MediumImportance, d.close)
	d.list = widget.NewList(func() int { return len(plan.Actions) }, d.newRow, d.updateRow)

	where := "Deleted files on this computer go to the trash."
	if !trash {
		where = "Deleted files on this computer are deleted for good: this system has no trash Ferry can use."
	}
	head := container.NewVBox(
		&widget.Label{Text: intro(plan), Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: where, Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance},
	)
	for _, s := range plan.Skipped {
		head.Add(&widget.Label{Text: "Left out: " + s, Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance})
	}
	body := container.NewBorder(head, d.totals, nil, nil, d.list)
	size := dialogSize(win, 760, 520)
	d.dlg = dialog.NewCustomWithoutButtons("Synchronize: preview", container.NewGridWrap(size, body), win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, d.run})
	d.update()
	d.open(d.close)
	return d
}

func intro(p *transfers.SyncPlan) string {
	switch {
	case len(p.Actions) == 0:
		return fmt.Sprintf("The folders are in step (%d files compared): there is nothing to do.", p.Same)
	case p.Direction == transfers.SyncUp:
		return "Make the server's folder like this computer's. Untick what should stay as it is."
	case p.Direction == transfers.SyncDown:
		return "Make this computer's folder like the server's. Untick what should stay as it is."
	}
	return "Carry each side's changes since the last sync to the other. Untick what should stay as it is; choose for each conflict."
}

// newRow is a row template: a check, the action, the path and why; a
// conflict shows a choice instead of the check.
func (d *SyncPreview) newRow() fyne.CanvasObject {
	check := widget.NewCheck("", nil)
	choice := widget.NewSelect(conflictChoices, nil)
	kind := &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	rel := &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	why := &widget.Label{Importance: widget.LowImportance}
	return container.NewBorder(nil, nil, container.NewHBox(check, choice, kind), why, rel)
}

func (d *SyncPreview) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	a := d.plan.Actions[i]
	c := o.(*fyne.Container)
	left := c.Objects[1].(*fyne.Container)
	check, choice, kind := left.Objects[0].(*widget.Check), left.Objects[1].(*widget.Select), left.Objects[2].(*widget.Label)
	rel, why := c.Objects[0].(*widget.Label), c.Objects[2].(*widget.Label)
	conflict := a.Kind == transfers.SyncConflict
	check.OnChanged, choice.OnChanged = nil, nil
	showIf(check, !conflict)
	showIf(choice, conflict)
	if conflict {
		choice.SetSelectedIndex(d.choice[i])
		choice.OnChanged = func(string) { d.choice[i] = choice.SelectedIndex(); d.update() }
	} else {
		check.SetChecked(d.ticked[i])
		check.OnChanged = func(on bool) { d.ticked[i] = on; d.update() }
	}
	kind.SetText(kindWords(a.Kind))
	rel.SetText(a.Rel)
	why.SetText(a.Why)
}

func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

func kindWords(k transfers.SyncKind) string {
	switch k {
	case transfers.SyncUpload:
		return "Upload"
	case transfers.SyncDownload:
		return "Download"
	case transfers.SyncDeleteLocal:
		return "Delete here"
	case transfers.SyncDeleteRemote:
		return "Delete on server"
	}
	return "Conflict"
}

// Chosen is what Synchronize would run now: the ticked actions, and each
// conflict a person decided as the transfer chosen.
func (d *SyncPreview) Chosen() []transfers.SyncAction {
	var out []transfers.SyncAction
	for i, a := range d.plan.Actions {
		switch {
		case a.Kind == transfers.SyncConflict && d.choice[i] == 1 && a.Local != nil && !a.Local.IsDir:
			a.Kind, a.Why = transfers.SyncUpload, "conflict: this computer's copy chosen"
		case a.Kind == transfers.SyncConflict && d.choice[i] == 2 && a.Remote != nil && !a.Remote.IsDir:
			a.Kind, a.Why = transfers.SyncDownload, "conflict: the server's copy chosen"
		case a.Kind == transfers.SyncConflict || !d.ticked[i]:
			continue
		}
		out = append(out, a)
	}
	return out
}

// update shows the totals of what is chosen and enables Synchronize when
// there is something to do.
func (d *SyncPreview) update() {
	var up, down, delHere, delThere, conflicts int
	var bytes int64
	chosen := d.Chosen()
	for _, a := range chosen {
		bytes += a.Bytes()
		switch a.Kind {
		case transfers.SyncUpload:
			up++
		case transfers.SyncDownload:
			down++
		case transfers.SyncDeleteLocal:
			delHere++
		case transfers.SyncDeleteRemote:
			delThere++
		}
	}
	for i, a := range d.plan.Actions {
		if a.Kind == transfers.SyncConflict && d.choice[i] == 0 {
			conflicts++
		}
	}
	d.totals.SetText(fmt.Sprintf("Chosen: %d to upload, %d to download (%s), %d to delete on this computer, %d to delete on the server; %d conflicts left as they are; %s already in step.",
		up, down, transfers.FormatSize(bytes), delHere, delThere, conflicts, files(d.plan.Same)))
	if len(chosen) == 0 {
		d.run.Disable()
	} else {
		d.run.Enable()
	}
}

func (d *SyncPreview) start() {
	chosen := d.Chosen()
	if len(chosen) == 0 || !d.hide() {
		return
	}
	if d.onRun != nil {
		d.onRun(chosen)
	}
}

func (d *SyncPreview) close() {
	if d.hide() && d.onClose != nil {
		d.onClose()
	}
}

// Untick unticks (or, on false, ticks) the action at i, as a click on its
// check does; for tests.
func (d *SyncPreview) Untick(i int, off bool) { d.ticked[i] = !off; d.list.Refresh(); d.update() }

// Choose picks choice c (see conflictChoices) for the conflict at i; for
// tests.
func (d *SyncPreview) Choose(i, c int) { d.choice[i] = c; d.list.Refresh(); d.update() }

// Run presses Synchronize; for tests.
func (d *SyncPreview) Run() { d.start() }

// Plan is the plan shown.
func (d *SyncPreview) Plan() *transfers.SyncPlan { return d.plan }

// Totals is the totals line; for tests.
func (d *SyncPreview) Totals() string { return d.totals.Text }

func showIf(o fyne.CanvasObject, show bool) {
	if show {
		o.Show()
	} else {
		o.Hide()
	}
}
