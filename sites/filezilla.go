package sites

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ferryftps/ferry/session"
)

// ImportedSite is one site read from another client's site manager.
type ImportedSite struct {
	// Site is the site as Ferry will keep it. Its Folder is the path of
	// folders it sat in ("Clients/Acme"), its Name the name it had there,
	// and its ID is empty.
	Site Site
	// Password is the plain password to move into the keyring: set only
	// for a site with the logon type LogonNormal, "" when none was saved or
	// when it cannot be read (encrypted, damaged). It must never be logged
	// or shown; String leaves it out.
	Password string `json:"-"`
	// Notes says, in plain words, what changed in the move, such as "plain
	// FTP: password and files travel unencrypted". None of them holds the
	// password.
	Notes []string
}

// String describes the imported site for logs and debugging. It never
// includes the password, only whether there is one.
func (s ImportedSite) String() string {
	pw := "no password"
	if s.Password != "" {
		pw = "password to store"
	}
	return fmt.Sprintf("%q (%s, %s, %s, %s; %d notes)", s.Site.FullName(), s.Site.Addr(), s.Site.Encryption, s.Site.Logon, pw, len(s.Notes))
}

// GoString is String, so that printing with %#v does not show the
// password either.
func (s ImportedSite) GoString() string { return "sites.ImportedSite" + s.String() }

// ImportSkip is a site, or a part of the site manager, that was not
// imported, and why.
type ImportSkip struct {
	// Name is the name of the site (or folder) as the other client showed
	// it; it may be empty.
	Name string
	// Folder is the path of the folders it sat in, "" for the top level.
	Folder string
	// Reason says in plain words why it was not imported. It never holds
	// a password.
	Reason string
	// Err is the error behind Reason when the site store refused the site
	// (see ImportFile), nil when the file's reader left it out.
	Err error
}

// ImportResult is what was read from another client's site manager.
type ImportResult struct {
	// Sites are the sites to add, in the order of the file.
	Sites []ImportedSite
	// Skipped are the sites and folders that were left out, in the order
	// of the file.
	Skipped []ImportSkip
}

// Summary describes the import in one sentence for the user, for example
// `Imported 7 sites (2 will ask for the password); skipped 2: "Backup"
// (SFTP is a different protocol (SSH); Ferry speaks FTPS), "Clients/Old"
// (the host is empty).` It lists at most 20 skipped entries and never
// includes a password.
func (r ImportResult) Summary() string {
	var b strings.Builder
	switch n := len(r.Sites); n {
	case 0:
		b.WriteString("Imported no sites")
	case 1:
		b.WriteString("Imported 1 site")
	default:
		fmt.Fprintf(&b, "Imported %d sites", n)
	}
	ask := 0
	for _, s := range r.Sites {
		if s.Site.Logon == LogonAsk {
			ask++
		}
	}
	if ask > 0 {
		fmt.Fprintf(&b, " (%d will ask for the password)", ask)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&b, "; skipped %d: ", len(r.Skipped))
		for i, s := range r.Skipped {
			if i == maxListed {
				fmt.Fprintf(&b, ", and %d more", len(r.Skipped)-i)
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			switch {
			case s.Name != "" && s.Folder != "":
				fmt.Fprintf(&b, "%q", s.Folder+"/"+s.Name)
			case s.Name != "":
				fmt.Fprintf(&b, "%q", s.Name)
			case s.Folder != "":
				fmt.Fprintf(&b, "an unnamed entry in %q", s.Folder)
			default:
				b.WriteString("an unnamed entry")
			}
			fmt.Fprintf(&b, " (%s)", s.Reason)
		}
	}
	b.WriteByte('.')
	return b.String()
}

// Limits on what ImportFileZilla reads.
const (
	fzMaxFileSize    = 16 << 20 // a site manager of tens of thousands of sites is still far smaller
	fzMaxFolderDepth = 64
	fzMaxQuote       = 40 // bytes of a field quoted in a reason or note
)

