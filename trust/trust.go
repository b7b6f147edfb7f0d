package trust

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ferryftps/ferry/internal/config"
)

// This file holds the certificate trust decision: what a person is shown
// about a server's certificate (CertInfo), the question asked (Question,
// Prompter), the error that carries the question out of the TLS handshake
// (UntrustedError), the certificates the person chose to trust always
// (TrustStore) and the verifier tying them together (Trust).
//
// The TLS handshake never waits for a person: Trust.Verifier answers at once,
// with nil or with an *UntrustedError. A higher layer catches that error,
// asks a Prompter, records the answer with Trust.Decide and dials again.

// Sentinel errors of the trust decision, for errors.Is.
var (
	// ErrCertUntrusted: the server's certificate is neither vouched for by a
	// certificate authority nor trusted by the person. The error is an
	// *UntrustedError carrying the question to ask.
	ErrCertUntrusted = errors.New("the server's certificate is not trusted")
	// ErrCertChanged: the server presented a certificate other than the one
	// the person chose to trust always for that server. The error is an
	// *UntrustedError carrying the question to ask, with the old certificate.
	ErrCertChanged = errors.New("the server's certificate changed since you trusted it")
	// ErrCertRejected: the person said no to the server's certificate.
	ErrCertRejected = errors.New("you did not trust the server's certificate, so Ferry did not connect")
)

// Name is a certificate's subject or issuer, as a person reads it.
type Name struct {
	CN string   // common name
	O  []string // organization
	OU []string // organizational unit
	C  []string // country
}

func nameOf(n pkix.Name) Name {
	return Name{CN: n.CommonName, O: n.Organization, OU: n.OrganizationalUnit, C: n.Country}
}

// String gives the name in the usual order, "CN=host, OU=unit, O=org, C=DE",
// leaving out the empty parts; "" if every part is empty.
func (n Name) String() string {
	var parts []string
	if n.CN != "" {
		parts = append(parts, "CN="+n.CN)
	}
	for _, s := range n.OU {
		parts = append(parts, "OU="+s)
	}
	for _, s := range n.O {
		parts = append(parts, "O="+s)
	}
	for _, s := range n.C {
		parts = append(parts, "C="+s)
	}
	return strings.Join(parts, ", ")
}

// short is the name to show where there is room for one word: the common
// name, else the organization, else the whole name.
func (n Name) short() string {
	switch {
	case n.CN != "":
		return n.CN
	case len(n.O) > 0:
		return n.O[0]
	case n.String() != "":
		return n.String()
	default:
		return "(no name)"
	}
}

// ChainCert is one certificate the server presented, in brief.
type ChainCert struct {
	Subject  string    // the subject's common name (else its organization)
	Issuer   string    // the issuer's common name (else its organization)
	SHA256   string    // SHA-256 fingerprint, "AB:CD:..."
	NotAfter time.Time // end of validity
}

// CertInfo is what a person needs to decide whether to trust a server's
// certificate, taken from the chain the server presented. It is a plain
// value, safe to copy and to read from any goroutine.
type CertInfo struct {
	Host string // the server as the user typed it (IPv6 without brackets)
	Port int

	Subject Name
	Issuer  Name
	// Subject alternative names: the servers the certificate is for.
	DNSNames    []string
	IPAddresses []string
	Emails      []string
	URIs        []string

	NotBefore   time.Time
	NotAfter    time.Time
	Expired     bool // NotAfter is past
	NotYetValid bool // NotBefore is still to come

	Serial             string // hex, "01:A2:..."
	KeyAlgorithm       string // "RSA 2048 bits", "ECDSA P-256", "Ed25519"
	SignatureAlgorithm string // "SHA256-RSA", "ECDSA-SHA256", ...
	SHA256             string // fingerprint of the leaf certificate, "AB:CD:..."
	SHA1               string // fingerprint of the leaf certificate, "AB:CD:..."
	SelfSigned         bool   // the certificate vouches for itself

	// Chain lists every certificate the server presented, leaf first.
	Chain []ChainCert

	TLSVersion  string // "TLS 1.3"; empty when not known
	CipherSuite string // "TLS_AES_128_GCM_SHA256"; empty when not known

	// HostMatches says whether the certificate names Host.
	HostMatches bool
	// ChainError says, in plain words, why no certificate authority vouches
	// for the certificate, dates and host name aside (self-signed, unknown
	// authority, ...); empty when one does.
	ChainError string
	// SystemError says, in plain words, why the certificate authorities
	// (the system's, or Trust.Roots) do not vouch for this certificate for
	// Host at this time; empty when they do, and then nobody is asked.
	SystemError string

	// Leaf is the leaf certificate in DER, what the trust store pins.
	Leaf []byte
}

