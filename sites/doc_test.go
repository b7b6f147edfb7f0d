package sites

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsStayBelowTheFrontEnds: the package imports neither a front end
// (ui, cli), nor the queue engine (transfers), nor Fyne.
func TestImportsStayBelowTheFrontEnds(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"github.com/ferryftps/ferry/ui", "github.com/ferryftps/ferry/cli", "github.com/ferryftps/ferry/transfers", "fyne.io/"}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, strings.TrimSuffix(bad, "/")+"/") {
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
	}
}
