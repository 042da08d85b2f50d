package honocors

import (
	"encoding/json"
	"slices"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
)

// fixer is hono/cors's part of the fixes: the keys of cors({…}).
var fixer = &server.Fixer{
	Language: "javascript",
	Options:  optionNames,
	Aliases: map[string]string{
		"origins": "origin", "allowedOrigins": "origin", "allowOrigin": "origin",
		"methods": "allowMethods", "allowedMethods": "allowMethods",
		"allowedHeaders": "allowHeaders", "headers": "allowHeaders",
		"exposedHeaders":  "exposeHeaders",
		"withCredentials": "credentials", "allowCredentials": "credentials", "supportsCredentials": "credentials",
	},
	Unknown: func(opts map[string]json.RawMessage) []string { return unknown(opts) },
	RenameWhy: func(from, to string) string {
		return from + " is not an option of hono's cors(): it ignores it without a word. The option is " + to + "."
	},
	Origin:      fixOrigin,
	Credentials: fixCredentials,
	Method:      fixMethod,
	Headers:     fixHeaders,
	Call:        func(opts []server.Opt) string { return "app.use('*', " + jsconfig.WriteCall("cors", opts) + ")" },
}

func unknown(opts map[string]json.RawMessage) []string {
	var out []string
	for k := range opts {
		if !slices.Contains(optionNames, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// fixOrigin: '*' (the default) serves a request without cookies; one
// with cookies needs the page's origin, and a string compares one
// origin only, so the page joins it in a list.
func fixOrigin(e *server.Edit, n server.Need) {
	list, isString, ok := e.Strs("origin")
	switch {
	case !ok || isString && list[0] == "*":
		if !n.Credentials {
			return
		}
		e.Set("origin", []string{n.Page})
		e.Narrowed = true
		e.Note("the origin "+n.Page, "", "origin '*' (the default) makes cors() answer *, which browsers refuse on a request with cookies. Name the page's origin.")
	case slices.Contains(list, n.Page):
	case isString:
		e.Set("origin", []string{list[0], n.Page})
		e.Note("the origin "+n.Page, "", "origin "+jsconfig.Quote(list[0])+" is one string: cors() lets only that origin in. In a list, each origin is let in.")
	default:
		e.Add("origin", n.Page)
		e.Note("the origin "+n.Page, "", "origin does not list "+n.Page+": cors() answers it without Access-Control-Allow-Origin.")
	}
}

func fixCredentials(e *server.Edit, n server.Need) {
	if string(e.M["credentials"]) == "true" {
		return
	}
	e.Set("credentials", true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): cors() sends Access-Control-Allow-Credentials: true only with credentials: true.`)
}

var defaultMethods = []string{"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "QUERY"}

func fixMethod(e *server.Edit, n server.Need) {
	if n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
		return // browsers need none of these listed
	}
	list, isString, ok := e.Strs("allowMethods")
	why := "allowMethods does not include " + n.Method + ": cors() lists only those in Access-Control-Allow-Methods, and the browser refuses the rest."
	if !ok || isString {
		list = defaultMethods
		why = "allowMethods is not set, so cors() sends its default " + strings.Join(defaultMethods, ",") + ", which does not include " + n.Method + "."
	}
	if slices.Contains(list, n.Method) {
		return
	}
	e.Set("allowMethods", append(slices.Clone(list), n.Method))
	e.Note("the method "+n.Method, "", why)
}

// fixHeaders: an empty allowHeaders echoes what the preflight asks for;
// a list gains the missing headers.
func fixHeaders(e *server.Edit, n server.Need) {
	list, isString, ok := e.Strs("allowHeaders")
	if !ok || isString || strings.Join(list, ",") == "" {
		return
	}
	missing := server.MissingFold(list, n.Headers)
	if len(missing) == 0 {
		return
	}
	e.Add("allowHeaders", missing...)
	e.Note(headersNote(missing), "", "allowHeaders does not include "+server.AndList(missing)+": cors() sends only those in Access-Control-Allow-Headers, and the browser refuses the rest. (Left empty, cors() would allow whatever a preflight asks.)")
}

func headersNote(hs []string) string {
	if len(hs) == 1 {
		return "the request header " + hs[0]
	}
	return "the request headers " + server.AndList(hs)
}
