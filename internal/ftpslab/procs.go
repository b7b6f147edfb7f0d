package ftpslab

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Sessions returns the pids of the processes serving the server's client
// sessions right now, one per session, sorted: for each session the process
// that KillSession would kill. The listening master process is never among
// them. The processes are found in /proc, as descendants of the master:
//
//   - vsftpd forks for each connection a privileged parent, which forks an
//     unprivileged child that runs the session (before login as the
//     nopriv user; after login as the lab user, with the pre-login child
//     staying on as the TLS helper). The child running the session is the
//     one listed: the lab user's, else the newest.
//   - ProFTPD forks one process per session: that one.
//   - Pure-FTPd forks one process per session (running as the lab user
//     after login), which forks a root helper for privileged operations:
//     the session process is listed, not the helper.
//
// Sessions is safe to call from any goroutine; it returns nil once the
// server stopped.
func (s *Server) Sessions() []int { return s.sessions(false) }

// sessions is Sessions, with loggedIn only the sessions whose process runs
// as the lab user: those past login (vsftpd and Pure-FTPd switch to the
// user when the password is accepted).
func (s *Server) sessions(loggedIn bool) []int {
	select {
	case <-s.done:
		return nil
	default:
	}
	master := s.cmd.Process.Pid
	procs := readProcs()
	kids := map[int][]int{}
	for pid, p := range procs {
		kids[p.ppid] = append(kids[p.ppid], pid)
	}
	var out []int
	for _, top := range kids[master] {
		pid := top
		if s.Kind.Program() == "vsftpd" && len(kids[top]) > 0 {
			children := kids[top]
			slices.Sort(children)
			pid = children[len(children)-1]
			for _, c := range children {
				if procs[c].uid == s.uid {
					pid = c
				}
			}
		}
		if !loggedIn || procs[pid].uid == s.uid {
			out = append(out, pid)
		}
	}
	slices.Sort(out)
	return out
}

// KillSession kills one client session of the running server, chosen at
// random, the way a crashing server process would end it: it sends SIGKILL,
// by pid, to that session's process from Sessions. For vsftpd that is the
// unprivileged child, so the privileged parent writes "500 OOPS: child
// died" on the control connection and drops it; for ProFTPD and Pure-FTPd
// the control connection just closes (reset). The listening master process
// is never touched, so new logins keep working. It returns the pid killed,
// or 0 when no session is running (or the server stopped). It is safe to
// call from another goroutine while a test uses the server.
func (s *Server) KillSession() (int, error) { return s.kill(s.Sessions()) }

// KillLoggedInSession is KillSession for sessions past login only (see
// sessions): a test that kills sessions one after another uses it after
// its first kill, so that a client's retried login is not killed every
// time on a machine where logging in is slow.
func (s *Server) KillLoggedInSession() (int, error) { return s.kill(s.sessions(true)) }

func (s *Server) kill(sessions []int) (int, error) {
	if len(sessions) == 0 {
		return 0, nil
	}
	pid := sessions[rand.IntN(len(sessions))]
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		if err == syscall.ESRCH { // the session ended by itself meanwhile
			return 0, nil
		}
		return 0, err
	}
	return pid, nil
}

// proc is what readProcs knows of a process.
type proc struct {
	ppid int
	uid  int // effective
}

// readProcs returns every live process by pid, read from /proc/<pid>/stat
// (the parent) and the owner of /proc/<pid> (the effective uid). Zombies are
// left out: they are dead already.
func readProcs() map[int]proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	procs := map[int]proc{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...; comm may hold spaces and parens.
		stat := string(b)
		i := strings.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(stat[i+1:])
		if len(f) < 2 || f[0] == "Z" {
			continue
		}
		ppid, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		p := proc{ppid: ppid, uid: -1}
		if fi, err := os.Stat("/proc/" + e.Name()); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				p.uid = int(st.Uid)
			}
		}
		procs[pid] = p
	}
	return procs
}

// listening reports whether the server's master process holds a socket
// listening on the control port, from /proc/<pid>/fd and /proc/net/tcp.
// known is false when /proc cannot tell.
func (s *Server) listening() (listening, known bool) {
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/fd")
	if err != nil {
		return false, false
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/fd/" + fd.Name())
		if err == nil && strings.HasPrefix(link, "socket:[") && strings.HasSuffix(link, "]") {
			inodes[link[len("socket:["):len(link)-1]] = true
		}
	}
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false, false
	}
	// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" { // 0A: LISTEN
			continue
		}
		_, port, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		if p, err := strconv.ParseInt(port, 16, 32); err == nil && int(p) == s.Port && inodes[f[9]] {
			return true, true
		}
	}
	return false, true
}
