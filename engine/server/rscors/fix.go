package rscors

import (
	"fmt"
	"slices"

	"corsplay/engine/server"
)

// rs/cors's part of the fixes: the fields of cors.Options.

var fixer = &server.Fixer{
	Language:    "go",
	Options:     optionNames,
	Origin:      rsAllowOrigin,
	Credentials: rsAllowCredentials,
	Method:      rsAllowMethod,
	Headers:     rsAllowHeaders,
	Status:      rsOKStatus,
	Call:        func(opts []server.Opt) string { return server.GoCall("cors.New", "cors.Options", opts) },
}

func rsAllowOrigin(o *server.Edit, n server.Need) {
	var list []string
	o.Value("AllowedOrigins", &list)
	if len(list) == 0 || slices.Contains(list, "*") {
		if !n.Credentials {
			return // rs/cors answers *
		}
		why := "AllowedOrigins is empty, so rs/cors answers every origin with *, which browsers refuse on a request with cookies. List the page's origin."
		if len(list) > 0 {
			why = `AllowedOrigins "*" makes rs/cors answer *, which browsers refuse on a request with cookies. List the page's origin instead.`
		}
		list = slices.DeleteFunc(list, func(s string) bool { return s == "*" })
		if !server.ContainsFold(list, n.Page) {
			list = append(list, n.Page)
		}
		o.Set("AllowedOrigins", list)
		o.Narrowed = true
		o.Note("the origin "+n.Page, "", why)
		return
	}
	if server.ContainsFold(list, n.Page) { // rs/cors lower-cases its origins
		return
	}
	o.Add("AllowedOrigins", n.Page)
	o.Note("the origin "+n.Page, "", fmt.Sprintf("AllowedOrigins does not include %s: rs/cors answers it without any CORS header.", n.Page))
}

func rsAllowCredentials(o *server.Edit, n server.Need) {
	var on bool
	if o.Value("AllowCredentials", &on) && on {
		return
	}
	o.Set("AllowCredentials", true)
	o.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): rs/cors sends Access-Control-Allow-Credentials: true only with AllowCredentials: true.`)
}

func rsAllowMethod(o *server.Edit, n server.Need) {
	var list []string
	o.Value("AllowedMethods", &list)
	defaults := len(list) == 0
	if defaults {
		list = []string{"GET", "POST", "HEAD"}
	}
	if slices.Contains(list, n.Method) { // compared as written
		return
	}
	why := fmt.Sprintf("AllowedMethods does not include %s: rs/cors answers its preflight without any CORS header, so Chrome reports a missing Access-Control-Allow-Origin.", n.Method)
	if n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" { // safelisted: sent without a preflight
		why = fmt.Sprintf("AllowedMethods does not include %s: rs/cors checks the method of actual requests too, and answers this one without any CORS header.", n.Method)
	}
	if defaults {
		why = fmt.Sprintf("AllowedMethods is empty, so rs/cors allows only its defaults GET, POST and HEAD: they are written out, with %s.", n.Method)
	}
	o.Set("AllowedMethods", append(list, n.Method))
	o.Note("the method "+n.Method, "", why)
}

func rsAllowHeaders(o *server.Edit, n server.Need) {
	var list []string
	o.Value("AllowedHeaders", &list)
	defaults := len(list) == 0
	if defaults {
		list = []string{"Accept", "Content-Type", "X-Requested-With"}
	}
	if slices.Contains(list, "*") {
		return
	}
	missing := server.MissingFold(list, n.Headers)
	if len(missing) == 0 {
		return
	}
	why := fmt.Sprintf("AllowedHeaders does not include %s: rs/cors then refuses the whole preflight without any CORS header, so Chrome reports a missing Access-Control-Allow-Origin.", server.AndList(missing))
	if defaults {
		why = fmt.Sprintf("AllowedHeaders is empty, so rs/cors allows only its defaults Accept, Content-Type and X-Requested-With, and refuses the whole preflight for %s: the defaults are written out, with %s.", server.AndList(missing), server.AndList(missing))
	}
	o.Set("AllowedHeaders", append(list, missing...))
	o.Note(server.HeadersNote(missing), "", why)
}

func rsOKStatus(o *server.Edit, n server.Need) {
	var status int
	var passthrough bool
	o.Value("OptionsPassthrough", &passthrough)
	if passthrough || !o.Value("OptionsSuccessStatus", &status) || status == 0 || status >= 200 && status <= 299 {
		return
	}
	o.Del("OptionsSuccessStatus")
	o.Note("", "answer preflights with 204", fmt.Sprintf("OptionsSuccessStatus %d is not an ok status: browsers require 200 to 299 of a preflight. Without it rs/cors answers 204.", status))
}
