package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"corsplay/engine/server"
)

// LibraryDoc describes one emulated library at one version for people:
// the page's library picker and panel.
type LibraryDoc struct {
	Name    string // server.library.name
	Version string // the version the answers are proven for (libtest)
	Default bool   // selected when server.library.version is absent
	// Title names it with its version and how a program configures it.
	Title    string
	Language string // the picker's group
	// Options and Defaults are one line each.
	Options, Defaults string
	// Quirks are what surprises users, one sentence or two each.
	Quirks []string
}

// LibraryDocs lists every library at every version corsplay emulates,
// by language, then title.
func LibraryDocs() []LibraryDoc {
	var out []LibraryDoc
	for _, l := range server.All() {
		out = append(out, registeredDoc(l))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Language != out[j].Language {
			return out[i].Language < out[j].Language
		}
		return strings.ToLower(out[i].Title) < strings.ToLower(out[j].Title)
	})
	return out
}

// Doc describes the library and version l names; false when corsplay
// does not emulate it.
func (l Library) Doc() (LibraryDoc, bool) {
	if l.known() != nil {
		return LibraryDoc{}, false
	}
	return registeredDoc(l.registered()), true
}

func registeredDoc(l *server.Library) LibraryDoc {
	d := LibraryDoc{Name: l.Name, Version: l.Version, Default: l.Default, Language: l.Language,
		Title: l.Title + " " + l.Version + " (" + l.Language + "): " + l.Call, Quirks: l.Quirks}
	var names, defaults []string
	for _, o := range l.Options {
		names = append(names, o.Name)
		if o.Default != "" {
			defaults = append(defaults, o.Name+" "+o.Default)
		}
	}
	d.Options, d.Defaults = strings.Join(names, ", "), strings.Join(defaults, ", ")
	return d
}

// Program is a runnable program in the library's language whose app
// serves route (the scenario's request path; "" is libtest's "/r") with l's
// options (what libtest runs to prove it); "" when corsplay writes none for
// this library. A route the framework's router reads as a pattern is a
// *FieldError of request.url.
func (l Library) Program(route string) (string, error) {
	r := l.registered()
	if r == nil || r.Export == nil {
		return "", nil
	}
	if err := l.validate(); err != nil {
		return "", err
	}
	prog, err := r.Export(l.Options, route)
	var re *server.RouteError
	if errors.As(err, &re) {
		return "", &FieldError{"request.url", re.Problem}
	}
	return prog, err
}

// ReadsConfig reports whether ImportConfig reads this library's own
// configuration text.
func (l Library) ReadsConfig() bool {
	r := l.registered()
	return r != nil && r.Import != nil
}

// ImportConfig reads the library's own configuration text (a Python call,
// a settings block, a DSL, an options object, a struct literal) into l's
// options, keeping its name and version. Errors say what and where.
func (l Library) ImportConfig(text string) (Library, error) {
	r := l.registered()
	if r == nil || r.Import == nil {
		return l, &FieldError{"server.library", "corsplay does not read " + libraryTitle(l.Name) + "'s own configuration text yet: write its options as JSON"}
	}
	if len(text) > MaxInputBytes {
		return l, &FieldError{"server.library", fmt.Sprintf("the configuration has %d bytes, at most %d", len(text), MaxInputBytes)}
	}
	opts, err := r.Import(text)
	if err != nil {
		return l, err
	}
	out := Library{Name: l.Name, Version: l.Version, Options: opts}
	if err := out.validate(); err != nil {
		return l, err
	}
	return out, nil
}
