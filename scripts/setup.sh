#!/usr/bin/env bash
# Installs what Ferry needs on a Debian or Ubuntu machine. Idempotent: it only
# installs what is missing, so running it again costs a second.
#
#   scripts/setup.sh demo   build tools and GL/X11 headers to build and run the app
#   scripts/setup.sh package the demo's, plus what make package needs: Xvfb,
#                           xdotool, ImageMagick, zip, NSIS, mingw-w64 and Wine
#   scripts/setup.sh test   all of the above, plus what the test suite needs:
#                           Xvfb, xdotool, a keyring, vsftpd, curl, lftp, and the
#                           ProFTPD and Pure-FTPd binaries of the server lab
#
# Uses sudo when not run as root.
set -euo pipefail

mode=${1:-test}
case $mode in demo|test|package) ;; *) echo "usage: $0 demo|test|package" >&2; exit 2 ;; esac

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need_apt() { command -v apt-get >/dev/null 2>&1 || {
	echo "setup: this script needs apt-get (Debian or Ubuntu). See README.md for other systems." >&2
	exit 1
}; }

# Packages to build and run the desktop app (DESIGN.md: Fyne needs cgo and these headers).
pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev ca-certificates)
if [ "$mode" = package ]; then
	pkgs+=(xvfb xdotool imagemagick dbus zip unzip nsis gcc-mingw-w64-x86-64 wine wine64)
fi
if [ "$mode" = test ]; then
	pkgs+=(xvfb xdotool x11-apps imagemagick dbus dbus-x11 gnome-keyring libsecret-tools
		vsftpd curl lftp openssl passwd
		gcc-mingw-w64-x86-64 wine wine64) # the Windows build and its test under Wine
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	need_apt
	echo "setup: installing ${missing[*]}"
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: the module asks for Go 1.26. A Go 1.21 or newer fetches that toolchain by
# itself (GOTOOLCHAIN=auto); older ones cannot.
export PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
	need_apt
	echo "setup: installing Debian's Go"
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends golang-go >/dev/null
fi
gominor=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$gominor" ] || [ "$gominor" -lt 21 ]; then
	echo "setup: Go $(go env GOVERSION 2>/dev/null) is too old; Ferry needs Go 1.26 (install it from go.dev/dl)." >&2
	exit 1
fi

[ "$mode" = test ] || exit 0

# The server lab (internal/ftpslab). ProFTPD and Pure-FTPd conflict with vsftpd as
# installed packages, so their .debs are unpacked into a private cache instead.
labdir=${FERRY_LAB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry-lab}
labpkgs=(proftpd-core proftpd-mod-crypto pure-ftpd pure-ftpd-common
	libhiredis0.14 libmemcached11 libmemcachedutil2 libhashkit2 libpcre2-posix3)
if [ ! -x "$labdir/root/usr/sbin/proftpd" ] || [ ! -x "$labdir/root/usr/sbin/pure-ftpd" ] ||
	[ ! -f "$labdir/root/usr/lib/proftpd/mod_tls.so" ]; then
	need_apt
	echo "setup: fetching ProFTPD and Pure-FTPd into $labdir"
	mkdir -p "$labdir/debs"
	chmod 755 "$labdir" "$labdir/debs"
	if ! (cd "$labdir/debs" && apt-get download "${labpkgs[@]}" >/dev/null 2>&1); then
		$SUDO apt-get update -qq
		(cd "$labdir/debs" && apt-get download "${labpkgs[@]}" >/dev/null 2>&1)
	fi
	for deb in "$labdir"/debs/*.deb; do dpkg -x "$deb" "$labdir/root"; done
fi

# vsftpd authenticates through PAM only, so the lab needs a system account. It has
# no shell, an empty home that vsftpd enters before the lab's own root, and logs in
# only through the lab's own PAM service (the password is a test constant; the
# account cannot open a shell).
labhome=/var/lib/ferrylab
if ! id ferrylab >/dev/null 2>&1; then
	echo "setup: creating the system account ferrylab for the vsftpd lab"
	$SUDO useradd --system --no-create-home --home-dir "$labhome" --shell /usr/sbin/nologin ferrylab
fi
if [ ! -d "$labhome" ] || [ ! -f /etc/pam.d/ferrylab ]; then
	$SUDO mkdir -p "$labhome"
	$SUDO usermod --home "$labhome" ferrylab
	echo 'ferrylab:ferry-lab-password' | $SUDO chpasswd
	printf 'auth required pam_unix.so\naccount required pam_unix.so\n' | $SUDO tee /etc/pam.d/ferrylab >/dev/null
fi
