// Package server is what the engine knows of an emulated CORS server: a
// library (or a web server's CORS configuration) at one version, in its own
// package under engine/server, behind this one small interface. The engine
// looks each up by server.library's name and version; the browser side and
// the advice (lint, the attacker's view, fixes) stay in the engine and ask
// the emulation.
package server

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"corsplay/engine/message"
)

// A Library is one emulated library at one version.
type Library struct {
	// Name is server.library.name, e.g. "go-chi-cors".
	Name string
	// Version is the version whose answers libtest proves against the real
	// library, e.g. "v1.2.2"; server.library.version selects it.
	Version string
	// Default: the version used when server.library.version is absent.
	Default bool
	// Title is the name people know it by, in sentences: "go-chi/cors".
	Title string
	// Language groups the library picker: "Python", "JavaScript", "Go",
	// "Ruby" or "Web server".
	Language string
	// Call is how a program configures it: "cors.Handler(cors.Options{…})".
	Call string
	// OriginsOption names the option that lists the allowed origins.
	OriginsOption string
	// Options are every option the JSON form accepts, in the library's
	// documentation order, with its default: the library panel shows them.
	Options []Option
	// Quirks are what the library does that its options do not say, one
	// sentence each, for the library panel.
	Quirks []string
	// New configures the library. It returns an *OptionError when corsplay
	// cannot read the options and a *ConfigError when the library refuses
	// them, in the library's own words.
	New func(options map[string]json.RawMessage) (Emulation, error)
	// Export writes a runnable program in the library's language whose
	// app serves route (message.Request.Route: "" is "/r") with these
	// options; nil when there is none. A route the framework's router
	// would read as a pattern is a *RouteError.
	Export func(options map[string]json.RawMessage, route string) (string, error)
	// Import reads the library's own configuration text (Python kwargs, a
	// settings block, a DSL, an options object, a struct literal) into
	// options; nil when there is none. Errors say what and where.
	Import func(text string) (map[string]json.RawMessage, error)
	// Summarize reads a configuration New accepts as a Summary.
	Summarize func(options map[string]json.RawMessage) Summary
	// Fixer repairs a configuration in the library's own options; nil when
	// the library has none yet.
	Fixer *Fixer
	// Matching says how the library matches origins entries, for the
	// lint's findings.
	Matching Matching
}

// Matching says, in the library's words, how it matches origins entries;
// each part left out has the engine's wording.
type Matching struct {
	// Regex: how it matches a regular-expression entry, a sentence ("":
	// Go's regexp.MatchString, anywhere in the Origin).
	Regex string
	// Exact: how it compares any other entry with the Origin, a clause
	// ("": the whole Origin, as it is).
	Exact string
	// Literal writes a pattern in Go's syntax, with its flags, as the
	// configuration writes one (nil: the policy's re:PATTERN).
	Literal func(pattern, flags string) string
}

// An Option is one configuration option and what it does by default.
type Option struct {
	Name    string // as the JSON form (and the library) spells it
	Type    string // the JSON types accepted: "list of strings", "boolean"…
	Default string // the library's default, in its language ("[]", "False", "12h")
	Doc     string // one sentence
}

// Emulation is a configured library: it answers requests as the library
// does, status and every header, quirks included.
type Emulation interface {
	// Respond answers one request as the library (and the small app behind
	// it: its route, message.Request.Route, answers "ok" to GET, POST, PUT,
	// DELETE and PATCH) does.
	Respond(message.Request) message.Response
	// Warnings are what the library logs about its configuration while it
	// starts, in its own words; nil when nothing.
	Warnings() []string
}

// ConfigError is a configuration the library refuses at start-up, in the
// library's own words: the server would not start.
type ConfigError struct {
	Library string
	Message string
}

func (e *ConfigError) Error() string { return e.Library + " refuses this configuration: " + e.Message }

// RouteError is a route an exported program cannot declare: the
// framework's router reads it as a pattern. It is the request URL's path,
// so the field is request.url.
type RouteError struct {
	Route   string
	Problem string
}

func (e *RouteError) Error() string { return "request.url: " + e.Problem }

// CheckRoute returns route, as a program declares it, or a *RouteError
// when it holds one of special, which framework's router reads as a
// pattern (a parameter, a wildcard).
func CheckRoute(route, special, framework string) (string, error) {
	if i := strings.IndexAny(route, special); i >= 0 {
		return "", &RouteError{route, fmt.Sprintf("the path %q holds %q, which %s's router reads as a pattern: corsplay writes no program for it", route, route[i:i+1], framework)}
	}
	if !strings.HasPrefix(route, "/") {
		return "", &RouteError{route, fmt.Sprintf("the path %q does not start with /", route)}
	}
	return route, nil
}

