package transfers

import "time"

// Item is one thing a person picked to transfer, as a listing or a stat
// describes it: an absolute path (remote for a download, local for an
// upload), whether it is a folder, and its size and time when known.
type Item struct {
	Path    string
	IsDir   bool
	Size    int64
	ModTime time.Time
}

// Downloads makes the jobs that download items (absolute remote paths)
// into the local folder target, for the site key and the name a person
// knows it by. login is the connection's login folder: the login folder
// itself and "/" stand for everything in them, so their contents go
// straight into target (as lftp mirror does); any other folder arrives as
// a folder of its own name. The desktop and the command line both plan
// with it.
func Downloads(site, siteName string, items []Item, target, login string) []Spec {
	specs := make([]Spec, 0, len(items))
	for _, it := range items {
		s := newSpec(Download, site, siteName, it)
		s.Remote, s.Local = it.Path, target
		s.Contents = it.IsDir && (it.Path == login || it.Path == "/")
		specs = append(specs, s)
	}
	return specs
}

// Uploads makes the jobs that upload items (absolute local paths) into the
// remote folder dest.
func Uploads(site, siteName string, items []Item, dest string) []Spec {
	specs := make([]Spec, 0, len(items))
	for _, it := range items {
		s := newSpec(Upload, site, siteName, it)
		s.Local, s.Remote = it.Path, dest
		specs = append(specs, s)
	}
	return specs
}

func newSpec(d Direction, site, siteName string, it Item) Spec {
	s := Spec{Direction: d, Site: site, SiteName: siteName, IsDir: it.IsDir, Size: it.Size, ModTime: it.ModTime}
	if it.IsDir {
		s.Size = -1 // a folder's size is what its files add up to, found while listing
	}
	return s
}
