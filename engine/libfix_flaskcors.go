package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Flask-CORS's part of the fixes: CORS(app, …)'s keyword arguments.

func init() {
	libraryFixers[flaskCORSName] = &libraryFixer{
		language: "python",
		options:  flaskCORSOptionNames,
		aliases: map[string]string{
			"headers": "allow_headers", "allowed_headers": "allow_headers", "credentials": "supports_credentials",
			"allow_credentials": "supports_credentials", "exposed_headers": "expose_headers", "expose": "expose_headers",
			"allow_methods": "methods", "allowed_methods": "methods", "allow_origins": "origins", "allowed_origins": "origins",
		},
		unknown: func(opts map[string]json.RawMessage) []string {
			var out []string
			for k := range opts {
				if k != "app" && !slices.Contains(flaskCORSOptionNames, k) {
					out = append(out, k)
				}
			}
			slices.Sort(out)
			return out
		},
		renameWhy: func(from, to string) string {
			why := fmt.Sprintf("%s is not a Flask-CORS option: Flask-CORS logs \"Unknown option passed to Flask-CORS: %s\" and goes on without it.", from, from)
			if from == "headers" && to == "allow_headers" {
				why += " It was removed in 2.0, so allow_headers stayed \"*\" and nothing was restricted."
			}
			return why + " The option is " + to + "."
		},
		origin:      flaskAllowOrigin,
		credentials: flaskAllowCredentials,
		method:      flaskAllowMethod,
		headers:     flaskAllowHeaders,
		call:        func(opts []libOpt) string { return pyCall("CORS", "app", opts) },
	}
}

// flaskAnyOrigin: "*" (the default) or ".*" lets every origin in.
func flaskAnyOrigin(s string) bool { return s == "*" || s == ".*" }

func flaskAllowOrigin(o *libOptions, n libNeed) {
	list, _, ok := o.strs("origins")
	if o.has("origins") && !ok {
		return
	}
	if !o.has("origins") || slices.ContainsFunc(list, flaskAnyOrigin) {
		if !n.credentials {
			return // Flask-CORS echoes every origin
		}
		why := `origins is not set, so it is "*": Flask-CORS then echoes every origin, and with supports_credentials any site the user visits could read with their cookies. Name the page's origin instead.`
		if o.has("origins") {
			why = `origins "*" makes Flask-CORS echo every origin: with supports_credentials any site the user visits could read with their cookies. Name the page's origin instead.`
		}
		list = slices.DeleteFunc(list, flaskAnyOrigin)
		if !containsFold(list, n.page) {
			list = append(list, n.page)
		}
		o.set("origins", list)
		if o.has("send_wildcard") {
			o.del("send_wildcard")
			why += " send_wildcard goes too: with credentials a * is refused."
		}
		o.narrowed = true
		o.note("the origin "+n.page, "", why)
		return
	}
	if containsFold(list, n.page) { // literals are compared with casefold
		return
	}
	o.add("origins", n.page)
	o.note("the origin "+n.page, "", fmt.Sprintf("origins does not include %s: Flask-CORS answers it without Access-Control-Allow-Origin.", n.page))
}

func flaskAllowCredentials(o *libOptions, n libNeed) {
	if pyTruthy(o.m, "supports_credentials", false) {
		return
	}
	o.set("supports_credentials", true)
	o.note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): Flask-CORS sends Access-Control-Allow-Credentials: true only with supports_credentials=True.`)
}

func flaskAllowMethod(o *libOptions, n libNeed) {
	list, isString, ok := o.strs("methods")
	if !ok || strings.Contains(strings.ToUpper(strings.Join(list, ", ")), n.method) {
		return // not set: every method; set: a substring test
	}
	switch {
	case isString && strings.TrimSpace(list[0]) != "":
		o.set("methods", list[0]+", "+n.method) // a string is the header's value
	case isString:
		o.set("methods", []string{n.method})
	default:
		o.add("methods", n.method)
	}
	why := fmt.Sprintf("methods does not include %s: Flask-CORS answers its preflight without Access-Control-Allow-Methods.", n.method)
	if IsSafelistedMethod(n.method) {
		why = fmt.Sprintf("methods does not include %s: Flask-CORS answers a preflight for a method it does not list without Access-Control-Allow-Headers, even for GET, HEAD or POST.", n.method)
	}
	o.note("the method "+n.method, "", why)
}

func flaskAllowHeaders(o *libOptions, n libNeed) {
	list, _, ok := o.strs("allow_headers")
	if !ok || slices.ContainsFunc(list, flaskAnyOrigin) {
		return // not set: "*", every header
	}
	missing := missingFold(list, n.headers)
	if len(missing) == 0 {
		return
	}
	o.add("allow_headers", missing...)
	o.note(headersObject(missing), "", fmt.Sprintf("allow_headers does not include %s: Flask-CORS leaves it out of Access-Control-Allow-Headers, and the browser refuses the request.", andList(missing)))
}
