// Package demo runs the embedded FTPS server behind `ferry -demo`: explicit
// and implicit FTPS on 127.0.0.1 only, a fresh certificate, a random
// password and a temporary folder of samples, all removed by Close. It
// builds on internal/ftpd, session and sites; only ui imports it.
package demo
