package transfers

import (
	"fmt"
	"math"
	"strconv"
)

// FormatSize writes a byte count in SI units, as file managers do, with
// one decimal from a kilobyte on: "512 B", "1.5 kB", "12.3 MB", "1.0 GB".
// The desktop app and the command line write every size with it.
func FormatSize(n int64) string {
	if n < 1000 && n > -1000 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	for _, unit := range []string{"kB", "MB", "GB", "TB", "PB"} {
		v /= 1000
		if math.Abs(v) < 999.95 || unit == "PB" {
			return fmt.Sprintf("%.1f %s", v, unit)
		}
	}
	panic("unreachable")
}
