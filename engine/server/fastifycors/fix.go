package fastifycors

import (
	"encoding/json"
	"slices"
	"strings"

	"corsplay/engine/server"
)

// The fixes in @fastify/cors's own options: the keys of
// fastify.register(cors, {…}). The plugin ignores a key it does not know.

var fixer = &server.Fixer{
	Language: "javascript",
	Aliases: map[string]string{
		"origins": "origin", "allowedOrigins": "origin", "allowOrigin": "origin", "allowedOrigin": "origin",
		"withCredentials": "credentials", "supportsCredentials": "credentials", "allowCredentials": "credentials",
		"allowMethods": "methods", "allowedMethods": "methods", "method": "methods",
		"headers": "allowedHeaders", "allowHeaders": "allowedHeaders", "requestHeaders": "allowedHeaders",
		"exposeHeaders": "exposedHeaders", "exposed": "exposedHeaders",
	},
	Unknown: func(opts map[string]json.RawMessage) []string {
		var out []string
		for k := range opts {
			if !slices.Contains(optionNames(), k) && k != "delegator" {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	},
	RenameWhy: func(from, to string) string {
		return from + " is not a @fastify/cors option: the plugin ignores it without a word. The option is " + to + "."
	},
	Origin:      fixOrigin,
	Credentials: fixCredentials,
	Method:      fixMethod,
	Headers:     fixHeaders,
	Status:      fixStatus,
	Call:        registerCall,
}

func fixOrigin(e *server.Edit, n server.Need) {
	page := "the origin " + n.Page
	var hook string
	if e.Value("hook", &hook) && hook == "preSerialization" {
		e.Del("hook")
		e.Note("", "leave hook out", "hook 'preSerialization' runs only when fastify serializes an object: the route answers a string, which gets no CORS header. Without it the plugin runs in onRequest.")
	} else if e.Has("hook") && !slices.Contains([]string{"onRequest", "preParsing", "preValidation", "preHandler"}, hook) {
		why := "hook " + jsText(e.M["hook"]) + " is not a fastify hook the plugin runs in: register fails with \"@fastify/cors: Invalid hook option provided.\", so the server does not start. Without it the plugin runs in onRequest."
		e.Del("hook")
		e.Note("", "leave hook out", why)
	}
	raw, set := e.M["origin"]
	var v any
	json.Unmarshal(raw, &v)
	list, isList := v.([]any)
	star := v == "*" || isList && slices.Contains(list, any("*"))
	lists := func(why string) {
		e.Set("origin", []string{n.Page})
		e.Note(page, "", why)
	}
	switch {
	case !set || star:
		if !n.Credentials {
			return // the plugin answers *
		}
		why := "origin is not set, so @fastify/cors answers * (its default), which browsers refuse on a request with cookies. List the page's origin."
		if set {
			why = "origin '*' makes @fastify/cors answer *, which browsers refuse on a request with cookies (a list holding '*' is '*'). List the page's origin instead."
		}
		list = append([]any{}, slices.DeleteFunc(list, func(x any) bool { return x == "*" })...)
		if c, err := newCors(map[string]json.RawMessage{"origin": jsonOf(list)}); err != nil || !c.originAllowed(n.Page, nil) {
			list = append(list, n.Page)
		}
		e.Set("origin", list)
		e.Narrowed = true
		e.Note(page, "", why)
	case v == n.Page:
	case v == true:
		if n.Credentials {
			e.Narrowed = true
			lists("origin: true reflects every origin: with credentials any site the user visits could read with their cookies. List the page's origin instead.")
		}
	case v == false:
		lists("origin: false turns @fastify/cors off: it adds no CORS header at all. List the page's origin.")
	case v == nil || v == "":
		lists("origin " + jsText(raw) + " makes @fastify/cors fail every request with fastify's 500 \"Invalid CORS origin option\". List the page's origin.")
	case isString(v):
		e.Add("origin", n.Page)
		e.Note(page, "", "origin "+jsText(raw)+" is a single string: @fastify/cors sends it as is to every request, so the browser refuses "+n.Page+". In an array each listed origin gets itself back.")
	default: // a RegExp or a list
		c, err := newCors(map[string]json.RawMessage{"origin": raw})
		if ce, ok := err.(*server.ConfigError); ok {
			if !isList {
				list = []any{v}
			}
			list = slices.DeleteFunc(list, func(x any) bool {
				_, err := newCors(map[string]json.RawMessage{"origin": jsonOf(x)})
				return err != nil
			})
			if c, err := newCors(map[string]json.RawMessage{"origin": jsonOf(list)}); err != nil || !c.originAllowed(n.Page, nil) {
				list = append(list, n.Page)
			}
			e.Set("origin", list)
			e.Note(page, "", "origin holds a RegExp V8 refuses ("+ce.Message+"): the server does not start. It goes, and the page's origin is listed.")
		} else if err == nil && !c.originAllowed(n.Page, nil) {
			e.Add("origin", n.Page)
			e.Note(page, "", "origin "+jsText(raw)+" does not let "+n.Page+" in: @fastify/cors answers it without Access-Control-Allow-Origin (yet with its other CORS headers).")
		}
	}
}

func isString(v any) bool { _, ok := v.(string); return ok }

// jsText is an option's value as JavaScript.
func jsText(raw json.RawMessage) string { return syntax.Value(raw) }

func fixCredentials(e *server.Edit, n server.Need) {
	var on bool
	if e.Value("credentials", &on) && on {
		return
	}
	e.Set("credentials", true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): @fastify/cors sends Access-Control-Allow-Credentials: true only with credentials: true.`)
}

// addTo adds items to a list option as it is written: a string (which the
// plugin sends as is) gets them after its separator, a list as elements.
func addTo(e *server.Edit, opt string, list []string, isString bool, items ...string) {
	if !isString {
		e.Add(opt, items...)
		return
	}
	sep := ","
	if strings.Contains(list[0], ", ") {
		sep = ", "
	}
	e.Set(opt, strings.TrimPrefix(list[0]+sep+strings.Join(items, sep), sep))
}

// sent splits a list option as the browser reads the header it becomes.
func sent(list []string) []string {
	var out []string
	for _, s := range list {
		for x := range strings.SplitSeq(s, ",") {
			out = append(out, strings.Trim(x, " \t"))
		}
	}
	return out
}

func fixMethod(e *server.Edit, n server.Need) {
	if n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
		return // browsers need none of these listed
	}
	why := "methods does not include " + n.Method + ": @fastify/cors sends it as written in Access-Control-Allow-Methods, and the browser refuses a method it does not list."
	if !e.Has("methods") {
		e.Set("methods", "GET,HEAD,POST")
		why = "methods is not set, so @fastify/cors sends its default GET,HEAD,POST, which does not include " + n.Method + "."
	}
	list, isString, ok := e.Strs("methods")
	if all := sent(list); !ok || slices.Contains(all, n.Method) || slices.Contains(all, "*") && !n.Credentials {
		return
	}
	addTo(e, "methods", list, isString, n.Method)
	e.Note("the method "+n.Method, "", why)
}

func fixHeaders(e *server.Edit, n server.Need) {
	list, isString, ok := e.Strs("allowedHeaders")
	if !ok {
		return // null, the default: the plugin echoes the requested headers
	}
	var missing []string
	for _, h := range server.MissingFold(sent(list), n.Headers) {
		if !slices.Contains(sent(list), "*") || n.Credentials || strings.EqualFold(h, "Authorization") {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return
	}
	addTo(e, "allowedHeaders", list, isString, missing...)
	what := "the request header " + missing[0]
	if len(missing) > 1 {
		what = "the request headers " + server.AndList(missing)
	}
	e.Note(what, "", "allowedHeaders does not include "+server.AndList(missing)+": @fastify/cors sends only those in Access-Control-Allow-Headers, and the browser refuses the rest. (Left out, the plugin echoes whatever a preflight asks.)")
}

func fixStatus(e *server.Edit, n server.Need) {
	var on bool
	if e.Value("preflight", &on) && !on {
		e.Del("preflight")
		e.Note("", "let @fastify/cors answer preflights", "preflight: false leaves OPTIONS requests to the routes, and the plugin's OPTIONS route answers them with fastify's 404: browsers require an ok status. Without it the plugin answers preflights itself.")
	}
	var status float64
	if e.Value("preflightContinue", &on) && on || !e.Value("optionsSuccessStatus", &status) || status >= 200 && status <= 299 {
		return
	}
	s := jsText(e.M["optionsSuccessStatus"])
	e.Del("optionsSuccessStatus")
	e.Note("", "answer preflights with 204", "optionsSuccessStatus "+s+" is not an ok status: browsers require 200 to 299 of a preflight. Without it @fastify/cors answers 204.")
}
