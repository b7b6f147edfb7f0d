#!/usr/bin/env bash
# Ferry's on-demand throughput benchmark (not part of CI or `make test`):
# Ferry next to curl and lftp against the lab's vsftpd and ProFTPD (explicit
# FTPS) on 127.0.0.1, for a 1 GiB file and a tree of 1000 × 16 KiB files, down
# and up, median of 3 runs. Writes a markdown table (stdout and a file).
#
# Needs root, like the lab tests: the lab servers switch to the lab account.
# Install the lab, curl and lftp first with `scripts/setup.sh test` (`make test`
# does it too).
#
#   sudo scripts/bench.sh
#
# Environment:
#   BENCH_OUT=FILE     where the markdown goes (default: a new folder under /tmp)
#   BENCH_QUICK=1      64 MiB file, 100-file tree, 1 run: checks the harness in a minute
#   BENCH_RUNS=N       runs per measurement (default 3)
#   BENCH_FERRY=PATH   benchmark this ferry binary instead of building the repository's
#
# Disk: about 2 GiB free under $TMPDIR (the source file and one copy at a time).
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
