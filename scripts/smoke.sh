#!/usr/bin/env bash
# Smoke test of the real binary: build it, start it under Xvfb inside a
# private D-Bus session, wait for a window titled "Ferry", take a screenshot,
# and stop it by its pid.
#
#   SHOTS=dir  keep the screenshot in dir (default: a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export LANG=en_US.UTF-8

for tool in Xvfb xdotool xwd convert dbus-run-session; do
	command -v "$tool" >/dev/null || { echo "smoke: $tool is missing: run make test (scripts/setup.sh test)" >&2; exit 1; }
done

work=$(mktemp -d)
shots=${SHOTS:-$work}
mkdir -p "$shots"
go build -o "$work/ferry" .

# A free display number.
display=""
for n in $(seq 90 130); do
	if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "smoke: no free X display" >&2; exit 1; }

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
cleanup() {
	# The app runs in a session of its own: stop its whole group by its pid.
	if [ -n "${app:-}" ]; then
		kill -- "-$app" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 -- "-$app" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$app" 2>/dev/null || true
	fi
	kill "$xvfb" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
export DISPLAY=$display
for _ in $(seq 1 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

# The app gets a config folder of its own, so the smoke test never reads or
# writes the user's sites and certificates.
export FERRY_CONFIG_DIR="$work/config" XDG_CONFIG_HOME="$work/xdg"
setsid dbus-run-session -- "$work/ferry" >"$work/app.log" 2>&1 &
app=$!

if ! win=$(timeout 30 xdotool search --sync --name '^Ferry$' 2>/dev/null | head -1) || [ -z "$win" ]; then
	echo "smoke: no window titled Ferry within 30 s; app output:" >&2
	cat "$work/app.log" >&2
	exit 1
fi
sleep 1 # let the first frame render
xwd -root -silent | convert xwd:- "$shots/smoke-main.png"
echo "smoke: window 'Ferry' ($win) opened; screenshot $shots/smoke-main.png"
if grep -q "should have been called in fyne.Do" "$work/app.log"; then
	echo "smoke: the app touched widgets outside fyne.Do:" >&2; cat "$work/app.log" >&2; exit 1
fi
