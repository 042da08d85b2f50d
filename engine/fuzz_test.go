package engine

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"corsplay/engine/console"
)

// fuzzSeedScenarios are valid and nearly valid scenarios for FuzzDecode.
var fuzzSeedScenarios = []string{
	`{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/items"}}`,
	`{"v":1,"page":"null","request":{"url":"https://api.example.com/items","method":"patch","headers":[["X-A","1"],["Authorization","Bearer t"]]},"server":{"raw":{"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","null"],["Access-Control-Allow-Headers","*"],["Access-Control-Allow-Methods","patch"]]},"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}}}`,
	`{"v":1,"browser":"spec","page":"https://app.example.com","request":{"url":"https://api.example.com/x#f","method":"PUT","body":"{}","credentials":"include","repeat":[0,3,10]},"server":{"raw":{"preflight":{"status":301,"headers":[["Location","/y"],["Access-Control-Max-Age","-1"]]}}}}`,
	`{"v":1,"page":"https://app.example.com","request":{"url":"https://app.example.com/me","mode":"same-origin","headers":[["Cookie","a"],["Range","bytes=0-"]]},"server":{"raw":{"actual":{"status":404,"headers":[["Set-Cookie","a=1"],["X-A",""]]}}}}`,
	`{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/","mode":"no-cors","method":"POST","body":"","headers":[["Content-Type","application/json"]]}}`,
	`[{"v":1,"page":"null","request":{"url":"http://[::1]:8080/"}},{"v":1,"page":"http://localhost:3000","request":{"url":"http://localhost:3001/","method":"TRACE"}}]`,
	`{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/","method":"GET","body":"x"}}`,
	`{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/","headers":[["X","\u00e9\u0001"]]},"server":{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","https://caf\u00e9.example"],["Access-Control-Expose-Headers",", *,"]]}}}}`,
	`[]`,
	`{"v":1}`,
	`{"v":2,"page":"null"}`,
	`{"v":1,"page":"https://app.example.com/","request":{"url":"/x"}}`,
	`{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/","repeat":[5,1]}}`,
	"{\"v\": 1,\n\"page\": }",
	`[{"v":1,"page":"null","request":{"url":"https://a.example/"}},`,
	`null`,
	``,
	`{"v":1,"page":"null","request":{"url":"https://a.example:0080/","repeat":["1"],"headers":[["a"]],"Mode":"cors"}}`,
	`{"v":1,"page":"https://a.example:65536","request":{"url":"https://a.example:99999/"},"server":{"policy":{"maxAge":1.5,"vary":"x"}}}`,
	`{"v":1,"v":1,"page":"null","request":{"url":"https://a.example/"},"server":{"library":{"name":"express-cors","options":{"origin":{"regexp":"a","regexp":"b"}}}}}`,
	`[{"v":1,"page":"null","request":{"url":"https://a.example/"}}, {"v":1,,}, tru, [1,]`,
	`{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/"},"challenge":{"goal":"g","change":["server","page"],"expect":{"verdict":"allowed","exposure":"page-only","cachedSends":0},"hints":["h"],"solution":{ "server" : {"policy":{"origins":["https://app.example.com"]}}, "page": "null"}}}`,
}

// goTypeNames are words of Go, not JSON, that no decode error may show.
var goTypeNames = regexp.MustCompile(`engine\.|\bu?int(8|16|32|64)?\b|float64|\[\]string|map\[|json\.RawMessage|Go (struct|value)`)

// FuzzDecode: decoding never panics; its errors are *FieldErrors that speak
// JSON, not Go; a decoded scenario evaluates without panicking to one of the
// four verdicts; and its re-encoding decodes to a scenario with the same
// outcome.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeedScenarios {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		scenarios, many, err := Decode(data)
		if err != nil {
			if _, ok := err.(*FieldError); !ok {
				t.Fatalf("Decode error %T %v, want a *FieldError", err, err)
			}
			if goTypeNames.MatchString(err.Error()) {
				t.Fatalf("Decode(%q) error %q names a Go type", data, err)
			}
			return
		}
		outs := make([]Outcome, len(scenarios))
		for i, s := range scenarios {
			outs[i] = Evaluate(s)
			switch outs[i].Verdict {
			case Allowed, Blocked, Opaque, Error:
			default:
				t.Fatalf("Evaluate(%+v) verdict %q", s, outs[i].Verdict)
			}
		}
		var v any = scenarios[0:len(scenarios):len(scenarios)]
		if !many {
			if len(scenarios) != 1 {
				t.Fatalf("Decode: %d scenarios without an array", len(scenarios))
			}
			v = scenarios[0]
		} else if scenarios == nil {
			v = []Scenario{}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		if buf.Len() > MaxInputBytes {
			return // U+FFFD for invalid UTF-8 can make the text longer than the limit
		}
		again, many2, err := Decode(buf.Bytes())
		if err != nil {
			t.Fatalf("Decode(re-encoded %s): %v", buf.Bytes(), err)
		}
		if many2 != many || len(again) != len(scenarios) {
			t.Fatalf("Decode(re-encoded): %d scenarios, many %v; want %d, %v", len(again), many2, len(scenarios), many)
		}
		for i, s := range again {
			if out := Evaluate(s); !reflect.DeepEqual(out, outs[i]) {
				t.Errorf("scenario %d: outcome changed after re-encoding\nbefore %+v\nafter  %+v", i, outs[i], out)
			}
		}
	})
}

