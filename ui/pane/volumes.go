package pane

import "strings"

// volumes is what sits above the folders of this computer: on Windows the
// drives (C:\, D:\, mapped network drives) under one folder of their own,
// "This PC"; elsewhere nothing, "/" is the top. LocalFS asks it at the top
// of the tree; the rest of the tree is the operating system's.
type volumes struct {
	root string                   // the folder above the drives; "" where there is none
	list func() ([]string, error) // the drives, as roots ("C:\")
}

// above is the parent of dir when dir is a drive's root (or a network
// share's, \\server\share\): the folder of drives.
func (v volumes) above(dir string) (string, bool) {
	if v.root == "" || !isVolumeRoot(dir) {
		return "", false
	}
	return v.root, true
}

// isVolumeRoot reports whether p is the root of a drive ("C:\", "c:") or
// of a network share ("\\server\share\").
func isVolumeRoot(p string) bool {
	p = strings.ReplaceAll(p, "/", `\`)
	if len(p) >= 2 && p[1] == ':' && (len(p) == 2 || p[2:] == `\`) {
		c := p[0] | 0x20
		return c >= 'a' && c <= 'z'
	}
	if rest, ok := strings.CutPrefix(p, `\\`); ok {
		server, share, _ := strings.Cut(strings.TrimSuffix(rest, `\`), `\`)
		return server != "" && share != "" && !strings.Contains(share, `\`)
	}
	return false
}

// listing lists the drives as folders.
func (v volumes) listing() (Listing, error) {
	drives, err := v.list()
	if err != nil {
		return Listing{}, err
	}
	var l Listing
	for _, d := range drives {
		l.Entries = append(l.Entries, Entry{Name: d, IsDir: true})
	}
	return l, nil
}
