// Package node is what Node 20's HTTP server does around a JavaScript CORS
// library (fastify-cors, koa-cors): the requests its parser refuses before
// any JavaScript runs, req.headers as the library reads them, the header
// values setHeader refuses, and the head it writes.
package node

import (
	"slices"
	"strings"

	"corsplay/engine/message"
)

// Methods are Node 20's http.METHODS: llhttp parses no other method
// (case-sensitively), so `patch` is refused like FOO.
var Methods = strings.Fields("ACL BIND CHECKOUT CONNECT COPY DELETE GET HEAD LINK LOCK M-SEARCH MERGE MKACTIVITY MKCALENDAR MKCOL MOVE NOTIFY OPTIONS PATCH POST PROPFIND PROPPATCH PURGE PUT QUERY REBIND REPORT SEARCH SOURCE SUBSCRIBE TRACE UNBIND UNLINK UNLOCK UNSUBSCRIBE")

// Refuses is Node's HTTP parser before the app: 400 (written as
// "HTTP/1.1 400 Bad Request" with Connection: close) to a method it does
// not know or a header value with a control character other than HTAB,
// CONNECT included; 0 to a well-formed CONNECT, which a server without a
// 'connect' listener answers by closing the connection. refused is false
// when the request reaches the app.
func Refuses(req message.Request) (status int, refused bool) {
	if !slices.Contains(Methods, req.Method) {
		return 400, true
	}
	for _, h := range req.Headers {
		if strings.ContainsFunc(h.Value, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			return 400, true
		}
	}
	return 0, req.Method == "CONNECT"
}

// Header is req.headers[name] (name in any case): each value trimmed of
// spaces and tabs, repeats joined with ", ", but for Content-Type, of
// which Node keeps the first; false when the request has none.
func Header(req message.Request, name string) (string, bool) {
	vals := req.Headers.Values(name)
	for i := range vals {
		vals[i] = strings.Trim(vals[i], " \t")
	}
	if strings.EqualFold(name, "Content-Type") && vals != nil {
		vals = vals[:1]
	}
	return strings.Join(vals, ", "), vals != nil
}

// InvalidValue reports whether setHeader throws ERR_INVALID_CHAR for v: a
// control character other than HTAB, or a character beyond Latin-1.
func InvalidValue(v string) bool {
	return strings.ContainsFunc(v, func(r rune) bool { return r != '\t' && (r < 0x20 || r == 0x7f || r > 0xff) })
}

// Latin1OfUTF8 is how a client reads v in a head Node wrote together with a
// string body: encoded in UTF-8, each byte read back as a Latin-1
// character ("é" is "Ã©"). A head written alone is Latin-1 and reads back
// as it is.
func Latin1OfUTF8(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		b.WriteRune(rune(v[i]))
	}
	return b.String()
}

// Path is the path of a request's URL (an absolute URL, or a path),
// before its query or fragment: koa's ctx.path, hono's getPath before it
// decodes anything.
func Path(url string) string {
	p := url
	if i := strings.Index(p, "://"); i >= 0 && !strings.HasPrefix(p, "/") {
		p = p[i+3:]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[j:]
		} else {
			p = "/"
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return p
}
