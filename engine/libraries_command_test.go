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

// TestCommandOnlyLibraries: commandOnly describes exactly the registered
// libraries whose package libraries.go imports (the command's, not the
// page's libraries_page.go), each as the registry does.
func TestCommandOnlyLibraries(t *testing.T) {
	page, command := blankImports(t, "libraries_page.go"), blankImports(t, "libraries.go")
	want := map[string]LibraryDoc{}
	for _, l := range server.All() {
		fn := runtime.FuncForPC(reflect.ValueOf(l.New).Pointer()).Name()
		slash := strings.LastIndex(fn, "/")
		pkg := fn[:slash+strings.Index(fn[slash:], ".")]
		switch {
		case !strings.HasPrefix(pkg, "corsplay/engine/server/"): // a test's stand-in
		case command[pkg] && page[pkg]:
			t.Errorf("%s is imported by both libraries.go and libraries_page.go", pkg)
		case command[pkg]:
			d := registeredDoc(l)
			want[l.Name] = LibraryDoc{Name: d.Name, Version: d.Version, Language: d.Language, Title: d.Title}
		case !page[pkg]:
			t.Errorf("%s (%s) is registered but neither libraries.go nor libraries_page.go imports it", l.Name, pkg)
		}
	}
	got := map[string]LibraryDoc{}
	for _, d := range commandOnly {
		got[d.Name] = d
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("commandOnly is\n%+v\nwant (the registry's, for libraries.go's packages)\n%+v", got, want)
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
