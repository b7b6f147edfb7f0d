package house

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ferryftps/ferry"

// forbidden lists, for each package (a folder of the module; "x/..." is
// the folder and everything below it), the packages it must never import.
// The engine asks and the front ends answer: ui and cli sit on top,
// transfers below them, sites, trust and session below that.
var forbidden = map[string][]string{
	"session":      {"sites", "trust", "transfers", "ui/...", "cli"},
	"trust":        {"session", "sites", "transfers", "ui/...", "cli"},
	"sites":        {"transfers", "ui/...", "cli"},
	"transfers":    {"sites", "ui/...", "cli"},
	"cli":          {"ui/..."},
	"ui/...":       {"cli"},
	"internal/...": {"ui/...", "cli"},
}

// pkgFile is one non-test Go file of the module.
type pkgFile struct {
	dir  string // the package's folder, slash-separated, relative to the module
	path string // the file, relative to the module
	file *ast.File
	fset *token.FileSet
}

func sources(t *testing.T) (files []pkgFile, dirs map[string]bool) {
	t.Helper()
	root := filepath.Join("..", "..")
	dirs = map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "dist") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		dir := filepath.ToSlash(filepath.Dir(rel))
		dirs[dir] = true
		files = append(files, pkgFile{dir: dir, path: filepath.ToSlash(rel), file: f, fset: fset})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found only %d source files: is the test run from internal/house?", len(files))
	}
	return files, dirs
}

func matches(pattern, dir string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return dir == base || strings.HasPrefix(dir, base+"/")
	}
	return dir == pattern
}

func TestImports(t *testing.T) {
	files, _ := sources(t)
	for _, f := range files {
		for _, imp := range f.file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "fyne.io/") && !matches("ui/...", f.dir) {
				t.Errorf("%s imports %s: only ui/ imports Fyne", f.path, path)
			}
			target, ours := strings.CutPrefix(path, module+"/")
			if !ours {
				continue
			}
			for from, nots := range forbidden {
				if !matches(from, f.dir) {
					continue
				}
				for _, not := range nots {
					if matches(not, target) {
						t.Errorf("%s imports %s: %s must not import %s", f.path, target, from, not)
					}
				}
			}
		}
	}
}

func TestOnlyUidoCallsFyneDo(t *testing.T) {
	files, _ := sources(t)
	for _, f := range files {
		if f.dir == "ui/internal/uido" {
			continue
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			se, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := se.X.(*ast.Ident); ok && x.Name == "fyne" && (se.Sel.Name == "Do" || se.Sel.Name == "DoAndWait") {
				t.Errorf("%s:%d calls fyne.%s: go through ui/internal/uido, the one bridge to the UI goroutine",
					f.path, f.fset.Position(se.Pos()).Line, se.Sel.Name)
			}
			return true
		})
	}
}

// maxLines is the longest a function may be, from func to its closing
// brace. Table-driven data belongs in a variable, not a function.
const maxLines = 80

func TestFunctionLength(t *testing.T) {
	files, _ := sources(t)
	for _, f := range files {
		for _, d := range f.file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			start, end := f.fset.Position(fd.Pos()).Line, f.fset.Position(fd.End()).Line
			if n := end - start + 1; n > maxLines {
				t.Errorf("%s:%d %s is %d lines (at most %d): split it into named steps", f.path, start, fd.Name.Name, n, maxLines)
			}
		}
	}
}

func TestPackageDocs(t *testing.T) {
	files, dirs := sources(t)
	for dir := range dirs {
		if dir == "." {
			continue // main.go carries the command's doc
		}
		var doc *pkgFile
		for i := range files {
			if files[i].dir == dir && filepath.Base(files[i].path) == "doc.go" {
				doc = &files[i]
			}
		}
		if doc == nil {
			t.Errorf("%s has no doc.go: say in two to six lines what the package owns and what it must not import", dir)
			continue
		}
		text := doc.file.Doc.Text()
		if lines := strings.Count(strings.TrimSpace(text), "\n") + 1; text == "" || lines > 8 {
			t.Errorf("%s/doc.go: the package comment has %d lines; keep it to two to six", dir, lines)
		}
		for _, f := range files {
			if f.dir == dir && f.path != doc.path && f.file.Doc != nil && strings.HasPrefix(f.file.Doc.Text(), "Package ") {
				t.Errorf("%s has a package comment too: keep it in doc.go only", f.path)
			}
		}
	}
}
