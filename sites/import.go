package sites

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// maxListed is the most skipped entries, and the most notes, that an
// import's summary lists.
const maxListed = 20

// An Import brings the sites of a file into a Store, the same way on the
// desktop and on the command line: [ImportFile] reads the file and adds
// its sites, [Import.SavePasswords] then moves FileZilla's saved passwords
// into the keyring, and [Import.Report] says what happened. An Import is
// not safe for concurrent use: hand it from one goroutine to the next.
type Import struct {
	store   *Store
	pending []pendingPassword // in the order of the file
	report  ImportReport
}

// pendingPassword is a password read from the file, waiting for the
// keyring. It is never logged or shown.
type pendingPassword struct{ siteID, password string }

// ImportReport says what an import did. It never holds a password.
type ImportReport struct {
	// Added are the sites added to the store, as it keeps them.
	Added []Site
	// Skipped are the entries not imported, and why: first those the
	// store refused (Err is its error: errors.Is(Err, ErrSiteExists) for a
	// name the folder already has), then those the file's reader left out
	// (another protocol, a broken entry).
	Skipped []ImportSkip
	// Notes say what changed in the move, each as "Folder/Name: note".
	Notes []string
	// Moved is how many passwords went into the keyring.
	Moved int
	// Asking is how many sites ask for their password on each connect
	// instead, because the keyring refused it (KeyringErr).
	Asking int
	// KeyringErr is the keyring's refusal, nil when there was none.
	KeyringErr error
}

// ImportFile reads r, FileZilla's site manager (sitemanager.xml) or a file
// written by [Store.Export] (told apart by its first character), and adds
// its sites and folders to store; a site whose name its folder already has
// is skipped with an *ExistsError. FileZilla's saved passwords wait for
// SavePasswords, their sites keeping the normal logon until then. An error
// means that the file is not one of the two (it says why), and nothing was
// added. ImportFile makes no keyring call: it may run on the UI goroutine.
func ImportFile(store *Store, r io.Reader) (*Import, error) {
	data, err := io.ReadAll(io.LimitReader(r, fzMaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the file to import: %w", err)
	}
	im := &Import{store: store}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		if err := im.addExport(data); err != nil {
			return nil, err
		}
		return im, nil
	}
	res, err := ImportFileZilla(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	for _, s := range res.Sites {
		im.addFileZilla(s)
	}
	im.report.Skipped = append(im.report.Skipped, res.Skipped...)
	return im, nil
}

// addExport adds the folders and sites of a file written by Export (they
// have no passwords).
func (im *Import) addExport(data []byte) error {
	list, folders, err := ReadExport(bytes.NewReader(data))
	if err != nil {
		return err
	}
	for _, f := range folders {
		if err := im.store.AddFolder(f); err != nil {
			im.report.Skipped = append(im.report.Skipped, ImportSkip{Folder: f, Reason: err.Error(), Err: err})
		}
	}
	for _, s := range list {
		im.add(s)
	}
	return nil
}

// addFileZilla adds one site read from FileZilla, with its notes, and
// keeps its password for SavePasswords.
func (im *Import) addFileZilla(s ImportedSite) {
	site, ok := im.add(s.Site)
	if !ok {
		return
	}
	for _, n := range s.Notes {
		im.report.Notes = append(im.report.Notes, site.FullName()+": "+n)
	}
	if s.Password != "" {
		im.pending = append(im.pending, pendingPassword{site.ID, s.Password})
	}
}

// add adds site to the store, or records why the store refused it.
func (im *Import) add(site Site) (Site, bool) {
	added, err := im.store.Add(site)
	if err != nil {
		im.report.Skipped = append(im.report.Skipped, ImportSkip{Name: site.Name, Folder: site.Folder, Reason: err.Error(), Err: err})
		return Site{}, false
	}
	im.report.Added = append(im.report.Added, added)
	return added, true
}

// Passwords is how many passwords wait for SavePasswords.
func (im *Import) Passwords() int { return len(im.pending) }

// SavePasswords moves the passwords read from the file into secrets, and
// forgets them. When the keyring refuses one (or secrets is nil), that
// site and those after it are switched to "ask for password" (a password
// is never kept anywhere else) and the report says so. It blocks while the
// keyring does: call it off the UI goroutine, with a ctx that bounds the
// wait.
func (im *Import) SavePasswords(ctx context.Context, secrets SecretSetter) {
	pending := im.pending
	im.pending = nil
	for _, p := range pending {
		if im.report.KeyringErr == nil {
			err := setPassword(ctx, secrets, p.siteID, p.password)
			if err == nil {
				im.report.Moved++
				continue
			}
			im.report.KeyringErr = err
		}
		if err := askForPassword(im.store, p.siteID); err != nil {
			site, _ := im.store.Get(p.siteID)
			im.report.Notes = append(im.report.Notes, fmt.Sprintf("%s: could not be set to ask for the password: %v", site.FullName(), err))
			continue
		}
		im.report.Asking++
	}
}

// Report says what the import did so far.
func (im *Import) Report() ImportReport { return im.report }

// String says what the import did, for a person: "Imported 3 sites, 2
// passwords moved to the keyring; skipped 1: “Backup” (reason)." then, in
// paragraphs of their own, the keyring's refusal and the notes, each list
// cut at 20 entries. It never holds a password.
func (r ImportReport) String() string {
	var b strings.Builder
	b.WriteString("Imported " + plural(len(r.Added), "site", "sites"))
	if r.Moved > 0 {
		b.WriteString(", " + plural(r.Moved, "password", "passwords") + " moved to the keyring")
	}
	if n := len(r.Skipped); n > 0 {
		fmt.Fprintf(&b, "; skipped %d: ", n)
		for i, s := range r.Skipped[:min(n, maxListed)] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s.what() + " (" + s.Reason + ")")
		}
		if n > maxListed {
			fmt.Fprintf(&b, ", and %d more", n-maxListed)
		}
	}
	b.WriteString(".")
	if r.KeyringErr != nil {
		fmt.Fprintf(&b, "\n\nThe system keyring refused the passwords (%v), so %s for the password on each connect instead. Ferry never stores passwords in a file.",
			r.KeyringErr, plural(r.Asking, "site asks", "sites ask"))
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n\nWhat changed in the move:")
		for _, n := range r.Notes[:min(len(r.Notes), maxListed)] {
			b.WriteString("\n• " + n)
		}
		if len(r.Notes) > maxListed {
			fmt.Fprintf(&b, "\n• and %d more", len(r.Notes)-maxListed)
		}
	}
	return b.String()
}

// what names a skipped entry: “Folder/Name”, or "an unnamed entry".
func (s ImportSkip) what() string {
	if s.Name == "" && s.Folder == "" {
		return "an unnamed entry"
	}
	return "“" + fullName(s.Folder, s.Name) + "”"
}

// fullName is "Folder/Name", or whichever of the two is not empty.
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
