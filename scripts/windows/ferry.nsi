; Ferry's Windows installer (NSIS). Per-user: no administrator needed. It
; installs Ferry.exe (the app) and ferry-cli.exe (the command line) into
; %LOCALAPPDATA%\Programs\Ferry, adds a Start menu entry and an uninstaller
; (Settings > Apps), and removes all of that again on uninstall. Settings
; (%APPDATA%\Ferry) and saved passwords (Credential Manager) stay, as a
; person expects when reinstalling. Built by scripts/package.sh:
;   makensis -DVERSION=0.1.0 -DSRC=dir -DOUT=installer.exe ferry.nsi
; Silent: installer.exe /S, and Uninstall.exe /S.

; 64-bit, like Ferry itself (and like a Wine prefix without 32-bit support).
Target amd64-unicode
!include "MUI2.nsh"

Name "Ferry ${VERSION}"
OutFile "${OUT}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Ferry"
SetCompressor /SOLID lzma

!define UNINST "Software\Microsoft\Windows\CurrentVersion\Uninstall\Ferry"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "Ferry"
	SetOutPath "$INSTDIR"
	File "${SRC}\Ferry.exe"
	File "${SRC}\ferry-cli.exe"
	File "${SRC}\README.txt"
	WriteUninstaller "$INSTDIR\Uninstall.exe"
	CreateShortcut "$SMPROGRAMS\Ferry.lnk" "$INSTDIR\Ferry.exe"
	WriteRegStr HKCU "${UNINST}" "DisplayName" "Ferry"
	WriteRegStr HKCU "${UNINST}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINST}" "Publisher" "Ferry"
	WriteRegStr HKCU "${UNINST}" "DisplayIcon" "$INSTDIR\Ferry.exe"
	WriteRegStr HKCU "${UNINST}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINST}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
	WriteRegStr HKCU "${UNINST}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINST}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINST}" "NoRepair" 1
SectionEnd

Section "Uninstall"
	Delete "$SMPROGRAMS\Ferry.lnk"
	Delete "$INSTDIR\Ferry.exe"
	Delete "$INSTDIR\ferry-cli.exe"
	Delete "$INSTDIR\README.txt"
	Delete "$INSTDIR\Uninstall.exe"
	RMDir "$INSTDIR"
	DeleteRegKey HKCU "${UNINST}"
SectionEnd
