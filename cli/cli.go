package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/ferryftps/ferry/internal/buildinfo"
)

// Exit codes of the ferry command. They are documented in "ferry help".
const (
	ExitOK        = 0 // success
	ExitError     = 1 // the operation failed
	ExitUsage     = 2 // the command line is wrong
	ExitUntrusted = 3 // the server's certificate is not trusted (unknown or changed)
	ExitAuth      = 4 // the server refused the user name or password
)

// Handles reports whether args name a headless subcommand. With no
// arguments, or only flags, the desktop app runs instead.
func Handles(args []string) bool {
	return len(args) > 0 && !strings.HasPrefix(args[0], "-")
}

// env is what a subcommand runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	in             *bufio.Reader // stdin, buffered once (see reader)
	termMu         sync.Mutex    // the terminal: one question or progress line at a time
}

// Run runs the subcommand named by args[0] and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	case "version":
		fmt.Fprintf(stdout, "ferry %s\n", buildinfo.Version)
		return ExitOK
	case "ls":
		return e.ls(args[1:])
	case "get":
		tuneGC()
		return e.get(args[1:])
	case "put":
		tuneGC()
		return e.put(args[1:])
	case "sync":
		tuneGC()
		return e.sync(args[1:])
	case "trust":
		return e.trust(args[1:])
	case "sites":
		return e.sites(args[1:])
	}
	fmt.Fprintf(stderr, "ferry: unknown command %q\n\n%s", args[0], usage)
	return ExitUsage
}

// tuneGC makes the collector run less often during a transfer, unless
// GOGC or GOMEMLIMIT says otherwise: a transfer's live heap is a few MB
// that are mostly TLS and copy buffers, and at Go's default (a collection
// each time the heap doubles) about a fifth of Ferry's user-space CPU on
// a tree of 1000 small files was the collector (perf). The soft limit keeps a huge tree's plan
// (its listings are live) from growing the heap fourfold.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(512 << 20)
}

