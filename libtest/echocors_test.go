package libtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// The real github.com/labstack/echo/v4 v4.16.6 against the engine's
// "echo-cors": the app of the reference (echo.New(), the middleware,
// /r answering "ok" to GET, POST, PUT, DELETE and PATCH), configured from
// the same JSON options, which the real side decodes with encoding/json
// into middleware.CORSConfig (unknown fields refused).

// echoReal decodes options as the reference says and builds the app.
func echoReal(options string) (http.Handler, error) {
	var cfg middleware.CORSConfig
	dec := json.NewDecoder(strings.NewReader(options))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, err
	}
	e := echo.New()
	e.Use(middleware.CORSWithConfig(cfg))
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		e.Add(m, "/r", ok)
	}
	return e, nil
}

// echoCase is one configuration × request pair.
type echoCase struct {
	name    string
	options string
	req     engine.HTTPRequest
}

// genEchoOptions draws a configuration; a key is now and then spelt in
// another case, which encoding/json accepts.
func genEchoOptions(r *rand.Rand) string {
	m := map[string]any{}
	key := func(k string) string {
		switch r.IntN(12) {
		case 0:
			return strings.ToLower(k)
		case 1:
			return strings.ToUpper(k[:1]) + strings.ToLower(k[1:])
		}
		return k
	}
	if o := goPick(r, [][]string{nil, {}, {"*"}, {"https://a.example.com"}, {"https://*.example.com"}, {"https://a.example.com"},
		{"https://a.example.com", "http://localhost:3000"}, {"https://a.example.com", "*"}, {"https://example.*"}, {"http://localhost:*"},
		{"https://?.example.com"}, {"https://a.example.com", "null"}, {"HTTPS://A.EXAMPLE.COM"}, {"*.example.com"}, {"https://a.*.com"},
		{"https://*"}, {"https://a.example.com", "https://*.example.com"}, {"https://a.example.com/"}, {"https://*example.com"},
		{"null"}, {"https://x.*.example.com"}}); o != nil {
		m[key("AllowOrigins")] = o
	}
	if v := goPick(r, [][]string{nil, nil, {"PUT"}, {"GET", "POST"}, {"put"}, {""}, {"GET", "PUT", "DELETE"}}); v != nil {
		m[key("AllowMethods")] = v
	}
	if v := goPick(r, [][]string{nil, nil, {"Content-Type"}, {"*"}, {"X-Custom", "Authorization"}, {" x "}}); v != nil {
		m[key("AllowHeaders")] = v
	}
	if v := goPick(r, [][]string{nil, nil, {"X-Total"}, {"a", "b"}}); v != nil {
		m[key("ExposeHeaders")] = v
	}
	if r.IntN(2) == 0 {
		m[key("AllowCredentials")] = true
	}
	if r.IntN(3) == 0 {
		m[key("UnsafeWildcardOriginWithAllowCredentials")] = true
	}
	if v := goPick(r, []int{0, 0, 600, -1}); v != 0 {
		m[key("MaxAge")] = v
	}
	if r.IntN(20) == 0 {
		m["Skipper"] = nil
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// echoQuirkCases are hand-picked: each shows a quirk of echo v4.16.6.
func echoQuirkCases() []echoCase {
	pre, get := egPreflight, egGet
	list := `{"AllowOrigins": ["https://a.example.com"], "AllowCredentials": true}`
	return []echoCase{
		{"default: * to anyone", `{}`, get("https://evil.com")},
		{"default preflight: the route's methods, ACRH echoed", `{}`, pre("https://evil.com", "PUT", "authorization,x-custom")},
		{"default preflight elsewhere: the default methods", `{}`, engine.HTTPRequest{Method: "OPTIONS", URL: "https://api.example.com/x", Headers: engine.Headers{{Name: "Origin", Value: "https://evil.com"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}},
		{"* with credentials: * and true", `{"AllowCredentials": true}`, get("https://evil.com")},
		{"unsafe wildcard reflects", `{"AllowCredentials": true, "UnsafeWildcardOriginWithAllowCredentials": true}`, get("https://evil.com")},
		{"unsafe flag without credentials: *", `{"UnsafeWildcardOriginWithAllowCredentials": true}`, get("https://evil.com")},
		{"exact origin", list, get("https://a.example.com")},
		{"suffix refused, still 200", list, get("https://a.example.com.evil.com")},
		{"http downgrade refused", list, get("http://a.example.com")},
		{"null refused", list, get("null")},
		{"no Origin", list, egReq("GET", "/r")},
		{"case-sensitive", list, get("https://A.example.com")},
		{"preflight refused: 204, Vary only", list, pre("https://evil.com", "PUT", "-")},
		{"preflight without Origin: 204 with Allow", list, egReq("OPTIONS", "/r", "Access-Control-Request-Method", "PUT")},
		{"OPTIONS without ACRM is a preflight", list, egReq("OPTIONS", "/r", "Origin", "https://a.example.com")},
		{"lowercase options is not", list, egReq("options", "/r", "Origin", "https://a.example.com")},
		{"patch: 405 with CORS headers", list, egReq("patch", "/r", "Origin", "https://a.example.com")},
		{"HEAD: 405 without a body", list, egReq("HEAD", "/r", "Origin", "https://a.example.com")},
		{"404 keeps the CORS headers", list, egReq("GET", "/x", "Origin", "https://a.example.com")},
		{"404 ?pretty indents", list, egReq("GET", "/x?pretty", "Origin", "https://a.example.com")},
		{"trailing slash: 404", list, egReq("PUT", "/r/", "Origin", "https://a.example.com")},
		{"escaped path: 404", list, egReq("GET", "/%72", "Origin", "https://a.example.com")},
		{"authorization echoed", list, pre("https://a.example.com", "PUT", "authorization")},
		{"ACRM not checked", list, pre("https://a.example.com", "PURGE", "-")},
		{"subdomain pattern", `{"AllowOrigins": ["https://*.example.com"]}`, get("https://x.y.example.com")},
		{"subdomain pattern: apex refused", `{"AllowOrigins": ["https://*.example.com"]}`, get("https://example.com")},
		{"subdomain pattern: suffix attack", `{"AllowOrigins": ["https://*.example.com"]}`, get("https://a.example.com.evil.com")},
		{"subdomain pattern with a port refused", `{"AllowOrigins": ["https://*.example.com"]}`, get("https://a.example.com:8443")},
		{"example.* lets every https origin in", `{"AllowOrigins": ["https://example.*"]}`, get("https://evil.com")},
		{"example.* not http", `{"AllowOrigins": ["https://example.*"]}`, get("http://evil.com")},
		{"? is one character", `{"AllowOrigins": ["https://?.example.com"]}`, get("https://a.example.com")},
		{"? not two", `{"AllowOrigins": ["https://?.example.com"]}`, get("https://ab.example.com")},
		{"* spans dots", `{"AllowOrigins": ["https://*example.com"]}`, get("https://evil.com.aXexample.com")},
		{"localhost port wildcard", `{"AllowOrigins": ["http://localhost:*"]}`, get("http://localhost:3000")},
		{"pattern needs ://", `{"AllowOrigins": ["nu*"]}`, get("null")},
		{"null listed", `{"AllowOrigins": ["null"]}`, get("null")},
		{"trailing slash in config", `{"AllowOrigins": ["https://a.example.com/"]}`, get("https://a.example.com")},
		{"earlier exact entry wins over *", `{"AllowOrigins": ["https://a.example.com", "*"]}`, get("https://a.example.com")},
		{"max age negative: 0", `{"MaxAge": -1}`, pre("https://a.example.com", "PUT", "-")},
		{"max age", `{"MaxAge": 600, "AllowMethods": ["put"], "AllowHeaders": [" x ", "Y"]}`, pre("https://a.example.com", "PUT", "z")},
		{"expose on actual only", `{"ExposeHeaders": ["x-a", "X-B"]}`, get("https://a.example.com")},
		{"expose not on preflight", `{"ExposeHeaders": ["x-a"]}`, pre("https://a.example.com", "GET", "-")},
		{"two Origin lines: the first", list, egReq("GET", "/r", "Origin", "https://a.example.com", "Origin", "https://evil.com")},
		{"two ACRH lines: the first", `{}`, egReq("OPTIONS", "/r", "Origin", "https://x.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "a", "Access-Control-Request-Headers", "b")},
		{"empty Origin", list, get("")},
		{"case-insensitive keys", `{"allowOrigins": ["https://a.example.com"], "ALLOWCREDENTIALS": true}`, get("https://a.example.com")},
		{"Kelvin sign and long s fold", "{\"AllowOrigin\u017f\": [\"https://a.example.com\"], \"S\u212aipper\": null, \"MaxAge\": 5}", pre("https://a.example.com", "PUT", "-")},
		{"null func fields", `{"Skipper": null, "AllowOriginFunc": null, "AllowOrigins": null}`, get("https://evil.com")},
		{"bad header value: net/http's 400", list, egReq("GET", "/r", "Origin", "https://a.example.com\x01")},
		{"bad path escape: net/http's 400", list, egReq("GET", "/%zz", "Origin", "https://a.example.com")},
		{"bad method token: 400", list, egReq("GE(T", "/r", "Origin", "https://a.example.com")},
	}
}

// TestEchoCorsDifferential compares the engine with the real echo on
// hand-picked and generated pairs.
func TestEchoCorsDifferential(t *testing.T) {
	s := egStart(t)
	r := rand.New(rand.NewPCG(16, 4))
	cases := echoQuirkCases()
	for i := range 130 {
		opts := genEchoOptions(r)
		for j := range 5 {
			cases = append(cases, echoCase{fmt.Sprintf("generated %d.%d", i, j), opts, egGenRequest(r)})
		}
	}
	stats := egStats{}
	for _, c := range cases {
		h, err := echoReal(c.options)
		if err != nil {
			t.Fatalf("%s: the real decoding refuses %s: %v", c.name, c.options, err)
		}
		real := s.ask(t, h, c.req)
		stats.add(c.req, real)
		got, err := engine.Server{Library: &engine.Library{Name: "echo-cors", Options: egJSON(t, c.options), Route: "/r"}}.Respond(c.req)
		if err != nil {
			t.Errorf("%s: options %s: engine: %v", c.name, c.options, err)
			continue
		}
		if g := egEngine(got); !egSame(g, real) {
			t.Errorf("%s: options %s, request %s:\n  engine  %s\n  library %s", c.name, c.options, egDescribe(c.req), g, real)
		}
	}
	if len(cases) < 150 {
		t.Fatalf("only %d pairs ran, want at least 150", len(cases))
	}
	t.Logf("echo v4.16.6: %d configuration × request pairs (%d hand-picked): %s", len(cases), len(echoQuirkCases()), stats)
}

// TestEchoCorsOptionErrors: what encoding/json refuses is an OptionError
// with encoding/json's words, on the option's key.
func TestEchoCorsOptionErrors(t *testing.T) {
	for _, text := range []string{`{"AllowOrigins": "https://a.example.com"}`, `{"AllowOrigins": [1]}`, `{"MaxAge": 1.5}`,
		`{"MaxAge": "600"}`, `{"AllowCredentials": "true"}`, `{"Skipper": "x"}`, `{"AllowOriginFunc": {}}`, `{"AllowedOrigins": []}`,
		`{"MaxAge": 1e3}`, `{"ExposeHeaders": {"a": 1}}`, `{"allowcredentials": 1}`} {
		_, realErr := echoReal(text)
		if realErr == nil {
			t.Errorf("%s: the real decoding accepts it", text)
			continue
		}
		_, err := engine.Server{Library: &engine.Library{Name: "echo-cors", Options: egJSON(t, text)}}.Respond(egReq("GET", "/r"))
		var fe *engine.FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Problem, realErr.Error()) {
			t.Errorf("%s:\n  engine  %v\n  library %v", text, err, realErr)
		}
	}
	// Two keys for one field: encoding/json keeps the later in the text,
	// which the options map does not know: refused.
	_, err := engine.Server{Library: &engine.Library{Name: "echo-cors", Options: egJSON(t, `{"MaxAge": 1, "maxage": 2}`)}}.Respond(egReq("GET", "/r"))
	var oe *engine.FieldError
	if !errors.As(err, &oe) {
		t.Errorf("two keys for MaxAge: %v", err)
	}
}

// TestEchoCorsExportRuns builds and runs the exported program for a few
// configurations and compares its answers with the engine's.
func TestEchoCorsExportRuns(t *testing.T) {
	lib, _ := server.Lookup("echo-cors", "")
	reqs := []engine.HTTPRequest{
		egReq("GET", "/r", "Origin", "https://a.example.com"),
		egReq("GET", "/r", "Origin", "https://evil.com"),
		egReq("OPTIONS", "/r", "Origin", "https://a.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization"),
		egReq("OPTIONS", "/x", "Origin", "https://x.a.example.com", "Access-Control-Request-Method", "PUT"),
		egReq("patch", "/r", "Origin", "https://a.example.com"),
		egReq("GET", "/x?pretty", "Origin", "https://a.example.com"),
		egReq("HEAD", "/r"),
	}
	pairs := 0
	texts := []string{`{}`,
		`{"AllowOrigins": ["https://a.example.com", "https://*.a.example.com"], "AllowCredentials": true, "ExposeHeaders": ["X-Total"], "MaxAge": 600}`,
		`{"allowMethods": ["PUT", "get"], "AllowHeaders": ["Content-Type"], "AllowCredentials": true, "UnsafeWildcardOriginWithAllowCredentials": true, "MaxAge": -3}`,
	}
	var codes []string
	for _, text := range texts {
		code, err := lib.Export(egJSON(t, text), "/r")
		if err != nil {
			t.Fatalf("%s: Export: %v", text, err)
		}
		codes = append(codes, code)
	}
	bin := egBuild(t, codes)
	for i, text := range texts {
		opts, code := egJSON(t, text), codes[i]
		addr, exited := egRun(t, bin, i)
		if exited != "" {
			t.Fatalf("config %d: the program exited: %s", i, exited)
		}
		for _, req := range reqs {
			real := egAsk(t, addr, req)
			got, err := engine.Server{Library: &engine.Library{Name: "echo-cors", Options: opts, Route: "/r"}}.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if g := egEngine(got); !egSame(g, real) {
				t.Errorf("export %d %s, %s:\n  engine  %s\n  program %s\n%s", i, text, egDescribe(req), g, real, code)
			}
			pairs++
		}
		// The export reads back as the same options.
		use := code[strings.Index(code, "\te.Use("):]
		back, err := lib.Import(use[:strings.Index(use, "}))\n")+3])
		if err != nil {
			t.Errorf("Import(Export(%s)): %v", text, err)
			continue
		}
		a, _ := lib.Export(back, "/r")
		if a != code {
			t.Errorf("Export(Import(Export(%s))) differs:\n%s\nvs\n%s", text, a, code)
		}
	}
	t.Logf("echo exports: %d answers of 3 programs compared", pairs)
}