// FileZilla's protocol numbers (ServerProtocol in its server.h) that are
// not FTP.
var fzProtocolNames = map[int]string{
	1:  "SFTP",
	2:  "HTTP",
	5:  "HTTPS",
	7:  "S3",
	8:  "Storj",
	9:  "WebDAV",
	10: "Azure Files",
	11: "Azure Blob Storage",
	12: "OpenStack Swift",
	13: "Google Cloud Storage",
	14: "Google Drive",
	15: "Dropbox",
	16: "OneDrive",
	17: "Backblaze B2",
	18: "Box",
	19: "WebDAV without TLS",
	20: "Rackspace Cloud Files",
	21: "Storj (access grant)",
	22: "S3 (single sign-on)",
	23: "Google Cloud Storage (service account)",
	24: "Cloudflare R2",
}

// FileZilla's server types (ServerType in its server.h), as they prefix a
// path in its "safe path" form.
var fzServerTypeNames = []string{"default", "Unix", "VMS", "DOS", "MVS", "VxWorks", "z/VM", "HP NonStop", "DOS-like", "Cygwin", "DOS (forward slashes)"}

// ImportFileZilla reads the site manager of FileZilla 3 (its
// sitemanager.xml, or a file exported from its site manager) and returns
// its FTP, FTPS and plain FTP sites as Ferry sites, with their folders,
// saved passwords and notes on what changed. Sites of other protocols
// (SFTP, S3, WebDAV, ...) and broken entries are skipped with a reason.
//
// Every imported site passes [Site.Validate]. A site whose password
// cannot be read (it was protected with FileZilla's master password, or
// is damaged) is imported with the logon type LogonAsk. Sites with the
// same name in the same folder are renamed "Name (2)", "Name (3)", ...;
// a "/" in a site's name becomes "-", and a "/" in a folder's name makes
// sub-folders, as Ferry separates folders with "/".
//
// It returns an error only when the input is not a FileZilla site
// manager at all: not XML, no <FileZilla3> root element with <Servers>
// in it, or more than 16 MiB. No error, reason or note holds a password.
func ImportFileZilla(r io.Reader) (ImportResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, fzMaxFileSize+1))
	if err != nil {
		return ImportResult{}, fmt.Errorf("reading the FileZilla site manager: %w", err)
	}
	if len(data) > fzMaxFileSize {
		return ImportResult{}, errors.New("the file is larger than 16 MiB, far too large for a FileZilla site manager (sitemanager.xml)")
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a byte order mark, as some editors write
	if len(bytes.TrimSpace(data)) == 0 {
		return ImportResult{}, errors.New("the file is empty; FileZilla keeps its sites in sitemanager.xml")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("the file is in the %s character set, but FileZilla writes UTF-8", fzQuote(label))
	}
	im := &fzImporter{d: d}
	if err := im.read(); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			// The syntax error's own message may quote the text at fault,
			// which could be a password: give only the line.
			return ImportResult{}, fmt.Errorf("the file is not a FileZilla site manager: it is not valid XML (error on line %d)", se.Line)
		}
		return ImportResult{}, err
	}
	return im.result(), nil
}

// fzFolder is a <Folder> element. Its name is its character data, which
// may come before, between or after its children, so folder paths are
// worked out once the whole file is read.
type fzFolder struct {
	parent *fzFolder
	depth  int
	text   strings.Builder

	resolved bool
	path     string
	notes    []string // about this folder and its parents
}

// fzServer is a <Server> element: the text of each child element (the
// first of each name), the attributes of <Pass>, and its own character
// data (the name, in old files).
type fzServer struct {
	fields    map[string]string
	hasPass   bool
	passCodec string // the encoding attribute of <Pass>
	text      strings.Builder
	bookmarks int
	commands  int // post-login commands
}

// fzEntry is one imported or skipped site, before its folder is known.
type fzEntry struct {
	folder *fzFolder
	site   ImportedSite
	skip   bool
	reason string
}

