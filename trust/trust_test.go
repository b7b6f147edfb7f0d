package trust

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mint "github.com/ferryftps/ferry/internal/pki"
)

// testPKI is a test certificate authority and the server certificates the
// tests present.
type testPKI struct {
	caPool *x509.CertPool // holds only the test CA
	ca     *x509.Certificate

	good    tls.Certificate // CA-signed, localhost/127.0.0.1/::1, ECDSA P-256, chain leaf+CA
	self    tls.Certificate // self-signed, RSA 2048, localhost/127.0.0.1, email and URI SANs
	self2   tls.Certificate // another self-signed one for localhost, Ed25519
	expired tls.Certificate // CA-signed, localhost, expired yesterday
	notYet  tls.Certificate // CA-signed, localhost, valid from tomorrow
	other   tls.Certificate // CA-signed, for files.example.com only

	keys [][]byte // PKCS#8 of every private key, to prove none is stored
}

var testPKIOnce = sync.OnceValues(newTestPKI)

func pki(t testing.TB) *testPKI {
	t.Helper()
	p, err := testPKIOnce()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var serialSeq atomic.Int64

func newTestPKI() (*testPKI, error) {
	p := &testPKI{}
	now := time.Now()
	ecKey := func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

	caKey, err := ecKey()
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: "Ferry Test CA", Organization: []string{"Ferry Test"}},
		// Younger than the middle of the expired leaf's validity, on
		// purpose: the expired leaf must not be reported as having a bad
		// chain because of it.
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caCert, err := p.issue(caTmpl, nil, caKey, caKey)
	if err != nil {
		return nil, err
	}
	p.ca = caCert.Leaf
	p.caPool = x509.NewCertPool()
	p.caPool.AddCert(p.ca)

	leafTmpl := func(cn string, from, until time.Time, dns ...string) *x509.Certificate {
		return &x509.Certificate{
			Subject:     pkix.Name{CommonName: cn, Organization: []string{"Ferry Test"}, Country: []string{"DE"}},
			NotBefore:   from,
			NotAfter:    until,
			DNSNames:    dns,
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
	}
	localIPs := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}

	key, err := ecKey()
	if err != nil {
		return nil, err
	}
	tmpl := leafTmpl("localhost", now.Add(-time.Hour), now.Add(24*time.Hour), "localhost")
	tmpl.IPAddresses = localIPs
	if p.good, err = p.issue(tmpl, p.ca, caKey, key); err != nil {
		return nil, err
	}
	p.good.Certificate = append(p.good.Certificate, p.ca.Raw)

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl = leafTmpl("ftp.office.lan", now.Add(-time.Hour), now.Add(24*time.Hour), "localhost", "ftp.office.lan")
	tmpl.IPAddresses = localIPs[:1]
	tmpl.EmailAddresses = []string{"admin@office.lan"}
	u, _ := url.Parse("https://office.lan/ftp")
	tmpl.URIs = []*url.URL{u}
	if p.self, err = p.issue(tmpl, nil, rsaKey, rsaKey); err != nil {
		return nil, err
	}

	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl = leafTmpl("localhost", now.Add(-time.Hour), now.Add(24*time.Hour), "localhost")
	tmpl.IPAddresses = localIPs
	if p.self2, err = p.issue(tmpl, nil, edKey, edKey); err != nil {
		return nil, err
	}

	if key, err = ecKey(); err != nil {
		return nil, err
	}
	tmpl = leafTmpl("localhost", now.Add(-48*time.Hour), now.Add(-24*time.Hour), "localhost")
	if p.expired, err = p.issue(tmpl, p.ca, caKey, key); err != nil {
		return nil, err
	}

	if key, err = ecKey(); err != nil {
		return nil, err
	}
	tmpl = leafTmpl("localhost", now.Add(24*time.Hour), now.Add(48*time.Hour), "localhost")
	if p.notYet, err = p.issue(tmpl, p.ca, caKey, key); err != nil {
		return nil, err
	}

	if key, err = ecKey(); err != nil {
		return nil, err
	}
	tmpl = leafTmpl("files.example.com", now.Add(-time.Hour), now.Add(24*time.Hour), "files.example.com")
	if p.other, err = p.issue(tmpl, p.ca, caKey, key); err != nil {
		return nil, err
	}
	return p, nil
}

