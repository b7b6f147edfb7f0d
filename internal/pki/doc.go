// Package pki makes certificates: the self-signed one of a server Ferry
// runs itself (the demo, the in-process test server, the lab), and the
// chains the tests need. It imports nothing of Ferry.
package pki
