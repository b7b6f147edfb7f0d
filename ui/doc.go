// Package ui is Ferry's desktop app: the main window with its quick-connect
// bar, panes, queue and log, the settings, and `ferry -demo`. With its
// subpackages it is the only importer of Fyne; it drives transfers, sites,
// trust and session (and internal helpers), never cli. Goroutines reach the
// widgets only through ui/internal/uido.
package ui
