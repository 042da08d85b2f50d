package gincors

import (
	"errors"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// fixer is gin-contrib/cors's part of the fixes: the fields of
// cors.Config (over cors.DefaultConfig() with "DefaultConfig"), printed
// as Export writes them. A misspelled field does not compile (and
// encoding/json refuses it), so there is nothing to rename.
var fixer = &server.Fixer{
	Language:    "go",
	Origin:      fixOrigin,
	Credentials: gostack.Credentials("gin-contrib/cors"),
	Method:      fixMethod,
	Headers:     fixHeaders,
	Status:      fixStatus,
	Call:        func(opts []server.Opt) string { c, _ := Decode(gostack.Options(opts)); return call(c) },
}

// allows reports whether the configuration lets page in so that the
// browser accepts it; refused is cors.New's panic, if it panics.
func allows(e *server.Edit, n server.Need) (ok bool, refused string) {
	em, err := New(e.M)
	var ce *server.ConfigError
	if errors.As(err, &ce) {
		return false, ce.Message
	}
	if err != nil {
		return false, ""
	}
	ok, _ = em.valid(n.Page, nil)
	return ok && !(em.allowAll && n.Credentials), ""
}

// fixOrigin makes cors.New accept the configuration and lists the page's
// origin: AllowAllOrigins and "*" go for a request with cookies (they
// answer *), as do AllowAllOrigins beside a list, the entries cors.New
// panics on and the /…/ entries that panic on a request; an entry that
// misses the page by a trailing slash is rewritten.
func fixOrigin(e *server.Edit, n server.Need) {
	ok, refused := allows(e, n)
	if ok {
		return
	}
	c, _ := Decode(e.M)
	list := slices.Clone(c.AllowOrigins)
	note := func(why string) { e.Note("the origin "+n.Page, "", why) }
	if c.AllowAllOrigins {
		e.Del(gostack.Key(e.M, "AllowAllOrigins"))
		if len(list) > 0 {
			note(`AllowAllOrigins: true beside AllowOrigins makes cors.New panic ("` + refused + `"): the server does not start. AllowAllOrigins goes; the listed origins stay.`)
		} else {
			e.Narrowed = true
			note("AllowAllOrigins: true makes gin-contrib/cors answer Access-Control-Allow-Origin: * (with Access-Control-Allow-Credentials: true), which browsers refuse on a request with cookies. List the page's origin instead.")
		}
	}
	if n.Credentials && slices.Contains(list, "*") {
		list, e.Narrowed = slices.DeleteFunc(list, func(o string) bool { return o == "*" }), true
		note(`AllowOrigins "*" makes gin-contrib/cors answer Access-Control-Allow-Origin: * (with Access-Control-Allow-Credentials: true), which browsers refuse on a request with cookies. List the page's origin instead.`)
	}
	list = slices.DeleteFunc(list, func(o string) bool {
		t := c
		t.AllowAllOrigins, t.AllowOrigins = false, []string{o}
		if msg := t.validate(); msg != "" {
			note("AllowOrigins holds " + strconv.Quote(o) + `, on which cors.New panics ("` + msg + `"): the server does not start. The entry goes.`)
			return true
		}
		var set pattern.Set
		var se *syntax.Error
		if inner, ok := regexInner(normalize([]string{o})[0]); ok {
			if _, err := set.Compile(inner); errors.As(err, &se) {
				note("AllowOrigins holds " + strconv.Quote(o) + ", which is no Go regular expression (" + se.Error() + "): regexp.MustCompile panics on each request that reaches it, and the connection closes without an answer. The entry goes.")
				return true
			}
		}
		return false
	})
	for i, o := range list {
		if v := normalize([]string{o})[0]; v != n.Page && strings.TrimSuffix(v, "/") == n.Page {
			note("AllowOrigins holds " + strconv.Quote(o) + ", but gin-contrib/cors compares origins exactly (lower-cased), and a browser sends " + n.Page + ": write it so.")
			list[i] = n.Page
		}
	}
	k := gostack.Key(e.M, "AllowOrigins")
	if !slices.Equal(list, c.AllowOrigins) {
		e.Set(k, list)
	}
	if ok, _ := allows(e, n); ok {
		return
	}
	e.Set(k, append(list, n.Page))
	switch {
	case e.Narrowed: // said: list the page's origin instead
	case refused == "conflict settings: all origins disabled":
		note(`AllowOrigins is empty (and AllowAllOrigins false), so cors.New panics ("` + refused + `"): the server does not start. List the page's origin.`)
	case !c.AllowWildcard && slices.ContainsFunc(list, func(o string) bool { return strings.Contains(o, "*") }):
		note("AllowOrigins does not include " + n.Page + ": without AllowWildcard, gin-contrib/cors compares an entry with * as it is, and answers the page 403 without any CORS header.")
	default:
		note("AllowOrigins does not include " + n.Page + ": gin-contrib/cors answers its requests and preflights 403, without any CORS header.")
	}
}

// fixMethod lists the method in AllowMethods, which gin-contrib/cors
// sends upper-cased without checking the request's.
func fixMethod(e *server.Edit, n server.Need) {
	if !n.Preflight || n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
		return
	}
	c, _ := Decode(e.M)
	if len(gostack.Missing(c.AllowMethods, []string{n.Method}, n.Credentials)) == 0 {
		return
	}
	why := "AllowMethods does not include " + n.Method + ": gin-contrib/cors sends only those in Access-Control-Allow-Methods, and the browser refuses the rest."
	if len(c.AllowMethods) == 0 {
		why = "AllowMethods is empty, so gin-contrib/cors sends no Access-Control-Allow-Methods, and the browser refuses every method but GET, HEAD and POST."
	}
	e.Set(gostack.Key(e.M, "AllowMethods"), append(c.AllowMethods, n.Method))
	e.Note("the method "+n.Method, "", why)
}

// fixHeaders adds the missing request headers to AllowHeaders (written
// out over cors.DefaultConfig()'s).
func fixHeaders(e *server.Edit, n server.Need) {
	c, _ := Decode(e.M)
	missing := gostack.Missing(c.AllowHeaders, n.Headers, n.Credentials)
	if len(missing) == 0 {
		return
	}
	why := "AllowHeaders does not include " + server.AndList(missing) + ": gin-contrib/cors sends only those in Access-Control-Allow-Headers, and the browser refuses the rest."
	if len(c.AllowHeaders) == 0 {
		why = "AllowHeaders is empty, so gin-contrib/cors sends no Access-Control-Allow-Headers, and the browser refuses " + server.AndList(missing) + "."
	}
	e.Set(gostack.Key(e.M, "AllowHeaders"), append(c.AllowHeaders, missing...))
	gostack.HeadersNote(e, missing, why)
}

// fixStatus drops an OptionsResponseStatusCode that is not 2xx.
func fixStatus(e *server.Edit, n server.Need) {
	c, _ := Decode(e.M)
	s := c.OptionsResponseStatusCode
	if s == 0 || s >= 200 && s <= 299 {
		return
	}
	why := "OptionsResponseStatusCode " + strconv.Itoa(s) + " is not an ok status: browsers require 200 to 299 of a preflight."
	if s < 0 {
		why = "OptionsResponseStatusCode " + strconv.Itoa(s) + " is no status: gin keeps the preflight's 404 (no route answers OPTIONS), and browsers require 200 to 299."
	}
	e.Del(gostack.Key(e.M, "OptionsResponseStatusCode"))
	e.Note("", "answer preflights with 204", why+" Without it gin-contrib/cors answers 204.")
}
