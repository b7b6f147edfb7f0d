// Package house holds no code: its test keeps the rules of the house that
// a reader relies on (docs/architecture.md): which package may import
// which, only ui imports Fyne, only ui/internal/uido calls fyne.Do, no
// function over 80 lines, and a doc.go in every package.
package house
