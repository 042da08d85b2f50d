package koacors

import (
	"encoding/json"
	"slices"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
)

// fixer is @koa/cors's part of the fixes: the keys of cors({…}).
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
	Unknown: func(opts map[string]json.RawMessage) []string {
		var out []string
		for k := range opts {
			if !slices.Contains(optionNames, k) {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	},
	RenameWhy: func(from, to string) string {
		return from + " is not an option of @koa/cors: it ignores it without a word. The option is " + to + "."
	},
	Origin:      fixOrigin,
	Credentials: fixCredentials,
	Method:      fixMethod,
	Headers:     fixHeaders,
	Call:        func(opts []server.Opt) string { return "app.use(" + jsconfig.WriteCall("cors", opts) + ")" },
}

// fixOrigin: koa sends origin as it is, so it can name one origin: '*'
// serves a request without cookies; with cookies, or any other value, the
// page's origin is the value (a list sends one line per element, which
// browsers refuse).
func fixOrigin(e *server.Edit, n server.Need) {
	list, isString, ok := e.Strs("origin")
	star := !ok || isString && (list[0] == "*" || list[0] == "")
	switch {
	case star && !n.Credentials, len(list) == 1 && list[0] == n.Page:
		return
	case star:
		e.Narrowed = true
		e.Note("the origin "+n.Page, "", "origin '*' (the default) with credentials: true makes @koa/cors echo every request's Origin: any site the user visits could read with their cookies. Name the page's origin.")
	case isString:
		e.Note("the origin "+n.Page, "", "origin "+jsconfig.Quote(list[0])+" is sent as it is to every caller, so the browser refuses "+n.Page+". It names one origin: the page's (to serve several, origin must be a function choosing per request).")
	default:
		e.Note("the origin "+n.Page, "", "an origin list is sent as one Access-Control-Allow-Origin line per element, which browsers refuse. origin names one origin: the page's (to serve several, origin must be a function choosing per request).")
	}
	e.Set("origin", n.Page)
}

func fixCredentials(e *server.Edit, n server.Need) {
	if string(e.M["credentials"]) == "true" {
		return
	}
	e.Set("credentials", true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): @koa/cors sends Access-Control-Allow-Credentials: true only with credentials: true.`)
}

// list reads a string-or-list option as cors() joins it: "" when absent.
func list(e *server.Edit, name string) (items []string, isString, ok bool) {
	items, isString, ok = e.Strs(name)
	if isString {
		items = strings.Split(items[0], ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
	}
	return items, isString, ok && strings.Join(items, "") != ""
}

// extend adds items to a string (joined with ",") or list option.
func extend(e *server.Edit, name string, isString bool, items []string, add ...string) {
	if isString {
		e.Set(name, strings.Join(append(items, add...), ","))
	} else {
		e.Add(name, add...)
	}
}

func fixMethod(e *server.Edit, n server.Need) {
	if n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
		return // browsers need none of these listed
	}
	items, isString, ok := list(e, "allowMethods")
	why := "allowMethods does not include " + n.Method + ": @koa/cors lists only those in Access-Control-Allow-Methods, and the browser refuses the rest."
	if !ok {
		if e.Has("allowMethods") { // '' or []: no Access-Control-Allow-Methods at all
			e.Del("allowMethods")
			e.Note("the method "+n.Method, "", "allowMethods is empty, so @koa/cors sends no Access-Control-Allow-Methods; left out, it sends its default GET,HEAD,PUT,POST,DELETE,PATCH.")
		}
		items, isString = strings.Split("GET,HEAD,PUT,POST,DELETE,PATCH", ","), true
		why = "allowMethods is not set, so @koa/cors sends its default GET,HEAD,PUT,POST,DELETE,PATCH, which does not include " + n.Method + "."
	}
	if slices.Contains(items, n.Method) {
		return
	}
	extend(e, "allowMethods", isString, items, n.Method)
	e.Note("the method "+n.Method, "", why)
}

// fixHeaders: an absent or empty allowHeaders echoes what the preflight
// asks for; a list gains the missing headers.
func fixHeaders(e *server.Edit, n server.Need) {
	items, isString, ok := list(e, "allowHeaders")
	if !ok {
		return
	}
	missing := server.MissingFold(items, n.Headers)
	if len(missing) == 0 {
		return
	}
	extend(e, "allowHeaders", isString, items, missing...)
	what := "the request header " + missing[0]
	if len(missing) > 1 {
		what = "the request headers " + server.AndList(missing)
	}
	e.Note(what, "", "allowHeaders does not include "+server.AndList(missing)+": @koa/cors sends only those in Access-Control-Allow-Headers, and the browser refuses the rest. (Left out, @koa/cors would allow whatever a preflight asks.)")
}
