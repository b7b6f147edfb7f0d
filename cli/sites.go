package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
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
		if len(args) != 2 {
			fmt.Fprintln(e.stderr, "ferry sites import: give one file (FileZilla's sitemanager.xml, or a Ferry export)")
			return ExitUsage
		}
		return e.sitesImport(ctx, store, sec, args[1])
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
		name := s.Name
		if s.Folder != "" {
			name = s.Folder + "/" + s.Name
		}
		extra := ""
		if s.Insecure() {
			extra = "\tINSECURE (plain FTP)"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s%s\n", name, s.URL(s.RemoteDir), s.Logon, extra)
	}
	return ExitOK
}

// sitesAddEdit adds a site (old == nil) or edits one.
func (e *env) sitesAddEdit(ctx context.Context, store *sites.Store, sec *sites.Secrets, old *sites.Site, args []string) int {
	verb := "add"
	if old != nil {
		verb = "edit"
	}
	fs := flag.NewFlagSet("sites "+verb, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		name       = fs.String("name", "", "a new name")
		folder     = fs.String("folder", "", "folder in the site manager, e.g. Clients/Acme")
		url        = fs.String("url", "", "a new address (ftpes://user@host:port/path)")
		logon      = fs.String("logon", "", "normal (password in the keyring), ask, or anonymous")
		pwStdin    = fs.Bool("password-stdin", false, "read the password to save from standard input")
		tls12      = fs.Bool("tls12", false, "use TLS 1.2 at most")
		allowPlain = fs.Bool("allow-plain", false, "allow a plain, unencrypted ftp:// address")
		notes      = fs.String("notes", "", "notes")
		maxConns   = fs.Int("max-conns", 0, "most connections at once (default 4)")
		localDir   = fs.String("local-dir", "", "local folder to open on connect")
		clientCert = fs.String("client-cert", "", "client certificate file (PEM or PKCS#12)")
		clientKey  = fs.String("client-key", "", "client key file (PEM), when not in the certificate file")
	)
	var site sites.Site
	positional := []string{}
	// Flags may follow positional arguments: parse in rounds.
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if old == nil {
		if len(positional) != 2 {
			fmt.Fprintln(e.stderr, "ferry sites add: give NAME and URL, e.g. ferry sites add \"Office NAS\" ftpes://maria@nas.office.lan")
			return ExitUsage
		}
		*name, *url = positional[0], positional[1]
		set["name"], set["url"] = true, true
	} else {
		if len(positional) != 0 {
			fmt.Fprintf(e.stderr, "ferry sites edit: unexpected %q (use --name, --url, ...)\n", positional)
			return ExitUsage
		}
		site = *old
	}
	if set["url"] {
		parsed, path, err := sites.ParseURL(*url, *allowPlain)
		if err != nil {
			hint := ""
			if errors.Is(err, sites.ErrPlainRefused) {
				hint = " (pass --allow-plain to allow it)"
			}
			return e.fail(usageError{err.Error() + hint})
		}
		site.Host, site.Port, site.Encryption, site.User, site.AllowPlain = parsed.Host, parsed.Port, parsed.Encryption, parsed.User, parsed.AllowPlain
		if path != "" || old == nil { // no path: keep the site's remote folder
			site.RemoteDir = path
		}
		if old == nil {
			site.Logon = parsed.Logon
		}
	}
	if set["name"] {
		site.Name = *name
	}
	if set["folder"] {
		site.Folder = *folder
	}
	if set["logon"] {
		l, err := sites.ParseLogonType(*logon)
		if err != nil {
			return e.fail(usageError{err.Error()})
		}
		site.Logon = l
	}
	if set["tls12"] {
		site.TLS12Max = *tls12
	}
	if set["notes"] {
		site.Notes = *notes
	}
	if set["max-conns"] {
		site.MaxConns = *maxConns
	}
	if set["local-dir"] {
		site.LocalDir = *localDir
	}
	if set["client-cert"] {
		site.ClientCert = *clientCert
	}
	if set["client-key"] {
		site.ClientKey = *clientKey
	}

	password, havePassword := "", false
	if site.Logon == sites.LogonNormal && site.User != "" && (old == nil || *pwStdin) {
		pw, err := e.password(&connFlags{passwordStdin: *pwStdin}, site)
		if err != nil {
			return e.fail(err)
		}
		password, havePassword = pw, pw != ""
	}
	var err error
	if old == nil {
		site, err = store.Add(site)
	} else {
		err = store.Update(site)
	}
	if err != nil {
		return e.fail(usageError{err.Error()})
	}
	if havePassword {
		if err := sec.Set(ctx, site.ID, sites.SecretPassword, password); err != nil {
			// No keyring: never save the password anywhere else.
			site.Logon = sites.LogonAsk
			store.Update(site)
			fmt.Fprintf(e.stderr, "ferry: %v\nThe site is saved to ask for the password on each connect.\n", err)
			return ExitError
		}
	}
	what := "Added"
	if old != nil {
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
