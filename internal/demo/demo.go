package demo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/ferryftps/ferry/internal/ftpd"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/sites"
)

// User is the demo server's user name.
const User = "demo"

// Server is a running demo: two FTPS servers over one folder of samples.
type Server struct {
	// Site is the explicit-FTPS site ("Demo server"); Implicit is the same
	// folder over implicit FTPS.
	Site, Implicit sites.Site
	// Password is random, made for this run, and kept only in memory.
	Password string
	// Dir holds the server's files; Local is a folder of files to upload
	// ("this computer" for the demo).
	Dir, Local string

	tmp           string
	explicit, imp *ftpd.Server
}

// Options tune a demo; the zero value is what `ferry -demo` uses.
type Options struct {
	// BigFile is the size of the large sample (default 256 MiB).
	BigFile int64
	// OnListen is told every address the servers listen on.
	OnListen func(net.Addr)
}

// Start makes the sample files and starts both servers on 127.0.0.1.
func Start(opts Options) (*Server, error) {
	if opts.BigFile == 0 {
		opts.BigFile = 256 << 20
	}
	tmp, err := os.MkdirTemp("", "ferry-demo-")
	if err != nil {
		return nil, err
	}
	d := &Server{tmp: tmp, Dir: filepath.Join(tmp, "server"), Local: filepath.Join(tmp, "this computer")}
	fail := func(err error) (*Server, error) {
		d.Close()
		return nil, fmt.Errorf("starting the demo server: %w", err)
	}
	if err := samples(d.Dir, d.Local, opts.BigFile); err != nil {
		return fail(err)
	}
	pw := make([]byte, 12)
	rand.Read(pw)
	d.Password = hex.EncodeToString(pw)
	cert, err := ftpd.GenerateCert("127.0.0.1", "localhost")
	if err != nil {
		return fail(err)
	}
	cfg := ftpd.Config{Root: d.Dir, User: User, Password: d.Password, Cert: cert, RequireReuse: true, OnListen: opts.OnListen}
	if d.explicit, err = ftpd.Start(cfg); err != nil {
		return fail(err)
	}
	cfg.Implicit = true
	if d.imp, err = ftpd.Start(cfg); err != nil {
		return fail(err)
	}
	d.Site = sites.Site{Name: "Demo server", Host: "127.0.0.1", Port: d.explicit.Port(), Encryption: session.Explicit,
		User: User, LocalDir: d.Local, RemoteDir: "/", Notes: "Ferry's built-in demo: explicit FTPS on 127.0.0.1. It stops when Ferry quits."}
	d.Implicit = sites.Site{Name: "Demo server (implicit FTPS)", Host: "127.0.0.1", Port: d.imp.Port(), Encryption: session.Implicit,
		User: User, LocalDir: d.Local, RemoteDir: "/", Notes: "The same folder over implicit FTPS."}
	return d, nil
}

// Close stops the servers and removes every file the demo made.
func (d *Server) Close() error {
	if d.explicit != nil {
		d.explicit.Close()
	}
	if d.imp != nil {
		d.imp.Close()
	}
	return os.RemoveAll(d.tmp)
}

// samples writes the server's folder (documents, images, a nested folder,
// one large file) and a few local files to upload.
func samples(dir, local string, big int64) error {
	when := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	files := map[string][]byte{
		"Documents/Quarterly report.txt":   []byte("Quarterly report\n\nRevenue grew 12 % over the last quarter.\n"),
		"Documents/Meeting notes.md":       []byte("# Meeting notes\n\n- Ship Ferry 0.1\n- Try the demo\n"),
		"Documents/Budget 2026.csv":        []byte("item,amount\nservers,1200\nlicences,300\n"),
		"Projects/Website/index.html":      []byte("<!doctype html><title>Hello</title><h1>Hello from the demo server</h1>\n"),
		"Projects/Website/style.css":       []byte("body { font-family: sans-serif; }\n"),
		"Projects/Website/assets/logo.txt": []byte("(imagine a logo here)\n"),
		"README.txt": []byte("Welcome to Ferry's demo server.\n\nDrag files between the panes to transfer them.\n" +
			"Everything here lives in a temporary folder that is removed when Ferry quits.\n"),
	}
	for name, data := range files {
		if err := write(filepath.Join(dir, name), data, when); err != nil {
			return err
		}
	}
	for i, c := range []color.RGBA{{0x2e, 0x86, 0xab, 255}, {0xf2, 0x9e, 0x4c, 255}, {0x4c, 0xaf, 0x50, 255}} {
		if err := writePNG(filepath.Join(dir, "Images", fmt.Sprintf("photo-%d.png", i+1)), c, when); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "Uploads"), 0o755); err != nil {
		return err
	}
	if err := bigFile(filepath.Join(dir, "Videos", "holiday-video.bin"), big, when); err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"letter.txt":       []byte("Dear customer,\n\nthe files you asked for are on the server.\n"),
		"invoice-0042.csv": []byte("item,qty,price\nconsulting,3,450\n"),
	} {
		if err := write(filepath.Join(local, name), data, time.Now()); err != nil {
			return err
		}
	}
	return writePNG(filepath.Join(local, "diagram.png"), color.RGBA{0x8e, 0x44, 0xad, 255}, time.Now())
}

func write(p string, data []byte, when time.Time) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	return os.Chtimes(p, when, when)
}

func writePNG(p string, c color.RGBA, when time.Time) error {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			k := uint8((x + y) / 4)
			img.Set(x, y, color.RGBA{c.R ^ k/4, c.G, c.B ^ k/8, 255})
		}
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chtimes(p, when, when)
}

// bigFile writes size bytes that do not compress to nothing (a 1 MiB
// random block, stamped with its offset), quickly.
func bigFile(p string, size int64, when time.Time) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	block := make([]byte, 1<<20)
	rand.Read(block)
	for off := int64(0); off < size; off += int64(len(block)) {
		n := min(int64(len(block)), size-off)
		copy(block, fmt.Sprintf("%016x", off))
		if _, err := f.Write(block[:n]); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chtimes(p, when, when)
}
