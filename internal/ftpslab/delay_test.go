package ftpslab

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer echoes every connection on 127.0.0.1 until the test ends and
// returns its port.
func echoServer(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
				c.(*net.TCPConn).CloseWrite()
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestDelayEcho sends bytes through the delay proxy to an echo server: they
// come back intact, after a half-close passed through both ways, and no
// round trip is shorter than 2×oneWay.
func TestDelayEcho(t *testing.T) {
	const oneWay = 30 * time.Millisecond
	port := echoServer(t)
	srv := &Server{Kind: "echo", Host: "127.0.0.1", Port: port, pasvAddr: DelayHost, pasvMin: 1, pasvMax: 0}
	d := StartDelay(t, srv, oneWay)
	start := time.Now()
	c, err := net.DialTimeout("tcp", d.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	// A small round trip: the first also pays the TCP handshake's round trip.
	buf := make([]byte, 5)
	for i := 0; i < 3; i++ {
		sent := time.Now()
		if _, err := c.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
		rtt := time.Since(sent)
		if string(buf) != "hello" {
			t.Fatalf("echo %q, want hello", buf)
		}
		if rtt < 2*oneWay {
			t.Errorf("round trip %d took %s, want at least %s", i, rtt, 2*oneWay)
		}
		if i == 0 && time.Since(start) < 4*oneWay {
			t.Errorf("first reply %s after connecting, want at least %s (handshake + round trip)", time.Since(start), 4*oneWay)
		}
	}
	// Bulk: more than the in-flight budget, then a half-close; everything
	// comes back in order, then EOF.
	data := make([]byte, 3*delayBudget+12345)
	rand.Read(data)
	go func() {
		c.Write(data)
		c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("echoed %d bytes, want the %d sent, intact", len(got), len(data))
	}
}

// TestDelayNeedsPasvAddress: a server whose PASV replies name 127.0.0.1
// would take data connections around the proxy, so StartDelay refuses it.
func TestDelayNeedsPasvAddress(t *testing.T) {
	ft := &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		StartDelay(ft, &Server{Port: 1, pasvAddr: "127.0.0.1"}, time.Millisecond)
	}()
	if !ft.failed {
		t.Error("StartDelay accepted a server with pasv_address 127.0.0.1")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
