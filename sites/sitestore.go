package sites

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/session"
)

// SitesFileName is the site store's file in the config folder.
const SitesFileName = "sites.json"

const sitesSchema = 1

// ErrSiteNotFound: no site has that ID or name.
var ErrSiteNotFound = errors.New("no such site")

// ErrSiteExists: another site in the same folder has that name (names
// compare case-insensitively). The error is an *ExistsError.
var ErrSiteExists = errors.New("a site of that name already exists")

// ExistsError is a site refused by the store because another site in the
// same folder has its name. It matches ErrSiteExists (errors.Is).
type ExistsError struct {
	Name   string // the name asked for
	Folder string // the folder, "" for the top level
}

func (e *ExistsError) Error() string {
	where := "at the top level"
	if e.Folder != "" {
		where = "in " + e.Folder
	}
	return fmt.Sprintf("a site named %q already exists %s", e.Name, where)
}

// Is makes errors.Is(err, ErrSiteExists) true.
func (e *ExistsError) Is(target error) bool { return target == ErrSiteExists }

// siteJSON is a Site as stored: enums as words, so the file reads well. It
// has no field for a secret.
type siteJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Folder     string `json:"folder,omitempty"`
	Host       string `json:"host"`
	Port       int    `json:"port,omitempty"`
	Encryption string `json:"encryption"`
	User       string `json:"user,omitempty"`
	Logon      string `json:"logon"`
	TLS12Max   bool   `json:"tls12Max,omitempty"`
	LocalDir   string `json:"localDir,omitempty"`
	RemoteDir  string `json:"remoteDir,omitempty"`
	MaxConns   int    `json:"maxConns,omitempty"`
	Notes      string `json:"notes,omitempty"`
	ClientCert string `json:"clientCert,omitempty"`
	ClientKey  string `json:"clientKey,omitempty"`
	AllowPlain bool   `json:"allowPlain,omitempty"`
}

type sitesFile struct {
	Version int        `json:"version"`
	Folders []string   `json:"folders,omitempty"`
	Sites   []siteJSON `json:"sites"`
}

var encryptionWords = map[session.Encryption]string{session.Explicit: "explicit", session.Implicit: "implicit", session.Plain: "plain"}
var logonWords = map[LogonType]string{LogonNormal: "normal", LogonAsk: "ask", LogonAnonymous: "anonymous"}

func toJSON(s Site) siteJSON {
	return siteJSON{ID: s.ID, Name: s.Name, Folder: s.Folder, Host: s.Host, Port: s.Port,
		Encryption: encryptionWords[s.Encryption], User: s.User, Logon: logonWords[s.Logon],
		TLS12Max: s.TLS12Max, LocalDir: s.LocalDir, RemoteDir: s.RemoteDir, MaxConns: s.MaxConns,
		Notes: s.Notes, ClientCert: s.ClientCert, ClientKey: s.ClientKey, AllowPlain: s.AllowPlain}
}

func fromJSON(j siteJSON) (Site, error) {
	s := Site{ID: j.ID, Name: j.Name, Folder: j.Folder, Host: j.Host, Port: j.Port, User: j.User,
		TLS12Max: j.TLS12Max, LocalDir: j.LocalDir, RemoteDir: j.RemoteDir, MaxConns: j.MaxConns,
		Notes: j.Notes, ClientCert: j.ClientCert, ClientKey: j.ClientKey, AllowPlain: j.AllowPlain}
	found := false
	for e, w := range encryptionWords {
		if w == j.Encryption {
			s.Encryption, found = e, true
		}
	}
	if !found {
		return Site{}, fmt.Errorf("site %q: unknown encryption %q", j.Name, j.Encryption)
	}
	found = false
	for l, w := range logonWords {
		if w == j.Logon {
			s.Logon, found = l, true
		}
	}
	if !found {
		return Site{}, fmt.Errorf("site %q: unknown logon type %q", j.Name, j.Logon)
	}
	return s, nil
}

// Store keeps the saved sites, in folders, in a JSON file in the config
// folder, written atomically on every change. It never holds a secret:
// passwords live in the keyring (Secrets), keyed by Site.ID. Safe for
// concurrent use within one process.
type Store struct {
	path    string
	mu      sync.Mutex
	folders map[string]bool
	sites   []Site
}

