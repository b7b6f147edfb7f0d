package sites

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ferryftps/ferry/session"
)

// DefaultMaxConns is the number of connections a site uses when its
// MaxConns is zero.
const DefaultMaxConns = 8

// maxHostLen bounds a host name: DNS names are at most 253 bytes.
const maxHostLen = 253

// LogonType says where the password of a site comes from.
type LogonType int

// The logon types.
const (
	// LogonNormal: the password is kept in the system keyring.
	LogonNormal LogonType = iota
	// LogonAsk: the password is asked for on each connect and never stored.
	LogonAsk
	// LogonAnonymous: anonymous login, no password of the user's.
	LogonAnonymous
)

// String returns the logon type as shown to the user: "normal",
// "ask for password" or "anonymous".
func (l LogonType) String() string {
	switch l {
	case LogonNormal:
		return "normal"
	case LogonAsk:
		return "ask for password"
	case LogonAnonymous:
		return "anonymous"
	default:
		return "LogonType(" + strconv.Itoa(int(l)) + ")"
	}
}

// ParseLogonType is the inverse of [LogonType.String]. It ignores case and
// surrounding spaces, and also accepts "ask" for [LogonAsk].
func ParseLogonType(s string) (LogonType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "normal":
		return LogonNormal, nil
	case "ask", "ask for password":
		return LogonAsk, nil
	case "anonymous":
		return LogonAnonymous, nil
	}
	return 0, fmt.Errorf("unknown logon type %q: use normal, ask (for password) or anonymous", s)
}

// ErrPlainRefused is returned (wrapped) for plain, unencrypted FTP when the
// user did not explicitly ask for it.
var ErrPlainRefused = errors.New("plain FTP (ftp://) sends the password and all files unencrypted, so it is used only when explicitly allowed; use ftpes:// (explicit FTPS) or ftps:// (implicit FTPS)")

// DefaultPort returns the port a server listens on by default for the given
// encryption: 990 for implicit FTPS, 21 otherwise.
func DefaultPort(e session.Encryption) int {
	if e == session.Implicit {
		return 990
	}
	return 21
}

// A Site is everything needed to connect to one server, except the
// password, which lives in the keyring. A Site is a plain value, safe to
// copy.
type Site struct {
	// ID is a stable identifier, the key of the site's secrets in the
	// keyring. It may be empty for an ad-hoc site (a quick connect).
	ID string
	// Name is what the user calls the site.
	Name string
	// Folder is where the site sits in the site manager's tree: folder
	// names joined with "/", "" for the top level.
	Folder string
	// Host is the server as typed: a DNS name, an IPv4 address, or an IPv6
	// address without brackets (optionally with a zone, "fe80::1%eth0").
	Host string
	// Port is the server's port; 0 means the default of the encryption
	// (see [DefaultPort]).
	Port int
	// Encryption is how the connection is secured.
	Encryption session.Encryption
	// User is the login name. It may be empty.
	User string
	// Logon says where the password comes from.
	Logon LogonType
	// TLS12Max caps TLS at version 1.2, for servers whose TLS 1.3 is broken.
	TLS12Max bool
	// LocalDir is the local folder opened on connect; empty means the
	// default.
	LocalDir string
	// RemoteDir is the remote folder opened on connect; empty means the
	// server's initial folder.
	RemoteDir string
	// MaxConns is the most connections opened to the server at once; 0 means
	// [DefaultMaxConns].
	MaxConns int
	// Notes is free text for the user.
	Notes string
	// ClientCert is the path of a client certificate (PEM or PKCS#12) to
	// present to the server. Empty means none.
	ClientCert string
	// ClientKey is the path of the PEM private key of ClientCert, when the
	// key is not in the same file. Empty means none or the same file.
	ClientKey string
	// AllowPlain is true only when the user explicitly asked for plain,
	// unencrypted FTP (ftp://). A site with Encryption Plain is refused
	// without it.
	AllowPlain bool
}