// NewCertInfo describes the certificate chain in cs, presented by host:port,
// checked against roots (nil: the system's certificate authorities) at the
// time now. It never fails: a missing or unreadable chain shows in
// SystemError.
func NewCertInfo(host string, port int, cs tls.ConnectionState, roots *x509.CertPool, now time.Time) CertInfo {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	info := CertInfo{Host: host, Port: port}
	if cs.Version != 0 {
		info.TLSVersion = tls.VersionName(cs.Version)
	}
	if cs.CipherSuite != 0 {
		info.CipherSuite = tls.CipherSuiteName(cs.CipherSuite)
	}
	if len(cs.PeerCertificates) == 0 || cs.PeerCertificates[0] == nil {
		info.SystemError = "the server presented no certificate"
		info.ChainError = info.SystemError
		return info
	}
	leaf := cs.PeerCertificates[0]
	info.Leaf = leaf.Raw
	info.Subject = nameOf(leaf.Subject)
	info.Issuer = nameOf(leaf.Issuer)
	info.DNSNames = leaf.DNSNames
	for _, ip := range leaf.IPAddresses {
		info.IPAddresses = append(info.IPAddresses, ip.String())
	}
	info.Emails = leaf.EmailAddresses
	for _, u := range leaf.URIs {
		info.URIs = append(info.URIs, u.String())
	}
	info.NotBefore, info.NotAfter = leaf.NotBefore, leaf.NotAfter
	info.Expired = now.After(leaf.NotAfter)
	info.NotYetValid = now.Before(leaf.NotBefore)
	info.Serial = certSerial(leaf)
	info.KeyAlgorithm = certKeyAlgorithm(leaf)
	info.SignatureAlgorithm = leaf.SignatureAlgorithm.String()
	sum256 := sha256.Sum256(leaf.Raw)
	sum1 := sha1.Sum(leaf.Raw)
	info.SHA256 = certColonHex(sum256[:])
	info.SHA1 = certColonHex(sum1[:])
	info.SelfSigned = certSelfSigned(leaf)
	for _, c := range cs.PeerCertificates {
		if c == nil {
			continue
		}
		sum := sha256.Sum256(c.Raw)
		info.Chain = append(info.Chain, ChainCert{
			Subject:  nameOf(c.Subject).short(),
			Issuer:   nameOf(c.Issuer).short(),
			SHA256:   certColonHex(sum[:]),
			NotAfter: c.NotAfter,
		})
	}
	info.HostMatches = leaf.VerifyHostname(host) == nil

	intermediates := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		if c != nil {
			intermediates.AddCert(c)
		}
	}
	_, verifyErr := leaf.Verify(x509.VerifyOptions{
		DNSName: host, Roots: roots, Intermediates: intermediates, CurrentTime: now,
	})
	info.ChainError = certChainError(leaf, intermediates, roots, now, info.SelfSigned)
	if verifyErr != nil {
		if w := info.problems(); len(w) > 0 {
			info.SystemError = w[0]
		} else {
			info.SystemError = certChainProblem(verifyErr, leaf, info.SelfSigned)
		}
	}
	return info
}

// Warnings lists, in plain words and the most serious first, every problem
// with the certificate: another host name, expired, not yet valid, no
// authority vouches for it, weak key or signature. A certificate that
// changed since it was trusted is told by the Question, not here.
func (c CertInfo) Warnings() []string {
	w := c.problems()
	if c.SystemError != "" && !slices.Contains(w, c.SystemError) {
		w = append(w, c.SystemError)
	}
	if bits, ok := strings.CutPrefix(c.KeyAlgorithm, "RSA "); ok {
		if n, err := strconv.Atoi(strings.TrimSuffix(bits, " bits")); err == nil && n < 2048 {
			w = append(w, "the certificate's key is weak ("+c.KeyAlgorithm+")")
		}
	}
	switch c.SignatureAlgorithm {
	case x509.MD2WithRSA.String(), x509.MD5WithRSA.String(), x509.SHA1WithRSA.String(),
		x509.DSAWithSHA1.String(), x509.ECDSAWithSHA1.String():
		w = append(w, "the certificate is signed with an outdated algorithm ("+c.SignatureAlgorithm+")")
	}
	return w
}

