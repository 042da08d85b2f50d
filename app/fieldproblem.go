package app

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// An incomplete scenario is one with a field that is not what it must be
// (a page origin with a path, an empty URL, a server status of 99): the
// page cannot say what a browser does until it is fixed. The field says so
// in words, and the verdict says the scenario is incomplete. What fetch()
// itself rejects (a URL with credentials, a forbidden method, a header
// name that is no token, no-cors with PUT) is no input mistake but what
// the browser does: the engine's TypeError, with the browser's words.

// fieldProblem is a field of the scenario that is not what it must be.
type fieldProblem struct {
	Path  string // the engine's path: "page", "server.policy.origins[2]"
	ID    string // the id of the input that holds it; "" when none does
	What  string // the verdict's words: "the page origin is not an origin"
	Words string // what is wrong and how to fix it: "an origin has no path: http://localhost:3000"
}

// incomplete is the first field of s, in the page's order, that is not
// what it must be; the zero fieldProblem when there is none.
func incomplete(s engine.Scenario) fieldProblem {
	if p := checkPart(func(c *engine.Scenario) { c.V, c.Browser = s.V, s.Browser }); p.Path != "" {
		return p
	}
	if p := requestProblem(s.Page, s.Request); p.Path != "" {
		return p
	}
	if p := serverProblem(s.Server); p.Path != "" || len(s.Elsewhere) == 0 {
		return p
	}
	return checkPart(func(c *engine.Scenario) { c.Elsewhere = s.Elsewhere })
}

// requestProblem is the first field of the request panel (the page origin
// and the request) that is not what it must be.
func requestProblem(page string, r engine.Request) fieldProblem {
	if p := checkPart(func(c *engine.Scenario) { c.Page = page }); p.Path != "" {
		return p
	}
	if u := strings.TrimSpace(r.URL); u == "" {
		return describe(&engine.FieldError{Field: "request.url", Problem: "missing"}, r.URL)
	} else if pu, err := url.Parse(u); err == nil && pu.Scheme == "" {
		// fetch() would resolve it against the page's own URL, which
		// corsplay does not know: write it whole.
		return describe(&engine.FieldError{Field: "request.url", Problem: "relative"}, r.URL)
	}
	return checkPart(func(c *engine.Scenario) { c.Request.Repeat = r.Repeat })
}

// serverProblem is the first field of the server that is not what it
// must be. What a library refuses to start with is no input mistake: it is
// the library's answer (Outcome.ConfigError).
func serverProblem(srv engine.Server) fieldProblem {
	p := checkPart(func(c *engine.Scenario) { c.Server = srv })
	var list []string // the entries of the list field p names
	var hs engine.Headers
	switch {
	case srv.Policy != nil && strings.HasPrefix(p.Path, "server.policy.origins["):
		list = srv.Policy.Origins
	case srv.Raw != nil && srv.Raw.Preflight != nil && strings.HasPrefix(p.Path, "server.raw.preflight.headers["):
		hs = srv.Raw.Preflight.Headers
	case srv.Raw != nil && srv.Raw.Actual != nil && strings.HasPrefix(p.Path, "server.raw.actual.headers["):
		hs = srv.Raw.Actual.Headers
	}
	i := -1
	if open := strings.LastIndexByte(p.Path, '['); open >= 0 && strings.HasSuffix(p.Path, "]") {
		i = pathIndex(p.Path[open:])
	}
	switch {
	case i >= 0 && i < len(list) && !strings.Contains(p.Words, list[i]):
		p.Words = list[i] + ": " + p.Words
	case i >= 0 && i < len(hs) && engine.IsToken(hs[i].Name):
		// The name is fine: what is wrong is the value.
		p.ID = strings.TrimSuffix(p.ID, "-name") + "-value"
	}
	return p
}

// checkPart validates a scenario with nothing wrong in which fill sets
// the part to check.
func checkPart(fill func(*engine.Scenario)) fieldProblem {
	s := engine.Scenario{V: engine.Version, Page: "null", Request: engine.Request{URL: "https://api.example.com/"}}
	fill(&s)
	var fe *engine.FieldError
	if err := s.Validate(); errors.As(err, &fe) {
		return describe(fe, s.Page)
	}
	return fieldProblem{}
}

