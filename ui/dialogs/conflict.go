package dialogs

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/ui/internal/esc"

	"github.com/ferryftps/ferry/transfers"
)

// ErrConflictCancelled is returned by ConflictResolver.ResolveConflict when
// the person cancels the question. It matches context.Canceled
// (errors.Is): the person stopped the transfer, nothing failed.
var ErrConflictCancelled = fmt.Errorf("conflict question cancelled: %w", context.Canceled)

// ShowConflict asks, in a dialog over win, what to do now that the target
// of a transfer exists: it shows "<name> already exists", the source and
// the existing target side by side (size, modification time, path), one
// button per transfers.Actions(), an "Apply to all further conflicts" check
// and Cancel. Resume is enabled only when both sizes are known and the
// target is the shorter. It returns at once; onDecide is called once, on
// the UI goroutine, with the decision and cancelled false, or with a zero
// Decision and cancelled true for Cancel. Call it on the UI goroutine; from
// another goroutine use ConflictResolver.
func ShowConflict(win fyne.Window, c transfers.Conflict, onDecide func(d transfers.Decision, cancelled bool)) {
	newConflictDialog(win, c, onDecide).show()
}

// ConflictResolver answers the queue's conflicts with the dialog of
// ShowConflict. Set Win, then use a *ConflictResolver from any goroutine but
// the UI goroutine: ResolveConflict blocks. It asks one question at a time;
// others wait their turn (or the end of their context).
type ConflictResolver struct {
	// Win is the window the dialog appears over. Required.
	Win fyne.Window

	slot  oneAtATime
	shown func(*conflictDialog) // for tests: called on the UI goroutine once shown
}

var _ transfers.Resolver = (*ConflictResolver)(nil)

// conflictReply is one answer of the conflict dialog.
type conflictReply struct {
	decision  transfers.Decision
	cancelled bool
}

// ResolveConflict shows the conflict dialog for c (through uido.Do) and
// waits for the person's decision. Cancel returns ErrConflictCancelled.
// When ctx ends first, it hides the dialog and returns ctx.Err(). It must
// not be called on the UI goroutine, which would wait for itself.
func (r *ConflictResolver) ResolveConflict(ctx context.Context, c transfers.Conflict) (transfers.Decision, error) {
	rep, err := ask(ctx, &r.slot, r.shown, func(reply func(conflictReply)) *conflictDialog {
		return newConflictDialog(r.Win, c, func(dec transfers.Decision, cancelled bool) {
			reply(conflictReply{dec, cancelled})
		})
	})
	switch {
	case err != nil:
		return transfers.Decision{}, err
	case rep.cancelled:
		return transfers.Decision{}, fmt.Errorf("%s: %w", conflictName(c), ErrConflictCancelled)
	}
	return rep.decision, nil
}

// conflictDialog is one conflict question. Used on the UI goroutine only.
type conflictDialog struct {
	modal
	onDecide func(transfers.Decision, bool)

	actions    map[transfers.Action]*esc.Button
	applyToAll *esc.Check
	cancel     *esc.Button
}

func newConflictDialog(win fyne.Window, c transfers.Conflict, onDecide func(transfers.Decision, bool)) *conflictDialog {
	d := &conflictDialog{modal: modal{win: win}, onDecide: onDecide, actions: make(map[transfers.Action]*esc.Button)}
	d.applyToAll = esc.NewCheck(win, "Apply to all further conflicts", nil)
	d.cancel = esc.NewButton(win, "Cancel", theme.CancelIcon(), widget.MediumImportance, d.cancelled)

	srcWhere, dstWhere := "on the server", "on this computer"
	intro := "Downloading from " + c.Site + ": a file of this name is already on this computer."
	if c.Direction == transfers.Upload {
		srcWhere, dstWhere = dstWhere, srcWhere
		intro = "Uploading to " + c.Site + ": a file of this name is already on the server."
	}
	if c.Site == "" {
		intro = "A file of this name is already " + dstWhere + "."
	}
	sizes := c.Source.Size >= 0 && c.Target.Size >= 0
	times := !c.Source.ModTime.IsZero() && !c.Target.ModTime.IsZero()

	var buttons []fyne.CanvasObject
	for _, a := range transfers.Actions() {
		b := esc.NewButton(win, a.Label(), nil, widget.MediumImportance, func() { d.decide(a) })
		if a == transfers.Resume && !canResume(c) {
			b.Disable()
		}
		d.actions[a] = b
		buttons = append(buttons, b)
	}
	body := container.NewVBox(
		&widget.Label{Text: intro, Wrapping: fyne.TextWrapWord},
		container.NewGridWithColumns(2,
			fileColumn("Source ("+srcWhere+")", c.Source,
				sizes && c.Source.Size > c.Target.Size, times && c.Source.ModTime.After(c.Target.ModTime)),
			fileColumn("Existing target ("+dstWhere+")", c.Target,
				sizes && c.Target.Size > c.Source.Size, times && c.Target.ModTime.After(c.Source.ModTime)),
		),
		widget.NewSeparator(),
		&widget.Label{Text: "What should Ferry do?", TextStyle: fyne.TextStyle{Bold: true}},
		container.NewGridWithColumns(3, buttons...),
		d.applyToAll,
	)
	d.dlg = dialog.NewCustomWithoutButtons(conflictName(c)+" already exists", atLeastWide(dialogSize(win, 640, 0).Width, body), win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel})
	return d
}

// canResume: resuming makes sense only for a target known to be shorter.
func canResume(c transfers.Conflict) bool {
	return c.Source.Size >= 0 && c.Target.Size >= 0 && c.Target.Size < c.Source.Size
}

// conflictName is the file's name: the last element of the target's path,
// local or remote.
func conflictName(c transfers.Conflict) string {
	p := c.Target.Path
	if p == "" {
		p = c.Source.Path
	}
	if c.Direction == transfers.Download {
		p = filepath.Base(p)
	} else {
		p = path.Base(strings.TrimRight(p, "/"))
	}
	if p == "" || p == "." || p == "/" {
		return "The file"
	}
	return p
}

// fileColumn is one side of a conflict; larger and newer mark the side
// that is.
func fileColumn(title string, f transfers.FileStat, larger, newer bool) fyne.CanvasObject {
	size, mod := sizeText(f.Size), localTime(f.ModTime)
	if larger {
		size += ", larger"
	}
	if newer {
		mod += ", newer"
	}
	return container.NewVBox(
		&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: "Size: " + size, Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: "Modified: " + mod, Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: f.Path, Wrapping: fyne.TextWrapBreak, Selectable: true, Importance: widget.LowImportance},
	)
}

func (d *conflictDialog) show() { d.open(d.cancelled) }

func (d *conflictDialog) decide(a transfers.Action) {
	d.finish(transfers.Decision{Action: a, ApplyToAll: d.applyToAll.Checked}, false)
}

func (d *conflictDialog) cancelled() { d.finish(transfers.Decision{}, true) }

func (d *conflictDialog) finish(dec transfers.Decision, cancelled bool) {
	if !d.hide() {
		return
	}
	if d.onDecide != nil {
		d.onDecide(dec, cancelled)
	}
}

// dismiss hides the dialog without a decision.
func (d *conflictDialog) dismiss() { d.hide() }
