// Package flaskfix is Flask-CORS's part of the fixes (a server.Fixer over
// CORS(app, …)'s keyword arguments), shared by every version corsplay
// emulates (engine/server/flaskcors: 3.0.10 and 6.0.2), which read these
// options alike. It also holds
// what both emulations and the engine's Flask programs share: the option
// names, Python truthiness, and the printing of Python literals and of the
// CORS(app, …) call. It is in the page's WebAssembly build: keep it small.
package flaskfix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"corsplay/engine/server"
)

// ProbablyRegex is core.probably_regex: any of * \ ] ? $ ^ [ ( ) makes a
// string a regular expression ("." "+" "|" "{" do not).
func ProbablyRegex(s string) bool { return strings.ContainsAny(s, `*\]?$^[()`) }

// Names are the keys of core.DEFAULT_OPTIONS before 4.0.2: any other key is
// unknown (serialize_options logs it and goes on).
var Names = []string{"origins", "methods", "allow_headers", "expose_headers",
	"supports_credentials", "max_age", "send_wildcard", "automatic_options", "vary_header",
	"resources", "intercept_exceptions", "always_send"}

// Fixer edits CORS(app, …)'s keyword arguments. Its Options add 4.0.2's
// allow_private_network, last: a version without it uses Names (3.0.10).
var Fixer = &server.Fixer{
	Language: "python",
	Options:  append(slices.Clip(Names), "allow_private_network"),
	Aliases: map[string]string{
		"headers": "allow_headers", "allowed_headers": "allow_headers", "credentials": "supports_credentials",
		"allow_credentials": "supports_credentials", "exposed_headers": "expose_headers", "expose": "expose_headers",
		"allow_methods": "methods", "allowed_methods": "methods", "allow_origins": "origins", "allowed_origins": "origins",
	},
	Unknown: func(opts map[string]json.RawMessage) []string {
		var out []string
		for k := range opts {
			if k != "app" && k != "allow_private_network" && !slices.Contains(Names, k) {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	},
	RenameWhy: func(from, to string) string {
		why := from + ` is not a Flask-CORS option: Flask-CORS logs "Unknown option passed to Flask-CORS: ` + from + `" and goes on without it.`
		if from == "headers" && to == "allow_headers" {
			why += ` It was removed in 2.0, so allow_headers stayed "*" and nothing was restricted.`
		}
		return why + " The option is " + to + "."
	},
	Origin:      allowOrigin,
	Credentials: allowCredentials,
	Method:      allowMethod,
	Headers:     allowHeaders,
	Call:        func(opts []server.Opt) string { return PyCall("CORS", "app", opts) },
}

// anyOrigin: "*" (the default) or ".*" lets every origin in.
func anyOrigin(s string) bool { return s == "*" || s == ".*" }

func allowOrigin(o *server.Edit, n server.Need) {
	list, _, ok := o.Strs("origins")
	if o.Has("origins") && !ok {
		return
	}
	if !o.Has("origins") || slices.ContainsFunc(list, anyOrigin) {
		if !n.Credentials {
			return // Flask-CORS echoes every origin
		}
		why := `origins is not set, so it is "*": Flask-CORS then echoes every origin, and with supports_credentials any site the user visits could read with their cookies. Name the page's origin instead.`
		if o.Has("origins") {
			why = `origins "*" makes Flask-CORS echo every origin: with supports_credentials any site the user visits could read with their cookies. Name the page's origin instead.`
		}
		list = slices.DeleteFunc(list, anyOrigin)
		if !server.ContainsFold(list, n.Page) {
			list = append(list, n.Page)
		}
		o.Set("origins", list)
		if o.Has("send_wildcard") {
			o.Del("send_wildcard")
			why += " send_wildcard goes too: with credentials a * is refused."
		}
		o.Narrowed = true
		o.Note("the origin "+n.Page, "", why)
		return
	}
	if server.ContainsFold(list, n.Page) { // literals are compared with casefold
		return
	}
	o.Add("origins", n.Page)
	o.Note("the origin "+n.Page, "", "origins does not include "+n.Page+": Flask-CORS answers it without Access-Control-Allow-Origin.")
}

func allowCredentials(o *server.Edit, n server.Need) {
	if Truthy(o.M, "supports_credentials", false) {
		return
	}
	o.Set("supports_credentials", true)
	o.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): Flask-CORS sends Access-Control-Allow-Credentials: true only with supports_credentials=True.`)
}

func allowMethod(o *server.Edit, n server.Need) {
	if string(o.M["methods"]) == "null" {
		o.Del("methods")
		o.Note("", "leave methods out", "methods=None makes CORS(app) fail (\"'NoneType' object has no attribute 'upper'\"), so the server does not start. Left out, methods is every method.")
		return
	}
	list, isString, ok := o.Strs("methods")
	if !ok || strings.Contains(strings.ToUpper(strings.Join(list, ", ")), n.Method) {
		return // not set: every method; set: a substring test
	}
	switch {
	case isString && strings.TrimSpace(list[0]) != "":
		o.Set("methods", list[0]+", "+n.Method) // a string is the header's value
	case isString:
		o.Set("methods", []string{n.Method})
	default:
		o.Add("methods", n.Method)
	}
	why := "methods does not include " + n.Method + ": Flask-CORS answers its preflight without Access-Control-Allow-Methods."
	if n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
		why = "methods does not include " + n.Method + ": Flask-CORS answers a preflight for a method it does not list without Access-Control-Allow-Headers, even for GET, HEAD or POST."
	}
	o.Note("the method "+n.Method, "", why)
}

func allowHeaders(o *server.Edit, n server.Need) {
	list, _, ok := o.Strs("allow_headers")
	if !ok || slices.ContainsFunc(list, anyOrigin) {
		return // not set: "*", every header
	}
	missing := server.MissingFold(list, n.Headers)
	if len(missing) == 0 {
		return
	}
	o.Add("allow_headers", missing...)
	what := "the request header "
	if len(missing) > 1 {
		what = "the request headers "
	}
	o.Note(what+server.AndList(missing), "", "allow_headers does not include "+server.AndList(missing)+": Flask-CORS leaves it out of Access-Control-Allow-Headers, and the browser refuses the request.")
}

// Truthy is Python's bool() of option name: false, null, 0, "", [] and {}
// are false; anything else, "false" and "0" included, is true.
func Truthy(opts map[string]json.RawMessage, name string, def bool) bool {
	raw, ok := opts[name]
	if !ok {
		return def
	}
	switch s := strings.TrimSpace(string(raw)); {
	case s == "false" || s == "null" || s == `""` || s == "":
		return false
	case s[0] == '[':
		var l []json.RawMessage
		return json.Unmarshal(raw, &l) != nil || len(l) > 0
	case s[0] == '{':
		var m map[string]json.RawMessage
		return json.Unmarshal(raw, &m) != nil || len(m) > 0
	case s[0] == '-' || (s[0] >= '0' && s[0] <= '9'):
		f, err := strconv.ParseFloat(s, 64)
		return err != nil || f != 0 // out of range is ±inf
	}
	return true
}

// PyCall prints fn(first, name=value, …): on one line when it fits in 79
// columns, else one argument a line. A name that is no keyword argument
// (or is first's: Import reads app=… as the TypeError it is) goes in **{…}.
func PyCall(fn string, first string, opts []server.Opt) string {
	args := []string{first}
	var odd []string
	for _, o := range opts {
		v := PyLiteral(o.Raw)
		if isIdentifier(o.Name) && o.Name != first {
			args = append(args, o.Name+"="+v)
		} else {
			odd = append(odd, PyString(o.Name)+": "+v)
		}
	}
	if len(odd) > 0 {
		args = append(args, "**{"+strings.Join(odd, ", ")+"}")
	}
	if line := fn + "(" + strings.Join(args, ", ") + ")"; len(line) <= 79 {
		return line
	}
	return fn + "(\n    " + strings.Join(args, ",\n    ") + ",\n)"
}

// PyLiteral writes a JSON value as the Python literal json.loads reads it
// as; objects keep their key order.
func PyLiteral(raw json.RawMessage) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b strings.Builder
	var write func() bool
	write = func() bool {
		t, err := dec.Token()
		switch t := t.(type) {
		case string:
			b.WriteString(PyString(t))
		case json.Number:
			b.WriteString(t.String()) // JSON's number syntax is Python's
		case bool:
			if t {
				b.WriteString("True")
			} else {
				b.WriteString("False")
			}
		case json.Delim:
			b.WriteString(t.String())
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				if t == '{' {
					k, _ := dec.Token()
					s, _ := k.(string)
					b.WriteString(PyString(s) + ": ")
				}
				if !write() {
					return false
				}
			}
			end, _ := dec.Token()
			b.WriteString(fmt.Sprint(end))
		default:
			if err != nil {
				return false
			}
			b.WriteString("None")
		}
		return true
	}
	if !write() {
		return string(raw)
	}
	return b.String()
}

// PyString is a Python 3 string literal: plain when it can be, raw for
// regular expressions, escaped otherwise.
func PyString(s string) string {
	printable := utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) })
	switch {
	case printable && !strings.ContainsAny(s, `\'`):
		return "'" + s + "'"
	case printable && !strings.Contains(s, "'") && !strings.HasSuffix(s, `\`):
		return "r'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == utf8.RuneError || !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// isIdentifier: s can be a keyword argument's name as written (ASCII:
// Python would NFKC-normalize other names; no keyword).
func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != "" && !slices.Contains(pyKeywords, s)
}

var pyKeywords = strings.Fields("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield")
