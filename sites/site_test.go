package sites

import (
	"errors"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/session"
)

type urlCase struct {
	name       string
	raw        string
	allowPlain bool
	// For accepted input:
	host  string
	port  int
	enc   session.Encryption
	user  string
	logon LogonType
	path  string
	// For refused input: the error must contain every string of errHas
	// and none of errHasNot, and wrap errIs when it is set.
	errHas    []string
	errHasNot []string
	errIs     error
}

var urlCases = []urlCase{
	// Accepted: schemes and default ports.
	{name: "explicit", raw: "ftpes://ftp.example.com", host: "ftp.example.com", enc: session.Explicit, path: ""},
	{name: "implicit", raw: "ftps://ftp.example.com", host: "ftp.example.com", enc: session.Implicit, path: ""},
	{name: "plain allowed", raw: "ftp://ftp.example.com/pub", allowPlain: true, host: "ftp.example.com", enc: session.Plain, path: "pub"},
	{name: "scheme case", raw: "FTPES://Example.COM/Dir", host: "Example.COM", enc: session.Explicit, path: "Dir"},
	{name: "explicit port", raw: "ftpes://host:2121/dir", host: "host", port: 2121, enc: session.Explicit, path: "dir"},
	{name: "implicit port", raw: "ftps://host:2990", host: "host", port: 2990, enc: session.Implicit, path: ""},
	{name: "default port written", raw: "ftpes://host:21/", host: "host", port: 21, enc: session.Explicit, path: ""},
	{name: "port 65535", raw: "ftpes://host:65535", host: "host", port: 65535, enc: session.Explicit, path: ""},
	{name: "slash path", raw: "ftpes://host/", host: "host", enc: session.Explicit, path: ""},
	{name: "trailing slash kept", raw: "ftpes://host/a/b/", host: "host", enc: session.Explicit, path: "a/b/"},
	{name: "absolute, two slashes", raw: "ftpes://host//srv/x", host: "host", enc: session.Explicit, path: "/srv/x"},
	{name: "absolute, escaped slash", raw: "ftpes://host/%2Fsrv/x", host: "host", enc: session.Explicit, path: "/srv/x"},
	{name: "absolute, lower-case escape", raw: "ftpes://host/%2fetc", host: "host", enc: session.Explicit, path: "/etc"},
	{name: "root", raw: "ftpes://host//", host: "host", enc: session.Explicit, path: "/"},
	{name: "surrounding spaces", raw: "  ftpes://host/x \n", host: "host", enc: session.Explicit, path: "x"},
	{name: "ipv4", raw: "ftps://192.0.2.7:990/up", host: "192.0.2.7", port: 990, enc: session.Implicit, path: "up"},

	// Users.
	{name: "user", raw: "ftpes://alice@host/home", host: "host", enc: session.Explicit, user: "alice", path: "home"},
	{name: "email user", raw: "ftpes://alice@example.com@host", host: "host", enc: session.Explicit, user: "alice@example.com", path: ""},
	{name: "escaped email user", raw: "ftpes://alice%40example.com@host", host: "host", enc: session.Explicit, user: "alice@example.com", path: ""},
	{name: "escaped colon user", raw: "ftpes://a%3Ab@host", host: "host", enc: session.Explicit, user: "a:b", path: ""},
	{name: "unicode user", raw: "ftpes://jürgen@host", host: "host", enc: session.Explicit, user: "jürgen", path: ""},
	{name: "escaped unicode user", raw: "ftpes://j%C3%BCrgen@host", host: "host", enc: session.Explicit, user: "jürgen", path: ""},
	{name: "user with plus", raw: "ftpes://a+b@host", host: "host", enc: session.Explicit, user: "a+b", path: ""},
	{name: "anonymous", raw: "ftpes://anonymous@host", host: "host", enc: session.Explicit, user: "anonymous", logon: LogonAnonymous, path: ""},
	{name: "ftp user", raw: "ftps://FTP@host", host: "host", enc: session.Implicit, user: "FTP", logon: LogonAnonymous, path: ""},

	// Paths.
	{name: "escaped space", raw: "ftpes://host/my%20docs/a%20b.txt", host: "host", enc: session.Explicit, path: "my docs/a b.txt"},
	{name: "raw space", raw: "ftpes://host/my docs", host: "host", enc: session.Explicit, path: "my docs"},
	{name: "unicode path", raw: "ftpes://host/Bücher/日本語.txt", host: "host", enc: session.Explicit, path: "Bücher/日本語.txt"},
	{name: "escaped unicode path", raw: "ftpes://host/B%C3%BCcher", host: "host", enc: session.Explicit, path: "Bücher"},
	{name: "escaped specials", raw: "ftpes://host/a%3Fb%23c%25d", host: "host", enc: session.Explicit, path: "a?b#c%d"},
	{name: "at in path", raw: "ftpes://host/mail@x", host: "host", enc: session.Explicit, path: "mail@x"},
	{name: "colon in path after port", raw: "ftpes://host:2121/a:b@c", host: "host", port: 2121, enc: session.Explicit, path: "a:b@c"},
	{name: "plus in path", raw: "ftpes://host/a+b", host: "host", enc: session.Explicit, path: "a+b"},

	// IPv6.
	{name: "ipv6", raw: "ftpes://[::1]/dir", host: "::1", enc: session.Explicit, path: "dir"},
	{name: "ipv6 port", raw: "ftpes://[::1]:2121/dir", host: "::1", port: 2121, enc: session.Explicit, path: "dir"},
	{name: "ipv6 implicit", raw: "ftps://[2001:db8::7]", host: "2001:db8::7", enc: session.Implicit, path: ""},
	{name: "ipv6 user", raw: "ftpes://bob@[2001:DB8::1]:21", host: "2001:DB8::1", port: 21, enc: session.Explicit, user: "bob", path: ""},
	{name: "ipv6 zone", raw: "ftpes://[fe80::1%25eth0]:2121/", host: "fe80::1%eth0", port: 2121, enc: session.Explicit, path: ""},
	{name: "ipv4 mapped", raw: "ftpes://[::ffff:192.0.2.1]", host: "::ffff:192.0.2.1", enc: session.Explicit, path: ""},

	// No scheme: explicit FTPS, whatever the port.
	{name: "bare host", raw: "example.com", host: "example.com", enc: session.Explicit, path: ""},
	{name: "bare host port", raw: "example.com:2121", host: "example.com", port: 2121, enc: session.Explicit, path: ""},
	{name: "bare port 990 stays explicit", raw: "example.com:990", host: "example.com", port: 990, enc: session.Explicit, path: ""},
	{name: "bare user host path", raw: "bob@example.com/pub/", host: "example.com", enc: session.Explicit, user: "bob", path: "pub/"},
	{name: "bare ipv6", raw: "[::1]:2121", host: "::1", port: 2121, enc: session.Explicit, path: ""},
	{name: "bare host named ftp with port", raw: "ftp:21", host: "ftp", port: 21, enc: session.Explicit, path: ""},
	{name: "bare localhost", raw: "localhost", host: "localhost", enc: session.Explicit, path: ""},
	{name: "bare unicode host", raw: "bücher.example", host: "bücher.example", enc: session.Explicit, path: ""},
	{name: "bare colon-slash-slash in path", raw: "host/a://b", host: "host", enc: session.Explicit, path: "a://b"},

	// Refused: plain FTP unless asked for.
	{name: "plain refused", raw: "ftp://ftp.example.com", errHas: []string{"ftp://ftp.example.com", "unencrypted", "ftpes://"}, errIs: ErrPlainRefused},
	{name: "plain refused upper", raw: "FTP://host:2121/x", errIs: ErrPlainRefused},

	// Refused: passwords, never echoed.
	{name: "password", raw: "ftpes://alice:Hunter2xyz@host/", errHas: []string{"passwords never go in URLs", "site manager", "--password-stdin"}, errHasNot: []string{"Hunter2xyz"}},
	{name: "password bare", raw: "alice:Hunter2xyz@host", errHas: []string{"passwords never go in URLs"}, errHasNot: []string{"Hunter2xyz"}},
	{name: "password plain", raw: "ftp://alice:Hunter2xyz@host", errHasNot: []string{"Hunter2xyz"}},
	{name: "password plain allowed", raw: "ftp://alice:Hunter2xyz@host", allowPlain: true, errHas: []string{"passwords never go in URLs"}, errHasNot: []string{"Hunter2xyz"}},
	{name: "password with at", raw: "ftpes://alice:Hun@ter2xyz@host", errHas: []string{"passwords never go in URLs"}, errHasNot: []string{"Hun", "ter2xyz"}},
	{name: "password escaped", raw: "ftpes://alice:Hunter%40xyz@host", errHas: []string{"passwords never go in URLs"}, errHasNot: []string{"Hunter", "xyz"}},
	{name: "password empty user", raw: "ftpes://:Hunter2xyz@host", errHas: []string{"passwords never go in URLs"}, errHasNot: []string{"Hunter2xyz"}},
	{name: "password empty", raw: "ftpes://alice:@host", errHas: []string{"passwords never go in URLs"}},
	{name: "password ipv6", raw: "ftpes://alice:Hunter2xyz@[::1]:21/", errHas: []string{"passwords never go in URLs"}, errHasNot: []string{"Hunter2xyz"}},
	{name: "password with slash", raw: "ftpes://alice:Hun/ter2xyz@host", errHas: []string{`"ftpes://alice:***@host"`, "if the address holds a password", "--password-stdin"}, errHasNot: []string{"Hun", "ter2xyz"}},
	{name: "password with slash digits", raw: "ftpes://alice:4242x/ter2xyz@host", errHasNot: []string{"4242", "ter2xyz"}},
	{name: "password with query", raw: "ftpes://alice:Hun?ter2xyz@host", errHasNot: []string{"Hun", "ter2xyz"}},
	{name: "password with hash", raw: "ftpes://alice:Hun#ter2xyz@host", errHasNot: []string{"Hun", "ter2xyz"}},
	{name: "password with bracket", raw: "ftpes://alice:Hun]ter2xyz@host", errHasNot: []string{"Hun", "ter2xyz"}},
	{name: "password with colons", raw: "ftpes://alice:Hun:ter2xyz@host", errHasNot: []string{"Hun", "ter2xyz"}},
	{name: "password with scheme", raw: "ftpes://alice:Hun://ter2xyz@host", errHasNot: []string{"Hun", "ter2xyz"}},
	{name: "password bare with slash", raw: "alice:Hun/ter2xyz@host", errHasNot: []string{"Hun", "ter2xyz"}},

	// Refused: schemes.
	{name: "unknown scheme", raw: "http://host/", errHas: []string{`"http"`, "ftpes://", "ftps://", "ftp://"}},
	{name: "sftp", raw: "sftp://host/", errHas: []string{"SSH", "ftpes://"}},
	{name: "scheme without slashes", raw: "ftpes:host", errHas: []string{"://"}},
	{name: "scheme with one slash", raw: "ftps:/host", errHas: []string{"ftps://"}},

	// Refused: hosts.
	{name: "empty", raw: "", errHas: []string{"empty"}},
	{name: "spaces only", raw: "   ", errHas: []string{"empty"}},
	{name: "scheme only", raw: "ftpes://", errHas: []string{"server name is missing"}},
	{name: "no host with path", raw: "ftpes:///pub", errHas: []string{"server name is missing"}},
	{name: "no host with user", raw: "ftpes://bob@/pub", errHas: []string{"server name is missing"}},
	{name: "no host with port", raw: "ftpes://:21", errHas: []string{"server name is missing"}},
	{name: "space in host", raw: "ftpes://my host/", errHas: []string{"space"}},
	{name: "backslash in host", raw: `ftpes://host\dir`, errHas: []string{"slash"}},
	{name: "control in host", raw: "ftpes://ho\x01st", errHas: []string{"control character"}},
	{name: "percent in host", raw: "ftpes://ho%41st", errHas: []string{"cannot appear in a server name"}},
	{name: "empty user", raw: "ftpes://@host", errHas: []string{"user name before '@' is empty"}},

	// Refused: ports.
	{name: "port out of range", raw: "ftpes://host:99999", errHas: []string{`"ftpes://host:99999": port 99999 is out of range (1–65535)`}},
	{name: "port zero", raw: "ftpes://host:0/", errHas: []string{"port 0 is out of range"}},
	{name: "port huge", raw: "ftpes://host:99999999999999999999999", errHas: []string{"out of range"}},
	{name: "port not numeric", raw: "ftpes://host:abc", errHas: []string{`port "abc" is not a number`}},
	{name: "port negative", raw: "ftpes://host:-21", errHas: []string{"not a number"}},
	{name: "port signed", raw: "ftpes://host:+21", errHas: []string{"not a number"}},
	{name: "port empty", raw: "ftpes://host:/", errHas: []string{"port after ':' is missing"}},
	{name: "bare port out of range", raw: "example.com:70000", errHas: []string{"port 70000 is out of range"}},
	{name: "two ports", raw: "ftpes://host:21:22", errHas: []string{"more than one ':'"}},

	// Refused: IPv6 and brackets.
	{name: "ipv6 unbracketed", raw: "ftpes://2001:db8::1/", errHas: []string{"brackets: [2001:db8::1]"}},
	{name: "bare ipv6 unbracketed", raw: "::1", errHas: []string{"brackets: [::1]"}},
	{name: "unclosed bracket", raw: "ftpes://[::1/dir", errHas: []string{"no matching ']'"}},
	{name: "stray close bracket", raw: "ftpes://::1]:21", errHas: []string{"bracket"}},
	{name: "junk after bracket", raw: "ftpes://[::1]x:21", errHas: []string{"after the ']'"}},
	{name: "empty brackets", raw: "ftpes://[]:21", errHas: []string{"no IPv6 address"}},
	{name: "not ipv6 in brackets", raw: "ftpes://[example.com]", errHas: []string{"not a valid IPv6 address"}},
	{name: "ipv4 in brackets", raw: "ftpes://[192.0.2.1]", errHas: []string{"IPv4 addresses without brackets"}},
	{name: "bracket inside host", raw: "ftpes://ho[st]", errHas: []string{"bracket"}},
	{name: "raw zone", raw: "ftpes://[fe80::1%eth0]", errHas: []string{"%25eth0"}},
	{name: "bad zone", raw: "ftpes://[fe80::1%25e th0]", errHas: []string{"zone"}},
	{name: "empty zone", raw: "ftpes://[fe80::1%25]", errHas: []string{"zone"}},
	{name: "ipv6 bad port", raw: "ftpes://[::1]:0", errHas: []string{"port 0 is out of range"}},

	// Refused: query strings, fragments, escapes, line breaks.
	{name: "query", raw: "ftpes://host/dir?x=1", errHas: []string{"query strings", "%3F"}},
	{name: "query without path", raw: "ftpes://host?x", errHas: []string{"query strings"}},
	{name: "fragment", raw: "ftpes://host/dir#top", errHas: []string{"fragments", "%23"}},
	{name: "bad escape in path", raw: "ftpes://host/100%", errHas: []string{"bad percent-escape", "%25"}},
	{name: "bad escape hex", raw: "ftpes://host/%zz", errHas: []string{"bad percent-escape"}},
	{name: "bad escape in user", raw: "ftpes://a%zz@host", errHas: []string{"user name has a bad percent-escape"}},
	{name: "escaped LF in path", raw: "ftpes://host/a%0Ab", errIs: session.ErrBadPath},
	{name: "escaped CR in path", raw: "ftpes://host/a%0D%0ADELE%20x", errIs: session.ErrBadPath},
	{name: "escaped NUL in path", raw: "ftpes://host/a%00", errIs: session.ErrBadPath},
	{name: "raw LF in path", raw: "ftpes://host/a\nb", errIs: session.ErrBadPath},
	{name: "escaped LF in user", raw: "ftpes://a%0D%0APASS%20x@host", errHas: []string{"line break"}},
	{name: "escaped NUL in user", raw: "ftpes://a%00@host", errHas: []string{"NUL"}},
	{name: "tab in user", raw: "ftpes://a%09b@host", errHas: []string{"control character"}},
	{name: "invalid utf-8 user", raw: "ftpes://a%FF@host", errHas: []string{"UTF-8"}},
}

