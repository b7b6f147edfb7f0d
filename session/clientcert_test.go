package session_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/internal/pki"
	"github.com/ferryftps/ferry/session"
)

// testPKI is a test CA and a client certificate it signed.
type testPKI struct {
	caPEM      []byte
	clientCert *x509.Certificate
	clientKey  *rsa.PrivateKey
	certPEM    []byte
	keyPEM     []byte
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	caKey, err := pki.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.Issue(&x509.Certificate{
		Subject:   pkix.Name{CommonName: "Ferry test client CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, nil, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	client, err := pki.Issue(&x509.Certificate{
		Subject:   pkix.Name{CommonName: "ferry test client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, &ca, key)
	if err != nil {
		t.Fatal(err)
	}
	return testPKI{
		caPEM:      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Leaf.Raw}),
		clientCert: client.Leaf, clientKey: key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: client.Leaf.Raw}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadClientCertificate(t *testing.T) {
	pki := newTestPKI(t)
	dir := t.TempDir()
	certFile := writeFile(t, dir, "client.crt", pki.certPEM)
	keyFile := writeFile(t, dir, "client.key", pki.keyPEM)
	both := writeFile(t, dir, "both.pem", append(append([]byte{}, pki.certPEM...), pki.keyPEM...))
	//nolint:staticcheck // legacy PEM encryption is what such key files use
	encBlock, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(pki.clientKey), []byte("s3cret-pass"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	encKey := writeFile(t, dir, "enc.key", pem.EncodeToMemory(encBlock))
	p12, err := pkcs12.Modern.Encode(pki.clientKey, pki.clientCert, nil, "s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	p12File := writeFile(t, dir, "client.p12", p12)

	for _, tc := range []struct {
		name             string
		cert, key, pass  string
		wantErr          error
		wantErrSubstring string
	}{
		{name: "PEM pair", cert: certFile, key: keyFile},
		{name: "one PEM file", cert: both},
		{name: "encrypted PEM key", cert: certFile, key: encKey, pass: "s3cret-pass"},
		{name: "encrypted PEM key, no passphrase", cert: certFile, key: encKey, wantErr: session.ErrClientKeyPassphrase},
		{name: "encrypted PEM key, wrong passphrase", cert: certFile, key: encKey, pass: "wrong-guess", wantErr: session.ErrClientKeyPassphrase},
		{name: "PKCS#12", cert: p12File, pass: "s3cret-pass"},
		{name: "PKCS#12, wrong passphrase", cert: p12File, pass: "wrong-guess", wantErr: session.ErrClientKeyPassphrase},
		{name: "no key", cert: certFile, wantErrSubstring: "no private key"},
		{name: "missing file", cert: filepath.Join(dir, "nope.pem"), wantErr: os.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := session.LoadClientCertificate(tc.cert, tc.key, tc.pass)
			if tc.wantErr == nil && tc.wantErrSubstring == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(c.Certificate) == 0 || c.PrivateKey == nil {
					t.Fatal("empty certificate")
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErrSubstring) {
				t.Errorf("error %q lacks %q", err, tc.wantErrSubstring)
			}
			for _, secret := range []string{"s3cret-pass", "wrong-guess"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows the passphrase", err)
				}
			}
		})
	}
}

// TestClientCertificateInterop: vsftpd with require_cert=YES and a test CA
// accepts a site that has a client certificate and refuses one without,
// with an error that says so.
func TestClientCertificateInterop(t *testing.T) {
	pki := newTestPKI(t)
	srv := ftpslab.Start(t, ftpslab.VsftpdExplicit, ftpslab.Options{ClientCA: pki.caPEM})
	dir := t.TempDir()
	cert, err := session.LoadClientCertificate(writeFile(t, dir, "c.crt", pki.certPEM), writeFile(t, dir, "c.key", pki.keyPEM), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range tlsVersions {
		t.Run(v.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cfg := session.DialConfig{Host: srv.Host, Port: srv.Port, Encryption: session.Explicit,
				TLS12Max: v.tls12Max, Timeout: 10 * time.Second, VerifyServer: pinned(srv)}

			rec := &recorder{}
			cfg.Log = rec.log
			cfg.ClientCert = &cert
			c, err := session.Dial(ctx, cfg, srv.User, srv.Password)
			if err != nil {
				t.Fatalf("with a client certificate: %v\n%s\n%s", err, rec, srv.Output())
			}
			if err := c.Stor(ctx, "/with-cert-"+v.name, 0, bytes.NewReader([]byte("x"))); err != nil {
				t.Fatalf("upload with a client certificate: %v\n%s", err, rec)
			}
			c.Close()

			rec = &recorder{}
			cfg.Log = rec.log
			cfg.ClientCert = nil
			c, err = session.Dial(ctx, cfg, srv.User, srv.Password)
			if err == nil {
				c.Close()
				t.Fatal("vsftpd with require_cert=YES accepted a client without a certificate")
			}
			if !errors.Is(err, session.ErrClientCertRefused) {
				t.Fatalf("without a client certificate: %v, want ErrClientCertRefused\n%s", err, rec)
			}
			if strings.Contains(rec.String(), "→ PASS") {
				t.Errorf("the password was sent although the TLS handshake failed:\n%s", rec)
			}
			t.Logf("without a certificate: %v", err)
		})
	}
}
