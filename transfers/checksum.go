package transfers

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"strings"

	"github.com/ferryftps/ferry/session"
)

// A checksum the server can compute, best first: HASH (RFC draft
// draft-bryan-ftpext-hash) with one of its algorithms, else the older X*
// commands some servers offer.
type algorithm struct {
	name string // as HASH names it, and as the history shows it
	cmd  string // the X* command, "" when none
	new  func() hash.Hash
}

var algorithms = []algorithm{
	{"SHA-256", "XSHA256", sha256.New},
	{"SHA-1", "XSHA1", sha1.New},
	{"MD5", "XMD5", md5.New},
	{"CRC32", "XCRC", func() hash.Hash { return crc32.NewIEEE() }},
}

// summer computes a file's checksum while it passes, to compare with the
// server's afterwards.
type summer struct {
	alg     algorithm
	useHash bool // HASH (else the X* command)
	h       hash.Hash
}

// newSummer returns a summer for the best checksum c's server offers, or
// nil when it offers none (vsftpd, ProFTPD without mod_digest): the size
// check then stands alone.
func newSummer(c *session.Conn) *summer {
	feats := c.Features()
	if v, ok := feats["HASH"]; ok {
		offered := strings.Split(strings.ToUpper(v), ";")
		for _, a := range algorithms {
			for _, o := range offered {
				if strings.TrimSuffix(strings.TrimSpace(o), "*") == a.name {
					return &summer{alg: a, useHash: true, h: a.new()}
				}
			}
		}
	}
	for _, a := range algorithms {
		if _, ok := feats[a.cmd]; ok {
			return &summer{alg: a, h: a.new()}
		}
	}
	return nil
}

func (s *summer) reset() { s.h.Reset() }

// prefix feeds the first n bytes of a file already on disk (a resumed
// part) into the sum. root nil: name is a plain path.
func (s *summer) prefix(root *os.Root, name string, n int64) error {
	s.h.Reset()
	var f *os.File
	var err error
	if root != nil {
		f, err = root.Open(name)
	} else {
		f, err = os.Open(name)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyN(s.h, f, n)
	return err
}

// verify asks the server for its checksum of remote and compares. It
// returns the checksum in words ("SHA-256 ab12…") when they match.
func (s *summer) verify(ctx context.Context, c *session.Conn, remote string) (string, error) {
	var reply string
	var err error
	if s.useHash {
		// Choose the algorithm first: the server's default may differ.
		if _, err = c.Quote(ctx, 200, "OPTS HASH "+s.alg.name); err == nil {
			reply, err = c.Quote(ctx, 213, "HASH "+remote)
		}
	} else {
		reply, err = c.Quote(ctx, -1, s.alg.cmd+" "+remote)
	}
	if err != nil {
		return "", err
	}
	want := hex.EncodeToString(s.h.Sum(nil))
	got := ""
	for _, f := range strings.Fields(reply) {
		if len(f) == len(want) {
			if _, err := hex.DecodeString(f); err == nil {
				got = strings.ToLower(f)
				break
			}
		}
	}
	if got == "" {
		return "", fmt.Errorf("verify %s: the server's %s reply has no checksum: %q", remote, s.alg.name, reply)
	}
	if got != want {
		return "", fmt.Errorf("verify %s: %w (%s: server %s, copy %s)", remote, errChecksum, s.alg.name, got, want)
	}
	return s.alg.name + " " + want, nil
}
