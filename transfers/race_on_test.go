//go:build race

package transfers

const raceEnabled = true
