package engine_test

import (
	"testing"

	"corsplay/engine"
)

// corsCheckTests follow fetch-cors.md §8 (https://fetch.spec.whatwg.org/#concept-cors-check)
// and its classification of failures by Chromium's CheckAccess, which the
// console message depends on.
var corsCheckTests = []struct {
	name        string
	opaque      bool // the request's origin is opaque ("null") instead of https://app.example.com
	credentials string
	headers     engine.Headers
	want        engine.CORSCheckResult
}{
	// Missing header.
	{"missing ACAO", false, "omit", nil, engine.CORSCheckResult{CORSError: "MissingAllowOriginHeader"}},
	{"missing ACAO, include", false, "include", hdrs(acac, "true"), engine.CORSCheckResult{CORSError: "MissingAllowOriginHeader"}},
	{"missing ACAO, other headers", false, "same-origin", hdrs("Content-Type", "text/plain"), engine.CORSCheckResult{CORSError: "MissingAllowOriginHeader"}},
	// Wildcard.
	{"* omit", false, "omit", hdrs(acao, "*"), engine.CORSCheckResult{OK: true}},
	{"* same-origin", false, "same-origin", hdrs(acao, "*"), engine.CORSCheckResult{OK: true}},
	{"* include", false, "include", hdrs(acao, "*"), engine.CORSCheckResult{CORSError: "WildcardOriginNotAllowed"}},
	{"* include with ACAC true", false, "include", hdrs(acao, "*", acac, "true"), engine.CORSCheckResult{CORSError: "WildcardOriginNotAllowed"}},
	// Exact origin.
	{"exact origin", false, "omit", hdrs(acao, pageOrigin), engine.CORSCheckResult{OK: true}},
	{"header name case-insensitive", false, "omit", hdrs("access-control-allow-origin", pageOrigin), engine.CORSCheckResult{OK: true}},
	{"exact origin, ACAC ignored without include", false, "same-origin", hdrs(acao, pageOrigin, acac, "false"), engine.CORSCheckResult{OK: true}},
	{"exact origin, omit, no ACAC", false, "omit", hdrs(acao, pageOrigin), engine.CORSCheckResult{OK: true}},
	{"exact origin, include, ACAC true", false, "include", hdrs(acao, pageOrigin, acac, "true"), engine.CORSCheckResult{OK: true}},
	// Mismatches.
	{"trailing slash", false, "omit", hdrs(acao, pageOrigin+"/"), engine.CORSCheckResult{CORSError: "AllowOriginMismatch", Hint: "https://app.example.com/"}},
	{"case differs", false, "omit", hdrs(acao, "https://APP.example.com"), engine.CORSCheckResult{CORSError: "AllowOriginMismatch", Hint: "https://APP.example.com"}},
	{"explicit default port", false, "omit", hdrs(acao, "https://app.example.com:443"), engine.CORSCheckResult{CORSError: "AllowOriginMismatch", Hint: "https://app.example.com:443"}},
	{"other scheme", false, "omit", hdrs(acao, "http://app.example.com"), engine.CORSCheckResult{CORSError: "AllowOriginMismatch", Hint: "http://app.example.com"}},
	{"other origin", false, "include", hdrs(acao, "https://evil.example", acac, "true"), engine.CORSCheckResult{CORSError: "AllowOriginMismatch", Hint: "https://evil.example"}},
	{"null for a tuple origin", false, "omit", hdrs(acao, "null"), engine.CORSCheckResult{CORSError: "AllowOriginMismatch", Hint: "null"}},
	// Opaque origin.
	{"null for an opaque origin", true, "omit", hdrs(acao, "null"), engine.CORSCheckResult{OK: true}},
	{"null for an opaque origin, include", true, "include", hdrs(acao, "null", acac, "true"), engine.CORSCheckResult{OK: true}},
	{"* for an opaque origin", true, "same-origin", hdrs(acao, "*"), engine.CORSCheckResult{OK: true}},
	{"tuple origin for an opaque origin", true, "omit", hdrs(acao, pageOrigin), engine.CORSCheckResult{CORSError: "AllowOriginMismatch", Hint: pageOrigin}},
	{"null for an opaque origin, include, no ACAC", true, "include", hdrs(acao, "null"), engine.CORSCheckResult{CORSError: "InvalidAllowCredentials"}},
	// Several values.
	{"duplicate identical lines", false, "omit", hdrs(acao, pageOrigin, acao, pageOrigin),
		engine.CORSCheckResult{CORSError: "MultipleAllowOriginValues", Hint: "https://app.example.com, https://app.example.com"}},
	{"duplicate lines, include", false, "include", hdrs(acao, pageOrigin, acac, "true", acao, pageOrigin),
		engine.CORSCheckResult{CORSError: "MultipleAllowOriginValues", Hint: "https://app.example.com, https://app.example.com"}},
	{"two * lines", false, "omit", hdrs(acao, "*", acao, "*"), engine.CORSCheckResult{CORSError: "MultipleAllowOriginValues", Hint: "*, *"}},
	{"empty line then *", false, "omit", hdrs(acao, "", acao, "*"), engine.CORSCheckResult{CORSError: "MultipleAllowOriginValues", Hint: ", *"}},
	{"space-separated list", false, "omit", hdrs(acao, "https://a.example https://app.example.com"),
		engine.CORSCheckResult{CORSError: "MultipleAllowOriginValues", Hint: "https://a.example https://app.example.com"}},
	{"comma-separated list", false, "omit", hdrs(acao, "https://a.example,https://app.example.com"),
		engine.CORSCheckResult{CORSError: "MultipleAllowOriginValues", Hint: "https://a.example,https://app.example.com"}},
	// Invalid values.
	{"empty", false, "omit", hdrs(acao, ""), engine.CORSCheckResult{CORSError: "InvalidAllowOriginValue", Hint: ""}},
	{"**", false, "omit", hdrs(acao, "**"), engine.CORSCheckResult{CORSError: "InvalidAllowOriginValue", Hint: "**"}},
	{"'*'", false, "omit", hdrs(acao, "'*'"), engine.CORSCheckResult{CORSError: "InvalidAllowOriginValue", Hint: "'*'"}},
	{"none", false, "omit", hdrs(acao, "none"), engine.CORSCheckResult{CORSError: "InvalidAllowOriginValue", Hint: "none"}},
	{"-", false, "omit", hdrs(acao, "-"), engine.CORSCheckResult{CORSError: "InvalidAllowOriginValue", Hint: "-"}},
	// Access-Control-Allow-Credentials must be exactly "true".
	{"ACAC absent", false, "include", hdrs(acao, pageOrigin), engine.CORSCheckResult{CORSError: "InvalidAllowCredentials", Hint: ""}},
	{"ACAC True", false, "include", hdrs(acao, pageOrigin, acac, "True"), engine.CORSCheckResult{CORSError: "InvalidAllowCredentials", Hint: "True"}},
	{"ACAC TRUE", false, "include", hdrs(acao, pageOrigin, acac, "TRUE"), engine.CORSCheckResult{CORSError: "InvalidAllowCredentials", Hint: "TRUE"}},
	{"ACAC 1", false, "include", hdrs(acao, pageOrigin, acac, "1"), engine.CORSCheckResult{CORSError: "InvalidAllowCredentials", Hint: "1"}},
	{"ACAC quoted", false, "include", hdrs(acao, pageOrigin, acac, `"true"`), engine.CORSCheckResult{CORSError: "InvalidAllowCredentials", Hint: `"true"`}},
	{"ACAC true twice", false, "include", hdrs(acao, pageOrigin, acac, "true", acac, "true"),
		engine.CORSCheckResult{CORSError: "InvalidAllowCredentials", Hint: "true, true"}},
	{"ACAC ignored without include", false, "omit", hdrs(acao, pageOrigin, acac, "TRUE"), engine.CORSCheckResult{OK: true}},
}

func TestCORSCheck(t *testing.T) {
	for _, tt := range corsCheckTests {
		t.Run(tt.name, func(t *testing.T) {
			origin := mustOrigin(t, pageOrigin)
			if tt.opaque {
				origin = engine.Origin{Opaque: true}
			}
			got := engine.CORSCheck(origin, tt.credentials, tt.headers)
			if got != tt.want {
				t.Errorf("CORSCheck(%s, %q, %v) = %+v, want %+v", origin, tt.credentials, tt.headers, got, tt.want)
			}
		})
	}
}