func (c urlCase) fails() bool { return c.errHas != nil || c.errHasNot != nil || c.errIs != nil }

func TestParseURL(t *testing.T) {
	for _, c := range urlCases {
		t.Run(c.name, func(t *testing.T) {
			site, path, err := ParseURL(c.raw, c.allowPlain)
			if c.fails() {
				if err == nil {
					t.Fatalf("ParseURL(%q) = %+v, %q; want an error", c.raw, site, path)
				}
				msg := err.Error()
				for _, s := range c.errHas {
					if !strings.Contains(msg, s) {
						t.Errorf("error %q does not say %q", msg, s)
					}
				}
				for _, s := range c.errHasNot {
					if strings.Contains(msg, s) {
						t.Errorf("error %q repeats %q", msg, s)
					}
				}
				if c.errIs != nil && !errors.Is(err, c.errIs) {
					t.Errorf("error %q does not wrap %q", msg, c.errIs)
				}
				if site != (Site{}) || path != "" {
					t.Errorf("on error, got %+v, %q; want zero values", site, path)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", c.raw, err)
			}
			want := Site{Host: c.host, Port: c.port, Encryption: c.enc, User: c.user, Logon: c.logon, AllowPlain: c.enc == session.Plain}
			if site != want {
				t.Errorf("ParseURL(%q) site = %+v, want %+v", c.raw, site, want)
			}
			if path != c.path {
				t.Errorf("ParseURL(%q) path = %q, want %q", c.raw, path, c.path)
			}
			if err := site.Validate(); err != nil {
				t.Errorf("parsed site does not validate: %v", err)
			}
		})
	}
}

func TestParseURLPlainRefusedEvenWhenOtherwiseValid(t *testing.T) {
	_, _, err := ParseURL("ftp://bob@host:2121/pub", false)
	if !errors.Is(err, ErrPlainRefused) {
		t.Fatalf("err = %v, want ErrPlainRefused", err)
	}
	site, _, err := ParseURL("ftp://bob@host:2121/pub", true)
	if err != nil || !site.AllowPlain || !site.Insecure() {
		t.Fatalf("allowed plain: site %+v, err %v", site, err)
	}
	// allowPlain does not make an encrypted site plain, nor mark it.
	site, _, err = ParseURL("ftpes://host", true)
	if err != nil || site.AllowPlain || site.Insecure() {
		t.Fatalf("ftpes with allowPlain: site %+v, err %v", site, err)
	}
}

func TestSiteURL(t *testing.T) {
	cases := []struct {
		name string
		site Site
		path string
		want string
	}{
		{"explicit default port", Site{Host: "h", Encryption: session.Explicit}, "", "ftpes://h/"},
		{"explicit port 21 omitted", Site{Host: "h", Port: 21, Encryption: session.Explicit}, "a", "ftpes://h/a"},
		{"implicit default port", Site{Host: "h", Port: 990, Encryption: session.Implicit}, "", "ftps://h/"},
		{"implicit port 21 kept", Site{Host: "h", Port: 21, Encryption: session.Implicit}, "", "ftps://h:21/"},
		{"explicit port 990 kept", Site{Host: "h", Port: 990, Encryption: session.Explicit}, "", "ftpes://h:990/"},
		{"plain", Site{Host: "h", Encryption: session.Plain, AllowPlain: true}, "pub", "ftp://h/pub"},
		{"ipv6", Site{Host: "::1", Port: 2121}, "", "ftpes://[::1]:2121/"},
		{"ipv6 default port", Site{Host: "2001:db8::1"}, "x", "ftpes://[2001:db8::1]/x"},
		{"ipv6 zone", Site{Host: "fe80::1%eth0"}, "", "ftpes://[fe80::1%25eth0]/"},
		{"user escaped", Site{Host: "h", User: "a@b c:d/é"}, "", "ftpes://a%40b%20c%3Ad%2F%C3%A9@h/"},
		{"path escaped", Site{Host: "h"}, "my docs/a?b#c%d;e/ü", "ftpes://h/my%20docs/a%3Fb%23c%25d%3Be/%C3%BC"},
		{"relative path", Site{Host: "h"}, "pub/x", "ftpes://h/pub/x"},
		{"trailing slash", Site{Host: "h"}, "pub/", "ftpes://h/pub/"},
		{"absolute path", Site{Host: "h"}, "/srv/pub", "ftpes://h/%2Fsrv/pub"},
		{"root", Site{Host: "h"}, "/", "ftpes://h/%2F"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.site.URL(c.path); got != c.want {
				t.Errorf("URL(%q) = %q, want %q", c.path, got, c.want)
			}
		})
	}
}