// EffectivePort returns Port, or the default port of the encryption when
// Port is 0.
func (s Site) EffectivePort() int {
	if s.Port == 0 {
		return DefaultPort(s.Encryption)
	}
	return s.Port
}

// Addr returns "host:port" for dialing, with the effective port and IPv6
// addresses in brackets.
func (s Site) Addr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.EffectivePort()))
}

// Connections returns MaxConns, or [DefaultMaxConns] when it is not set.
func (s Site) Connections() int {
	if s.MaxConns <= 0 {
		return DefaultMaxConns
	}
	return s.MaxConns
}

// keyPrefix starts the Key of a saved site.
const keyPrefix = "site:"

// Key is how a front end names the server of a site to its pools and
// queued jobs (transfers.Spec.Site): a saved site by its ID ("site:ID"), so
// that renaming it keeps its jobs, any other by its URL, which never holds
// a password. Keys are kept in the queue file across runs: their form must
// not change. [KeyID] reads one back.
func (s Site) Key() string {
	if s.ID != "" {
		return keyPrefix + s.ID
	}
	return s.URL("")
}

// KeyID returns the ID of the saved site that key (a [Site.Key]) names, and
// false when key names a site by its URL.
func KeyID(key string) (id string, ok bool) {
	id, ok = strings.CutPrefix(key, keyPrefix)
	if !ok || id == "" {
		return "", false
	}
	return id, true
}

// FullName is the site's name with its folder, "Folder/Sub/Name", as
// [Store.Find] takes it.
func (s Site) FullName() string { return fullName(s.Folder, s.Name) }

// DisplayName is how a person knows the site: its name, else its URL.
func (s Site) DisplayName() string {
	if s.Name != "" {
		return s.Name
	}
	return s.URL("")
}

// Insecure reports whether the site uses plain, unencrypted FTP.
func (s Site) Insecure() bool { return s.Encryption == session.Plain }

// DialConfig returns the configuration to dial the site: host, effective
// port, encryption and TLS cap. VerifyServer and Log are left nil for the
// caller to fill in.
func (s Site) DialConfig() session.DialConfig {
	return session.DialConfig{
		Host:       s.Host,
		Port:       s.EffectivePort(),
		Encryption: s.Encryption,
		TLS12Max:   s.TLS12Max,
	}
}

// Validate reports the first thing wrong with the site, in words meant for
// the user, or nil when the site can be connected to.
func (s Site) Validate() error {
	if err := checkSiteHost(s.Host); err != nil {
		return err
	}
	if s.Port < 0 || s.Port > 65535 {
		return fmt.Errorf("port %d is out of range (1–65535, or 0 for the default)", s.Port)
	}
	switch s.Encryption {
	case session.Explicit, session.Implicit:
	case session.Plain:
		if !s.AllowPlain {
			return ErrPlainRefused
		}
	default:
		return fmt.Errorf("unknown encryption mode %d: choose explicit FTPS, implicit FTPS or plain FTP", int(s.Encryption))
	}
	if err := checkSiteUser(s.User); err != nil {
		return err
	}
	switch s.Logon {
	case LogonNormal, LogonAsk, LogonAnonymous:
	default:
		return fmt.Errorf("unknown logon type %d: choose normal, ask for password or anonymous", int(s.Logon))
	}
	if s.MaxConns < 0 {
		return fmt.Errorf("the maximum number of connections is %d: it must be at least 1 (or 0 for the default of %d)", s.MaxConns, DefaultMaxConns)
	}
	if err := session.CheckPath(s.RemoteDir); err != nil {
		return fmt.Errorf("the remote folder: %w", err)
	}
	if strings.ContainsRune(s.LocalDir, 0) {
		return errors.New("the local folder contains a NUL character")
	}
	if strings.ContainsRune(s.ClientCert, 0) || strings.ContainsRune(s.ClientKey, 0) {
		return errors.New("the client certificate or key file name contains a NUL character")
	}
	if s.ClientKey != "" && s.ClientCert == "" {
		return errors.New("a client key file is set but no client certificate: choose the certificate too")
	}
	return nil
}