// problems lists the reasons, most serious first, why certificate
// authorities would not vouch for the certificate for Host now.
func (c CertInfo) problems() []string {
	var w []string
	if len(c.Leaf) > 0 && !c.HostMatches {
		w = append(w, c.hostWarning())
	}
	if c.Expired {
		w = append(w, "the certificate expired on "+c.NotAfter.UTC().Format(time.DateOnly))
	}
	if c.NotYetValid {
		w = append(w, "the certificate is not valid before "+c.NotBefore.UTC().Format(time.DateOnly)+" (or this computer's clock is wrong)")
	}
	if c.ChainError != "" {
		w = append(w, c.ChainError)
	}
	return w
}

func (c CertInfo) hostWarning() string {
	names := append(slices.Clip(c.DNSNames), c.IPAddresses...)
	if len(names) == 0 && c.Subject.CN != "" {
		names = []string{c.Subject.CN}
	}
	if len(names) == 0 {
		return "the certificate names no server, so nothing says it is for " + c.Host
	}
	const show = 3
	list := strings.Join(names[:min(len(names), show)], ", ")
	if len(names) > show {
		list += fmt.Sprintf(" (and %d more)", len(names)-show)
	}
	return fmt.Sprintf("the certificate is for %s, not for %s", list, c.Host)
}

func (c CertInfo) addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// certChainError says why no authority vouches for leaf, its dates and host
// name aside; "" if one does.
func certChainError(leaf *x509.Certificate, intermediates, roots *x509.CertPool, now time.Time, selfSigned bool) string {
	opts := x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: now}
	_, err := leaf.Verify(opts)
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired && invalid.Cert != nil && bytes.Equal(invalid.Cert.Raw, leaf.Raw) {
		// The leaf is out of its validity (reported apart): look at the
		// chain at a moment inside it. A chain certificate out of its
		// validity then too is a matter of dates, also reported apart.
		opts.CurrentTime = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
		_, err = leaf.Verify(opts)
		if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
			return ""
		}
	}
	if err == nil {
		return ""
	}
	return certChainProblem(err, leaf, selfSigned)
}

// certChainProblem turns an error of x509.Certificate.Verify into plain words.
func certChainProblem(err error, leaf *x509.Certificate, selfSigned bool) string {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostErr  x509.HostnameError
		rootsErr x509.SystemRootsError
		insecure x509.InsecureAlgorithmError
	)
	switch {
	case selfSigned && (errors.As(err, &unknown) || errors.As(err, &rootsErr)):
		return "the certificate is self-signed: no certificate authority vouches for it"
	case errors.As(err, &unknown):
		return "the certificate is signed by an unknown authority (" + nameOf(leaf.Issuer).short() + ")"
	case errors.As(err, &rootsErr):
		return "no certificate authorities are installed on this computer to check the certificate"
	case errors.As(err, &hostErr):
		return "the certificate is not for this server's name"
	case errors.As(err, &insecure):
		return "the certificate is signed with an insecure algorithm (" + x509.SignatureAlgorithm(insecure).String() + ")"
	case errors.As(err, &invalid):
		who := "a certificate in the chain"
		if invalid.Cert != nil {
			who += " (" + nameOf(invalid.Cert.Subject).short() + ")"
		}
		switch invalid.Reason {
		case x509.Expired:
			return who + " has expired or is not yet valid"
		case x509.NotAuthorizedToSign:
			return who + " signed the certificate without being allowed to sign others"
		case x509.IncompatibleUsage:
			return "the certificate is not meant for servers"
		case x509.CANotAuthorizedForThisName, x509.CANotAuthorizedForExtKeyUsage, x509.NameConstraintsWithoutSANs:
			return "the authority that signed the certificate may not vouch for it"
		case x509.TooManyIntermediates:
			return "the certificate chain is too long"
		}
		return "the certificate chain is invalid: " + err.Error()
	}
	return "the certificate could not be checked: " + err.Error()
}

