//go:build !race

package transfers

const raceEnabled = false