// checkSiteHost checks a host as stored in a Site: a DNS name, an IPv4
// address or an IPv6 address without brackets.
func checkSiteHost(h string) error {
	if h == "" {
		return errors.New("the host is empty: enter the server's name or address")
	}
	if strings.ContainsRune(h, ':') {
		if a, err := netip.ParseAddr(h); err == nil && a.Is6() {
			if z := a.Zone(); z != "" && !validZone(z) {
				return fmt.Errorf("host %q: the IPv6 zone %q may only hold letters, digits, '.', '-', '_' and '~'", h, z)
			}
			return nil
		}
	}
	if strings.Contains(h, "://") {
		return fmt.Errorf("host %q is a URL: enter only the server's name or address", h)
	}
	if len(h) > maxHostLen {
		return fmt.Errorf("the host name is too long (%d bytes; at most %d)", len(h), maxHostLen)
	}
	if !utf8.ValidString(h) {
		return fmt.Errorf("host %q is not valid UTF-8 text", h)
	}
	for _, r := range h {
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'):
			continue
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)):
			continue // an internationalized name
		case unicode.IsControl(r):
			return fmt.Errorf("host %q contains a control character", h)
		case unicode.IsSpace(r):
			return fmt.Errorf("host %q contains a space: enter only the server's name or address", h)
		case r == '/' || r == '\\':
			return fmt.Errorf("host %q contains a slash: enter only the server's name or address, and the folder as the remote folder", h)
		case r == '@':
			return fmt.Errorf("host %q contains '@': enter the user name in the user field, not in the host", h)
		case r == ':':
			return fmt.Errorf("host %q contains ':' but is not an IPv6 address: enter the port in the port field", h)
		case r == '[' || r == ']':
			return fmt.Errorf("host %q: write IPv6 addresses without brackets", h)
		default:
			return fmt.Errorf("host %q contains %q, which cannot appear in a server name", h, r)
		}
	}
	return nil
}

// validZone reports whether z is a plausible IPv6 zone (an interface name
// or number).
func validZone(z string) bool {
	if z == "" {
		return false
	}
	for _, r := range z {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '~') {
			return false
		}
	}
	return true
}

// checkSiteUser checks a login name: it goes verbatim into the USER command.
func checkSiteUser(u string) error {
	if session.CheckPath(u) != nil {
		return errors.New("the user name contains a line break or NUL character")
	}
	for _, r := range u {
		if unicode.IsControl(r) {
			return errors.New("the user name contains a control character")
		}
	}
	if !utf8.ValidString(u) {
		return errors.New("the user name is not valid UTF-8 text")
	}
	return nil
}

// URL returns the site and path as a URL, the inverse of [ParseURL]:
// ftpes:// for explicit FTPS, ftps:// for implicit FTPS, ftp:// for plain
// FTP. The port is left out when it is the scheme's default, IPv6
// addresses are bracketed, and the user and path are percent-escaped where
// needed. A relative path ("", "docs") is relative to the login folder, as
// in the URL ("ftpes://host/docs"); an absolute one is written with an
// escaped first slash, as RFC 1738 has it ("ftpes://host/%2Fsrv/docs").
// There is never a password in it.
func (s Site) URL(path string) string {
	var b strings.Builder
	b.WriteString(siteScheme(s.Encryption))
	b.WriteString("://")
	if s.User != "" {
		b.WriteString(url.User(s.User).String())
		b.WriteByte('@')
	}
	if strings.ContainsRune(s.Host, ':') { // IPv6, kept as typed
		addr, zone, hasZone := strings.Cut(s.Host, "%")
		b.WriteByte('[')
		b.WriteString(addr)
		if hasZone {
			b.WriteString("%25")
			b.WriteString(zone)
		}
		b.WriteByte(']')
	} else {
		b.WriteString(s.Host)
	}
	if p := s.EffectivePort(); p != DefaultPort(s.Encryption) {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p))
	}
	b.WriteByte('/')
	if rest, abs := strings.CutPrefix(path, "/"); abs {
		b.WriteString("%2F")
		path = rest
	}
	if path == "" {
		return b.String()
	}
	for i, seg := range strings.Split(path, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(seg))
	}
	return b.String()
}

