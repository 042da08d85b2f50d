package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/expresscors"
	"corsplay/engine/server/flaskcors"
	"corsplay/engine/server/flaskcors/flaskfix"
	"corsplay/engine/server/jub0bscors"
)

// Export targets.
const (
	TargetFlask   = "flask-cors"
	TargetRSCors  = "rs-cors"
	TargetJub0bs  = "jub0bs-cors"
	TargetExpress = "express-cors"
	TargetNginx   = "nginx"
)

// ExportTargets lists the targets Export writes code for.
var ExportTargets = []string{TargetFlask, TargetRSCors, TargetJub0bs, TargetExpress, TargetNginx}

// Export is ready-to-paste server code for a policy, and what the target
// cannot express: the code then does less than the policy, or something
// else that Lost says.
type Export struct {
	Target string `json:"target"`
	Code   string `json:"code"`
	// Library is the code's CORS configuration as the engine emulates it:
	// the options the code passes, with the same names and values, so that
	// Server{Library: Library} answers what the code answers. It is built
	// from the same values the code is printed from. nil for nginx, and for
	// rs-cors code that decides origins in an AllowOriginFunc (regular
	// expressions, reflect): a Go function is no option value.
	Library *Library `json:"library,omitempty"`
	Lost    []string `json:"lost,omitempty"`
}

// The lines that make each program listen (on localhost:8080), one per
// program: a test runs the code on its own port by replacing them.
const (
	ExportListenFlask   = "app.run(host='localhost', port=8080)"
	ExportListenGo      = `http.ListenAndServe("localhost:8080", `
	ExportListenExpress = "app.listen(8080, 'localhost');"
	ExportListenNginx   = "listen 127.0.0.1:8080;"
)

// ExportPolicy writes the policy for a target library (or nginx).
func ExportPolicy(p Policy, target string) (Export, error) {
	if err := p.validate(); err != nil {
		return Export{}, err
	}
	c, err := p.compile()
	if err != nil {
		return Export{}, err
	}
	x := &exporter{p: c, out: Export{Target: target}}
	switch target {
	case TargetFlask:
		x.flask()
	case TargetRSCors:
		x.rsCors()
	case TargetJub0bs:
		x.jub0bs()
	case TargetExpress:
		x.express()
	case TargetNginx:
		x.nginx()
	default:
		return Export{}, &FieldError{"target", fmt.Sprintf("%q is not an export target: use one of %s", target, strings.Join(ExportTargets, ", "))}
	}
	x.out.Code = x.b.String()
	return x.out, nil
}

type exporter struct {
	p   *compiledPolicy
	b   strings.Builder
	out Export
}

func (x *exporter) printf(format string, args ...any) { fmt.Fprintf(&x.b, format, args...) }

func (x *exporter) lose(format string, args ...any) {
	x.out.Lost = append(x.out.Lost, fmt.Sprintf(format, args...))
}

// libOption is one option the code passes to a library: its name and its
// value as the library's JSON options hold it. The code is printed from
// it, and Export.Library built from it, so the two cannot drift.
type libOption struct {
	name    string
	value   any    // string, []string, bool, int64, exportRegExp, []any of string and exportRegExp, or goCode
	comment string // a trailing comment in the code
}

// goCode is Go source that no JSON option value can hold (a function): the
// export then has no Library.
type goCode string

// exportRegExp is a RegExp literal in an express-cors origin; as an option
// value it is {"regexp": pattern}, the emulation's form.
type exportRegExp string

func (r exportRegExp) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"regexp": string(r)})
}

// library sets Export.Library from the options the code passes, and keeps
// Lost honest about what the library does with them: a configuration it
// refuses at start-up, or one corsplay cannot emulate.
func (x *exporter) library(name string, opts []libOption) {
	m := map[string]json.RawMessage{}
	for _, o := range opts {
		if _, ok := o.value.(goCode); ok {
			return
		}
		b, err := json.Marshal(o.value)
		if err != nil {
			panic(err) // the values above always marshal
		}
		m[o.name] = b
	}
	l := &Library{Name: name, Options: m}
	x.out.Library = l
	_, err := l.emulation()
	var ce *ConfigError
	switch {
	case err == nil:
	case errors.As(err, &ce):
		x.lose("%s refuses this configuration at start-up, so the server does not start: %s", name, ce.Message)
	default:
		x.lose("corsplay cannot emulate this %s configuration, so the code is not checked: %v", name, err)
	}
}