// OpenStore opens the site store in dir; a missing file is an empty
// store, a damaged one an error naming the file.
func OpenStore(dir string) (*Store, error) {
	s := &Store{path: filepath.Join(dir, SitesFileName), folders: map[string]bool{}}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the sites: %w", err)
	}
	if err := s.decode(data); err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", s.path, err)
	}
	return s, nil
}

func (s *Store) decode(data []byte) error {
	var f sitesFile
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	if f.Version != sitesSchema {
		return fmt.Errorf("schema version %d, this Ferry reads %d", f.Version, sitesSchema)
	}
	for _, fo := range f.Folders {
		clean, err := cleanFolder(fo)
		if err != nil {
			return err
		}
		s.folders[clean] = true
	}
	for _, j := range f.Sites {
		site, err := fromJSON(j)
		if err != nil {
			return err
		}
		if site.ID == "" {
			return fmt.Errorf("site %q has no id", site.Name)
		}
		s.sites = append(s.sites, site)
	}
	return nil
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

func (s *Store) saveLocked() error {
	f := sitesFile{Version: sitesSchema, Sites: []siteJSON{}}
	for fo := range s.folders {
		f.Folders = append(f.Folders, fo)
	}
	sort.Strings(f.Folders)
	for _, site := range s.sortedLocked() {
		f.Sites = append(f.Sites, toJSON(site))
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return config.WriteFileAtomic(s.path, append(data, '\n'), 0o600)
}

func (s *Store) sortedLocked() []Site {
	out := append([]Site(nil), s.sites...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Folder != out[j].Folder {
			return out[i].Folder < out[j].Folder
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out
}

// Sites returns every site, ordered by folder then name.
func (s *Store) Sites() []Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedLocked()
}

// Folders returns every folder path, including those only implied by a
// site's Folder, sorted.
func (s *Store) Folders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := map[string]bool{}
	for f := range s.folders {
		for ; f != "" && f != "."; f = path.Dir(f) {
			set[f] = true
		}
	}
	for _, site := range s.sites {
		for f := site.Folder; f != "" && f != "."; f = path.Dir(f) {
			set[f] = true
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Get returns the site with the given ID.
func (s *Store) Get(id string) (Site, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, site := range s.sites {
		if site.ID == id {
			return site, true
		}
	}
	return Site{}, false
}

// Find returns the site named name ("Name", or "Folder/Sub/Name"); names
// compare case-insensitively. A bare name that several folders hold is an
// error listing them.
func (s *Store) Find(name string) (Site, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []Site
	for _, site := range s.sites {
		if strings.EqualFold(site.FullName(), name) {
			return site, nil
		}
		if strings.EqualFold(site.Name, name) {
			hits = append(hits, site)
		}
	}
	switch len(hits) {
	case 0:
		return Site{}, fmt.Errorf("%q: %w (see ferry sites list)", name, ErrSiteNotFound)
	case 1:
		return hits[0], nil
	}
	var where []string
	for _, h := range hits {
		where = append(where, h.Folder+"/"+h.Name)
	}
	return Site{}, fmt.Errorf("%q names %d sites (%s): give the folder too", name, len(hits), strings.Join(where, ", "))
}

func newSiteID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func cleanFolder(f string) (string, error) {
	f = strings.Trim(strings.TrimSpace(f), "/")
	if f == "" {
		return "", nil
	}
	parts := strings.Split(f, "/")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || p == "." || p == ".." || strings.ContainsAny(p, "\x00\r\n") {
			return "", fmt.Errorf("folder %q: a folder name may not be empty, \".\", \"..\" or hold line breaks", f)
		}
		parts[i] = p
	}
	return strings.Join(parts, "/"), nil
}

func (s *Store) checkLocked(site Site) (Site, error) {
	if strings.TrimSpace(site.Name) == "" {
		return site, errors.New("a site needs a name")
	}
	if strings.ContainsAny(site.Name, "/\x00\r\n") {
		return site, fmt.Errorf("site name %q: a name may not hold \"/\" or line breaks", site.Name)
	}
	site.Name = strings.TrimSpace(site.Name)
	folder, err := cleanFolder(site.Folder)
	if err != nil {
		return site, err
	}
	site.Folder = folder
	if err := site.Validate(); err != nil {
		return site, err
	}
	for _, other := range s.sites {
		if other.ID != site.ID && other.Folder == site.Folder && strings.EqualFold(other.Name, site.Name) {
			return site, &ExistsError{Name: site.Name, Folder: site.Folder}
		}
	}
	return site, nil
}

// Add saves a new site and returns it with its new ID.
func (s *Store) Add(site Site) (Site, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	site.ID = newSiteID()
	site, err := s.checkLocked(site)
	if err != nil {
		return Site{}, err
	}
	s.sites = append(s.sites, site)
	if err := s.saveLocked(); err != nil {
		s.sites = s.sites[:len(s.sites)-1]
		return Site{}, err
	}
	return site, nil
}

// Update replaces the site with site.ID: an edit, a rename, or a move to
// another folder.
func (s *Store) Update(site Site) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, old := range s.sites {
		if old.ID != site.ID {
			continue
		}
		site, err := s.checkLocked(site)
		if err != nil {
			return err
		}
		s.sites[i] = site
		if err := s.saveLocked(); err != nil {
			s.sites[i] = old
			return err
		}
		return nil
	}
	return fmt.Errorf("site %s: %w", site.ID, ErrSiteNotFound)
}

// Duplicate saves a copy of the site named "<name> (copy)" (or "(copy 2)",
// ...) in the same folder, with a new ID. Secrets are not copied here; the
// caller copies them in the keyring.
func (s *Store) Duplicate(id string) (Site, error) {
	site, ok := s.Get(id)
	if !ok {
		return Site{}, fmt.Errorf("site %s: %w", id, ErrSiteNotFound)
	}
	base := site.Name + " (copy)"
	for n := 1; n < 1000; n++ {
		site.Name = base
		if n > 1 {
			site.Name = fmt.Sprintf("%s (copy %d)", strings.TrimSuffix(base, " (copy)"), n)
		}
		dup, err := s.Add(site)
		if err == nil {
			return dup, nil
		}
		if !errors.Is(err, ErrSiteExists) {
			return Site{}, err
		}
	}
	return Site{}, errors.New("too many copies of this site")
}

// Delete removes the site. Its secrets are the caller's to delete
// (Secrets.DeleteAll).
func (s *Store) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, site := range s.sites {
		if site.ID == id {
			old := s.sites
			s.sites = append(append([]Site(nil), s.sites[:i]...), s.sites[i+1:]...)
			if err := s.saveLocked(); err != nil {
				s.sites = old
				return err
			}
			return nil
		}
	}
	return fmt.Errorf("site %s: %w", id, ErrSiteNotFound)
}

// AddFolder creates an (empty) folder.
func (s *Store) AddFolder(folder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := cleanFolder(folder)
	if err != nil || f == "" {
		if err == nil {
			err = errors.New("a folder needs a name")
		}
		return err
	}
	s.folders[f] = true
	return s.saveLocked()
}

// RemoveFolder removes an empty folder; one that holds sites or folders is
// refused.
func (s *Store) RemoveFolder(folder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := cleanFolder(folder)
	if err != nil {
		return err
	}
	for _, site := range s.sites {
		if site.Folder == f || strings.HasPrefix(site.Folder, f+"/") {
			return fmt.Errorf("folder %q is not empty: move or delete its sites first", f)
		}
	}
	for other := range s.folders {
		if strings.HasPrefix(other, f+"/") {
			return fmt.Errorf("folder %q holds the folder %q", f, other)
		}
	}
	delete(s.folders, f)
	return s.saveLocked()
}

// Export writes every site, without IDs and without secrets (the store has
// none), in the store's own format, for another Ferry to Import.
func (s *Store) Export(w io.Writer) error {
	s.mu.Lock()
	f := sitesFile{Version: sitesSchema, Sites: []siteJSON{}}
	for fo := range s.folders {
		f.Folders = append(f.Folders, fo)
	}
	sort.Strings(f.Folders)
	for _, site := range s.sortedLocked() {
		j := toJSON(site)
		j.ID = ""
		f.Sites = append(f.Sites, j)
	}
	s.mu.Unlock()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// ReadExport reads a file written by Export: the sites (without IDs) and
// folders, to be added with Add.
func ReadExport(r io.Reader) (sites []Site, folders []string, err error) {
	var f sitesFile
	if err := json.NewDecoder(io.LimitReader(r, 16<<20)).Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("not a Ferry sites file: %w", err)
	}
	if f.Version != sitesSchema {
		return nil, nil, fmt.Errorf("sites file version %d, this Ferry reads %d", f.Version, sitesSchema)
	}
	for _, j := range f.Sites {
		site, err := fromJSON(j)
		if err != nil {
			return nil, nil, err
		}
		site.ID = ""
		sites = append(sites, site)
	}
	return sites, f.Folders, nil
}
