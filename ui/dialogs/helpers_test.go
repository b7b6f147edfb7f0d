package dialogs

import (
	"bytes"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"image/png"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/esc"
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

// walk visits o and every visible object inside it, through the live
// renderers of widgets.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walk(child, visit)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, visit)
		}
	}
}

// topOverlay is the dialog on top, failing the test if there is none.
func topOverlay(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is shown")
	}
	return top
}

// button finds the visible button with text in o.
func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(obj fyne.CanvasObject) {
		if b, ok := esc.AsButton(obj); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// labels lists the texts of the visible labels in o.
func labels(o fyne.CanvasObject) []string {
	var texts []string
	walk(o, func(obj fyne.CanvasObject) {
		if l, ok := obj.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	return texts
}

func hasLabel(o fyne.CanvasObject, text string) bool {
	for _, l := range labels(o) {
		if l == text {
			return true
		}
	}
	return false
}

// capture writes the window as a PNG into $FERRY_DIALOGS_PNG, when set,
// for a person to look at.
func capture(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("FERRY_DIALOGS_PNG")
	if dir == "" {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// And once more scrolled to the bottom, to see the rest.
	if top := w.Canvas().Overlays().Top(); top != nil && !strings.HasPrefix(name, "bottom-") {
		scrolled := false
		walk(top, func(o fyne.CanvasObject) {
			if s, ok := o.(*container.Scroll); ok {
				s.ScrollToBottom()
				scrolled = true
			}
		})
		if scrolled {
			capture(t, w, "bottom-"+name)
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// findCheck finds the visible check box with text in o.
func findCheck(t *testing.T, o fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	var found *widget.Check
	walk(o, func(obj fyne.CanvasObject) {
		if c, ok := esc.AsCheck(obj); ok && c.Text == text && found == nil {
			found = c
		}
	})
	if found == nil {
		t.Fatalf("no check box %q", text)
	}
	return found
}
