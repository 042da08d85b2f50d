package engine

import (
	"fmt"
	"slices"
)

// rs/cors's part of the fixes: the fields of cors.Options.

func init() {
	libraryFixers["rs-cors"] = &libraryFixer{
		language:    "go",
		options:     rsCorsOptionNames,
		origin:      rsAllowOrigin,
		credentials: rsAllowCredentials,
		method:      rsAllowMethod,
		headers:     rsAllowHeaders,
		status:      rsOKStatus,
		call:        func(opts []libOpt) string { return goCall("cors.New", "cors.Options", opts) },
	}
}

func rsAllowOrigin(o *libOptions, n libNeed) {
	var list []string
	o.value("AllowedOrigins", &list)
	if len(list) == 0 || slices.Contains(list, "*") {
		if !n.credentials {
			return // rs/cors answers *
		}
		why := "AllowedOrigins is empty, so rs/cors answers every origin with *, which browsers refuse on a request with cookies. List the page's origin."
		if len(list) > 0 {
			why = `AllowedOrigins "*" makes rs/cors answer *, which browsers refuse on a request with cookies. List the page's origin instead.`
		}
		list = slices.DeleteFunc(list, func(s string) bool { return s == "*" })
		if !containsFold(list, n.page) {
			list = append(list, n.page)
		}
		o.set("AllowedOrigins", list)
		o.narrowed = true
		o.note("the origin "+n.page, "", why)
		return
	}
	if containsFold(list, n.page) { // rs/cors lower-cases its origins
		return
	}
	o.add("AllowedOrigins", n.page)
	o.note("the origin "+n.page, "", fmt.Sprintf("AllowedOrigins does not include %s: rs/cors answers it without any CORS header.", n.page))
}

func rsAllowCredentials(o *libOptions, n libNeed) {
	var on bool
	if o.value("AllowCredentials", &on) && on {
		return
	}
	o.set("AllowCredentials", true)
	o.note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): rs/cors sends Access-Control-Allow-Credentials: true only with AllowCredentials: true.`)
}

func rsAllowMethod(o *libOptions, n libNeed) {
	var list []string
	o.value("AllowedMethods", &list)
	defaults := len(list) == 0
	if defaults {
		list = []string{"GET", "POST", "HEAD"}
	}
	if slices.Contains(list, n.method) { // compared as written
		return
	}
	why := fmt.Sprintf("AllowedMethods does not include %s: rs/cors answers its preflight without any CORS header, so Chrome reports a missing Access-Control-Allow-Origin.", n.method)
	if IsSafelistedMethod(n.method) {
		why = fmt.Sprintf("AllowedMethods does not include %s: rs/cors checks the method of actual requests too, and answers this one without any CORS header.", n.method)
	}
	if defaults {
		why = fmt.Sprintf("AllowedMethods is empty, so rs/cors allows only its defaults GET, POST and HEAD: they are written out, with %s.", n.method)
	}
	o.set("AllowedMethods", append(list, n.method))
	o.note("the method "+n.method, "", why)
}

func rsAllowHeaders(o *libOptions, n libNeed) {
	var list []string
	o.value("AllowedHeaders", &list)
	defaults := len(list) == 0
	if defaults {
		list = []string{"Accept", "Content-Type", "X-Requested-With"}
	}
	if slices.Contains(list, "*") {
		return
	}
	missing := missingFold(list, n.headers)
	if len(missing) == 0 {
		return
	}
	why := fmt.Sprintf("AllowedHeaders does not include %s: rs/cors then refuses the whole preflight without any CORS header, so Chrome reports a missing Access-Control-Allow-Origin.", andList(missing))
	if defaults {
		why = fmt.Sprintf("AllowedHeaders is empty, so rs/cors allows only its defaults Accept, Content-Type and X-Requested-With, and refuses the whole preflight for %s: the defaults are written out, with %s.", andList(missing), andList(missing))
	}
	o.set("AllowedHeaders", append(list, missing...))
	o.note(headersObject(missing), "", why)
}

func rsOKStatus(o *libOptions, n libNeed) {
	var status int
	var passthrough bool
	o.value("OptionsPassthrough", &passthrough)
	if passthrough || !o.value("OptionsSuccessStatus", &status) || status == 0 || isOKStatus(status) {
		return
	}
	o.del("OptionsSuccessStatus")
	o.note("", "answer preflights with 204", fmt.Sprintf("OptionsSuccessStatus %d is not an ok status: browsers require 200 to 299 of a preflight. Without it rs/cors answers 204.", status))
}
