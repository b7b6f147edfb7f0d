package buildinfo

// AppID is the application identifier; it names the preferences and storage
// folder and must match FyneApp.toml.
const AppID = "io.github.ferryftps.ferry"

// Version is Ferry's version. Release builds may override it with
// -ldflags "-X github.com/ferryftps/ferry/internal/buildinfo.Version=...".
var Version = "0.1.0"