func siteScheme(e session.Encryption) string {
	switch e {
	case session.Explicit:
		return "ftpes"
	case session.Implicit:
		return "ftps"
	default:
		return "ftp"
	}
}

// ParseURL reads a server address as typed in a quick-connect box or on a
// command line, and returns the site and the remote path.
//
// The path is read as RFC 1738 says, and as curl and lftp read it:
// relative to the folder the server puts the user in after login. So
// "ftpes://host" and "ftpes://host/" give "" (the login folder),
// "ftpes://host/up" gives "up" (the login folder's up/), and an absolute
// path is written with a second slash or an escaped one:
// "ftpes://host//srv/x" and "ftpes://host/%2Fsrv/x" both give "/srv/x".
// Make it absolute with [session.ResolvePath] once connected.
//
// The schemes are ftpes:// (explicit FTPS, port 21), ftps:// (implicit
// FTPS, port 990) and ftp:// (plain FTP, port 21). Plain FTP is refused
// with an error wrapping [ErrPlainRefused] unless allowPlain is set; the
// returned site then has AllowPlain set. An address without a scheme
// ("example.com", "user@example.com:2121/pub") is explicit FTPS, whatever
// the port. IPv6 addresses go in brackets ("ftpes://[2001:db8::1]:2121/").
// The user name and path are percent-decoded.
//
// A password in the URL ("user:secret@host") is refused: passwords belong
// in the keyring or on standard input. No error message ever repeats it.
// A user of "anonymous" or "ftp" makes the logon anonymous. The port is 0
// (the default) unless the URL names one.
func ParseURL(raw string, allowPlain bool) (site Site, path string, err error) {
	p := urlParser{raw: strings.TrimSpace(raw)}
	p.display, p.suspicious = redactURL(p.raw)
	site, path, err = p.parse(allowPlain)
	if err != nil {
		return Site{}, "", err
	}
	return site, path, nil
}

// urlParser holds one ParseURL call. Error messages quote display, the
// input with anything that might be a password masked; when the input
// might hold a password (suspicious), no part of it is quoted except
// through display.
type urlParser struct {
	raw        string
	display    string
	suspicious bool
}

func (p *urlParser) errorf(format string, args ...any) error {
	if p.suspicious {
		format += passwordHint
	}
	return fmt.Errorf("%q: "+format, append([]any{p.display}, args...)...)
}

const passwordMessage = "passwords never go in URLs, where they end up in shell history and logs; save the password with the site in the site manager, or pass it with --password-stdin"

// passwordHint ends an error about an input that may hold a password in
// a form the parser did not recognize (such as "user:pa/ss@host").
const passwordHint = " (and if the address holds a password: " + passwordMessage + ")"

// redactURL masks from the first ':' after the scheme to the last '@':
// the place of a password, even one holding '/', '?', '#' or '@'. It
// reports whether it masked anything.
func redactURL(raw string) (string, bool) {
	scheme, rest, _ := splitURLScheme(raw)
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return raw, false
	}
	c := strings.IndexByte(rest[:at], ':')
	if c < 0 {
		return raw, false
	}
	prefix := ""
	if scheme != "" {
		prefix = raw[:len(scheme)+len("://")]
	}
	return prefix + rest[:c+1] + "***" + rest[at:], true
}

