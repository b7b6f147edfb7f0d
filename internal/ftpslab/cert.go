package ftpslab

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"embed"
	"time"

	"github.com/ferryftps/ferry/internal/pki"
)

//go:embed templates
var templates embed.FS

// selfSigned makes a fresh self-signed RSA certificate for CN localhost with
// SANs localhost, 127.0.0.1 and DelayHost (127.0.0.2, the delayed path's
// address), valid from an hour ago for a day.
func selfSigned() (cert *x509.Certificate, certPEM, keyPEM []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl, err := pki.ServerTemplate(24*time.Hour, "localhost", "127.0.0.1", DelayHost)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl.Subject.Organization = []string{"Ferry test lab"}
	tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign
	tmpl.IsCA = true
	c, err := pki.Issue(tmpl, nil, key)
	if err != nil {
		return nil, nil, nil, err
	}
	certPEM, keyPEM, err = pki.PEM(c)
	return c.Leaf, certPEM, keyPEM, err
}