// fieldNames are the inputs and words of the fields a problem may name, by
// the path's start (an index and what follows it left out).
var fieldNames = []struct{ path, id, what string }{
	{"v", "", "the link's version is not one this page reads"},
	{"browser", "browser", "the browser is not one corsplay knows"},
	{"page", "page", "the page origin is not an origin"},
	{"request.url", "url", "the URL is not a whole URL"},
	{"request.repeat", "repeat", "the times to send again are not valid"},
	{"server.policy.origins", "policy-origins", "an allowed origin is not valid"},
	{"server.policy.anyOrigin", "policy-any", "“Any origin?” is not valid"},
	{"server.policy.methods", "policy-methods", "a method of the policy is not a method"},
	{"server.policy.requestHeaders", "policy-request-headers", "a request header of the policy is not a header name"},
	{"server.policy.exposeHeaders", "policy-expose-headers", "an exposed header is not a header name"},
	{"server.policy.preflightStatus", "policy-status", "the preflight status is not a status"},
	{"server.library.name", "library-name", "the library is not one corsplay emulates"},
	{"server.library.options", "library-options", "the library's options are not valid"},
	{"server.raw.preflight.status", "raw-preflight-status", "the preflight's status is not a status"},
	{"server.raw.preflight.headers", preflightHeaders, "a header of the preflight's answer is not valid"},
	{"server.raw.actual.status", "raw-actual-status", "the response's status is not a status"},
	{"server.raw.actual.headers", actualHeaders, "a header of the response is not valid"},
	{"server.raw.actual", "raw-actual-status", "the response is a redirect"},
	{"server", "", "the server is given more than one way"},
	{"elsewhere", "", "another server a redirect reaches is not valid"},
}

// pathIndex reads the index that starts a field path ("[2].name": 2), -1
// when it starts with none.
func pathIndex(path string) int {
	rest, ok := strings.CutPrefix(path, "[")
	end := strings.IndexByte(rest, ']')
	if !ok || end < 1 || strings.Trim(rest[:end], "0123456789") != "" {
		return -1
	}
	i, err := strconv.Atoi(rest[:end])
	if err != nil {
		return -1
	}
	return i
}

// describe says in words what a FieldError means for the page: which
// input holds the field and how to fix it. page is the page origin as
// typed (for its words).
func describe(fe *engine.FieldError, page string) fieldProblem {
	p := fieldProblem{Path: fe.Field, Words: fe.Problem, What: "a field is not valid"}
	for _, n := range fieldNames {
		rest, ok := strings.CutPrefix(fe.Field, n.path)
		if !ok || rest != "" && rest[0] != '[' && rest[0] != '.' {
			continue
		}
		p.ID, p.What = n.id, n.what
		if i := pathIndex(rest); i >= 0 && (n.id == preflightHeaders || n.id == actualHeaders) {
			p.ID = cellID(n.id, i, "name") // serverProblem moves it to the value when the name is fine
		} else if n.id == preflightHeaders || n.id == actualHeaders {
			p.ID = ""
		}
		break
	}
	switch {
	case fe.Field == "page":
		p.What, p.Words = originWords(page, fe.Problem)
	case fe.Field == "request.url" && fe.Problem == "missing":
		p.What, p.Words = "the URL is missing", "write the URL passed to fetch(), such as https://api.example.com/items"
	case fe.Field == "request.url" && fe.Problem == "relative":
		p.Words = "write the whole URL, with scheme and host, such as https://api.example.com/items: corsplay does not know the page's own URL to resolve it against"
	}
	return p
}

// originWords says what is wrong with a page origin as typed: plainer than
// the engine's words for the usual slips (a path, a trailing slash).
func originWords(page, problem string) (what, words string) {
	what = "the page origin is not an origin"
	if strings.TrimSpace(page) == "" {
		return "the page origin is missing", "write the origin of the page that calls fetch(), such as https://app.example.com, or null"
	}
	u, err := url.Parse(page)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return what, "write scheme://host[:port], such as https://app.example.com, or null for a sandboxed page"
	}
	fixed := u.Scheme + "://" + u.Host
	switch {
	case u.User != nil:
		return what, "an origin has no user name or password: " + u.Scheme + "://" + u.Host
	case u.Path != "" || u.RawPath != "":
		return what, "an origin has no path: " + fixed
	case u.RawQuery != "" || u.ForceQuery:
		return what, "an origin has no query: " + fixed
	case u.Fragment != "" || strings.Contains(page, "#"):
		return what, "an origin has no fragment: " + fixed
	}
	rest := strings.TrimPrefix(problem, fmt.Sprintf("%q ", page))
	switch {
	case strings.Contains(rest, "browsers write it "):
		_, o, _ := strings.Cut(rest, "browsers write it ")
		if uq, err := strconv.Unquote(o); err == nil {
			o = uq
		}
		return what, "browsers write this origin in lower case, without a default port: " + o
	case rest == "is not an http or https origin":
		return what, "an origin here starts with http:// or https://, such as https://app.example.com"
	}
	if _, after, ok := strings.Cut(rest, ": "); ok && strings.HasPrefix(rest, "is not ") {
		return what, after
	}
	return what, rest
}

// markInput marks an input as holding the field p names: aria-invalid,
// described by the words shown under it (fieldWords).
func markInput[T interface{ Attr(string, any) T }](el T, id string, p fieldProblem) T {
	if p.ID != id || id == "" {
		return el
	}
	return el.Attr("aria-invalid", "true").Attr("aria-describedby", id+"-error")
}

// fieldWords are the words under an input p marks, or nothing.
func fieldWords(id string, p fieldProblem) app.UI {
	return app.If(p.ID == id && id != "", func() app.UI {
		return app.Elem("p").ID(id + "-error").Class("field-error").Text(sentence(p.Words))
	})
}

// sentence starts words with a capital letter.
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
