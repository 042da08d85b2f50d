package engine

import (
	"fmt"
	"slices"
	"strings"
)

// jub0bs/cors's part of the fixes: the fields of cors.Config.

func init() {
	libraryFixers["jub0bs-cors"] = &libraryFixer{
		language:    "go",
		options:     jubConfigFields,
		origin:      jubAllowOrigin,
		credentials: jubAllowCredentials,
		method:      jubAllowMethod,
		headers:     jubAllowHeaders,
		call:        func(opts []libOpt) string { return goCall("cors.NewMiddleware", "cors.Config", opts) },
	}
}

func jubAllowOrigin(o *libOptions, n libNeed) {
	var list []string
	o.value("Origins", &list)
	if slices.Contains(list, "*") {
		if !n.credentials {
			return // jub0bs/cors answers *
		}
		list = slices.DeleteFunc(list, func(s string) bool { return s == "*" })
		if !slices.Contains(list, n.page) {
			list = append(list, n.page)
		}
		o.set("Origins", list)
		o.narrowed = true
		o.note("the origin "+n.page, "", `Origins "*" makes jub0bs/cors answer *, which browsers refuse on a request with cookies (and jub0bs/cors refuses to start with "*" and Credentialed together). List the page's origin instead.`)
		return
	}
	if slices.Contains(list, n.page) {
		return
	}
	o.add("Origins", n.page)
	o.note("the origin "+n.page, "", fmt.Sprintf("Origins does not include %s: jub0bs/cors refuses its preflights (403) and answers its requests without Access-Control-Allow-Origin.", n.page))
}

func jubAllowCredentials(o *libOptions, n libNeed) {
	var on bool
	if o.value("Credentialed", &on) && on {
		return
	}
	o.set("Credentialed", true)
	o.note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): jub0bs/cors sends Access-Control-Allow-Credentials: true only with Credentialed: true.`)
}

func jubAllowMethod(o *libOptions, n libNeed) {
	if jubSafelistedMethod(n.method) {
		return // never needs listing (and jub0bs/cors drops it)
	}
	var list []string
	o.value("Methods", &list)
	if slices.Contains(list, "*") || slices.ContainsFunc(list, func(m string) bool { return jubNormalizeMethod(m) == n.method }) {
		return
	}
	o.add("Methods", n.method)
	o.note("the method "+n.method, "", fmt.Sprintf("Methods does not include %s: jub0bs/cors refuses its preflight (403).", n.method))
}

func jubAllowHeaders(o *libOptions, n libNeed) {
	var list []string
	o.value("RequestHeaders", &list)
	var missing []string
	for _, h := range missingFold(list, n.headers) {
		if slices.Contains(list, "*") && (n.credentials || !strings.EqualFold(h, "Authorization")) {
			continue // * covers it (Authorization only with credentials, where it echoes)
		}
		missing = append(missing, h)
	}
	if len(missing) == 0 {
		return
	}
	o.add("RequestHeaders", missing...)
	o.note(headersObject(missing), "", fmt.Sprintf("RequestHeaders does not include %s: jub0bs/cors refuses the preflight (403).", andList(missing)))
}