// splitURLScheme splits "scheme://rest". Without a scheme (or when what
// precedes "://" cannot be a scheme), it returns the whole input as rest.
func splitURLScheme(raw string) (scheme, rest string, ok bool) {
	i := strings.Index(raw, "://")
	if i <= 0 {
		return "", raw, false
	}
	for j := 0; j < i; j++ {
		c := raw[j]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", raw, false
		}
	}
	return raw[:i], raw[i+3:], true
}

func (p *urlParser) parse(allowPlain bool) (Site, string, error) {
	if p.raw == "" {
		return Site{}, "", errors.New("the address is empty: enter a server, e.g. ftpes://ftp.example.com")
	}
	var site Site
	scheme, rest, hasScheme := splitURLScheme(p.raw)
	var err error
	if site.Encryption, err = p.scheme(scheme, hasScheme); err != nil {
		return Site{}, "", err
	}

	// The authority ends at the first '/', '?' or '#' (RFC 3986).
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, rawPath := rest[:end], rest[end:]
	if i := strings.IndexAny(rawPath, "?#"); i >= 0 {
		if rawPath[i] == '?' {
			return Site{}, "", p.errorf("query strings (\"?…\") are not supported; write a '?' in a file name as %%3F")
		}
		return Site{}, "", p.errorf("fragments (\"#…\") are not supported; write a '#' in a file name as %%23")
	}
	site.User, authority, err = p.user(authority)
	if err != nil {
		return Site{}, "", err
	}
	if site.Host, site.Port, err = p.splitHostPort(authority, hasScheme); err != nil {
		return Site{}, "", err
	}
	path, err := p.path(rawPath)
	if err != nil {
		return Site{}, "", err
	}

	if strings.EqualFold(site.User, "anonymous") || strings.EqualFold(site.User, "ftp") {
		site.Logon = LogonAnonymous
	}
	if site.Encryption == session.Plain {
		if !allowPlain {
			return Site{}, "", fmt.Errorf("%q: %w", p.display, ErrPlainRefused)
		}
		site.AllowPlain = true
	}
	return site, path, nil
}

// scheme returns the encryption a URL's scheme names: explicit FTPS
// without one.
func (p *urlParser) scheme(scheme string, hasScheme bool) (session.Encryption, error) {
	if !hasScheme {
		return session.Explicit, nil
	}
	switch strings.ToLower(scheme) {
	case "ftpes":
		return session.Explicit, nil
	case "ftps":
		return session.Implicit, nil
	case "ftp":
		return session.Plain, nil
	case "sftp", "ssh", "scp":
		return 0, p.errorf("%s:// is SSH file transfer, a different protocol; Ferry supports ftpes:// (explicit FTPS), ftps:// (implicit FTPS) and ftp:// (plain FTP)", scheme)
	}
	return 0, p.errorf("unknown scheme %q; Ferry supports ftpes:// (explicit FTPS), ftps:// (implicit FTPS) and ftp:// (plain FTP)", scheme)
}

// user splits the user name off the authority ("user@host:port"): the
// user, percent-decoded ("" for none), and the rest. A password there is
// refused.
func (p *urlParser) user(authority string) (user, hostport string, err error) {
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return "", authority, nil
	}
	userinfo := authority[:at]
	if strings.IndexByte(userinfo, ':') >= 0 {
		return "", "", fmt.Errorf("%q: %s", p.display, passwordMessage)
	}
	if userinfo == "" {
		return "", "", p.errorf("the user name before '@' is empty")
	}
	user, err = url.PathUnescape(userinfo)
	if err != nil {
		return "", "", p.errorf("the user name has a bad percent-escape (write a '%%' as %%25)")
	}
	if err := checkSiteUser(user); err != nil {
		return "", "", p.errorf("%v", err)
	}
	return user, authority[at+1:], nil
}

