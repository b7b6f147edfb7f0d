// Package sites owns what a person saves about a server, and the workflows
// the desktop and the command line share: Site and its URLs, the site
// store, passwords in the system keyring (Secrets, Password, SavePassword),
// the FileZilla import (ImportFile), Connector, and the words for a failed
// connect (Explain). It imports session and trust; never ui, cli,
// transfers or Fyne.
package sites
