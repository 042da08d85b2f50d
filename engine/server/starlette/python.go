package starlette

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/pyconfig"
)

// order is the options in CORSMiddleware's signature order.
var order = []string{"allow_origins", "allow_methods", "allow_headers", "allow_credentials",
	"allow_origin_regex", "expose_headers", "max_age"}

// export writes a Starlette app serving route with these options, run by
// uvicorn on PORT (8080 when unset), route declared percent-decoded as the
// app reads a path. A "{" starts a path parameter (routing.compile_path).
func export(m map[string]json.RawMessage, route string) (string, error) {
	route, err := server.CheckRoute(unquote(message.RouteOr(route)), "{}", "Starlette")
	if err != nil {
		return "", err
	}
	if _, err := readOptions(m); err != nil {
		if oe, ok := err.(*server.OptionError); ok {
			return "", oe
		}
	}
	var opts []server.Opt
	for _, k := range order {
		if raw, ok := m[k]; ok {
			opts = append(opts, server.Opt{Name: k, Raw: raw})
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		opts = append(opts, server.Opt{Name: k, Raw: m[k]})
	}
	args, err := keywords(opts)
	if err != nil {
		return "", err
	}
	kw := ""
	for _, a := range args {
		kw += "            " + a + ",\n"
	}
	return `# Starlette 0.26.1's CORSMiddleware (FastAPI's CORSMiddleware is the same
# class) in front of an app whose route answers "ok" to GET, POST, PUT,
# DELETE and PATCH. Run: python3 app.py  (pip install starlette==0.26.1 uvicorn)
import os

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def ok(request):
    return PlainTextResponse("ok")


app = Starlette(
    routes=[Route(` + pyconfig.Str(route, true) + `, ok, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])],
    middleware=[
        Middleware(
            CORSMiddleware,
` + kw + `        )
    ],
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
`, nil
}

// keywords writes the options as Python keyword arguments, name=value;
// names Python cannot take as keywords go last, in **{...}.
func keywords(opts []server.Opt) ([]string, error) {
	names, values := make([]string, len(opts)), make([]string, len(opts))
	for i, o := range opts {
		v, err := pyconfig.Literal(o.Raw, true)
		if err != nil {
			return nil, &server.OptionError{Path: o.Name, Problem: err.Error()}
		}
		names[i], values[i] = o.Name, v
	}
	return pyconfig.Keywords(names, values, true), nil
}

// call is app.add_middleware(CORSMiddleware, ...), as FastAPI's
// documentation writes it: on one line when it fits, else one argument a
// line.
func call(opts []server.Opt) string {
	args, _ := keywords(opts)
	return pyconfig.Call("app.add_middleware", append([]string{"CORSMiddleware"}, args...))
}

// importCall reads CORSMiddleware(app, allow_origins=[...], ...),
// app.add_middleware(CORSMiddleware, ...) or Middleware(CORSMiddleware,
// ...) into options. Values must be Python literals.
func importCall(src string) (map[string]json.RawMessage, error) {
	p := pyconfig.New(src, false)
	start := -1
	for i, t := range p.Toks {
		if !p.IsCall(i) || t.Text != "CORSMiddleware" && !((t.Text == "add_middleware" || t.Text == "Middleware") && isCORSClass(p.Toks[i+2:])) {
			continue
		}
		if start >= 0 {
			return nil, p.Fail(t, "a second CORSMiddleware (the first is at "+pyconfig.At(src, p.Toks[start].Pos, "").Where()+"): paste one")
		}
		start = i
	}
	if start < 0 {
		if p.Err != nil {
			return nil, p.Err
		}
		return nil, errors.New("no CORSMiddleware(app, ...), app.add_middleware(CORSMiddleware, ...) or Middleware(CORSMiddleware, ...) call found")
	}
	fn, out, first, positional := p.Toks[start].Text, map[string]json.RawMessage{}, true, 0
	p.I = start + 2
	err := p.Args(func(t pyconfig.Token, key string) error {
		skip := first && (key == "" || fn != "CORSMiddleware") || key == "app" && fn == "CORSMiddleware" // the class, or the app
		first = false
		switch {
		case key == "*" || key == "**":
			return p.Fail(t, t.Text+" unpacking: corsplay reads literal keyword arguments only")
		case skip:
			p.Skip()
			return nil
		case key == "" && fn != "CORSMiddleware":
			return p.Fail(t, fn+" takes the options as keyword arguments (allow_origins=[...])")
		case key == "" && positional >= len(order):
			return p.Fail(t, "too many positional arguments: CORSMiddleware takes app and 7 options")
		case key == "":
			key = order[positional]
			positional++
		case out[key] != nil: // given by position first
			return p.Fail(t, "keyword argument repeated: "+key+" (Python refuses the call)")
		}
		v, err := p.Value(key)
		out[key] = json.RawMessage(v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// isCORSClass reports whether the arguments start with CORSMiddleware (or
// a dotted path to it).
func isCORSClass(toks []pyconfig.Token) bool {
	for i := 0; i < len(toks) && toks[i].Kind == 'n'; i += 2 {
		if i+1 >= len(toks) || !toks[i+1].Is(".") {
			return toks[i].Text == "CORSMiddleware"
		}
	}
	return false
}

// summarize reads the configuration in the policy's words.
func summarize(m map[string]json.RawMessage) server.Summary {
	var s server.Summary
	o, err := readOptions(m)
	if err != nil {
		return s
	}
	s.Credentials = o.credentials
	if o.origins.has("*") {
		s.AnyOrigin = "wildcard"
		if o.credentials {
			s.AnyOrigin = "reflect"
		}
		s.AnyEntry = strconv.Quote(o.origins.items[0])
		if !o.origins.str {
			s.AnyEntry = `"*"`
		}
		if !o.credentials {
			s.Notes = append(s.Notes, `"*" answers with * unless the request carries a Cookie header: then the origin is echoed.`)
		}
	}
	if o.origins.str {
		written := o.origins.items[0]
		for _, origin := range substringOrigins(written) {
			s.Origins = append(s.Origins, server.Entry{Written: written, Policy: origin})
		}
		s.Notes = append(s.Notes, "allow_origins is a string, which Starlette searches with Python's in: every origin that is part of it is let in.")
	} else {
		for _, e := range o.origins.items {
			if e == "*" || e == "" {
				continue
			}
			policy := e
			if strings.Contains(e, "*") || strings.HasPrefix(e, "re:") {
				policy = "re:^" + regexp.QuoteMeta(e) + "$"
			}
			s.Origins = append(s.Origins, server.Entry{Written: e, Policy: policy})
		}
	}
	if o.regex != nil {
		if g, err := pattern.TranslatePython(*o.regex, "$"); err == nil {
			s.Origins = append(s.Origins, server.Entry{Written: *o.regex, Policy: "re:^(?:" + g + ")$", Regex: true})
		}
	}
	if o.credentials && !o.origins.has("*") {
		s.Notes = append(s.Notes, "Access-Control-Allow-Credentials: true goes to every request with an Origin header, allowed or not.")
	}
	return s
}

// substringOrigins lists the http(s) origins (and null) that are part of
// s, at most 64.
func substringOrigins(s string) []string {
	var out []string
	if strings.Contains(s, "null") {
		out = append(out, "null")
	}
	for i := 0; i < len(s) && len(out) < 64; i++ {
		var host int
		switch {
		case strings.HasPrefix(s[i:], "https://"):
			host = i + 8
		case strings.HasPrefix(s[i:], "http://"):
			host = i + 7
		default:
			continue
		}
		port := -1
		for j := host; j < len(s) && len(out) < 64; j++ {
			c := s[j]
			if c == ':' && port < 0 && j > host {
				port = j
				continue
			}
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (port < 0 && (c == '.' || c == '-'))) {
				break
			}
			if port < 0 && (c == '.' || c == '-') {
				continue
			}
			if o := s[i : j+1]; !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}
