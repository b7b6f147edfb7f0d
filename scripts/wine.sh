#!/usr/bin/env bash
# The Windows build under Wine (internal/smoke/wine_test.go, build tags
# "smoke wine"): cross-compile ferry.exe and ferry-cli.exe with mingw-w64,
# run them in a Wine prefix of the test's own on loopback (version, ls,
# get -r and put -r against the lab's vsftpd and ProFTPD, explicit and
# implicit; a saved site's password through Wine's Credential Manager;
# Windows-reserved and hostile names), and open the app under Xvfb.
#
#   SHOTS=dir  keep the screenshot (windows-demo.png) in dir
#
# With CI=true a missing prerequisite is a failure, never a skip. The first
# cross-build takes about 7 minutes on two cores; later ones seconds.
set -euo pipefail
if [ -n "${SHOTS:-}" ]; then
	mkdir -p "$SHOTS"
	SHOTS=$(cd "$SHOTS" && pwd)
fi
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
# Wine turns Linux file names into Windows ones through the locale's
# character set: C.UTF-8 is always there (en_US.UTF-8 may not be generated).
export LANG=C.UTF-8 LC_ALL=C.UTF-8

for tool in wine wineboot x86_64-w64-mingw32-gcc Xvfb xdotool xwd convert; do
	command -v "$tool" >/dev/null || { echo "wine: $tool is missing: run make test (scripts/setup.sh test)" >&2; exit 1; }
done
work=$(mktemp -d)
export SHOTS=${SHOTS:-$work/shots}
trap 'rm -rf "$work"' EXIT
go test -tags 'smoke wine' -count=1 -v -timeout 25m -run 'TestWine' ./internal/smoke/
