// Package dialogs answers the engine's questions with Fyne dialogs (trust a
// certificate, a transfer's target exists, a password on connect) and
// holds the permissions dialog and the trusted-certificate list. Show*
// functions run on the UI goroutine; Prompter, ConflictResolver and
// PasswordPrompter block off it (see dialogs.go). It imports trust and
// transfers, never the ui packages that use it, nor cli.
package dialogs
