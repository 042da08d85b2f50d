// Package gorillahandlers emulates the CORS middleware of
// github.com/gorilla/handlers v1.5.2: handlers.CORS(opts...)(next), where
// next writes "ok" (an implicit 200) for every method and path, served by
// net/http. The JSON options add one option function per present key, in
// the order of the Options list. The library validates nothing (it even
// ignores its options' errors), so New never returns a
// *server.ConfigError. References are to cors.go of that release.
package gorillahandlers

import (
	"encoding/json"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// library is what the registry holds (command.go adds the command's
// parts).
var library = server.Library{
	Name: "gorilla-handlers", Version: "v1.5.2", Default: true, Title: "gorilla/handlers CORS", Language: "Go",
	Call: "handlers.CORS(handlers.AllowedOrigins(…), …)", OriginsOption: "AllowedOrigins",
	Options: []server.Option{
		{Name: "AllowedOrigins", Type: "list of strings", Default: "none (every origin, *)", Doc: `The origins allowed, compared exactly (case-sensitive, no pattern); "*" anywhere allows every origin with *.`},
		{Name: "AllowedMethods", Type: "list of strings", Default: `[]string{"GET", "HEAD", "POST"}`, Doc: "Replaces the methods a preflight may ask for; trimmed and upper-cased."},
		{Name: "AllowedHeaders", Type: "list of strings", Default: `Accept, Accept-Language, Content-Language, Origin`, Doc: "Added to the request headers a preflight may ask for; trimmed and canonicalized, no wildcard."},
		{Name: "ExposedHeaders", Type: "list of strings", Default: "none", Doc: `Access-Control-Expose-Headers on responses to methods other than OPTIONS, joined with ",".`},
		{Name: "AllowCredentials", Type: "boolean", Default: "false", Doc: "true adds handlers.AllowCredentials(): Access-Control-Allow-Credentials: true."},
		{Name: "MaxAge", Type: "integer", Default: "0", Doc: "Access-Control-Max-Age in seconds on preflights, capped at 600; 0 or less sends none."},
		{Name: "OptionStatusCode", Type: "integer", Default: "200", Doc: "The status of a successful preflight."},
		{Name: "IgnoreOptions", Type: "boolean", Default: "false", Doc: "true adds handlers.IgnoreOptions(): every OPTIONS request from an allowed origin goes to the app, with no CORS header."},
		{Name: "AllowedOriginValidator", Type: "null", Default: "nil", Doc: "A Go func(string) bool deciding origins: only null has a JSON form."},
	},
	Quirks: []string{
		`Without AllowedOrigins every origin gets "Access-Control-Allow-Origin: *", and "*" anywhere in the list does the same; AllowCredentials then sends * with true, which browsers refuse.`,
		"Origins compare exactly and case-sensitively, without wildcards or patterns.",
		"Every OPTIONS request from an allowed origin is a preflight: without Access-Control-Request-Method it gets 400, with a method not allowed 405 (a lower-case \"patch\" included), with a header not allowed 403, all without CORS headers.",
		"An OPTIONS request without Origin (or with an empty one), or from an origin not allowed, gets an empty 200 and never reaches the app (unless IgnoreOptions); other methods reach it without CORS headers.",
		"Content-Type is not allowed by default: the defaults are Accept, Accept-Language, Content-Language and Origin, AllowedHeaders only adds to them, and \"*\" is no wildcard.",
		`Access-Control-Allow-Headers lists the requested headers minus the default ones, canonicalized and joined with "," (no space); Access-Control-Allow-Methods is sent only for a method other than GET, HEAD and POST.`,
		"MaxAge is silently capped at 600 seconds.",
		`Vary: Origin is sent only when more than one origin is listed, so a single echoed origin has no Vary.`,
		"IgnoreOptions hands every OPTIONS request from an allowed origin to the app without any CORS header, so preflights fail unless the app answers them.",
		`The method compares exactly: a lower-case "options" request is not a preflight.`,
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return newCors(o) },
	Summarize: summarize,
	Fixer:     fixer,
}

func init() {
	server.Register(&library)
}

// keys are the JSON keys, in the order their option functions are added.
var keys = []string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "AllowCredentials",
	"MaxAge", "OptionStatusCode", "IgnoreOptions", "AllowedOriginValidator"}

// cors is the library's cors struct after the option functions ran.
type cors struct {
	headers, methods, origins []string
	exposed                   []string
	maxAge, status            int
	ignoreOptions             bool
	credentials               bool
}

var defaultHeaders = []string{"Accept", "Accept-Language", "Content-Language", "Origin"}