// issue signs tmpl (with parent, or self-signed when parent is nil) and
// returns it as a server certificate, keeping its key to prove later that
// none is stored.
func (p *testPKI) issue(tmpl, parent *x509.Certificate, parentKey, key crypto.Signer) (tls.Certificate, error) {
	tmpl.SerialNumber = big.NewInt(0x1000 + serialSeq.Add(1))
	var issuer *tls.Certificate
	if parent != nil {
		issuer = &tls.Certificate{Leaf: parent, PrivateKey: parentKey}
	}
	c, err := mint.Issue(tmpl, issuer, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	p.keys = append(p.keys, pk)
	return c, nil
}

// testServer is an in-process TLS server on 127.0.0.1 whose certificate
// can be swapped.
type testServer struct {
	port int
	cert atomic.Pointer[tls.Certificate]
}

func (s *testServer) set(c tls.Certificate) { s.cert.Store(&c) }

func serveTLS(t *testing.T, cert tls.Certificate) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{port: ln.Addr().(*net.TCPAddr).Port}
	s.set(cert)
	cfg := &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return s.cert.Load(), nil }}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				tc := tls.Server(c, cfg)
				if tc.Handshake() == nil {
					io.Copy(io.Discard, tc) // until the client closes
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return s
}

// handshake connects to port as a client of host with verify as its
// VerifyConnection and returns the handshake's error.
func handshake(t *testing.T, port int, host string, maxVersion uint16, verify func(tls.ConnectionState) error) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(c, &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: true,
		VerifyConnection:   verify,
		MaxVersion:         maxVersion,
	})
	err = tc.HandshakeContext(ctx)
	tc.Close()
	return err
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func asUntrusted(t *testing.T, err error) *UntrustedError {
	t.Helper()
	var ue *UntrustedError
	if !errors.As(err, &ue) {
		t.Fatalf("want an *UntrustedError, got %T %v", err, err)
	}
	return ue
}

// fakePrompter answers every question the same way and records them.
type fakePrompter struct {
	answer Answer
	err    error
	block  bool // wait for ctx to end

	mu    sync.Mutex
	asked []Question
}

func (p *fakePrompter) AskTrust(ctx context.Context, q Question) (Answer, error) {
	p.mu.Lock()
	p.asked = append(p.asked, q)
	p.mu.Unlock()
	if p.block {
		<-ctx.Done()
		return Reject, ctx.Err()
	}
	return p.answer, p.err
}

func (p *fakePrompter) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.asked)
}

