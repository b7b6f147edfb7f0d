package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/trust"
)

// connFlags are the flags every command that connects takes.
type connFlags struct {
	passwordStdin bool
	fingerprint   string
	tls12         bool
	allowPlain    bool
	timeout       time.Duration
	minSpeed      byteRate
	minSpeedTime  time.Duration
}

func (f *connFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from standard input")
	fs.StringVar(&f.fingerprint, "fingerprint", "", "trust exactly the certificate with this SHA-256 fingerprint (sha256:HEX)")
	fs.BoolVar(&f.tls12, "tls12", false, "use TLS 1.2 at most")
	fs.BoolVar(&f.allowPlain, "allow-plain", false, "allow plain, unencrypted ftp:// URLs")
	fs.DurationVar(&f.timeout, "timeout", session.DefaultTimeout, "give up on a step (login, a reply, opening a data connection) that takes longer")
	f.minSpeed = session.DefaultMinSpeed
	fs.Var(&f.minSpeed, "min-speed", "a transfer slower than this (bytes a second, e.g. 1K, 500K) for --min-speed-time fails and is retried")
	fs.DurationVar(&f.minSpeedTime, "min-speed-time", session.DefaultMinSpeedTime, "how long a transfer may stay under --min-speed")
}

// byteRate is a flag value of bytes a second: 1024, 1K, 1.5M (K = 1024).
type byteRate int64

func (r *byteRate) String() string { return strconv.FormatInt(int64(*r), 10) }

func (r *byteRate) Set(s string) error {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "/s"), "B")
	mult := 1.0
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			mult, s = 1<<10, s[:n-1]
		case 'm', 'M':
			mult, s = 1<<20, s[:n-1]
		case 'g', 'G':
			mult, s = 1<<30, s[:n-1]
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f*mult > 1<<50 {
		return errors.New("give bytes a second, e.g. 1024, 1K or 2M")
	}
	*r = byteRate(f * mult)
	if *r == 0 {
		*r = -1 // zero means "no minimum", not "the default"
	}
	return nil
}

// usageError is a command line mistake: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// connect resolves target, gets the password, and dials with the trust
// rules: --fingerprint, the trust store, and a terminal question. It
// returns the connection and the absolute remote path the target names
// (a URL's path is relative to the login folder: see session.ParseURL).
func (e *env) connect(ctx context.Context, f *connFlags, target string) (*session.Conn, string, error) {
	k, path, err := e.connector(ctx, f, target)
	if err != nil {
		return nil, "", err
	}
	c, err := k.Dial(ctx)
	if err != nil {
		return nil, "", err
	}
	return c, session.ResolvePath(c.LoginDir(), path), nil
}

// connector resolves target and gets the password: it returns what dials
// the server (as often as needed, asking about its certificate at most
// once) and the path the target names, relative to the login folder
// unless it is absolute (session.ResolvePath makes it absolute).
func (e *env) connector(ctx context.Context, f *connFlags, target string) (*sites.Connector, string, error) {
	dir, err := config.Dir()
	if err != nil {
		return nil, "", err
	}
	site, path, _, err := resolveTarget(dir, target, f.allowPlain)
	if err != nil {
		return nil, "", err
	}
	if site.Encryption == session.Plain {
		fmt.Fprintln(e.stderr, "ferry: warning: plain FTP: the password and the files cross the network unencrypted")
	}
	site.TLS12Max = site.TLS12Max || f.tls12
	store, err := trust.OpenStore(dir)
	if err != nil {
		return nil, "", err
	}
	trust := &trust.Policy{Store: store}
	if f.fingerprint != "" {
		fp, ok := strings.CutPrefix(strings.ToLower(f.fingerprint), "sha256:")
		if !ok {
			return nil, "", usageError{"--fingerprint takes sha256:HEX, the certificate's SHA-256 fingerprint"}
		}
		if err := trust.Accept(site.Host, site.EffectivePort(), fp); err != nil {
			return nil, "", usageError{"--fingerprint: " + err.Error()}
		}
	}
	password, err := e.sitePassword(ctx, f, site)
	if err != nil {
		return nil, "", err
	}
	k := &sites.Connector{Site: site, Password: password, Trust: trust, Timeout: f.timeout,
		MinSpeed: int64(f.minSpeed), MinSpeedTime: f.minSpeedTime,
		ClientKeyPassphrase: sites.ClientKeyPassphrase(ctx, site, &sites.Secrets{})}
	if e.interactive() && f.fingerprint == "" {
		k.Prompter = &termPrompter{in: e.reader(), out: e.stderr, mu: &e.termMu}
	}
	return k, path, nil
}