// originRegexp is a rule as a regular expression searched (unanchored, as
// the policy does) by JavaScript's RegExp.test and nginx's PCRE; the
// shapes corsplay writes are the same in RE2, PCRE, JavaScript and
// Python.
func originRegexp(r originRule) string {
	port := ""
	if r.port != "" {
		port = ":" + regexp.QuoteMeta(r.port)
	}
	switch r.kind {
	case "subdomains":
		return "^" + regexp.QuoteMeta(r.scheme) + `://([a-z0-9_-]+\.)+` + regexp.QuoteMeta(r.host) + port + "$"
	case "anyPort":
		return "^" + regexp.QuoteMeta(r.scheme) + "://" + regexp.QuoteMeta(r.host) + `(:\d+)?$`
	case "regex":
		return r.raw[3:]
	}
	return "^" + regexp.QuoteMeta(r.raw) + "$"
}

// pyOriginRegexp is originRegexp for Flask-CORS, which uses re.match: a
// match at the start only. A pattern not anchored there is wrapped so that
// it is searched, as the policy does (".*" never crosses a newline, and
// origins have none).
func pyOriginRegexp(r originRule) string {
	re := originRegexp(r)
	if strings.HasPrefix(re, "^") && !strings.Contains(re, "|") {
		return re
	}
	return ".*(?:" + re + ")"
}

// regexpDialect reports a construct of a Go (RE2) pattern that the
// target's regular expressions read differently or refuse, "" when none
// is known. lang is "python" (Python 3.11's re) or "js" (V8 without
// flags).
func regexpDialect(pattern, lang string) string {
	type construct struct{ re, what, langs string }
	for _, c := range []construct{
		{`\\[pP]`, `Unicode classes \p{…}`, "python js"},
		{`\\z`, `\z`, "python js"},
		{`\\A`, `\A`, "js"},
		{`\\Q`, `\Q…\E quoting`, "python js"},
		{`\\C`, `\C`, "python js"},
		{`\[\[:`, `ASCII classes [[:alpha:]]`, "python js"},
		{`\(\?[imsU-]+[:)]`, `flags (?i) and the like`, "js"},
		{`\(\?[imsU-]*U`, `the ungreedy flag (?U)`, "python"},
		{`\(\?P<`, `named groups (?P<name>…)`, "js"},
		{`\(\?<[A-Za-z_]`, `named groups (?<name>…)`, "python"},
		{`\\x\{`, `\x{…} escapes`, "python js"},
	} {
		if strings.Contains(c.langs, lang) && regexp.MustCompile(c.re).MatchString(pattern) {
			return c.what
		}
	}
	return ""
}