// OptionError is an option corsplay cannot read. Path is the option's path
// inside server.library.options ("AllowedOrigins", "allow[0].origins").
type OptionError struct {
	Path    string
	Problem string
}

func (e *OptionError) Error() string { return e.Path + ": " + e.Problem }

var registry = map[string][]*Library{}

// Register adds a library; each library package calls it from init. It
// panics on a second default or a repeated version: a programming error.
func Register(l *Library) {
	for _, o := range registry[l.Name] {
		if o.Version == l.Version || (o.Default && l.Default) {
			panic(fmt.Sprintf("server: %s %s registered twice", l.Name, l.Version))
		}
	}
	registry[l.Name] = append(registry[l.Name], l)
}

// Lookup returns the library named name at version ("" for its default).
func Lookup(name, version string) (*Library, bool) {
	for _, l := range registry[name] {
		if (version == "" && l.Default) || (version != "" && l.Version == version) {
			return l, true
		}
	}
	return nil, false
}

// Versions lists the versions registered for name, the default first.
func Versions(name string) []string {
	var out []string
	for _, l := range registry[name] {
		if l.Default {
			out = append([]string{l.Version}, out...)
		} else {
			out = append(out, l.Version)
		}
	}
	return out
}

// All lists every registered library (each version), by name then version.
func All() []*Library {
	var out []*Library
	for _, ls := range registry {
		out = append(out, ls...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// PathSummarizer is an Emulation whose options depend on the request's
// path (Flask-CORS's resources): SummaryAt is Summarize for the options
// that apply to rawURL's path.
type PathSummarizer interface {
	SummaryAt(rawURL string) Summary
}

// Summary is a configuration in the neutral policy's words, for the lint
// and the attacker's view, which then confirm every origin they suspect by
// asking the emulation (Respond) rather than trusting the summary.
type Summary struct {
	// Origins are the origins entries as the library reads them.
	Origins []Entry
	// AnyOrigin: "wildcard" when every origin gets *, "reflect" when every
	// origin is echoed, "" when only Origins are let in.
	AnyOrigin string
	// AnyEntry is the setting that lets every origin in, as written
	// (`"*"`, `True`); "" when none does or it is the default.
	AnyEntry    string
	Credentials bool
	// Flagged are the origins entries the library reads otherwise than
	// they look (a string searched as a substring, a pattern taken as
	// text), each said in the library's words.
	Flagged []Flagged `json:",omitempty"`
	// Notes say what the summary cannot (a path the options apply to, a
	// per-resource difference), one sentence each.
	Notes []string
	// The rest of the policy, when the library says it (nil or 0: not
	// said): the names it allows and exposes, Access-Control-Max-Age as a
	// whole number, the status of a preflight it answers.
	Methods, RequestHeaders, ExposeHeaders []string `json:",omitempty"`
	MaxAge                                 *int64   `json:",omitempty"`
	PreflightStatus                        int      `json:",omitempty"`
	// NoVary says when the library leaves Vary: Origin out of answers that
	// echo an origin, and these options get none ("" when they do);
	// VaryFix says how to get it. Both in the library's words.
	NoVary, VaryFix string `json:",omitempty"`
}

// Entry is one origins entry.
type Entry struct {
	// Written is the entry as the configuration writes it.
	Written string
	// Policy is the entry in the policy's syntax: an exact origin
	// ("https://a.example"), "scheme://*.domain", "scheme://host:*" or
	// "re:PATTERN" (Go's syntax, with the library's own anchoring and case);
	// "" for a pattern the library rejects, which never matches.
	Policy string
	// Regex: the user wrote a regular expression (not an entry the library
	// or the summary turned into one).
	Regex bool
	// Source and Flags are a regular expression in the library's own
	// syntax, for the fixes to rewrite, when Written is not just that
	// (express cors's /source/flags).
	Source, Flags string `json:",omitempty"`
}

// Flagged is an origins entry the library reads otherwise than it looks.
// The lint asks the emulation which of Candidates it really lets in: one a
// stranger can register makes it dangerous, none an error.
type Flagged struct {
	Entry  string // as written
	Title  string // "A string allow_origins is searched as a substring: ..."
	Detail string // how the library reads it, in its words
	Fix    string // what to write instead, in its syntax
	// Intended is an origin the entry was surely written for ("" when
	// unclear); Candidates are origins the library's reading may let in,
	// a stranger's first; Host is the host the entry names, to tell a
	// stranger's origin from the owner's.
	Intended   string
	Candidates []string
	Host       string
}