// reader returns standard input, buffered once: the password, certificate
// and conflict questions all read from it.
func (e *env) reader() *bufio.Reader {
	if e.in == nil {
		e.in = bufio.NewReader(e.stdin)
	}
	return e.in
}

// resolveTarget reads a URL, or site:NAME[/path] naming a saved site
// (NAME may be "Folder/Name"; the longest name that matches wins). The
// path is as in a URL: relative to the login folder ("site:NAME/docs"),
// absolute after a second slash ("site:NAME//srv/docs"), and the site's
// remote folder when none is given.
func resolveTarget(dir, target string, allowPlain bool) (site sites.Site, path string, saved bool, err error) {
	if rest, ok := strings.CutPrefix(target, "site:"); ok {
		store, err := sites.OpenStore(dir)
		if err != nil {
			return site, "", false, err
		}
		parts := strings.Split(strings.TrimLeft(rest, "/"), "/")
		for i := len(parts); i >= 1; i-- {
			s, err := store.Find(strings.Join(parts[:i], "/"))
			if err != nil {
				if i == 1 {
					return site, "", false, usageError{err.Error()}
				}
				continue
			}
			path = strings.Join(parts[i:], "/")
			if path == "" {
				path = s.RemoteDir
			}
			if session.CheckPath(path) != nil {
				return site, "", false, usageError{fmt.Sprintf("%q: %v", target, session.ErrBadPath)}
			}
			return s, path, true, nil
		}
	}
	site, path, err = parseURL(target, allowPlain)
	return site, path, false, err
}

// parseURL is sites.ParseURL, its error a usage error that names
// --allow-plain when plain FTP was refused.
func parseURL(raw string, allowPlain bool) (sites.Site, string, error) {
	site, path, err := sites.ParseURL(raw, allowPlain)
	switch {
	case errors.Is(err, sites.ErrPlainRefused):
		return site, "", usageError{err.Error() + " (pass --allow-plain to allow it)"}
	case err != nil:
		return site, "", usageError{err.Error()}
	}
	return site, path, nil
}

// sitePassword finds the password as sites.Password does, asking on the
// terminal; --password-stdin skips the keyring and reads standard input.
func (e *env) sitePassword(ctx context.Context, f *connFlags, site sites.Site) (string, error) {
	var sec sites.SecretGetter
	if !f.passwordStdin {
		sec = &sites.Secrets{}
	}
	a, err := sites.Password(ctx, site, sec, termAsker{e: e, f: f})
	return a.Password, err
}

// termAsker answers password questions from standard input
// (--password-stdin) or the terminal, without echo.
type termAsker struct {
	e *env
	f *connFlags
}

var _ sites.PasswordAsker = termAsker{}

func (a termAsker) AskPassword(_ context.Context, q sites.PasswordQuestion) (sites.PasswordAnswer, error) {
	if q.Saved != nil {
		if q.KeyringFailed() {
			fmt.Fprintf(a.e.stderr, "ferry: %v\n", q.Saved)
		}
		if !a.e.interactive() {
			name := q.Site.Name
			return sites.PasswordAnswer{}, fmt.Errorf("no password for site %q: %w; save one with `ferry sites edit %q --password-stdin`, or pass --password-stdin", name, q.Saved, name)
		}
	}
	pw, err := a.e.password(a.f, q.Site)
	return sites.PasswordAnswer{Password: pw}, err
}

