// Package ftpd is a small, purpose-built FTPS server: the in-process test
// double of Ferry's client (faults, stalls, hostile listings, protocol
// recording) and the server behind "ferry -demo". It listens on 127.0.0.1
// only and imports nothing of Ferry; only tests and internal/demo use it.
package ftpd
