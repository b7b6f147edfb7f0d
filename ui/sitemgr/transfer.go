package sitemgr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// maxImportSize bounds what an import reads; ImportFileZilla refuses more.
const maxImportSize = 16<<20 + 1

// maxListed is the most skipped sites and notes an import summary lists.
const maxListed = 20

// importDialog is the Import from FileZilla… button: it picks a file, then
// imports it.
func (m *Manager) importDialog() {
	d := dialog.NewFileOpen(m.importPicked, m.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xml", ".json"}))
	d.SetTitleText("Import FileZilla's sitemanager.xml (or a Ferry export)")
	d.Resize(fyne.NewSize(800, 520))
	esc.Dialog(m.win, d)
	d.Show()
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
// written by Export, from r, as `ferry sites import` does: the sites go in
// the store, FileZilla's saved passwords into the keyring (off the UI
// goroutine), and a summary dialog says what happened. If the keyring
// refuses a password, that site and those after it ask for their password
// on connect instead.
func (m *Manager) importFrom(r io.Reader) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportSize))
	if err != nil {
		esc.ShowError(fmt.Errorf("reading the file to import: %w", err), m.win)
		return
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		m.importFerry(data)
		return
	}
	res, err := sites.ImportFileZilla(bytes.NewReader(data))
	if err != nil {
		esc.ShowError(err, m.win)
		return
	}
	type secret struct{ id, password string }
	var (
		sum     importSummary
		secrets []secret
	)
	for _, im := range res.Sites {
		site, err := m.store.Add(im.Site)
		if err != nil {
			sum.skip(im.Site.Folder, im.Site.Name, err.Error())
			continue
		}
		sum.added++
		for _, n := range im.Notes {
			sum.notes = append(sum.notes, fullName(site.Folder, site.Name)+": "+n)
		}
		if im.Password != "" {
			secrets = append(secrets, secret{site.ID, im.Password})
		}
	}
	for _, s := range res.Skipped {
		sum.skip(s.Folder, s.Name, s.Reason)
	}
	m.reload()
	m.tree.OpenAllBranches()
	if len(secrets) == 0 {
		m.showSummary(sum)
		return
	}
	progress := dialog.NewCustomWithoutButtons("Importing",
		&widget.Label{Text: "Moving " + plural(len(secrets), "password", "passwords") + " into the system keyring…"}, m.win)
	progress.Show()
	sec := m.secrets
	m.background(len(secrets), func(ctx context.Context) func() {
		var (
			moved  int
			failed []string // site IDs
			kerr   error
		)
		for _, s := range secrets {
			if kerr == nil {
				if kerr = sec.Set(ctx, s.id, sites.SecretPassword, s.password); kerr == nil {
					moved++
					continue
				}
			}
			failed = append(failed, s.id) // no keyring: never keep it anywhere else
		}
		return func() {
			progress.Hide()
			for _, id := range failed {
				if site, ok := m.store.Get(id); ok {
					site.Logon = sites.LogonAsk
					if err := m.store.Update(site); err != nil {
						sum.notes = append(sum.notes, fmt.Sprintf("%s: could not be set to ask for the password: %v", fullName(site.Folder, site.Name), err))
					}
				}
			}
			sum.moved, sum.asking, sum.keyringErr = moved, len(failed), kerr
			m.reload()
			if m.editing && m.cur.ID != "" && !m.dirty() {
				if s, ok := m.store.Get(m.cur.ID); ok {
					m.loadSite(s, true)
				}
			}
			m.showSummary(sum)
		}
	})
}

// importFerry adds the sites of a file written by Export (they have no
// passwords).
func (m *Manager) importFerry(data []byte) {
	sites, folders, err := sites.ReadExport(bytes.NewReader(data))
	if err != nil {
		esc.ShowError(err, m.win)
		return
	}
	var sum importSummary
	for _, f := range folders {
		if err := m.store.AddFolder(f); err != nil {
			sum.skip(f, "", err.Error())
		}
	}
	for _, s := range sites {
		if _, err := m.store.Add(s); err != nil {
			sum.skip(s.Folder, s.Name, err.Error())
			continue
		}
		sum.added++
	}
	m.reload()
	m.tree.OpenAllBranches()
	m.showSummary(sum)
}

// importSummary is what an import did, to tell the user.
type importSummary struct {
	added, moved, asking int
	skipped              []string // "“name” (reason)"
	notes                []string
	keyringErr           error
}

func (s *importSummary) skip(folder, name, reason string) {
	what := "an unnamed entry"
	if name != "" || folder != "" {
		what = "“" + fullName(folder, name) + "”"
	}
	s.skipped = append(s.skipped, what+" ("+reason+")")
}

func fullName(folder, name string) string {
	switch {
	case folder == "":
		return name
	case name == "":
		return folder
	}
	return folder + "/" + name
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// String says what the import did: "Imported 3 sites, 2 passwords moved to
// the keyring; skipped 1: “Backup” (reason)." then, on their own lines, the
// keyring's refusal and the notes. It never holds a password.
func (s importSummary) String() string {
	var b strings.Builder
	b.WriteString("Imported " + plural(s.added, "site", "sites"))
	if s.moved > 0 {
		b.WriteString(", " + plural(s.moved, "password", "passwords") + " moved to the keyring")
	}
	if n := len(s.skipped); n > 0 {
		fmt.Fprintf(&b, "; skipped %d: ", n)
		b.WriteString(strings.Join(s.skipped[:min(n, maxListed)], ", "))
		if n > maxListed {
			fmt.Fprintf(&b, ", and %d more", n-maxListed)
		}
	}
	b.WriteString(".")
	if s.keyringErr != nil {
		fmt.Fprintf(&b, "\n\nThe system keyring refused the passwords (%v), so %s for the password on each connect instead. Ferry never stores passwords in a file.",
			s.keyringErr, plural(s.asking, "site asks", "sites ask"))
	}
	if len(s.notes) > 0 {
		b.WriteString("\n\nWhat changed in the move:")
		for _, n := range s.notes[:min(len(s.notes), maxListed)] {
			b.WriteString("\n• " + n)
		}
		if len(s.notes) > maxListed {
			fmt.Fprintf(&b, "\n• and %d more", len(s.notes)-maxListed)
		}
	}
	return b.String()
}

func (m *Manager) showSummary(s importSummary) {
	m.showText("Import", s.String())
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
	d.Resize(fyne.NewSize(800, 520))
	esc.Dialog(m.win, d)
	d.Show()
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
