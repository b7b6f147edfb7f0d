// Package buildinfo holds the version and identity of Ferry, shared by the
// desktop app and the command line. It imports nothing.
package buildinfo