type fzImporter struct {
	d        *xml.Decoder
	platform string
	entries  []fzEntry
}

// read reads the document: the <FileZilla3> root and its first <Servers>.
func (im *fzImporter) read() error {
	var root xml.StartElement
	for {
		tok, err := im.d.Token()
		if err == io.EOF {
			return errors.New("the file is not a FileZilla site manager: it holds no XML element")
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	switch root.Name.Local {
	case "FileZilla3":
	case "FileZilla":
		return errors.New("this is a FileZilla 2 file; Ferry reads the site manager of FileZilla 3 (sitemanager.xml)")
	default:
		return fmt.Errorf("the file is not a FileZilla site manager: its root element is <%s>, not <FileZilla3>", fzQuoteRaw(root.Name.Local))
	}
	for _, a := range root.Attr {
		if a.Name.Local == "platform" {
			im.platform = a.Value
		}
	}
	found, recent := false, false
	return im.each(func(tok xml.Token) (bool, error) {
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "Servers" && !found {
				found = true
				return false, im.readServers()
			}
			if t.Name.Local == "RecentServers" {
				recent = true
			}
			return false, im.d.Skip()
		case xml.EndElement:
			switch {
			case found:
				return true, nil
			case recent:
				return true, errors.New("this is FileZilla's list of recent servers (recentservers.xml), not its site manager: choose sitemanager.xml, in the same folder")
			default:
				return true, errors.New("the file is not a FileZilla site manager: it has no <Servers> in its <FileZilla3> element")
			}
		}
		return false, nil
	})
}

// next reads the next token inside an element: the file ending there is
// io.ErrUnexpectedEOF.
func (im *fzImporter) next() (xml.Token, error) {
	tok, err := im.d.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return tok, err
}

// each hands the tokens inside the current element to fn, one by one,
// until fn is done (at the element's end, usually) or fails, or the file
// is.
func (im *fzImporter) each(fn func(xml.Token) (done bool, err error)) error {
	for {
		tok, err := im.next()
		if err != nil {
			return err
		}
		if done, err := fn(tok); done || err != nil {
			return err
		}
	}
}

// readServers reads the inside of <Servers>, without recursion: folders
// are a chain of parents.
func (im *fzImporter) readServers() error {
	var cur *fzFolder // nil: the top level
	return im.each(func(tok xml.Token) (bool, error) {
		var err error
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "Server":
				err = im.addServer(cur)
			case "Folder":
				cur, err = im.openFolder(cur)
			default:
				err = im.d.Skip()
			}
		case xml.CharData:
			if cur != nil {
				cur.text.Write(t)
			}
		case xml.EndElement:
			if cur == nil {
				return true, nil // </Servers>
			}
			cur = cur.parent
		}
		return false, err
	})
}

// addServer reads a <Server> in folder and maps it onto a site.
func (im *fzImporter) addServer(folder *fzFolder) error {
	s, err := im.readServer()
	if err != nil {
		return err
	}
	site, reason := im.mapServer(s)
	im.entries = append(im.entries, fzEntry{folder: folder, site: site, skip: reason != "", reason: reason})
	return nil
}

// openFolder enters a <Folder> inside parent and returns it; one nested
// too deep is skipped, and parent returned.
func (im *fzImporter) openFolder(parent *fzFolder) (*fzFolder, error) {
	depth := 1
	if parent != nil {
		depth = parent.depth + 1
	}
	if depth > fzMaxFolderDepth {
		return parent, im.skipDeepFolder(parent)
	}
	return &fzFolder{parent: parent, depth: depth}, nil
}

