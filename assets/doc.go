// Package assets holds Ferry's bundled files (the icon) as bytes. It
// imports nothing, Fyne included: ui wraps these bytes in Fyne resources.
package assets
