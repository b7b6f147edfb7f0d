// Package testutil holds what several packages' tests share: trees of
// files written, read back and compared. Only tests import it; it imports
// nothing of Ferry.
package testutil
