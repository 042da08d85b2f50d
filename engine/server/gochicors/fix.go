package gochicors

import (
	"corsplay/engine/server"
)

// go-chi/cors's part of the fixes: the fields of cors.Options. Each edit
// asks the emulation itself (newCors) whether the request already passes.

var fixer = &server.Fixer{
	Language: "go", Options: fields,
	Origin: fixOrigin, Credentials: fixCredentials, Method: fixMethod, Headers: fixHeaders,
	Call: call,
}

// key is the option's key in e: the field's name, or the spelling
// encoding/json matched to it, which the edit keeps.
func key(e *server.Edit, f string) string {
	for k := range e.M {
		if field(k) == f {
			return k
		}
	}
	return f
}

// strs is a list option as cors.Options reads it: nil when absent or null.
func strs(e *server.Edit, k string) []string {
	var l []string
	e.Value(k, &l)
	return l
}

func fixOrigin(e *server.Edit, n server.Need) {
	c, err := newCors(e.M)
	if err != nil || c.originAllowed(n.Page) && !(c.allOrigins && n.Credentials) {
		return
	}
	k := key(e, "AllowedOrigins")
	if !c.allOrigins {
		e.Add(k, n.Page)
		e.Note("the origin "+n.Page, "", "AllowedOrigins does not include "+n.Page+": go-chi/cors answers its requests without Access-Control-Allow-Origin, and its preflights 200 with only Vary lines.")
		return
	}
	why := "AllowedOrigins is empty, so go-chi/cors answers every origin with Access-Control-Allow-Origin: *, even with AllowCredentials, and browsers refuse * on a request with cookies. List the page's origin."
	var kept []string
	for _, o := range strs(e, k) {
		if o != "*" {
			kept = append(kept, o)
		} else {
			why = `AllowedOrigins "*" makes go-chi/cors answer every origin with Access-Control-Allow-Origin: *, even with AllowCredentials, and browsers refuse * on a request with cookies. List the page's origin instead.`
		}
	}
	if !server.ContainsFold(kept, n.Page) {
		kept = append(kept, n.Page)
	}
	e.Set(k, kept)
	e.Narrowed = true
	e.Note("the origin "+n.Page, "", why)
}

func fixCredentials(e *server.Edit, n server.Need) {
	if c, err := newCors(e.M); err != nil || c.credentials {
		return
	}
	e.Set(key(e, "AllowCredentials"), true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): go-chi/cors sends Access-Control-Allow-Credentials: true only with AllowCredentials: true.`)
}

func fixMethod(e *server.Edit, n server.Need) {
	c, err := newCors(e.M)
	if err != nil || c.methodAllowed(n.Method) {
		return
	}
	k, m := key(e, "AllowedMethods"), n.Method
	why := "AllowedMethods does not include " + m + ": go-chi/cors answers its preflight 200 with only Vary lines, so Chrome reports a missing Access-Control-Allow-Origin."
	if !n.Preflight {
		why = "AllowedMethods does not include " + m + ": go-chi/cors checks the method of actual requests too, and answers this one without Access-Control-Allow-Origin."
	}
	if len(strs(e, k)) == 0 {
		e.Set(k, []string{"GET", "POST", "HEAD", m})
		why = "AllowedMethods is empty, so go-chi/cors allows only its defaults GET, POST and HEAD, on preflights and actual requests alike: they are written out, with " + m + "."
	} else {
		e.Add(k, m)
	}
	e.Note("the method "+m, "", why)
}

func fixHeaders(e *server.Edit, n server.Need) {
	c, err := newCors(e.M)
	if err != nil {
		return
	}
	var missing []string
	for _, h := range n.Headers {
		if !c.headersAllowed([]string{h}) && !server.ContainsFold(missing, h) {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return
	}
	k, names := key(e, "AllowedHeaders"), server.AndList(missing)
	why := "AllowedHeaders does not include " + names + ": go-chi/cors then answers the whole preflight 200 with only Vary lines, so Chrome reports a missing Access-Control-Allow-Origin."
	if len(strs(e, k)) == 0 {
		e.Set(k, append([]string{"Origin", "Accept", "Content-Type"}, missing...))
		why = "AllowedHeaders is empty, so go-chi/cors allows only its defaults Origin, Accept and Content-Type, and answers the whole preflight 200 with only Vary lines: the defaults are written out, with " + names + "."
	} else {
		e.Add(k, missing...)
	}
	e.Note(headersNote(missing), "", why)
}

// headersNote names the request headers a fix allows.
func headersNote(names []string) string {
	if len(names) == 1 {
		return "the request header " + names[0]
	}
	return "the request headers " + server.AndList(names)
}
