package pane

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/ui/dialogs"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// showMenu shows the context menu at pos (absolute) for the selection, or
// for the folder when nothing is selected.
func (p *Pane) showMenu(pos fyne.Position) {
	if p.fs == nil || p.dir == "" {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.list); c != nil {
		widget.ShowPopUpMenuAtPosition(p.menu(), c, pos)
	}
}

func (p *Pane) menu() *fyne.Menu {
	sel := p.Selected()
	item := func(label string, enabled bool, action func()) *fyne.MenuItem {
		m := fyne.NewMenuItem(label, action)
		m.Disabled = !enabled
		return m
	}
	verb, copyLabel := "Upload", "Copy path"
	if p.remote() {
		verb, copyLabel = "Download", "Copy URL"
	}
	items := []*fyne.MenuItem{
		item(verb, len(sel) > 0 && p.OnTransfer != nil && p.peerReady(), func() { p.transfer(sel) }),
		item("Open", len(sel) == 1 && sel[0].IsDir, func() { p.Open(p.fs.Join(p.dir, sel[0].Name)) }),
		fyne.NewMenuItemSeparator(),
		item("Rename…", len(sel) == 1, func() { p.rename(sel[0]) }),
		item("Delete…", len(sel) > 0, func() { p.confirmDelete(sel) }),
		item("New folder…", p.loaded, p.newFolder),
	}
	if p.remote() {
		items = append(items, item("Permissions…", len(sel) > 0, func() { p.chmod(sel) }))
	}
	items = append(items, fyne.NewMenuItemSeparator(),
		item(copyLabel, true, func() { p.copyPaths(sel) }),
		item("Refresh", true, p.Refresh))
	return fyne.NewMenu("", items...)
}

// run does op off the UI goroutine, then reports its error and refreshes
// the folder, selecting selectAfter.
func (p *Pane) run(op func(ctx context.Context, fsys FS, dir string) error, selectAfter string) {
	fsys, ctx, dir := p.fs, p.ctx, p.dir
	if fsys == nil || dir == "" {
		return
	}
	// ctx ends when the pane shows another FS: the result is dropped.
	uido.Go(ctx, func(ctx context.Context) error { return op(ctx, fsys, dir) }, func(err error) {
		if err != nil {
			p.report(err)
		}
		if p.dir == dir {
			p.selectAfter = selectAfter
			p.Refresh()
		}
	})
}

// forEach does op on each entry in turn and joins their errors; once ctx
// ends it stops with ctx's error.
func forEach(ctx context.Context, entries []Entry, op func(Entry) error) error {
	var errs []error
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := op(e); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// confirmDelete asks, then deletes entries (folders with their contents).
func (p *Pane) confirmDelete(entries []Entry) {
	if len(entries) == 0 || p.fs == nil || p.win == nil {
		return
	}
	msg := fmt.Sprintf("Delete %q?", entries[0].Name)
	if n := len(entries) - 1; n > 0 {
		msg = fmt.Sprintf("Delete %q and %s?", entries[0].Name, plural(n, "other item"))
	}
	for _, e := range entries {
		if e.IsDir && !e.IsLink {
			msg += " Folders are deleted with everything in them."
			break
		}
	}
	msg += " This cannot be undone."
	esc.ShowDangerConfirm("Delete", msg, "Delete", func() {
		p.run(func(ctx context.Context, fsys FS, dir string) error {
			return forEach(ctx, entries, func(e Entry) error {
				return fsys.Delete(ctx, fsys.Join(dir, e.Name), e.IsDir && !e.IsLink)
			})
		}, "")
	}, p.win)
}

// nameCheck validates a new name for an entry now called old ("" for a new
// one).
func (p *Pane) nameCheck(old string) func(string) error {
	return func(s string) error {
		switch {
		case old != "" && s == old:
			return nil
		case strings.TrimSpace(s) == "":
			return errors.New("type a name")
		case session.CheckName(s) != nil:
			return errors.New(`a name cannot be "." or "..", or hold / \ or control characters`)
		case p.has(s):
			return fmt.Errorf("%q already exists here", s)
		}
		return nil
	}
}

// askName asks for a name and calls done with it, unless it is old.
func (p *Pane) askName(title, confirm, initial, old string, done func(string)) {
	if p.win == nil {
		return
	}
	dialogs.AskName(p.win, title, confirm, initial, "", p.nameCheck(old), func(name string) {
		if name != old {
			done(name)
		}
	})
}

// rename asks for a new name for e.
func (p *Pane) rename(e Entry) {
	if p.fs == nil {
		return
	}
	p.askName(fmt.Sprintf("Rename %q", e.Name), "Rename", e.Name, e.Name, func(to string) {
		p.run(func(ctx context.Context, fsys FS, dir string) error {
			return fsys.Rename(ctx, fsys.Join(dir, e.Name), fsys.Join(dir, to))
		}, to)
	})
}

// newFolder asks for a name and creates the folder.
func (p *Pane) newFolder() {
	if p.fs == nil || !p.loaded {
		return
	}
	name := "New folder"
	for i := 2; p.has(name); i++ {
		name = fmt.Sprintf("New folder %d", i)
	}
	p.askName("New folder", "Create", name, "", func(name string) {
		p.run(func(ctx context.Context, fsys FS, dir string) error {
			return fsys.Mkdir(ctx, fsys.Join(dir, name))
		}, name)
	})
}

// chmod asks for permissions (nine boxes or three octal digits, kept in
// step) and applies them to entries. The boxes start from the first
// entry's permissions.
func (p *Pane) chmod(entries []Entry) {
	if len(entries) == 0 || p.fs == nil || p.win == nil {
		return
	}
	name := fmt.Sprintf("%q", entries[0].Name)
	if len(entries) > 1 {
		name = fmt.Sprintf("%d items", len(entries))
	}
	dialogs.ShowPermissions(p.win, name, entries[0].Perm, func(m uint32) {
		p.run(func(ctx context.Context, fsys FS, dir string) error {
			return forEach(ctx, entries, func(e Entry) error { return fsys.Chmod(ctx, fsys.Join(dir, e.Name), m) })
		}, "")
	})
}

// copyPaths puts the entries' paths (URLs on a server) on the clipboard,
// one a line; with no entries, the folder's.
func (p *Pane) copyPaths(entries []Entry) {
	if p.fs == nil || p.dir == "" {
		return
	}
	lines := []string{p.fs.Display(p.dir)}
	if len(entries) > 0 {
		lines = lines[:0]
		for _, e := range entries {
			lines = append(lines, p.fs.Display(p.fs.Join(p.dir, e.Name)))
		}
	}
	fyne.CurrentApp().Clipboard().SetContent(strings.Join(lines, "\n"))
}
