package config

// dirName is the config folder's name in %APPDATA%: %APPDATA%\Ferry.
const dirName = "Ferry"
