package libtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
)

// The real github.com/gin-contrib/cors v1.7.7 on gin v1.12.0 against the
// engine's "gin-cors": gin.New() in release mode, r.Use(cors.New(cfg)),
// /r answering "ok" to GET, POST, PUT, DELETE and PATCH. cfg is built from
// the same JSON options as the reference says: cors.Config{} (or
// cors.DefaultConfig() with "DefaultConfig": true), the other keys decoded
// over it with encoding/json (unknown fields refused), MaxAge in seconds.
// cors.New's panic is the configuration error.

// ginReal builds the app; panicked is cors.New's panic text.
func ginReal(options string) (h http.Handler, panicked string, err error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &m); err != nil {
		return nil, "", err
	}
	var cfg cors.Config
	if raw, ok := m["DefaultConfig"]; ok {
		var d bool
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, "", err
		}
		if d {
			cfg = cors.DefaultConfig()
		}
		delete(m, "DefaultConfig")
	}
	var maxAge *int64
	if raw, ok := m["MaxAge"]; ok {
		maxAge = new(int64)
		if err := json.Unmarshal(raw, maxAge); err != nil {
			return nil, "", err
		}
		delete(m, "MaxAge")
	}
	rest, _ := json.Marshal(m)
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, "", err
	}
	if maxAge != nil {
		cfg.MaxAge = time.Duration(*maxAge) * time.Second
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = fmt.Sprint(p)
			}
		}()
		r.Use(cors.New(cfg))
	}()
	if panicked != "" {
		return nil, panicked, nil
	}
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	for _, meth := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		r.Handle(meth, "/r", ok)
	}
	return r, "", nil
}

type ginCase struct {
	name    string
	options string
	req     engine.HTTPRequest
}