// skipDeepFolder skips a folder nested too deep, with everything in it,
// and records it as skipped under parent.
func (im *fzImporter) skipDeepFolder(parent *fzFolder) error {
	var name strings.Builder
	depth, sites := 0, 0
	return im.each(func(tok xml.Token) (bool, error) {
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "Server" {
				sites++
			}
		case xml.EndElement:
			if depth == 0 {
				im.entries = append(im.entries, fzEntry{
					folder: parent,
					site:   ImportedSite{Site: Site{Name: fzCleanText(name.String())}},
					skip:   true,
					reason: deepFolderReason(sites),
				})
				return true, nil
			}
			depth--
		case xml.CharData:
			if depth == 0 && name.Len() < 4096 {
				name.Write(t)
			}
		}
		return false, nil
	})
}

// deepFolderReason says why a folder nested too deep, holding sites
// sites, was skipped.
func deepFolderReason(sites int) string {
	reason := fmt.Sprintf("folders nested more than %d levels deep are not imported", fzMaxFolderDepth)
	switch {
	case sites == 1:
		reason += "; the 1 site in it was skipped"
	case sites > 1:
		reason += fmt.Sprintf("; the %d sites in it were skipped", sites)
	}
	return reason
}

// readServer reads the inside of a <Server>.
func (im *fzImporter) readServer() (*fzServer, error) {
	s := &fzServer{fields: map[string]string{}}
	err := im.each(func(tok xml.Token) (bool, error) {
		switch t := tok.(type) {
		case xml.StartElement:
			return false, im.readField(s, t)
		case xml.CharData:
			s.text.Write(t)
		case xml.EndElement:
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// readField reads the element t of a <Server> into s: its text (the first
// of each name, as FileZilla reads it), or the count of its bookmarks and
// post-login commands.
func (im *fzImporter) readField(s *fzServer, t xml.StartElement) error {
	name := t.Name.Local
	switch name {
	case "Bookmark":
		s.bookmarks++
		return im.d.Skip()
	case "PostLoginCommands":
		n, err := im.countCommands()
		s.commands += n
		return err
	}
	text, err := im.readText()
	if err != nil {
		return err
	}
	if _, dup := s.fields[name]; dup {
		return nil // FileZilla reads the first of each
	}
	s.fields[name] = text
	if name == "Pass" {
		s.hasPass = true
		for _, a := range t.Attr {
			if a.Name.Local == "encoding" {
				s.passCodec = a.Value
			}
		}
	}
	return nil
}

// readText returns the character data directly inside the current
// element, up to its end. Text that is only white space counts as none,
// as in FileZilla.
func (im *fzImporter) readText() (string, error) {
	var b strings.Builder
	err := im.each(func(tok xml.Token) (bool, error) {
		switch t := tok.(type) {
		case xml.StartElement:
			return false, im.d.Skip()
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return true, nil
		}
		return false, nil
	})
	if err != nil || strings.TrimSpace(b.String()) == "" {
		return "", err
	}
	return b.String(), nil
}

// countCommands reads <PostLoginCommands> and counts its non-empty
// <Command>s.
func (im *fzImporter) countCommands() (int, error) {
	n := 0
	err := im.each(func(tok xml.Token) (bool, error) {
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "Command" {
				return false, im.d.Skip()
			}
			text, err := im.readText()
			if text != "" {
				n++
			}
			return false, err
		case xml.EndElement:
			return true, nil
		}
		return false, nil
	})
	return n, err
}

// mapServer turns a <Server> into a Ferry site. A non-empty reason means
// the site is skipped; the site then carries the name to report.
func (im *fzImporter) mapServer(s *fzServer) (ImportedSite, string) {
	m := &fzMapping{im: im, s: s, f: s.fields}
	m.names()
	for _, step := range []func() string{m.protocol, m.address, m.logon} {
		if reason := step(); reason != "" {
			return m.out, reason
		}
	}
	m.folders()
	m.unsupported()
	if err := m.out.Site.Validate(); err != nil {
		return m.out, err.Error()
	}
	m.fixName()
	return m.out, ""
}

// fzMapping is one <Server> being mapped onto a site, step by step; each
// step's notes are added in the order of the steps.
type fzMapping struct {
	im   *fzImporter
	s    *fzServer
	f    map[string]string // s.fields
	name string            // the name in FileZilla, "" for none
	host string
	out  ImportedSite
}

func (m *fzMapping) note(format string, args ...any) {
	m.out.Notes = append(m.out.Notes, fmt.Sprintf(format, args...))
}

// names reads the site's name and host; a site without a name is named
// after its host (a skipped one too, to report it).
func (m *fzMapping) names() {
	m.name = fzCleanText(m.f["Name"])
	if m.name == "" {
		m.name = fzCleanText(m.s.text.String()) // old files: the name is the server's text
	}
	m.host = strings.TrimSpace(m.f["Host"])
	if strings.HasPrefix(m.host, "[") && strings.HasSuffix(m.host, "]") {
		if a, err := netip.ParseAddr(m.host[1 : len(m.host)-1]); err == nil && a.Is6() {
			m.host = m.host[1 : len(m.host)-1]
		}
	}
	m.out.Site.Name = m.name
	if m.name == "" {
		m.out.Site.Name = fzCleanText(m.host)
	}
}

// protocol maps FileZilla's protocol onto an encryption, or says why the
// site is not FTP.
func (m *fzMapping) protocol() string {
	proto := strings.TrimSpace(m.f["Protocol"])
	if proto == "" {
		proto = "0"
	}
	pn, err := strconv.Atoi(proto)
	if err != nil || !fzDigits(proto) {
		return fmt.Sprintf("unknown FileZilla protocol %s; Ferry speaks FTPS", fzQuote(proto))
	}
	switch pn {
	case 0:
		m.out.Site.Encryption = session.Explicit
		m.note("FileZilla used TLS only when the server offered it; Ferry always requires it")
	case 3:
		m.out.Site.Encryption = session.Implicit
	case 4:
		m.out.Site.Encryption = session.Explicit
	case 6:
		m.out.Site.Encryption = session.Plain
		m.out.Site.AllowPlain = true
		m.note("plain FTP: password and files travel unencrypted")
	case 1:
		return "SFTP is a different protocol (SSH); Ferry speaks FTPS"
	default:
		if n, ok := fzProtocolNames[pn]; ok {
			return fmt.Sprintf("%s (FileZilla protocol %d) is not FTP; Ferry speaks FTPS", n, pn)
		}
		return fmt.Sprintf("FileZilla protocol %d is unknown to Ferry, which speaks FTPS", pn)
	}
	return ""
}

// address reads the host and port.
func (m *fzMapping) address() string {
	if m.host == "" {
		return "the host is empty"
	}
	m.out.Site.Host = m.host
	if port := strings.TrimSpace(m.f["Port"]); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || !fzDigits(port) || n > 65535 {
			return fmt.Sprintf("port %s is not a valid port (1–65535)", fzQuote(port))
		}
		m.out.Site.Port = n
	}
	return ""
}

// logon maps the logon type, the user and the password. FileZilla reads
// the user and password only for the logon types that use them.
func (m *fzMapping) logon() string {
	logon := strings.TrimSpace(m.f["Logontype"])
	if logon == "" {
		logon = "0" // FileZilla's default: anonymous
	}
	ln := -1
	if fzDigits(logon) {
		if n, err := strconv.Atoi(logon); err == nil {
			ln = n
		}
	}
	if ln == 0 {
		m.out.Site.Logon = LogonAnonymous // FileZilla ignores a saved user name then
		return ""
	}
	if ln == 5 {
		return "it logs in with a key file, which is SSH (SFTP); Ferry speaks FTPS"
	}
	m.out.Site.User = m.f["User"]
	m.out.Site.Logon = LogonAsk
	switch ln {
	case 1:
		m.out.Password, m.out.Site.Logon = m.im.password(m.s, m.note)
	case 2, 3: // ask, interactive: both ask on connect
	case 4:
		m.note("FileZilla's account (ACCT) logon is not supported; Ferry asks for the password")
	case 6:
		m.note("FileZilla's profile logon is not supported; Ferry asks for the password")
	default:
		m.note("FileZilla's logon type %s is unknown to Ferry; Ferry asks for the password", fzQuote(logon))
	}
	return ""
}

// folders maps the local and remote folders, the comments and the most
// connections.
func (m *fzMapping) folders() {
	m.out.Site.LocalDir = m.f["LocalDir"]
	if raw := m.f["RemoteDir"]; raw != "" {
		p, err := fzDecodeServerPath(raw, m.im.platform)
		if err != nil {
			m.note("the remote folder %v, so Ferry opens the server's initial folder", err)
		} else {
			m.out.Site.RemoteDir = p
		}
	}
	m.out.Site.Notes = m.f["Comments"]
	if mc := strings.TrimSpace(m.f["MaximumMultipleConnections"]); fzDigits(mc) {
		if n, err := strconv.Atoi(mc); err == nil && n > 0 {
			m.out.Site.MaxConns = n
		}
	}
}

// unsupported notes the settings Ferry has no use for.
func (m *fzMapping) unsupported() {
	if strings.TrimSpace(m.f["PasvMode"]) == "MODE_ACTIVE" {
		m.note("FileZilla used active mode; Ferry always uses passive mode")
	}
	if strings.TrimSpace(m.f["EncodingType"]) == "Custom" {
		if cs := strings.TrimSpace(m.f["CustomEncoding"]); cs != "" {
			m.note("FileZilla used the %s character set for file names; Ferry uses UTF-8", fzQuote(cs))
		} else {
			m.note("FileZilla used another character set for file names; Ferry uses UTF-8")
		}
	}
	if tz := strings.TrimSpace(m.f["TimezoneOffset"]); tz != "" && tz != "0" {
		m.note("FileZilla shifted the server's file times (time zone offset %s minutes); Ferry shows them as the server sends them", fzQuote(tz))
	}
	switch {
	case m.s.commands == 1:
		m.note("FileZilla sent 1 command after logging in; Ferry does not, so it was left out")
	case m.s.commands > 1:
		m.note("FileZilla sent %d commands after logging in; Ferry does not, so they were left out", m.s.commands)
	}
	switch {
	case m.s.bookmarks == 1:
		m.note("the site's bookmark was not imported")
	case m.s.bookmarks > 1:
		m.note("the site's %d bookmarks were not imported", m.s.bookmarks)
	}
}

// fixName says when the site was named after its host, and replaces a "/"
// in its name, which Ferry puts between folders.
func (m *fzMapping) fixName() {
	if m.name == "" {
		m.note("the site had no name in FileZilla; it is named after its host")
	}
	if strings.Contains(m.out.Site.Name, "/") {
		renamed := strings.ReplaceAll(m.out.Site.Name, "/", "-")
		m.note(`the name %q holds "/", which Ferry puts between folders; it is now %q`, m.out.Site.Name, renamed)
		m.out.Site.Name = renamed
	}
}

// password reads the <Pass> of a site with a normal logon, and returns
// the password and the logon type to use: LogonAsk when none can be
// read. The notes it adds never hold the password.
func (im *fzImporter) password(s *fzServer, note func(string, ...any)) (string, LogonType) {
	raw := s.fields["Pass"]
	if !s.hasPass || raw == "" {
		note("no password was saved in FileZilla, so Ferry asks for it on connect")
		return "", LogonAsk
	}
	var pw string
	switch s.passCodec {
	case "base64":
		b, ok := fzBase64(raw)
		if !ok {
			note("the saved password could not be decoded, so Ferry asks for it on connect")
			return "", LogonAsk
		}
		pw = string(b)
	case "crypt":
		note("the password was protected by FileZilla's master password, so Ferry asks for it on connect")
		return "", LogonAsk
	case "":
		pw = raw // very old files: plain text
	default:
		note("the password was saved in a form Ferry cannot read (%s), so Ferry asks for it on connect", fzQuote(s.passCodec))
		return "", LogonAsk
	}
	switch {
	case pw == "":
		note("no password was saved in FileZilla, so Ferry asks for it on connect")
		return "", LogonAsk
	case !utf8.ValidString(pw) || strings.ContainsAny(pw, "\x00\r\n"):
		note("the saved password is not valid text (or holds a line break), so Ferry asks for it on connect")
		return "", LogonAsk
	}
	return pw, LogonNormal
}

// fzBase64 decodes FileZilla's base64, ignoring white space and missing
// padding.
func fzBase64(s string) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err == nil {
		return b, true
	}
	return nil, false
}

// fzDecodeServerPath decodes a path in FileZilla's "safe path" form: the
// server type, the length of a prefix and the prefix, then each segment
// as its length and itself, separated by spaces: "1 0 4 home 3 bob" is
// /home/bob on a Unix server. Paths of the Unix-like types (default,
// Unix, Cygwin) are decoded; others are refused. The lengths count
// FileZilla's wide characters: UTF-16 units on Windows, characters
// elsewhere; UTF-8 bytes are accepted too. The error completes the
// sentence "the remote folder ...".
func fzDecodeServerPath(raw, platform string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	sp := strings.IndexByte(raw, ' ')
	if sp <= 0 || !fzDigits(raw[:sp]) || sp > 3 {
		return "", errors.New("could not be read")
	}
	typ, _ := strconv.Atoi(raw[:sp])
	switch {
	case typ >= len(fzServerTypeNames):
		return "", errors.New("could not be read")
	case typ != 0 && typ != 1 && typ != 9:
		return "", fmt.Errorf("is a %s path, which Ferry does not convert", fzServerTypeNames[typ])
	}
	units := []fzUnit{fzRunes, fzUTF16, fzBytes}
	if platform == "windows" {
		units = []fzUnit{fzUTF16, fzRunes, fzBytes}
	}
	for _, u := range units {
		if p, ok := fzSegments(raw[sp+1:], u); ok {
			return p, nil
		}
	}
	return "", errors.New("could not be read")
}

// fzUnit is what the lengths in a safe path count.
type fzUnit int

const (
	fzRunes fzUnit = iota // UTF-32 wchar_t (Linux, macOS)
	fzUTF16               // UTF-16 wchar_t (Windows)
	fzBytes               // UTF-8 bytes
)

// fzTake returns the byte length of the first n units of s, or false when s
// is shorter or n ends inside a character.
func fzTake(s string, n int, u fzUnit) (int, bool) {
	if u == fzBytes {
		return n, n <= len(s) && utf8.ValidString(s[:n])
	}
	i := 0
	for n > 0 {
		if i >= len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		w := 1
		if u == fzUTF16 && r >= 0x10000 {
			w = 2
		}
		if w > n {
			return 0, false
		}
		n -= w
		i += size
	}
	return i, true
}

// fzSegments decodes what follows the type of a safe path: "0" (the root)
// or "0 4 home 3 bob", with lengths counted in u.
func fzSegments(s string, u fzUnit) (string, bool) {
	num := func() (int, bool) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 5 {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:i])
		s = s[i:]
		return n, n <= 32767
	}
	prefix, ok := num()
	if !ok || prefix != 0 {
		return "", false // Unix paths have no prefix
	}
	var b strings.Builder
	for {
		if s == "" || s == " " {
			break
		}
		if s[0] != ' ' {
			return "", false
		}
		s = s[1:]
		n, ok := num()
		if !ok || n == 0 || s == "" || s[0] != ' ' {
			return "", false
		}
		s = s[1:]
		size, ok := fzTake(s, n, u)
		if !ok {
			return "", false
		}
		seg := s[:size]
		s = s[size:]
		if seg == "." || seg == ".." || strings.ContainsAny(seg, "/\x00\r\n") {
			return "", false
		}
		b.WriteByte('/')
		b.WriteString(seg)
	}
	if b.Len() == 0 {
		return "/", true
	}
	return b.String(), true
}

