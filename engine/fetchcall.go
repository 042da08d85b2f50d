package engine

import (
	"encoding/json"
	"strings"
)

// FetchCall is the page's fetch() call for r, as a developer writes it:
// the URL, then only the init options that differ from fetch()'s defaults.
func FetchCall(r Request) string {
	var opts []string
	if r.Method != "" && r.Method != "GET" {
		opts = append(opts, "method: "+JSQuote(r.Method))
	}
	if r.Mode != "" && r.Mode != ModeCORS {
		opts = append(opts, "mode: "+JSQuote(r.Mode))
	}
	if r.Credentials != "" && r.Credentials != CredentialsSameOrigin {
		opts = append(opts, "credentials: "+JSQuote(r.Credentials))
	}
	if len(r.Headers) > 0 {
		opts = append(opts, "headers: "+jsHeaders(r.Headers))
	}
	if r.Body != nil {
		opts = append(opts, "body: "+JSQuote(*r.Body))
	}
	call := "fetch(" + JSQuote(r.URL)
	if len(opts) > 0 {
		call += ", {\n  " + strings.Join(opts, ",\n  ") + ",\n}"
	}
	return call + ")"
}

// jsHeaders writes an object literal, or pairs when a name repeats.
func jsHeaders(hs Headers) string {
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
			parts[i] = "[" + JSQuote(h.Name) + ", " + JSQuote(h.Value) + "]"
		} else {
			parts[i] = JSQuote(h.Name) + ": " + JSQuote(h.Value)
		}
	}
	if dup {
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// JSQuote quotes a string as a JavaScript literal, as a person would write
// it: double quotes, without the \u003c escapes json.Marshal gives <, > and
// & (the code is shown as text, never parsed as HTML).
func JSQuote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
