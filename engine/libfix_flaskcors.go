package engine

import (
	"corsplay/engine/server"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Flask-CORS's part of the fixes: CORS(app, …)'s keyword arguments.

func init() {
	libraryFixers[flaskCORSName] = &libraryFixer{
		Language: "python",
		Options:  flaskCORSOptionNames,
		Aliases: map[string]string{
			"headers": "allow_headers", "allowed_headers": "allow_headers", "credentials": "supports_credentials",
			"allow_credentials": "supports_credentials", "exposed_headers": "expose_headers", "expose": "expose_headers",
			"allow_methods": "methods", "allowed_methods": "methods", "allow_origins": "origins", "allowed_origins": "origins",
		},
		Unknown: func(opts map[string]json.RawMessage) []string {
			var out []string
			for k := range opts {
				if k != "app" && !slices.Contains(flaskCORSOptionNames, k) {
					out = append(out, k)
				}
			}
			slices.Sort(out)
			return out
		},
		RenameWhy: func(from, to string) string {
			why := fmt.Sprintf("%s is not a Flask-CORS option: Flask-CORS logs \"Unknown option passed to Flask-CORS: %s\" and goes on without it.", from, from)
			if from == "headers" && to == "allow_headers" {
				why += " It was removed in 2.0, so allow_headers stayed \"*\" and nothing was restricted."
			}
			return why + " The option is " + to + "."
		},
		Origin:      flaskAllowOrigin,
		Credentials: flaskAllowCredentials,
		Method:      flaskAllowMethod,
		Headers:     flaskAllowHeaders,
		Call:        func(opts []libOpt) string { return pyCall("CORS", "app", opts) },
	}
}

// flaskAnyOrigin: "*" (the default) or ".*" lets every origin in.
func flaskAnyOrigin(s string) bool { return s == "*" || s == ".*" }

func flaskAllowOrigin(o *libOptions, n libNeed) {
	list, _, ok := o.Strs("origins")
	if o.Has("origins") && !ok {
		return
	}
	if !o.Has("origins") || slices.ContainsFunc(list, flaskAnyOrigin) {
		if !n.Credentials {
			return // Flask-CORS echoes every origin
		}
		why := `origins is not set, so it is "*": Flask-CORS then echoes every origin, and with supports_credentials any site the user visits could read with their cookies. Name the page's origin instead.`
		if o.Has("origins") {
			why = `origins "*" makes Flask-CORS echo every origin: with supports_credentials any site the user visits could read with their cookies. Name the page's origin instead.`
		}
		list = slices.DeleteFunc(list, flaskAnyOrigin)
		if !server.ContainsFold(list, n.Page) {
			list = append(list, n.Page)
		}
		o.Set("origins", list)
		if o.Has("send_wildcard") {
			o.Del("send_wildcard")
			why += " send_wildcard goes too: with credentials a * is refused."
		}
		o.Narrowed = true
		o.Note("the origin "+n.Page, "", why)
		return
	}
	if server.ContainsFold(list, n.Page) { // literals are compared with casefold
		return
	}
	o.Add("origins", n.Page)
	o.Note("the origin "+n.Page, "", fmt.Sprintf("origins does not include %s: Flask-CORS answers it without Access-Control-Allow-Origin.", n.Page))
}

func flaskAllowCredentials(o *libOptions, n libNeed) {
	if pyTruthy(o.M, "supports_credentials", false) {
		return
	}
	o.Set("supports_credentials", true)
	o.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): Flask-CORS sends Access-Control-Allow-Credentials: true only with supports_credentials=True.`)
}

func flaskAllowMethod(o *libOptions, n libNeed) {
	list, isString, ok := o.Strs("methods")
	if !ok || strings.Contains(strings.ToUpper(strings.Join(list, ", ")), n.Method) {
		return // not set: every method; set: a substring test
	}
	switch {
	case isString && strings.TrimSpace(list[0]) != "":
		o.Set("methods", list[0]+", "+n.Method) // a string is the header's value
	case isString:
		o.Set("methods", []string{n.Method})
	default:
		o.Add("methods", n.Method)
	}
	why := fmt.Sprintf("methods does not include %s: Flask-CORS answers its preflight without Access-Control-Allow-Methods.", n.Method)
	if IsSafelistedMethod(n.Method) {
		why = fmt.Sprintf("methods does not include %s: Flask-CORS answers a preflight for a method it does not list without Access-Control-Allow-Headers, even for GET, HEAD or POST.", n.Method)
	}
	o.Note("the method "+n.Method, "", why)
}

func flaskAllowHeaders(o *libOptions, n libNeed) {
	list, _, ok := o.Strs("allow_headers")
	if !ok || slices.ContainsFunc(list, flaskAnyOrigin) {
		return // not set: "*", every header
	}
	missing := server.MissingFold(list, n.Headers)
	if len(missing) == 0 {
		return
	}
	o.Add("allow_headers", missing...)
	o.Note(headersObject(missing), "", fmt.Sprintf("allow_headers does not include %s: Flask-CORS leaves it out of Access-Control-Allow-Headers, and the browser refuses the request.", andList(missing)))
}
