package app

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"corsplay/engine"
)

// fetchCode is the page's fetch() call for the scenario, and what it gets.
func fetchCode(s engine.Scenario, out engine.Outcome) string {
	r := s.Request
	var opts []string
	if r.Method != "" && r.Method != "GET" {
		opts = append(opts, "method: "+js(r.Method))
	}
	if r.Mode != "" && r.Mode != engine.ModeCORS {
		opts = append(opts, "mode: "+js(r.Mode))
	}
	if r.Credentials != "" && r.Credentials != engine.CredentialsSameOrigin {
		opts = append(opts, "credentials: "+js(r.Credentials))
	}
	if len(r.Headers) > 0 {
		opts = append(opts, "headers: "+jsHeaders(r.Headers))
	}
	if r.Body != nil {
		opts = append(opts, "body: "+js(*r.Body))
	}
	var b strings.Builder
	b.WriteString("const res = await fetch(" + js(r.URL))
	if len(opts) > 0 {
		b.WriteString(", {\n  " + strings.Join(opts, ",\n  ") + ",\n}")
	}
	b.WriteString(");\n")
	switch out.Verdict {
	case engine.Allowed:
		fmt.Fprintf(&b, "res.status; // %d\n", out.Actual.Response.Status)
		for _, h := range out.ReadableHeaders {
			v, _ := out.Actual.Response.Headers.Get(h)
			fmt.Fprintf(&b, "res.headers.get(%s); // %s\n", js(h), js(v))
		}
		if len(out.ReadableHeaders) == 0 {
			b.WriteString("// no response header is readable\n")
		}
	case engine.Opaque:
		b.WriteString("res.type;   // \"opaque\"\nres.status; // 0: no status, no headers, no body\n")
	case engine.Blocked:
		b.WriteString("// never gets here: fetch() rejects with\n// TypeError: " + out.TypeError + " (the console says why)\n")
	case engine.Error:
		b.WriteString("// never gets here: fetch() throws\n// TypeError: " + out.Console + "\n")
	}
	return b.String()
}

// jsHeaders writes an object literal, or pairs when a name repeats.
func jsHeaders(hs engine.Headers) string {
	seen := map[string]bool{}
	dup := false
	for _, h := range hs {
		k := strings.ToLower(h.Name)
		dup = dup || seen[k]
		seen[k] = true
	}
	parts := make([]string, len(hs))
	for i, h := range hs {
		if dup {
			parts[i] = "[" + js(h.Name) + ", " + js(h.Value) + "]"
		} else {
			parts[i] = js(h.Name) + ": " + js(h.Value)
		}
	}
	if dup {
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// js quotes a string as a JavaScript literal, as a person would write it:
// as encoding/json does, but without the \u003c escapes it gives <, > and &
// (the code is shown as text, never parsed as HTML). Written out: a
// json.Encoder per string made this most of the Verdict's render in
// WebAssembly.
func js(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				if c < 0x20 {
					b.WriteString(`\u00`)
					b.WriteByte(hexDigits[c>>4])
					b.WriteByte(hexDigits[c&0xf])
				} else {
					b.WriteByte(c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`) // not UTF-8
		case r == '\u2028':
			b.WriteString(`\u2028`)
		case r == '\u2029':
			b.WriteString(`\u2029`)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

const hexDigits = "0123456789abcdef"
