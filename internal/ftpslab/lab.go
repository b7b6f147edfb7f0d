package ftpslab

// The binaries come from scripts/setup.sh test (make test): vsftpd is an
// installed package, ProFTPD and Pure-FTPd are unpacked into a cache folder
// because they conflict with vsftpd as packages. When a server is missing,
// Start skips the test and says how to install it; with CI=true it fails.

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// Kind names one lab endpoint: a server program in one TLS mode.
type Kind string

// The lab's endpoints.
const (
	VsftpdExplicit   Kind = "vsftpd-explicit"
	VsftpdImplicit   Kind = "vsftpd-implicit"
	ProftpdExplicit  Kind = "proftpd-explicit"
	ProftpdImplicit  Kind = "proftpd-implicit"
	PureftpdExplicit Kind = "pureftpd-explicit"
)

// Kinds lists every endpoint the lab can start, in a stable order.
func Kinds() []Kind {
	return []Kind{VsftpdExplicit, VsftpdImplicit, ProftpdExplicit, ProftpdImplicit, PureftpdExplicit}
}

// Implicit reports whether the endpoint speaks implicit FTPS (TLS from the
// first byte) rather than explicit FTPS (AUTH TLS).
func (k Kind) Implicit() bool { return k == VsftpdImplicit || k == ProftpdImplicit }

// Program is the server program behind the endpoint: vsftpd, proftpd or pure-ftpd.
func (k Kind) Program() string {
	switch k {
	case VsftpdExplicit, VsftpdImplicit:
		return "vsftpd"
	case ProftpdExplicit, ProftpdImplicit:
		return "proftpd"
	default:
		return "pure-ftpd"
	}
}

// The lab's login. vsftpd authenticates through PAM, so the account is a real
// system account (no shell, no home) made by scripts/setup.sh; ProFTPD and
// Pure-FTPd use their own password files for the same name and password.
const (
	User     = "ferrylab"
	Password = "ferry-lab-password"
)

// Options changes how a server is started. The zero value is the default lab.
type Options struct {
	// ClientCA, when set, is a PEM bundle of CAs; the server then requires
	// every client to present a certificate signed by one of them.
	ClientCA []byte
	// NoChroot starts the server the way most people run one: without a
	// chroot. The user logs in to their home folder, the server's Root (so
	// PWD answers its absolute path, Server.Home), and "/" is the machine's
	// real root. The zero value chroots the user to Root, so "/" is the
	// login folder. vsftpd, ProFTPD and Pure-FTPd all support it.
	NoChroot bool
	// MaxPerIP, when above 0, is how many connections the server accepts
	// from one address (vsftpd's max_per_ip); it refuses more with 421.
	MaxPerIP int
	// MaxRate, when above 0, caps each session's transfers at this many
	// bytes a second, as hosting providers and busy servers do: vsftpd's
	// local_max_rate, ProFTPD's TransferRate. vsftpd counts it per session,
	// so a client gets MaxRate per control connection it opens.
	MaxRate int64
	// PasvAddress is the address the server names in PASV replies
	// (127.0.0.1 when empty). StartDelay needs DelayHost here, so that
	// data connections also take the delayed path.
	PasvAddress string
}

// Server is a running lab server. Its fields are read-only.
type Server struct {
	Kind     Kind
	Host     string // always 127.0.0.1
	Port     int    // the control port
	User     string
	Password string
	// Root is the local folder holding the test user's files, where the
	// user logs in. Files a test puts there appear on the server and vice
	// versa.
	Root string
	// Home is the login folder exactly as the server names it in its PWD
	// reply: "/" for a chrooted server (the default), and Root's absolute
	// path with symlinks resolved (e.g. /tmp may be a link) for one started
	// with Options.NoChroot, where "/" is the machine's real root.
	Home string
	// Cert is the server's self-signed certificate (CN localhost, SANs
	// localhost, 127.0.0.1 and DelayHost 127.0.0.2); CertPEM is the same
	// in PEM form.
	Cert    *x509.Certificate
	CertPEM []byte

	dir string
	uid int // the lab account's
	// The passive ports and the address PASV replies name, for StartDelay.
	pasvMin, pasvMax int
	pasvAddr         string
	cmd              *exec.Cmd
	done             chan struct{}
	out              *syncBuffer
}

// Addr is host:port of the control connection.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Fingerprint is the SHA-256 of the server certificate's DER bytes.
func (s *Server) Fingerprint() [32]byte { return sha256.Sum256(s.Cert.Raw) }

