package ftpd

import (
	"crypto/tls"
	"fmt"

	"github.com/ferryftps/ferry/internal/pki"
)

// GenerateCert returns a fresh self-signed ECDSA P-256 server certificate
// whose common name is hosts[0] and whose subject alternative names are
// hosts (IP addresses or DNS names). It is valid from one hour ago for 30
// days. With no hosts it is made for "127.0.0.1". The returned certificate
// has Leaf set. GenerateCert is safe for concurrent use.
func GenerateCert(hosts ...string) (tls.Certificate, error) {
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1"}
	}
	c, err := pki.SelfSigned(hosts...)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("ftpd: %w", err)
	}
	return c, nil
}
