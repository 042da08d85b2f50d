package expresscors

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"corsplay/engine/server"
)

// fixer is express cors's part of the fixes: the keys of cors({…}).
var fixer = &server.Fixer{
	Language: "javascript",
	Options:  expressCorsOptions,
	Aliases: map[string]string{
		"origins": "origin", "allowedOrigins": "origin", "allowOrigin": "origin", "allowedOrigin": "origin",
		"withCredentials": "credentials", "supportsCredentials": "credentials", "allowCredentials": "credentials",
		"allowMethods": "methods", "allowedMethods": "methods", "method": "methods",
		"allowHeaders": "allowedHeaders", "requestHeaders": "allowedHeaders",
		"exposeHeaders": "exposedHeaders", "exposed": "exposedHeaders",
	},
	Unknown: func(opts map[string]json.RawMessage) []string {
		var out []string
		for k := range opts {
			if k != "__proto__" && !slices.Contains(expressCorsOptions, k) {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	},
	RenameWhy: func(from, to string) string {
		return fmt.Sprintf("%s is not a cors option: cors ignores it without a word. The option is %s.", from, to)
	},
	Origin:      expressAllowOrigin,
	Credentials: expressAllowCredentials,
	Method:      expressAllowMethod,
	Headers:     expressAllowHeaders,
	Status:      expressOKStatus,
	Call:        func(opts []server.Opt) string { return jsCall("cors", opts) },
}

func expressAllowOrigin(e *server.Edit, n server.Need) {
	raw, set := e.M["origin"]
	v := server.ParseNode(raw)
	name := func() {
		e.Set("origin", []string{n.Page})
		e.Narrowed = true
	}
	switch {
	case !set || (v.Kind == 's' && v.Text == "*"):
		if !n.Credentials {
			return // cors answers *
		}
		name()
		why := "origin is not set, so cors answers * (its default), which browsers refuse on a request with cookies. Name the page's origin."
		if set {
			why = "origin '*' makes cors answer *, which browsers refuse on a request with cookies. Name the page's origin instead."
		}
		e.Note("the origin "+n.Page, "", why)
	case v.Kind == 's' && v.Text == n.Page:
	case v.Kind == 's' && v.Text != "":
		e.Add("origin", n.Page)
		e.Note("the origin "+n.Page, "", fmt.Sprintf("origin %s is a single string: cors sends it to every caller as it is, so the browser refuses %s. In an array, each listed origin gets itself back.", Quote(v.Text), n.Page))
	case v.Kind == 'a' || (v.Kind == 'o' && raw != nil):
		if v.Kind == 'a' && slices.ContainsFunc(v.Items, func(it server.Node) bool { return it.Kind == 's' && it.Text == n.Page }) {
			return
		}
		e.Add("origin", n.Page)
		e.Note("the origin "+n.Page, "", fmt.Sprintf("origin does not include %s: cors answers it without Access-Control-Allow-Origin.", n.Page))
	case v.Kind == 't' || (v.Kind == 'n' && v.Text != "0"):
		if !n.Credentials {
			return // true echoes every origin
		}
		name()
		e.Note("the origin "+n.Page, "", fmt.Sprintf("origin: %s echoes every origin: with credentials any site the user visits could read with their cookies. List the page's origin instead.", jsLiteral(v)))
	default: // false, "", 0, null: CORS is off
		e.Set("origin", []string{n.Page})
		e.Note("the origin "+n.Page, "", fmt.Sprintf("origin is %s, which turns cors off: it adds no CORS header at all. Name the page's origin.", jsLiteral(v)))
	}
}

func expressAllowCredentials(e *server.Edit, n server.Need) {
	if string(e.M["credentials"]) == "true" {
		return
	}
	e.Set("credentials", true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): cors sends Access-Control-Allow-Credentials: true only with credentials: true.`)
}

// expressList reads a list option cors joins with ",".
func expressList(e *server.Edit, name string) (list []string, isString, ok bool) {
	list, isString, ok = e.Strs(name)
	if isString {
		list = strings.Split(list[0], ",")
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
		}
	}
	return list, isString, ok
}

func expressAllowMethod(e *server.Edit, n server.Need) {
	if n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" {
		return // cors checks no method; browsers need none of these listed
	}
	why := fmt.Sprintf("methods does not include %s: cors lists only those in Access-Control-Allow-Methods, and the browser refuses the rest.", n.Method)
	if !e.Has("methods") {
		e.Set("methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
		why = fmt.Sprintf("methods is not set, so cors sends its default GET,HEAD,PUT,PATCH,POST,DELETE, which does not include %s.", n.Method)
	}
	list, isString, ok := expressList(e, "methods")
	if !ok || slices.Contains(list, n.Method) || slices.Contains(list, "*") && !n.Credentials {
		return
	}
	if isString {
		e.Set("methods", strings.Join(append(list, n.Method), ","))
	} else {
		e.Add("methods", n.Method)
	}
	e.Note("the method "+n.Method, "", why)
}

func expressAllowHeaders(e *server.Edit, n server.Need) {
	name := "allowedHeaders"
	if !jsTruthy(jsValueOf(e.M[name])) {
		name = "headers"
	}
	if !jsTruthy(jsValueOf(e.M[name])) {
		return // cors echoes the requested headers
	}
	list, isString, ok := expressList(e, name)
	if !ok {
		return
	}
	var missing []string
	for _, h := range server.MissingFold(list, n.Headers) {
		if slices.Contains(list, "*") && !n.Credentials && !strings.EqualFold(h, "Authorization") {
			continue
		}
		missing = append(missing, h)
	}
	if len(missing) == 0 {
		return
	}
	if isString {
		e.Set(name, strings.Join(append(list, missing...), ","))
	} else {
		e.Add(name, missing...)
	}
	e.Note(server.HeadersNote(missing), "", fmt.Sprintf("%s does not include %s: cors sends only those in Access-Control-Allow-Headers, and the browser refuses the rest. (Left out, cors would allow whatever a preflight asks.)", name, server.AndList(missing)))
}

// jsValueOf decodes an option as JavaScript reads it; undefined when
// absent or unreadable.
func jsValueOf(raw json.RawMessage) any {
	if raw == nil {
		return jsUndefined{}
	}
	v, err := decodeJSValue(raw)
	if err != nil {
		return jsUndefined{}
	}
	return v
}

func expressOKStatus(e *server.Edit, n server.Need) {
	if jsTruthy(jsValueOf(e.M["preflightContinue"])) {
		e.Del("preflightContinue")
		e.Note("", "let cors answer preflights itself", "preflightContinue hands the preflight on to the routes, which do not answer OPTIONS with an ok status: without it cors answers 204 itself.")
	}
	if s, ok := nodeStatus(jsValueOf(e.M["optionsSuccessStatus"])); ok && (s < 200 || s > 299) {
		e.Del("optionsSuccessStatus")
		e.Note("", "answer preflights with 204", fmt.Sprintf("optionsSuccessStatus %d is not an ok status: browsers require 200 to 299 of a preflight. Without it cors answers 204.", s))
	}
}

// ---- The code's literals, from JSON values in their order ----

// jsLiteral writes a JSON value as JavaScript source; {"regexp": p,
// "flags": f} is the RegExp literal /p/f, as the express emulation reads it.
func jsLiteral(n server.Node) string {
	switch n.Kind {
	case 's':
		return Quote(n.Text)
	case 't':
		return "true"
	case 'f':
		return "false"
	case 'z':
		return "null"
	case 'a':
		parts := make([]string, len(n.Items))
		for i, it := range n.Items {
			parts[i] = jsLiteral(it)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case 'o':
		if re, ok := jsRegExpNode(n); ok {
			return re
		}
		parts := make([]string, len(n.Items))
		for i, it := range n.Items {
			parts[i] = jsKey(n.Keys[i]) + ": " + jsLiteral(it)
		}
		if len(parts) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return n.Text
}

func jsRegExpNode(n server.Node) (string, bool) {
	src, flags := "", ""
	for i, k := range n.Keys {
		if n.Items[i].Kind != 's' {
			return "", false
		}
		switch k {
		case "regexp":
			src = n.Items[i].Text
		case "flags":
			flags = n.Items[i].Text
		default:
			return "", false
		}
	}
	if !slices.Contains(n.Keys, "regexp") {
		return "", false
	}
	return RegExpLiteral(src) + flags, true
}

// jsKey writes an object key: bare when it is an identifier.
func jsKey(k string) string {
	if isIdentifier(k) {
		return k
	}
	return Quote(k)
}

// isIdentifier: an ASCII identifier in Python, Go and JavaScript.
func isIdentifier(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// callLine is the maximum width of a call printed on one line.
const callLine = 79

// jsCall prints cors({ name: value, … }): on one line when it fits, else
// one option a line.
func jsCall(fn string, opts []server.Opt) string {
	if len(opts) == 0 {
		return fn + "()"
	}
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = jsKey(o.Name) + ": " + jsLiteral(server.ParseNode(o.Raw))
	}
	if line := fn + "({ " + strings.Join(parts, ", ") + " })"; len(line) <= callLine {
		return line
	}
	return fn + "({\n  " + strings.Join(parts, ",\n  ") + ",\n})"
}

// Quote writes a JavaScript string literal in single quotes.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// RegExpLiteral writes /pattern/: an unescaped / is escaped, line
// terminators become escapes, and the empty pattern is (?:).
func RegExpLiteral(re string) string {
	if re == "" {
		return "/(?:)/"
	}
	var b strings.Builder
	b.WriteByte('/')
	escaped := false
	for _, r := range re {
		switch {
		case escaped:
			escaped = false
			if r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 {
				fmt.Fprintf(&b, `u%04x`, r) // after the backslash already written
				continue
			}
		case r == '\\':
			escaped = true
		case r == '/':
			b.WriteByte('\\')
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('/')
	return b.String()
}
