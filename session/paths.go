package session

import (
	"path"
	"strings"
)

// ResolvePath makes p absolute the way URL paths and a site's remote
// folder are meant (RFC 1738, as curl and lftp read them): "" is the login
// folder, a relative path starts in it ("docs" is LOGIN/docs), and an
// absolute path stays as it is. login is the connection's LoginDir.
func ResolvePath(login, p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	if login == "" {
		login = "/"
	}
	return path.Join(login, p)
}

// RelativePath is ResolvePath's inverse for display: p (absolute) as a
// path relative to login when it lies inside it ("" for login itself),
// else p unchanged.
func RelativePath(login, p string) string {
	p = path.Clean("/" + p)
	login = path.Clean("/" + login)
	if p == login {
		return ""
	}
	if login == "/" {
		return p[1:]
	}
	if rest, ok := strings.CutPrefix(p, login+"/"); ok {
		return rest
	}
	return p
}
