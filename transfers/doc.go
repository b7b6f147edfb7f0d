// Package transfers is Ferry's queue engine: upload and download jobs,
// workers per site, progress counters, conflict policy, resume and
// persistence. It builds on session and knows nothing of Fyne; the desktop
// app and the command line drive the same code.
package transfers
