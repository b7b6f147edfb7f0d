// Package queueview is the bottom area of Ferry's main window: Fyne views
// of the transfer queue, the failed and finished transfers, and the
// protocol log. It talks to the engine only through transfers' API (and
// reads session's log hub); it never imports cli, and reaches widgets from
// other goroutines only through ui/internal/uido.
package queueview
