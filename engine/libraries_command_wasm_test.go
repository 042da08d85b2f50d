//go:build js && wasm

package engine

import (
	"errors"
	"strings"
	"testing"
)

// TestCommandOnlyInThePage: in the page's build, a library only the
// command carries is named in the picker and, asked for, gets an error at
// server.library.name that says where it is answered.
func TestCommandOnlyInThePage(t *testing.T) {
	docs := LibraryDocs()
	for _, c := range commandOnly {
		found := false
		for _, d := range docs {
			found = found || (d.Name == c.Name && d.CommandOnly)
		}
		if !found {
			t.Errorf("LibraryDocs has no command-only entry for %s", c.Name)
		}
		if d, ok := (Library{Name: c.Name}).Doc(); !ok || !d.CommandOnly || d.Title != c.Title {
			t.Errorf("Library{%s}.Doc() = %+v, %v", c.Name, d, ok)
		}
		err := Library{Name: c.Name}.validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "server.library.name" || !strings.Contains(fe.Problem, "corsplay check") {
			t.Errorf("Library{%s}.validate() = %v, want a FieldError at server.library.name naming corsplay check", c.Name, err)
		}
	}
}