// certSelfSigned reports whether c vouches for itself: same subject and
// issuer, signed with its own key (or, for an algorithm Go refuses to check,
// no sign of another signer's key).
func certSelfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawSubject, c.RawIssuer) {
		return false
	}
	if c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil {
		return true
	}
	return len(c.AuthorityKeyId) == 0 || bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId)
}

func certKeyAlgorithm(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits", k.N.BitLen())
	case *ecdsa.PublicKey:
		if k.Curve != nil {
			return "ECDSA " + k.Curve.Params().Name
		}
		return "ECDSA"
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}

func certSerial(c *x509.Certificate) string {
	if c.SerialNumber == nil {
		return ""
	}
	b := c.SerialNumber.Bytes()
	if len(b) == 0 {
		b = []byte{0}
	}
	s := certColonHex(b)
	if c.SerialNumber.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// certColonHex writes b as "AB:CD:EF".
func certColonHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, len(b)*3)
	for i, x := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[x>>4], digits[x&0x0f])
	}
	return string(out)
}

// parseSHA256 reads a SHA-256 fingerprint written in hex, with or without
// colons, in any case, optionally prefixed with "sha256:".
func parseSHA256(s string) ([32]byte, error) {
	var sum [32]byte
	t := strings.TrimSpace(s)
	if len(t) >= 7 && strings.EqualFold(t[:7], "sha256:") {
		t = t[7:]
	}
	t = strings.ReplaceAll(t, ":", "")
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != len(sum) {
		return sum, fmt.Errorf("%q is not a SHA-256 fingerprint (64 hex digits, colons allowed)", s)
	}
	copy(sum[:], b)
	return sum, nil
}

// trustHost is the form of a host name used as a key: IP addresses in
// canonical form without brackets, names in lower case without a final dot.
func trustHost(host string) string {
	h := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(host), "["), "]")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String()
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

func trustKey(host string, port int) string {
	return net.JoinHostPort(trustHost(host), strconv.Itoa(port))
}

// Answer is what the person decided about a certificate.
type Answer int

// The answers. The zero value is Reject.
const (
	// Reject: do not connect.
	Reject Answer = iota
	// TrustOnce: connect, and trust this certificate for this server until
	// Ferry quits.
	Once
	// TrustAlways: connect, and remember this certificate for this server.
	Always
)

// String names the answer as a person would: "reject", "trust once",
// "always trust".
func (a Answer) String() string {
	switch a {
	case Reject:
		return "reject"
	case Once:
		return "trust once"
	case Always:
		return "always trust"
	}
	return "Answer(" + strconv.Itoa(int(a)) + ")"
}

// Question asks a person whether to trust a server's certificate.
type Question struct {
	// Info describes the certificate the server presents now.
	Info CertInfo
	// Changed: the person chose earlier to always trust another certificate
	// for this server. Say so loudly: someone may be intercepting.
	Changed bool
	// Previous describes the certificate trusted before, when Changed.
	Previous *CertInfo
}

// Prompter asks a person whether to trust a certificate. The GUI answers
// with a dialog, the command line with a flag or a terminal prompt.
type Prompter interface {
	// AskTrust is called off the UI goroutine and may block until the
	// person answers. When ctx is cancelled the prompter gives up (closes
	// its dialog) and returns ctx.Err() or another error.
	AskTrust(ctx context.Context, q Question) (Answer, error)
}

// UntrustedError is returned by a Trust verifier, hence by a TLS handshake
// and by Dial, when the server's certificate needs a person's decision. It
// matches ErrCertChanged (errors.Is) when Question.Changed, else
// ErrCertUntrusted.
type UntrustedError struct {
	Question Question
}

// Error says in plain words why the certificate is not trusted, naming the
// server and the certificate's SHA-256 fingerprint (both fingerprints when it
// changed).
func (e *UntrustedError) Error() string {
	q := e.Question
	if q.Changed {
		prev := "(unknown)"
		if q.Previous != nil && q.Previous.SHA256 != "" {
			prev = q.Previous.SHA256
		}
		return fmt.Sprintf("the server's certificate CHANGED since you trusted it: %s now presents a certificate with SHA-256 fingerprint %s, but the one you trusted has %s; someone may be intercepting the connection, or the server got a new certificate: check with its administrator before trusting it",
			q.Info.addr(), q.Info.SHA256, prev)
	}
	why := "no certificate authority vouches for it"
	if w := q.Info.Warnings(); len(w) > 0 {
		why = w[0]
	}
	return fmt.Sprintf("the server's certificate is not trusted: %s (%s, SHA-256 %s)", why, q.Info.addr(), q.Info.SHA256)
}

