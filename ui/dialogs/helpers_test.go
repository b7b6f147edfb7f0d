package dialogs

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

// Fixed dates, serials and keys (Ed25519 signs deterministically), so that
// the certificates, hence the golden markup, are the same on every run.
var (
	testNow   = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	caFrom    = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	caUntil   = time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	leafFrom  = time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	leafUntil = time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC)
)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

type certSpec struct {
	cn        string
	org       []string
	dns       []string
	serial    int64
	from, to  time.Time
	ca        bool
	keySeed   byte
	parent    *x509.Certificate  // nil: self-signed
	parentKey ed25519.PrivateKey // with parent
}

func makeCert(t *testing.T, s certSpec) (*x509.Certificate, ed25519.PrivateKey) {
	t.Helper()
	key := testKey(s.keySeed)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(s.serial),
		Subject:               pkix.Name{CommonName: s.cn, Organization: s.org},
		DNSNames:              s.dns,
		NotBefore:             s.from,
		NotAfter:              s.to,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  s.ca,
	}
	if s.ca {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
		tmpl.ExtKeyUsage = nil
	}
	parent, signer := tmpl, key
	if s.parent != nil {
		parent, signer = s.parent, s.parentKey
	}
	der, err := x509.CreateCertificate(nil, tmpl, parent, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// testCerts are the certificates the tests show.
type testCerts struct {
	ca    *x509.Certificate
	roots *x509.CertPool
	// CA-signed leaves
	good, expired, notYet, wrongHost *x509.Certificate
	// self-signed
	self, selfNew *x509.Certificate
}

func newTestCerts(t *testing.T) testCerts {
	t.Helper()
	var c testCerts
	var caKey ed25519.PrivateKey
	c.ca, caKey = makeCert(t, certSpec{cn: "Ferry Test CA", org: []string{"Ferry Tests"}, serial: 1, from: caFrom, to: caUntil, ca: true, keySeed: 1})
	c.roots = x509.NewCertPool()
	c.roots.AddCert(c.ca)
	leaf := func(serial int64, dns []string, from, to time.Time) *x509.Certificate {
		cert, _ := makeCert(t, certSpec{cn: dns[0], org: []string{"Example Ltd"}, dns: dns, serial: serial,
			from: from, to: to, keySeed: byte(serial), parent: c.ca, parentKey: caKey})
		return cert
	}
	c.good = leaf(10, []string{"ftp.example.com"}, leafFrom, leafUntil)
	c.expired = leaf(11, []string{"ftp.example.com"}, time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	c.notYet = leaf(12, []string{"ftp.example.com"}, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 6, 1, 0, 0, 0, 0, time.UTC))
	c.wrongHost = leaf(13, []string{"a.example", "b.example"}, leafFrom, leafUntil)
	c.self, _ = makeCert(t, certSpec{cn: "ftp.example.com", org: []string{"Example Ltd"}, dns: []string{"ftp.example.com"},
		serial: 0x1234abcd, from: leafFrom, to: leafUntil, keySeed: 20})
	c.selfNew, _ = makeCert(t, certSpec{cn: "ftp.example.com", org: []string{"Unknown Ltd"}, dns: []string{"ftp.example.com"},
		serial: 0x5678, from: time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC), to: time.Date(2027, 2, 27, 0, 0, 0, 0, time.UTC), keySeed: 21})
	return c
}

// info describes chain as presented by host:21, checked against roots.
func (c testCerts) info(host string, chain ...*x509.Certificate) trust.CertInfo {
	return trust.NewCertInfo(host, 21, tlsState(chain...), c.roots, testNow)
}

func tlsState(chain ...*x509.Certificate) tls.ConnectionState {
	return tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256, PeerCertificates: chain}
}

func emptyPool() *x509.CertPool { return x509.NewCertPool() }

func newTestWindow(t *testing.T) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("Ferry"))
	w.Resize(fyne.NewSize(900, 700))
	return w
}

// capture writes the window as a PNG into $FERRY_DIALOGS_PNG, when set,
// for a person to look at.
func capture(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	if !uitest.Capture(t, w, "FERRY_DIALOGS_PNG", name) {
		return
	}
	// And once more scrolled to the bottom, to see the rest.
	if top := w.Canvas().Overlays().Top(); top != nil && !strings.HasPrefix(name, "bottom-") {
		scrolls := uitest.All[*container.Scroll](top)
		for _, s := range scrolls {
			s.ScrollToBottom()
		}
		if len(scrolls) > 0 {
			capture(t, w, "bottom-"+name)
		}
	}
}

// background asks on a goroutine of its own, as the engine does (a
// question blocks until answered), and hands back the answer.
func background[T any](ask func() T) <-chan T {
	res := make(chan T, 1)
	go func() { res <- ask() }()
	return res
}

// endContext asks with a context that ends while the dialog is shown
// (shown hands the dialog over): ask must return the context's error and
// the dialog close. It returns the dialog, for more checks.
func endContext[D any](t *testing.T, w fyne.Window, shown <-chan D, ask func(context.Context) error) D {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	res := background(func() error { return ask(ctx) })
	d := <-shown
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Errorf("the question returned %v; want context.Canceled", err)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after the context ended")
	}
	return d
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
