package sitemgr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// importDialog is the Import from FileZilla… button: it picks a file, then
// imports it.
func (m *Manager) importDialog() {
	d := dialog.NewFileOpen(m.importPicked, m.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xml", ".json"}))
	d.SetTitleText("Import FileZilla's sitemanager.xml (or a Ferry export)")
	if p, ok := sites.FileZillaSiteManager(); ok {
		// Open where FileZilla keeps it: one click on sitemanager.xml.
		if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(p))); err == nil {
			d.SetLocation(dir)
		}
	}
	showFileDialog(m.win, d)
}

func (m *Manager) importPicked(r fyne.URIReadCloser, err error) {
	if err != nil {
		esc.ShowError(err, m.win)
		return
	}
	if r == nil {
		return // cancelled
	}
	defer r.Close()
	m.importFrom(r)
}

// importFrom imports FileZilla's site manager (sitemanager.xml), or a file
// written by Export, from r, as `ferry sites import` does
// (sites.ImportFile): the sites go in the store, FileZilla's saved
// passwords into the keyring (off the UI goroutine), and a summary dialog
// says what happened. If the keyring refuses a password, that site and
// those after it ask for their password on connect instead.
func (m *Manager) importFrom(r io.Reader) {
	im, err := sites.ImportFile(m.store, r)
	if err != nil {
		esc.ShowError(err, m.win)
		return
	}
	m.reload()
	m.tree.OpenAllBranches()
	n := im.Passwords()
	if n == 0 {
		m.showText("Import", im.Report().String())
		return
	}
	progress := dialog.NewCustomWithoutButtons("Importing",
		&widget.Label{Text: "Moving " + plural(n, "password", "passwords") + " into the system keyring…"}, m.win)
	progress.Show()
	sec := m.secrets
	m.background(n, func(ctx context.Context) func() {
		im.SavePasswords(ctx, sec)
		return func() {
			progress.Hide()
			m.reload()
			if m.editing && m.cur.ID != "" && !m.dirty() {
				if s, ok := m.store.Get(m.cur.ID); ok {
					m.loadSite(s, true)
				}
			}
			m.showText("Import", im.Report().String())
		}
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// showText shows a message that may be long, in a scrolling dialog.
func (m *Manager) showText(title, text string) {
	scroll := container.NewVScroll(&widget.Label{Text: text, Wrapping: fyne.TextWrapWord})
	scroll.SetMinSize(fyne.NewSize(520, 160))
	d := dialog.NewCustom(title, "OK", scroll, m.win)
	esc.Dialog(m.win, d)
	d.Show()
}

// exportDialog is the Export… button: it picks a file and writes every
// site to it, without passwords.
func (m *Manager) exportDialog() {
	d := dialog.NewFileSave(m.exportPicked, m.win)
	d.SetFileName("ferry-sites.json")
	d.SetTitleText("Export the sites (without passwords)")
	showFileDialog(m.win, d)
}

func (m *Manager) exportPicked(w fyne.URIWriteCloser, err error) {
	if err != nil {
		esc.ShowError(err, m.win)
		return
	}
	if w == nil {
		return // cancelled
	}
	n, err := m.exportTo(w)
	if err != nil {
		esc.ShowError(fmt.Errorf("exporting the sites to %s: %w", w.URI().Name(), err), m.win)
		return
	}
	m.showText("Export", fmt.Sprintf("Exported %s to %s.\n\nPasswords are not in the file: they stay in this computer's system keyring. Whoever imports the file types them again.",
		plural(n, "site", "sites"), w.URI().Name()))
}

// exportTo writes the store's export to w and closes it. A local file is
// replaced atomically, like every file Ferry writes.
func (m *Manager) exportTo(w fyne.URIWriteCloser) (int, error) {
	var buf bytes.Buffer
	n := len(m.store.Sites())
	if err := m.store.Export(&buf); err != nil {
		w.Close()
		return 0, err
	}
	if u := w.URI(); u.Scheme() == "file" {
		if err := w.Close(); err != nil {
			return 0, err
		}
		return n, config.WriteFileAtomic(u.Path(), buf.Bytes(), 0o600)
	}
	_, err := w.Write(buf.Bytes())
	return n, errors.Join(err, w.Close())
}