// Is makes errors.Is(err, ErrCertChanged) true for a changed certificate and
// errors.Is(err, ErrCertUntrusted) true for any other untrusted one.
func (e *UntrustedError) Is(target error) bool {
	switch target {
	case ErrCertChanged:
		return e.Question.Changed
	case ErrCertUntrusted:
		return !e.Question.Changed
	}
	return false
}

// TrustFileName is the trust store's file in its folder.
const FileName = "trusted-certificates.json"

// TrustEntry is one certificate a person chose to trust always for one
// server.
type Entry struct {
	Host     string // lower case for names; IPv6 without brackets
	Port     int
	SHA256   string    // fingerprint of the certificate, "AB:CD:..."
	Subject  string    // the certificate's subject, Name.String form
	NotAfter time.Time // end of the certificate's validity
	Added    time.Time // when the person trusted it

	der []byte
}

// Info describes the stored certificate (the leaf only: the chain is not
// stored), checked against the system's certificate authorities now.
func (e Entry) Info() (CertInfo, error) {
	return e.info(nil, time.Now())
}

func (e Entry) info(roots *x509.CertPool, now time.Time) (CertInfo, error) {
	cert, err := x509.ParseCertificate(e.der)
	if err != nil {
		return CertInfo{}, fmt.Errorf("the trusted certificate for %s: %w", trustKey(e.Host, e.Port), err)
	}
	cs := tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}
	return NewCertInfo(e.Host, e.Port, cs, roots, now), nil
}

// trustFile is the trust store's JSON form.
type trustFile struct {
	Version int              `json:"version"`
	Entries []trustFileEntry `json:"entries"`
}

type trustFileEntry struct {
	Host     string    `json:"host"`
	Port     int       `json:"port"`
	SHA256   string    `json:"sha256"`
	DER      []byte    `json:"der"` // base64 (standard encoding)
	Subject  string    `json:"subject"`
	NotAfter time.Time `json:"notAfter"`
	Added    time.Time `json:"added"`
}

const trustFileVersion = 1

// TrustStore holds the certificates a person chose to trust always, one per
// server (host and port), in the file TrustFileName of a folder, written
// atomically with mode 0600. Only certificates (public) are stored, never a
// key. It is read once, when opened; Pin and Remove re-read the file and
// write it at once, so that another Ferry process's pins are kept. A
// TrustStore is safe for concurrent use.
type Store struct {
	path string

	mu      sync.Mutex
	entries map[string]Entry // by trustKey
}

// OpenTrustStore opens the trust store in dir. A missing file is an empty
// store (the file is created by the first Pin). A file that cannot be read
// or parsed, or holds an entry whose certificate does not match its
// fingerprint, is an error naming the file: a pinned certificate is never
// silently forgotten.
func OpenStore(dir string) (*Store, error) {
	s := &Store{path: filepath.Join(dir, FileName)}
	entries, err := s.load()
	if err != nil {
		return nil, err
	}
	s.entries = entries
	return s, nil
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

func (s *Store) load() (map[string]Entry, error) {
	entries := make(map[string]Entry)
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return entries, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the trusted certificates: %w", err)
	}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("the trusted certificates file %s is damaged: %w", s.path, fmt.Errorf(format, args...))
	}
	var f trustFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, corrupt("%w", err)
	}
	if f.Version != trustFileVersion {
		return nil, corrupt("unknown version %d (this Ferry reads version %d)", f.Version, trustFileVersion)
	}
	for i, fe := range f.Entries {
		if trustHost(fe.Host) == "" || fe.Port < 1 || fe.Port > 65535 {
			return nil, corrupt("entry %d: bad server %q port %d", i+1, fe.Host, fe.Port)
		}
		if _, err := x509.ParseCertificate(fe.DER); err != nil {
			return nil, corrupt("entry %d (%s): %w", i+1, trustKey(fe.Host, fe.Port), err)
		}
		want, err := parseSHA256(fe.SHA256)
		if err != nil || want != sha256.Sum256(fe.DER) {
			return nil, corrupt("entry %d (%s): the fingerprint does not match the certificate", i+1, trustKey(fe.Host, fe.Port))
		}
		e := Entry{
			Host: trustHost(fe.Host), Port: fe.Port, SHA256: certColonHex(want[:]),
			Subject: fe.Subject, NotAfter: fe.NotAfter, Added: fe.Added, der: fe.DER,
		}
		entries[trustKey(e.Host, e.Port)] = e
	}
	return entries, nil
}

