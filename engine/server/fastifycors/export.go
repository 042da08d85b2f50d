package fastifycors

import (
	"encoding/json"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
)

// ---- Export ----

// export writes a server.js serving route (declared as find-my-way reads
// the path) with these options on
// process.env.PORT (8080 by default) and process.env.HOST (localhost). A
// configuration the library refuses is written all the same: the program
// prints fastify's error and exits 1, as it would. A ":" starts a
// parameter and a "*" is a wildcard (find-my-way).
func export(options map[string]json.RawMessage, route string) (string, error) {
	route = message.RouteOr(route)
	if _, ok := routePath(route); !ok {
		return "", &server.RouteError{Route: route, Problem: "the path " + strconv.Quote(route) + " is not a valid url component: fastify answers 400 to it"}
	}
	route, err := server.CheckRoute(declared(route), ":*", "fastify")
	if err != nil {
		return "", err
	}
	if _, err := newCors(options); err != nil {
		if _, refused := err.(*server.ConfigError); !refused {
			return "", err
		}
	}
	var opts []server.Opt
	for _, o := range optionNames() {
		if raw, ok := options[o]; ok {
			opts = append(opts, server.Opt{Name: o, Raw: raw})
		}
	}
	return `// @fastify/cors 11.4.3 on fastify 5.12.8, as corsplay emulates it.
// npm install fastify@5.12.8 @fastify/cors@11.4.3 && PORT=8080 node server.js
'use strict'
const Fastify = require('fastify')
const cors = require('@fastify/cors')

const fastify = Fastify()

` + registerCall(opts) + `

fastify.route({
  method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
  url: ` + jsconfig.Quote(route) + `,
  handler: async () => 'ok'
})

fastify.listen({ host: process.env.HOST || 'localhost', port: Number(process.env.PORT) || 8080 }, (err) => {
  if (err) {
    console.error(err.message)
    process.exit(1)
  }
})
`, nil
}

// optionNames lists the JSON form's keys, in the documentation's order.
func optionNames() []string {
	l, _ := server.Lookup(name, "")
	var out []string
	for _, o := range l.Options {
		out = append(out, o.Name)
	}
	return out
}

// registerCall prints fastify.register(cors, {…}) with the options in
// order, as the user writes it (and Import reads it): on one line when it
// fits in 80 columns (as prettier lays it out), else one option a line.
// Export writes it in its program, and the fixes show it before and after.
func registerCall(opts []server.Opt) string {
	return syntax.Call("fastify.register", []string{"cors"}, opts)
}

// ---- Summary ----

func summarize(options map[string]json.RawMessage) server.Summary {
	c, err := newCors(options)
	if err != nil {
		return server.Summary{}
	}
	s := server.Summary{Credentials: c.credentials}
	_, written := options["origin"]
	switch c.kind {
	case originString:
		if c.static == "*" {
			s.AnyOrigin = "wildcard"
			if written {
				s.AnyEntry = "'*'"
			}
			break
		}
		s.Origins = []server.Entry{{Written: jsconfig.Quote(c.static), Policy: c.static}}
		s.Notes = append(s.Notes, "A string origin is sent as is to every request, whatever its Origin.")
		if strings.ContainsAny(c.static, patternChars) {
			s.Flagged = append(s.Flagged, server.Flagged{Entry: jsconfig.Quote(c.static), Title: "A pattern in origin is sent as text to every request: " + jsconfig.Quote(c.static),
				Detail:   "@fastify/cors sends a string origin as it is, whatever the request's Origin: Access-Control-Allow-Origin: " + c.static + ". Browsers compare it with the page's origin exactly, and a pattern character there is only text, so every cross-origin request fails.",
				Fix:      "Use a RegExp, anchored at both ends, such as origin: /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/ (the matching origin is then reflected), or list the exact origins in an array.",
				Intended: server.WildcardIntended(c.static), Host: strings.TrimPrefix(server.HostOf(c.static), "*.")})
		}
	case originFalse:
		s.Notes = append(s.Notes, "origin: false turns CORS off: no request gets a CORS header.")
	case originInvalid:
		s.Notes = append(s.Notes, "origin null or '' answers every request with a 500 error.")
	default:
		for _, e := range c.entries {
			switch {
			case e.any:
				s.AnyOrigin, s.AnyEntry = "reflect", e.written
			case e.re != nil:
				s.Origins = append(s.Origins, server.Entry{Written: e.written, Policy: "re:" + e.re.String(), Regex: true})
				flagRegExp(&s, e.written)
			default:
				s.Origins = append(s.Origins, server.Entry{Written: e.written, Policy: e.exact})
				if strings.ContainsAny(e.exact, patternChars) {
					s.Flagged = append(s.Flagged, server.Flagged{Entry: e.written, Title: "A pattern string in origin is compared as text: " + e.written,
						Detail:   "@fastify/cors compares each string of an origin array with the request's Origin exactly: " + e.written + " is written as a pattern, but its special characters are only characters there, so it never matches.",
						Fix:      "Use a RegExp in the array, anchored at both ends, such as /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/, or list the exact origins.",
						Intended: server.WildcardIntended(e.exact), Host: strings.TrimPrefix(server.HostOf(e.exact), "*.")})
				}
			}
		}
	}
	if c.hook == "preSerialization" {
		s.Notes = append(s.Notes, "hook: 'preSerialization' adds CORS headers only to answers fastify serializes from an object: the route's string answers get none.")
	}
	return s
}

// patternChars make a string origin look like a pattern.
const patternChars = "*^$\\()[]|+?{}"

// flagRegExp flags a RegExp that lets in more than the origin it spells:
// .test() finds it anywhere in the Origin.
func flagRegExp(s *server.Summary, written string) {
	i := strings.LastIndexByte(written, '/')
	r := server.ReadRegex(written[1:i], []string{"^"}, []string{"$"})
	r.Start = r.Start || strings.Contains(written[i:], "y")
	if !r.Misread() {
		return
	}
	title := "A RegExp in origin is tested anywhere in the Origin: "
	if r.End && (r.Start || r.HasScheme) {
		title = "An unescaped dot in a RegExp in origin matches any character: "
	}
	s.Flagged = append(s.Flagged, server.Flagged{Entry: written, Title: title + written,
		Detail:   "@fastify/cors tests a RegExp origin with .test(), which finds it anywhere in the Origin unless ^ and $ anchor it; in a RegExp, . is any character. In " + written + ", " + r.Says() + ".",
		Fix:      "Anchor it at both ends and escape every dot: origin: /^" + r.Scheme + `:\/\/` + strings.ReplaceAll(r.Host, ".", `\.`) + "$/, or list the origin itself: origin: ['" + r.Intended() + "'].",
		Intended: r.Intended(), Candidates: r.Candidates(), Host: r.Host})
}
