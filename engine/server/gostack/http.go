// Package gostack is what a Go program around an emulated Go CORS library
// does: net/http's server (how it parses a request before any handler runs,
// and what it adds to a handler's answer on the wire), encoding/json's
// decoding of a configuration struct, and a reader for the Go source that
// configures the library. The Go libraries' emulations (echocors,
// gincors, gochicors, gorillahandlers) share it. Source references are
// to Go 1.26's net/http, net/textproto, net/url and encoding/json.
package gostack

import (
	"sort"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// Request is a request as net/http's server hands it to a handler.
type Request struct {
	Method   string
	Host     string // the URL's authority ("" for a URL without one)
	RawPath  string // the path as sent
	Path     string // decoded, as URL.Path
	RawQuery string
	Query    bool            // the target has a "?", maybe with nothing after it
	Header   message.Headers // names canonical, values trimmed, in order
	Meter    *pattern.Meter  // pays for the library's pattern matching
}

// ParseRequest reads req as net/http's server does (readRequest). What it
// refuses before any handler runs gets the answer it writes (400, plain
// text, connection closed) and ok false.
func ParseRequest(req message.Request) (r Request, bad message.Response, ok bool) {
	bad = message.Response{Status: 400, Headers: message.Headers{
		{Name: "Content-Type", Value: "text/plain; charset=utf-8"}, {Name: "Connection", Value: "close"}}}
	r.Method, r.Meter = req.Method, req.Meter
	if !server.IsToken(r.Method) {
		return r, bad, false
	}
	u := req.URL
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "://"); i > 0 && !strings.ContainsAny(u[:i], "/?") {
		u = u[i+3:]
		j := strings.IndexAny(u, "/?")
		if j < 0 {
			j = len(u)
		}
		r.Host, u = u[:j], u[j:]
	}
	if u == "" || u[0] == '?' {
		u = "/" + u
	}
	r.RawPath = u
	if i := strings.IndexByte(u, '?'); i >= 0 {
		r.RawPath, r.RawQuery, r.Query = u[:i], u[i+1:], true
	}
	var decoded bool
	if r.Path, decoded = Unescape(r.RawPath, false); !decoded || strings.IndexFunc(u, isCTL) >= 0 {
		return r, bad, false
	}
	for _, h := range req.Headers {
		v := strings.Trim(h.Value, " \t")
		if !server.IsToken(h.Name) || strings.IndexFunc(v, func(c rune) bool { return c != '\t' && isCTL(c) }) >= 0 {
			return r, bad, false
		}
		r.Header = append(r.Header, message.Header{Name: CanonicalHeaderKey(h.Name), Value: v})
	}
	return r, bad, true
}

// Get is Header.Get: the first value of the canonical name, or "".
func (r *Request) Get(name string) string {
	for _, h := range r.Header {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

// QueryHas reports whether URL.Query() has key (url.ParseQuery: pairs
// separated by &, a pair holding ; skipped, keys unescaped with + as space).
func (r *Request) QueryHas(key string) bool {
	for _, kv := range strings.Split(r.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if kv == "" || strings.IndexByte(k, ';') >= 0 {
			continue
		}
		if k, ok := Unescape(k, true); ok && k == key {
			return true
		}
	}
	return false
}

// Unescape is url.PathUnescape, or url.QueryUnescape when query (+ is a
// space); ok is false on a malformed escape.
func Unescape(s string, query bool) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", false
			}
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
		case c == '+' && query:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isCTL(c rune) bool { return c < 0x20 || c == 0x7f }

func isTokenChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
}

// CanonicalHeaderKey is http.CanonicalHeaderKey: a name with a byte that
// is not a token character is returned as it is.
func CanonicalHeaderKey(s string) string {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return s
		}
	}
	b := []byte(s)
	upper := true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
		upper = c == '-'
	}
	return string(b)
}

// Header is a handler's http.Header: canonical names (callers pass them
// canonical), each with its values in order.
type Header map[string][]string

func (h Header) Set(name, v string) { h[name] = []string{v} }
func (h Header) Add(name, v string) { h[name] = append(h[name], v) }

// Response is what a handler wrote: a status, its header map and the
// length of the body it wrote; Sniff is the Content-Type net/http detects
// in that body (DetectContentType) when the handler set none.
type Response struct {
	Status int
	Header Header
	Body   int
	Sniff  string
}

// Answer is the wire answer of a handler that set hs (canonical names) and
// the status, then wrote the app's "ok" when ok (sniffed as text/plain).
func Answer(method string, status int, hs message.Headers, ok bool) message.Response {
	w := Response{Status: status, Header: Header{}}
	for _, h := range hs {
		w.Header.Add(h.Name, h.Value)
	}
	if ok {
		w.Body, w.Sniff = 2, "text/plain; charset=utf-8"
	}
	return w.Wire(method)
}

// HeaderValue is http.Header.Get on the request's lines as sent: the
// first value of name (case aside), without the spaces and tabs around
// it; ok tells whether any line has the name.
func HeaderValue(hs message.Headers, name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return strings.Trim(h.Value, " \t"), true
		}
	}
	return "", false
}

// Wire is the answer a client reads (chunkWriter.writeHeader): the
// handler's headers sorted by name, each value with CR and LF turned into
// spaces and trimmed, then the Content-Length net/http computes for a
// handler that wrote its whole body at once (none for a HEAD that wrote
// nothing, nor for a status without a body), then the sniffed
// Content-Type. A status WriteHeader refuses
// (below 100, above 999) panics in the handler: net/http closes the
// connection without an answer, status 0.
func (w Response) Wire(method string) message.Response {
	s := w.Status
	if s < 100 || s > 999 {
		return message.Response{}
	}
	bodyAllowed := s >= 200 && s != 204 && s != 304
	if !bodyAllowed {
		delete(w.Header, "Content-Length")
		delete(w.Header, "Transfer-Encoding")
		if s == 304 {
			delete(w.Header, "Content-Type")
		}
	}
	names := make([]string, 0, len(w.Header))
	for k := range w.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	out := message.Response{Status: s}
	for _, k := range names {
		for _, v := range w.Header[k] {
			v = strings.Trim(strings.NewReplacer("\r", " ", "\n", " ").Replace(v), " \t\r\n")
			out.Headers = append(out.Headers, message.Header{Name: k, Value: v})
		}
	}
	if _, set := w.Header["Content-Length"]; bodyAllowed && !set && (method != "HEAD" || w.Body > 0) {
		out.Headers = append(out.Headers, message.Header{Name: "Content-Length", Value: strconv.Itoa(w.Body)})
	}
	if _, set := w.Header["Content-Type"]; bodyAllowed && !set && w.Sniff != "" && w.Body > 0 {
		out.Headers = append(out.Headers, message.Header{Name: "Content-Type", Value: w.Sniff})
	}
	return out
}
