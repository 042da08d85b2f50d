package fastifycors

import (
	"encoding/json"

	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
)

// ---- Export ----

// export writes a server.js serving /r with these options on
// process.env.PORT (8080 by default) and process.env.HOST (localhost). A
// configuration the library refuses is written all the same: the program
// prints fastify's error and exits 1, as it would.
func export(options map[string]json.RawMessage) (string, error) {
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
  url: '/r',
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
			default:
				s.Origins = append(s.Origins, server.Entry{Written: e.written, Policy: e.exact})
			}
		}
	}
	if c.hook == "preSerialization" {
		s.Notes = append(s.Notes, "hook: 'preSerialization' adds CORS headers only to answers fastify serializes from an object: the route's string answers get none.")
	}
	return s
}
