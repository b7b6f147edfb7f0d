// Package recent keeps the quick-connect bar's recent connections: a few
// URLs, newest first, in recent.json in Ferry's config folder, never with
// a password. It imports only internal/config.
package recent
