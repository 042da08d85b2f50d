package engine

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
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
// cannot express: the code then does less than the policy, never something
// else.
type Export struct {
	Target string   `json:"target"`
	Code   string   `json:"code"`
	Lost   []string `json:"lost,omitempty"`
}

// ExportPolicy writes the policy for a target library (or nginx).
func ExportPolicy(p Policy, target string) (Export, error) {
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

// originRegexp is a rule as an anchored regular expression (RE2 syntax,
// which Python's re and JavaScript share for these shapes).
func originRegexp(r originRule) string {
	port := ""
	if r.port != "" {
		port = ":" + regexp.QuoteMeta(r.port)
	}
	switch r.kind {
	case "subdomains":
		return "^" + regexp.QuoteMeta(r.scheme) + `://([a-z0-9-]+\.)+` + regexp.QuoteMeta(r.host) + port + "$"
	case "anyPort":
		return "^" + regexp.QuoteMeta(r.scheme) + "://" + regexp.QuoteMeta(r.host) + `(:\d+)?$`
	case "regex":
		return r.raw[3:]
	}
	return "^" + regexp.QuoteMeta(r.raw) + "$"
}

// explicitMethods are the methods to list for libraries without "*".
var explicitMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// methodList is the policy's methods for a target that needs the
// safelisted ones listed too (most libraries check every method).
func (x *exporter) methodList(star bool) []string {
	if slices.Contains(x.p.Methods, "*") && !star {
		x.lose("methods: * (any method) has no equivalent; the common methods %s are listed instead", strings.Join(explicitMethods, ", "))
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

func pyList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = pyString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func pyString(s string) string {
	if strings.ContainsAny(s, `\'`) {
		return "r" + strconv.Quote(s)
	}
	return "'" + s + "'"
}

func goList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func jsList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = jsString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// flask writes a Flask app with Flask-CORS. Literal origins stay literal;
// patterns become anchored regexes (Flask-CORS matches with re.match, a
// prefix match, so the $ is essential).
func (x *exporter) flask() {
	p := x.p
	var origins []string
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		origins = []string{"*"}
		if p.Credentials {
			x.lose("anyOrigin wildcard with credentials: Flask-CORS refuses send_wildcard with supports_credentials (ValueError); exported as reflect-any, which is far more dangerous: review it")
		}
	case AnyOriginReflect:
		origins = []string{"*"}
	default:
		for _, r := range p.rules {
			if r.kind == "exact" {
				origins = append(origins, r.raw)
			} else {
				origins = append(origins, originRegexp(r))
			}
		}
		if p.AllowNull {
			origins = append(origins, "null")
		}
	}
	x.printf("from flask import Flask, jsonify\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n")
	if len(origins) == 0 {
		x.printf("# The policy allows no origin: no CORS at all.\n")
	} else {
		args := []string{"origins=" + pyList(origins)}
		args = append(args, "methods="+pyList(x.methodList(false)))
		switch {
		case slices.Contains(p.RequestHeaders, "*"):
			args = append(args, "allow_headers='*'")
		default:
			args = append(args, "allow_headers="+pyList(p.RequestHeaders))
		}
		if len(p.ExposeHeaders) > 0 {
			args = append(args, "expose_headers="+pyList(p.ExposeHeaders))
		}
		if p.Credentials {
			args = append(args, "supports_credentials=True")
		}
		if p.AnyOrigin == AnyOriginWildcard && !p.Credentials {
			args = append(args, "send_wildcard=True")
		}
		if p.MaxAge != nil {
			args = append(args, fmt.Sprintf("max_age=%s", pyString(strconv.FormatInt(*p.MaxAge, 10))))
		}
		if !p.vary() {
			args = append(args, "vary_header=False")
		}
		x.printf("CORS(app,\n     %s)\n", strings.Join(args, ",\n     "))
	}
	if s := p.preflightStatus(); s != 200 {
		x.lose("preflightStatus %d: Flask answers preflights 200 (its automatic OPTIONS response)", s)
	}
	x.printf("\n\n@app.route('/<path:path>', methods=%s)\ndef api(path):\n    return jsonify(ok=True)\n", pyList(explicitMethods))
}

// rsCors writes a Go server with rs/cors.
func (x *exporter) rsCors() {
	p := x.p
	var origins []string
	var regexps []string
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		origins = []string{"*"}
	case "":
		for _, r := range p.rules {
			switch r.kind {
			case "exact":
				origins = append(origins, r.raw)
			case "subdomains":
				origins = append(origins, r.scheme+"://*."+r.host+portSuffix(r.port))
			case "anyPort":
				// rs/cors's "http://localhost:*" needs a port; list the portless origin too.
				origins = append(origins, r.scheme+"://"+r.host+":*", r.scheme+"://"+r.host)
			case "regex":
				regexps = append(regexps, r.raw[3:])
			}
		}
		if p.AllowNull {
			origins = append(origins, "null")
		}
	}
	x.printf("package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n")
	if len(regexps) > 0 {
		x.printf("\t\"regexp\"\n\t\"slices\"\n")
	}
	x.printf("\n\t\"github.com/rs/cors\"\n)\n\n")
	if len(regexps) > 0 {
		x.printf("var (\n\tallowedOrigins = %s\n\tallowedPatterns = []*regexp.Regexp{\n", goList(origins))
		for _, re := range regexps {
			x.printf("\t\tregexp.MustCompile(%s),\n", "`"+re+"`")
		}
		x.printf("\t}\n)\n\n// allowOrigin: rs/cors ignores AllowedOrigins once a function is set, so it\n// checks both (and, like the policy, searches each pattern unanchored).\nfunc allowOrigin(origin string) bool {\n\tif slices.Contains(allowedOrigins, origin) {\n\t\treturn true\n\t}\n\tfor _, re := range allowedPatterns {\n\t\tif re.MatchString(origin) {\n\t\t\treturn true\n\t\t}\n\t}\n\treturn false\n}\n\n")
		x.lose("patterns re: and the other origins are checked by an AllowOriginFunc; rs/cors's own wildcard entries (https://*.example.com) are then written as plain strings compared exactly")
	}
	x.printf("func main() {\n\tc := cors.New(cors.Options{\n")
	switch {
	case p.AnyOrigin == AnyOriginReflect:
		x.printf("\t\tAllowOriginFunc: func(string) bool { return true }, // reflects every origin\n")
	case len(regexps) > 0:
		x.printf("\t\tAllowOriginFunc: allowOrigin,\n")
	case len(origins) == 0:
		x.printf("\t\tAllowedOrigins: []string{\"https://no-origin.invalid\"}, // the policy allows no origin (an empty list would mean all)\n")
	default:
		x.printf("\t\tAllowedOrigins: %s,\n", goList(origins))
	}
	x.printf("\t\tAllowedMethods: %s,\n", goList(x.methodList(false)))
	if len(p.RequestHeaders) > 0 {
		x.printf("\t\tAllowedHeaders: %s,\n", goList(p.RequestHeaders))
	} else {
		x.printf("\t\tAllowedHeaders: []string{}, // none beyond the safelisted ones\n")
		x.lose("requestHeaders empty: rs/cors still allows its default Accept, Content-Type and X-Requested-With when the list is empty, so an empty list is written as []string{}, which rs/cors treats the same way: Content-Type (JSON) is allowed")
	}
	if len(p.ExposeHeaders) > 0 {
		x.printf("\t\tExposedHeaders: %s,\n", goList(p.ExposeHeaders))
	}
	if p.Credentials {
		x.printf("\t\tAllowCredentials: true,\n")
	}
	if p.MaxAge != nil {
		v := *p.MaxAge
		if v == 0 {
			v = -1 // rs/cors: 0 omits the header, a negative value sends 0
		}
		x.printf("\t\tMaxAge: %d,\n", v)
	}
	if s := p.preflightStatus(); s != 204 {
		x.printf("\t\tOptionsSuccessStatus: %d,\n", s)
	}
	x.printf("\t})\n\tapi := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Header().Set(\"Content-Type\", \"application/json\")\n\t\tw.Write([]byte(`{\"ok\":true}`))\n\t})\n\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", c.Handler(api)))\n}\n")
	if !p.vary() {
		x.lose("vary false: rs/cors always sends Vary: Origin")
	}
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
	var origins []string
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		origins = []string{"*"}
	case AnyOriginReflect:
		x.lose("anyOrigin reflect: jub0bs/cors cannot reflect every origin (by design); no origin is exported")
	default:
		for _, r := range p.rules {
			switch r.kind {
			case "exact":
				origins = append(origins, r.raw)
			case "subdomains":
				origins = append(origins, r.scheme+"://*."+r.host+portSuffix(r.port))
			case "anyPort":
				origins = append(origins, r.scheme+"://"+r.host+":*")
			case "regex":
				x.lose("origin %s: jub0bs/cors has no regular expressions; list the origins or use https://*.domain", r.raw)
			}
		}
		if p.AllowNull {
			x.lose("allowNull: jub0bs/cors refuses the null origin (any site can take it on)")
		}
	}
	x.printf("package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t\"github.com/jub0bs/cors\"\n)\n\nfunc main() {\n\tmw, err := cors.NewMiddleware(cors.Config{\n")
	x.printf("\t\tOrigins: %s,\n", goList(origins))
	if p.Credentials {
		x.printf("\t\tCredentialed: true,\n")
	}
	var methods []string
	for _, m := range p.Methods {
		if !IsSafelistedMethod(m) {
			methods = append(methods, m)
		}
	}
	if len(methods) > 0 {
		x.printf("\t\tMethods: %s,\n", goList(methods))
	}
	if len(p.RequestHeaders) > 0 {
		x.printf("\t\tRequestHeaders: %s,\n", goList(p.RequestHeaders))
	}
	if p.MaxAge != nil {
		v := *p.MaxAge
		if v <= 0 {
			v = -1 // jub0bs/cors: -1 disables caching, 0 means the default
		}
		x.printf("\t\tMaxAgeInSeconds: %d,\n", v)
	}
	if len(p.ExposeHeaders) > 0 {
		x.printf("\t\tResponseHeaders: %s,\n", goList(p.ExposeHeaders))
	}
	x.printf("\t})\n\tif err != nil {\n\t\tlog.Fatal(err) // jub0bs/cors explains what it refuses\n\t}\n\tapi := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Header().Set(\"Content-Type\", \"application/json\")\n\t\tw.Write([]byte(`{\"ok\":true}`))\n\t})\n\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", mw.Wrap(api)))\n}\n")
	if s := p.preflightStatus(); s != 204 {
		x.lose("preflightStatus %d: jub0bs/cors answers preflights 204", s)
	}
}

