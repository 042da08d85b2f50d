package engine

import (
	"corsplay/engine/server"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// express cors's part of the fixes: the keys of cors({…}).

func init() {
	libraryFixers["express-cors"] = &libraryFixer{
		Language: "javascript",
		Options:  expressCorsOptions,
		Aliases: map[string]string{
			"origins": "origin", "allowedOrigins": "origin", "allowOrigin": "origin", "allowedOrigin": "origin",
			"withCredentials": "credentials", "supportsCredentials": "credentials", "allowCredentials": "credentials",
			"allowMethods": "methods", "allowedMethods": "methods", "method": "methods",
			"allowHeaders": "allowedHeaders", "requestHeaders": "allowedHeaders",
			"exposeHeaders": "exposedHeaders", "exposed": "exposedHeaders",
		},
		Unknown: func(opts map[string]json.RawMessage) []string {
			var out []string
			for k := range opts {
				if k != "__proto__" && !slices.Contains(expressCorsOptions, k) {
					out = append(out, k)
				}
			}
			slices.Sort(out)
			return out
		},
		RenameWhy: func(from, to string) string {
			return fmt.Sprintf("%s is not a cors option: cors ignores it without a word. The option is %s.", from, to)
		},
		Origin:      expressAllowOrigin,
		Credentials: expressAllowCredentials,
		Method:      expressAllowMethod,
		Headers:     expressAllowHeaders,
		Status:      expressOKStatus,
		Call:        func(opts []libOpt) string { return jsCall("cors", opts) },
	}
}

func expressAllowOrigin(o *libOptions, n libNeed) {
	raw, set := o.M["origin"]
	v := parseJSONNode(raw)
	name := func() {
		o.Set("origin", []string{n.Page})
		o.Narrowed = true
	}
	switch {
	case !set || (v.kind == 's' && v.text == "*"):
		if !n.Credentials {
			return // cors answers *
		}
		name()
		why := "origin is not set, so cors answers * (its default), which browsers refuse on a request with cookies. Name the page's origin."
		if set {
			why = "origin '*' makes cors answer *, which browsers refuse on a request with cookies. Name the page's origin instead."
		}
		o.Note("the origin "+n.Page, "", why)
	case v.kind == 's' && v.text == n.Page:
	case v.kind == 's' && v.text != "":
		o.Add("origin", n.Page)
		o.Note("the origin "+n.Page, "", fmt.Sprintf("origin %s is a single string: cors sends it to every caller as it is, so the browser refuses %s. In an array, each listed origin gets itself back.", jsString(v.text), n.Page))
	case v.kind == 'a' || (v.kind == 'o' && raw != nil):
		if v.kind == 'a' && slices.ContainsFunc(v.items, func(it jsonNode) bool { return it.kind == 's' && it.text == n.Page }) {
			return
		}
		o.Add("origin", n.Page)
		o.Note("the origin "+n.Page, "", fmt.Sprintf("origin does not include %s: cors answers it without Access-Control-Allow-Origin.", n.Page))
	case v.kind == 't' || (v.kind == 'n' && v.text != "0"):
		if !n.Credentials {
			return // true echoes every origin
		}
		name()
		o.Note("the origin "+n.Page, "", fmt.Sprintf("origin: %s echoes every origin: with credentials any site the user visits could read with their cookies. List the page's origin instead.", jsLiteral(v)))
	default: // false, "", 0, null: CORS is off
		o.Set("origin", []string{n.Page})
		o.Note("the origin "+n.Page, "", fmt.Sprintf("origin is %s, which turns cors off: it adds no CORS header at all. Name the page's origin.", jsLiteral(v)))
	}
}

func expressAllowCredentials(o *libOptions, n libNeed) {
	if string(o.M["credentials"]) == "true" {
		return
	}
	o.Set("credentials", true)
	o.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): cors sends Access-Control-Allow-Credentials: true only with credentials: true.`)
}

// expressList reads a list option cors joins with ",".
func expressList(o *libOptions, name string) (list []string, isString, ok bool) {
	list, isString, ok = o.Strs(name)
	if isString {
		list = strings.Split(list[0], ",")
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
		}
	}
	return list, isString, ok
}

func expressAllowMethod(o *libOptions, n libNeed) {
	if IsSafelistedMethod(n.Method) {
		return // cors checks no method; browsers need none of these listed
	}
	why := fmt.Sprintf("methods does not include %s: cors lists only those in Access-Control-Allow-Methods, and the browser refuses the rest.", n.Method)
	if !o.Has("methods") {
		o.Set("methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
		why = fmt.Sprintf("methods is not set, so cors sends its default GET,HEAD,PUT,PATCH,POST,DELETE, which does not include %s.", n.Method)
	}
	list, isString, ok := expressList(o, "methods")
	if !ok || slices.Contains(list, n.Method) || slices.Contains(list, "*") && !n.Credentials {
		return
	}
	if isString {
		o.Set("methods", strings.Join(append(list, n.Method), ","))
	} else {
		o.Add("methods", n.Method)
	}
	o.Note("the method "+n.Method, "", why)
}

func expressAllowHeaders(o *libOptions, n libNeed) {
	name := "allowedHeaders"
	if !jsTruthy(jsValueOf(o.M[name])) {
		name = "headers"
	}
	if !jsTruthy(jsValueOf(o.M[name])) {
		return // cors echoes the requested headers
	}
	list, isString, ok := expressList(o, name)
	if !ok {
		return
	}
	var missing []string
	for _, h := range server.MissingFold(list, n.Headers) {
		if slices.Contains(list, "*") && !n.Credentials && !strings.EqualFold(h, "Authorization") {
			continue
		}
		missing = append(missing, h)
	}
	if len(missing) == 0 {
		return
	}
	if isString {
		o.Set(name, strings.Join(append(list, missing...), ","))
	} else {
		o.Add(name, missing...)
	}
	o.Note(headersObject(missing), "", fmt.Sprintf("%s does not include %s: cors sends only those in Access-Control-Allow-Headers, and the browser refuses the rest. (Left out, cors would allow whatever a preflight asks.)", name, andList(missing)))
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
	if jsTruthy(jsValueOf(o.M["preflightContinue"])) {
		o.Del("preflightContinue")
		o.Note("", "let cors answer preflights itself", "preflightContinue hands the preflight on to the routes, which do not answer OPTIONS with an ok status: without it cors answers 204 itself.")
	}
	if s, ok := nodeStatus(jsValueOf(o.M["optionsSuccessStatus"])); ok && !isOKStatus(s) {
		o.Del("optionsSuccessStatus")
		o.Note("", "answer preflights with 204", fmt.Sprintf("optionsSuccessStatus %d is not an ok status: browsers require 200 to 299 of a preflight. Without it cors answers 204.", s))
	}
}
