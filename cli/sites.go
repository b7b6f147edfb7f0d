package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/sites"
)

// sites manages saved sites: list, add, edit, rm, import, export.
func (e *env) sites(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "ferry sites: say list, add, edit, rm, import or export (see ferry help)")
		return ExitUsage
	}
	dir, err := config.Dir()
	if err != nil {
		return e.fail(err)
	}
	store, err := sites.OpenStore(dir)
	if err != nil {
		return e.fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sec := &sites.Secrets{}
	switch args[0] {
	case "list", "ls":
		return e.sitesList(store)
	case "add":
		return e.sitesAddEdit(ctx, store, sec, nil, args[1:])
	case "edit":
		if len(args) < 2 {
			fmt.Fprintln(e.stderr, "ferry sites edit: give the site's name")
			return ExitUsage
		}
		site, err := store.Find(args[1])
		if err != nil {
			return e.fail(usageError{err.Error()})
		}
		return e.sitesAddEdit(ctx, store, sec, &site, args[2:])
	case "rm", "remove":
		if len(args) != 2 {
			fmt.Fprintln(e.stderr, "ferry sites rm: give one site name")
			return ExitUsage
		}
		site, err := store.Find(args[1])
		if err != nil {
			return e.fail(usageError{err.Error()})
		}
		if err := store.Delete(site.ID); err != nil {
			return e.fail(err)
		}
		if err := sec.DeleteAll(ctx, site.ID); err != nil {
			fmt.Fprintf(e.stderr, "ferry: the site is deleted, but its password could not be removed from the keyring: %v\n", err)
			return ExitError
		}
		fmt.Fprintf(e.stderr, "Deleted %q and its saved password.\n", site.Name)
		return ExitOK
	case "import":
		file, ok := e.importFile(args[1:])
		if !ok {
			return ExitUsage
		}
		return e.sitesImport(ctx, store, sec, file)
	case "export":
		if len(args) != 2 {
			fmt.Fprintln(e.stderr, "ferry sites export: give one file to write (or - for standard output)")
			return ExitUsage
		}
		var buf bytes.Buffer
		if err := store.Export(&buf); err != nil {
			return e.fail(err)
		}
		if args[1] == "-" {
			e.stdout.Write(buf.Bytes())
			return ExitOK
		}
		if err := config.WriteFileAtomic(args[1], buf.Bytes(), 0o600); err != nil {
			return e.fail(err)
		}
		fmt.Fprintf(e.stderr, "Exported %d sites to %s (without passwords).\n", len(store.Sites()), args[1])
		return ExitOK
	}
	fmt.Fprintf(e.stderr, "ferry sites: unknown action %q\n", args[0])
	return ExitUsage
}

