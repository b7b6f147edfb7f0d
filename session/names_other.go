//go:build !windows

package session

import "runtime"

// windowsNames: Windows' extra name rules apply only on Windows.
const windowsNames = false

// foldCase: macOS disks, like Windows', tell names apart by case only
// when formatted so, which few are.
const foldCase = runtime.GOOS == "darwin"
