package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// NewKey returns a fresh ECDSA P-256 key.
func NewKey() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

// Issue signs tmpl for key, with parent's key (self-signed when parent is
// nil), and returns the certificate with its Leaf and PrivateKey set. A
// template without a serial number gets a random one. Safe for concurrent
// use.
func Issue(tmpl *x509.Certificate, parent *tls.Certificate, key crypto.Signer) (tls.Certificate, error) {
	if tmpl.SerialNumber == nil {
		serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("pki: serial: %w", err)
		}
		tmpl.SerialNumber = serial
	}
	signer, issuer := key, tmpl
	if parent != nil {
		s, ok := parent.PrivateKey.(crypto.Signer)
		if !ok || parent.Leaf == nil {
			return tls.Certificate{}, errors.New("pki: the parent needs its Leaf and a signing key")
		}
		signer, issuer = s, parent.Leaf
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: parse certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// ServerTemplate is a server certificate's template: common name hosts[0],
// subject alternative names hosts (IP addresses or DNS names), valid from
// an hour ago for the given time.
func ServerTemplate(valid time.Duration, hosts ...string) (*x509.Certificate, error) {
	if len(hosts) == 0 {
		return nil, errors.New("pki: a server certificate needs a host")
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: hosts[0]},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(valid),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if h == "" {
			return nil, errors.New("pki: empty host name")
		}
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return tmpl, nil
}

// SelfSigned returns a fresh self-signed ECDSA P-256 server certificate for
// hosts (see ServerTemplate), valid for 30 days.
func SelfSigned(hosts ...string) (tls.Certificate, error) {
	tmpl, err := ServerTemplate(30*24*time.Hour, hosts...)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := NewKey()
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: generate key: %w", err)
	}
	return Issue(tmpl, nil, key)
}

// PEM returns c's chain and its private key (PKCS #8) in PEM form.
func PEM(c tls.Certificate) (certPEM, keyPEM []byte, err error) {
	for _, der := range c.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: key: %w", err)
	}
	return certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
