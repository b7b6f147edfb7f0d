// Package ftpdtest runs an in-process FTPS server (internal/ftpd) for
// tests, with a connection pool per site key: the transfers.Connections a
// front end provides. It builds on ftpd and session; only tests import it.
package ftpdtest
