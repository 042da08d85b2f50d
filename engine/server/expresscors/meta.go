package expresscors

import (
	"encoding/json"
	"fmt"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// optionDocs are cors()'s options (lib/index.js), for the library panel.
var optionDocs = []server.Option{
	{Name: "origin", Type: `string, boolean, list or {"regexp": "...", "flags": "i"}`, Default: `"*"`, Doc: "The origins let in."},
	{Name: "methods", Type: "string or list", Default: `"GET,HEAD,PUT,PATCH,POST,DELETE"`, Doc: "Access-Control-Allow-Methods."},
	{Name: "allowedHeaders", Type: "string or list", Default: "omitted (echo the request's)", Doc: "Access-Control-Allow-Headers."},
	{Name: "headers", Type: "string or list", Doc: "allowedHeaders's alias."},
	{Name: "exposedHeaders", Type: "string or list", Doc: "Access-Control-Expose-Headers."},
	{Name: "credentials", Type: "boolean", Default: "false", Doc: "true sends Access-Control-Allow-Credentials."},
	{Name: "maxAge", Type: "number", Default: "omitted", Doc: "Access-Control-Max-Age."},
	{Name: "preflightContinue", Type: "boolean", Default: "false", Doc: "Hands preflights on to the routes."},
	{Name: "optionsSuccessStatus", Type: "number", Default: "204", Doc: "The preflight's status."},
}

// quirks are what cors() does that its options do not say.
var quirks = []string{"origin: true reflects every origin; a string is sent as is to everyone. A refused origin still gets the other CORS headers. Without allowedHeaders the requested headers are echoed. RegExp tests are unanchored searches."}

// summarize reads cors()'s options the way lib/index.js uses them, in the
// policy's words; the notes say what a policy cannot.
func summarize(opts map[string]json.RawMessage) server.Summary {
	var s server.Summary
	c, err := newCors(opts)
	if err != nil {
		return s
	}
	note := s.Note
	origin := c.get("origin")
	if !jsTruthy(origin) {
		note("origin is %s, which is falsy: cors() then adds no CORS header at all, so the policy allows nothing.", jsRepr(origin))
		return s
	}
	s.Credentials = c.get("credentials") == true
	switch v := origin.(type) {
	case string:
		if v == "*" {
			s.AnyOrigin = "wildcard"
			if _, set := opts["origin"]; set {
				s.AnyEntry = `"*"`
			}
			break
		}
		sent := strings.Trim(v, " \t")
		s.Origins = append(s.Origins, server.Entry{Written: v, Policy: server.ExactEntry(sent)})
		note("origin %q is a single string: cors() sends Access-Control-Allow-Origin: %s to every origin and lets the browser refuse the others; the policy answers only that origin. Browsers decide the same.", v, sent)
		if strings.Contains(v, "*") || server.LooksLikeRegex(v) {
			what := "regular-expression character"
			if looksGlob(v) {
				what = "*"
			}
			s.Flagged = append(s.Flagged, server.Flagged{Entry: v, Title: "A pattern in the origin string is sent as text: " + v,
				Detail: fmt.Sprintf("cors() sends a string origin as it is, to every origin: Access-Control-Allow-Origin: %s. Browsers compare it with the page's origin exactly, and a %s there is only text, so every cross-origin request fails.", sent, what),
				Fix:    "Use a RegExp for a pattern, anchored at both ends, such as origin: /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/ (cors() then reflects a matching origin), or list the exact origins in an array."})
		}
	default:
		summarizeOrigins(&s, origin)
	}

	if m, err := jsJoinIfJoinable(c.get("methods")); err == nil {
		text, _ := jsToString(m)
		methods := server.SplitList(text)
		if slices.Contains(methods, "*") && s.Credentials {
			note(`methods "*" with credentials: cors() sends * as is, which browsers read as a method named * on a credentialed request; the policy echoes the requested method, so a credentialed PUT passes the policy and fails with the library.`)
		}
		s.Methods = server.Tokens(note, "methods", methods, xcACAM)
	}
	allowed := c.get("allowedHeaders")
	if !jsTruthy(allowed) {
		allowed = c.get("headers")
	}
	switch v, err := jsJoinIfJoinable(allowed); {
	case !jsTruthy(allowed) && s.Credentials: // echoes what is asked
		s.RequestHeaders = []string{"*"}
	case !jsTruthy(allowed): // "*" without credentials does not cover Authorization
		s.RequestHeaders = []string{"*", "Authorization"}
	case err == nil:
		text, _ := jsToString(v)
		headers := server.SplitList(text)
		if slices.Contains(headers, "*") && s.Credentials {
			note(`allowedHeaders "*" with credentials: cors() sends * as is, which browsers read as a header named * on a credentialed request; the policy echoes the requested headers instead.`)
		}
		s.RequestHeaders = server.Tokens(note, "allowedHeaders", headers, xcACAH)
	}
	if hs, err := c.configureExposedHeaders(); err == nil && len(hs) > 0 {
		text, _ := jsToString(hs[0].value)
		expose := server.SplitList(text)
		if slices.Contains(expose, "*") && s.Credentials {
			note(`exposedHeaders "*" with credentials: cors() sends * as is, which browsers read as a header named * on a credentialed request (nothing is exposed); the policy lists the response's headers instead.`)
		}
		s.ExposeHeaders = server.Tokens(note, "exposedHeaders", expose, "")
	}
	if hs, err := c.configureMaxAge(); err == nil && len(hs) > 0 {
		text, _ := hs[0].value.(string)
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			s.MaxAge = &n
		} else {
			note("maxAge is sent as %q; browsers ignore an Access-Control-Max-Age that is not a whole number (and cache for 5 seconds), so the policy leaves it out.", text)
		}
	}
	if jsTruthy(c.get("preflightContinue")) {
		s.PreflightStatus = 200 // Express's router answers OPTIONS
	} else if st, ok := nodeStatus(c.get("optionsSuccessStatus")); ok && st != 204 {
		s.PreflightStatus = st
	}
	// What throws in lib/index.js shows as Express's 500.
	probe := message.Headers{{Name: "Origin", Value: "https://example.com"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}
	if c.Respond(message.Request{Method: "OPTIONS", URL: "https://api.example.com/", Headers: probe}).Status == 500 {
		s.PreflightStatus = 500
		note("cors() throws on every preflight with these options, and Express answers 500 without CORS headers; the policy answers 500 too.")
	}
	if c.Respond(message.Request{Method: "GET", URL: "https://api.example.com/", Headers: probe[:1]}).Status == 500 {
		note("cors() throws on every request with these options, and Express answers 500; the policy cannot say that: it answers as configured.")
	}
	if s.AnyOrigin != "wildcard" && s.PreflightStatus != 500 {
		note("cors() sends Access-Control-Allow-Methods, -Allow-Headers and -Max-Age on every preflight, to refused origins too, and never compares them with what the preflight asks: the browser does the refusing. The policy sends them to allowed origins only; browsers decide the same.")
	}
	return s
}

// OriginTrue: em's origin is true itself, rather than another value that
// reflects every origin (the lint says which).
func OriginTrue(em server.Emulation) bool {
	c, ok := em.(*cors)
	return ok && c.get("origin") == true
}

// summarizeOrigins walks an origin value other than a string: arrays
// element by element, RegExps as unanchored searches, strings compared
// with ===, anything else truthy allowing every origin.
func summarizeOrigins(s *server.Summary, v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			summarizeOrigins(s, e)
		}
	case string:
		if x == "" {
			return
		}
		s.Origins = append(s.Origins, server.Entry{Written: x, Policy: server.ExactEntry(x)})
		if strings.Contains(x, "*") || server.LooksLikeRegex(x) {
			what := "regular expression"
			if looksGlob(x) {
				what = "wildcard"
			}
			s.Flagged = append(s.Flagged, server.Flagged{Entry: x, Title: "A pattern in the origin array is compared as text: " + x,
				Detail: fmt.Sprintf("cors() compares each string of the origin array with the request's Origin using ===: %q is written as a %s, but its special characters are only characters there, so it never matches.", x, what),
				Fix:    "Use a RegExp for a pattern, anchored at both ends, such as /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/ in the array, or list the exact origins."})
		}
	case *jsRegExp:
		s.Origins = append(s.Origins, server.Entry{Written: RegExpText(x.source, x.flags), Policy: "re:" + goPattern(x), Regex: true, Source: x.source, Flags: x.flags})
	default:
		if jsTruthy(x) && s.AnyOrigin == "" {
			s.AnyOrigin = "reflect"
			s.AnyEntry = jsRepr(x)
		}
	}
}

