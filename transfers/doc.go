// Package transfers is Ferry's queue engine: upload and download jobs,
// workers per site, progress counters, retry, resume, conflicts and
// persistence, over session. It knows nothing of Fyne and never imports ui
// or cli: the desktop app and the command line drive the same code, and
// answer its questions through Resolver and Connections.
package transfers