func TestResolvePath(t *testing.T) {
	cases := []struct{ login, p, want string }{
		{"/home/alice", "", "/home/alice"},
		{"/home/alice", "up", "/home/alice/up"},
		{"/home/alice", "up/", "/home/alice/up"},
		{"/home/alice", "/etc", "/etc"},
		{"/home/alice", "/", "/"},
		{"/home/alice", "../bob", "/home/bob"},
		{"/", "", "/"},
		{"/", "up", "/up"},
		{"", "up", "/up"},
	}
	for _, c := range cases {
		if got := session.ResolvePath(c.login, c.p); got != c.want {
			t.Errorf("ResolvePath(%q, %q) = %q, want %q", c.login, c.p, got, c.want)
		}
	}
	rel := []struct{ login, p, want string }{
		{"/home/alice", "/home/alice", ""},
		{"/home/alice", "/home/alice/up/x", "up/x"},
		{"/home/alice", "/home/alicea", "/home/alicea"},
		{"/home/alice", "/etc", "/etc"},
		{"/", "/up", "up"},
		{"/", "/", ""},
	}
	for _, c := range rel {
		got := session.RelativePath(c.login, c.p)
		if got != c.want {
			t.Errorf("RelativePath(%q, %q) = %q, want %q", c.login, c.p, got, c.want)
		}
		if back := session.ResolvePath(c.login, got); back != c.p {
			t.Errorf("ResolvePath(%q, RelativePath(...)=%q) = %q, want %q", c.login, got, back, c.p)
		}
	}
}

