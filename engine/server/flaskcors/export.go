package flaskcors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// export writes the Flask app the emulation answers for: CORS(app,
// **options) with the options as Python literals (json.loads would build
// the same values), routes "/" and "/<path:path>" answering "ok" to GET,
// POST, PUT, PATCH and DELETE, listening on $PORT (default 8080).
func (v *version) export(opts map[string]json.RawMessage) (string, error) {
	var keys []string
	for _, o := range v.options() {
		if _, ok := opts[o.Name]; ok {
			keys = append(keys, o.Name)
		}
	}
	var rest []string
	for k := range opts {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var b strings.Builder
	fmt.Fprintf(&b, "# Flask-CORS %s: pip install \"flask-cors==%s\" flask\nimport os\n\nfrom flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(\n    app,\n", v.number, v.number)
	var odd []string // keys that are no keyword argument: passed with **
	for _, k := range append(keys, rest...) {
		lit, err := pyLiteral(opts[k])
		if err != nil {
			return "", fmt.Errorf("option %s: %v", k, err)
		}
		if !isIdentifier(k) || k == "app" {
			odd = append(odd, pyString(k)+": "+lit)
			continue
		}
		fmt.Fprintf(&b, "    %s=%s,\n", k, lit)
	}
	if len(odd) > 0 {
		fmt.Fprintf(&b, "    **{%s},\n", strings.Join(odd, ", "))
	}
	b.WriteString(`)

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@app.route("/", defaults={"path": ""}, methods=METHODS)
@app.route("/<path:path>", methods=METHODS)
def r(path):
    return "ok"


if __name__ == "__main__":
    app.run(host="localhost", port=int(os.environ.get("PORT", "8080")))
`)
	return b.String(), nil
}

// pyLiteral writes a JSON value as the Python literal json.loads reads it
// as; objects keep their key order.
func pyLiteral(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b strings.Builder
	var write func() error
	write = func() error {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case string:
			b.WriteString(pyString(t))
		case json.Number:
			b.WriteString(t.String()) // JSON's number syntax is Python's
		case bool:
			b.WriteString(strings.ToUpper(strconv.FormatBool(t)[:1]) + strconv.FormatBool(t)[1:])
		case nil:
			b.WriteString("None")
		case json.Delim:
			closer := "]"
			if t == '{' {
				closer = "}"
			}
			b.WriteString(t.String())
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				if closer == "}" {
					k, _ := dec.Token()
					b.WriteString(pyString(k.(string)) + ": ")
				}
				if err := write(); err != nil {
					return err
				}
			}
			dec.Token()
			b.WriteString(closer)
		}
		return nil
	}
	err := write()
	return b.String(), err
}

// pyString writes s as a Python str literal: raw (r"...") when it holds a
// backslash that needs no escaping, so regular expressions read as written.
func pyString(s string) string {
	plain := true
	for _, r := range s {
		if r == '"' || r == '\n' || r == '\r' || !unicode.IsPrint(r) && r != ' ' {
			plain = false
		}
	}
	if plain && strings.Contains(s, `\`) && (len(s)-len(strings.TrimRight(s, `\`)))%2 == 0 {
		return `r"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// isIdentifier: s can be a keyword argument's name as written (ASCII: Python
// would NFKC-normalize other names).
func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != "" && !slices.Contains(pyKeywords, s)
}

var pyKeywords = strings.Fields("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield")
