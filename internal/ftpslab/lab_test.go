package ftpslab

import (
	"net"
	"strconv"
	"testing"
	"time"
)

func TestSelfSigned(t *testing.T) {
	cert, certPEM, keyPEM, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "localhost" {
		t.Errorf("CN %q, want localhost", cert.Subject.CommonName)
	}
	if err := cert.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	if err := cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	if !cert.NotAfter.After(time.Now()) || !cert.NotBefore.Before(time.Now()) {
		t.Errorf("not valid now: %v – %v", cert.NotBefore, cert.NotAfter)
	}
	if len(certPEM) == 0 || len(keyPEM) == 0 {
		t.Error("empty PEM")
	}
}

func TestFreePortsAreConsecutiveAndFree(t *testing.T) {
	ports, err := freePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range ports {
		if i > 0 && p != ports[i-1]+1 {
			t.Fatalf("ports %v are not consecutive", ports)
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("port %d is not free: %v", p, err)
		}
		l.Close()
	}
}

func TestKinds(t *testing.T) {
	implicit := 0
	for _, k := range Kinds() {
		if k.Implicit() {
			implicit++
		}
		if k.Program() == "" {
			t.Errorf("%s has no program", k)
		}
	}
	if len(Kinds()) != 5 || implicit != 2 {
		t.Errorf("%d kinds with %d implicit, want 5 with 2", len(Kinds()), implicit)
	}
}