// result works out folder paths, renames duplicates and returns the
// result.
func (im *fzImporter) result() ImportResult {
	var res ImportResult
	taken := map[string]bool{} // folder + "/" + folded name
	for _, e := range im.entries {
		path, folderNotes := e.folder.resolve()
		if e.skip {
			res.Skipped = append(res.Skipped, ImportSkip{Name: e.site.Site.Name, Folder: path, Reason: e.reason})
			continue
		}
		site := e.site
		site.Site.Folder = path
		if len(folderNotes) > 0 {
			site.Notes = append(append([]string(nil), folderNotes...), site.Notes...)
		}
		key := func(name string) string { return path + "/" + fzFold(name) }
		if taken[key(site.Site.Name)] {
			base := site.Site.Name
			for i := 2; ; i++ {
				name := fmt.Sprintf("%s (%d)", base, i)
				if !taken[key(name)] {
					site.Site.Name = name
					break
				}
			}
			site.Notes = append(site.Notes, fmt.Sprintf("FileZilla had another site named %q in this folder; this one is now %q", base, site.Site.Name))
		}
		taken[key(site.Site.Name)] = true
		res.Sites = append(res.Sites, site)
	}
	return res
}

// resolve returns the folder's path and the notes about the names on it,
// working out the chain of parents once.
func (f *fzFolder) resolve() (string, []string) {
	if f == nil {
		return "", nil
	}
	var chain []*fzFolder
	for g := f; g != nil && !g.resolved; g = g.parent {
		chain = append(chain, g)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		g := chain[i]
		var path string
		var notes []string
		if g.parent != nil {
			path, notes = g.parent.path, g.parent.notes
		}
		parts, note := fzFolderParts(g.text.String())
		if path != "" {
			path += "/"
		}
		g.path = path + strings.Join(parts, "/")
		g.notes = notes
		if note != "" {
			g.notes = append(append([]string(nil), notes...), note)
		}
		g.resolved = true
	}
	return f.path, f.notes
}