// sameTarget reports whether two parsed addresses name the same thing.
func sameTarget(a Site, ap string, b Site, bp string) bool {
	return a.Host == b.Host && a.EffectivePort() == b.EffectivePort() && a.Encryption == b.Encryption &&
		a.User == b.User && ap == bp
}

func TestURLRoundTrip(t *testing.T) {
	for _, c := range urlCases {
		if c.fails() {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			site, path, err := ParseURL(c.raw, c.allowPlain)
			if err != nil {
				t.Fatal(err)
			}
			u := site.URL(path)
			site2, path2, err := ParseURL(u, site.AllowPlain)
			if err != nil {
				t.Fatalf("ParseURL(%q) (from %q): %v", u, c.raw, err)
			}
			if !sameTarget(site, path, site2, path2) {
				t.Errorf("%q → %q → %+v %q, want %+v %q", c.raw, u, site2, path2, site, path)
			}
			if u2 := site2.URL(path2); u2 != u {
				t.Errorf("URL not stable: %q then %q", u, u2)
			}
		})
	}
	sites := []Site{
		{Host: "example.com", Port: 2121, Encryption: session.Implicit, User: "ünïcode user"},
		{Host: "fe80::1%eth0", User: "a:b@c/d?e#f%g", Encryption: session.Explicit},
		{Host: "192.0.2.1", Port: 21, Encryption: session.Plain, AllowPlain: true, User: "anonymous"},
	}
	paths := []string{"", "/", "/a b/c", "a b/c", "//double//slash", "/%2F/%", "%2F", "/日本/?#;,", "/..", "..", "/a/", "a/"}
	for _, s := range sites {
		for _, p := range paths {
			u := s.URL(p)
			got, gp, err := ParseURL(u, true)
			if err != nil {
				t.Errorf("ParseURL(%q): %v", u, err)
				continue
			}
			if !sameTarget(s, p, got, gp) {
				t.Errorf("%+v %q → %q → %+v %q", s, p, u, got, gp)
			}
		}
	}
}

