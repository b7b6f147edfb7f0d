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
#   capped (vsftpd, local_max_rate 10 MB/s per session):
#     200 MB down: ferry, curl, lftp pget -n 4, lftp pget -n 8
#   20 ms path (vsftpd behind a delay proxy on 127.0.0.2, 20 ms each way):
#     the tree down and up (the same four tools), 200 MB down: ferry, curl,
#     lftp pget -n 4
#
# Needs root, like the lab tests: the lab servers switch to the lab account.
# Install the lab, curl and lftp first with `scripts/setup.sh test` (`make test`
# does it too).
#
#   sudo scripts/bench.sh
#
# Environment:
#   BENCH_OUT=FILE     where the markdown goes (default: a new folder under /tmp)
#   BENCH_QUICK=1      64 MiB file, 20 MB capped and delayed file, 100-file tree,
#                      1 run: checks the harness in a few minutes
#   BENCH_RUNS=N       runs per measurement (default 3, quick 1)
#   BENCH_ONLY=TEXT    only the workloads whose "case workload" label contains
#                      TEXT, e.g. loopback, proftpd, capped, "20 ms", tree, "tree up"
#   BENCH_FERRY=PATH   benchmark this ferry binary instead of building the repository's
#
# Disk: about 2.5 GiB free under $TMPDIR (the sources and one copy at a time).
# A full run takes roughly 45 minutes on 2 cores, most of it the 20 ms path's
# trees (lftp moves some 10 files a second there).
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
