// Package cli runs Ferry's headless subcommands (ferry ls, get, put, sites,
// trust) over the same engine as the desktop app, answering the engine's
// questions with flags or a terminal prompt. It imports transfers, sites,
// trust and session, never ui or Fyne.
package cli