func TestSiteDefaults(t *testing.T) {
	if DefaultPort(session.Explicit) != 21 || DefaultPort(session.Implicit) != 990 || DefaultPort(session.Plain) != 21 {
		t.Error("DefaultPort: want 21, 990, 21")
	}
	s := Site{Host: "example.com", Encryption: session.Implicit}
	if s.EffectivePort() != 990 || s.Addr() != "example.com:990" {
		t.Errorf("implicit: port %d addr %q", s.EffectivePort(), s.Addr())
	}
	s = Site{Host: "::1"}
	if s.EffectivePort() != 21 || s.Addr() != "[::1]:21" {
		t.Errorf("explicit ipv6: port %d addr %q", s.EffectivePort(), s.Addr())
	}
	s.Port = 2121
	if s.Addr() != "[::1]:2121" {
		t.Errorf("addr %q", s.Addr())
	}
	if got := (Site{}).Connections(); got != 8 {
		t.Errorf("default Connections = %d, want 8", got)
	}
	if got := (Site{MaxConns: 2}).Connections(); got != 2 {
		t.Errorf("Connections = %d, want 2", got)
	}
	if (Site{Encryption: session.Explicit}).Insecure() || (Site{Encryption: session.Implicit}).Insecure() || !(Site{Encryption: session.Plain}).Insecure() {
		t.Error("Insecure: only Plain is insecure")
	}
	s = Site{Host: "h", Encryption: session.Implicit, TLS12Max: true, User: "u", Name: "n"}
	cfg := s.DialConfig()
	if cfg.Host != "h" || cfg.Port != 990 || cfg.Encryption != session.Implicit || !cfg.TLS12Max || cfg.VerifyServer != nil || cfg.Log != nil {
		t.Errorf("DialConfig = %+v", cfg)
	}
	s.Port = 4990
	if s.DialConfig().Port != 4990 {
		t.Error("DialConfig ignores Port")
	}
}

