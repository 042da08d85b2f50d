package jub0bscors

import (
	"fmt"
	"slices"
	"strings"

	"corsplay/engine/server"
)

// jub0bs/cors's part of the fixes: the fields of cors.Config.

var fixer = &server.Fixer{
	Language:    "go",
	Options:     jubConfigFields,
	Origin:      jubAllowOrigin,
	Credentials: jubAllowCredentials,
	Method:      jubAllowMethod,
	Headers:     jubAllowHeaders,
	Call:        func(opts []server.Opt) string { return server.GoCall("cors.NewMiddleware", "cors.Config", opts) },
}

func jubAllowOrigin(o *server.Edit, n server.Need) {
	var list []string
	o.Value("Origins", &list)
	if slices.Contains(list, "*") {
		if !n.Credentials {
			return // jub0bs/cors answers *
		}
		list = slices.DeleteFunc(list, func(s string) bool { return s == "*" })
		if !slices.Contains(list, n.Page) {
			list = append(list, n.Page)
		}
		o.Set("Origins", list)
		o.Narrowed = true
		o.Note("the origin "+n.Page, "", `Origins "*" makes jub0bs/cors answer *, which browsers refuse on a request with cookies (and jub0bs/cors refuses to start with "*" and Credentialed together). List the page's origin instead.`)
		return
	}
	if slices.Contains(list, n.Page) {
		return
	}
	o.Add("Origins", n.Page)
	o.Note("the origin "+n.Page, "", fmt.Sprintf("Origins does not include %s: jub0bs/cors refuses its preflights (403) and answers its requests without Access-Control-Allow-Origin.", n.Page))
}

func jubAllowCredentials(o *server.Edit, n server.Need) {
	var on bool
	if o.Value("Credentialed", &on) && on {
		return
	}
	o.Set("Credentialed", true)
	o.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): jub0bs/cors sends Access-Control-Allow-Credentials: true only with Credentialed: true.`)
}

func jubAllowMethod(o *server.Edit, n server.Need) {
	if jubSafelistedMethod(n.Method) {
		return // never needs listing (and jub0bs/cors drops it)
	}
	var list []string
	o.Value("Methods", &list)
	if slices.Contains(list, "*") || slices.ContainsFunc(list, func(m string) bool { return jubNormalizeMethod(m) == n.Method }) {
		return
	}
	o.Add("Methods", n.Method)
	o.Note("the method "+n.Method, "", fmt.Sprintf("Methods does not include %s: jub0bs/cors refuses its preflight (403).", n.Method))
}

func jubAllowHeaders(o *server.Edit, n server.Need) {
	var list []string
	o.Value("RequestHeaders", &list)
	var missing []string
	for _, h := range server.MissingFold(list, n.Headers) {
		if slices.Contains(list, "*") && (n.Credentials || !strings.EqualFold(h, "Authorization")) {
			continue // * covers it (Authorization only with credentials, where it echoes)
		}
		missing = append(missing, h)
	}
	if len(missing) == 0 {
		return
	}
	o.Add("RequestHeaders", missing...)
	o.Note(server.HeadersNote(missing), "", fmt.Sprintf("RequestHeaders does not include %s: jub0bs/cors refuses the preflight (403).", server.AndList(missing)))
}
