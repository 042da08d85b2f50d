package gorillahandlers

import (
	"encoding/json"
	"strconv"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// gorilla/handlers's part of the fixes: handlers.CORS's option functions.
// Each edit asks the emulation itself (newCors) whether the request
// already passes.

var fixer = &server.Fixer{
	Language: "go", Options: keys,
	Origin: fixOrigin, Credentials: fixCredentials, Method: fixMethod, Headers: fixHeaders, Status: fixStatus,
	Call: func(opts []server.Opt) string {
		m := map[string]json.RawMessage{}
		for _, o := range opts {
			m[o.Name] = o.Raw
		}
		return call(m, "")
	},
}

func fixOrigin(e *server.Edit, n server.Need) {
	c, err := newCors(e.M)
	if err != nil {
		return
	}
	anyOrigin := len(c.origins) == 0 || c.origins[0] == "*"
	if anyOrigin && !n.Credentials || !anyOrigin && c.originAllowed(n.Page) {
		return
	}
	if !anyOrigin {
		e.Add("AllowedOrigins", n.Page)
		e.Note("the origin "+n.Page, "", "handlers.AllowedOrigins does not include "+n.Page+" (gorilla/handlers compares origins exactly, case included): it answers its preflights with an empty 200 and its requests without any CORS header.")
		return
	}
	var list []string
	e.Value("AllowedOrigins", &list)
	why := "Without handlers.AllowedOrigins (or with an empty list) gorilla/handlers answers every origin with Access-Control-Allow-Origin: *, even with handlers.AllowCredentials(), and browsers refuse * on a request with cookies. List the page's origin."
	var kept []string
	for _, o := range list {
		if o != "*" {
			kept = append(kept, o)
		} else {
			why = `"*" in handlers.AllowedOrigins makes gorilla/handlers answer every origin with Access-Control-Allow-Origin: *, even with handlers.AllowCredentials(), and browsers refuse * on a request with cookies. List the page's origin instead.`
		}
	}
	if !contains(kept, n.Page) {
		kept = append(kept, n.Page)
	}
	e.Set("AllowedOrigins", kept)
	e.Narrowed = true
	e.Note("the origin "+n.Page, "", why)
}

func fixCredentials(e *server.Edit, n server.Need) {
	if c, err := newCors(e.M); err != nil || c.credentials {
		return
	}
	e.Set("AllowCredentials", true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): gorilla/handlers sends Access-Control-Allow-Credentials: true only with handlers.AllowCredentials().`)
}

// fixMethod: gorilla/handlers checks the method of preflights only.
func fixMethod(e *server.Edit, n server.Need) {
	c, err := newCors(e.M)
	if err != nil || !n.Preflight || contains(c.methods, n.Method) {
		return
	}
	m := n.Method
	if !e.Has("AllowedMethods") {
		e.Set("AllowedMethods", []string{"GET", "HEAD", "POST", m})
		e.Note("the method "+m, "", "Without handlers.AllowedMethods gorilla/handlers allows only GET, HEAD and POST, and answers this preflight 405 Method Not Allowed; handlers.AllowedMethods replaces the defaults, so they are written out, with "+m+".")
		return
	}
	e.Add("AllowedMethods", m)
	e.Note("the method "+m, "", "handlers.AllowedMethods does not include "+m+": gorilla/handlers answers its preflight 405 Method Not Allowed, without CORS headers.")
}

func fixHeaders(e *server.Edit, n server.Need) {
	c, err := newCors(e.M)
	if err != nil {
		return
	}
	var missing []string
	for _, h := range n.Headers {
		if !contains(c.headers, gostack.CanonicalHeaderKey(strings.TrimSpace(h))) && !server.ContainsFold(missing, h) {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return
	}
	names := server.AndList(missing)
	why := "handlers.AllowedHeaders does not include " + names + ": gorilla/handlers answers the preflight 403 Forbidden, without CORS headers (it allows only Accept, Accept-Language, Content-Language and Origin unless told more)."
	if contains(c.headers, "*") {
		why = `"*" in handlers.AllowedHeaders is no wildcard: gorilla/handlers allows only the headers named (and Accept, Accept-Language, Content-Language and Origin), so it answers this preflight 403 Forbidden, without CORS headers. List ` + names + "."
	}
	e.Add("AllowedHeaders", missing...)
	note := "the request header "
	if len(missing) > 1 {
		note = "the request headers "
	}
	e.Note(note+names, "", why)
}

// fixStatus: a preflight gorilla/handlers answers itself with an ok status.
func fixStatus(e *server.Edit, n server.Need) {
	var ignore bool
	if e.Value("IgnoreOptions", &ignore) && ignore {
		e.Del("IgnoreOptions")
		e.Note("", "let gorilla/handlers answer preflights itself", "handlers.IgnoreOptions() hands every OPTIONS request to the app, which answers it without CORS headers: without it gorilla/handlers answers preflights itself.")
	}
	var s int
	if e.Value("OptionStatusCode", &s) && (s < 200 || s > 299) {
		e.Del("OptionStatusCode")
		e.Note("", "answer preflights with 200", "handlers.OptionStatusCode("+strconv.Itoa(s)+") is not an ok status: browsers require 200 to 299 of a preflight. Without it gorilla/handlers answers 200.")
	}
}