// explicitMethods are the methods to list for libraries without "*".
var explicitMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// methodList is the policy's methods for a target that needs the
// safelisted ones listed too (most libraries check every method); star
// says whether the target's list can hold "*" with the policy's meaning.
func (x *exporter) methodList(star bool, lib string) []string {
	if slices.Contains(x.p.Methods, "*") && !star {
		x.lose("methods * (any method): %s has no equivalent; the common methods %s are listed instead", lib, strings.Join(explicitMethods, ", "))
		return explicitMethods
	}
	out := []string{"GET", "HEAD", "POST"}
	for _, m := range x.p.Methods {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// exposeList is the policy's exposed headers for a library: with
// credentials, browsers read "*" as a header name, and the policy exposes
// the headers the response carries, which only the application knows.
func (x *exporter) exposeList() []string {
	if !x.p.Credentials || !slices.Contains(x.p.ExposeHeaders, "*") {
		return x.p.ExposeHeaders
	}
	x.lose("exposeHeaders * with credentials: browsers read * as a header name there, and the policy exposes the headers each response carries, which only the application knows; * is left out: list the headers to expose")
	return slices.DeleteFunc(slices.Clone(x.p.ExposeHeaders), func(h string) bool { return h == "*" })
}

// echoesAllHeaders notes the loss when a library that echoes whatever
// headers a preflight asks for stands in for "*" without credentials,
// which never covers Authorization.
func (x *exporter) echoesAllHeaders(lib string) {
	p := x.p
	if slices.Contains(p.RequestHeaders, "*") && !p.Credentials && !slices.ContainsFunc(p.RequestHeaders, func(h string) bool { return strings.EqualFold(h, "Authorization") }) {
		x.lose("requestHeaders * without credentials: %s allows every requested header, Authorization included, which * does not cover", lib)
	}
}

// Python literals.

func pyValue(v any) string {
	switch v := v.(type) {
	case string:
		return pyString(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = pyString(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(v, 10)
	}
	panic(fmt.Sprintf("pyValue %T", v))
}

// pyString is a Python 3 string literal (the one Flask-CORS's fixes print).
var pyString = flaskfix.PyString

// Go literals.

func goValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []string:
		return goList(v)
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case goCode:
		return string(v)
	}
	panic(fmt.Sprintf("goValue %T", v))
}

func goList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

// goRegexpLiteral is a pattern as a Go string literal, raw when it can be.
func goRegexpLiteral(re string) string {
	if strconv.CanBackquote(re) {
		return "`" + re + "`"
	}
	return strconv.Quote(re)
}

// JavaScript literals.

func jsValue(v any) string {
	switch v := v.(type) {
	case string:
		return expresscors.Quote(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = expresscors.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case []any:
		q := make([]string, len(v))
		for i, e := range v {
			q[i] = jsValue(e)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case exportRegExp:
		return expresscors.RegExpLiteral(string(v))
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	panic(fmt.Sprintf("jsValue %T", v))
}

// flask writes a Flask app with Flask-CORS. Literal origins stay literal;
// patterns become regular expressions (Flask-CORS matches them with
// re.match and re.IGNORECASE, literals with casefold).
func (x *exporter) flask() {
	p := x.p
	var origins []string
	var opts []libOption
	switch p.AnyOrigin {
	case AnyOriginWildcard, AnyOriginReflect:
		origins = []string{"*"}
	default:
		origins = []string{}
		for _, r := range p.rules {
			if r.kind == "exact" {
				origins = append(origins, r.raw)
				continue
			}
			re := pyOriginRegexp(r)
			if d := regexpDialect(re, "python"); d != "" {
				x.lose("origin %s: Python's re has no %s (Flask-CORS never matches a pattern re refuses); rewrite the pattern", r.raw, d)
			}
			origins = append(origins, re)
		}
		if p.AllowNull {
			origins = append(origins, "null")
		}
	}
	comment := ""
	if len(origins) == 0 {
		comment = "the policy allows no origin"
	}
	opts = append(opts, libOption{"origins", origins, comment})
	opts = append(opts, libOption{"methods", x.methodList(false, "Flask-CORS"), ""})
	if slices.Contains(p.RequestHeaders, "*") {
		opts = append(opts, libOption{"allow_headers", "*", ""})
		x.echoesAllHeaders("Flask-CORS")
	} else {
		opts = append(opts, libOption{"allow_headers", append([]string{}, p.RequestHeaders...), ""})
	}
	if expose := x.exposeList(); len(expose) > 0 {
		opts = append(opts, libOption{"expose_headers", expose, ""})
	}
	credentials := p.Credentials
	if p.AnyOrigin == AnyOriginWildcard && p.Credentials {
		credentials = false
		x.lose("anyOrigin wildcard with credentials: Flask-CORS refuses send_wildcard with supports_credentials (ValueError), so supports_credentials is left out; browsers refuse credentialed requests answered with * anyway")
	}
	if credentials {
		opts = append(opts, libOption{"supports_credentials", true, ""})
	}
	if p.AnyOrigin == AnyOriginWildcard {
		opts = append(opts, libOption{"send_wildcard", true, ""})
	}
	if p.MaxAge != nil {
		if *p.MaxAge == 0 {
			opts = append(opts, libOption{"max_age", "0", "a string: Flask-CORS leaves out a max_age of 0"})
		} else {
			opts = append(opts, libOption{"max_age", *p.MaxAge, ""})
		}
	}
	if !p.vary() {
		opts = append(opts, libOption{"vary_header", false, ""})
	}
	opts = append(opts, libOption{"always_send", false, "no CORS headers on requests without Origin"})
	if s := p.preflightStatus(); s != 200 {
		x.lose("preflightStatus %d: Flask answers preflights 200 (its automatic OPTIONS response)", s)
	}
	x.library(flaskcors.Name, opts)

	x.printf("from flask import Flask, jsonify\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(\n    app,\n")
	for _, o := range opts {
		x.printf("    %s=%s,", o.name, pyValue(o.value))
		if o.comment != "" {
			x.printf("  # %s", o.comment)
		}
		x.printf("\n")
	}
	x.printf(")\n\n\n")
	methods := pyValue([]string{"GET", "POST", "PUT", "PATCH", "DELETE"})
	x.printf("@app.route('/', defaults={'path': ''}, methods=%s)\n@app.route('/<path:path>', methods=%s)\ndef api(path):\n    return jsonify(ok=True)\n\n\nif __name__ == '__main__':\n    %s\n", methods, methods, ExportListenFlask)
}

// goProgram prints a Go program configuring a middleware with opts.
func (x *exporter) goProgram(pkg, decls, config string, opts []libOption, build, wrap string) {
	imports := []string{"log", "net/http"}
	if decls != "" {
		imports = append(imports, "regexp", "slices")
	}
	x.printf("package main\n\nimport (\n")
	for _, i := range imports {
		x.printf("\t%q\n", i)
	}
	x.printf("\n\t%q\n)\n\n%sfunc main() {\n\t%s(cors.%s{\n", pkg, decls, build, config)
	x.printf("%s", goFields(opts))
	x.printf("\t})\n")
	if build != "c := cors.New" {
		x.printf("\tif err != nil {\n\t\tlog.Fatal(err) // jub0bs/cors explains what it refuses\n\t}\n")
	}
	x.printf("\tapi := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Header().Set(\"Content-Type\", \"application/json\")\n\t\tw.Write([]byte(`{\"ok\":true}`))\n\t})\n\tlog.Fatal(%s%s(api)))\n}\n", ExportListenGo, wrap)
}

// goFields prints the fields of a composite literal as gofmt lays them
// out (server.GoFields), indented for a call inside main.
func goFields(opts []libOption) string {
	fields := make([]server.GoField, len(opts))
	for i, o := range opts {
		fields[i] = server.GoField{o.name, goValue(o.value), o.comment}
	}
	return server.GoFields(fields, "\t\t")
}

// rsCors writes a Go server with rs/cors.
func (x *exporter) rsCors() {
	p := x.p
	var origins, exact []string
	var patterns []string
	for _, r := range p.rules {
		switch r.kind {
		case "exact":
			exact = append(exact, r.raw)
			origins = append(origins, r.raw)
		case "subdomains":
			origins = append(origins, r.scheme+"://*."+r.host+portSuffix(r.port))
			patterns = append(patterns, originRegexp(r))
		case "anyPort":
			// rs/cors's "http://localhost:*" needs a port; list the portless origin too.
			origins = append(origins, r.scheme+"://"+r.host+":*", r.scheme+"://"+r.host)
			patterns = append(patterns, originRegexp(r))
		case "regex":
			patterns = append(patterns, originRegexp(r))
		}
	}
	if p.AllowNull {
		exact = append(exact, "null")
		origins = append(origins, "null")
	}
	hasRegex := slices.ContainsFunc(p.rules, func(r originRule) bool { return r.kind == "regex" })
	var opts []libOption
	decls := ""
	switch {
	case p.AnyOrigin == AnyOriginWildcard:
		opts = append(opts, libOption{"AllowedOrigins", []string{"*"}, ""})
	case p.AnyOrigin == AnyOriginReflect:
		opts = append(opts, libOption{"AllowOriginFunc", goCode("func(string) bool { return true }"), "reflects every origin"})
	case hasRegex:
		// rs/cors has no regular expressions, and ignores AllowedOrigins
		// once a function is set: the function decides every origin.
		var b strings.Builder
		fmt.Fprintf(&b, "var (\n\tallowedOrigins  = %s\n\tallowedPatterns = []*regexp.Regexp{\n", goList(append([]string{}, exact...)))
		for _, re := range patterns {
			fmt.Fprintf(&b, "\t\tregexp.MustCompile(%s),\n", goRegexpLiteral(re))
		}
		b.WriteString("\t}\n)\n\n// allowOrigin decides the origins: rs/cors has no regular expressions, and\n// ignores AllowedOrigins once a function is set. Like the policy, it compares\n// origins exactly and searches each pattern unanchored.\nfunc allowOrigin(origin string) bool {\n\tif slices.Contains(allowedOrigins, origin) {\n\t\treturn true\n\t}\n\tfor _, re := range allowedPatterns {\n\t\tif re.MatchString(origin) {\n\t\t\treturn true\n\t\t}\n\t}\n\treturn false\n}\n\n")
		decls = b.String()
		opts = append(opts, libOption{"AllowOriginFunc", goCode("allowOrigin"), ""})
	case len(origins) == 0:
		opts = append(opts, libOption{"AllowedOrigins", []string{"https://no-origin.invalid"}, "the policy allows no origin (an empty list would mean all)"})
	default:
		opts = append(opts, libOption{"AllowedOrigins", origins, ""})
	}
	opts = append(opts, libOption{"AllowedMethods", x.methodList(false, "rs/cors"), ""})
	if len(p.RequestHeaders) > 0 {
		opts = append(opts, libOption{"AllowedHeaders", append([]string{}, p.RequestHeaders...), ""})
		x.echoesAllHeaders("rs/cors")
	} else {
		x.lose("requestHeaders empty: rs/cors has no way to allow no header (an empty AllowedHeaders means its defaults), so it allows Accept, Content-Type and X-Requested-With: a JSON Content-Type passes")
	}
	if expose := x.exposeList(); len(expose) > 0 {
		opts = append(opts, libOption{"ExposedHeaders", expose, ""})
	}
	if p.Credentials {
		opts = append(opts, libOption{"AllowCredentials", true, ""})
	}
	if p.MaxAge != nil {
		if v := *p.MaxAge; v == 0 {
			opts = append(opts, libOption{"MaxAge", int64(-1), "rs/cors: 0 leaves the header out, a negative value sends 0"})
		} else {
			opts = append(opts, libOption{"MaxAge", v, ""})
		}
	}
	if s := p.preflightStatus(); s != 204 {
		opts = append(opts, libOption{"OptionsSuccessStatus", int64(s), ""})
	}
	if !p.vary() {
		x.lose("vary false: rs/cors always sends Vary")
	}
	x.library("rs-cors", opts)
	x.goProgram("github.com/rs/cors", decls, "Options", opts, "c := cors.New", "c.Handler")
}

func portSuffix(port string) string {
	if port == "" {
		return ""
	}
	return ":" + port
}

// jub0bs writes a Go server with jub0bs/cors, which refuses insecure
// configurations up front.
func (x *exporter) jub0bs() {
	p := x.p
	origins := []string{}
	var insecure, publicSuffix []string
	credentials := p.Credentials
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		origins = []string{"*"}
		if credentials {
			credentials = false
			x.lose("anyOrigin wildcard with credentials: jub0bs/cors refuses the pair, so Credentialed is left out; browsers refuse credentialed requests answered with * anyway")
		}
	case AnyOriginReflect:
		x.lose("anyOrigin reflect: jub0bs/cors cannot reflect every origin (by design); no origin is exported")
	default:
		for _, r := range p.rules {
			var o string
			switch r.kind {
			case "exact":
				o = r.raw
			case "subdomains":
				o = r.scheme + "://*." + r.host + portSuffix(r.port)
			case "anyPort":
				o = r.scheme + "://" + r.host + ":*"
			case "regex":
				x.lose("origin %s: jub0bs/cors has no regular expressions; list the origins or use https://*.domain", r.raw)
				continue
			}
			origins = append(origins, o)
			if bad, suffix := jub0bscors.CredentialedRisks(o); credentials {
				if bad {
					insecure = append(insecure, o)
				}
				if suffix {
					publicSuffix = append(publicSuffix, o)
				}
			}
		}
		if p.AllowNull {
			x.lose("allowNull: jub0bs/cors refuses the null origin (any site can take it on)")
		}
	}
	opts := []libOption{{"Origins", origins, ""}}
	if credentials {
		opts = append(opts, libOption{"Credentialed", true, ""})
	}
	var methods []string
	for _, m := range p.Methods {
		if !IsSafelistedMethod(m) {
			methods = append(methods, m)
		}
	}
	if len(methods) > 0 {
		opts = append(opts, libOption{"Methods", methods, ""})
	}
	if len(p.RequestHeaders) > 0 {
		opts = append(opts, libOption{"RequestHeaders", append([]string{}, p.RequestHeaders...), ""})
	}
	if p.MaxAge != nil {
		if v := *p.MaxAge; v <= 0 {
			opts = append(opts, libOption{"MaxAgeInSeconds", int64(-1), "jub0bs/cors: -1 sends 0, 0 leaves the header out"})
		} else {
			opts = append(opts, libOption{"MaxAgeInSeconds", v, ""})
		}
	}
	if expose := x.exposeList(); len(expose) > 0 {
		opts = append(opts, libOption{"ResponseHeaders", expose, ""})
	}
	if len(insecure) > 0 {
		opts = append(opts, libOption{"DangerouslyTolerateInsecureOrigins", true, "the policy allows " + strings.Join(insecure, ", ") + " with credentials: anyone on the network path can act as it"})
	}
	if len(publicSuffix) > 0 {
		opts = append(opts, libOption{"DangerouslyTolerateSubdomainsOfPublicSuffixes", true, "the policy allows " + strings.Join(publicSuffix, ", ") + " with credentials: anyone can register such a subdomain"})
	}
	if s := p.preflightStatus(); s != 204 {
		x.lose("preflightStatus %d: jub0bs/cors answers preflights 204", s)
	}
	if !p.vary() {
		x.lose("vary false: jub0bs/cors always sends Vary")
	}
	x.library("jub0bs-cors", opts)
	x.goProgram("github.com/jub0bs/cors", "", "Config", opts, "mw, err := cors.NewMiddleware", "mw.Wrap")
}

// express writes an Express app with the cors middleware; patterns become
// RegExp literals, which cors tests unanchored as the policy does.
func (x *exporter) express() {
	p := x.p
	var origin any
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		origin = "*"
	case AnyOriginReflect:
		origin = true
	default:
		var items []any
		for _, r := range p.rules {
			if r.kind == "exact" {
				items = append(items, r.raw)
				continue
			}
			re := originRegexp(r)
			if d := regexpDialect(re, "js"); d != "" {
				x.lose("origin %s: JavaScript's RegExp has no %s; rewrite the pattern", r.raw, d)
			}
			items = append(items, exportRegExp(re))
		}
		if p.AllowNull {
			items = append(items, "null")
		}
		origin = items
		if len(items) == 0 {
			origin = false
		}
	}
	comment := ""
	if origin == false {
		comment = "the policy allows no origin: CORS is off"
	}
	opts := []libOption{{"origin", origin, comment}}
	// With credentials, browsers read * in Access-Control-Allow-Methods as
	// a method name, and cors cannot echo the requested method.
	opts = append(opts, libOption{"methods", x.methodList(!p.Credentials, "the cors package with credentials"), ""})
	switch {
	case slices.Contains(p.RequestHeaders, "*") && p.Credentials:
		// Left out, cors echoes the requested headers, as the policy does.
	default:
		opts = append(opts, libOption{"allowedHeaders", append([]string{}, p.RequestHeaders...), ""})
	}
	if expose := x.exposeList(); len(expose) > 0 {
		opts = append(opts, libOption{"exposedHeaders", expose, ""})
	}
	if p.Credentials {
		opts = append(opts, libOption{"credentials", true, ""})
	}
	if p.MaxAge != nil {
		opts = append(opts, libOption{"maxAge", *p.MaxAge, ""})
	}
	if s := p.preflightStatus(); s != 204 {
		opts = append(opts, libOption{"optionsSuccessStatus", int64(s), ""})
	}
	if !p.vary() {
		x.lose("vary false: the cors package adds Vary: Origin whenever the answer depends on the origin")
	}
	x.library(expresscors.Name, opts)

	x.printf("const express = require('express');\nconst cors = require('cors');\n\nconst app = express();\napp.use(cors({\n")
	for _, o := range opts {
		x.printf("  %s: %s,", o.name, jsValue(o.value))
		if o.comment != "" {
			x.printf(" // %s", o.comment)
		}
		x.printf("\n")
	}
	x.printf("}));\napp.all('/{*path}', (req, res) => res.json({ ok: true }));\n%s\n", ExportListenExpress)
}

// nginxString is a double-quoted nginx string. nginx has no escape for $,
// which starts a variable in a value (not in a map's source values): the
// caller reports values holding one.
func nginxString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// nginxMapKey is a map source value matching exactly s: nginx reads a
// leading ~ as a regular expression, and a few words as parameters.
func nginxMapKey(s string) string {
	switch {
	case strings.HasPrefix(s, "~"), s == "default", s == "hostnames", s == "include", s == "volatile":
		s = `\` + s
	}
	return nginxString(s)
}

// nginx writes maps and a server block answering CORS itself, header for
// header as the policy's middleware: the maps pick the allowed origin and
// recognise preflights, and each CORS header goes only to allowed origins.
func (x *exporter) nginx() {
	p := x.p
	x.printf("# Inside http { }: the maps decide, the server answers.\n")
	x.printf("# The allowed origin, \"\" for none (nginx compares the strings case-insensitively;\n# browsers send origins in lower case).\n")
	x.printf("map $http_origin $cors_origin {\n    default \"\";\n")
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		x.printf("    \"~.\" \"*\";\n")
	case AnyOriginReflect:
		x.printf("    \"~.\" $http_origin;\n")
	default:
		for _, r := range p.rules {
			if r.kind == "exact" {
				x.printf("    %s $http_origin;\n", nginxMapKey(r.raw))
			} else {
				x.printf("    %s $http_origin;\n", nginxString("~"+originRegexp(r)))
			}
		}
		if p.AllowNull {
			x.printf("    \"null\" $http_origin;\n")
		}
	}
	x.printf("}\n")
	x.printf("# A preflight: OPTIONS with an Origin and an Access-Control-Request-Method.\n")
	x.printf("map \"$request_method $http_origin $http_access_control_request_method\" $cors_preflight {\n    default \"\";\n    \"~^OPTIONS \\S+ \\S\" 1;\n}\n")
	// gated prints a map giving value to allowed origins only.
	var preflight, actual [][2]string // header name, variable
	gated := func(variable, value string) string {
		x.printf("map $cors_origin $%s {\n    \"\" \"\";\n    default %s;\n}\n", variable, value)
		return "$" + variable
	}
	// value is a header value for a map, "" when it cannot be written.
	value := func(field, v string) string {
		if strings.Contains(v, "$") {
			x.lose("%s %s: nginx reads the $ of a string as a variable; the header is left out", field, v)
			return ""
		}
		return nginxString(v)
	}
	if p.Credentials {
		v := gated("cors_credentials", "true")
		preflight = append(preflight, [2]string{headerAllowCredentials, v})
		actual = append(actual, [2]string{headerAllowCredentials, v})
	}
	if slices.Contains(p.Methods, "*") && p.Credentials {
		preflight = append(preflight, [2]string{headerAllowMethods, gated("cors_allow_methods", "$http_access_control_request_method")})
	} else if v := value("methods", p.listValue(p.Methods, "", false)); len(p.Methods) > 0 && v != "" {
		preflight = append(preflight, [2]string{headerAllowMethods, gated("cors_allow_methods", v)})
	}
	if slices.Contains(p.RequestHeaders, "*") && p.Credentials {
		preflight = append(preflight, [2]string{headerAllowHeaders, gated("cors_allow_headers", "$http_access_control_request_headers")})
	} else if v := value("requestHeaders", p.listValue(p.RequestHeaders, "", true)); len(p.RequestHeaders) > 0 && v != "" {
		preflight = append(preflight, [2]string{headerAllowHeaders, gated("cors_allow_headers", v)})
	}
	if p.MaxAge != nil {
		preflight = append(preflight, [2]string{headerMaxAge, gated("cors_max_age", strconv.FormatInt(*p.MaxAge, 10))})
	}
	if expose := x.exposeList(); len(expose) > 0 {
		if v := value("exposeHeaders", strings.Join(expose, ", ")); v != "" {
			actual = append(actual, [2]string{headerExposeHeaders, gated("cors_expose_headers", v)})
		}
	}
	var vary, preflightVary []string
	if p.vary() && p.originDependent() {
		vary = append(vary, "Origin")
	}
	preflightVary = append(preflightVary, vary...)
	if p.vary() && p.echoes(p.Methods) {
		preflightVary = append(preflightVary, headerRequestMethod)
	}
	if p.vary() && p.echoes(p.RequestHeaders) {
		preflightVary = append(preflightVary, headerRequestHeaders)
	}
	headers := func(indent string, hs [][2]string, vary []string) {
		x.printf("%sadd_header %s $cors_origin always;\n", indent, headerAllowOrigin)
		for _, h := range hs {
			x.printf("%sadd_header %s %s always;\n", indent, h[0], h[1])
		}
		if len(vary) > 0 {
			x.printf("%sadd_header Vary %s always;\n", indent, nginxString(strings.Join(vary, ", ")))
		}
	}
	x.printf("\nserver {\n    %s\n\n    location / {\n        if ($cors_preflight) {\n", ExportListenNginx)
	headers("            ", preflight, preflightVary)
	x.printf("            return %d;\n        }\n", p.preflightStatus())
	headers("        ", actual, vary)
	x.printf("        default_type application/json;\n        return 200 '{\"ok\":true}';\n    }\n}\n")
}
