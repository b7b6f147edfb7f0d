package cli

import (
	"crypto/tls"
	"crypto/x509"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/config"
	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/trust"
)

// pinLab puts the lab server's certificate in the trust store, as "Always
// trust" would.
func pinLab(t *testing.T, srv *ftpslab.Server) {
	t.Helper()
	dir, err := config.Dir()
	if err != nil {
		t.Fatal(err)
	}
	store, err := trust.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	info := trust.NewCertInfo(srv.Host, srv.Port, tls.ConnectionState{PeerCertificates: []*x509.Certificate{srv.Cert}}, nil, time.Now())
	if err := store.Pin(info); err != nil {
		t.Fatal(err)
	}
}