// FingerprintFlag is the --fingerprint value that trusts exactly this
// server's certificate: "sha256:HEX".
func (s *Server) FingerprintFlag() string {
	sum := s.Fingerprint()
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Output returns what the server printed and logged so far, for test failures.
func (s *Server) Output() string {
	out := s.out.String()
	for _, name := range []string{"vsftpd.log", "proftpd.log", "tls.log"} {
		if b, err := os.ReadFile(filepath.Join(s.dir, name)); err == nil && len(b) > 0 {
			out += "\n--- " + name + " ---\n" + string(b)
		}
	}
	return out
}

// Missing returns why kind cannot run on this machine, with the command that
// fixes it, or "" when it can.
func Missing(kind Kind) string {
	const fix = "run `make test` (or `sudo scripts/setup.sh test`) to install the lab"
	if os.Geteuid() != 0 {
		return kind.Program() + " must be started as root (it switches to the lab account): run the tests as root, as `make test` does"
	}
	if _, err := user.Lookup(User); err != nil {
		return "the lab account " + User + " does not exist: " + fix
	}
	if _, err := os.Stat(binary(kind)); err != nil {
		return kind.Program() + " is not installed (" + binary(kind) + "): " + fix
	}
	return ""
}

// Start starts a server of the given kind for the test and stops it, by its
// pid, when the test ends. Outside CI a missing server skips the test;
// with CI=true it fails it.
func Start(t testing.TB, kind Kind, opts ...Options) *Server {
	t.Helper()
	if why := Missing(kind); why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ftpslab: %s (CI=true: a missing lab server is a failure)", why)
		}
		t.Skipf("ftpslab: %s", why)
	}
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	var lastErr error
	// Ports are picked free but can be taken before the server binds them:
	// try a few times with fresh ports.
	for attempt := 0; attempt < 4; attempt++ {
		s, err := start(t, kind, o)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("ftpslab: cannot start %s: %v", kind, lastErr)
	return nil
}

func start(t testing.TB, kind Kind, o Options) (*Server, error) {
	dir, err := os.MkdirTemp("", "ferry-lab-"+string(kind)+"-")
	if err != nil {
		return nil, err
	}
	s, err := launch(kind, o, dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("ftpslab: %s output:\n%s", kind, s.Output())
		}
		os.RemoveAll(dir)
	})
	return s, nil
}

// launch lays out the server's folder dir (root, certificate, config) and
// starts the server in it, returning once it listens.
func launch(kind Kind, o Options, dir string) (*Server, error) {
	acct, err := user.Lookup(User)
	if err != nil {
		return nil, err
	}
	uid, _ := strconv.Atoi(acct.Uid)
	gid, _ := strconv.Atoi(acct.Gid)
	root, empty, err := layFolders(dir, uid, gid)
	if err != nil {
		return nil, err
	}
	cert, certPEM, keyPEM, err := selfSigned()
	if err != nil {
		return nil, err
	}
	files, err := writeCredentials(dir, certPEM, keyPEM, o.ClientCA)
	if err != nil {
		return nil, err
	}
	nports := 21
	if o.PasvAddress != "" {
		// A delayed path listens on every passive port: leave room for
		// parallel clients (lftp pget -n 8) without port clashes.
		nports = 41
	}
	ports, err := freePorts(nports)
	if err != nil {
		return nil, err
	}
	pasvAddr := o.PasvAddress
	if pasvAddr == "" {
		pasvAddr = "127.0.0.1"
	}
	home := "/"
	confRoot := root
	if o.NoChroot {
		// Without a chroot the server reports the real path of the folder
		// it put the user in: give it that path in the first place.
		if confRoot, err = filepath.EvalSymlinks(root); err != nil {
			return nil, err
		}
		home = confRoot
	}
	p := params{
		Dir: dir, Root: confRoot, NoChroot: o.NoChroot, Empty: empty, Cert: files.cert, Key: files.key, ClientCA: files.ca,
		Port: ports[0], PasvMin: ports[1], PasvMax: ports[len(ports)-1],
		Implicit: kind.Implicit(), UID: uid, GID: gid, User: User, Password: Password, MaxPerIP: o.MaxPerIP,
		ModulePath:  filepath.Join(LabDir(), "root/usr/lib/proftpd"),
		PasvAddress: pasvAddr, MaxRate: o.MaxRate, MaxRateKB: float64(o.MaxRate) / 1024,
	}
	cmd, err := command(kind, p)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Kind: kind, Host: "127.0.0.1", Port: p.Port, User: User, Password: Password,
		Root: root, Home: home, Cert: cert, CertPEM: certPEM, dir: dir, uid: uid, cmd: cmd,
		done: make(chan struct{}), out: &syncBuffer{},
		pasvMin: p.PasvMin, pasvMax: p.PasvMax, pasvAddr: pasvAddr,
	}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	// A process group of its own, so that stopping the server by its pid also
	// ends the per-session processes it forked.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(s.done) }()
	if err := s.waitReady(10 * time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// layFolders makes the server's root (owned by the lab account) and
// vsftpd's secure_chroot_dir (root-owned, not writable) in dir, which the
// lab account must be able to reach.
func layFolders(dir string, uid, gid int) (root, empty string, err error) {
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", "", err
	}
	root, empty = filepath.Join(dir, "root"), filepath.Join(dir, "empty")
	for _, d := range []string{root, empty} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return "", "", err
		}
	}
	return root, empty, os.Chown(root, uid, gid)
}

