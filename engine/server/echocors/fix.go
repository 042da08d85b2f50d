package echocors

import (
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// fixer is Echo's part of the fixes: the fields of middleware.CORSConfig,
// printed as Export writes them. A misspelled field does not compile (and
// encoding/json refuses it), so there is nothing to rename.
var fixer = &server.Fixer{
	Language:    "go",
	Origin:      fixOrigin,
	Credentials: gostack.Credentials("Echo's CORS middleware"),
	Method:      fixMethod,
	Headers:     fixHeaders,
	Call:        func(opts []server.Opt) string { c, _ := Decode(gostack.Options(opts)); return call(c) },
}

// fixOrigin lists the page's origin, in place of "*" for a request with
// cookies (echo answers * with Access-Control-Allow-Credentials: true),
// or of an entry that misses it by case or a trailing slash; "null" goes
// when the request's cookies need AllowCredentials.
func fixOrigin(e *server.Edit, n server.Need) {
	c, _ := Decode(e.M)
	list, k := c.AllowOrigins, gostack.Key(e.M, "AllowOrigins")
	dropped := n.Credentials && !c.AllowCredentials && slices.Contains(list, "null")
	if dropped { // the credentials the request needs would make it a hole
		list = slices.DeleteFunc(slices.Clone(list), func(o string) bool { return o == "null" })
		e.Set(k, list)
		e.Note("", "stop trusting the origin null", `AllowOrigins holds "null", which AllowCredentials: true would open to any sandboxed iframe or local file, with the user's cookies: it goes.`)
	}
	if em, err := New(e.M); err == nil {
		if a := em.allowOrigin(n.Page, &gostack.Request{}); a == n.Page || a == "*" && !n.Credentials {
			return
		}
	}
	why := "AllowOrigins does not include " + n.Page + ": Echo's CORS middleware answers its requests without Access-Control-Allow-Origin, and its preflights 204 without any CORS header."
	near := slices.IndexFunc(list, func(o string) bool { return strings.EqualFold(strings.TrimSuffix(o, "/"), n.Page) })
	switch {
	case len(list) == 0 && !dropped: // "*" by default; only a request with cookies gets here
		list, e.Narrowed = []string{n.Page}, true
		why = "AllowOrigins is empty, so Echo's CORS middleware answers every origin with Access-Control-Allow-Origin: * (and Access-Control-Allow-Credentials: true), which browsers refuse on a request with cookies. List the page's origin."
	case slices.Contains(list, "*"):
		list, e.Narrowed = append(slices.DeleteFunc(list, func(o string) bool { return o == "*" }), n.Page), true
		why = `AllowOrigins "*" makes Echo's CORS middleware answer Access-Control-Allow-Origin: * (with Access-Control-Allow-Credentials: true), which browsers refuse on a request with cookies. List the page's origin instead (UnsafeWildcardOriginWithAllowCredentials would let every site read with the user's cookies).`
	case near >= 0:
		why = "AllowOrigins holds " + strconv.Quote(list[near]) + ", but Echo's CORS middleware compares origins byte for byte, and a browser sends " + n.Page + ": write it so."
		list[near] = n.Page
	default:
		list = append(list, n.Page)
	}
	e.Set(k, list)
	e.Note("the origin "+n.Page, "", why)
}

// fixMethod lists the method in AllowMethods, which echo sends as it is
// (the browser compares methods case-sensitively) without checking the
// request's.
func fixMethod(e *server.Edit, n server.Need) {
	if !n.Preflight || n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
		return
	}
	c, _ := Decode(e.M)
	list := slices.DeleteFunc(c.AllowMethods, func(m string) bool { return strings.TrimSpace(m) == "" })
	why := "AllowMethods does not include " + n.Method + ": Echo's CORS middleware sends only those in Access-Control-Allow-Methods, as written, and the browser refuses the rest."
	if len(c.AllowMethods) == 0 {
		list = []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"}
		// The app has a route at the request's path (engine: Request.Route).
		why = "AllowMethods is empty, so Echo's CORS middleware sends the route's own methods (its Allow: " + allowHeader + "), which do not include " + n.Method + ": its defaults GET, HEAD, PUT, PATCH, POST and DELETE are written out, with " + n.Method + "."
	}
	if slices.ContainsFunc(list, func(m string) bool { s := strings.TrimSpace(m); return s == n.Method || s == "*" && !n.Credentials }) {
		return
	}
	if i := slices.IndexFunc(list, func(m string) bool { return strings.EqualFold(strings.TrimSpace(m), n.Method) }); i >= 0 {
		why = "AllowMethods holds " + strconv.Quote(list[i]) + ", which Echo's CORS middleware sends as written, and the browser compares methods case-sensitively: write it " + n.Method + "."
		list[i] = n.Method
	} else {
		list = append(list, n.Method)
	}
	e.Set(gostack.Key(e.M, "AllowMethods"), list)
	e.Note("the method "+n.Method, "", why)
}

// fixHeaders adds the missing request headers to AllowHeaders; left
// empty, echo answers whatever the preflight asks for.
func fixHeaders(e *server.Edit, n server.Need) {
	c, _ := Decode(e.M)
	missing := gostack.Missing(c.AllowHeaders, n.Headers, n.Credentials)
	if len(c.AllowHeaders) == 0 || len(missing) == 0 {
		return
	}
	e.Set(gostack.Key(e.M, "AllowHeaders"), append(c.AllowHeaders, missing...))
	gostack.HeadersNote(e, missing, "AllowHeaders does not include "+server.AndList(missing)+": Echo's CORS middleware sends only those in Access-Control-Allow-Headers, and the browser refuses the rest. (Left empty, it would allow whatever a preflight asks for.)")
}
