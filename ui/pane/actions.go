package pane

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
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
	go func() {
		err := op(ctx, fsys, dir)
		p.do(func() {
			if ctx.Err() != nil {
				return // the pane shows another FS now
			}
			if err != nil {
				p.report(err)
			}
			if p.dir == dir {
				p.selectAfter = selectAfter
				p.Refresh()
			}
		})
	}()
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
	d := dialog.NewConfirm("Delete", msg, func(ok bool) {
		if !ok {
			return
		}
		p.run(func(ctx context.Context, fsys FS, dir string) error {
			var errs []error
			for _, e := range entries {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := fsys.Delete(ctx, fsys.Join(dir, e.Name), e.IsDir && !e.IsLink); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}, "")
	}, p.win)
	d.SetConfirmText("Delete")
	d.SetDismissText("Cancel")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
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
		case !SafeName(s):
			return errors.New(`a name cannot be "." or "..", or hold / \ or control characters`)
		case p.has(s):
			return fmt.Errorf("%q already exists here", s)
		}
		return nil
	}
}

func (p *Pane) has(name string) bool {
	for i := range p.all {
		if p.all[i].Name == name {
			return true
		}
	}
	return false
}

// askName shows a one-field form dialog and calls done with the name.
func (p *Pane) askName(title, confirm, initial, old string, done func(string)) {
	if p.win == nil {
		return
	}
	entry := widget.NewEntry()
	entry.SetText(initial)
	entry.Validator = p.nameCheck(old)
	d := dialog.NewForm(title, confirm, "Cancel", []*widget.FormItem{widget.NewFormItem("Name", entry)},
		func(ok bool) {
			if ok && entry.Text != old {
				done(entry.Text)
			}
		}, p.win)
	entry.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
	p.win.Canvas().Focus(entry)
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
// step) and applies them to entries.
func (p *Pane) chmod(entries []Entry) {
	if len(entries) == 0 || p.fs == nil || p.win == nil {
		return
	}
	mode, ok := permBits(entries[0].Perm)
	if !ok {
		mode = 0o644
		if entries[0].IsDir {
			mode = 0o755
		}
	}
	var checks [9]*widget.Check
	octal := widget.NewEntry()
	syncing := false
	fromChecks := func(bool) {
		if syncing {
			return
		}
		m := uint32(0)
		for i, c := range checks {
			if c.Checked {
				m |= 1 << (8 - i)
			}
		}
		syncing = true
		octal.SetText(fmt.Sprintf("%03o", m))
		syncing = false
	}
	parse := func(s string) (uint32, bool) {
		m, err := strconv.ParseUint(s, 8, 32)
		return uint32(m), err == nil && len(s) == 3
	}
	setChecks := func(m uint32) {
		syncing = true
		for i, c := range checks {
			c.SetChecked(m&(1<<(8-i)) != 0)
		}
		syncing = false
	}
	grid := []fyne.CanvasObject{widget.NewLabel(""), widget.NewLabel("Read"), widget.NewLabel("Write"), widget.NewLabel("Execute")}
	for who, name := range []string{"Owner", "Group", "Others"} {
		grid = append(grid, widget.NewLabel(name))
		for k := range 3 {
			checks[who*3+k] = widget.NewCheck("", fromChecks)
			grid = append(grid, checks[who*3+k])
		}
	}
	octal.Validator = func(s string) error {
		if _, ok := parse(s); !ok {
			return errors.New("three octal digits, such as 755")
		}
		return nil
	}
	octal.OnChanged = func(s string) {
		if m, ok := parse(s); ok && !syncing {
			setChecks(m)
		}
	}
	setChecks(mode)
	octal.SetText(fmt.Sprintf("%03o", mode))

	title := fmt.Sprintf("Permissions of %q", entries[0].Name)
	if len(entries) > 1 {
		title = fmt.Sprintf("Permissions of %d items", len(entries))
	}
	items := []*widget.FormItem{
		{Text: "", Widget: container.NewGridWithColumns(4, grid...)},
		{Text: "Numeric", Widget: octal},
	}
	d := dialog.NewForm(title, "Apply", "Cancel", items, func(ok bool) {
		m, valid := parse(octal.Text)
		if !ok || !valid {
			return
		}
		p.run(func(ctx context.Context, fsys FS, dir string) error {
			var errs []error
			for _, e := range entries {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := fsys.Chmod(ctx, fsys.Join(dir, e.Name), m); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}, "")
	}, p.win)
	octal.OnSubmitted = func(string) { d.Submit() }
	d.Show()
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