// credentialFiles are the PEM files a server reads.
type credentialFiles struct{ cert, key, ca string }

// writeCredentials writes the certificate and key (apart, and together for
// Pure-FTPd) and the client CAs, if any, into dir.
func writeCredentials(dir string, certPEM, keyPEM, clientCA []byte) (credentialFiles, error) {
	f := credentialFiles{cert: filepath.Join(dir, "cert.pem"), key: filepath.Join(dir, "key.pem")}
	type write struct {
		path string
		data []byte
		mode os.FileMode
	}
	writes := []write{
		{f.cert, certPEM, 0o644},
		{f.key, keyPEM, 0o600},
		{filepath.Join(dir, "both.pem"), append(append([]byte{}, keyPEM...), certPEM...), 0o600},
	}
	if len(clientCA) > 0 {
		f.ca = filepath.Join(dir, "client-ca.pem")
		writes = append(writes, write{f.ca, clientCA, 0o644})
	}
	for _, w := range writes {
		if err := os.WriteFile(w.path, w.data, w.mode); err != nil {
			return f, err
		}
	}
	return f, nil
}

// waitReady waits until the server listens on the control port, or the
// server exits, or the timeout passes. It looks in /proc rather than
// connecting, so that no probe session is left for Sessions and
// KillSession to find; where /proc cannot tell, it connects.
func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("%s exited at start: %s", s.Kind, s.Output())
		default:
		}
		listening, known := s.listening()
		if listening {
			return nil
		}
		if !known {
			c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond)
			if err == nil {
				c.Close()
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not listen on %s within %s: %s", s.Kind, s.Addr(), timeout, s.Output())
}

// stop ends the server's process group by its pid and waits for it.
func (s *Server) stop() {
	pid := s.cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-s.done
	}
	// Session processes may have left the group's leader behind: end them too.
	syscall.Kill(-pid, syscall.SIGKILL)
}

