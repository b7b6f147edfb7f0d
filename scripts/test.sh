#!/usr/bin/env bash
# Runs Ferry's whole test suite. `make test` installs the prerequisites first
# (scripts/setup.sh test). With CI=true a missing prerequisite (a lab server,
# the keyring, a display) fails the run instead of skipping a test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export LANG=${LANG:-C.UTF-8}

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt: these files need formatting:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "cross-compile the engine and the command line for macOS and Windows"
GOOS=darwin CGO_ENABLED=0 go build -o /dev/null ./cli/... ./session/... ./sites/... ./trust/... ./transfers/...
GOOS=windows CGO_ENABLED=0 go build -o /dev/null ./cli/... ./session/... ./sites/... ./trust/... ./transfers/...

# Tests run inside a private D-Bus session with a fresh, unlocked
# gnome-keyring, so keyring tests use a real Secret Service and never touch
# the user's own keyring.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data/keyrings" "$tmp/config" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" FERRY_TEST_TMP="$tmp"

step "engine tests (-race): session, sites, trust, transfers, cli, internal; ui tests (-race, software driver)"
dbus-run-session -- bash -c '
	set -euo pipefail
	echo -n ferry-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
	# Every package but the desktop app (ui, below) and main (which only
	# wires them together; building it needs cgo and GL).
	go test -race -count=1 -v $(go list ./... | grep -v -e "/ui$" -e "/ui/" -e "^github.com/ferryftps/ferry$")
	echo
	echo "== ui tests (-race, software driver)"
	go test -race -count=1 -tags ci -v ./ui/... 2>&1 | tee "$FERRY_TEST_TMP/ui.log" | grep -E "^(=== RUN|--- |PASS|FAIL|ok|panic)" || true
	if grep -q "should have been called in fyne.Do" "$FERRY_TEST_TMP/ui.log"; then
		echo "ui tests: a widget was touched outside fyne.Do:"; grep -B2 -A2 "should have been called in fyne.Do" "$FERRY_TEST_TMP/ui.log"; exit 1
	fi
	grep -qE "^(FAIL|panic)" "$FERRY_TEST_TMP/ui.log" && { cat "$FERRY_TEST_TMP/ui.log"; exit 1; }
	grep -q "^ok" "$FERRY_TEST_TMP/ui.log"
'

step "smoke test of the real binary under Xvfb"
bash scripts/smoke.sh

step "the Windows build under Wine"
bash scripts/wine.sh

echo
echo "all tests passed"
