// Package webfix is what the fixes of the web servers' configurations
// (nginx, apache) share: the requests a blocked page sends, what an answer
// lacks of each header for them, and text edits.
package webfix

import (
	"encoding/json"
	"slices"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// ACAO is Access-Control-Allow-Origin.
const ACAO = "Access-Control-Allow-Origin"

// Requests are the page's preflight (when one is sent), then its request.
func Requests(n server.Need) []message.Request {
	o := message.Headers{{Name: "Origin", Value: n.Page}}
	url := "https://api.example.com/r"
	if n.Path != "" {
		url = "https://api.example.com" + n.Path
	}
	pre := message.Request{Method: "OPTIONS", URL: url, Headers: append(o, message.Header{Name: "Access-Control-Request-Method", Value: n.Method})}
	if len(n.Headers) > 0 {
		pre.Headers = append(pre.Headers, message.Header{Name: "Access-Control-Request-Headers", Value: strings.ToLower(strings.Join(n.Headers, ","))})
	}
	req := message.Request{Method: n.Method, URL: pre.URL, Headers: o, Cookies: n.Credentials}
	for _, h := range n.Headers { // the page's values are not known: a stand-in
		v := "corsplay"
		if strings.EqualFold(h, "Content-Type") {
			v = "application/json"
		}
		req.Headers = append(req.Headers, message.Header{Name: h, Value: v})
	}
	if n.Credentials {
		req.Headers = append(req.Headers, message.Header{Name: "Cookie", Value: "session=corsplay"})
	}
	if n.Preflight {
		return []message.Request{pre, req}
	}
	return []message.Request{req}
}

// Missing is the value of header name an answer (got: its lines) needs for
// n, "" when it is fine.
func Missing(n server.Need, name string, got []string, preflight bool) string {
	list := func(items ...string) string {
		var have []string
		for _, g := range got {
			for _, x := range strings.Split(g, ",") {
				if x = strings.TrimSpace(x); x != "" {
					have = append(have, x)
				}
			}
		}
		miss := server.MissingFold(have, items)
		if len(miss) == 0 || len(got) == 1 && got[0] == "*" && !n.Credentials && !slices.ContainsFunc(miss, func(h string) bool { return strings.EqualFold(h, "Authorization") }) {
			return ""
		}
		return strings.Join(append(have, miss...), ", ")
	}
	switch name {
	case ACAO:
		if len(got) == 1 && (got[0] == n.Page || got[0] == "*" && !n.Credentials) {
			return ""
		}
		return n.Page
	case "Access-Control-Allow-Credentials":
		if !n.Credentials || len(got) == 1 && got[0] == "true" {
			return ""
		}
		return "true"
	case "Access-Control-Allow-Methods":
		if !preflight || n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
			return ""
		}
		return list(n.Method)
	}
	if !preflight || len(n.Headers) == 0 {
		return ""
	}
	return list(n.Headers...)
}

// Allow names what a fix of header name lets through, for the notes.
func Allow(n server.Need, name string) string {
	switch name {
	case ACAO:
		return "the origin " + n.Page
	case "Access-Control-Allow-Credentials":
		return "credentials (cookies)"
	case "Access-Control-Allow-Methods":
		return "the method " + n.Method
	}
	return "the request headers " + server.AndList(n.Headers)
}

// Edit replaces text[At:End] with S.
type Edit struct {
	At, End int
	S       string
}

// Apply applies edits (at most one insertion per offset keeps its order),
// a deletion taking its line when nothing else is left on it.
func Apply(text string, edits []Edit) string {
	slices.SortStableFunc(edits, func(x, y Edit) int { // from the end; at one offset, a replacement before insertions
		if x.At != y.At {
			return y.At - x.At
		}
		return y.End - x.End
	})
	for _, e := range edits {
		if e.S == "" && e.End > e.At {
			ls := strings.LastIndexByte(text[:e.At], '\n') + 1
			le := strings.IndexByte(text[e.End:], '\n')
			if le < 0 {
				le = len(text) - e.End
			}
			if strings.TrimSpace(text[ls:e.At]) == "" && strings.TrimSpace(text[e.End:e.End+le]) == "" {
				e.At, e.End = ls, min(e.End+le+1, len(text))
			}
		}
		text = text[:e.At] + e.S + text[e.End:]
	}
	return text
}

// Indent is the leading blanks of the line holding offset at.
func Indent(text string, at int) string {
	l := text[strings.LastIndexByte(text[:at], '\n')+1:]
	return l[:len(l)-len(strings.TrimLeft(l, " \t"))]
}

// Fixer is a web server's fixer in its configuration text (the option
// "config"): header writes each CORS header the request lacks, status
// mends the preflight's status.
func Fixer(language string, header func(e *server.Edit, n server.Need, name string), status func(e *server.Edit, n server.Need)) *server.Fixer {
	return &server.Fixer{
		Language:    language,
		Options:     []string{"config"},
		Origin:      func(e *server.Edit, n server.Need) { header(e, n, ACAO) },
		Credentials: func(e *server.Edit, n server.Need) { header(e, n, "Access-Control-Allow-Credentials") },
		Method:      func(e *server.Edit, n server.Need) { header(e, n, "Access-Control-Allow-Methods") },
		Headers:     func(e *server.Edit, n server.Need) { header(e, n, "Access-Control-Allow-Headers") },
		Status:      status,
		Call: func(opts []server.Opt) string {
			var text string
			if len(opts) > 0 {
				json.Unmarshal(opts[0].Raw, &text)
			}
			return text
		},
	}
}

// PCRE writes a pattern as nginx and Apache configurations do: as it is,
// in PCRE (server.Matching.Literal).
func PCRE(pattern, _ string) string { return pattern }
