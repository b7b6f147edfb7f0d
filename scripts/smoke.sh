#!/usr/bin/env bash
# Smoke test of the real binary (internal/smoke, build tag "smoke"): build
# it, run it under Xvfb inside a private D-Bus session, drive it with
# xdotool as a user would (quick connect to a real vsftpd, the certificate
# prompt, uploads, the queue, the site manager; then `ferry -demo`), check
# the files on disk, and take screenshots.
#
#   SHOTS=dir  keep the screenshots in dir (default: a temporary folder,
#              removed when the test passes)
#   SHOTS=docs/screenshots bash scripts/smoke.sh   refreshes the committed ones
#
# With CI=true a missing prerequisite is a failure, never a skip.
set -euo pipefail
if [ -n "${SHOTS:-}" ]; then
	# Relative to where the script was started; the test runs elsewhere.
	mkdir -p "$SHOTS"
	SHOTS=$(cd "$SHOTS" && pwd)
fi
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export LANG=en_US.UTF-8

for tool in Xvfb xdotool xwd convert dbus-run-session; do
	command -v "$tool" >/dev/null || { echo "smoke: $tool is missing: run make test (scripts/setup.sh test)" >&2; exit 1; }
done

work=$(mktemp -d)
export SHOTS=${SHOTS:-$work/shots}
keep="" # keep $work (the default screenshots) after a failure
trap '[ -n "$keep" ] || rm -rf "$work"' EXIT

# The test builds the binary, starts Xvfb, vsftpd and the app, and stops
# each by its pid when it ends.
if ! go test -tags smoke -count=1 -v -timeout 10m ./internal/smoke/; then
	[ "$SHOTS" != "$work/shots" ] || keep=1
	echo "smoke: FAILED; the screenshots taken so far are in $SHOTS" >&2
	exit 1
fi
[ "$SHOTS" = "$work/shots" ] || echo "smoke: screenshots in $SHOTS"