// looksGlob: a * other than in .* makes an entry look like a wildcard.
func looksGlob(s string) bool { return strings.Contains(strings.ReplaceAll(s, ".*", ""), "*") }

// RegExpText writes a RegExp as cors()'s options show it: /source/flags,
// an unescaped / escaped.
func RegExpText(source, flags string) string {
	var b strings.Builder
	for i := 0; i < len(source); i++ {
		switch {
		case source[i] == '\\' && i+1 < len(source):
			b.WriteString(source[i : i+2])
			i++
		case source[i] == '/':
			b.WriteString(`\/`)
		default:
			b.WriteByte(source[i])
		}
	}
	return "/" + b.String() + "/" + flags
}

// jsRepr writes a JavaScript value the way source code would.
func jsRepr(v any) string {
	switch x := v.(type) {
	case jsUndefined:
		return "undefined"
	case string:
		return strconv.Quote(x)
	case *jsRegExp:
		return RegExpText(x.source, x.flags)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// goPattern is a RegExp as a Go pattern: its own source when every
// construct in it means the same in both on what Node can receive (Latin-1
// text without control characters), else the exact translation, printed
// by regexp/syntax.
func goPattern(r *jsRegExp) string {
	if jsPortable(r.source) && !strings.ContainsAny(r.flags, "gyuvd") {
		flags := ""
		for _, f := range "ims" {
			if strings.ContainsRune(r.flags, f) {
				flags += string(f)
			}
		}
		src := r.source
		if flags != "" {
			src = "(?" + flags + ")" + src
		}
		if _, err := pattern.Compile(src); err == nil && len(src) <= maxPatternBytes {
			return src
		}
	}
	if re, err := syntax.Parse(r.re.String(), syntax.Perl); err == nil {
		return re.Simplify().String()
	}
	return r.re.String()
}

// jsPortable: a JavaScript pattern made only of constructs RE2 reads
// the same way: literals, escaped punctuation, \d \w \b (ASCII in both),
// classes of plain ranges, groups, alternation, quantifiers, ^ and $.
func jsPortable(s string) bool {
	inClass := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c >= 0x7f:
			return false
		case c == '\\':
			if i+1 >= len(s) {
				return false
			}
			i++
			e := s[i]
			if !(strings.IndexByte(`.\/-^$*+?()[]{}|:`, e) >= 0 || (!inClass && strings.IndexByte("dDwWbB", e) >= 0) || (inClass && strings.IndexByte("dw", e) >= 0)) {
				return false
			}
		case inClass && c == '[':
			return false // [[:alpha:]] is a POSIX class in Go, text in JavaScript
		case inClass && c == ']':
			inClass = false
		case c == '[':
			inClass = true
			if strings.HasPrefix(s[i+1:], "]") || strings.HasPrefix(s[i+1:], "^]") {
				return false // [] and [^] mean nothing and anything in JavaScript
			}
		case c == '(' && strings.HasPrefix(s[i+1:], "?") && !strings.HasPrefix(s[i+1:], "?:"):
			return false
		}
	}
	return !inClass
}
