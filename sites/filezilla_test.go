package sites

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/ferryftps/ferry/session"
)

// fzSiteManager is a site manager as FileZilla 3.66 on Windows writes it.
const fzSiteManager = `<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.66.4" platform="windows">
    <Servers>
        <Server>
            <Host>ftp.example.com</Host>
            <Port>21</Port>
            <Protocol>4</Protocol>
            <Type>0</Type>
            <User>deploy</User>
            <Pass encoding="base64">czNjcjN0IVBhc3MjMjAyNA==</Pass>
            <Logontype>1</Logontype>
            <PasvMode>MODE_DEFAULT</PasvMode>
            <EncodingType>Auto</EncodingType>
            <BypassProxy>0</BypassProxy>
            <Name>Production</Name>
            <Comments>Main web server.
Call Anna before deploying.</Comments>
            <Colour>0</Colour>
            <LocalDir>C:\Users\bob\Sites\prod</LocalDir>
            <RemoteDir>1 0 3 var 3 www 4 html</RemoteDir>
            <SyncBrowsing>0</SyncBrowsing>
            <DirectoryComparison>0</DirectoryComparison>
            <Bookmark>
                <Name>Logs</Name>
                <LocalDir>C:\Users\bob\logs</LocalDir>
                <RemoteDir>1 0 3 var 3 log</RemoteDir>
            </Bookmark>
        </Server>
        <Server>
            <Host>legacy.example.com</Host>
            <Port>990</Port>
            <Protocol>3</Protocol>
            <Type>0</Type>
            <User>legacy</User>
            <Logontype>2</Logontype>
            <PasvMode>MODE_DEFAULT</PasvMode>
            <EncodingType>Auto</EncodingType>
            <BypassProxy>0</BypassProxy>
            <Name>Legacy implicit</Name>
            <Comments />
            <Colour>0</Colour>
            <LocalDir />
            <RemoteDir>3 0 2 C: 7 inetpub</RemoteDir>
            <SyncBrowsing>0</SyncBrowsing>
            <DirectoryComparison>0</DirectoryComparison>
        </Server>
        <Server>
            <Host>192.0.2.10</Host>
            <Port>2121</Port>
            <Protocol>6</Protocol>
            <Type>0</Type>
            <User>ftpuser</User>
            <Pass encoding="base64">cGxhaW5wYXNzMQ==</Pass>
            <Logontype>1</Logontype>
            <PasvMode>MODE_ACTIVE</PasvMode>
            <EncodingType>Auto</EncodingType>
            <BypassProxy>0</BypassProxy>
            <Name>Old box</Name>
            <Comments />
            <Colour>0</Colour>
            <LocalDir />
            <RemoteDir />
            <SyncBrowsing>0</SyncBrowsing>
            <DirectoryComparison>0</DirectoryComparison>
        </Server>
        <Server>
            <Host>mirror.example.org</Host>
            <Port>21</Port>
            <Protocol>0</Protocol>
            <Type>0</Type>
            <Logontype>0</Logontype>
            <PasvMode>MODE_DEFAULT</PasvMode>
            <EncodingType>Auto</EncodingType>
            <BypassProxy>0</BypassProxy>
            <Name>Mirror</Name>
            <Comments />
            <Colour>0</Colour>
            <LocalDir />
            <RemoteDir>1 0 3 pub</RemoteDir>
            <SyncBrowsing>0</SyncBrowsing>
            <DirectoryComparison>0</DirectoryComparison>
        </Server>
        <Server>
            <Host>backup.example.com</Host>
            <Port>22</Port>
            <Protocol>1</Protocol>
            <Type>0</Type>
            <User>backup</User>
            <Keyfile>C:\Users\bob\.ssh\id_ed25519</Keyfile>
            <Logontype>5</Logontype>
            <PasvMode>MODE_DEFAULT</PasvMode>
            <EncodingType>Auto</EncodingType>
            <BypassProxy>0</BypassProxy>
            <Name>Backup</Name>
            <Comments />
            <Colour>0</Colour>
            <LocalDir />
            <RemoteDir />
            <SyncBrowsing>0</SyncBrowsing>
            <DirectoryComparison>0</DirectoryComparison>
        </Server>
        <Server>
            <Host>2001:db8::42</Host>
            <Port>2121</Port>
            <Protocol>4</Protocol>
            <Type>0</Type>
            <User>nas</User>
            <Pass encoding="base64">UMOkc3N3w7ZyZC3QmtC70Y7Rhy3wn5SR</Pass>
            <Logontype>1</Logontype>
            <MaximumMultipleConnections>2</MaximumMultipleConnections>
            <PasvMode>MODE_DEFAULT</PasvMode>
            <EncodingType>UTF-8</EncodingType>
            <BypassProxy>0</BypassProxy>
            <Name>IPv6 NAS</Name>
            <Comments />
            <Colour>0</Colour>
            <LocalDir />
            <RemoteDir />
            <SyncBrowsing>0</SyncBrowsing>
            <DirectoryComparison>0</DirectoryComparison>
        </Server>
        <Server>
            <Host />
            <Port>21</Port>
            <Protocol>4</Protocol>
            <Type>0</Type>
            <User>nobody</User>
            <Logontype>2</Logontype>
            <Name>Broken</Name>
        </Server>
        <Server>
            <Host>badport.example.com</Host>
            <Port>99999</Port>
            <Protocol>4</Protocol>
            <Type>0</Type>
            <User>bob</User>
            <Logontype>2</Logontype>
            <Name>Bad port</Name>
        </Server>
        <Server>
            <Host>s3.amazonaws.com</Host>
            <Port>443</Port>
            <Protocol>7</Protocol>
            <Type>0</Type>
            <User>AKIAEXAMPLE</User>
            <Logontype>2</Logontype>
            <Name>Archive bucket</Name>
        </Server>
        <Folder expanded="1">Clients
            <Server>
                <Host>ftp.acme.example</Host>
                <Port>21</Port>
                <Protocol>4</Protocol>
                <Type>0</Type>
                <User>acme</User>
                <Pass encoding="crypt" pubkey="yNVn6gMbxbVKmxq0bU6P1XkOhVZ2uaRTl4CZQ9t+VmMzMGYyNjE4ZmRhYWJjNTZiMGU1NmQ1ZmIyZjQ1">dmVyeS1lbmNyeXB0ZWQtcGFzc3dvcmQtYmxvYg==</Pass>
                <Logontype>1</Logontype>
                <PasvMode>MODE_DEFAULT</PasvMode>
                <EncodingType>Auto</EncodingType>
                <BypassProxy>0</BypassProxy>
                <Name>Acme</Name>
                <Comments />
                <Colour>0</Colour>
                <LocalDir />
                <RemoteDir>1 0 4 home 4 acme 6 public</RemoteDir>
                <SyncBrowsing>0</SyncBrowsing>
                <DirectoryComparison>0</DirectoryComparison>
            </Server>
            <Server>
                <Host>old.example.net</Host>
                <Port>21</Port>
                <Protocol>4</Protocol>
                <Type>0</Type>
                <User>olduser</User>
                <Pass>oldplain&amp;&lt;pw&gt;</Pass>
                <Logontype>1</Logontype>
                <Name>Very old</Name>
            </Server>
            <Server>
                <Host>damaged.example.net</Host>
                <Port>21</Port>
                <Protocol>4</Protocol>
                <Type>0</Type>
                <User>dam</User>
                <Pass encoding="base64">%%%not-base64%%%</Pass>
                <Logontype>1</Logontype>
                <Name>Damaged</Name>
            </Server>
            <Folder expanded="1">Bürö
                <Server>
                    <Host>büro.example.de</Host>
                    <Port>21</Port>
                    <Protocol>4</Protocol>
                    <Type>1</Type>
                    <User>büro</User>
                    <Pass encoding="base64">R3LDvMOfZSE=</Pass>
                    <Logontype>1</Logontype>
                    <PasvMode>MODE_PASSIVE</PasvMode>
                    <EncodingType>Custom</EncodingType>
                    <CustomEncoding>ISO-8859-15</CustomEncoding>
                    <BypassProxy>1</BypassProxy>
                    <PostLoginCommands>
                        <Command>SITE UMASK 002</Command>
                        <Command>SITE CHMOD 755 .</Command>
                    </PostLoginCommands>
                    <Name>Büro-Server</Name>
                    <Comments />
                    <Colour>2</Colour>
                    <LocalDir />
                    <RemoteDir />
                    <SyncBrowsing>0</SyncBrowsing>
                    <DirectoryComparison>0</DirectoryComparison>
                </Server>
                <Folder expanded="0">Клиенты
                    <Server>
                        <Host>ftp.mueller.example</Host>
                        <Port>21</Port>
                        <Protocol>4</Protocol>
                        <Type>0</Type>
                        <User>mueller</User>
                        <Pass encoding="base64">YWNjdC1wYXNzLTk5</Pass>
                        <Account>acct1</Account>
                        <Logontype>4</Logontype>
                        <PasvMode>MODE_DEFAULT</PasvMode>
                        <EncodingType>Auto</EncodingType>
                        <BypassProxy>0</BypassProxy>
                        <Name>Müller GmbH</Name>
                        <Comments>Ansprechpartner: Frau Müller</Comments>
                        <Colour>0</Colour>
                        <LocalDir>D:\Kunden\Müller</LocalDir>
                        <RemoteDir>1 0 7 Dateien 6 Bücher</RemoteDir>
                        <SyncBrowsing>0</SyncBrowsing>
                        <DirectoryComparison>0</DirectoryComparison>
                    </Server>
                    <Server>
                        <Host>ftps.example.ru</Host>
                        <Port>990</Port>
                        <Protocol>3</Protocol>
                        <Type>0</Type>
                        <User>иван</User>
                        <Logontype>3</Logontype>
                        <PasvMode>MODE_DEFAULT</PasvMode>
                        <EncodingType>Auto</EncodingType>
                        <BypassProxy>0</BypassProxy>
                        <Name>Ключ</Name>
                        <Comments />
                        <Colour>0</Colour>
                        <LocalDir />
                        <RemoteDir />
                        <SyncBrowsing>0</SyncBrowsing>
                        <DirectoryComparison>0</DirectoryComparison>
                    </Server>
                    <Server>
                        <Host>ssh.example.ru</Host>
                        <Port>22</Port>
                        <Protocol>1</Protocol>
                        <Type>0</Type>
                        <User>иван</User>
                        <Pass encoding="base64">cGxhaW5wYXNzMQ==</Pass>
                        <Logontype>1</Logontype>
                        <Name>Сервер SSH</Name>
                    </Server>
                </Folder>
            </Folder>
        </Folder>
        <Folder expanded="0">Empty
        </Folder>
    </Servers>
</FileZilla3>
`

