//go:build !wasm

package engine

import (
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"corsplay/engine/server"
)

// TestPageCarriesEveryLibrary: the package of every registered library is
// one libraries.go imports, so that the page answers it too (the
// command and the tests could register one through another import).
func TestPageCarriesEveryLibrary(t *testing.T) {
	page := blankImports(t, "libraries.go")
	for _, l := range server.All() {
		fn := runtime.FuncForPC(reflect.ValueOf(l.New).Pointer()).Name()
		slash := strings.LastIndex(fn, "/")
		pkg := fn[:slash+strings.Index(fn[slash:], ".")]
		if strings.HasPrefix(pkg, "corsplay/engine/server/") && !page[pkg] { // not a test's stand-in
			t.Errorf("%s (%s) is registered but libraries.go does not import it", l.Name, pkg)
		}
	}
}

// blankImports are the packages file imports.
func blankImports(t *testing.T, file string) map[string]bool {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		out[p] = true
	}
	return out
}
