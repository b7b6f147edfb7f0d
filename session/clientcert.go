package session

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrClientKeyPassphrase: the client key's passphrase is missing or wrong.
var ErrClientKeyPassphrase = errors.New("the client certificate's key needs a passphrase, and the one given is missing or wrong")

// ErrClientCertRefused: the server demanded a client certificate and
// refused the one offered, or none was configured.
var ErrClientCertRefused = errors.New("the server requires a client certificate and did not accept ours (or none is set for this site)")

// LoadClientCertificate reads a client certificate and its key. certFile is
// a PEM file (which may also hold the key) or a PKCS#12 file (.p12, .pfx);
// keyFile is a PEM key, or "" when certFile holds it. passphrase decrypts
// an encrypted key ("" for none). The passphrase is a secret: it never
// appears in an error.
func LoadClientCertificate(certFile, keyFile, passphrase string) (tls.Certificate, error) {
	data, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("client certificate: %w", err)
	}
	lower := strings.ToLower(certFile)
	if strings.HasSuffix(lower, ".p12") || strings.HasSuffix(lower, ".pfx") {
		key, leaf, chain, err := pkcs12.DecodeChain(data, passphrase)
		if err != nil {
			if errors.Is(err, pkcs12.ErrIncorrectPassword) {
				return tls.Certificate{}, fmt.Errorf("client certificate %s: %w", certFile, ErrClientKeyPassphrase)
			}
			return tls.Certificate{}, fmt.Errorf("client certificate %s: not a readable PKCS#12 file: %v", certFile, err)
		}
		cert := tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
		for _, c := range chain {
			cert.Certificate = append(cert.Certificate, c.Raw)
		}
		return cert, nil
	}
	keyData := data
	if keyFile != "" {
		if keyData, err = os.ReadFile(keyFile); err != nil {
			return tls.Certificate{}, fmt.Errorf("client certificate key: %w", err)
		}
	}
	var certPEM, keyPEM []byte
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			certPEM = append(certPEM, pem.EncodeToMemory(b)...)
		}
	}
	for rest := keyData; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY":
			return tls.Certificate{}, fmt.Errorf("client certificate key %s: encrypted PKCS#8 keys are not supported; convert the certificate and key to a PKCS#12 file (openssl pkcs12 -export) and use that", keyFileName(certFile, keyFile))
		case x509.IsEncryptedPEMBlock(b): //nolint:staticcheck // legacy PEM encryption is what such files use
			if passphrase == "" {
				return tls.Certificate{}, fmt.Errorf("client certificate key %s: %w", keyFileName(certFile, keyFile), ErrClientKeyPassphrase)
			}
			der, err := x509.DecryptPEMBlock(b, []byte(passphrase)) //nolint:staticcheck
			if err != nil {
				return tls.Certificate{}, fmt.Errorf("client certificate key %s: %w", keyFileName(certFile, keyFile), ErrClientKeyPassphrase)
			}
			keyPEM = pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: der})
		default:
			keyPEM = pem.EncodeToMemory(b)
		}
		break
	}
	if certPEM == nil {
		return tls.Certificate{}, fmt.Errorf("client certificate %s: no certificate in the file", certFile)
	}
	if keyPEM == nil {
		return tls.Certificate{}, fmt.Errorf("client certificate key %s: no private key in the file", keyFileName(certFile, keyFile))
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("client certificate %s: %v", certFile, err)
	}
	return cert, nil
}

func keyFileName(certFile, keyFile string) string {
	if keyFile != "" {
		return keyFile
	}
	return certFile
}