// fzFolderParts turns a FileZilla folder name into Ferry folder names:
// "/" separates folders in Ferry, and empty names, "." and ".." are
// not allowed.
func fzFolderParts(raw string) ([]string, string) {
	name := fzCleanText(raw)
	var parts []string
	for _, p := range strings.Split(name, "/") {
		if p = strings.TrimSpace(p); p != "" && p != "." && p != ".." {
			parts = append(parts, p)
		}
	}
	switch {
	case len(parts) == 0 && name == "":
		return []string{"Unnamed folder"}, `a FileZilla folder had no name; it is now "Unnamed folder"`
	case len(parts) == 0:
		return []string{"Unnamed folder"}, fmt.Sprintf(`the FileZilla folder %q is now "Unnamed folder"`, name)
	case len(parts) > 1 || parts[0] != name:
		return parts, fmt.Sprintf(`the FileZilla folder %q has "/" in its name, which Ferry reads as folders in folders: %q`, name, strings.Join(parts, "/"))
	}
	return parts, ""
}

// fzCleanText makes a name one line: control characters (line breaks,
// tabs) become spaces, and spaces around it go.
func fzCleanText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// fzFold returns a key equal for names that strings.EqualFold finds equal.
func fzFold(s string) string {
	return strings.Map(func(r rune) rune {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < m {
				m = f
			}
		}
		return m
	}, s)
}

func fzDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// fzQuote quotes a field of the file for a reason or note, shortened.
func fzQuote(s string) string { return strconv.Quote(fzQuoteRaw(s)) }

func fzQuoteRaw(s string) string {
	if len(s) <= fzMaxQuote {
		return s
	}
	i := fzMaxQuote
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
