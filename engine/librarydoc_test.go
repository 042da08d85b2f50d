package engine

import (
	"strings"
	"testing"
)

// TestLibraryDocs: every library the engine emulates, at every version,
// has its title, language, option names, defaults and quirks for the page.
func TestLibraryDocs(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range LibraryDocs() {
		if d.Title == "" || d.Language == "" || d.Version == "" || d.Options == "" || d.Defaults == "" || len(d.Quirks) == 0 {
			if !strings.HasPrefix(d.Name, "test-") {
				t.Errorf("%s %s lacks its docs: %+v", d.Name, d.Version, d)
			}
		}
		seen[d.Name] = true
	}
	for _, name := range LibraryNames() {
		if !seen[name] {
			t.Errorf("%s has no doc", name)
		}
		if d, ok := (Library{Name: name}).Doc(); !ok || !d.Default {
			t.Errorf("%s: the doc of its default version: %+v, %v", name, d, ok)
		}
	}
	if _, ok := (Library{Name: "rs-cors", Version: "v0.1"}).Doc(); ok {
		t.Error("a version corsplay does not emulate has a doc")
	}
}
