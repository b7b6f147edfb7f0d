// Package uido is the one bridge between the desktop app's goroutines and
// Fyne's UI goroutine, and the only caller of fyne.Do: Do delivers a
// function to the UI goroutine, Go runs work off it and delivers the result
// (dropped once its context ended), Throttle keeps at most one delivery
// waiting. Tests replace the delivery with SetForTest, the one test seam.
package uido
