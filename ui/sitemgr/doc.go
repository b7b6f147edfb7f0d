// Package sitemgr is the desktop's site manager: the saved sites in their
// folders, the form of the site shown (siteform.go), the state of its
// password in the keyring (keyring.go), import and export. What it does
// with them is sites' (Password, SavePassword, ImportFile). It imports
// sites, session and ui/dialogs and ui/internal; never ui, cli or transfers.
package sitemgr
