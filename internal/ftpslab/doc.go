// Package ftpslab starts real FTPS servers (vsftpd, ProFTPD, Pure-FTPd) on
// 127.0.0.1 for interop tests, chrooted or the way most people run them,
// each stopped by its pid when the test ends. It imports nothing of Ferry;
// only tests import it.
package ftpslab
