package server

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// A library's fixes speak the library: they change its own options, are
// verified by evaluating the emulation again, and show the user's call
// before and after in the library's language, one line per change saying
// why. The engine knows what the request needs and keeps only the edits
// it cannot pass without; the Fixer knows how to allow each thing in the
// library's options, and how to print its call.

// Fixer is one library's part of the fixes.
type Fixer struct {
	// Language of the printed call: "python", "go", "javascript", "ruby".
	Language string
	// Options are the option names, in the order the call prints them.
	Options []string
	// Aliases are names people write for an option (a tutorial's, another
	// library's), mapped to the option.
	Aliases map[string]string
	// Unknown lists the options the library ignores; nil when the library
	// refuses unknown options (a Go struct: the program would not compile).
	Unknown func(opts map[string]json.RawMessage) []string
	// RenameWhy says why a misspelled option is renamed.
	RenameWhy func(from, to string) string
	// Each edits e so that the library allows what n needs, noting why; it
	// leaves e alone when the library already allows it. Status may be nil:
	// the library always answers preflights with an ok status.
	Origin, Credentials, Method, Headers, Status func(e *Edit, n Need)
	// Call prints the library's call with the options, in order.
	Call func(opts []Opt) string
}

// Need is what a blocked request needs from the server.
type Need struct {
	Page        string   // the page's origin
	Credentials bool     // the request carries cookies
	Method      string   // as the browser sends it (upper case)
	Headers     []string // the unsafe request headers, as the page writes them
	Preflight   bool     // a preflight is sent
	Path        string   // the request URL's path, for options that depend on it
}

// Opt is one option of a call: its name and JSON value.
type Opt struct {
	Name string
	Raw  json.RawMessage
}

// Notes are what a fix changes, in plain words, and why.
type Notes struct {
	Allow []string // what "Allow …" names: "the origin X", "the method PUT"
	Do    []string // other actions, in plain words
	Why   []string
	// order has one entry per Allow or Do note: true for Allow.
	order []bool
}

// Note records a change: what it allows or does, and why.
func (n *Notes) Note(allow, do, why string) {
	add := func(list *[]string, s string, isAllow bool) {
		if s != "" && !slices.Contains(*list, s) {
			*list = append(*list, s)
			n.order = append(n.order, isAllow)
		}
	}
	add(&n.Allow, allow, true)
	add(&n.Do, do, false)
	if why != "" && !slices.Contains(n.Why, why) {
		n.Why = append(n.Why, why)
	}
}

// Plain writes the notes as one sentence, in the order they came, the
// things allowed named together where the first was.
func (n *Notes) Plain() string {
	var parts []string
	d := 0
	for i, isAllow := range n.order {
		switch {
		case !isAllow:
			parts = append(parts, n.Do[d])
			d++
		case !slices.Contains(n.order[:i], true):
			parts = append(parts, "allow "+AndList(n.Allow))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Edit is a library configuration under repair: its options as JSON
// values, and notes on what changed and why.
type Edit struct {
	M map[string]json.RawMessage
	Notes
	// Narrowed: an answer to every origin was replaced by a list.
	Narrowed bool
}

// Has reports whether the option is set.
func (e *Edit) Has(name string) bool { _, ok := e.M[name]; return ok }

// Set stores v as the option's JSON value.
func (e *Edit) Set(name string, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	e.M[name] = json.RawMessage(bytes.TrimSpace(b.Bytes()))
}

// Del removes the option.
func (e *Edit) Del(name string) { delete(e.M, name) }

// Value decodes the option into v; false when absent or of another type.
func (e *Edit) Value(name string, v any) bool {
	raw, ok := e.M[name]
	return ok && json.Unmarshal(raw, v) == nil
}

// Strs reads a string or a list of strings: list is nil and ok false when
// the option is absent or something else.
func (e *Edit) Strs(name string) (list []string, isString, ok bool) {
	var one string
	if e.Value(name, &one) {
		return []string{one}, true, true
	}
	if e.Value(name, &list) {
		return list, false, true
	}
	return nil, false, false
}

// Add appends items to a list option, keeping its other elements: any
// other value (a string, a RegExp) becomes a list of it and the items, an
// absent option the items.
func (e *Edit) Add(name string, items ...string) {
	var elems []json.RawMessage
	if raw, ok := e.M[name]; ok && json.Unmarshal(raw, &elems) != nil {
		elems = []json.RawMessage{raw}
	}
	for _, it := range items {
		b, _ := json.Marshal(it)
		elems = append(elems, b)
	}
	e.Set(name, elems)
}

// ContainsFold reports whether list holds s, ignoring case.
func ContainsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// MissingFold are the names not in list, ignoring case.
func MissingFold(list, names []string) []string {
	var out []string
	for _, n := range names {
		if !ContainsFold(list, n) && !ContainsFold(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// AndList joins "a", "a and b", "a, b and c".
func AndList(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// HeadersNote names the request headers a fix allows, for Edit.Note.
func HeadersNote(names []string) string {
	if len(names) == 1 {
		return "the request header " + names[0]
	}
	return "the request headers " + AndList(names)
}
