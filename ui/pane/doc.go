// Package pane is the file pane used for both sides of Ferry's two-pane
// browser: a folder of this computer or of a server, with sortable columns,
// a filter, multi-selection, keyboard, context menu, and drag and drop
// between panes. pane.go assembles it; listing.go lists and shows a
// folder, selection.go is the selection and the keyboard.
package pane
