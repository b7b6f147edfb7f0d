package pane

import "golang.org/x/sys/windows"

// localVolumes: the drives Windows knows (local, removable, mapped network
// drives), under "This PC".
var localVolumes = volumes{root: "This PC", list: logicalDrives}

func logicalDrives() ([]string, error) {
	mask, err := windows.GetLogicalDrives()
	if err != nil {
		return nil, err
	}
	var out []string
	for i := 0; i < 26; i++ {
		if mask&(1<<uint(i)) != 0 {
			out = append(out, string(rune('A'+i))+`:\`)
		}
	}
	return out, nil
}
