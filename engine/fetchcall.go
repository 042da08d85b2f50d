package engine

import (
	"strings"
	"unicode/utf8"
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
	if r.Redirect != "" && r.Redirect != RedirectFollow {
		opts = append(opts, "redirect: "+JSQuote(r.Redirect))
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
// it: as encoding/json does, but without the \u003c escapes it gives <, >
// and & (the code is shown as text, never parsed as HTML). Written out: a
// json.Encoder per string was most of the page's Verdict render in
// WebAssembly.
func JSQuote(s string) string {
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
