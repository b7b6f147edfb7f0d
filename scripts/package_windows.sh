#!/usr/bin/env bash
# Builds Ferry for Windows on this machine (cross-compiled with mingw-w64)
# and checks it under Wine:
#
#   dist/ferry-VERSION-windows-amd64.zip        portable: Ferry.exe, ferry-cli.exe, README.txt
#   dist/ferry-VERSION-windows-amd64-setup.exe  per-user installer (NSIS): Start menu
#                                               entry, uninstaller, no administrator
#
# Ferry.exe is the app (no console window), with the icon and the version
# from FyneApp.toml; ferry-cli.exe is the same program linked for the
# console, for the command line. The check installs the setup silently
# (/S) in a Wine prefix of its own, runs the installed ferry-cli.exe
# version, uninstalls silently and makes sure nothing is left; and runs the
# zip's ferry-cli.exe. Called by scripts/package.sh (make package).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 # Wine's file names: see scripts/wine.sh
for tool in x86_64-w64-mingw32-gcc makensis wine wineboot wineserver convert zip; do
	command -v "$tool" >/dev/null || { echo "package: $tool is missing: run make package (scripts/setup.sh package)" >&2; exit 1; }
done

version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
build=$(sed -n 's/^Build = \([0-9]*\)/\1/p' FyneApp.toml)
IFS=. read -r major minor patch <<<"$version"
work=$(mktemp -d)
syso=rsrc_windows_amd64.syso
cleanup() {
	[ -n "${WINEPREFIX:-}" ] && wineserver -k 2>/dev/null || true
	rm -f "$syso"
	rm -rf "$work"
}
trap cleanup EXIT

# The icon and version info, linked in as a Windows resource.
convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 "$work/ferry.ico"
cat >"$work/versioninfo.json" <<JSON
{"FixedFileInfo": {"FileVersion": {"Major": $major, "Minor": $minor, "Patch": $patch, "Build": $build},
  "ProductVersion": {"Major": $major, "Minor": $minor, "Patch": $patch, "Build": $build}},
 "StringFileInfo": {"CompanyName": "Ferry", "FileDescription": "Ferry, an FTPS client", "ProductName": "Ferry",
  "ProductVersion": "$version", "FileVersion": "$version", "OriginalFilename": "Ferry.exe"},
 "VarFileInfo": {"Translation": {"LangID": "0409", "CharsetID": "04B0"}}}
JSON
go run github.com/josephspurrier/goversioninfo/cmd/goversioninfo@v1.4.1 -64 -icon="$work/ferry.ico" -o "$syso" "$work/versioninfo.json"

out="$work/Ferry"
mkdir -p "$out" dist
export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
go build -trimpath -ldflags "-H windowsgui -s -w" -o "$out/Ferry.exe" .
go build -trimpath -ldflags "-s -w" -o "$out/ferry-cli.exe" .
unset CGO_ENABLED GOOS GOARCH CC
sed 's/$/\r/' scripts/windows/README.txt >"$out/README.txt"
zipfile="dist/ferry-$version-windows-amd64.zip"
rm -f "$zipfile"
(cd "$work" && zip -qr - Ferry) >"$zipfile"
setup="dist/ferry-$version-windows-amd64-setup.exe"
makensis -V2 -DVERSION="$version" -DSRC="$out" -DOUT="$PWD/$setup" scripts/windows/ferry.nsi
echo "package: built $zipfile and $setup"

# Check under Wine: silent install, run, silent uninstall, nothing left.
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
unset DISPLAY
wineboot --init >/dev/null 2>&1
wineserver -w
# Wine 8 lacks ProcessPrng, which Go programs call at start: a test-only shim.
x86_64-w64-mingw32-gcc -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	internal/smoke/testdata/processprng.c -ladvapi32
wine "Z:$(echo "$PWD/$setup" | tr / '\\')" /S
wineserver -w
user=$(wine cmd /c echo %USERNAME% 2>/dev/null | tr -d '\r')
installed="$WINEPREFIX/drive_c/users/$user/AppData/Local/Programs/Ferry"
for f in Ferry.exe ferry-cli.exe README.txt Uninstall.exe; do
	[ -f "$installed/$f" ] || { echo "package: the installer left no $f in $installed" >&2; exit 1; }
done
got=$(wine "$installed/ferry-cli.exe" version | tr -d '\r')
[ "$got" = "ferry $version" ] || { echo "package: the installed ferry-cli.exe version says '$got'" >&2; exit 1; }
lnk=$(find "$WINEPREFIX/drive_c/users/$user" -name Ferry.lnk | head -1)
[ -n "$lnk" ] || { echo "package: no Start menu entry" >&2; exit 1; }
echo "package: installed silently under Wine; $got; Start menu entry $(basename "$lnk")"
wine "$installed/Uninstall.exe" /S
wineserver -w
if [ -e "$installed" ] || [ -e "$lnk" ]; then
	echo "package: the uninstaller left $(ls -A "$installed" 2>/dev/null | tr '\n' ' ')" >&2; exit 1
fi
echo "package: uninstalled silently; nothing left"
unzip -q "$zipfile" -d "$work/zip"
got=$(wine "$work/zip/Ferry/ferry-cli.exe" version | tr -d '\r')
[ "$got" = "ferry $version" ] || { echo "package: the zip's ferry-cli.exe version says '$got'" >&2; exit 1; }
echo "package: the portable zip runs; $got"