// save writes entries to the file. The caller holds s.mu.
func (s *Store) save(entries map[string]Entry) error {
	f := trustFile{Version: trustFileVersion, Entries: []trustFileEntry{}}
	for _, e := range sortedEntries(entries) {
		f.Entries = append(f.Entries, trustFileEntry{
			Host: e.Host, Port: e.Port, SHA256: e.SHA256, DER: e.der,
			Subject: e.Subject, NotAfter: e.NotAfter, Added: e.Added,
		})
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("saving the trusted certificates to %s: %w", s.path, err)
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("saving the trusted certificates: %w", err)
	}
	return config.WriteFileAtomic(s.path, append(data, '\n'), 0o600)
}

func sortedEntries(m map[string]Entry) []Entry {
	list := make([]Entry, 0, len(m))
	for _, e := range m {
		list = append(list, e)
	}
	slices.SortFunc(list, func(a, b Entry) int {
		if c := strings.Compare(a.Host, b.Host); c != 0 {
			return c
		}
		return a.Port - b.Port
	})
	return list
}

// Lookup returns the certificate trusted always for host:port. Host names
// compare without regard to case; IPv6 addresses with or without brackets.
func (s *Store) Lookup(host string, port int) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[trustKey(host, port)]
	return e, ok
}

// List returns the trusted certificates sorted by host, then port.
func (s *Store) List() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedEntries(s.entries)
}

// Pin trusts info's leaf certificate always for info.Host and info.Port,
// replacing the certificate trusted before for that server, and saves the
// store at once.
func (s *Store) Pin(info CertInfo) error {
	host := trustHost(info.Host)
	if host == "" || info.Port < 1 || info.Port > 65535 {
		return fmt.Errorf("cannot trust a certificate for %q port %d: no such server", info.Host, info.Port)
	}
	cert, err := x509.ParseCertificate(info.Leaf)
	if err != nil {
		return fmt.Errorf("cannot trust the certificate of %s: %w", trustKey(host, info.Port), err)
	}
	sum := sha256.Sum256(cert.Raw)
	subject := nameOf(cert.Subject).String()
	if subject == "" {
		subject = strings.Join(append(slices.Clip(cert.DNSNames), info.IPAddresses...), ", ")
	}
	e := Entry{
		Host: host, Port: info.Port, SHA256: certColonHex(sum[:]), Subject: subject,
		NotAfter: cert.NotAfter.UTC(), Added: time.Now().UTC().Truncate(time.Second),
		der: slices.Clone(cert.Raw),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := s.load()
	if err != nil {
		return err
	}
	entries[trustKey(host, info.Port)] = e
	if err := s.save(entries); err != nil {
		return err
	}
	s.entries = entries
	return nil
}

// Remove forgets the certificate trusted for host:port and saves the store
// at once. It returns an error wrapping fs.ErrNotExist if there is none.
func (s *Store) Remove(host string, port int) error {
	key := trustKey(host, port)
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := s.load()
	if err != nil {
		return err
	}
	if _, ok := entries[key]; !ok {
		s.entries = entries
		return fmt.Errorf("no trusted certificate for %s in %s: %w", key, s.path, fs.ErrNotExist)
	}
	delete(entries, key)
	if err := s.save(entries); err != nil {
		return err
	}
	s.entries = entries
	return nil
}

// Trust decides whether to trust servers' certificates: those a certificate
// authority vouches for, those trusted once during this run, and those the
// person chose to trust always (Store). Set the exported fields before use;
// after that a Trust is safe for concurrent use. The zero value trusts what
// the system's authorities vouch for and remembers answers for this run only.
type Policy struct {
	// Store holds the certificates trusted always. Nil: TrustAlways is
	// remembered for this run only, like TrustOnce.
	Store *Store
	// Roots are the certificate authorities. Nil: the system's.
	Roots *x509.CertPool
	// Now tells the time for validity checks. Nil: time.Now.
	Now func() time.Time

	mu   sync.Mutex
	once map[string][32]byte // trusted for this run, by trustKey
}

func (t *Policy) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Policy) remember(host string, port int, sum [32]byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.once == nil {
		t.once = make(map[string][32]byte)
	}
	t.once[trustKey(host, port)] = sum
}