func TestSiteValidate(t *testing.T) {
	ok := Site{Host: "ftp.example.com", User: "bob"}
	cases := []struct {
		name   string
		edit   func(*Site)
		errHas string // "" when the site is valid
		errIs  error
	}{
		{"valid", func(*Site) {}, "", nil},
		{"ipv4", func(s *Site) { s.Host = "192.0.2.1" }, "", nil},
		{"ipv6", func(s *Site) { s.Host = "2001:db8::1" }, "", nil},
		{"ipv6 zone", func(s *Site) { s.Host = "fe80::1%eth0" }, "", nil},
		{"unicode host", func(s *Site) { s.Host = "bücher.example" }, "", nil},
		{"port 0", func(s *Site) { s.Port = 0 }, "", nil},
		{"port 65535", func(s *Site) { s.Port = 65535 }, "", nil},
		{"plain allowed", func(s *Site) { s.Encryption, s.AllowPlain = session.Plain, true }, "", nil},
		{"empty user", func(s *Site) { s.User = "" }, "", nil},
		{"unicode user", func(s *Site) { s.User = "jürgen" }, "", nil},
		{"anonymous", func(s *Site) { s.Logon, s.User = LogonAnonymous, "" }, "", nil},
		{"client cert alone", func(s *Site) { s.ClientCert = "/c.p12" }, "", nil},
		{"client cert and key", func(s *Site) { s.ClientCert, s.ClientKey = "/c.pem", "/k.pem" }, "", nil},

		{"empty host", func(s *Site) { s.Host = "" }, "host is empty", nil},
		{"space in host", func(s *Site) { s.Host = "ftp example.com" }, "contains a space", nil},
		{"slash in host", func(s *Site) { s.Host = "example.com/pub" }, "contains a slash", nil},
		{"backslash in host", func(s *Site) { s.Host = `example.com\pub` }, "contains a slash", nil},
		{"control in host", func(s *Site) { s.Host = "exa\x7fmple" }, "control character", nil},
		{"newline in host", func(s *Site) { s.Host = "example.com\n" }, "control character", nil},
		{"user in host", func(s *Site) { s.Host = "bob@example.com" }, "user field", nil},
		{"port in host", func(s *Site) { s.Host = "example.com:21" }, "port field", nil},
		{"bracketed ipv6", func(s *Site) { s.Host = "[::1]" }, "without brackets", nil},
		{"url as host", func(s *Site) { s.Host = "ftpes://example.com" }, "is a URL", nil},
		{"long host", func(s *Site) { s.Host = strings.Repeat("a", 254) }, "too long", nil},
		{"port negative", func(s *Site) { s.Port = -1 }, "port -1 is out of range", nil},
		{"port too big", func(s *Site) { s.Port = 65536 }, "port 65536 is out of range", nil},
		{"plain not allowed", func(s *Site) { s.Encryption = session.Plain }, "unencrypted", ErrPlainRefused},
		{"unknown encryption", func(s *Site) { s.Encryption = 7 }, "unknown encryption", nil},
		{"CR in user", func(s *Site) { s.User = "bob\r" }, "line break", nil},
		{"LF in user", func(s *Site) { s.User = "bob\nPASS x" }, "line break", nil},
		{"NUL in user", func(s *Site) { s.User = "bob\x00" }, "NUL", nil},
		{"unknown logon", func(s *Site) { s.Logon = 9 }, "unknown logon type", nil},
		{"negative conns", func(s *Site) { s.MaxConns = -2 }, "at least 1", nil},
		{"LF in remote dir", func(s *Site) { s.RemoteDir = "/a\nb" }, "line break", session.ErrBadPath},
		{"key without cert", func(s *Site) { s.ClientKey = "/k.pem" }, "no client certificate", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ok
			c.edit(&s)
			err := s.Validate()
			if c.errHas == "" && c.errIs == nil {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", s, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%+v) = nil, want an error", s)
			}
			if !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("error %q does not say %q", err, c.errHas)
			}
			if c.errIs != nil && !errors.Is(err, c.errIs) {
				t.Errorf("error %q does not wrap %v", err, c.errIs)
			}
		})
	}
}