// LabDir is the cache folder holding the unpacked ProFTPD and Pure-FTPd:
// $FERRY_LAB_DIR, else $XDG_CACHE_HOME/ferry-lab, else ~/.cache/ferry-lab.
func LabDir() string {
	if d := os.Getenv("FERRY_LAB_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "ferry-lab")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "ferry-lab")
}

func binary(kind Kind) string {
	switch kind.Program() {
	case "vsftpd":
		return "/usr/sbin/vsftpd"
	case "proftpd":
		return filepath.Join(LabDir(), "root/usr/sbin/proftpd")
	default:
		return filepath.Join(LabDir(), "root/usr/sbin/pure-ftpd")
	}
}

// params fill the config templates.
type params struct {
	Dir, Root, Empty, Cert, Key, ClientCA string
	Port, PasvMin, PasvMax                int
	Implicit, NoChroot                    bool
	UID, GID                              int
	User, Password                        string
	ModulePath                            string
	MaxPerIP                              int
	PasvAddress                           string
	MaxRate                               int64   // bytes/s per session, 0 = none
	MaxRateKB                             float64 // the same in KiB/s, for ProFTPD
}

func command(kind Kind, p params) (*exec.Cmd, error) {
	switch kind.Program() {
	case "vsftpd":
		conf := filepath.Join(p.Dir, "vsftpd.conf")
		if err := render(conf, "vsftpd.conf.tmpl", p); err != nil {
			return nil, err
		}
		return exec.Command(binary(kind), conf), nil
	case "proftpd":
		hash, err := cryptPassword(p.Password)
		if err != nil {
			return nil, err
		}
		passwd := fmt.Sprintf("%s:%s:%d:%d::%s:/bin/false\n", p.User, hash, p.UID, p.GID, p.Root)
		if err := os.WriteFile(filepath.Join(p.Dir, "passwd"), []byte(passwd), 0o600); err != nil {
			return nil, err
		}
		group := fmt.Sprintf("%s:x:%d:\n", p.User, p.GID)
		if err := os.WriteFile(filepath.Join(p.Dir, "group"), []byte(group), 0o600); err != nil {
			return nil, err
		}
		conf := filepath.Join(p.Dir, "proftpd.conf")
		if err := render(conf, "proftpd.conf.tmpl", p); err != nil {
			return nil, err
		}
		cmd := exec.Command(binary(kind), "--nodaemon", "--config", conf)
		cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+filepath.Join(LabDir(), "root/usr/lib/x86_64-linux-gnu"))
		return cmd, nil
	default:
		// Pure-FTPd's virtual users live in a PureDB made by pure-pw. pure-pw's
		// own hash (argon2id, t=1023) costs ~4 s per login; a SHA-512 crypt
		// hash, which Pure-FTPd also accepts, costs milliseconds.
		hash, err := cryptPassword(p.Password)
		if err != nil {
			return nil, err
		}
		passwdFile := filepath.Join(p.Dir, "pureftpd.passwd")
		pdb := filepath.Join(p.Dir, "pureftpd.pdb")
		// "/./" at the end of the home folder chroots the user there; a
		// plain home folder does not.
		chroot := "/./"
		if p.NoChroot {
			chroot = ""
		}
		line := fmt.Sprintf("%s:%s:%d:%d::%s%s::::::::::::\n", p.User, hash, p.UID, p.GID, p.Root, chroot)
		if err := os.WriteFile(passwdFile, []byte(line), 0o600); err != nil {
			return nil, err
		}
		mkdb := exec.Command(filepath.Join(LabDir(), "root/usr/bin/pure-pw"), "mkdb", pdb, "-f", passwdFile)
		if out, err := mkdb.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pure-pw mkdb: %v: %s", err, out)
		}
		args := []string{
			"--bind", fmt.Sprintf("127.0.0.1,%d", p.Port),
			"--passiveportrange", fmt.Sprintf("%d:%d", p.PasvMin, p.PasvMax),
			"--login", "puredb:" + pdb,
			"--tls", "2", // TLS required for the control and the data connections
			"--certfile", p.Cert + "," + p.Key,
			"--noanonymous", "--dontresolve",
			"--minuid", "1", "--ipv4only", "--maxclientsperip", "50",
		}
		if !p.NoChroot {
			args = append(args, "--chrooteveryone")
		}
		if p.ClientCA != "" {
			return nil, fmt.Errorf("pure-ftpd: client certificates are not part of the lab")
		}
		if p.MaxRate > 0 || p.PasvAddress != "127.0.0.1" {
			return nil, fmt.Errorf("pure-ftpd: MaxRate and PasvAddress are not part of the lab")
		}
		return exec.Command(binary(kind), args...), nil
	}
}

// cryptPassword returns a SHA-512 crypt(3) hash of password.
func cryptPassword(password string) (string, error) {
	out, err := exec.Command("openssl", "passwd", "-6", password).Output()
	if err != nil {
		return "", fmt.Errorf("openssl passwd: %w", err)
	}
	return string(bytes.TrimSpace(out)), nil
}

func render(path, name string, p params) error {
	tmpl, err := template.ParseFS(templates, "templates/"+name)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, p); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}

var portMu sync.Mutex

// freePorts returns n consecutive ports on 127.0.0.1 that were free a moment
// ago: the first for control, the rest for passive data connections.
func freePorts(n int) ([]int, error) {
	portMu.Lock()
	defer portMu.Unlock()
	for attempt := 0; attempt < 50; attempt++ {
		base := 20000 + rand.IntN(30000)
		ok := true
		for i := 0; i < n && ok; i++ {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(base+i)))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			ports := make([]int, n)
			for i := range ports {
				ports[i] = base + i
			}
			return ports, nil
		}
	}
	return nil, fmt.Errorf("no %d free consecutive ports on 127.0.0.1", n)
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