// path decodes the path after the authority ("/docs" is "docs").
func (p *urlParser) path(rawPath string) (string, error) {
	if rawPath == "" {
		return "", nil
	}
	// The first slash only separates the path from the host.
	path, err := url.PathUnescape(rawPath[1:])
	if err != nil {
		return "", p.errorf("the path has a bad percent-escape (write a '%%' as %%25)")
	}
	if session.CheckPath(path) != nil {
		return "", fmt.Errorf("%q: %w", p.display, session.ErrBadPath)
	}
	return path, nil
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port".
func (p *urlParser) splitHostPort(hostport string, hasScheme bool) (host string, port int, err error) {
	var portText string
	hasPort := false
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", 0, p.errorf("the '[' before an IPv6 address has no matching ']'")
		}
		inside, after := hostport[1:end], hostport[end+1:]
		switch {
		case after == "":
		case after[0] == ':':
			portText, hasPort = after[1:], true
		default:
			return "", 0, p.errorf("after the ']' of an IPv6 address only ':' and a port may follow")
		}
		host, err = p.bracketed(inside)
		if err != nil {
			return "", 0, err
		}
	} else {
		if strings.ContainsAny(hostport, "[]") {
			return "", 0, p.errorf("misplaced bracket: write IPv6 addresses as [2001:db8::1] or [2001:db8::1]:2121")
		}
		host = hostport
		if i := strings.IndexByte(hostport, ':'); i >= 0 {
			if strings.Count(hostport, ":") > 1 {
				if a, err := netip.ParseAddr(hostport); err == nil && a.Is6() && !p.suspicious {
					return "", 0, p.errorf("write the IPv6 address in brackets: [%s]", hostport)
				}
				return "", 0, p.errorf("the address has more than one ':'; write IPv6 addresses in brackets, e.g. ftpes://[2001:db8::1]:2121")
			}
			host, portText, hasPort = hostport[:i], hostport[i+1:], true
		}
		if !hasScheme && hasPort && !allDigits(portText) {
			switch strings.ToLower(host) {
			case "ftp", "ftps", "ftpes":
				return "", 0, p.errorf("write the address with \"://\", e.g. %s://ftp.example.com", strings.ToLower(host))
			}
		}
		if host == "" {
			return "", 0, p.errorf("the server name is missing")
		}
		if err := checkSiteHost(host); err != nil {
			return "", 0, p.errorf("%v", err)
		}
	}
	if hasPort {
		port, err = p.port(portText)
		if err != nil {
			return "", 0, err
		}
	}
	return host, port, nil
}

// bracketed checks the inside of "[...]": an IPv6 address, perhaps with a
// zone written as "%25zone".
func (p *urlParser) bracketed(inside string) (string, error) {
	if inside == "" {
		return "", p.errorf("the brackets hold no IPv6 address")
	}
	addr, zone, hasZone := strings.Cut(inside, "%25")
	if hasZone && !validZone(zone) {
		return "", p.errorf("the IPv6 zone after %%25 may only hold letters, digits, '.', '-', '_' and '~'")
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Zone() != "" {
		switch {
		case err == nil && a.Is4():
			return "", p.errorf("write IPv4 addresses without brackets")
		case err == nil && a.Zone() != "" && !p.suspicious:
			return "", p.errorf("write the IPv6 zone as %%25%s", a.Zone())
		}
		return "", p.errorf("the address in brackets is not a valid IPv6 address")
	}
	if hasZone {
		return addr + "%" + zone, nil
	}
	return addr, nil
}

func (p *urlParser) port(text string) (int, error) {
	if text == "" {
		return 0, p.errorf("the port after ':' is missing")
	}
	if !allDigits(text) {
		if p.suspicious {
			return 0, p.errorf("the port is not a number")
		}
		return 0, p.errorf("port %q is not a number", text)
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > 65535 {
		if p.suspicious {
			return 0, p.errorf("the port is out of range (1–65535)")
		}
		return 0, p.errorf("port %s is out of range (1–65535)", text)
	}
	return n, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
