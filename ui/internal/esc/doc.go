// Package esc lets the Escape key cancel the newest open dialog of a
// window, as its Cancel (or Close) button would: Install, Push and Dialog,
// and a Button, Entry and Check that pass Escape on while they have the
// focus. Everything here runs on the UI goroutine. Imports only Fyne.
package esc
