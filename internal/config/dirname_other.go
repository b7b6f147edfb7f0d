//go:build !windows

package config

// dirName is the config folder's name in the user's config folder:
// ~/.config/ferry, ~/Library/Application Support/ferry.
const dirName = "ferry"
