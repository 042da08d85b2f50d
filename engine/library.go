package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/flaskcors"
)

// Library is a server that configures CORS through a library, with the
// library's own option names and JSON values. The engine answers exactly
// what that library answers, quirks included.
type Library struct {
	// Name is a library of engine/server's registry, such as
	// "flask-cors", "rs-cors", "jub0bs-cors" or "express-cors"
	// (LibraryNames lists them all).
	Name string `json:"name"`
	// Version selects another version of the library than its default
	// ("6.0.2" for Flask-CORS 6); absent: the default.
	Version string                     `json:"version,omitempty"`
	Options map[string]json.RawMessage `json:"options,omitempty"`
	// Route pins the path of the one route of the app behind a library of
	// engine/server's registry, as message.Request.Route says it ("/r":
	// libtest's harnesses, which also send its variants); "": the app
	// serves the path of each request it answers.
	Route string `json:"-"`
}

// ConfigError is a configuration the library refuses at start-up, in the
// library's own words: the server would not start.
type ConfigError = server.ConfigError

// emulation is a configured library: it answers requests and may have
// warned about its configuration (as the library would log it).
type emulation interface {
	respond(HTTPRequest) Response
	warnings() []string
}

// LibraryNames lists the libraries the engine emulates.
func LibraryNames() []string {
	var names []string
	for _, l := range server.All() {
		if !slices.Contains(names, l.Name) {
			names = append(names, l.Name)
		}
	}
	sort.Strings(names)
	return names
}

// registered is the library and version l names in engine/server's
// registry; nil when there is none.
func (l Library) registered() *server.Library {
	r, _ := server.Lookup(l.Name, l.Version)
	return r
}

func (l Library) emulation() (emulation, error) {
	if err := l.known(); err != nil {
		return nil, err
	}
	em, err := l.registered().New(l.Options)
	var oe *server.OptionError
	if errors.As(err, &oe) {
		return nil, &FieldError{joinField("server.library.options", oe.Path), oe.Problem}
	}
	if err != nil {
		return nil, err
	}
	return registeredEmulation{em, l.Route}, nil
}

// known reports a library name or version corsplay does not emulate.
func (l Library) known() error {
	versions := server.Versions(l.Name)
	if versions == nil {
		return &FieldError{"server.library.name", fmt.Sprintf("%q is not a library corsplay emulates: use one of %s", l.Name, strings.Join(LibraryNames(), ", "))}
	}
	if l.Version != "" && !slices.Contains(versions, l.Version) {
		return &FieldError{"server.library.version", fmt.Sprintf("corsplay emulates %s in version %s, not %q", l.Name, strings.Join(versions, " and "), l.Version)}
	}
	return nil
}

// registeredEmulation answers with a library of engine/server's registry,
// its app's route pinned to route unless "".
type registeredEmulation struct {
	server.Emulation
	route string
}

// respond answers req with the app's route at req's own path (unless
// pinned): a user's app has a route at the URL they fetch, and at every URL
// a redirect sends the browser to.
func (r registeredEmulation) respond(req HTTPRequest) Response {
	route := r.route
	if route == "" {
		route = RoutePath(req.URL)
	}
	out := r.Respond(message.Request{Method: req.Method, URL: req.URL, Headers: req.Headers, Route: route, Cookies: req.cookies, Meter: req.meter})
	return Response{Status: out.Status, Headers: out.Headers}
}

// RoutePath is the path of an absolute URL as sent, without the query ("/"
// when the URL has none): the route of the app that answers it.
func RoutePath(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		i := strings.IndexAny(rest, "/?#")
		if i < 0 || rest[i] != '/' {
			return "/"
		}
		u = rest[i:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if u == "" {
		return "/"
	}
	return u
}

func (r registeredEmulation) warnings() []string { return r.Warnings() }

// patternInsts sizes the library's compiled patterns (Server.Footprint).
func (r registeredEmulation) patternInsts() int {
	if p, ok := r.Emulation.(interface{ PatternInsts() int }); ok {
		return p.PatternInsts()
	}
	return 0
}

func (l Library) validate() error {
	if err := l.known(); err != nil {
		return err
	}
	if len(l.Options) > MaxPolicyEntries {
		return &FieldError{"server.library.options", fmt.Sprintf("%d options, at most %d", len(l.Options), MaxPolicyEntries)}
	}
	// What corsplay cannot take (a *FieldError) is invalid input; what the
	// library refuses (a *ConfigError) is the library's answer.
	var fe *FieldError
	if _, err := l.emulation(); errors.As(err, &fe) {
		return err
	}
	return nil
}

// libraryFindings turn what a library logs about its configuration into
// lint findings: a warning in a log nobody reads is a setting that silently
// does nothing.
func libraryFindings(s Scenario, warnings []string) []Finding {
	var out []Finding
	for i, w := range warnings {
		if slices.Contains(warnings[:i], w) {
			continue // logged once per resource: one finding is enough
		}
		f := Finding{ID: "LIB-001", Severity: SeverityWarning, Title: "The library ignores part of the configuration",
			Detail: fmt.Sprintf("%s logs %q and goes on as if the option were not there: the server does not do what the code says, and only a log line (often not even shown) tells.", s.Server.Library.Name, w),
			Fix:    "Use the option names the library documents, spelt exactly."}
		if s.Server.Library.Name == flaskcors.Name && strings.HasSuffix(w, ": headers") {
			f.Detail += " Flask-CORS removed the headers option in 2.0: allow_headers keeps its default \"*\", so every request header is allowed — the opposite of the intended restriction."
			f.Fix = "Write allow_headers=[...] instead of headers=[...]."
		}
		out = append(out, f)
	}
	return out
}