const usage = `Usage:
  ferry                          open the desktop app
  ferry -demo                    open the app against a demo FTPS server on 127.0.0.1
  ferry ls [-l] [flags] URL      list a remote folder
  ferry get [-r] [-j N] [--on-conflict A] [flags] URL... LOCALDIR
                                 download files (folders with -r) into LOCALDIR
  ferry put [-r] [-j N] [--on-conflict A] [flags] LOCAL... URL
                                 upload files (folders with -r) into the remote folder URL
  ferry sync [--direction up|down|both] [--delete] [--compare M] [--checksum] [--dry-run] [--exclude PAT]... LOCALDIR URL
                                 keep a local folder and a remote one in step (see Sync below)
  ferry sites list               list saved sites
  ferry sites add NAME URL [--folder F] [--logon normal|ask|anonymous] [--password-stdin]
                                 save a site; a normal logon's password goes to the system keyring
  ferry sites edit NAME [--name N] [--folder F] [--url URL] [--logon L] [--password-stdin] ...
  ferry sites rm NAME            delete a site and its saved password
  ferry sites import [FILE]      import FileZilla's sitemanager.xml (without FILE: FileZilla's
                                 own; passwords move into the keyring) or a Ferry export
  ferry sites export FILE        write every site, without passwords
  ferry trust list               list the certificates you chose to always trust
  ferry trust rm HOST[:PORT]     forget a trusted certificate (port 21 if omitted)
  ferry help                     show this help
  ferry version                  print Ferry's version

URLs:
  ftpes://user@host[:port]/path  explicit FTPS (AUTH TLS), port 21 by default
  ftps://user@host[:port]/path   implicit FTPS, port 990 by default
  ftp://user@host[:port]/path    plain FTP, unencrypted: refused unless --allow-plain
  host[:port]/path               the same as ftpes://
  site:NAME[/path]               a saved site (NAME may be Folder/Name); without a
                                 path, the site's remote folder
  IPv6: ftpes://[::1]:2121/path. Passwords never go in a URL.

  Paths start in the login folder, the folder the server puts you in after
  login (your home on most servers), as in curl and lftp:
    ftpes://alice@host/          the login folder, e.g. /home/alice
    ftpes://alice@host/up        its up/ folder: /home/alice/up
    ftpes://alice@host//etc      an absolute path: /etc (also ftpes://alice@host/%2Fetc)
  get -r of the login folder (or of //) downloads everything in it straight
  into LOCALDIR; any other folder arrives as a folder of its name.

Transfer flags (get, put):
  -r                        transfer folders with everything in them
  -j N                      transfers at once (default: start with 2 and add more while
                            each raises the throughput, up to the site's connection
                            limit, else 8)
  --limit-rate RATE         at most RATE bytes a second, all transfers of the command
                            together, each direction (500K, 20M; K = 1024): a large
                            upload does not fill the office line (also for sync)
  --on-conflict A           when a file exists: overwrite, newer (overwrite if newer),
                            size (overwrite if the size differs), resume, rename (keep
                            both), skip. Default: ask on a terminal, else skip.
  Downloads go to a .ferry-part file renamed into place when whole; an
  interrupted transfer continues from where it stopped (resume). A progress
  line shows on a terminal; a summary always. Every file is recorded in the
  transfer history (transfer-history.jsonl in the config folder).

Connection flags:
  --password-stdin          read the password from the first line of standard input
                            (without it, Ferry asks on the terminal)
  --fingerprint sha256:HEX  trust exactly the certificate with this SHA-256 fingerprint
                            (for scripts; see exit code 3)
  --tls12                   use TLS 1.2 at most, for servers whose TLS 1.3 is broken
  --allow-plain             allow plain, unencrypted ftp:// URLs
  --timeout DURATION        give up on a step that takes longer (default 30s): connecting
                            and logging in, each reply, opening each data connection.
                            Measured from the step's start, so a server that trickles
                            a byte at a time cannot hold Ferry.
  --min-speed RATE          a transfer that moves less than RATE bytes a second
  --min-speed-time DURATION for this long fails, and get/put retry it like a cut
                            connection (default 1K for 30s, as curl's --speed-limit
                            and --speed-time); --min-speed 0 asks only for one byte
                            in each --min-speed-time

Certificates: a certificate that no certificate authority vouches for is shown
on the terminal with a question (trust once, always, or not). Without a
terminal and without --fingerprint, Ferry prints its SHA-256 fingerprint and
exits with code 3. A certificate that changed since you trusted it is never
accepted silently. Trusted certificates live in the config folder
($FERRY_CONFIG_DIR, else ~/.config/ferry on Linux).

Sync (ferry sync LOCALDIR URL):
  --direction up            make the remote folder like the local one (the default)
  --direction down          make the local folder like the remote one
  --direction both          carry each side's changes to the other, deletions too: Ferry
                            keeps the state of the last sync of each pair in the config
                            folder, so it tells a file deleted here from one new there; a
                            file changed on both sides is a conflict, left as it is on
                            both sides and reported (exit code 1)
  --delete                  one way: delete on the target what the source lacks
  --dry-run                 print the plan (every upload, download, deletion, conflict)
                            and change nothing
  --compare size+time|size|time
                            one way: what makes a file differ (default size+time: another
                            size, or newer on the source)
  --checksum                also compare files of the same size by the server's checksum
                            (HASH, XSHA256, XSHA1, XMD5, XCRC) when it offers one: a
                            command per file, for servers whose times cannot be trusted
  --exclude PAT             leave names alone on both sides: *.tmp, cache/ (a folder),
                            build/*.o (a path from the top); repeatable
  Files are compared by size and modification time, within what the server's listing
  can tell (seconds with MLSD, minutes with LIST). A server that lists times in a zone
  of its own (LIST says none) is recognised when four in five files of the same size
  on both sides differ by the same whole number of hours, and corrected. A folder whose listing failed stops
  the sync; one with unreadable lines is never a reason to delete anything. Local
  deletions go to the desktop's trash where there is one.

Exit codes:
  0  success
  1  the operation failed
  2  the command line is wrong
  3  the server's certificate is not trusted (unknown, or changed since you trusted it)
  4  the server refused the user name or password
`
