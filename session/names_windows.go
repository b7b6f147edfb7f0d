package session

// windowsNames: Windows' extra name rules (reserved device names, <>"|?*,
// trailing dots and spaces) apply.
const windowsNames = true

// foldCase: Windows disks do not tell names apart by case.
const foldCase = true
