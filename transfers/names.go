package transfers

import (
	"fmt"
	"path"
	"strings"
)

// partSuffix marks a download in progress. The file is renamed to its real
// name only once it is whole and checked.
const partSuffix = ".ferry-part"

// renamed returns the n-th "keep both" name for p: "report (1).pdf",
// "archive (2).tar.gz", "README (1)".
func renamed(p string, n int) string {
	dir, base := path.Split(p)
	stem, ext := base, ""
	if i := strings.Index(base[min(1, len(base)):], "."); i >= 0 {
		i++ // a leading dot is part of the stem: ".profile (1)"
		stem, ext = base[:i], base[i:]
	}
	return fmt.Sprintf("%s%s (%d)%s", dir, stem, n, ext)
}
