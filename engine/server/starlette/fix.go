package starlette

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/server"
)

// Starlette's part of the fixes: the keyword arguments of
// app.add_middleware(CORSMiddleware, ...), as FastAPI users write them.

var fixer = &server.Fixer{
	Language: "python",
	Options:  order,
	Aliases: map[string]string{
		"origins": "allow_origins", "allowed_origins": "allow_origins", "origin": "allow_origins",
		"methods": "allow_methods", "allowed_methods": "allow_methods", "headers": "allow_headers",
		"allowed_headers": "allow_headers", "credentials": "allow_credentials", "supports_credentials": "allow_credentials",
		"expose": "expose_headers", "exposed_headers": "expose_headers", "origin_regex": "allow_origin_regex",
	},
	Unknown: func(m map[string]json.RawMessage) []string {
		var out []string
		for k := range m {
			if !slices.Contains(order, k) {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	},
	RenameWhy: func(from, to string) string {
		return from + " is not a CORSMiddleware option: Python refuses the call (TypeError: CORSMiddleware.__init__() got an unexpected keyword argument '" +
			from + "') when the first request builds the middleware, so every request gets a 500 Internal Server Error. The option is " + to + "."
	},
	Origin: fixOrigin, Credentials: fixCredentials, Method: fixMethod, Headers: fixHeaders,
	Call: call,
}

// current is the middleware the known options make; nil when they do not
// make one (a bad regular expression, a value of another type).
func current(e *server.Edit) *middleware {
	m := map[string]json.RawMessage{}
	for _, k := range order {
		if raw, ok := e.M[k]; ok {
			m[k] = raw
		}
	}
	c, err := newMiddleware(m)
	if err != nil {
		return nil
	}
	return c.(*middleware)
}

// listOf reads a list option; a string becomes the list of its parts
// (split at commas and spaces), which is what it was meant to be.
func listOf(e *server.Edit, name string) (list []string, isString bool) {
	list, isString, _ = e.Strs(name)
	if isString {
		list = strings.FieldsFunc(list[0], func(r rune) bool { return r == ',' || r == ' ' })
	}
	return list, isString
}

// attacker is an origin anyone can own, to tell whether
// allow_origin_regex lets in every origin.
const attacker = "https://evil-attacker.net"

func fixOrigin(e *server.Edit, n server.Need) {
	c := current(e)
	if c == nil {
		return
	}
	anyRe := c.re != nil && (c.re.Match(attacker, nil) || c.re.Match("null", nil))
	if !(n.Credentials && (c.allowAll || anyRe)) && c.allowed(n.Page, nil) {
		return
	}
	list, isString := listOf(e, "allow_origins")
	why := "allow_origins does not include " + n.Page
	if e.Has("allow_origin_regex") {
		why += " and allow_origin_regex does not match it"
	}
	why += `: Starlette answers its preflight 400 "Disallowed CORS origin", and its requests without Access-Control-Allow-Origin.`
	const cookies = " any site the user visits could read with their cookies. List the page's origin in allow_origins instead."
	switch {
	case c.allowAll:
		list = slices.DeleteFunc(list, func(s string) bool { return strings.Contains(s, "*") })
		e.Narrowed = true
		why = written(e, "allow_origins") + ` lets every origin in: with allow_credentials=True Starlette answers "*" to requests without a Cookie header, which browsers refuse with credentials, and echoes any origin to the others, so` + cookies
		if isString {
			why = written(e, "allow_origins") + ` is a string, which Starlette searches with Python's in: "*" is part of it, so every origin is let in, and with allow_credentials=True` + cookies
		}
	case anyRe:
		why = written(e, "allow_origin_regex") + " lets in any origin (" + attacker + " too): with allow_credentials=True" + cookies
		e.Del("allow_origin_regex")
		e.Narrowed = true
	case isString:
		why = written(e, "allow_origins") + " is a string, which Starlette searches with Python's in: any part of it passes"
		if len(list) > 0 && len(list[0]) > 12 {
			why += " (" + strconv.Quote(list[0][:len(list[0])-4]) + " too)"
		}
		why += ", and " + n.Page + " is not part of it. Write a list, with the page's origin."
	default:
		for i, o := range list {
			if strings.EqualFold(strings.TrimRight(o, "/"), n.Page) {
				why = "allow_origins has " + strconv.Quote(o) + ": Starlette compares origins exactly, and a browser sends " + n.Page + " (no path, no trailing slash, the scheme and host in lower case)."
				list = slices.Delete(list, i, i+1)
				break
			}
		}
	}
	if !slices.Contains(list, n.Page) {
		list = append(list, n.Page)
	}
	e.Set("allow_origins", list)
	e.Note("the origin "+n.Page, "", why)
}

func fixCredentials(e *server.Edit, n server.Need) {
	var on bool
	if e.Value("allow_credentials", &on) && on {
		return
	}
	fixOrigin(e, n) // credentials never go to every origin
	e.Set("allow_credentials", true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): Starlette sends Access-Control-Allow-Credentials: true only with allow_credentials=True.`)
}

func fixMethod(e *server.Edit, n server.Need) {
	c := current(e)
	if c == nil || !n.Preflight || c.methods.has(n.Method) && !c.methods.str {
		return // Starlette checks the method of preflights only
	}
	m := n.Method
	list, isString := listOf(e, "allow_methods")
	why := "allow_methods does not include " + m + `: Starlette answers its preflight 400 "Disallowed CORS method".`
	switch {
	case !e.Has("allow_methods"):
		list = []string{"GET"}
		why = `allow_methods is not set, so it is ("GET",): Starlette answers a preflight for ` + m + ` 400 "Disallowed CORS method". GET is written out, with ` + m + "."
	case !c.methods.str && (isString || slices.Contains(list, "*")):
		list = append(slices.Clone(allMethods), slices.DeleteFunc(list, func(s string) bool { return s == "*" })...)
		why = written(e, "allow_methods") + ` stands for DELETE, GET, HEAD, OPTIONS, PATCH, POST and PUT only: Starlette answers a preflight for ` + m + ` 400 "Disallowed CORS method". The seven are written out, with ` + m + "."
	case isString:
		r := []rune(c.methods.items[0])
		why = written(e, "allow_methods") + " is a string: Starlette tests the method with Python's in (a substring search) and sends the string's characters one by one in Access-Control-Allow-Methods (" +
			sequence{[]string{string(r[:min(3, len(r))])}, true}.join() + ", …), where the browser does not find " + m + ". Write a list."
	case server.ContainsFold(list, m):
		why = "allow_methods has " + m + " in another case: Starlette compares methods exactly, and browsers send " + m + " in upper case."
	}
	var out []string
	for _, x := range append(list, m) {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	e.Set("allow_methods", out)
	e.Note("the method "+m, "", why)
}

func fixHeaders(e *server.Edit, n server.Need) {
	c := current(e)
	if c == nil || c.allowAllHeaders {
		return
	}
	var missing []string
	for _, h := range n.Headers {
		if !slices.Contains(c.headers, pyLower(h)) && !server.ContainsFold(missing, h) {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return
	}
	why := "allow_headers does not include " + server.AndList(missing) + ": Starlette allows only Accept, Accept-Language, Content-Language and Content-Type besides those listed"
	if !e.Has("allow_headers") {
		why = "allow_headers is not set, so Starlette allows only Accept, Accept-Language, Content-Language and Content-Type"
	}
	e.Add("allow_headers", missing...)
	e.Note(headersObject(missing), "", why+`, and answers a preflight asking for `+server.AndList(missing)+` 400 "Disallowed CORS headers".`)
}

// headersObject names headers in a note: "the header X" or "the headers X
// and Y".
func headersObject(hs []string) string {
	if len(hs) == 1 {
		return "the header " + hs[0]
	}
	return "the headers " + server.AndList(hs)
}

// written is the option as the user wrote it: name=value.
func written(e *server.Edit, name string) string {
	kw, err := keywords([]server.Opt{{Name: name, Raw: e.M[name]}})
	if err != nil {
		return name
	}
	return kw[0]
}