// genGinOptions draws a configuration, often one cors.New refuses.
func genGinOptions(r *rand.Rand) string {
	m := map[string]any{}
	if r.IntN(4) == 0 {
		m["DefaultConfig"] = true
	}
	if r.IntN(6) == 0 {
		m["AllowAllOrigins"] = true
	}
	if o := goPick(r, [][]string{nil, {"https://a.example.com"}, {"https://a.example.com"}, {"https://a.example.com", "http://localhost:3000"},
		{"*"}, {"https://*.example.com"}, {"https://*.example.com", "https://a.example.com"}, {`/^https://.*\.example\.com$/`},
		{"/https?://a.example.com/"}, {"https://a.example.com", "/https://(/"}, {"https://A.EXAMPLE.COM"}, {"HTTPS://A.EXAMPLE.COM"}, {"https://a.example.*"},
		{"*.example.com"}, {"http://localhost:*"}, {"https://*.*.com"}, {"chrome-extension://abcdef"}, {"tauri://localhost"},
		{"ws://a.example.com"}, {"file://"}, {"null"}, {" https://a.example.com"}, {"/https://A\\.EXAMPLE\\.com/i"},
		{"https://b.example.com", "/^https://x\\./"}, {"https://a.example.com/"}}); o != nil {
		m["AllowOrigins"] = o
	}
	if v := goPick(r, [][]string{nil, nil, {"put", "Get"}, {"PUT"}, {}, {" delete ", "DELETE"}}); v != nil {
		m["AllowMethods"] = v
	}
	if v := goPick(r, [][]string{nil, nil, {"content-type", "x-custom"}, {"Authorization"}, {"*"}, {"x_odd", "x odd"}}); v != nil {
		m["AllowHeaders"] = v
	}
	if v := goPick(r, [][]string{nil, nil, {"x-total", "etag"}, {"X-A"}}); v != nil {
		m["ExposeHeaders"] = v
	}
	for _, k := range []string{"AllowCredentials", "AllowPrivateNetwork", "AllowWildcard", "AllowBrowserExtensions", "AllowWebSockets", "AllowFiles"} {
		if r.IntN(3) == 0 {
			m[k] = true
		}
	}
	if r.IntN(4) == 0 {
		m["CustomSchemas"] = []string{"tauri://"}
	}
	if v := goPick(r, []int{0, 0, 600, -5, 86400}); v != 0 {
		m["MaxAge"] = v
	}
	if v := goPick(r, []int{0, 0, 0, 200, 204, 299, -1, 1000, 404}); v != 0 {
		m["OptionsResponseStatusCode"] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// ginQuirkCases are hand-picked: each shows a quirk of gin-contrib/cors.
func ginQuirkCases() []ginCase {
	pre, get := egPreflight, egGet
	list := `{"AllowOrigins": ["https://a.example.com"], "AllowCredentials": true}`
	def := `{"DefaultConfig": true, "AllowOrigins": ["https://a.example.com"]}`
	re := `{"AllowOrigins": ["/https?://a.example.com/"]}`
	return []ginCase{
		{"exact origin", list, get("https://a.example.com")},
		{"refused: 403 without CORS headers", list, get("https://evil.com")},
		{"suffix refused", list, get("https://a.example.com.evil.com")},
		{"http downgrade refused", list, get("http://a.example.com")},
		{"null refused", list, get("null")},
		{"no Origin: the route", list, egReq("GET", "/r")},
		{"capitals refused", list, get("https://A.example.com")},
		{"config in capitals is lower-cased", `{"AllowOrigins": ["https://A.EXAMPLE.COM"]}`, get("https://a.example.com")},
		{"a scheme in capitals is refused", `{"AllowOrigins": ["HTTPS://A.EXAMPLE.COM"]}`, get("https://a.example.com")},
		{"regex: the first ? is dropped before the scheme check", `{"AllowOrigins": ["/http.?://a/"]}`, get("http://a")},
		{"same host is not CORS", list, get("https://api.example.com")},
		{"same host over http neither", list, get("http://api.example.com")},
		{"preflight: configured lists, ACRH ignored", def, pre("https://a.example.com", "PURGE", "authorization,x-anything")},
		{"preflight refused: 403", def, pre("https://evil.com", "PUT", "-")},
		{"preflight without Origin: 404", def, egReq("OPTIONS", "/r", "Access-Control-Request-Method", "PUT")},
		{"OPTIONS without ACRM is a preflight", def, egReq("OPTIONS", "/r", "Origin", "https://a.example.com")},
		{"zero config preflight: no lists", list, pre("https://a.example.com", "PUT", "x-custom")},
		{"patch: 404 with CORS headers", list, egReq("patch", "/r", "Origin", "https://a.example.com")},
		{"HEAD: 404 with a Content-Length", list, egReq("HEAD", "/r", "Origin", "https://a.example.com")},
		{"other path: 404 with CORS headers", list, egReq("GET", "/x", "Origin", "https://a.example.com")},
		{"trailing slash: 301 without CORS", list, egReq("GET", "/r/", "Origin", "https://a.example.com")},
		{"trailing slash PUT: 307, query kept", list, egReq("PUT", "/r/?a=b&c", "Origin", "https://a.example.com")},
		{"trailing slash, html-escaped query", list, egReq("GET", "/r/?a=<b>&c=\"d\"", "Origin", "https://a.example.com")},
		{"escaped path routes", list, egReq("GET", "/%72", "Origin", "https://a.example.com")},
		{"unanchored regex: missing dot escape", re, get("https://aXexample.com")},
		{"unanchored regex: suffix", re, get("https://a.example.com.evil.com")},
		{"unanchored regex: http", re, get("http://a.example.com")},
		{"regex lower-cased", `{"AllowOrigins": ["/https://A\\.EXAMPLE\\.com/i"]}`, get("https://a.example.com")},
		{"anchored regex", `{"AllowOrigins": ["/^https://.*\\.example\\.com$/"]}`, get("https://x.y.example.com")},
		{"bad regex panics: no answer", `{"AllowOrigins": ["https://a.example.com", "/https://(/"]}`, get("https://evil.com")},
		{"bad regex not reached", `{"AllowOrigins": ["https://a.example.com", "/https://(/"]}`, get("https://a.example.com")},
		{"wildcard off: literal", `{"AllowOrigins": ["https://*.example.com"]}`, get("https://b.example.com")},
		{"wildcard on", `{"AllowOrigins": ["https://*.example.com"], "AllowWildcard": true}`, get("https://x.y.example.com")},
		{"wildcard suffix attack", `{"AllowOrigins": ["https://a.example.*"], "AllowWildcard": true}`, get("https://a.example.com.evil.com")},
		{"wildcard leading *", `{"AllowOrigins": ["*.example.com"], "AllowWildcard": true}`, get("http://evil.example.com")},
		{"wildcard keeps case", `{"AllowOrigins": ["https://*.Example.com"], "AllowWildcard": true}`, get("https://a.example.com")},
		{"* with credentials", `{"AllowOrigins": ["*"], "AllowCredentials": true}`, get("https://evil.com")},
		{"AllowAllOrigins preflight", `{"AllowAllOrigins": true, "AllowCredentials": true, "MaxAge": 600}`, pre("https://evil.com", "PUT", "-")},
		{"Default()", `{"DefaultConfig": true, "AllowAllOrigins": true}`, pre("https://evil.com", "PUT", "-")},
		{"private network always", `{"AllowOrigins": ["https://a.example.com"], "AllowPrivateNetwork": true}`, pre("https://a.example.com", "GET", "-")},
		{"status 200", `{"AllowOrigins": ["https://a.example.com"], "OptionsResponseStatusCode": 200}`, pre("https://a.example.com", "GET", "-")},
		{"status negative: 404", `{"AllowOrigins": ["https://a.example.com"], "OptionsResponseStatusCode": -1}`, pre("https://a.example.com", "GET", "-")},
		{"status 1000 panics", `{"AllowOrigins": ["https://a.example.com"], "OptionsResponseStatusCode": 1000}`, pre("https://a.example.com", "GET", "-")},
		{"status 304", `{"AllowOrigins": ["https://a.example.com"], "OptionsResponseStatusCode": 304}`, pre("https://a.example.com", "GET", "-")},
		{"expose canonical", `{"AllowOrigins": ["https://a.example.com"], "ExposeHeaders": ["x-total", "X_ODD", "x odd"]}`, get("https://a.example.com")},
		{"max age negative: none", `{"AllowOrigins": ["https://a.example.com"], "MaxAge": -5}`, pre("https://a.example.com", "GET", "-")},
		{"extension origin", `{"AllowOrigins": ["chrome-extension://abcdef"], "AllowBrowserExtensions": true}`, get("chrome-extension://abcdef")},
		{"custom schema", `{"AllowOrigins": ["tauri://localhost"], "CustomSchemas": ["tauri://"]}`, get("tauri://localhost")},
		{"two Origin lines: the first", list, egReq("GET", "/r", "Origin", "https://a.example.com", "Origin", "https://evil.com")},
		{"bad header value: 400", list, egReq("GET", "/r", "Origin", "https://a.example.com\x7f")},
		{"null func fields", `{"AllowOriginFunc": null, "AllowOriginWithContextFunc": null, "AllowAllOrigins": true}`, get("https://evil.com")},
		{"DefaultConfig: null list", `{"DefaultConfig": true, "AllowAllOrigins": true, "AllowHeaders": null}`, pre("https://evil.com", "GET", "-")},
	}
}

// ginConfigErrors are configurations cors.New refuses.
var ginConfigErrors = []string{`{}`, `{"DefaultConfig": true}`, `{"AllowAllOrigins": true, "AllowOrigins": ["*"]}`,
	`{"AllowOrigins": ["null"]}`, `{"AllowOrigins": ["chrome-extension://x"]}`, `{"AllowOrigins": ["https://*.*.com"], "AllowWildcard": true}`,
	`{"AllowOrigins": ["ws://x"], "CustomSchemas": ["tauri://"], "AllowFiles": true, "AllowBrowserExtensions": true}`,
	`{"AllowOrigins": ["/(/"]}`, `{"AllowOrigins": ["/^?https://x/"], "AllowOriginFunc": null}`, `{"AllowOrigins": [" https://a.example.com"]}`}

// TestGinCorsDifferential compares the engine with the real gin-contrib/cors
// on hand-picked and generated pairs, and the configurations cors.New
// refuses with the engine's ConfigError.
func TestGinCorsDifferential(t *testing.T) {
	s := egStart(t)
	r := rand.New(rand.NewPCG(16, 7))
	cases := ginQuirkCases()
	for _, o := range ginConfigErrors {
		cases = append(cases, ginCase{"refused " + o, o, egReq("GET", "/r", "Origin", "https://a.example.com")})
	}
	for i := range 300 {
		opts := genGinOptions(r)
		for j := range 4 {
			cases = append(cases, ginCase{fmt.Sprintf("generated %d.%d", i, j), opts, egGenRequest(r)})
		}
	}
	stats := egStats{}
	pairs, refused := 0, map[string]bool{}
	for _, c := range cases {
		h, panicked, err := ginReal(c.options)
		if err != nil {
			t.Fatalf("%s: the real decoding refuses %s: %v", c.name, c.options, err)
		}
		got, err := engine.Server{Library: &engine.Library{Name: "gin-cors", Options: egJSON(t, c.options), Route: "/r"}}.Respond(c.req)
		var ce *engine.ConfigError
		switch {
		case panicked != "" && errors.As(err, &ce) && ce.Message == panicked:
			refused[panicked] = true
			continue
		case panicked != "":
			t.Errorf("%s: options %s: cors.New panics %q, engine: %v", c.name, c.options, panicked, err)
			continue
		case err != nil:
			t.Errorf("%s: options %s: engine: %v", c.name, c.options, err)
			continue
		}
		real := s.ask(t, h, c.req)
		stats.add(c.req, real)
		pairs++
		if g := egEngine(got); !egSame(g, real) {
			t.Errorf("%s: options %s, request %s:\n  engine  %s\n  library %s", c.name, c.options, egDescribe(c.req), g, real)
		}
	}
	if pairs < 150 {
		t.Fatalf("only %d pairs ran, want at least 150", pairs)
	}
	t.Logf("gin-contrib/cors v1.7.7: %d configuration × request pairs answered (%d hand-picked cases), %d distinct refusals matched: %s", pairs, len(ginQuirkCases()), len(refused), stats)
}

// TestGinCorsOptionErrors: encoding/json's refusals are OptionErrors in
// its words.
func TestGinCorsOptionErrors(t *testing.T) {
	for _, text := range []string{`{"AllowOrigins": "https://a.example.com"}`, `{"AllowOrigins": [true]}`, `{"AllowWildcard": 1}`,
		`{"AllowOriginFunc": "x"}`, `{"AllowedOrigins": []}`, `{"OptionsResponseStatusCode": 2.5}`, `{"CustomSchemas": "tauri://"}`} {
		_, _, realErr := ginReal(text)
		if realErr == nil {
			t.Errorf("%s: the real decoding accepts it", text)
			continue
		}
		_, err := engine.Server{Library: &engine.Library{Name: "gin-cors", Options: egJSON(t, text)}}.Respond(egReq("GET", "/r"))
		var fe *engine.FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Problem, realErr.Error()) {
			t.Errorf("%s:\n  engine  %v\n  library %v", text, err, realErr)
		}
	}
	for _, text := range []string{`{"MaxAge": 1.5}`, `{"DefaultConfig": "yes"}`, `{"MaxAge": 99999999999}`, `{"AllowAllOrigins": true, "OptionsResponseStatusCode": 103}`} {
		_, err := engine.Server{Library: &engine.Library{Name: "gin-cors", Options: egJSON(t, text)}}.Respond(egReq("GET", "/r"))
		var fe *engine.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %v, want a FieldError", text, err)
		}
	}
}