// newCors mirrors parseCORSOptions with the options' functions.
func newCors(m map[string]json.RawMessage) (*cors, error) {
	o := server.NewOptions(m)
	c := &cors{methods: []string{"GET", "HEAD", "POST"}, headers: defaultHeaders, status: 200}
	var l []string
	if o.Get("AllowedOrigins", "a list of strings", &l) {
		// AllowedOrigins: "*" anywhere is ["*"].
		c.origins = l
		if contains(l, "*") {
			c.origins = []string{"*"}
		}
	}
	if l = nil; o.Get("AllowedMethods", "a list of strings", &l) {
		c.methods = []string{}
		for _, v := range l {
			if v = strings.ToUpper(strings.TrimSpace(v)); v != "" && !contains(c.methods, v) {
				c.methods = append(c.methods, v)
			}
		}
	}
	if l = nil; o.Get("AllowedHeaders", "a list of strings", &l) {
		c.headers = append([]string{}, defaultHeaders...)
		for _, v := range l {
			if v = gostack.CanonicalHeaderKey(strings.TrimSpace(v)); v != "" && !contains(c.headers, v) {
				c.headers = append(c.headers, v)
			}
		}
	}
	if l = nil; o.Get("ExposedHeaders", "a list of strings", &l) {
		c.exposed = []string{}
		for _, v := range l {
			if v = gostack.CanonicalHeaderKey(strings.TrimSpace(v)); v != "" && !contains(c.exposed, v) {
				c.exposed = append(c.exposed, v)
			}
		}
	}
	o.Get("AllowCredentials", "a boolean", &c.credentials)
	if o.Get("MaxAge", "an integer (a Go int)", &c.maxAge) {
		c.maxAge = min(c.maxAge, 600)
	}
	o.Get("OptionStatusCode", "an integer (a Go int)", &c.status)
	o.Get("IgnoreOptions", "a boolean", &c.ignoreOptions)
	if raw, ok := o.Raw("AllowedOriginValidator"); ok && string(raw) != "null" {
		o.Fail("AllowedOriginValidator", message.BriefJSON(raw)+" is not null: the validator is a Go func(string) bool, which JSON cannot express; list the origins in AllowedOrigins")
	}
	if err := o.Err(); err != nil {
		return nil, err
	}
	if u := o.Unknown(); len(u) > 0 {
		return nil, &server.OptionError{Path: u[0], Problem: "gorilla/handlers has no option " + u[0] + " (its options: " + strings.Join(keys, ", ") + ")"}
	}
	// net/http panics on WriteHeader below 100 or above 999 and sends 1xx
	// as an interim answer: neither is a final answer corsplay can show.
	if s := c.status; !c.ignoreOptions && (s < 200 || s > 599) {
		return nil, &server.OptionError{Path: "OptionStatusCode", Problem: strconv.Itoa(s) + ": corsplay models final statuses 200 to 599 (net/http panics on WriteHeader below 100 or above 999, and sends 1xx as an interim answer)"}
	}
	return c, nil
}

func (c *cors) Warnings() []string { return nil }

// Respond mirrors (*cors).ServeHTTP. Headers are built in the order net/http
// writes them (names sorted).
func (c *cors) Respond(req message.Request) message.Response {
	origin, _ := gostack.HeaderValue(req.Headers, "Origin")
	if !c.originAllowed(origin) {
		if req.Method != "OPTIONS" || c.ignoreOptions {
			return gostack.Answer(req.Method, 200, nil, true)
		}
		return gostack.Answer(req.Method, 200, nil, false)
	}
	var allowHeaders, allowMethods, exposed, maxAge string
	if req.Method == "OPTIONS" {
		if c.ignoreOptions {
			return gostack.Answer(req.Method, 200, nil, true)
		}
		method, ok := gostack.HeaderValue(req.Headers, "Access-Control-Request-Method")
		if !ok {
			return gostack.Answer(req.Method, 400, nil, false)
		}
		if !contains(c.methods, method) {
			return gostack.Answer(req.Method, 405, nil, false)
		}
		acrh, _ := gostack.HeaderValue(req.Headers, "Access-Control-Request-Headers")
		var allowed []string
		for _, v := range strings.Split(acrh, ",") {
			h := gostack.CanonicalHeaderKey(strings.TrimSpace(v))
			if h == "" || contains(defaultHeaders, h) {
				continue
			}
			if !contains(c.headers, h) {
				return gostack.Answer(req.Method, 403, nil, false)
			}
			allowed = append(allowed, h)
		}
		allowHeaders = strings.Join(allowed, ",")
		if c.maxAge > 0 {
			maxAge = strconv.Itoa(c.maxAge)
		}
		if method != "GET" && method != "HEAD" && method != "POST" {
			allowMethods = method
		}
	} else {
		exposed = strings.Join(c.exposed, ",")
	}
	var hs message.Headers
	add := func(name, v string) {
		if v != "" {
			hs = append(hs, message.Header{Name: name, Value: v})
		}
	}
	if c.credentials {
		add("Access-Control-Allow-Credentials", "true")
	}
	add("Access-Control-Allow-Headers", allowHeaders)
	add("Access-Control-Allow-Methods", allowMethods)
	if len(c.origins) == 0 || contains(c.origins, "*") {
		origin = "*"
	}
	hs = append(hs, message.Header{Name: "Access-Control-Allow-Origin", Value: origin})
	add("Access-Control-Expose-Headers", exposed)
	add("Access-Control-Max-Age", maxAge)
	if len(c.origins) > 1 {
		add("Vary", "Origin")
	}
	if req.Method == "OPTIONS" {
		return gostack.Answer(req.Method, c.status, hs, false)
	}
	return gostack.Answer(req.Method, 200, hs, true)
}

// originAllowed mirrors isOriginAllowed (no validator: it has no JSON form).
func (c *cors) originAllowed(origin string) bool {
	return origin != "" && (len(c.origins) == 0 || contains(c.origins, origin) || contains(c.origins, "*"))
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// summarize reads the options as the lint's policy words.
func summarize(m map[string]json.RawMessage) server.Summary {
	c, err := newCors(m)
	if err != nil {
		return server.Summary{}
	}
	s := server.Summary{Credentials: c.credentials}
	switch {
	case len(c.origins) == 0:
		s.AnyOrigin = "wildcard"
	case c.origins[0] == "*":
		s.AnyOrigin, s.AnyEntry = "wildcard", `"*"`
	default:
		for _, o := range c.origins {
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: o})
		}
		if len(c.origins) == 1 {
			s.Notes = append(s.Notes, "gorilla/handlers sends Vary: Origin only when more than one origin is listed.")
		}
	}
	if c.ignoreOptions {
		s.Notes = append(s.Notes, "IgnoreOptions: the app answers every OPTIONS request, without CORS headers.")
	}
	return s
}
