package app

import (
	"encoding/json"
	"fmt"
	"strings"

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
// without the \u003c escapes json.Marshal gives <, > and & (the code is
// shown as text, never parsed as HTML).
func js(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