// TestGinCorsExportRuns builds and runs the exported program for a few
// configurations, one of them refused, and compares its answers with the
// engine's.
func TestGinCorsExportRuns(t *testing.T) {
	lib, _ := server.Lookup("gin-cors", "")
	reqs := []engine.HTTPRequest{
		egReq("GET", "/r", "Origin", "https://a.example.com"),
		egReq("GET", "/r", "Origin", "https://evil.com"),
		egReq("OPTIONS", "/r", "Origin", "https://a.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization"),
		egReq("OPTIONS", "/x", "Origin", "https://x.a.example.com", "Access-Control-Request-Method", "PUT"),
		egReq("patch", "/r", "Origin", "https://a.example.com"),
		egReq("GET", "/r/?q=1", "Origin", "https://a.example.com"),
		egReq("HEAD", "/r"),
	}
	pairs := 0
	texts := []string{
		`{"DefaultConfig": true, "AllowOrigins": ["https://a.example.com", "https://*.a.example.com"], "AllowWildcard": true, "AllowHeaders": ["Authorization"], "MaxAge": 600}`,
		`{"AllowAllOrigins": true, "AllowCredentials": true, "ExposeHeaders": ["X-Total"], "MaxAge": 7200, "OptionsResponseStatusCode": 200}`,
		`{"AllowOrigins": ["/^https://(a|x\\.a)\\.example\\.com$/"], "AllowMethods": ["put"], "AllowPrivateNetwork": true, "AllowCredentials": true}`,
		`{"DefaultConfig": true}`,
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
		_, cerr := engine.Server{Library: &engine.Library{Name: "gin-cors", Options: opts}}.Respond(reqs[0])
		var ce *engine.ConfigError
		if errors.As(cerr, &ce) {
			if !strings.Contains(exited, "panic: "+ce.Message+"\n") {
				t.Errorf("config %d: the engine refuses it (%q), the program says:\n%s", i, ce.Message, exited)
			}
			pairs++
		} else if exited != "" {
			t.Fatalf("config %d: the program exited: %s", i, exited)
		}
		for _, req := range reqs {
			if exited != "" {
				break
			}
			real := egAsk(t, addr, req)
			got, err := engine.Server{Library: &engine.Library{Name: "gin-cors", Options: opts, Route: "/r"}}.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if g := egEngine(got); !egSame(g, real) {
				t.Errorf("export %d %s, %s:\n  engine  %s\n  program %s\n%s", i, text, egDescribe(req), g, real, code)
			}
			pairs++
		}
		use := code[strings.Index(code, "\tr := gin.New()\n")+len("\tr := gin.New()\n"):]
		back, err := lib.Import(use[:strings.Index(use, "\tok :=")])
		if err != nil {
			t.Errorf("Import(Export(%s)): %v", text, err)
			continue
		}
		if a, _ := lib.Export(back, "/r"); a != code {
			t.Errorf("Export(Import(Export(%s))) differs:\n%s\nvs\n%s", text, a, code)
		}
	}
	t.Logf("gin exports: %d answers of 4 programs compared", pairs)
}