func TestLogonType(t *testing.T) {
	for _, c := range []struct {
		l    LogonType
		text string
	}{{LogonNormal, "normal"}, {LogonAsk, "ask for password"}, {LogonAnonymous, "anonymous"}} {
		t.Run(c.text, func(t *testing.T) {
			if got := c.l.String(); got != c.text {
				t.Errorf("String() = %q, want %q", got, c.text)
			}
			got, err := ParseLogonType(c.text)
			if err != nil || got != c.l {
				t.Errorf("ParseLogonType(%q) = %v, %v", c.text, got, err)
			}
		})
	}
	for in, want := range map[string]LogonType{"ask": LogonAsk, " Ask ": LogonAsk, "NORMAL": LogonNormal, "Anonymous": LogonAnonymous, "Ask For Password": LogonAsk} {
		t.Run("parse "+in, func(t *testing.T) {
			if got, err := ParseLogonType(in); err != nil || got != want {
				t.Errorf("ParseLogonType(%q) = %v, %v; want %v", in, got, err, want)
			}
		})
	}
	for _, in := range []string{"", "keyring", "interactive", "anon"} {
		t.Run("reject "+in, func(t *testing.T) {
			_, err := ParseLogonType(in)
			if err == nil || !strings.Contains(err.Error(), "unknown logon type") {
				t.Errorf("ParseLogonType(%q) error = %v", in, err)
			}
		})
	}
	if got := LogonType(42).String(); got != "LogonType(42)" {
		t.Errorf("unknown String() = %q", got)
	}
}

