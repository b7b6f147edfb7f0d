package assets

import _ "embed"

// IconPNG is the 512×512 application icon, rendered from icon.svg with
// `rsvg-convert -w 512 -h 512 assets/icon.svg -o assets/icon.png`.
//
//go:embed icon.png
var IconPNG []byte