// interactive reports whether a person sits at the terminal.
func (e *env) interactive() bool {
	f, ok := e.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// password reads the password: from standard input's first line with
// --password-stdin, else from the terminal without echo. Never from argv.
func (e *env) password(f *connFlags, site sites.Site) (string, error) {
	if f.passwordStdin {
		line, err := e.reader().ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", usageError{"--password-stdin: no password on standard input"}
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if site.User == "" {
		return "", nil
	}
	fd, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(fd.Fd())) {
		return "", usageError{fmt.Sprintf("a password is needed for %s and there is no terminal to ask on: pass it with --password-stdin", site.User)}
	}
	fmt.Fprintf(e.stderr, "Password for %s@%s: ", site.User, site.Host)
	pw, err := term.ReadPassword(int(fd.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return string(pw), nil
}

// fail prints err in words (sites.Explain: what went wrong, what to do
// next) and returns the exit code for it.
func (e *env) fail(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "ferry: %v\n", err)
		return ExitUsage
	}
	var untrusted *trust.UntrustedError
	if errors.As(err, &untrusted) {
		q := untrusted.Question
		writeQuestion(e.stderr, q)
		fmt.Fprintf(e.stderr, "\nferry: %s\n", sites.Explain(err))
		fmt.Fprintf(e.stderr, "To trust exactly this certificate from a script, pass:\n  --fingerprint sha256:%s\n",
			strings.ReplaceAll(q.Info.SHA256, ":", ""))
		return ExitUntrusted
	}
	fmt.Fprintf(e.stderr, "ferry: %s\n", sites.Explain(err))
	switch {
	case errors.Is(err, trust.ErrCertRejected):
		return ExitUntrusted
	case errors.Is(err, session.ErrAuth):
		return ExitAuth
	}
	return ExitError
}

// termPrompter asks about certificates on the terminal.
type termPrompter struct {
	in  *bufio.Reader
	out io.Writer
	mu  *sync.Mutex // the terminal: one question at a time, no progress line meanwhile
}

var _ trust.Prompter = (*termPrompter)(nil)

func (p *termPrompter) AskTrust(ctx context.Context, q trust.Question) (trust.Answer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	writeQuestion(p.out, q)
	for i := 0; i < 5; i++ {
		fmt.Fprint(p.out, "\nTrust this certificate? [o]nce, [a]lways, [N]o: ")
		line, err := p.in.ReadString('\n')
		if err != nil && line == "" {
			return trust.Reject, err
		}
		if ctx.Err() != nil {
			return trust.Reject, ctx.Err()
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "o", "once":
			return trust.Once, nil
		case "a", "always":
			return trust.Always, nil
		case "", "n", "no":
			return trust.Reject, nil
		}
	}
	return trust.Reject, nil
}

// writeQuestion shows a certificate question: warnings first, then details.
func writeQuestion(w io.Writer, q trust.Question) {
	i := q.Info
	if q.Changed {
		fmt.Fprintf(w, "WARNING: the certificate of %s CHANGED since you chose to trust it.\n", hostPort(i.Host, i.Port))
		fmt.Fprintln(w, "Someone may be intercepting the connection, or the server got a new certificate.")
		if q.Previous != nil {
			fmt.Fprintf(w, "  trusted before: SHA-256 %s (%s, valid until %s)\n", q.Previous.SHA256, q.Previous.Subject, q.Previous.NotAfter.Format(time.DateOnly))
		}
		fmt.Fprintf(w, "  presented now:  SHA-256 %s\n", i.SHA256)
	} else {
		fmt.Fprintf(w, "The certificate of %s is not vouched for by any certificate authority.\n", hostPort(i.Host, i.Port))
	}
	for _, warn := range i.Warnings() {
		fmt.Fprintf(w, "  ! %s\n", warn)
	}
	fmt.Fprintf(w, "Subject:     %s\n", i.Subject)
	fmt.Fprintf(w, "Issuer:      %s\n", i.Issuer)
	names := append(append([]string{}, i.DNSNames...), i.IPAddresses...)
	fmt.Fprintf(w, "For:         %s\n", strings.Join(names, ", "))
	fmt.Fprintf(w, "Valid:       %s to %s\n", i.NotBefore.Format(time.DateTime), i.NotAfter.Format(time.DateTime))
	fmt.Fprintf(w, "Serial:      %s\n", i.Serial)
	fmt.Fprintf(w, "Key:         %s, signed with %s\n", i.KeyAlgorithm, i.SignatureAlgorithm)
	fmt.Fprintf(w, "SHA-256:     %s\n", i.SHA256)
	fmt.Fprintf(w, "SHA-1:       %s\n", i.SHA1)
	if i.TLSVersion != "" {
		fmt.Fprintf(w, "Connection:  %s, %s\n", i.TLSVersion, i.CipherSuite)
	}
	if len(i.Chain) > 1 {
		fmt.Fprintln(w, "Chain:")
		for _, c := range i.Chain {
			fmt.Fprintf(w, "  %s (issued by %s) %s\n", c.Subject, c.Issuer, c.SHA256)
		}
	}
}
