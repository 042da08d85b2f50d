package app

import (
	"fmt"
	"strings"

	"corsplay/engine"
)

// fetchCode is the page's fetch() call for the scenario, and what it gets.
func fetchCode(s engine.Scenario, out engine.Outcome) string {
	var b strings.Builder
	b.WriteString("const res = await " + engine.FetchCall(s.Request) + ";\n")
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
	case engine.OpaqueRedirect:
		b.WriteString("res.type;   // \"opaqueredirect\"\nres.status; // 0: the redirect is not followed, its status and Location are hidden\n")
	case engine.Blocked:
		b.WriteString("// never gets here: fetch() rejects with\n// TypeError: " + out.TypeError + " (the console says why)\n")
	case engine.Error:
		b.WriteString("// never gets here: fetch() throws\n// TypeError: " + out.Console + "\n")
	}
	return b.String()
}

// js quotes a string as a JavaScript literal.
func js(s string) string { return engine.JSQuote(s) }
