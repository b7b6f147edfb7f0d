//go:build !windows

package pane

// localVolumes: "/" is the top; there is nothing above it.
var localVolumes = volumes{}
