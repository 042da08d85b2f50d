package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// express cors's part of the fixes: the keys of cors({…}).

func init() {
	libraryFixers["express-cors"] = &libraryFixer{
		language: "javascript",
		options:  expressCorsOptions,
		aliases: map[string]string{
			"origins": "origin", "allowedOrigins": "origin", "allowOrigin": "origin", "allowedOrigin": "origin",
			"withCredentials": "credentials", "supportsCredentials": "credentials", "allowCredentials": "credentials",
			"allowMethods": "methods", "allowedMethods": "methods", "method": "methods",
			"allowHeaders": "allowedHeaders", "requestHeaders": "allowedHeaders",
			"exposeHeaders": "exposedHeaders", "exposed": "exposedHeaders",
		},
		unknown: func(opts map[string]json.RawMessage) []string {
			var out []string
			for k := range opts {
				if k != "__proto__" && !slices.Contains(expressCorsOptions, k) {
					out = append(out, k)
				}
			}
			slices.Sort(out)
			return out
		},
		renameWhy: func(from, to string) string {
			return fmt.Sprintf("%s is not a cors option: cors ignores it without a word. The option is %s.", from, to)
		},
		origin:      expressAllowOrigin,
		credentials: expressAllowCredentials,
		method:      expressAllowMethod,
		headers:     expressAllowHeaders,
		status:      expressOKStatus,
		call:        func(opts []libOpt) string { return jsCall("cors", opts) },
	}
}

func expressAllowOrigin(o *libOptions, n libNeed) {
	raw, set := o.m["origin"]
	v := parseJSONNode(raw)
	name := func() {
		o.set("origin", []string{n.page})
		o.narrowed = true
	}
	switch {
	case !set || (v.kind == 's' && v.text == "*"):
		if !n.credentials {
			return // cors answers *
		}
		name()
		why := "origin is not set, so cors answers * (its default), which browsers refuse on a request with cookies. Name the page's origin."
		if set {
			why = "origin '*' makes cors answer *, which browsers refuse on a request with cookies. Name the page's origin instead."
		}
		o.note("the origin "+n.page, "", why)
	case v.kind == 's' && v.text == n.page:
	case v.kind == 's' && v.text != "":
		o.add("origin", n.page)
		o.note("the origin "+n.page, "", fmt.Sprintf("origin %s is a single string: cors sends it to every caller as it is, so the browser refuses %s. In an array, each listed origin gets itself back.", jsString(v.text), n.page))
	case v.kind == 'a' || (v.kind == 'o' && raw != nil):
		if v.kind == 'a' && slices.ContainsFunc(v.items, func(it jsonNode) bool { return it.kind == 's' && it.text == n.page }) {
			return
		}
		o.add("origin", n.page)
		o.note("the origin "+n.page, "", fmt.Sprintf("origin does not include %s: cors answers it without Access-Control-Allow-Origin.", n.page))
	case v.kind == 't' || (v.kind == 'n' && v.text != "0"):
		if !n.credentials {
			return // true echoes every origin
		}
		name()
		o.note("the origin "+n.page, "", fmt.Sprintf("origin: %s echoes every origin: with credentials any site the user visits could read with their cookies. List the page's origin instead.", jsLiteral(v)))
	default: // false, "", 0, null: CORS is off
		o.set("origin", []string{n.page})
		o.note("the origin "+n.page, "", fmt.Sprintf("origin is %s, which turns cors off: it adds no CORS header at all. Name the page's origin.", jsLiteral(v)))
	}
}

func expressAllowCredentials(o *libOptions, n libNeed) {
	if string(o.m["credentials"]) == "true" {
		return
	}
	o.set("credentials", true)
	o.note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): cors sends Access-Control-Allow-Credentials: true only with credentials: true.`)
}

// expressList reads a list option cors joins with ",".
func expressList(o *libOptions, name string) (list []string, isString, ok bool) {
	list, isString, ok = o.strs(name)
	if isString {
		list = strings.Split(list[0], ",")
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
		}
	}
	return list, isString, ok
}

func expressAllowMethod(o *libOptions, n libNeed) {
	if IsSafelistedMethod(n.method) {
		return // cors checks no method; browsers need none of these listed
	}
	why := fmt.Sprintf("methods does not include %s: cors lists only those in Access-Control-Allow-Methods, and the browser refuses the rest.", n.method)
	if !o.has("methods") {
		o.set("methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
		why = fmt.Sprintf("methods is not set, so cors sends its default GET,HEAD,PUT,PATCH,POST,DELETE, which does not include %s.", n.method)
	}
	list, isString, ok := expressList(o, "methods")
	if !ok || slices.Contains(list, n.method) || slices.Contains(list, "*") && !n.credentials {
		return
	}
	if isString {
		o.set("methods", strings.Join(append(list, n.method), ","))
	} else {
		o.add("methods", n.method)
	}
	o.note("the method "+n.method, "", why)
}

func expressAllowHeaders(o *libOptions, n libNeed) {
	name := "allowedHeaders"
	if !jsTruthy(jsValueOf(o.m[name])) {
		name = "headers"
	}
	if !jsTruthy(jsValueOf(o.m[name])) {
		return // cors echoes the requested headers
	}
	list, isString, ok := expressList(o, name)
	if !ok {
		return
	}
	var missing []string
	for _, h := range missingFold(list, n.headers) {
		if slices.Contains(list, "*") && !n.credentials && !strings.EqualFold(h, "Authorization") {
			continue
		}
		missing = append(missing, h)
	}
	if len(missing) == 0 {
		return
	}
	if isString {
		o.set(name, strings.Join(append(list, missing...), ","))
	} else {
		o.add(name, missing...)
	}
	o.note(headersObject(missing), "", fmt.Sprintf("%s does not include %s: cors sends only those in Access-Control-Allow-Headers, and the browser refuses the rest. (Left out, cors would allow whatever a preflight asks.)", name, andList(missing)))
}

// jsValueOf decodes an option as JavaScript reads it; undefined when
// absent or unreadable.
func jsValueOf(raw json.RawMessage) any {
	if raw == nil {
		return jsUndefined{}
	}
	v, err := decodeJSValue(raw)
	if err != nil {
		return jsUndefined{}
	}
	return v
}

func expressOKStatus(o *libOptions, n libNeed) {
	if jsTruthy(jsValueOf(o.m["preflightContinue"])) {
		o.del("preflightContinue")
		o.note("", "let cors answer preflights itself", "preflightContinue hands the preflight on to the routes, which do not answer OPTIONS with an ok status: without it cors answers 204 itself.")
	}
	if s, ok := nodeStatus(jsValueOf(o.m["optionsSuccessStatus"])); ok && !isOKStatus(s) {
		o.del("optionsSuccessStatus")
		o.note("", "answer preflights with 204", fmt.Sprintf("optionsSuccessStatus %d is not an ok status: browsers require 200 to 299 of a preflight. Without it cors answers 204.", s))
	}
}
