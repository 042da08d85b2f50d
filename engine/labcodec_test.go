package engine_test

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/presets"
)

// labText is base64url(DEFLATE(data)), the lab URL encoding of any bytes:
// what a hostile link can put in the path.
func labText(data string) string {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write([]byte(data))
	w.Close()
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func mustLibrary(t testing.TB, name, opts string) engine.Server {
	t.Helper()
	var o map[string]json.RawMessage
	if err := json.Unmarshal([]byte(opts), &o); err != nil {
		t.Fatal(err)
	}
	return engine.Server{Library: &engine.Library{Name: name, Options: o}}
}

func labServers(t testing.TB) map[string]engine.Server {
	return map[string]engine.Server{
		"none":    {},
		"raw":     rawServer(resp(204, acao, "http://localhost:8080", acam, "PUT", "Vary", "Origin"), resp(200, acao, "*", "Content-Type", "application/json", "X-Demo-Id", "7")),
		"policy":  {Policy: &engine.Policy{Origins: []string{"http://localhost:8080", `re:^https://(a|b)\.example$`}, Methods: []string{"PUT"}, ExposeHeaders: []string{"X-Demo-Total"}, Credentials: true}},
		"library": mustLibrary(t, "flask-cors", `{"origins": ["http://localhost:8080"], "supports_credentials": true, "resources": {"/b/*": {}, "/a/*": {}}}`),
	}
}

// TestLabServerRoundTrip: a decoded server equals the encoded one, and the
// text is URL-safe and deterministic.
func TestLabServerRoundTrip(t *testing.T) {
	for name, s := range labServers(t) {
		text, err := engine.EncodeLabServer(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, _ := engine.EncodeLabServer(s)
		if text != again || strings.ContainsAny(text, "/+=?#%") {
			t.Errorf("%s: encoding %q (again %q) is not deterministic or not URL-safe", name, text, again)
		}
		got, err := engine.DecodeLabServer(text)
		if err != nil {
			t.Fatalf("%s: decode: %v", name, err)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(s)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: round trip\n got %s\nwant %s", name, a, b)
		}
	}
}

func wantFieldError(t *testing.T, what string, err error, field, problem string) {
	t.Helper()
	var fe *engine.FieldError
	if !errors.As(err, &fe) {
		t.Errorf("%s: error %T %v, want a *FieldError", what, err, err)
		return
	}
	if fe.Field != field || !strings.Contains(fe.Problem, problem) {
		t.Errorf("%s: %q: %q, want %q containing %q", what, fe.Field, fe.Problem, field, problem)
	}
}

// TestDecodeLabServerRefuses: garbage, bombs and invalid servers are
// *FieldErrors naming the field.
func TestDecodeLabServerRefuses(t *testing.T) {
	bomb := labText(`{"raw":{"actual":{"status":200,"headers":[["X-Demo-Id","` + strings.Repeat("a", 20000) + `"]]}}}`)
	tests := []struct {
		what, text, field, problem string
	}{
		{"empty", "", "server", "not compressed"},
		{"not base64url", "ab+/==", "server", "not base64url"},
		{"not deflate", base64.RawURLEncoding.EncodeToString([]byte("hello, world")), "server", "not compressed"},
		{"too long", strings.Repeat("A", engine.MaxLabServerEncoded+1), "server", "more than the 6144 allowed"},
		{"expands too much", bomb, "server", "expands to more than 16384"},
		{"not JSON", labText("<script>"), "server", "invalid JSON"},
		{"trailing data", labText(`{} {}`), "server", "unexpected data"},
		{"unknown field", labText(`{"raw":{"actual":{"status":200,"headerz":[]}}}`), "server.raw.actual.headerz", "unknown field"},
		{"two kinds", labText(`{"raw":{},"policy":{}}`), "server", "give one of"},
		{"CR LF in a name", labText(`{"raw":{"actual":{"status":200,"headers":[["X-Demo-Id\r\nSet-Cookie","a"]]}}}`), "server.raw.actual.headers[0]", "not a valid header name"},
		{"CR LF in a value", labText(`{"raw":{"actual":{"status":200,"headers":[["X-Demo-Id","a\r\nSet-Cookie: a=b"]]}}}`), "server.raw.actual.headers[0]", "NUL, CR or LF"},
		{"NUL in a value", labText(`{"raw":{"actual":{"status":200,"headers":[["X-Demo-Id","a\u0000b"]]}}}`), "server.raw.actual.headers[0]", "NUL, CR or LF"},
		{"status", labText(`{"raw":{"actual":{"status":101,"headers":[]}}}`), "server.raw.actual.status", "200 to 599"},
		{"library", labText(`{"library":{"name":"nope"}}`), "server.library.name", "not a library"},
		{"policy", labText(`{"policy":{"origins":["re:("]}}`), "server.policy.origins[0]", "invalid regular expression"},
	}
	if len(bomb) > engine.MaxLabServerEncoded {
		t.Fatalf("the bomb is %d bytes encoded: make it smaller", len(bomb))
	}
	for _, tt := range tests {
		_, err := engine.DecodeLabServer(tt.text)
		wantFieldError(t, tt.what, err, tt.field, tt.problem)
	}
}

// TestEncodeLabServerRefuses: invalid and oversized servers never make a
// lab URL.
func TestEncodeLabServerRefuses(t *testing.T) {
	_, err := engine.EncodeLabServer(rawServer(nil, resp(200, "Bad Name", "x")))
	wantFieldError(t, "invalid", err, "server.raw.actual.headers[0]", "not a valid header name")
	var hs []string
	for i := range 90 {
		hs = append(hs, "X-Demo-Id", strings.Repeat(string(rune('a'+i%26)), 190))
	}
	_, err = engine.EncodeLabServer(rawServer(nil, resp(200, hs...)))
	wantFieldError(t, "big JSON", err, "server", "more than the 16384 the lab takes")
	rnd := rand.New(rand.NewPCG(1, 2))
	var origins []string
	for range 100 {
		b := make([]byte, 90)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		origins = append(origins, "https://"+base64.RawURLEncoding.EncodeToString(b)+".example")
	}
	_, err = engine.EncodeLabServer(engine.Server{Policy: &engine.Policy{Origins: origins}})
	var fe *engine.FieldError
	if !errors.As(err, &fe) || fe.Field != "server" {
		t.Errorf("100 long origins: %v, want a *FieldError on server (too large)", err)
	}
}

// TestLabCheckResponse: the allow-list, the lab cookie, field syntax and
// statuses; refusals name the header and the rule, never the value.
func TestLabCheckResponse(t *testing.T) {
	ok := []engine.Header{
		hdr("Access-Control-Allow-Origin", "*"), hdr("access-control-allow-private-network", "true"),
		hdr("Vary", "Origin"), hdr("Content-Type", "text/html"), hdr("Cache-Control", "no-store"),
		hdr("Content-Language", "en"), hdr("Expires", "0"), hdr("Last-Modified", "Tue, 01 Jan 2030 00:00:00 GMT"),
		hdr("Pragma", "no-cache"), hdr("X-Request-Id", "42"), hdr("X-Demo-Id", "caf\u00e9\tx"), hdr("X-DEMO-TOTAL", ""), hdr("X-Demo-Secret", "s"),
		hdr("Set-Cookie", "corsplay_lab=abc; Path=/lab; SameSite=None; Secure"),
		hdr("Set-Cookie", "corsplay_lab=a.b_c~-1; secure; samesite=none; path=/lab; HttpOnly; Max-Age=0; Partitioned"),
		hdr("Content-Length", "0"), hdr("Location", "/items/"), hdr("location", "/a/b?c=1&d=%2F"),
	}
	for _, h := range ok {
		if err := engine.LabCheckResponse(engine.Response{Status: 200, Headers: engine.Headers{h}}); err != nil {
			t.Errorf("%s: %q refused: %v", h.Name, h.Value, err)
		}
	}
	refused := []struct {
		h    engine.Header
		rule string
	}{
		{hdr("Set-Cookie", "session=abc; Path=/lab; SameSite=None; Secure"), "only its own cookie"},
		{hdr("Set-Cookie", "corsplay_lab=abc; Path=/; SameSite=None; Secure"), "only its own cookie"},
		{hdr("Set-Cookie", "corsplay_lab=abc; Path=/lab; SameSite=None"), "only its own cookie"},
		{hdr("Set-Cookie", "corsplay_lab=abc; Path=/lab; SameSite=None; Secure; Domain=example.com"), "only its own cookie"},
		{hdr("Set-Cookie", "corsplay_lab=a b; Path=/lab; SameSite=None; Secure"), "only its own cookie"},
		{hdr("Set-Cookie", "corsplay_lab=abc; Path=/lab; Path=/lab; SameSite=None; Secure"), "only its own cookie"},
		{hdr("Set-Cookie", "corsplay_lab=abc; Path=/lab; SameSite=None; Secure; Max-Age=99999999"), "only its own cookie"},
		{hdr("Set-Cookie", "corsplay_lab=; Path=/lab; SameSite=None; Secure"), "only its own cookie"},
		{hdr("Location", "https://evil.example/"), "redirects only within itself"},
		{hdr("Location", "//evil.example/"), "redirects only within itself"},
		{hdr("Location", "/\\evil.example/"), "redirects only within itself"},
		{hdr("Location", "javascript:alert(1)"), "redirects only within itself"},
		{hdr("Location", "/a b"), "redirects only within itself"},
		{hdr("Location", ""), "redirects only within itself"},
		{hdr("Content-Security-Policy", "default-src *"), "does not send Content-Security-Policy"},
		{hdr("Refresh", "0; url=https://evil.example/"), "does not send Refresh"},
		{hdr("X-Foo", "1"), "does not send X-Foo"},
		{hdr("X-Demo-Other", "1"), "does not send X-Demo-Other"},
		{hdr("Content-Length", "10"), "only as 0"},
		{hdr("X-Demo-Id\r\nSet-Cookie", "a=b"), "not a token"},
		{hdr("X-Demo-Id:", "a"), "not a token"},
		{hdr("", "a"), "not a token"},
		{hdr("X-Demo-Id", "a\r\nSet-Cookie: a=b"), "control character"},
		{hdr("X-Demo-Id", "a\r\n"), "control character"},
		{hdr("X-Demo-Id", "a\x00"), "control character"},
		{hdr("X-Demo-Id", "a\x1bb"), "control character"},
		{hdr("X-Demo-Id", "a\x7f"), "control character"},
	}
	for _, tt := range refused {
		err := engine.LabCheckResponse(engine.Response{Status: 200, Headers: engine.Headers{hdr("Vary", "Origin"), tt.h}})
		wantFieldError(t, tt.h.Name+": "+tt.h.Value, err, "response.headers[1]", tt.rule)
		if err != nil && len(tt.h.Value) > 3 && strings.Contains(err.Error(), tt.h.Value) {
			t.Errorf("%s: the refusal quotes the value: %v", tt.h.Name, err)
		}
	}
	for _, status := range []int{0, 100, 101, 199, 600, 999} {
		err := engine.LabCheckResponse(engine.Response{Status: status})
		wantFieldError(t, "status", err, "response.status", "200 to 599")
	}
}

// TestLabCheck: what a policy's application or a library would send is
// checked too; same-origin requests and redirects within the lab are
// enacted; a refused library
// configuration passes (the lab answers 500 with its error).
func TestLabCheck(t *testing.T) {
	scenario := func(srv engine.Server) engine.Scenario {
		return engine.Scenario{V: 1, Page: "http://localhost:8080", Request: engine.Request{URL: "http://localhost:8081/items", Method: "PUT", Headers: hdrs("Content-Type", "application/json")}, Server: srv}
	}
	for name, srv := range labServers(t) {
		if err := engine.LabCheck(scenario(srv)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := engine.LabCheckServer(srv); err != nil {
			t.Errorf("%s: LabCheckServer: %v", name, err)
		}
	}
	tests := []struct {
		what           string
		srv            engine.Server
		field, problem string
	}{
		{"exposed X-Foo", engine.Server{Policy: &engine.Policy{AnyOrigin: "wildcard", ExposeHeaders: []string{"X-Demo-Id", "X-Foo"}}}, "server.policy.exposeHeaders[1]", "would send X-Foo"},
		{"exposed Set-Cookie", engine.Server{Policy: &engine.Policy{AnyOrigin: "wildcard", ExposeHeaders: []string{"Set-Cookie"}}}, "server.policy.exposeHeaders[0]", "its own session cookie"},
		{"exposed Location", engine.Server{Policy: &engine.Policy{AnyOrigin: "wildcard", ExposeHeaders: []string{"location"}}}, "server.policy.exposeHeaders[0]", "redirects only within itself"},
		{"raw Refresh", rawServer(resp(204, "Refresh", "0"), nil), "server.raw.preflight.headers[0]", "does not send Refresh"},
		{"raw trailing CR LF", rawServer(nil, resp(200, acao, "*\r\n")), "server.raw.actual.headers[0]", "control character"},
		{"rs-cors status 1000", mustLibrary(t, "rs-cors", `{"AllowedOrigins": ["*"], "OptionsSuccessStatus": 1000}`), "server.library.options.OptionsSuccessStatus", "200 to 599"},
	}
	for _, tt := range tests {
		wantFieldError(t, tt.what, engine.LabCheck(scenario(tt.srv)), tt.field, tt.problem)
		wantFieldError(t, tt.what+" (LabCheckServer)", engine.LabCheckServer(tt.srv), tt.field, tt.problem)
	}
	same := scenario(engine.Server{Raw: &engine.RawServer{Actual: resp(200, "Content-Type", "application/json")}})
	same.Request.URL, same.Request.Method, same.Request.Headers = "http://localhost:8080/me", "GET", nil
	if err := engine.LabCheck(same); err != nil {
		t.Errorf("a same-origin request: %v, want nil (the page's origin answers /lab/ too)", err)
	}
	redirect := scenario(rawServer(resp(301, "Location", "/items/", acao, "http://localhost:8080"), nil))
	if err := engine.LabCheck(redirect); err != nil {
		t.Errorf("a preflight redirected within the lab: %v", err)
	}

	refused := mustLibrary(t, "jub0bs-cors", `{"Origins": ["*"], "Credentialed": true}`)
	if _, err := refused.Respond(engine.HTTPRequest{Method: "GET", URL: "/"}); err == nil {
		t.Fatal("jub0bs/cors accepts credentialed * now: pick another refused configuration")
	}
	if err := engine.LabCheck(scenario(refused)); err != nil {
		t.Errorf("a configuration the library refuses: %v, want nil (the lab answers 500)", err)
	}
}

// TestLabCheckPresets: every lesson, moved onto a page and a lab origin,
// encodes into a lab URL and is enacted or refused with a *FieldError; the
// policy and library ones all pass.
func TestLabCheckPresets(t *testing.T) {
	for _, s := range presets.All() {
		if s.Page == "null" {
			s.Page = "http://localhost:8080"
		}
		r := engine.Relocate(s, "http://localhost:8080", "http://localhost:8081")
		if _, err := engine.EncodeLabServer(r.Server); err != nil {
			t.Errorf("%s: %v", s.Title, err)
		}
		err := engine.LabCheck(r)
		var fe *engine.FieldError
		if err != nil && !errors.As(err, &fe) {
			t.Errorf("%s: %T %v", s.Title, err, err)
		}
		if err != nil && (r.Server.Policy != nil || r.Server.Library != nil) {
			t.Errorf("%s: %v", s.Title, err)
		}
	}
}

// FuzzLabServer: decoding any text never panics and fails with a
// *FieldError; a decoded server re-encodes to a server that decodes equal;
// and a server LabCheckServer accepts answers any well-formed request with
// a response the lab may send.
func FuzzLabServer(f *testing.F) {
	for _, s := range labServers(f) {
		text, _ := engine.EncodeLabServer(s)
		f.Add(text, "OPTIONS", "http://localhost:8080", "PUT", "content-type")
	}
	f.Add(labText(`{"policy":{"anyOrigin":"reflect","credentials":true,"methods":["*"],"requestHeaders":["*"]}}`), "OPTIONS", "https://x.example", "PATCH", "x-a,x-b")
	f.Add(labText(`{"library":{"name":"express-cors","options":{"origin":true,"credentials":true}}}`), "OPTIONS", "null", "GET", "")
	f.Add(labText(`{"library":{"name":"rs-cors","options":{"AllowedOrigins":["*"],"AllowedHeaders":["*"],"AllowPrivateNetwork":true}}}`), "OPTIONS", "http://a", "DELETE", "x")
	f.Add(labText(`{"raw":{"actual":{"status":200,"headers":[["X-Demo-Id","a\r\n"]]}}}`), "GET", "", "", "")
	f.Add("", "GET", "", "", "")
	f.Fuzz(func(t *testing.T, text, method, origin, acrm, acrh string) {
		s, err := engine.DecodeLabServer(text)
		if err != nil {
			var fe *engine.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("DecodeLabServer: %T %v, want a *FieldError", err, err)
			}
			return
		}
		again, err := engine.EncodeLabServer(s)
		if err != nil {
			t.Fatalf("a decoded server does not encode: %v", err)
		}
		s2, err := engine.DecodeLabServer(again)
		if err != nil || !reflect.DeepEqual(jsonOf(s), jsonOf(s2)) {
			t.Fatalf("re-encoding: %v\n%s\n%s", err, jsonOf(s), jsonOf(s2))
		}
		if engine.LabCheckServer(s) != nil || !engine.IsToken(method) {
			return
		}
		req := engine.HTTPRequest{Method: method, URL: "/"}
		for _, h := range []engine.Header{{Name: "Origin", Value: origin}, {Name: "Access-Control-Request-Method", Value: acrm}, {Name: "Access-Control-Request-Headers", Value: acrh}} {
			if h.Value != "" {
				if strings.ContainsAny(h.Value, "\x00\r\n") || !validValue(h.Value) {
					return
				}
				req.Headers = append(req.Headers, h)
			}
		}
		resp, err := s.Respond(req)
		if err != nil || resp.Status == 0 {
			return // a refused configuration (500) or no answer at all (express and CONNECT)
		}
		if err := engine.LabCheckResponse(resp); err != nil {
			t.Fatalf("a server LabCheckServer accepts answers %s %v with %v: %v", method, req.Headers, resp, err)
		}
	})
}

func jsonOf(s engine.Server) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// validValue: what Go's HTTP server lets through as a request header value.
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return v == strings.Trim(v, " \t")
}
