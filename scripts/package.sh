#!/usr/bin/env bash
# Builds the Linux archive with `fyne package` (fyne.io/fyne/v2/cmd/fyne
# v2.7.1, installed into $(go env GOPATH)/bin if missing), then checks it:
# unpack, `make install` into a temporary root, run `ferry version`, and
# start the installed app under Xvfb until its window appears.
#
#   dist/ferry-VERSION-linux-ARCH.tar.xz   the archive
#
# Windows: scripts/package_windows.sh, run at the end, cross-builds the zip
# and the installer and checks them under Wine. macOS: on a Mac, `fyne
# package -os darwin` (needs Xcode's command line tools) builds the .app.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH)/bin"
export LANG=en_US.UTF-8

if ! fyne version 2>/dev/null | grep -q "v2.7.1"; then
	echo "package: installing fyne.io/fyne/v2/cmd/fyne@v2.7.1"
	go install fyne.io/fyne/v2/cmd/fyne@v2.7.1
fi
version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
arch=$(go env GOARCH)
mkdir -p dist
rm -f Ferry.tar.xz
# fyne package rewrites FyneApp.toml (its layout and build number): keep ours.
saved=$(mktemp)
cp FyneApp.toml "$saved"
fyne package -os linux -release || { cp "$saved" FyneApp.toml; rm -f "$saved"; exit 1; }
cp "$saved" FyneApp.toml
rm -f "$saved"
out="dist/ferry-$version-linux-$arch.tar.xz"
mv Ferry.tar.xz "$out"
echo "package: built $out"

# Check: it installs and starts.
work=$(mktemp -d)
cleanup() {
	[ -n "${app:-}" ] && { kill -- "-$app" 2>/dev/null || true; }
	[ -n "${xvfb:-}" ] && { kill "$xvfb" 2>/dev/null || true; }
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
tar xJf "$out" -C "$work"
make -s -C "$work/ferry" install DESTDIR="$work/root" PREFIX=/usr/local
bin="$work/root/usr/local/bin/ferry"
test -f "$work/root/usr/local/share/applications/Ferry.desktop"
test -f "$work/root/usr/local/share/pixmaps/Ferry.png"
got=$("$bin" version)
[ "$got" = "ferry $version" ] || { echo "package: ferry version says '$got', want 'ferry $version'" >&2; exit 1; }
echo "package: installed; $got"
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then
	display=""
	for n in $(seq 140 180); do
		if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
	done
	Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 &
	xvfb=$!
	export DISPLAY=$display FERRY_CONFIG_DIR="$work/config" XDG_CONFIG_HOME="$work/xdg"
	for _ in $(seq 1 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done
	setsid dbus-run-session -- "$bin" >"$work/app.log" 2>&1 &
	app=$!
	if timeout 30 xdotool search --sync --name '^Ferry$' >/dev/null 2>&1; then
		echo "package: the installed app opened its window"
	else
		echo "package: the installed app opened no window:" >&2; cat "$work/app.log" >&2; exit 1
	fi
fi

# Windows: the portable zip and the installer, checked under Wine.
trap - EXIT
cleanup
bash scripts/package_windows.sh
