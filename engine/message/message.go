// Package message is the vocabulary every part of corsplay's engine shares
// about HTTP messages: header lines in wire order, and requests and
// responses as a server sees and writes them.
package message

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"corsplay/engine/pattern"
)

// Header is one header line: a name and a value, in wire order. In JSON it is
// the pair ["Name", "value"].
type Header struct {
	Name, Value string
}

// MarshalJSON writes h as ["Name", "value"].
func (h Header) MarshalJSON() ([]byte, error) {
	return json.Marshal([2]string{h.Name, h.Value})
}

// UnmarshalJSON reads ["Name", "value"].
func (h *Header) UnmarshalJSON(b []byte) error {
	var pair []string
	if json.Unmarshal(b, &pair) != nil || len(pair) != 2 {
		return fmt.Errorf("a header is a [name, value] pair, got %s", BriefJSON(b))
	}
	h.Name, h.Value = pair[0], pair[1]
	return nil
}

// Headers is an ordered header list; duplicates and empty values are kept.
type Headers []Header

// Get returns the values of every header named name (ASCII case-insensitive)
// joined with ", ", and whether any was present.
// https://fetch.spec.whatwg.org/#concept-header-list-get
func (hs Headers) Get(name string) (string, bool) {
	var b strings.Builder
	found := false
	for _, h := range hs {
		if !strings.EqualFold(h.Name, name) {
			continue
		}
		if found {
			b.WriteString(", ")
		}
		b.WriteString(h.Value)
		found = true
	}
	return b.String(), found
}

// Values returns the value of each header named name (ASCII
// case-insensitive), in order.
func (hs Headers) Values(name string) []string {
	var out []string
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// Has reports whether a header named name is present.
func (hs Headers) Has(name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// BriefJSON is JSON text made compact and cut to a length that fits a
// message.
func BriefJSON(text []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, text) != nil {
		b.Reset()
		b.Write(text)
	}
	s := b.String()
	if len(s) <= 60 {
		return s
	}
	n := 60
	for !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Request is a request as a server receives it.
type Request struct {
	Method  string
	URL     string // as sent: scheme, host, path and query
	Headers Headers
	// Route is the path of the one route of the app behind the server
	// ("/items"; "" is "/r", libtest's harnesses' route), as a request to
	// it sends it: the app declares the route as its framework reads that
	// path (percent-decoded or not), and a request reaches it by the
	// framework's own rules. The engine sets the path of the URL it
	// answers: the app serves the path the browser asks for.
	Route string
	// Cookies says the request carries the API's session cookies (the
	// engine knows it from the browser's cookie policy; on the wire a
	// Cookie header says it).
	Cookies bool
	// Meter pays for the server's pattern matching; nil: unmetered.
	Meter *pattern.Meter
}

// AppRoute is r.Route, "/r" when empty.
func (r Request) AppRoute() string { return RouteOr(r.Route) }

// RouteOr is route, "/r" (libtest's harnesses' route) when empty.
func RouteOr(route string) string {
	if route == "" {
		return "/r"
	}
	return route
}

// Response is an answer: a status and header lines in wire order.
type Response struct {
	Status  int
	Headers Headers
}