// fuzzHeaderSeeds are interesting header names and values.
var fuzzHeaderSeeds = [][2]string{
	{"Accept", "*/*"},
	{"Content-Type", "text/plain;charset=UTF-8"},
	{"content-type", "Text/Plain;garbage"},
	{"Content-Type", "text/plain,x/x"},
	{"Content-Type", " text/plain ;"},
	{"Accept-Language", "en-US,en;q=0.9"},
	{"Range", "bytes=0-1"},
	{"Range", "BYTES=0-"},
	{"Range", "bytes=99999999999999999999-1"},
	{"DPR", "1.5"},
	{"Width", "1280"},
	{"Save-Data", "ON"},
	{"Intervention", strings.Repeat("x", 129)},
	{"Access-Control-Allow-Origin", "*"},
	{"Access-Control-Allow-Origin", "https://app.example.com"},
	{"Access-Control-Allow-Origin", "null"},
	{"Access-Control-Allow-Origin", "https://app.example.com, https://app.example.com"},
	{"Access-Control-Allow-Origin", "http://[::1"},
	{"Access-Control-Allow-Origin", "https://:99999"},
	{"Access-Control-Allow-Credentials", "true"},
	{"Access-Control-Max-Age", "-99999999999999999999"},
	{"Access-Control-Max-Age", "7201"},
	{"Access-Control-Expose-Headers", ",, a ,\tb,*"},
	{"X-HTTP-Method-Override", "GET, TRACE"},
	{"x", "\x00\r\n\x7f\xff"},
	{"", ""},
}