// express writes an Express app with the cors middleware; patterns become
// RegExp literals, which cors tests unanchored as the policy does.
func (x *exporter) express() {
	p := x.p
	var origin string
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		origin = "'*'"
	case AnyOriginReflect:
		origin = "true"
	default:
		var items []string
		for _, r := range p.rules {
			if r.kind == "exact" {
				items = append(items, jsString(r.raw))
			} else {
				items = append(items, "/"+strings.ReplaceAll(originRegexp(r), "/", `\/`)+"/")
			}
		}
		if p.AllowNull {
			items = append(items, "'null'")
		}
		origin = "[" + strings.Join(items, ", ") + "]"
		if len(items) == 0 {
			origin = "false"
		}
	}
	x.printf("const express = require('express');\nconst cors = require('cors');\n\nconst app = express();\napp.use(cors({\n  origin: %s,\n", origin)
	x.printf("  methods: %s,\n", jsList(x.methodList(true)))
	if !slices.Contains(p.RequestHeaders, "*") {
		x.printf("  allowedHeaders: %s,\n", jsList(p.RequestHeaders))
	}
	if len(p.ExposeHeaders) > 0 {
		x.printf("  exposedHeaders: %s,\n", jsList(p.ExposeHeaders))
	}
	if p.Credentials {
		x.printf("  credentials: true,\n")
	}
	if p.MaxAge != nil {
		x.printf("  maxAge: %d,\n", *p.MaxAge)
	}
	if s := p.preflightStatus(); s != 204 {
		x.printf("  optionsSuccessStatus: %d,\n", s)
	}
	x.printf("}));\napp.all('/{*path}', (req, res) => res.json({ ok: true }));\napp.listen(8080, 'localhost');\n")
	if !p.vary() {
		x.lose("vary false: the cors package adds Vary: Origin whenever the answer depends on the origin")
	}
}