// FuzzParseURL checks that ParseURL never panics, that whatever it accepts
// is a valid site with a safe path that resolves to an absolute one and survives the trip through
// URL, and that a password in the URL never shows in the error.
func FuzzParseURL(f *testing.F) {
	for _, c := range urlCases {
		f.Add(c.raw, c.allowPlain)
	}
	f.Fuzz(func(t *testing.T, raw string, allowPlain bool) {
		site, path, err := ParseURL(raw, allowPlain)
		if err == nil {
			if verr := site.Validate(); verr != nil {
				t.Fatalf("ParseURL(%q) = %+v, which does not validate: %v", raw, site, verr)
			}
			if abs := session.ResolvePath("/login", path); !strings.HasPrefix(abs, "/") {
				t.Fatalf("ParseURL(%q) path %q does not resolve to an absolute path: %q", raw, path, abs)
			}
			if strings.ContainsAny(path, "\r\n\x00") || strings.ContainsAny(site.User, "\r\n\x00") {
				t.Fatalf("ParseURL(%q) let a CR, LF or NUL through: %+v %q", raw, site, path)
			}
			if site.Encryption == session.Plain && !allowPlain {
				t.Fatalf("ParseURL(%q) accepted plain FTP without allowPlain", raw)
			}
			u := site.URL(path)
			site2, path2, err := ParseURL(u, site.AllowPlain)
			if err != nil {
				t.Fatalf("ParseURL(%q) → URL %q, which does not parse: %v", raw, u, err)
			}
			if !sameTarget(site, path, site2, path2) {
				t.Fatalf("ParseURL(%q) = %+v %q → URL %q → %+v %q", raw, site, path, u, site2, path2)
			}
		}

		// With raw inside a password, the parse fails and the error
		// repeats no part of the password.
		secret := "Zq7" + raw
		for _, in := range []string{
			"ftpes://u:" + secret + "@example.com/d",
			"u:" + secret + "@example.com",
			"ftps://:" + secret + "@[::1]:21/",
		} {
			_, _, err := ParseURL(in, true)
			if err == nil {
				t.Fatalf("ParseURL(%q) accepted a password", in)
			}
			if strings.Contains(err.Error(), "Zq7") {
				t.Fatalf("ParseURL(%q) error repeats the password: %v", in, err)
			}
		}
	})
}

// TestSiteKey: a saved site's key names its ID, any other site's its URL,
// and KeyID reads back only the former.
func TestSiteKey(t *testing.T) {
	for _, tc := range []struct {
		site   Site
		key    string
		id     string
		saved  bool
		person string
	}{
		{Site{ID: "0a1b", Name: "Office", Host: "nas.example"}, "site:0a1b", "0a1b", true, "Office"},
		{Site{Host: "ftp.example.com", User: "ann", Encryption: session.Implicit}, "ftps://ann@ftp.example.com/", "", false, "ftps://ann@ftp.example.com/"},
		{Site{Host: "2001:db8::1", Port: 2121}, "ftpes://[2001:db8::1]:2121/", "", false, "ftpes://[2001:db8::1]:2121/"},
	} {
		if got := tc.site.Key(); got != tc.key {
			t.Errorf("%+v: Key = %q, want %q", tc.site, got, tc.key)
		}
		if id, ok := KeyID(tc.site.Key()); id != tc.id || ok != tc.saved {
			t.Errorf("KeyID(%q) = %q, %v; want %q, %v", tc.key, id, ok, tc.id, tc.saved)
		}
		if got := tc.site.DisplayName(); got != tc.person {
			t.Errorf("%+v: DisplayName = %q, want %q", tc.site, got, tc.person)
		}
	}
	if id, ok := KeyID("site:"); ok {
		t.Errorf("KeyID(site:) = %q, true", id)
	}
}
