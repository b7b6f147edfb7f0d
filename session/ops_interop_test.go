package session_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferryftps/ferry/internal/ftpslab"
	"github.com/ferryftps/ferry/session"
)

// TestOperationsInterop runs every Conn operation against every lab
// endpoint, with TLS 1.2 and TLS 1.3, and checks from the protocol log that
// every data connection resumed the control connection's TLS session.
func TestOperationsInterop(t *testing.T) {
	for _, kind := range ftpslab.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			srv := ftpslab.Start(t, kind)
			for _, v := range tlsVersions {
				t.Run(v.name, func(t *testing.T) {
					rec := &recorder{}
					c := dialLab(t, srv, v.tls12Max, rec)
					ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
					defer cancel()
					must := func(what string, err error) {
						t.Helper()
						if err != nil {
							t.Fatalf("%s: %v\nprotocol log:\n%s", what, err, rec)
						}
					}
					base := "/ops-" + v.name
					must("mkdir", c.Mkdir(ctx, base))
					must("mkdirall", c.MkdirAll(ctx, base+"/a/b/c"))
					must("mkdirall again", c.MkdirAll(ctx, base+"/a/b/c"))
					if fi, err := os.Stat(filepath.Join(srv.Root, base, "a/b/c")); err != nil || !fi.IsDir() {
						t.Fatalf("a/b/c not created on the server: %v", err)
					}

					payload := make([]byte, 300_000)
					rand.Read(payload)
					file := base + "/a/f.bin"
					must("stor", c.Stor(ctx, file, 0, bytes.NewReader(payload)))

					fi, err := c.Stat(ctx, file)
					must("stat", err)
					if fi.IsDir || fi.Size != int64(len(payload)) || fi.Name != "f.bin" {
						t.Errorf("stat %s = %+v", file, fi)
					}
					dir, err := c.Stat(ctx, base+"/a/b")
					must("stat dir", err)
					if !dir.IsDir {
						t.Errorf("stat of a folder says %+v", dir)
					}
					if _, err := c.Stat(ctx, base+"/missing"); !errors.Is(err, session.ErrNotFound) {
						t.Errorf("stat of a missing file: %v, want ErrNotFound", err)
					}
					n, err := c.Size(ctx, file)
					must("size", err)
					if n != int64(len(payload)) {
						t.Errorf("size %d, want %d", n, len(payload))
					}

					// Resume a download from an offset.
					r, err := c.Retr(ctx, file, 100_000)
					must("retr from offset", err)
					tail, err := io.ReadAll(r)
					must("read from offset", err)
					must("close download", r.Close())
					if !bytes.Equal(tail, payload[100_000:]) {
						t.Errorf("download from offset 100000: %d bytes differ", len(tail))
					}

					// Resume an upload: the server has the first part, REST+STOR sends the rest.
					part := base + "/a/part.bin"
					must("stor first part", c.Stor(ctx, part, 0, bytes.NewReader(payload[:123_457])))
					must("stor from offset", c.Stor(ctx, part, 123_457, bytes.NewReader(payload[123_457:])))
					checkServerFile(t, srv, part, payload)
					// Append.
					app := base + "/a/app.bin"
					must("stor", c.Stor(ctx, app, 0, bytes.NewReader(payload[:1000])))
					must("append", c.Append(ctx, app, bytes.NewReader(payload[1000:])))
					checkServerFile(t, srv, app, payload)
					// An empty file.
					must("stor empty", c.Stor(ctx, base+"/empty", 0, bytes.NewReader(nil)))
					checkServerFile(t, srv, base+"/empty", nil)

					when := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
					if err := c.SetModTime(ctx, file, when); err != nil {
						if !errors.Is(err, session.ErrUnsupported) || srv.Kind.Program() != "vsftpd" {
							t.Errorf("set modification time: %v", err)
						}
					} else {
						got, err := c.ModTime(ctx, file)
						must("mdtm", err)
						if !got.Equal(when) {
							t.Errorf("modification time %v, want %v", got, when)
						}
					}

					must("chmod", c.Chmod(ctx, file, 0o640))
					if fi, err := os.Stat(filepath.Join(srv.Root, file)); err != nil || fi.Mode().Perm() != 0o640 {
						t.Errorf("after chmod 640 the server's file has mode %v (%v)", fi.Mode().Perm(), err)
					}

					l, err := c.List(ctx, base+"/a")
					must("list", err)
					if len(l.Unreadable) > 0 {
						t.Errorf("unreadable listing lines: %q", l.Unreadable)
					}
					names := map[string]session.FileInfo{}
					for _, e := range l.Entries {
						names[e.Name] = e
					}
					if f := names["f.bin"]; f.Size != int64(len(payload)) || f.IsDir || f.Perm != "rw-r-----" {
						t.Errorf("listing shows f.bin as %+v", f)
					}
					if b := names["b"]; !b.IsDir {
						t.Errorf("listing shows b as %+v", b)
					}
					if len(l.Entries) != 4 {
						t.Errorf("listing has %d entries, want 4 (f.bin, part.bin, app.bin, b): %+v", len(l.Entries), l.Entries)
					}

					must("rename", c.Rename(ctx, file, base+"/renamed.bin"))
					checkServerFile(t, srv, base+"/renamed.bin", payload)
					must("delete", c.Delete(ctx, base+"/renamed.bin"))
					if _, err := os.Stat(filepath.Join(srv.Root, base, "renamed.bin")); !os.IsNotExist(err) {
						t.Errorf("deleted file still there: %v", err)
					}
					if err := c.Delete(ctx, base+"/renamed.bin"); !errors.Is(err, session.ErrNotFound) {
						t.Errorf("deleting a missing file: %v, want ErrNotFound", err)
					}
					must("rmdir", c.Rmdir(ctx, base+"/a/b/c"))
					must("removeall", c.RemoveAll(ctx, base))
					if _, err := os.Stat(filepath.Join(srv.Root, base)); !os.IsNotExist(err) {
						t.Errorf("RemoveAll left %s: %v", base, err)
					}
					// CR/LF never reach the control channel, and the connection stays usable.
					if err := c.Mkdir(ctx, "/x\r\nDELE /hello.txt"); !errors.Is(err, session.ErrBadPath) {
						t.Errorf("path with CRLF: %v, want ErrBadPath", err)
					}
					must("noop", c.Noop(ctx))
					if _, err := os.Stat(filepath.Join(srv.Root, "hello.txt")); err != nil && !os.IsNotExist(err) {
						t.Error(err)
					}
					checkResumed(t, rec, 8, v.want, resumes(kind, v.want))
				})
			}
		})
	}
}

func checkServerFile(t *testing.T, srv *ftpslab.Server, name string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(srv.Root, name))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s on the server: %d bytes (want %d), err %v", name, len(got), len(want), err)
	}
}