// nginx writes a server block answering CORS itself: a map picks the
// allowed origin, preflights are answered in place.
func (x *exporter) nginx() {
	p := x.p
	x.printf("map $http_origin $cors_origin {\n    default \"\";\n")
	switch p.AnyOrigin {
	case AnyOriginWildcard:
		x.printf("    \"~.\" \"*\";\n")
	case AnyOriginReflect:
		x.printf("    \"~.\" $http_origin;\n")
	default:
		for _, r := range p.rules {
			if r.kind == "exact" {
				x.printf("    %s $http_origin;\n", strconv.Quote(r.raw))
			} else {
				x.printf("    %s $http_origin;\n", strconv.Quote("~"+originRegexp(r)))
			}
		}
		if p.AllowNull {
			x.printf("    \"null\" $http_origin;\n")
		}
	}
	x.printf("}\n")
	cred := ""
	if p.Credentials {
		cred = "true"
	}
	x.printf("map $cors_origin $cors_credentials {\n    \"\" \"\";\n    default %q;\n}\n\n", cred)
	common := func(indent string) {
		x.printf("%sadd_header Access-Control-Allow-Origin $cors_origin always;\n", indent)
		x.printf("%sadd_header Access-Control-Allow-Credentials $cors_credentials always;\n", indent)
		if p.vary() && p.originDependent() {
			x.printf("%sadd_header Vary Origin always;\n", indent)
		}
	}
	x.printf("server {\n    listen 127.0.0.1:8080;\n\n    location / {\n        if ($request_method = OPTIONS) {\n")
	common("            ")
	if v := x.p.listValue(p.Methods, "$http_access_control_request_method", false); v != "" {
		x.printf("            add_header Access-Control-Allow-Methods %q always;\n", v)
	}
	if v := x.p.listValue(p.RequestHeaders, "$http_access_control_request_headers", true); v != "" {
		x.printf("            add_header Access-Control-Allow-Headers %q always;\n", v)
	}
	if p.MaxAge != nil {
		x.printf("            add_header Access-Control-Max-Age %d always;\n", *p.MaxAge)
	}
	x.printf("            return %d;\n        }\n", p.preflightStatus())
	common("        ")
	if len(p.ExposeHeaders) > 0 {
		x.printf("        add_header Access-Control-Expose-Headers %q always;\n", strings.Join(p.ExposeHeaders, ", "))
	}
	x.printf("        default_type application/json;\n        return 200 '{\"ok\":true}';\n    }\n}\n")
	x.lose("nginx answers every OPTIONS as a preflight, and sends Access-Control-Allow-Methods/-Headers to refused origins too (without Access-Control-Allow-Origin, so browsers still refuse them)")
}