// fzPasswords are the passwords in fzSiteManager, including those not
// imported.
var fzPasswords = []string{"s3cr3t!Pass#2024", "plainpass1", "Pässwörd-Ключ-🔑", "oldplain&<pw>", "Grüße!", "acct-pass-99"}

const (
	noteProtocol0 = "FileZilla used TLS only when the server offered it; Ferry always requires it"
	notePlain     = "plain FTP: password and files travel unencrypted"
	reasonSFTP    = "SFTP is a different protocol (SSH); Ferry speaks FTPS"
)

func TestImportFileZillaSiteManager(t *testing.T) {
	res, err := ImportFileZilla(strings.NewReader(fzSiteManager))
	if err != nil {
		t.Fatal(err)
	}
	want := []ImportedSite{
		{
			Site: Site{Name: "Production", Host: "ftp.example.com", Port: 21, Encryption: session.Explicit,
				User: "deploy", Logon: LogonNormal, LocalDir: `C:\Users\bob\Sites\prod`, RemoteDir: "/var/www/html",
				Notes: "Main web server.\nCall Anna before deploying."},
			Password: "s3cr3t!Pass#2024",
			Notes:    []string{"the site's bookmark was not imported"},
		},
		{
			Site: Site{Name: "Legacy implicit", Host: "legacy.example.com", Port: 990, Encryption: session.Implicit,
				User: "legacy", Logon: LogonAsk},
			Notes: []string{"the remote folder is a DOS path, which Ferry does not convert, so Ferry opens the server's initial folder"},
		},
		{
			Site: Site{Name: "Old box", Host: "192.0.2.10", Port: 2121, Encryption: session.Plain, AllowPlain: true,
				User: "ftpuser", Logon: LogonNormal},
			Password: "plainpass1",
			Notes:    []string{notePlain, "FileZilla used active mode; Ferry always uses passive mode"},
		},
		{
			Site:  Site{Name: "Mirror", Host: "mirror.example.org", Port: 21, Encryption: session.Explicit, Logon: LogonAnonymous, RemoteDir: "/pub"},
			Notes: []string{noteProtocol0},
		},
		{
			Site: Site{Name: "IPv6 NAS", Host: "2001:db8::42", Port: 2121, Encryption: session.Explicit,
				User: "nas", Logon: LogonNormal, MaxConns: 2},
			Password: "Pässwörd-Ключ-🔑",
		},
		{
			Site: Site{Name: "Acme", Folder: "Clients", Host: "ftp.acme.example", Port: 21, Encryption: session.Explicit,
				User: "acme", Logon: LogonAsk, RemoteDir: "/home/acme/public"},
			Notes: []string{"the password was protected by FileZilla's master password, so Ferry asks for it on connect"},
		},
		{
			Site: Site{Name: "Very old", Folder: "Clients", Host: "old.example.net", Port: 21, Encryption: session.Explicit,
				User: "olduser", Logon: LogonNormal},
			Password: "oldplain&<pw>",
		},
		{
			Site: Site{Name: "Damaged", Folder: "Clients", Host: "damaged.example.net", Port: 21, Encryption: session.Explicit,
				User: "dam", Logon: LogonAsk},
			Notes: []string{"the saved password could not be decoded, so Ferry asks for it on connect"},
		},
		{
			Site: Site{Name: "Büro-Server", Folder: "Clients/Bürö", Host: "büro.example.de", Port: 21, Encryption: session.Explicit,
				User: "büro", Logon: LogonNormal},
			Password: "Grüße!",
			Notes: []string{
				`FileZilla used the "ISO-8859-15" character set for file names; Ferry uses UTF-8`,
				"FileZilla sent 2 commands after logging in; Ferry does not, so they were left out",
			},
		},
		{
			Site: Site{Name: "Müller GmbH", Folder: "Clients/Bürö/Клиенты", Host: "ftp.mueller.example", Port: 21,
				Encryption: session.Explicit, User: "mueller", Logon: LogonAsk, LocalDir: `D:\Kunden\Müller`,
				RemoteDir: "/Dateien/Bücher", Notes: "Ansprechpartner: Frau Müller"},
			Notes: []string{"FileZilla's account (ACCT) logon is not supported; Ferry asks for the password"},
		},
		{
			Site: Site{Name: "Ключ", Folder: "Clients/Bürö/Клиенты", Host: "ftps.example.ru", Port: 990,
				Encryption: session.Implicit, User: "иван", Logon: LogonAsk},
		},
	}
	wantSkips := []ImportSkip{
		{Name: "Backup", Reason: reasonSFTP},
		{Name: "Broken", Reason: "the host is empty"},
		{Name: "Bad port", Reason: `port "99999" is not a valid port (1–65535)`},
		{Name: "Archive bucket", Reason: "S3 (FileZilla protocol 7) is not FTP; Ferry speaks FTPS"},
		{Name: "Сервер SSH", Folder: "Clients/Bürö/Клиенты", Reason: reasonSFTP},
	}
	if len(res.Sites) != len(want) {
		t.Errorf("got %d sites, want %d", len(res.Sites), len(want))
	}
	for i := 0; i < len(want) && i < len(res.Sites); i++ {
		got := res.Sites[i]
		if !reflect.DeepEqual(got.Site, want[i].Site) {
			t.Errorf("site %d:\n got %+v\nwant %+v", i, got.Site, want[i].Site)
		}
		if got.Password != want[i].Password {
			t.Errorf("site %q: wrong password (len %d, want len %d)", got.Site.Name, len(got.Password), len(want[i].Password))
		}
		if !reflect.DeepEqual(got.Notes, want[i].Notes) {
			t.Errorf("site %q notes:\n got %q\nwant %q", got.Site.Name, got.Notes, want[i].Notes)
		}
		if err := got.Site.Validate(); err != nil {
			t.Errorf("site %q does not validate: %v", got.Site.Name, err)
		}
	}
	if !reflect.DeepEqual(res.Skipped, wantSkips) {
		t.Errorf("skips:\n got %q\nwant %q", res.Skipped, wantSkips)
	}

	sum := res.Summary()
	wantSum := `Imported 11 sites (5 will ask for the password); skipped 5: "Backup" (` + reasonSFTP + `), "Broken" (the host is empty), ` +
		`"Bad port" (port "99999" is not a valid port (1–65535)), "Archive bucket" (S3 (FileZilla protocol 7) is not FTP; Ferry speaks FTPS), ` +
		`"Clients/Bürö/Клиенты/Сервер SSH" (` + reasonSFTP + `).`
	if sum != wantSum {
		t.Errorf("Summary:\n got %s\nwant %s", sum, wantSum)
	}
	texts := []string{sum}
	for _, s := range res.Sites {
		texts = append(texts, s.String(), fmt.Sprintf("%v %+v %#v", s, s, s))
		texts = append(texts, s.Notes...)
	}
	for _, s := range res.Skipped {
		texts = append(texts, s.Reason)
	}
	for _, p := range fzPasswords {
		for _, text := range texts {
			if strings.Contains(text, p) {
				t.Errorf("the password %q shows in %q", p, text)
			}
		}
	}
}

