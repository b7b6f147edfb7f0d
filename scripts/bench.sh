#!/usr/bin/env bash
# Ferry's on-demand throughput benchmark (not part of CI or `make test`):
# Ferry next to curl and lftp, each peer at its best settings, runs
# interleaved tool by tool, median of 3, every result checked by SHA-256.
# Writes a markdown table (stdout and a file): median seconds, MB/s, files/s,
# Ferry's throughput over each peer's, client CPU seconds per GiB, machine CPU.
#
# Cases (explicit FTPS, passive mode):
#   loopback (vsftpd and ProFTPD on 127.0.0.1):
#     1 GiB down: ferry, curl, lftp pget -n 4, lftp get
#     1 GiB up:   ferry, curl, lftp put
#     tree of 1000 × 16 KiB in 10 folders, down and up: ferry, ferry --tls12,
#       lftp mirror --parallel=4 with TLS 1.2 forced and with its default TLS
#     sync plan (vsftpd): 20,000 files of 64-512 B in 200 folders, in step on
#       both sides (same sizes and times): ferry sync --dry-run --direction
#       down and up, lftp mirror --only-newer and mirror -R --only-newer
#       (--parallel=8, TLS 1.2 forced and its default); nothing may move, and
#       Ferry's plan must be empty with every file in step. Target: under 3 s
#   capped (vsftpd, local_max_rate 10 MB/s per session):
#     200 MB down: ferry, curl, lftp pget -n 4, lftp pget -n 8
#   20 ms path (vsftpd behind a delay proxy on 127.0.0.2, 20 ms each way):
#     a smaller tree of 250 × 16 KiB in 5 folders down and up (the same four
#     tools), 200 MB down: ferry, curl, lftp pget -n 4
#
# Needs root, like the lab tests: the lab servers switch to the lab account.
# Install the lab, curl and lftp first with `scripts/setup.sh test` (`make test`
# does it too).
#
#   sudo scripts/bench.sh
#
# Environment:
#   BENCH_OUT=FILE     where the markdown goes (default: a new folder under /tmp)
#   BENCH_QUICK=1      64 MiB file, 20 MB capped and delayed file, 100-file tree
#                      (50 files on the 20 ms path), 2,000 files to plan a sync
#                      of, 1 run: checks the harness
#                      in a few minutes
#   BENCH_RUNS=N       runs per measurement (default 3, quick 1)
#   BENCH_ONLY=TEXT    only the workloads whose "case workload" label contains
#                      TEXT, e.g. loopback, proftpd, capped, "20 ms", tree, "tree up",
#                      "sync plan"
#   BENCH_FERRY=PATH   benchmark this ferry binary instead of building the repository's
#   BENCH_TMP=DIR      put everything the benchmark writes (sources, the lab
#                      servers' roots, downloads) in DIR; the lab account must
#                      be able to traverse it and its parents
#
# Files: everything the benchmark writes goes under $TMPDIR, about 2.5 GiB (the
# sources and one copy at a time). Unless BENCH_TMP is set, that is a private
# folder on /dev/shm when it is a tmpfs with 4 GiB free (removed on exit), so
# the figures measure protocol, TLS and CPU rather than a file system (ext4
# creating files right after deleting a thousand costs ~1 ms a file);
# otherwise $TMPDIR as it is. The report says which.
# A full run takes roughly 20 minutes on 2 cores (an estimate), most of it the
# 20 ms path's tree (lftp moves some 10 files a second there).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export LANG=${LANG:-C.UTF-8}

if [ "$(id -u)" != 0 ]; then
	echo "bench: run as root (sudo scripts/bench.sh): the lab's FTPS servers must start as root" >&2
	exit 1
fi
missing=()
for tool in go curl lftp openssl /usr/sbin/vsftpd; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
labdir=${FERRY_LAB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry-lab}
[ -x "$labdir/root/usr/sbin/proftpd" ] || missing+=("ProFTPD (in $labdir)")
id ferrylab >/dev/null 2>&1 || missing+=("the lab account ferrylab")
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench: missing: ${missing[*]}" >&2
	if [ -f scripts/setup.sh ]; then
		echo "bench: install them with: bash scripts/setup.sh test" >&2
	fi
	exit 1
fi

if [ -z "${BENCH_OUT:-}" ]; then
	BENCH_OUT="$(mktemp -d /tmp/ferry-bench.XXXXXX)/bench.md"
fi
BENCH_OUT=$(realpath -m "$BENCH_OUT")
export BENCH_OUT

# Where the files go: BENCH_TMP, else a private folder on /dev/shm (tmpfs, 4 GiB
# free, not noexec: the test binary and ferry run from there), else $TMPDIR.
if [ -n "${BENCH_TMP:-}" ]; then
	if [ ! -d "$BENCH_TMP" ]; then
		echo "bench: BENCH_TMP=$BENCH_TMP is not a folder" >&2
		exit 1
	fi
	TMPDIR=$(realpath "$BENCH_TMP")
	export TMPDIR
elif [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
	[ $(($(stat -f -c '%a * %S' /dev/shm))) -ge $((4 << 30)) ] &&
	! findmnt -n -o OPTIONS --target /dev/shm 2>/dev/null | grep -qw noexec; then
	TMPDIR=$(mktemp -d /dev/shm/ferry-bench.XXXXXX)
	export TMPDIR
	bench_tmp=$TMPDIR
	trap 'rm -rf -- "$bench_tmp"' EXIT
	# The lab servers run as the lab account: it must reach their roots in here.
	chmod 755 "$TMPDIR"
fi
tmp=${TMPDIR:-/tmp}
echo "bench: files under $tmp ($(stat -f -c %T "$tmp"))"

echo "bench: this takes a while (${BENCH_QUICK:+quick mode, }report goes to $BENCH_OUT)"
status=0
go test -tags bench -count=1 -run 'TestBench$' -timeout 90m -v ./internal/bench/ || status=$?

if [ -s "$BENCH_OUT" ]; then
	echo
	echo "bench: markdown report in $BENCH_OUT"
fi
if [ "$status" != 0 ]; then
	echo "bench: the benchmark reported failures (see above)" >&2
fi
exit "$status"