// isPrintableASCII reports whether s has only bytes 0x20-0x7E.
func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// FuzzHeaderValue checks invariants of the header rules on any name and value.
func FuzzHeaderValue(f *testing.F) {
	for _, s := range fuzzHeaderSeeds {
		f.Add(s[0], s[1])
	}
	origin := Origin{Scheme: "https", Host: "app.example.com"}
	f.Fuzz(func(t *testing.T, name, value string) {
		// Safelisting.
		chrome := SafelistedRequestHeader(Chrome, name, value)
		spec := SafelistedRequestHeader(Spec, name, value)
		if len(value) > SafelistedValueLimit && (chrome || spec) {
			t.Errorf("SafelistedRequestHeader(_, %q, %d bytes) = chrome %v, spec %v; a value over 128 bytes is never safelisted", name, len(value), chrome, spec)
		}
		if spec && !chrome {
			t.Errorf("SafelistedRequestHeader(%q, %q): spec true, chrome false; Chromium only adds to the standard's safelist", name, value)
		}
		lower := strings.ToLower(name)
		if (lower == "accept" || lower == "content-type") && hasUnsafeByte(value) && (chrome || spec) {
			t.Errorf("SafelistedRequestHeader(_, %q, %q) = true despite a CORS-unsafe byte", name, value)
		}
		if lower == "accept-language" || lower == "content-language" {
			for i := 0; i < len(value); i++ {
				if c := value[i]; !isAlphaNum(c) && !strings.ContainsRune(" *,-.;=", rune(c)) && spec {
					t.Errorf("SafelistedRequestHeader(spec, %q, %q) = true with byte %q", name, value, c)
				}
			}
		}
		if lower == "range" && spec && (!strings.HasPrefix(value, "bytes=") || strings.ContainsAny(value, " \t,") || strings.HasPrefix(value, "bytes=-")) {
			t.Errorf("SafelistedRequestHeader(spec, Range, %q) = true", value)
		}

		// The MIME type parser.
		essence, ok := mimeEssence(value)
		if ok {
			typ, sub, found := strings.Cut(essence, "/")
			if !found || strings.Contains(sub, "/") || !IsToken(typ) || !IsToken(sub) || essence != strings.ToLower(essence) {
				t.Errorf("mimeEssence(%q) = %q, want lower-case token/token", value, essence)
			}
			form := essence == "text/plain" || essence == "multipart/form-data" || essence == "application/x-www-form-urlencoded"
			want := form && !hasUnsafeByte(value) && len(value) <= SafelistedValueLimit
			if got := SafelistedRequestHeader(Spec, "Content-Type", value); got != want {
				t.Errorf("SafelistedRequestHeader(spec, Content-Type, %q) = %v, want %v (essence %q)", value, got, want, essence)
			}
		} else if SafelistedRequestHeader(Spec, "Content-Type", value) {
			t.Errorf("SafelistedRequestHeader(spec, Content-Type, %q) = true, but it is no MIME type", value)
		}

		// Header lists.
		list, ok := ExtractList(value)
		for _, e := range list {
			if !IsToken(e) {
				t.Errorf("ExtractList(%q) element %q is not a token", value, e)
			}
		}
		if !ok && len(list) > 0 {
			t.Errorf("ExtractList(%q) = %q with failure", value, list)
		}
		if ok {
			// Nothing but the elements, commas and OWS.
			stripped := strings.NewReplacer(",", "", " ", "", "\t", "").Replace(value)
			if strings.Join(list, "") != stripped {
				t.Errorf("ExtractList(%q) = %q: elements do not make up the value", value, list)
			}
		} else {
			bad := false
			for e := range strings.SplitSeq(value, ",") {
				if e = strings.Trim(e, " \t"); e != "" && !IsToken(e) {
					bad = true
				}
			}
			if !bad {
				t.Errorf("ExtractList(%q) failed, but every element is a token", value)
			}
		}

		// Max-Age.
		hs := Headers{{Name: headerMaxAge, Value: value}}
		c, note := MaxAge(Chrome, hs)
		if c < 0 || c > ChromeMaxAgeCap || note == "" {
			t.Errorf("MaxAge(chrome, %q) = %d, %q; want 0 to 7200 with a note", value, c, note)
		}
		s, _ := MaxAge(Spec, hs)
		if s < 0 || !allDigits(value) && s != DefaultMaxAge {
			t.Errorf("MaxAge(spec, %q) = %d; want 5 unless delta-seconds", value, s)
		}

		// The CORS check.
		for _, creds := range []string{CredentialsOmit, CredentialsSameOrigin, CredentialsInclude} {
			r := CORSCheck(origin, creds, Headers{{Name: headerAllowOrigin, Value: value}})
			wantOK := value == origin.String() && creds != CredentialsInclude || value == "*" && creds != CredentialsInclude
			if r.OK != wantOK {
				t.Errorf("CORSCheck(%s, %q, ACAO %q).OK = %v, want %v", origin, creds, value, r.OK, wantOK)
			}
			if r.OK != (r.CORSError == "") {
				t.Errorf("CORSCheck(%s, %q, ACAO %q) = %+v: OK and CORSError disagree", origin, creds, value, r)
			}
			if !r.OK {
				msg := console.ChromeCORS(console.Failure{Kind: r.CORSError, URL: "https://api.example.com/", Origin: origin.String(), Hint: r.Hint})
				if !isPrintableASCII(msg) {
					t.Errorf("ChromeCORS for %+v = %q: not printable ASCII", r, msg)
				}
				if !strings.HasSuffix(msg, ".") {
					t.Errorf("ChromeCORS for %+v = %q: no body", r, msg)
				}
			}
		}
		r := CORSCheck(origin, CredentialsInclude, Headers{{Name: headerAllowOrigin, Value: origin.String()}, {Name: headerAllowCredentials, Value: value}})
		if r.OK != (value == "true") {
			t.Errorf("CORSCheck(include, ACAC %q).OK = %v, want %v", value, r.OK, value == "true")
		}
		if !r.OK && (r.CORSError != ErrInvalidAllowCredentials || r.Hint != value) {
			t.Errorf("CORSCheck(include, ACAC %q) = %+v, want InvalidAllowCredentials with the value as hint", value, r)
		}

		// Forbidden headers are never safelisted in a way that matters, and
		// ForbiddenRequestHeader never panics.
		if f, why := ForbiddenRequestHeader(Chrome, name, value); f && why == "" {
			t.Errorf("ForbiddenRequestHeader(chrome, %q, %q): no reason", name, value)
		}
	})
}