func (t *Policy) rememberedFor(host string, port int) ([32]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sum, ok := t.once[trustKey(host, port)]
	return sum, ok
}

// Verifier returns the check for DialConfig.VerifyServer of a connection to
// host:port. It never blocks on a person. When Store pins a certificate for
// host:port, only that certificate (even if it has expired since: the person
// trusted that very certificate) or one trusted for this run passes; any
// other, even one a certificate authority vouches for, is a Changed
// question with the old certificate. Without a pin it returns nil when a
// certificate authority vouches for the certificate (valid now, for host)
// or when it was trusted for this run (TrustOnce, Accept). Otherwise it
// returns an *UntrustedError whose Question is to be put to a person. The
// returned function is safe for concurrent use.
func (t *Policy) Verifier(host string, port int) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 || cs.PeerCertificates[0] == nil {
			return fmt.Errorf("%s: the server presented no certificate", trustKey(host, port))
		}
		now := t.now()
		info := NewCertInfo(host, port, cs, t.Roots, now)
		sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
		// A pin is checked first: a certificate the person chose to trust
		// always that changes is never accepted silently, not even for one
		// a certificate authority vouches for.
		if t.Store != nil {
			if e, ok := t.Store.Lookup(host, port); ok {
				if pinned, err := parseSHA256(e.SHA256); err == nil && pinned == sum {
					return nil
				}
				if once, ok := t.rememberedFor(host, port); ok && once == sum {
					return nil
				}
				prev, err := e.info(t.Roots, now)
				if err != nil {
					prev = CertInfo{Host: e.Host, Port: e.Port, SHA256: e.SHA256, NotAfter: e.NotAfter}
				}
				return &UntrustedError{Question{Info: info, Changed: true, Previous: &prev}}
			}
		}
		if info.SystemError == "" {
			return nil
		}
		if once, ok := t.rememberedFor(host, port); ok && once == sum {
			return nil
		}
		return &UntrustedError{Question{Info: info}}
	}
}

// Decide puts q to p and records the answer: TrustOnce trusts the
// certificate for q.Info's server until this Trust is dropped; TrustAlways
// also pins it in Store (when Store is nil, it acts as TrustOnce). Reject
// returns an error wrapping ErrCertRejected. An error of p, or the end of
// ctx, is returned (wrapped) and nothing is recorded. Decide blocks while p
// does: call it off the UI goroutine. Safe for concurrent use.
func (t *Policy) Decide(ctx context.Context, p Prompter, q Question) error {
	addr := q.Info.addr()
	if len(q.Info.Leaf) == 0 {
		return fmt.Errorf("%s: the question holds no certificate", addr)
	}
	sum := sha256.Sum256(q.Info.Leaf)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("asking whether to trust %s: %w", addr, err)
	}
	ans, err := p.AskTrust(ctx, q)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("asking whether to trust %s: %w", addr, err)
	}
	switch ans {
	case Once:
	case Always:
		if t.Store != nil {
			if err := t.Store.Pin(q.Info); err != nil {
				return err
			}
		}
	case Reject:
		return fmt.Errorf("%s: %w", addr, ErrCertRejected)
	default:
		return fmt.Errorf("%s: unknown answer %d: %w", addr, int(ans), ErrCertRejected)
	}
	t.remember(q.Info.Host, q.Info.Port, sum)
	return nil
}

// Accept trusts the certificate with the given SHA-256 fingerprint for
// host:port during this run, as if the person had answered TrustOnce (the
// command line's --fingerprint sha256:HEX). The fingerprint is hex, with or
// without colons, in any case, optionally prefixed with "sha256:"; anything
// else is an error and nothing is trusted. Safe for concurrent use.
func (t *Policy) Accept(host string, port int, sha256Hex string) error {
	sum, err := parseSHA256(sha256Hex)
	if err != nil {
		return fmt.Errorf("trusting a certificate for %s: %w", trustKey(host, port), err)
	}
	t.remember(host, port, sum)
	return nil
}
