package pki

import (
	"crypto/tls"
	"crypto/x509"
	"testing"
	"time"
)

func TestChain(t *testing.T) {
	caKey, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	ca, err := Issue(&x509.Certificate{IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}, nil, caKey)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := ServerTemplate(time.Hour, "127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := NewKey()
	leaf, err := Issue(tmpl, &ca, key)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Leaf)
	if _, err := leaf.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "localhost"}); err != nil {
		t.Errorf("the leaf does not verify against its CA: %v", err)
	}
	if err := leaf.Leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Errorf("IP SAN: %v", err)
	}
	self, err := SelfSigned("files.example.com")
	if err != nil || self.Leaf.Subject.CommonName != "files.example.com" {
		t.Fatalf("SelfSigned: %v %v", self.Leaf, err)
	}
	certPEM, keyPEM, err := PEM(self)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Errorf("PEM does not load back: %v", err)
	}
	if _, err := ServerTemplate(time.Hour); err == nil {
		t.Error("a server template without a host was made")
	}
}
