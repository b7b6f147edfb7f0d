package session

import (
	"bytes"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// EntryKind says what a protocol log entry records.
type EntryKind int

// The kinds of protocol log entries.
const (
	EntrySent     EntryKind = iota // a command sent on the control connection
	EntryReceived                  // a reply line from the server
	EntryInfo                      // something Ferry did or saw (connecting, TLS handshake)
	EntryError                     // a failure
)

func (k EntryKind) String() string {
	switch k {
	case EntrySent:
		return "command"
	case EntryReceived:
		return "reply"
	case EntryInfo:
		return "info"
	default:
		return "error"
	}
}

// TLSInfo describes one TLS handshake, on the control connection or on a
// data connection.
type TLSInfo struct {
	Data    bool   // a data connection (false: the control connection)
	Version string // "TLS 1.3"
	Cipher  string // "TLS_AES_128_GCM_SHA256"
	Resumed bool   // the handshake resumed an earlier TLS session
	// Group is the key exchange ("P-256", "X25519MLKEM768"); Retried says
	// the server first asked for another with a HelloRetryRequest, which
	// costs a round trip.
	Group   string
	Retried bool
}

// Entry is one line of the protocol log. Secrets never reach it: the
// argument of PASS is masked before the entry is made.
type Entry struct {
	Time time.Time
	Conn int // which control connection, numbered from 1 in dial order
	Kind EntryKind
	Text string
	TLS  *TLSInfo // set on the entry recording a TLS handshake
}

func (e Entry) String() string {
	var arrow string
	switch e.Kind {
	case EntrySent:
		arrow = "→"
	case EntryReceived:
		arrow = "←"
	case EntryInfo:
		arrow = "·"
	default:
		arrow = "!"
	}
	return e.Time.Format("15:04:05.000") + " [" + strconv.Itoa(e.Conn) + "] " + arrow + " " + e.Text
}

// Logger receives protocol log entries. It is called from the goroutines
// doing network I/O and must not block; it must be safe for concurrent use.
type Logger func(Entry)

// maskCommand hides the argument of commands that carry secrets.
func maskCommand(line string) string {
	verb, _, _ := strings.Cut(line, " ")
	switch strings.ToUpper(verb) {
	case "PASS", "ACCT":
		return verb + " ********"
	}
	return line
}

// lineSplitter cuts a byte stream into lines, keeping a partial line until
// its end arrives. Not safe for concurrent use.
type lineSplitter struct {
	partial []byte
}

// feed adds bytes and calls emit for every complete line, without its CRLF.
func (s *lineSplitter) feed(p []byte, emit func(string)) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if len(s.partial)+len(p) > 64<<10 { // a runaway line: cut it
				s.partial = s.partial[:0]
			}
			s.partial = append(s.partial, p...)
			return
		}
		line := append(s.partial, p[:i]...)
		s.partial = s.partial[:0]
		emit(strings.TrimRight(string(line), "\r"))
		p = p[i+1:]
	}
}

var connSeq atomic.Int64

func nextConnID() int { return int(connSeq.Add(1)) }