func (e *env) sitesList(store *sites.Store) int {
	sites := store.Sites()
	if len(sites) == 0 {
		fmt.Fprintln(e.stderr, "No saved sites. Add one with: ferry sites add NAME ftpes://user@host")
		return ExitOK
	}
	for _, s := range sites {
		extra := ""
		if s.Insecure() {
			extra = "\tINSECURE (plain FTP)"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s%s\n", s.FullName(), s.URL(s.RemoteDir), s.Logon, extra)
	}
	return ExitOK
}

// sitesAddEdit adds a site (old == nil) or edits one.
func (e *env) sitesAddEdit(ctx context.Context, store *sites.Store, sec *sites.Secrets, old *sites.Site, args []string) int {
	verb := "add"
	if old != nil {
		verb = "edit"
	}
	f := newSiteFlags(verb, e.stderr)
	positional, err := f.parse(args)
	if err != nil {
		return ExitUsage
	}
	var site sites.Site
	switch {
	case old == nil && len(positional) != 2:
		fmt.Fprintln(e.stderr, "ferry sites add: give NAME and URL, e.g. ferry sites add \"Office NAS\" ftpes://maria@nas.office.lan")
		return ExitUsage
	case old == nil:
		f.name, f.url = positional[0], positional[1]
		f.set["name"], f.set["url"] = true, true
	case len(positional) != 0:
		fmt.Fprintf(e.stderr, "ferry sites edit: unexpected %q (use --name, --url, ...)\n", positional)
		return ExitUsage
	default:
		site = *old
	}
	if err := f.edit(&site, old == nil); err != nil {
		return e.fail(err)
	}
	return e.saveSite(ctx, store, sec, site, old != nil, f.pwStdin)
}

// siteFlags are the flags of `ferry sites add` and `ferry sites edit`.
type siteFlags struct {
	fs                              *flag.FlagSet
	name, folder, url, logon, notes string
	localDir, clientCert, clientKey string
	pwStdin, tls12, allowPlain      bool
	maxConns                        int
	set                             map[string]bool // the flags given
}

func newSiteFlags(verb string, out io.Writer) *siteFlags {
	f := &siteFlags{fs: flag.NewFlagSet("sites "+verb, flag.ContinueOnError), set: map[string]bool{}}
	fs := f.fs
	fs.SetOutput(out)
	fs.StringVar(&f.name, "name", "", "a new name")
	fs.StringVar(&f.folder, "folder", "", "folder in the site manager, e.g. Clients/Acme")
	fs.StringVar(&f.url, "url", "", "a new address (ftpes://user@host:port/path)")
	fs.StringVar(&f.logon, "logon", "", "normal (password in the keyring), ask, or anonymous")
	fs.BoolVar(&f.pwStdin, "password-stdin", false, "read the password to save from standard input")
	fs.BoolVar(&f.tls12, "tls12", false, "use TLS 1.2 at most")
	fs.BoolVar(&f.allowPlain, "allow-plain", false, "allow a plain, unencrypted ftp:// address")
	fs.StringVar(&f.notes, "notes", "", "notes")
	fs.IntVar(&f.maxConns, "max-conns", 0, "most connections at once (default 8)")
	fs.StringVar(&f.localDir, "local-dir", "", "local folder to open on connect")
	fs.StringVar(&f.clientCert, "client-cert", "", "client certificate file (PEM or PKCS#12)")
	fs.StringVar(&f.clientKey, "client-key", "", "client key file (PEM), when not in the certificate file")
	return f
}

// parse parses args, whose flags may follow the positional arguments, and
// returns those.
func (f *siteFlags) parse(args []string) ([]string, error) {
	var positional []string
	for rest := args; ; {
		if err := f.fs.Parse(rest); err != nil {
			return nil, err
		}
		if f.fs.NArg() == 0 {
			break
		}
		positional = append(positional, f.fs.Arg(0))
		rest = f.fs.Args()[1:]
	}
	f.fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	return positional, nil
}

// edit changes site as the flags given say. For a new site the URL also
// sets the logon; for an edit, a URL without a path keeps the site's
// remote folder.
func (f *siteFlags) edit(site *sites.Site, isNew bool) error {
	if f.set["url"] {
		parsed, path, err := parseURL(f.url, f.allowPlain)
		if err != nil {
			return err
		}
		site.Host, site.Port, site.Encryption, site.User, site.AllowPlain = parsed.Host, parsed.Port, parsed.Encryption, parsed.User, parsed.AllowPlain
		if path != "" || isNew {
			site.RemoteDir = path
		}
		if isNew {
			site.Logon = parsed.Logon
		}
	}
	if f.set["logon"] {
		l, err := sites.ParseLogonType(f.logon)
		if err != nil {
			return usageError{err.Error()}
		}
		site.Logon = l
	}
	for _, field := range []struct {
		flag string
		set  func()
	}{
		{"name", func() { site.Name = f.name }},
		{"folder", func() { site.Folder = f.folder }},
		{"tls12", func() { site.TLS12Max = f.tls12 }},
		{"notes", func() { site.Notes = f.notes }},
		{"max-conns", func() { site.MaxConns = f.maxConns }},
		{"local-dir", func() { site.LocalDir = f.localDir }},
		{"client-cert", func() { site.ClientCert = f.clientCert }},
		{"client-key", func() { site.ClientKey = f.clientKey }},
	} {
		if f.set[field.flag] {
			field.set()
		}
	}
	return nil
}

// saveSite adds site (or, with update, saves its changes) and its
// password: asked for a new site with the normal logon and a user, and
// read for an edit with --password-stdin. When the keyring refuses the
// password, the site asks for it on each connect (sites.SavePassword).
func (e *env) saveSite(ctx context.Context, store *sites.Store, sec *sites.Secrets, site sites.Site, update, pwStdin bool) int {
	password := ""
	if site.Logon == sites.LogonNormal && site.User != "" && (!update || pwStdin) {
		pw, err := e.password(&connFlags{passwordStdin: pwStdin}, site)
		if err != nil {
			return e.fail(err)
		}
		password = pw
	}
	var err error
	if update {
		err = store.Update(site)
	} else {
		site, err = store.Add(site)
	}
	if err != nil {
		return e.fail(usageError{err.Error()})
	}
	if password != "" {
		if err := sites.SavePassword(ctx, store, sec, site.ID, password); err != nil {
			fmt.Fprintf(e.stderr, "ferry: %v\nThe site is saved to ask for the password on each connect.\n", err)
			return ExitError
		}
	}
	what := "Added"
	if update {
		what = "Updated"
	}
	fmt.Fprintf(e.stderr, "%s %q (%s).\n", what, site.Name, site.URL(site.RemoteDir))
	return ExitOK
}

// sitesImport reads FileZilla's sitemanager.xml or a Ferry export, as
// sites.ImportFile does, and prints what it did.
func (e *env) sitesImport(ctx context.Context, store *sites.Store, sec *sites.Secrets, file string) int {
	f, err := os.Open(file)
	if err != nil {
		return e.fail(err)
	}
	im, err := sites.ImportFile(store, f)
	f.Close()
	if err != nil {
		return e.fail(err)
	}
	im.SavePasswords(ctx, sec)
	fmt.Fprintln(e.stderr, im.Report())
	return ExitOK
}

// importFile is the file `ferry sites import` reads: the one named, else
// FileZilla's own site manager where it is.
func (e *env) importFile(args []string) (string, bool) {
	file, found := sites.FileZillaSiteManager()
	switch {
	case len(args) == 1:
		return args[0], true
	case len(args) > 1 || !found:
		fmt.Fprintln(e.stderr, "ferry sites import: give one file (FileZilla's sitemanager.xml, or a Ferry export); FileZilla's own is not at "+file)
		return "", false
	}
	fmt.Fprintf(e.stderr, "Importing FileZilla's site manager, %s.\n", file)
	return file, true
}
