// Package config finds Ferry's config folder ($FERRY_CONFIG_DIR, else the
// operating system's) and writes files in it atomically. It imports
// nothing of Ferry, so every package may use it.
package config
