// Package uitest finds widgets in a window for the tests of the ui
// packages, walking the live objects a person sees, dialogs included, and
// unwrapping esc's Button, Entry and Check. Only _test.go files import it;
// it imports Fyne, its test package and ui/internal/esc.
package uitest
