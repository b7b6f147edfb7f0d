// Package quietlocale keeps Fyne from logging "Error parsing user locale C"
// when the locale is C.UTF-8 or POSIX.UTF-8: main imports it for its init
// alone. It imports only os and strings, so that it is initialised before
// Fyne's lang package (see quietlocale.go).
package quietlocale
