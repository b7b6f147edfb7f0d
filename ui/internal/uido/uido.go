// Package uido runs functions on Fyne's UI goroutine. Every package of the
// desktop app goes through Do instead of calling fyne.Do, so a test that
// drives the whole window can serialise engine callbacks with its own
// steps (Fyne's test driver runs fyne.Do on the calling goroutine).
package uido

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
)

var hook atomic.Pointer[func(func())]

// Do runs f on the UI goroutine: fyne.Do, unless a test replaced it.
// Safe from any goroutine.
func Do(f func()) {
	if h := hook.Load(); h != nil {
		(*h)(f)
		return
	}
	fyne.Do(f)
}

// SetForTest makes Do call run instead of fyne.Do until restore is called.
func SetForTest(run func(func())) (restore func()) {
	hook.Store(&run)
	return func() { hook.Store(nil) }
}