func TestImportFileZillaNotSiteManager(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"blank", " \n\t", "empty"},
		{"text", "this is not XML at all", "no XML element"},
		{"json", `{"sites": []}`, "no XML element"},
		{"binary", "\x00\x01\x02\xff<", "not valid XML"},
		{"truncated", `<?xml version="1.0" encoding="UTF-8"?><FileZilla3><Servers><Server><Host>a`, "not valid XML"},
		{"mismatched", `<FileZilla3><Servers></Server></FileZilla3>`, "not valid XML"},
		{"other root", `<?xml version="1.0" encoding="UTF-8"?><settings><Servers/></settings>`, "root element is <settings>"},
		{"FileZilla 2", `<FileZilla><Sites/></FileZilla>`, "FileZilla 2"},
		{"no Servers", `<FileZilla3 version="3.66.4"><Settings/></FileZilla3>`, "no <Servers>"},
		{"Servers too deep", `<FileZilla3><Other><Servers/></Other></FileZilla3>`, "no <Servers>"},
		{"recent servers", `<FileZilla3><RecentServers><Server><Host>a</Host></Server></RecentServers></FileZilla3>`, "recentservers.xml"},
		{"other charset", `<?xml version="1.0" encoding="ISO-8859-1"?><FileZilla3><Servers/></FileZilla3>`, "ISO-8859-1"},
		{"entity bomb", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><FileZilla3><Servers><Server><Name>&lol2;</Name></Server></Servers></FileZilla3>`, "not valid XML"},
		{"password in bad XML", `<FileZilla3><Servers><Server><Pass>hunter2&hunter3;</Pass></Server></Servers></FileZilla3>`, "line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ImportFileZilla(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; got %+v", res)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter") {
				t.Errorf("error %q quotes the password", err)
			}
		})
	}
}

func TestImportFileZillaEmptyServers(t *testing.T) {
	for _, in := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<FileZilla3 version="3.66.4" platform="windows"><Servers /></FileZilla3>`,
		`<FileZilla3><Servers>` + "\n    \n" + `</Servers></FileZilla3>`,
		"\uFEFF" + `<?xml version="1.0" encoding="utf-8"?><FileZilla3 platform="*nix"><Settings/><Servers/></FileZilla3>`,
		`<FileZilla3><Servers><Folder expanded="1">Nothing here</Folder></Servers></FileZilla3>`,
	} {
		res, err := ImportFileZilla(strings.NewReader(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if len(res.Sites) != 0 || len(res.Skipped) != 0 {
			t.Errorf("%q: got %+v", in, res)
		}
		if got := res.Summary(); got != "Imported no sites." {
			t.Errorf("Summary = %q", got)
		}
	}
}

// fzOne imports a site manager holding the given <Server> insides.
func fzOne(t *testing.T, servers ...string) ImportResult {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><FileZilla3><Servers>`)
	for _, s := range servers {
		b.WriteString("<Server>" + s + "</Server>")
	}
	b.WriteString(`</Servers></FileZilla3>`)
	res, err := ImportFileZilla(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportFileZillaVariations(t *testing.T) {
	type want struct {
		site   Site
		pass   string
		notes  []string
		reason string // non-empty: skipped
	}
	for _, tc := range []struct {
		name, server string
		want         want
	}{
		{"old name in text, no version", `Old site<Host>h.example</Host><Port>21</Port><Protocol>4</Protocol><User>u</User><Pass>pw pw</Pass><Logontype>1</Logontype>`,
			want{site: Site{Name: "Old site", Host: "h.example", Port: 21, User: "u"}, pass: "pw pw"}},
		{"Name wins over text", `ignored<Host>h.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>Real</Name>`,
			want{site: Site{Name: "Real", Host: "h.example", Logon: LogonAsk}}},
		{"no name", `<Host>h.example</Host><Protocol>4</Protocol><Logontype>0</Logontype><User>ignored</User>`,
			want{site: Site{Name: "h.example", Host: "h.example", Logon: LogonAnonymous}, notes: []string{"the site had no name in FileZilla; it is named after its host"}}},
		{"empty port and no protocol", `<Host>h.example</Host><Port></Port><Logontype>2</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", Logon: LogonAsk}, notes: []string{noteProtocol0}}},
		{"port 0", `<Host>h.example</Host><Port>0</Port><Protocol>3</Protocol><Logontype>2</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", Encryption: session.Implicit, Logon: LogonAsk}}},
		{"bad port", `<Host>h.example</Host><Port>twenty-one</Port><Protocol>4</Protocol><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: `port "twenty-one" is not a valid port (1–65535)`}},
		{"negative port", `<Host>h.example</Host><Port>-21</Port><Protocol>4</Protocol><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: `port "-21" is not a valid port (1–65535)`}},
		{"bracketed IPv6", `<Host>[2001:db8::1]</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "2001:db8::1", Logon: LogonAsk}}},
		{"IPv6 zone", `<Host>fe80::1%eth0</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "fe80::1%eth0", Logon: LogonAsk}}},
		{"host fails validation", `<Host>ftp://h.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: `host "ftp://h.example" is a URL: enter only the server's name or address`}},
		{"user fails validation", `<Host>h.example</Host><Protocol>4</Protocol><User>a&#x85;b</User><Pass>topsecret</Pass><Logontype>1</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: "the user name contains a control character"}},
		{"HTTP", `<Host>h.example</Host><Protocol>2</Protocol><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: "HTTP (FileZilla protocol 2) is not FTP; Ferry speaks FTPS"}},
		{"HTTPS", `<Host>h.example</Host><Protocol>5</Protocol><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: "HTTPS (FileZilla protocol 5) is not FTP; Ferry speaks FTPS"}},
		{"WebDAV", `<Host>h.example</Host><Protocol>9</Protocol><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: "WebDAV (FileZilla protocol 9) is not FTP; Ferry speaks FTPS"}},
		{"future protocol", `<Host>h.example</Host><Protocol>42</Protocol><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: "FileZilla protocol 42 is unknown to Ferry, which speaks FTPS"}},
		{"garbage protocol", `<Host>h.example</Host><Protocol>ftp</Protocol><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: `unknown FileZilla protocol "ftp"; Ferry speaks FTPS`}},
		{"key file logon", `<Host>h.example</Host><Protocol>4</Protocol><Logontype>5</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N"}, reason: "it logs in with a key file, which is SSH (SFTP); Ferry speaks FTPS"}},
		{"profile logon", `<Host>h.example</Host><Protocol>4</Protocol><User>u</User><Logontype>6</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", User: "u", Logon: LogonAsk}, notes: []string{"FileZilla's profile logon is not supported; Ferry asks for the password"}}},
		{"future logon", `<Host>h.example</Host><Protocol>4</Protocol><Logontype>9</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", Logon: LogonAsk}, notes: []string{`FileZilla's logon type "9" is unknown to Ferry; Ferry asks for the password`}}},
		{"normal without password", `<Host>h.example</Host><Protocol>4</Protocol><User>u</User><Logontype>1</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", User: "u", Logon: LogonAsk}, notes: []string{"no password was saved in FileZilla, so Ferry asks for it on connect"}}},
		{"unknown password encoding", `<Host>h.example</Host><Protocol>4</Protocol><User>u</User><Pass encoding="rot13">frperg</Pass><Logontype>1</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", User: "u", Logon: LogonAsk}, notes: []string{`the password was saved in a form Ferry cannot read ("rot13"), so Ferry asks for it on connect`}}},
		{"password with line break", `<Host>h.example</Host><Protocol>4</Protocol><User>u</User><Pass encoding="base64">YQpi</Pass><Logontype>1</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", User: "u", Logon: LogonAsk}, notes: []string{"the saved password is not valid text (or holds a line break), so Ferry asks for it on connect"}}},
		{"base64 without padding, wrapped", `<Host>h.example</Host><Protocol>4</Protocol><User>u</User><Pass encoding="base64">cGxh
aW5wYXNzMQ</Pass><Logontype>1</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", User: "u"}, pass: "plainpass1"}},
		{"ask ignores a password", `<Host>h.example</Host><Protocol>4</Protocol><User>u</User><Pass encoding="base64">cGxhaW5wYXNzMQ==</Pass><Logontype>2</Logontype><Name>N</Name>`,
			want{site: Site{Name: "N", Host: "h.example", User: "u", Logon: LogonAsk}}},
		{"slash in name", `<Host>h.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name> Acme / www </Name>`,
			want{site: Site{Name: "Acme - www", Host: "h.example", Logon: LogonAsk}, notes: []string{`the name "Acme / www" holds "/", which Ferry puts between folders; it is now "Acme - www"`}}},
		{"line break in name", `<Host>h.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>a&#10;b</Name>`,
			want{site: Site{Name: "a b", Host: "h.example", Logon: LogonAsk}}},
		{"bad remote path", `<Host>h.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>N</Name><RemoteDir>1 0 9 home</RemoteDir>`,
			want{site: Site{Name: "N", Host: "h.example", Logon: LogonAsk}, notes: []string{"the remote folder could not be read, so Ferry opens the server's initial folder"}}},
		{"extras", `<Host>h.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>N</Name><TimezoneOffset>60</TimezoneOffset><EncodingType>Custom</EncodingType><PostLoginCommands><Command>SITE X</Command><Command/></PostLoginCommands><Bookmark><Name>a</Name></Bookmark><Bookmark><Name>b</Name></Bookmark><Unknown><Deep>x</Deep></Unknown><MaximumMultipleConnections>-3</MaximumMultipleConnections>`,
			want{site: Site{Name: "N", Host: "h.example", Logon: LogonAsk}, notes: []string{
				"FileZilla used another character set for file names; Ferry uses UTF-8",
				`FileZilla shifted the server's file times (time zone offset "60" minutes); Ferry shows them as the server sends them`,
				"FileZilla sent 1 command after logging in; Ferry does not, so it was left out",
				"the site's 2 bookmarks were not imported",
			}}},
		{"first element of a name wins", `<Host>h.example</Host><Host>other.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>N</Name><Name>M</Name>`,
			want{site: Site{Name: "N", Host: "h.example", Logon: LogonAsk}}},
		{"CDATA", `<Host>h.example</Host><Protocol>4</Protocol><User>u</User><Pass><![CDATA[a<b>&c]]></Pass><Logontype>1</Logontype><Name><![CDATA[<Tom & Jerry>]]></Name>`,
			want{site: Site{Name: "<Tom & Jerry>", Host: "h.example", User: "u"}, pass: "a<b>&c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := fzOne(t, tc.server)
			if tc.want.reason != "" {
				want := []ImportSkip{{Name: tc.want.site.Name, Reason: tc.want.reason}}
				if len(res.Sites) != 0 || !reflect.DeepEqual(res.Skipped, want) {
					t.Fatalf("got %+v, want skip %+v", res, want)
				}
				return
			}
			if len(res.Sites) != 1 || len(res.Skipped) != 0 {
				t.Fatalf("got %+v", res)
			}
			got := res.Sites[0]
			if !reflect.DeepEqual(got.Site, tc.want.site) {
				t.Errorf("site:\n got %+v\nwant %+v", got.Site, tc.want.site)
			}
			if got.Password != tc.want.pass {
				t.Errorf("wrong password (len %d, want len %d)", len(got.Password), len(tc.want.pass))
			}
			if !reflect.DeepEqual(got.Notes, tc.want.notes) {
				t.Errorf("notes:\n got %q\nwant %q", got.Notes, tc.want.notes)
			}
		})
	}
}

func TestImportFileZillaFolders(t *testing.T) {
	site := func(name string) string {
		return `<Server><Host>h.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>` + name + `</Name></Server>`
	}
	in := `<FileZilla3><Servers>` +
		site("Same") + site("same") + site("Same (2)") +
		`<Folder>` + site("Same") + `  Named after  </Folder>` +
		`<Folder expanded="1">a / b` + site("In ab") + `</Folder>` +
		`<Folder>` + site("Unnamed") + `</Folder>` +
		`<Folder>..` + site("Dots") + `</Folder>` +
		`</Servers></FileZilla3>`
	res, err := ImportFileZilla(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	type nf struct{ name, folder string }
	want := []nf{{"Same", ""}, {"same (2)", ""}, {"Same (2) (2)", ""}, {"Same", "Named after"}, {"In ab", "a/b"}, {"Unnamed", "Unnamed folder"}, {"Dots", "Unnamed folder"}}
	var got []nf
	for _, s := range res.Sites {
		got = append(got, nf{s.Site.Name, s.Site.Folder})
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	wantNotes := [][]string{
		nil,
		{`FileZilla had another site named "same" in this folder; this one is now "same (2)"`},
		{`FileZilla had another site named "Same (2)" in this folder; this one is now "Same (2) (2)"`},
		nil,
		{`the FileZilla folder "a / b" has "/" in its name, which Ferry reads as folders in folders: "a/b"`},
		{`a FileZilla folder had no name; it is now "Unnamed folder"`},
		{`the FileZilla folder ".." is now "Unnamed folder"`},
	}
	for i, s := range res.Sites {
		if !reflect.DeepEqual(s.Notes, wantNotes[i]) {
			t.Errorf("site %d (%q) notes:\n got %q\nwant %q", i, s.Site.Name, s.Notes, wantNotes[i])
		}
	}
}

func TestImportFileZillaDeepFolders(t *testing.T) {
	const levels = 70
	var b strings.Builder
	b.WriteString(`<FileZilla3><Servers>`)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, `<Folder>L%d<Server><Host>h%d.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>S%d</Name></Server>`, i, i, i)
	}
	b.WriteString(strings.Repeat(`</Folder>`, levels))
	b.WriteString(`<Server><Host>after.example</Host><Protocol>4</Protocol><Logontype>2</Logontype><Name>After</Name></Server>`)
	b.WriteString(`</Servers></FileZilla3>`)
	res, err := ImportFileZilla(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sites) != 65 {
		t.Fatalf("got %d sites, want 64 nested and 1 after", len(res.Sites))
	}
	deepest := res.Sites[63]
	if deepest.Site.Name != "S64" || strings.Count(deepest.Site.Folder, "/") != 63 || !strings.HasSuffix(deepest.Site.Folder, "/L64") {
		t.Errorf("deepest site: %q in %q", deepest.Site.Name, deepest.Site.Folder)
	}
	if res.Sites[64].Site.Name != "After" || res.Sites[64].Site.Folder != "" {
		t.Errorf("the site after the folders: %+v", res.Sites[64].Site)
	}
	want := []ImportSkip{{Name: "L65", Folder: deepest.Site.Folder,
		Reason: "folders nested more than 64 levels deep are not imported; the 6 sites in it were skipped"}}
	if !reflect.DeepEqual(res.Skipped, want) {
		t.Errorf("skipped %+v\nwant %+v", res.Skipped, want)
	}
}

func TestImportFileZillaTooLarge(t *testing.T) {
	big := io.MultiReader(strings.NewReader(`<FileZilla3><Servers>`), io.LimitReader(fzSpaces{}, fzMaxFileSize))
	if _, err := ImportFileZilla(big); err == nil || !strings.Contains(err.Error(), "16 MiB") {
		t.Errorf("error %v, want one about the size", err)
	}
	// Just under the limit is read.
	head, tail := `<FileZilla3><Servers>`, `</Servers></FileZilla3>`
	fits := io.MultiReader(strings.NewReader(head), io.LimitReader(fzSpaces{}, int64(fzMaxFileSize-len(head)-len(tail))), strings.NewReader(tail))
	if _, err := ImportFileZilla(fits); err != nil {
		t.Errorf("16 MiB exactly: %v", err)
	}
}

// fzSpaces reads as endless spaces.
type fzSpaces struct{}

func (fzSpaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestFzDecodeServerPath(t *testing.T) {
	for _, tc := range []struct {
		in, platform, want, err string
	}{
		{"", "", "", ""},
		{"1 0", "", "/", ""},
		{"1 0 ", "", "/", ""},
		{"1 0 4 home 3 bob", "", "/home/bob", ""},
		{"0 0 4 home", "", "/home", ""},
		{"9 0 8 cygdrive 1 c", "", "/cygdrive/c", ""},
		{"1 0 7 my site 3 www", "", "/my site/www", ""},
		{"1 0 6 Bücher", "", "/Bücher", ""},              // characters (FileZilla on Linux and macOS)
		{"1 0 3 a📷", "windows", "/a📷", ""},               // UTF-16 units (FileZilla on Windows)
		{"1 0 2 a📷", "", "/a📷", ""},                      // characters
		{"1 0 7 Bücher 3 bob", "", "/Bücher/bob", ""},    // UTF-8 bytes
		{"1 0 6 Клиент", "windows", "/Клиент", ""},       // BMP: the same on every platform
		{"1 0 3 a/b", "", "", "could not be read"},       // not a Unix name
		{"1 0 2 ..", "", "", "could not be read"},        // no climbing
		{"1 0 1 .", "", "", "could not be read"},         // no climbing
		{"1 0 9 home", "", "", "could not be read"},      // too short
		{"1 0 0 ", "", "", "could not be read"},          // empty segment
		{"1 0 3 abc3 def", "", "", "could not be read"},  // no space between
		{"1 0 4 home 3", "", "", "could not be read"},    // length without segment
		{"1 4 /abc 4 home", "", "", "could not be read"}, // a prefix
		{"1 0 99999999 x", "", "", "could not be read"},  // huge length
		{"1 0 3 a\x00b", "", "", "could not be read"},    // NUL
		{"x 0", "", "", "could not be read"},             // no type
		{"12 0", "", "", "could not be read"},            // no such type
		{"1", "", "", "could not be read"},               // no prefix
		{"1 x", "", "", "could not be read"},             // no prefix
		{"/home/bob", "", "", "could not be read"},       // not in FileZilla's form
		{"3 0 2 C: 4 data", "", "", "is a DOS path"},     // DOS
		{"2 5 DISK: 3 DIR", "", "", "is a VMS path"},     // VMS
		{"10 0 2 C: 4 data", "", "", "forward slashes"},  // DOS with forward slashes
	} {
		got, err := fzDecodeServerPath(tc.in, tc.platform)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("fzDecodeServerPath(%q, %q) = %q, %v; want %q, %q", tc.in, tc.platform, got, err, tc.want, tc.err)
		}
	}
}

var fzPassContent = regexp.MustCompile(`(?s)(<Pass\b[^>]*>).*?(</Pass>)`)

// fzTexts is everything an import shows the user, apart from the sites.
func fzTexts(res ImportResult) []string {
	texts := []string{res.Summary()}
	for _, s := range res.Sites {
		texts = append(texts, s.Notes...)
		texts = append(texts, s.String())
	}
	for _, s := range res.Skipped {
		texts = append(texts, s.Reason)
	}
	return texts
}

var fzServerElement = regexp.MustCompile(`(?s)<Server>.*?</Server>`)

func FuzzImportFileZilla(f *testing.F) {
	// The realistic file, and small variations of it: large inputs make
	// the fuzzer slow to minimize what it finds.
	f.Add([]byte(fzSiteManager))
	for _, server := range fzServerElement.FindAllString(fzSiteManager, -1) {
		server = strings.Join(strings.Fields(server), " ")
		f.Add([]byte(`<?xml version="1.0" encoding="UTF-8"?><FileZilla3 version="3.66.4" platform="windows"><Servers>` + server + `</Servers></FileZilla3>`))
	}
	for _, seed := range []string{
		`<FileZilla3><Servers/></FileZilla3>`,
		`<FileZilla3 platform="*nix"><Servers><Server><Host>h</Host><Protocol>4</Protocol><Pass encoding="base64">aHVudGVyMjI=</Pass><Logontype>1</Logontype><RemoteDir>1 0 2 a📷 3 Büc</RemoteDir></Server></Servers></FileZilla3>`,
		`<FileZilla3><Servers><Server>Old<Host>h</Host><Pass>hunter22</Pass><Logontype>1</Logontype></Server></Servers></FileZilla3>`,
		`<FileZilla3><Servers><Folder>a/b<Folder>..<Server><Host>h</Host><Name>x/y</Name><RemoteDir>1 0 2 a📷</RemoteDir></Server></Folder><Folder/></Folder></Servers></FileZilla3>`,
		`<FileZilla3><Servers><Server><Host>[::1]</Host><Port>0</Port><Protocol>6</Protocol><Pass encoding="crypt" pubkey="x">aHVudGVy</Pass><Logontype>4</Logontype></Server><Server><Host>h</Host><Name>N</Name></Server><Server><Host>h</Host><Name>n</Name></Server></Servers></FileZilla3>`,
		`<FileZilla3><Servers><Server><Host>h</Host><Bookmark><Name>b</Name></Bookmark><PostLoginCommands><Command>X</Command></PostLoginCommands><TimezoneOffset>5</TimezoneOffset><EncodingType>Custom</EncodingType><PasvMode>MODE_ACTIVE</PasvMode></Server></Servers></FileZilla3>`,
		`<FileZilla3><RecentServers/></FileZilla3>`,
		`<FileZilla><Sites/></FileZilla>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><FileZilla3><Servers/></FileZilla3>`,
		"\uFEFF<FileZilla3><Servers><Server><Name>&lt;&amp;<![CDATA[x]]></Name></Server></Servers></FileZilla3>",
		`<FileZilla3><Servers><Server><Host>a`,
		`not xml`,
		strings.Repeat(`<Folder>`, 70),
		`<FileZilla3><Servers>` + strings.Repeat(`<Folder>f`, 66) + `<Server><Host>h</Host></Server>` + strings.Repeat(`</Folder>`, 66) + `</Servers></FileZilla3>`,
	} {
		f.Add([]byte(seed))
	}

	// Phrases the importer uses, so that a password that happens to be
	// one of their words is not taken for a leak.
	var vocabulary []string
	if res, err := ImportFileZilla(strings.NewReader(fzSiteManager)); err == nil {
		vocabulary = fzTexts(res)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ImportFileZilla(bytes.NewReader(data))
		if err != nil {
			if len(res.Sites) != 0 || len(res.Skipped) != 0 {
				t.Fatalf("an error with a result: %v", err)
			}
			return
		}
		for _, s := range res.Sites {
			if err := s.Site.Validate(); err != nil {
				t.Fatalf("imported site %q does not validate: %v", s.Site.Name, err)
			}
			if s.Site.ID != "" {
				t.Fatalf("site %q has an ID", s.Site.Name)
			}
			if s.Password != "" && s.Site.Logon != LogonNormal {
				t.Fatalf("site %q has a password but logon %v", s.Site.Name, s.Site.Logon)
			}
			if s.Site.Name == "" || strings.ContainsAny(s.Site.Name, "/\x00\r\n") {
				t.Fatalf("bad site name %q", s.Site.Name)
			}
			if s.Site.Folder != "" {
				for _, p := range strings.Split(s.Site.Folder, "/") {
					if p == "" || p == "." || p == ".." || p != strings.TrimSpace(p) || strings.ContainsAny(p, "\x00\r\n") {
						t.Fatalf("bad folder %q", s.Site.Folder)
					}
				}
			}
		}
		for i, a := range res.Sites {
			for _, b := range res.Sites[:i] {
				if a.Site.Folder == b.Site.Folder && strings.EqualFold(a.Site.Name, b.Site.Name) {
					t.Fatalf("two sites named %q and %q in %q", a.Site.Name, b.Site.Name, a.Site.Folder)
				}
			}
		}

		// No password shows, unless the same text is in the file outside
		// <Pass> or in what Ferry says anyway.
		var passwords []string
		for _, s := range res.Sites {
			if len(s.Password) >= 4 {
				passwords = append(passwords, s.Password)
			}
		}
		shown := false
		for _, text := range fzTexts(res) {
			for _, p := range passwords {
				shown = shown || strings.Contains(text, p)
			}
		}
		if !shown {
			return
		}
		stripped := fzPassContent.ReplaceAll(data, []byte("${1}${2}"))
		public := append([]string{string(stripped)}, vocabulary...)
		if res2, err := ImportFileZilla(bytes.NewReader(stripped)); err == nil {
			public = append(public, fzTexts(res2)...)
		}
		for _, s := range res.Sites {
			public = append(public, s.Site.Name, s.Site.Folder, s.Site.Host, s.Site.User, s.Site.LocalDir, s.Site.RemoteDir, s.Site.Notes)
		}
		for _, s := range res.Skipped {
			public = append(public, s.Name, s.Folder)
		}
		publicText := strings.Join(public, "\n")
		for _, text := range fzTexts(res) {
			for _, p := range passwords {
				if strings.Contains(text, p) && !strings.Contains(publicText, p) {
					t.Fatalf("a password shows in %q", text)
				}
			}
		}
	})
}