var fingerprintRE = regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`)

func fingerprint(c tls.Certificate) string {
	sum := sha256.Sum256(c.Certificate[0])
	return certColonHex(sum[:])
}

func TestTrustVerifier(t *testing.T) {
	p := pki(t)
	date := func(tm time.Time) string { return tm.UTC().Format(time.DateOnly) }
	tests := []struct {
		name       string
		cert       tls.Certificate
		host       string
		roots      *x509.CertPool // nil: the test CA
		maxVersion uint16
		trusted    bool
		check      func(t *testing.T, info CertInfo)
	}{
		{
			name: "CA-valid passes silently", cert: p.good, host: "localhost", trusted: true,
			check: func(t *testing.T, info CertInfo) {
				if info.SystemError != "" || len(info.Warnings()) != 0 || !info.HostMatches {
					t.Errorf("SystemError %q, warnings %q, HostMatches %v", info.SystemError, info.Warnings(), info.HostMatches)
				}
				if info.KeyAlgorithm != "ECDSA P-256" || info.SignatureAlgorithm != "ECDSA-SHA256" {
					t.Errorf("key %q signature %q", info.KeyAlgorithm, info.SignatureAlgorithm)
				}
				if len(info.Chain) != 2 || info.Chain[0].Subject != "localhost" || info.Chain[0].Issuer != "Ferry Test CA" ||
					info.Chain[1].Subject != "Ferry Test CA" || info.Chain[1].SHA256 != certColonHex(sha256sum(p.ca.Raw)) ||
					!info.Chain[1].NotAfter.Equal(p.ca.NotAfter) {
					t.Errorf("chain %+v", info.Chain)
				}
				if info.SelfSigned || info.Issuer.CN != "Ferry Test CA" {
					t.Errorf("SelfSigned %v, issuer %v", info.SelfSigned, info.Issuer)
				}
			},
		},
		{name: "CA-valid by IPv4 address passes silently", cert: p.good, host: "127.0.0.1", trusted: true},
		{
			name: "CA-valid under TLS 1.2 passes silently", cert: p.good, host: "localhost", maxVersion: tls.VersionTLS12, trusted: true,
			check: func(t *testing.T, info CertInfo) {
				if info.TLSVersion != "TLS 1.2" || !strings.HasPrefix(info.CipherSuite, "TLS_ECDHE_ECDSA_") {
					t.Errorf("TLS %q cipher %q", info.TLSVersion, info.CipherSuite)
				}
			},
		},
		{
			name: "self-signed", cert: p.self, host: "localhost",
			check: func(t *testing.T, info CertInfo) {
				leaf := p.self.Leaf
				if !info.SelfSigned || info.SystemError != "the certificate is self-signed: no certificate authority vouches for it" {
					t.Errorf("SelfSigned %v, SystemError %q", info.SelfSigned, info.SystemError)
				}
				if info.SHA256 != fingerprint(p.self) || !fingerprintRE.MatchString(info.SHA256) {
					t.Errorf("SHA256 %q, want %q", info.SHA256, fingerprint(p.self))
				}
				if !regexp.MustCompile(`^([0-9A-F]{2}:){19}[0-9A-F]{2}$`).MatchString(info.SHA1) {
					t.Errorf("SHA1 %q", info.SHA1)
				}
				if info.KeyAlgorithm != "RSA 2048 bits" || info.SignatureAlgorithm != "SHA256-RSA" {
					t.Errorf("key %q signature %q", info.KeyAlgorithm, info.SignatureAlgorithm)
				}
				if !slices.Equal(info.DNSNames, []string{"localhost", "ftp.office.lan"}) ||
					!slices.Equal(info.IPAddresses, []string{"127.0.0.1"}) ||
					!slices.Equal(info.Emails, []string{"admin@office.lan"}) ||
					!slices.Equal(info.URIs, []string{"https://office.lan/ftp"}) {
					t.Errorf("SANs %q %q %q %q", info.DNSNames, info.IPAddresses, info.Emails, info.URIs)
				}
				if info.TLSVersion != "TLS 1.3" || !strings.HasPrefix(info.CipherSuite, "TLS_AES_") && !strings.HasPrefix(info.CipherSuite, "TLS_CHACHA20_") {
					t.Errorf("TLS %q cipher %q", info.TLSVersion, info.CipherSuite)
				}
				if info.Subject.String() != "CN=ftp.office.lan, O=Ferry Test, C=DE" || info.Issuer.String() != info.Subject.String() {
					t.Errorf("subject %q issuer %q", info.Subject, info.Issuer)
				}
				if info.Serial != certColonHex(leaf.SerialNumber.Bytes()) || !strings.Contains(info.Serial, ":") {
					t.Errorf("serial %q", info.Serial)
				}
				if !info.NotBefore.Equal(leaf.NotBefore) || !info.NotAfter.Equal(leaf.NotAfter) || info.Expired || info.NotYetValid {
					t.Errorf("validity %v..%v expired %v notYet %v", info.NotBefore, info.NotAfter, info.Expired, info.NotYetValid)
				}
				if !info.HostMatches || info.Host != "localhost" || info.Port == 0 {
					t.Errorf("host %q:%d matches %v", info.Host, info.Port, info.HostMatches)
				}
				if len(info.Chain) != 1 || info.Chain[0].Subject != "ftp.office.lan" || info.Chain[0].SHA256 != info.SHA256 {
					t.Errorf("chain %+v", info.Chain)
				}
				if string(info.Leaf) != string(leaf.Raw) {
					t.Error("Leaf is not the leaf's DER")
				}
				if w := info.Warnings(); len(w) != 1 || w[0] != info.SystemError {
					t.Errorf("warnings %q", w)
				}
			},
		},
		{
			name: "self-signed under TLS 1.2", cert: p.self, host: "localhost", maxVersion: tls.VersionTLS12,
			check: func(t *testing.T, info CertInfo) {
				if info.TLSVersion != "TLS 1.2" || !strings.HasPrefix(info.CipherSuite, "TLS_ECDHE_RSA_") {
					t.Errorf("TLS %q cipher %q", info.TLSVersion, info.CipherSuite)
				}
			},
		},
		{
			name: "self-signed Ed25519", cert: p.self2, host: "127.0.0.1",
			check: func(t *testing.T, info CertInfo) {
				if info.KeyAlgorithm != "Ed25519" || info.SignatureAlgorithm != "Ed25519" || !info.SelfSigned || !info.HostMatches {
					t.Errorf("key %q signature %q self-signed %v host matches %v", info.KeyAlgorithm, info.SignatureAlgorithm, info.SelfSigned, info.HostMatches)
				}
			},
		},
		{
			name: "host name mismatch", cert: p.other, host: "localhost",
			check: func(t *testing.T, info CertInfo) {
				want := "the certificate is for files.example.com, not for localhost"
				if info.HostMatches || info.SystemError != want || info.ChainError != "" || info.SelfSigned {
					t.Errorf("HostMatches %v SystemError %q ChainError %q", info.HostMatches, info.SystemError, info.ChainError)
				}
				if w := info.Warnings(); len(w) != 1 || w[0] != want {
					t.Errorf("warnings %q", w)
				}
			},
		},
		{
			name: "host name mismatch on self-signed comes first", cert: p.self, host: "files.example.com",
			check: func(t *testing.T, info CertInfo) {
				w := info.Warnings()
				if info.HostMatches || len(w) != 2 || !strings.HasPrefix(w[0], "the certificate is for localhost, ftp.office.lan, 127.0.0.1, not for files.example.com") ||
					!strings.Contains(w[1], "self-signed") || info.SystemError != w[0] {
					t.Errorf("warnings %q SystemError %q", w, info.SystemError)
				}
			},
		},
		{
			name: "expired", cert: p.expired, host: "localhost",
			check: func(t *testing.T, info CertInfo) {
				want := "the certificate expired on " + date(p.expired.Leaf.NotAfter)
				if !info.Expired || info.NotYetValid || info.SystemError != want || info.ChainError != "" {
					t.Errorf("Expired %v SystemError %q ChainError %q", info.Expired, info.SystemError, info.ChainError)
				}
			},
		},
		{
			name: "not yet valid", cert: p.notYet, host: "localhost",
			check: func(t *testing.T, info CertInfo) {
				if !info.NotYetValid || info.Expired || !strings.HasPrefix(info.SystemError, "the certificate is not valid before "+date(p.notYet.Leaf.NotBefore)) {
					t.Errorf("NotYetValid %v SystemError %q", info.NotYetValid, info.SystemError)
				}
			},
		},
		{
			name: "system roots do not know the test CA", cert: p.good, host: "localhost", roots: x509.NewCertPool(),
			check: func(t *testing.T, info CertInfo) {
				if info.SystemError != "the certificate is signed by an unknown authority (Ferry Test CA)" || info.SelfSigned {
					t.Errorf("SystemError %q", info.SystemError)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serveTLS(t, tt.cert)
			roots := tt.roots
			if roots == nil {
				roots = p.caPool
			}
			trust := &Policy{Store: mustOpen(t, t.TempDir()), Roots: roots}
			var seen *tls.ConnectionState
			verify := trust.Verifier(tt.host, srv.port)
			err := handshake(t, srv.port, tt.host, tt.maxVersion, func(cs tls.ConnectionState) error {
				seen = &cs
				return verify(cs)
			})
			var info CertInfo
			if tt.trusted {
				if err != nil {
					t.Fatalf("want a silent pass, got %v", err)
				}
				info = NewCertInfo(tt.host, srv.port, *seen, roots, time.Now())
			} else {
				ue := asUntrusted(t, err)
				if !errors.Is(err, ErrCertUntrusted) || errors.Is(err, ErrCertChanged) || ue.Question.Changed || ue.Question.Previous != nil {
					t.Errorf("errors.Is untrusted %v changed %v; question %+v", errors.Is(err, ErrCertUntrusted), errors.Is(err, ErrCertChanged), ue.Question)
				}
				info = ue.Question.Info
				if info.SystemError == "" || !strings.HasPrefix(err.Error(), "the server's certificate is not trusted: "+info.Warnings()[0]) ||
					!strings.Contains(err.Error(), info.SHA256) {
					t.Errorf("error text %q", err)
				}
				if info.Port != srv.port {
					t.Errorf("port %d, want %d", info.Port, srv.port)
				}
			}
			if tt.check != nil {
				tt.check(t, info)
			}
		})
	}
}

func sha256sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

func mustOpen(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// untrustedAt handshakes once with trust and returns the question asked.
func untrustedAt(t *testing.T, trust *Policy, port int) Question {
	t.Helper()
	return asUntrusted(t, handshake(t, port, "localhost", 0, trust.Verifier("localhost", port))).Question
}

func passes(t *testing.T, trust *Policy, port int) bool {
	t.Helper()
	err := handshake(t, port, "localhost", 0, trust.Verifier("localhost", port))
	if err != nil && !errors.Is(err, ErrCertUntrusted) && !errors.Is(err, ErrCertChanged) {
		t.Fatalf("handshake: %v", err)
	}
	return err == nil
}

func TestTrustDecide(t *testing.T) {
	p := pki(t)
	srv := serveTLS(t, p.self)
	ctx := context.Background()

	t.Run("trust always persists", func(t *testing.T) {
		dir := t.TempDir()
		trust := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
		q := untrustedAt(t, trust, srv.port)
		pr := &fakePrompter{answer: Always}
		if err := trust.Decide(ctx, pr, q); err != nil {
			t.Fatal(err)
		}
		if pr.count() != 1 || pr.asked[0].Info.SHA256 != fingerprint(p.self) {
			t.Fatalf("asked %d questions", pr.count())
		}
		if !passes(t, trust, srv.port) {
			t.Error("not trusted by the Trust that decided")
		}
		again := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
		if !passes(t, again, srv.port) {
			t.Error("not trusted through the re-opened store")
		}
		e, ok := again.Store.Lookup("LocalHost", srv.port)
		if !ok || e.SHA256 != fingerprint(p.self) || e.Host != "localhost" || e.Subject != "CN=ftp.office.lan, O=Ferry Test, C=DE" ||
			!e.NotAfter.Equal(p.self.Leaf.NotAfter) || time.Since(e.Added) > time.Minute {
			t.Errorf("entry %+v %v", e, ok)
		}
		checkTrustFile(t, dir, p)
	})

	t.Run("trust once lasts for this Trust only", func(t *testing.T) {
		dir := t.TempDir()
		trust := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
		if err := trust.Decide(ctx, &fakePrompter{answer: Once}, untrustedAt(t, trust, srv.port)); err != nil {
			t.Fatal(err)
		}
		if !passes(t, trust, srv.port) {
			t.Error("not trusted by the Trust that decided")
		}
		if passes(t, &Policy{Store: trust.Store, Roots: p.caPool}, srv.port) {
			t.Error("trusted by another Trust")
		}
		if passes(t, &Policy{Store: mustOpen(t, dir), Roots: p.caPool}, srv.port) || len(trust.Store.List()) != 0 {
			t.Error("trust once reached the store")
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("trust file written: %v", err)
		}
	})

	t.Run("reject", func(t *testing.T) {
		dir := t.TempDir()
		trust := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
		err := trust.Decide(ctx, &fakePrompter{answer: Reject}, untrustedAt(t, trust, srv.port))
		if !errors.Is(err, ErrCertRejected) {
			t.Fatalf("want ErrCertRejected, got %v", err)
		}
		if passes(t, trust, srv.port) || len(trust.Store.List()) != 0 {
			t.Error("a rejected certificate is trusted")
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("trust file written: %v", err)
		}
	})

	t.Run("prompter error", func(t *testing.T) {
		trust := &Policy{Store: mustOpen(t, t.TempDir()), Roots: p.caPool}
		boom := errors.New("no terminal")
		err := trust.Decide(ctx, &fakePrompter{answer: Always, err: boom}, untrustedAt(t, trust, srv.port))
		if !errors.Is(err, boom) || passes(t, trust, srv.port) || len(trust.Store.List()) != 0 {
			t.Errorf("err %v; recorded anyway?", err)
		}
	})

	t.Run("cancelled while asking", func(t *testing.T) {
		trust := &Policy{Store: mustOpen(t, t.TempDir()), Roots: p.caPool}
		q := untrustedAt(t, trust, srv.port)
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(20*time.Millisecond, cancel)
		err := trust.Decide(cctx, &fakePrompter{block: true}, q)
		if !errors.Is(err, context.Canceled) || passes(t, trust, srv.port) {
			t.Errorf("want context.Canceled, got %v", err)
		}
		pr := &fakePrompter{answer: Always}
		if err := trust.Decide(cctx, pr, q); !errors.Is(err, context.Canceled) || pr.count() != 0 {
			t.Errorf("asked after cancel: %v, %d questions", err, pr.count())
		}
	})

	t.Run("trust always without a store acts as trust once", func(t *testing.T) {
		trust := &Policy{Roots: p.caPool}
		if err := trust.Decide(ctx, &fakePrompter{answer: Always}, untrustedAt(t, trust, srv.port)); err != nil {
			t.Fatal(err)
		}
		if !passes(t, trust, srv.port) || passes(t, &Policy{Roots: p.caPool}, srv.port) {
			t.Error("want trusted in this Trust only")
		}
	})

	t.Run("unknown answer rejects", func(t *testing.T) {
		trust := &Policy{Roots: p.caPool}
		err := trust.Decide(ctx, &fakePrompter{answer: Answer(7)}, untrustedAt(t, trust, srv.port))
		if !errors.Is(err, ErrCertRejected) || passes(t, trust, srv.port) {
			t.Errorf("err %v", err)
		}
	})
}

// checkTrustFile checks the trust file's mode and contents: certificates
// only, never a private key.
func checkTrustFile(t *testing.T, dir string, p *testPKI) {
	t.Helper()
	path := filepath.Join(dir, FileName)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "PRIVATE") {
		t.Error("the trust file mentions a private key")
	}
	for _, k := range p.keys {
		if strings.Contains(string(data), base64.StdEncoding.EncodeToString(k)) {
			t.Error("the trust file holds a private key")
		}
	}
	var f struct {
		Version int
		Entries []map[string]any
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 || len(f.Entries) != 1 {
		t.Fatalf("file %s", data)
	}
	e := f.Entries[0]
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"added", "der", "host", "notAfter", "port", "sha256", "subject"}; !slices.Equal(keys, want) {
		t.Errorf("entry fields %q, want %q", keys, want)
	}
	if e["der"] != base64.StdEncoding.EncodeToString(p.self.Certificate[0]) || e["sha256"] != fingerprint(p.self) || e["host"] != "localhost" {
		t.Errorf("entry %v", e)
	}
}

func TestTrustChangedCert(t *testing.T) {
	p := pki(t)
	srv := serveTLS(t, p.self)
	ctx := context.Background()
	dir := t.TempDir()
	trust := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
	if err := trust.Decide(ctx, &fakePrompter{answer: Always}, untrustedAt(t, trust, srv.port)); err != nil {
		t.Fatal(err)
	}

	srv.set(p.self2)
	fresh := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
	err := handshake(t, srv.port, "localhost", 0, fresh.Verifier("localhost", srv.port))
	q := asUntrusted(t, err).Question
	if !errors.Is(err, ErrCertChanged) || errors.Is(err, ErrCertUntrusted) || !q.Changed || q.Previous == nil {
		t.Fatalf("want a changed certificate, got %v (%+v)", err, q)
	}
	if q.Info.SHA256 != fingerprint(p.self2) || q.Previous.SHA256 != fingerprint(p.self) ||
		q.Previous.Subject.CN != "ftp.office.lan" || q.Previous.KeyAlgorithm != "RSA 2048 bits" || q.Previous.Port != srv.port {
		t.Errorf("new %s old %+v", q.Info.SHA256, q.Previous)
	}
	msg := err.Error()
	if !strings.Contains(msg, "CHANGED") || !strings.Contains(msg, fingerprint(p.self)) || !strings.Contains(msg, fingerprint(p.self2)) {
		t.Errorf("error text %q", msg)
	}
	// The Trust that pinned the old one also refuses the new one.
	if passes(t, trust, srv.port) {
		t.Error("changed certificate accepted silently")
	}

	// Trusting the new one always replaces the old pin.
	if err := fresh.Decide(ctx, &fakePrompter{answer: Always}, q); err != nil {
		t.Fatal(err)
	}
	reopened := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
	if list := reopened.Store.List(); len(list) != 1 || list[0].SHA256 != fingerprint(p.self2) {
		t.Errorf("store %+v", list)
	}
	if !passes(t, reopened, srv.port) {
		t.Error("the new pin does not pass")
	}
	srv.set(p.self)
	if err := handshake(t, srv.port, "localhost", 0, reopened.Verifier("localhost", srv.port)); !errors.Is(err, ErrCertChanged) {
		t.Errorf("old certificate after re-pinning: %v", err)
	}
}

func TestTrustPinnedCertAfterExpiry(t *testing.T) {
	p := pki(t)
	srv := serveTLS(t, p.self)
	dir := t.TempDir()
	trust := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
	if err := trust.Decide(context.Background(), &fakePrompter{answer: Always}, untrustedAt(t, trust, srv.port)); err != nil {
		t.Fatal(err)
	}
	later := p.self.Leaf.NotAfter.Add(48 * time.Hour)
	old := &Policy{Store: mustOpen(t, dir), Roots: p.caPool, Now: func() time.Time { return later }}
	if !passes(t, old, srv.port) {
		t.Error("the pinned certificate does not pass after it expired")
	}
	e, _ := old.Store.Lookup("localhost", srv.port)
	info, err := e.info(p.caPool, later)
	if err != nil || !info.Expired || !strings.Contains(info.Warnings()[0], "expired") {
		t.Errorf("info %+v %v", info, err)
	}
	// Only that very certificate.
	srv.set(p.self2)
	if passes(t, old, srv.port) {
		t.Error("another certificate passes")
	}
}

func TestTrustStoreListRemove(t *testing.T) {
	p := pki(t)
	dir := t.TempDir()
	s := mustOpen(t, dir)
	now := time.Now()
	info := func(c tls.Certificate, host string, port int) CertInfo {
		return NewCertInfo(host, port, tls.ConnectionState{PeerCertificates: []*x509.Certificate{c.Leaf}}, p.caPool, now)
	}
	for _, in := range []CertInfo{
		info(p.self, "b.example", 21),
		info(p.self, "A.Example", 990),
		info(p.self2, "a.example", 21),
		info(p.self, "[::1]", 21),
		info(p.self2, "a.example", 990), // replaces A.Example:990
	} {
		if err := s.Pin(in); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, e := range s.List() {
		got = append(got, net.JoinHostPort(e.Host, itoa(e.Port)))
	}
	if want := []string{"[::1]:21", "a.example:21", "a.example:990", "b.example:21"}; !slices.Equal(got, want) {
		t.Errorf("List %q, want %q", got, want)
	}
	if e, ok := s.Lookup("A.EXAMPLE.", 990); !ok || e.SHA256 != fingerprint(p.self2) {
		t.Errorf("Lookup a.example:990 = %+v %v", e, ok)
	}
	if e, ok := s.Lookup("::1", 21); !ok || e.Host != "::1" {
		t.Errorf("Lookup ::1 = %+v %v", e, ok)
	}
	if _, ok := s.Lookup("a.example", 22); ok {
		t.Error("found a.example:22")
	}
	e, _ := s.Lookup("b.example", 21)
	ei, err := e.Info()
	if err != nil || ei.SHA256 != fingerprint(p.self) || ei.Host != "b.example" || ei.Port != 21 || ei.Subject.CN != "ftp.office.lan" || !ei.SelfSigned {
		t.Errorf("Info %+v %v", ei, err)
	}

	if err := s.Remove("A.example", 21); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("a.example", 21); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "a.example:21") {
		t.Errorf("second Remove: %v", err)
	}
	if err := s.Remove("[::1]", 21); err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, e := range mustOpen(t, dir).List() {
		got = append(got, net.JoinHostPort(e.Host, itoa(e.Port)))
	}
	if want := []string{"a.example:990", "b.example:21"}; !slices.Equal(got, want) {
		t.Errorf("after Remove, the file holds %q, want %q", got, want)
	}

	if err := s.Pin(CertInfo{Host: "x.example", Port: 21}); err == nil {
		t.Error("pinned a CertInfo without a certificate")
	}
	if err := s.Pin(info(p.self, "", 21)); err == nil {
		t.Error("pinned a certificate for no host")
	}
}

func TestTrustStoreKeepsOtherProcessPins(t *testing.T) {
	p := pki(t)
	dir := t.TempDir()
	a, b := mustOpen(t, dir), mustOpen(t, dir)
	in := func(host string) CertInfo {
		return NewCertInfo(host, 21, tls.ConnectionState{PeerCertificates: []*x509.Certificate{p.self.Leaf}}, p.caPool, time.Now())
	}
	if err := a.Pin(in("one.example")); err != nil {
		t.Fatal(err)
	}
	if err := b.Pin(in("two.example")); err != nil {
		t.Fatal(err)
	}
	if n := len(mustOpen(t, dir).List()); n != 2 {
		t.Errorf("%d entries, want 2", n)
	}
}

func TestTrustStoreCorruptFile(t *testing.T) {
	p := pki(t)
	good := base64.StdEncoding.EncodeToString(p.self.Certificate[0])
	tests := map[string]string{
		"not JSON":            "{\"version\":1,\"entries\":[{\"host\":",
		"binary":              "\x00\x01\x02garbage",
		"unknown version":     `{"version":2,"entries":[]}`,
		"no version":          `{"entries":[]}`,
		"bad DER":             `{"version":1,"entries":[{"host":"a","port":21,"sha256":"00","der":"AAAA"}]}`,
		"fingerprint differs": `{"version":1,"entries":[{"host":"a","port":21,"sha256":"` + fingerprint(p.self2) + `","der":"` + good + `"}]}`,
		"bad port":            `{"version":1,"entries":[{"host":"a","port":0,"sha256":"` + fingerprint(p.self) + `","der":"` + good + `"}]}`,
		"no host":             `{"version":1,"entries":[{"host":"","port":21,"sha256":"` + fingerprint(p.self) + `","der":"` + good + `"}]}`,
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := OpenStore(dir)
			if err == nil || s != nil || !strings.Contains(err.Error(), path) {
				t.Errorf("want an error naming %s, got %v", path, err)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		dir := t.TempDir()
		content := `{"version":1,"entries":[{"host":"A.example","port":21,"sha256":"` + strings.ToLower(fingerprint(p.self)) + `","der":"` + good + `"}]}`
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if e, ok := mustOpen(t, dir).Lookup("a.example", 21); !ok || e.SHA256 != fingerprint(p.self) {
			t.Errorf("Lookup %+v %v", e, ok)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, FileName)
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenStore(dir); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("want an error naming %s, got %v", path, err)
		}
	})
}

func TestTrustAccept(t *testing.T) {
	p := pki(t)
	srv := serveTLS(t, p.self)
	fp := fingerprint(p.self)
	for name, arg := range map[string]string{
		"colons upper case":               fp,
		"no colons lower case":            strings.ToLower(strings.ReplaceAll(fp, ":", "")),
		"sha256: prefix, mixed case host": "SHA256:" + fp,
	} {
		t.Run(name, func(t *testing.T) {
			trust := &Policy{Store: mustOpen(t, t.TempDir()), Roots: p.caPool}
			if err := trust.Accept("LOCALHOST", srv.port, arg); err != nil {
				t.Fatal(err)
			}
			if !passes(t, trust, srv.port) {
				t.Error("accepted fingerprint does not pass")
			}
			if len(trust.Store.List()) != 0 {
				t.Error("Accept wrote to the store")
			}
		})
	}
	t.Run("another fingerprint", func(t *testing.T) {
		trust := &Policy{Roots: p.caPool}
		if err := trust.Accept("localhost", srv.port, fingerprint(p.self2)); err != nil {
			t.Fatal(err)
		}
		if passes(t, trust, srv.port) {
			t.Error("a wrong fingerprint passes")
		}
		if err := trust.Accept("localhost", srv.port+1, fp); err != nil || passes(t, trust, srv.port) {
			t.Error("a fingerprint for another port passes")
		}
	})
	t.Run("malformed", func(t *testing.T) {
		trust := &Policy{Roots: p.caPool}
		for _, bad := range []string{"", "AB:CD", fp[:len(fp)-1], "G" + fp[1:], fp + ":00"} {
			if err := trust.Accept("localhost", srv.port, bad); err == nil {
				t.Errorf("Accept(%q) = nil", bad)
			}
		}
	})
}

func TestTrustConcurrent(t *testing.T) {
	p := pki(t)
	srv := serveTLS(t, p.self)
	trust := &Policy{Store: mustOpen(t, t.TempDir()), Roots: p.caPool}
	q := untrustedAt(t, trust, srv.port)
	cs := tls.ConnectionState{PeerCertificates: []*x509.Certificate{p.self.Leaf}}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			verify := trust.Verifier("localhost", srv.port)
			for range 20 {
				verify(cs)
				trust.Store.List()
			}
			ans := Once
			if i%2 == 0 {
				ans = Always
			}
			if err := trust.Decide(context.Background(), &fakePrompter{answer: ans}, q); err != nil {
				t.Error(err)
			}
			trust.Accept("other.example", 21+i, fingerprint(p.self))
		})
	}
	wg.Wait()
	if err := trust.Verifier("localhost", srv.port)(cs); err != nil {
		t.Error(err)
	}
	if n := len(trust.Store.List()); n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
}

func TestCertInfoNoCertificate(t *testing.T) {
	info := NewCertInfo("example.com", 21, tls.ConnectionState{}, nil, time.Now())
	if info.SystemError == "" || len(info.Warnings()) == 0 {
		t.Errorf("info %+v", info)
	}
	if err := (&Policy{}).Verifier("example.com", 21)(tls.ConnectionState{}); err == nil || !strings.Contains(err.Error(), "example.com:21") {
		t.Errorf("Verifier without a certificate: %v", err)
	}
	if err := (&Policy{}).Decide(context.Background(), &fakePrompter{answer: Always}, Question{Info: info}); err == nil {
		t.Error("Decide trusted a question without a certificate")
	}
}

func TestCertAnswerAndNameStrings(t *testing.T) {
	for a, want := range map[Answer]string{Reject: "reject", Once: "trust once", Always: "always trust", 9: "Answer(9)"} {
		if a.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(a), a.String(), want)
		}
	}
	n := Name{CN: "ftp", O: []string{"Acme", "Acme EU"}, OU: []string{"IT"}, C: []string{"FR"}}
	if got := n.String(); got != "CN=ftp, OU=IT, O=Acme, O=Acme EU, C=FR" {
		t.Errorf("Name.String() = %q", got)
	}
	if (Name{}).String() != "" {
		t.Error("empty name is not empty")
	}
}

func FuzzOpenTrustStore(f *testing.F) {
	p := pki(f)
	good := base64.StdEncoding.EncodeToString(p.self.Certificate[0])
	f.Add([]byte(`{"version":1,"entries":[{"host":"a.example","port":21,"sha256":"` + fingerprint(p.self) + `","der":"` + good + `","subject":"CN=x","notAfter":"2030-01-01T00:00:00Z","added":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"version":1,"entries":[]}`))
	f.Add([]byte(`{"version":1,"entries":null}`))
	f.Add([]byte(`{"version":1,"entries":[{}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Add([]byte("\xff\xfe"))
	// One folder per worker (its inputs run one at a time), in memory where
	// there is a tmpfs: on disk, rewriting a file per input slows the fuzzing
	// engine down a thousandfold.
	dir := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "ferry-fuzz-trust-"); err == nil {
			dir = d
			f.Cleanup(func() { os.RemoveAll(d) })
		}
	}
	if dir == "" {
		dir = f.TempDir()
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, FileName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := OpenStore(dir)
		if err != nil {
			if !strings.Contains(err.Error(), FileName) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range s.List() {
			if _, ok := s.Lookup(e.Host, e.Port); !ok {
				t.Errorf("listed %s:%d but Lookup misses it", e.Host, e.Port)
			}
			if _, err := e.Info(); err != nil {
				t.Errorf("Info: %v", err)
			}
		}
	})
}

// A pinned self-signed certificate replaced by one a certificate authority
// vouches for is still a change: it is asked about, never accepted silently.
func TestTrustPinBeatsCA(t *testing.T) {
	p := pki(t)
	srv := serveTLS(t, p.self)
	dir := t.TempDir()
	trust := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
	if err := trust.Decide(context.Background(), &fakePrompter{answer: Always}, untrustedAt(t, trust, srv.port)); err != nil {
		t.Fatal(err)
	}
	srv.set(p.good)
	fresh := &Policy{Store: mustOpen(t, dir), Roots: p.caPool}
	err := handshake(t, srv.port, "localhost", 0, fresh.Verifier("localhost", srv.port))
	if !errors.Is(err, ErrCertChanged) {
		t.Fatalf("CA-valid certificate replacing a pinned one: %v, want ErrCertChanged", err)
	}
	// Without a pin, the same CA-valid certificate passes silently.
	other := &Policy{Store: mustOpen(t, t.TempDir()), Roots: p.caPool}
	if err := handshake(t, srv.port, "localhost", 0, other.Verifier("localhost", srv.port)); err != nil {
		t.Fatalf("CA-valid certificate without a pin: %v", err)
	}
}
