package libtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"

	rscors "github.com/rs/cors"
)

// rsOpts are the JSON-expressible fields of rs/cors's cors.Options.
type rsOpts struct {
	AllowedOrigins, AllowedMethods, AllowedHeaders, ExposedHeaders []string
	MaxAge, OptionsSuccessStatus                                   int
	AllowCredentials, AllowPrivateNetwork, OptionsPassthrough      bool
	Debug                                                          bool
}

// options is the server.library.options object: every set field, by its
// Go name.
func (o rsOpts) options(t *testing.T) map[string]json.RawMessage {
	m := map[string]any{}
	if o.AllowedOrigins != nil {
		m["AllowedOrigins"] = o.AllowedOrigins
	}
	if o.AllowedMethods != nil {
		m["AllowedMethods"] = o.AllowedMethods
	}
	if o.AllowedHeaders != nil {
		m["AllowedHeaders"] = o.AllowedHeaders
	}
	if o.ExposedHeaders != nil {
		m["ExposedHeaders"] = o.ExposedHeaders
	}
	if o.MaxAge != 0 {
		m["MaxAge"] = o.MaxAge
	}
	if o.OptionsSuccessStatus != 0 {
		m["OptionsSuccessStatus"] = o.OptionsSuccessStatus
	}
	if o.AllowCredentials {
		m["AllowCredentials"] = true
	}
	if o.AllowPrivateNetwork {
		m["AllowPrivateNetwork"] = true
	}
	if o.OptionsPassthrough {
		m["OptionsPassthrough"] = true
	}
	if o.Debug {
		m["Debug"] = true
	}
	return goRawOptions(t, m)
}

// real is the same configuration as a cors.Options.
func (o rsOpts) real() rscors.Options {
	opts := rscors.Options{
		AllowedOrigins: o.AllowedOrigins, AllowedMethods: o.AllowedMethods, AllowedHeaders: o.AllowedHeaders,
		ExposedHeaders: o.ExposedHeaders, MaxAge: o.MaxAge, OptionsSuccessStatus: o.OptionsSuccessStatus,
		AllowCredentials: o.AllowCredentials, AllowPrivateNetwork: o.AllowPrivateNetwork,
		OptionsPassthrough: o.OptionsPassthrough, Debug: o.Debug,
	}
	if o.Debug {
		opts.Logger = log.New(io.Discard, "", 0) // Debug logs; keep the test output clean
	}
	return opts
}

// goRawOptions marshals each option on its own, as the engine reads them.
func goRawOptions(t *testing.T, m map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range m {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = b
	}
	return out
}

// goNext is the handler behind the middleware: 200, no header.
var goNext = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

// goServe runs req through the real middleware in process.
func goServe(h http.Handler, req engine.HTTPRequest) (int, http.Header) {
	r := httptest.NewRequest(req.Method, "http://api.example.com/items", nil)
	r.Header = http.Header{}
	for _, h := range req.Headers {
		r.Header.Add(h.Name, h.Value)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	res := rec.Result()
	return res.StatusCode, res.Header
}

// goCORSHeaders keeps the CORS headers (Access-Control-* and Vary) of a Go
// header map, values in line order.
func goCORSHeaders(h http.Header) map[string][]string {
	out := map[string][]string{}
	for k, vs := range h {
		if goIsCORSHeader(k) {
			out[http.CanonicalHeaderKey(k)] = append(out[http.CanonicalHeaderKey(k)], vs...)
		}
	}
	return out
}

func goIsCORSHeader(name string) bool {
	n := strings.ToLower(name)
	return n == "vary" || strings.HasPrefix(n, "access-control-")
}

// goEngineCORSHeaders is goCORSHeaders for the engine's answer: names compared
// case-insensitively, values exactly and in order.
func goEngineCORSHeaders(hs engine.Headers) map[string][]string {
	out := map[string][]string{}
	for _, h := range hs {
		if goIsCORSHeader(h.Name) {
			k := http.CanonicalHeaderKey(h.Name)
			out[k] = append(out[k], h.Value)
		}
	}
	return out
}

// goDiffAnswers describes how the engine's answer differs from the real one.
func goDiffAnswers(realStatus int, realHdrs map[string][]string, got engine.Response) string {
	var diffs []string
	if got.Status != realStatus {
		diffs = append(diffs, fmt.Sprintf("status: engine %d, library %d", got.Status, realStatus))
	}
	gotHdrs := goEngineCORSHeaders(got.Headers)
	names := map[string]bool{}
	for k := range gotHdrs {
		names[k] = true
	}
	for k := range realHdrs {
		names[k] = true
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Equal(gotHdrs[k], realHdrs[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: engine %q, library %q", k, gotHdrs[k], realHdrs[k]))
		}
	}
	return strings.Join(diffs, "; ")
}

func goDescribe(req engine.HTTPRequest) string {
	var b strings.Builder
	b.WriteString(req.Method)
	for _, h := range req.Headers {
		fmt.Fprintf(&b, " [%s: %q]", h.Name, h.Value)
	}
	return b.String()
}

// rsCase is one configuration × request pair.
type rsCase struct {
	name string
	opts rsOpts
	req  engine.HTTPRequest
}

// goStats counts the kinds of answers the pairs exercised.
type goStats map[string]int

func (s goStats) add(req engine.HTTPRequest, hdrs http.Header) {
	kind := "actual"
	if req.Method == "OPTIONS" && req.Headers.Has("Access-Control-Request-Method") {
		kind = "preflight"
	}
	if hdrs.Get("Access-Control-Allow-Origin") != "" {
		s[kind+" allowed"]++
	} else {
		s[kind+" refused"]++
	}
}

func (s goStats) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, s[k]))
	}
	return strings.Join(parts, ", ")
}

// checkRS compares the engine with rs/cors on one pair.
func checkRS(t *testing.T, c rsCase, stats goStats) {
	t.Helper()
	realStatus, realHdrs := goServe(rscors.New(c.opts.real()).Handler(goNext), c.req)
	stats.add(c.req, realHdrs)
	srv := engine.Server{Library: &engine.Library{Name: "rs-cors", Options: c.opts.options(t)}}
	got, err := srv.Respond(c.req)
	if err != nil {
		t.Errorf("%s: engine refused %+v: %v", c.name, c.opts, err)
		return
	}
	if d := goDiffAnswers(realStatus, goCORSHeaders(realHdrs), got); d != "" {
		t.Errorf("%s: options %+v, request %s:\n  %s", c.name, c.opts, goDescribe(c.req), d)
	}
}

// Request pools shared by both libraries' generators.
var (
	goPoolOrigins = []string{
		"https://app.example.com", "https://sub.example.com", "https://example.com", "https://a.b.example.com",
		"http://app.example.com", "https://app.example.com.evil.net", "https://evilexample.com",
		"https://APP.Example.com", "https://app.example.com:8443", "https://example.org", "null", "",
		"http://localhost", "http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:3000",
		"https://[app.example.com]", "https://example.com:443", "https://xample.com", "https://app.example.co",
	}
	goPoolMethods = []string{"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "put", "Patch", "OPTIONS", "PURGE"}
	goPoolACRH    = []string{
		"content-type", "x-custom", "content-type,x-custom", "x-custom,content-type", "authorization",
		"authorization,content-type", "X-Custom", "content-type, x-requested-with", "accept,content-type,x-requested-with",
		"", " x-custom", "x-custom,,content-type", "x-a,x-b,x-c", "x-requested-with",
	}
)

// goLikelyOrigins and goLikelyMethods are what the generated
// configurations mostly allow, drawn half of the time so that allowed and
// refused answers both get exercised.
var (
	goLikelyOrigins = []string{"https://app.example.com", "https://sub.example.com", "https://a.b.example.com", "http://localhost:3000"}
	goLikelyMethods = []string{"GET", "POST", "PUT", "DELETE"}
)

// goGenRequest draws a preflight or an actual request.
func goGenRequest(r *rand.Rand) engine.HTTPRequest {
	var hs engine.Headers
	drawOrigin := func() string {
		if r.IntN(2) == 0 {
			return goPick(r, goLikelyOrigins)
		}
		return goPick(r, goPoolOrigins)
	}
	drawMethod := func() string {
		if r.IntN(2) == 0 {
			return goPick(r, goLikelyMethods)
		}
		return goPick(r, goPoolMethods)
	}
	origin := func() {
		switch r.IntN(12) {
		case 0: // no Origin header
		case 1: // two lines
			hs = append(hs, engine.Header{Name: "Origin", Value: drawOrigin()}, engine.Header{Name: "origin", Value: drawOrigin()})
		default:
			hs = append(hs, engine.Header{Name: "Origin", Value: drawOrigin()})
		}
	}
	if r.IntN(2) == 0 { // actual request
		origin()
		return engine.HTTPRequest{Method: drawMethod(), URL: "/items", Headers: hs}
	}
	origin()
	acrm := drawMethod()
	if r.IntN(10) == 0 {
		acrm = ""
	}
	hs = append(hs, engine.Header{Name: "Access-Control-Request-Method", Value: acrm})
	switch n := r.IntN(10); {
	case n < 4: // no ACRH
	case n == 4: // split over two lines
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: "content-type"},
			engine.Header{Name: "Access-Control-Request-Headers", Value: "x-custom"})
	default:
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: goPoolACRH[r.IntN(len(goPoolACRH))]})
	}
	if r.IntN(4) == 0 {
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Private-Network", Value: "true"})
	}
	return engine.HTTPRequest{Method: "OPTIONS", URL: "/items", Headers: hs}
}

func goPick[T any](r *rand.Rand, pool []T) T { return pool[r.IntN(len(pool))] }

// genRSOpts draws an rs/cors configuration.
func genRSOpts(r *rand.Rand) rsOpts {
	return rsOpts{
		AllowedOrigins: goPick(r, [][]string{nil, {}, {"*"}, {"https://app.example.com"}, {"https://*.example.com"},
			{"https://app.example.com"}, {"https://*.example.com"}, {"https://app.example.com", "http://localhost:3000"},
			{"https://example.*"}, {"h*"}, {"HTTPS://APP.EXAMPLE.COM"}, {"https://app.example.com", "*"}, {"null"},
			{"http://*"}, {"*.example.com"}, {"https://app.example.com", "https://*.example.com"},
			{"https://*example.com"}, {"http://localhost:*"}, {"https://*.example.com:*"}, {"https://app.example.com/"},
			{"https://sub.example.com", "http://app.example.com", "null"}}),
		AllowedMethods: goPick(r, [][]string{nil, {}, {"GET", "POST"}, {"PUT"}, {"put"}, {"GET", "PUT", "DELETE", "PATCH"},
			{"GET", "POST", "PUT", "DELETE"}, {"GET", "POST", "PUT", "DELETE"},
			{"*"}, {"OPTIONS"}, {"PURGE", "Patch"}}),
		AllowedHeaders: goPick(r, [][]string{nil, {}, {"*"}, {"*"}, {"Content-Type"}, {"content-type", "x-custom", "authorization"}, {"X-Custom", "content-type"}, {"authorization"},
			{"X-Custom"}, {"x-a", "x-b", "x-c"}, {"Content-Type", "*"}}),
		ExposedHeaders:       goPick(r, [][]string{nil, {"x-total-count"}, {"X-A", "x-b"}, {"*"}, {"x_weird name"}}),
		MaxAge:               goPick(r, []int{0, 0, 600, -1, 864000}),
		OptionsSuccessStatus: goPick(r, []int{0, 0, 200, 204, 299}),
		AllowCredentials:     r.IntN(2) == 0,
		AllowPrivateNetwork:  r.IntN(4) == 0,
		OptionsPassthrough:   r.IntN(6) == 0,
		Debug:                r.IntN(8) == 0,
	}
}

func goPreflight(origin, method, headers string) engine.HTTPRequest {
	hs := engine.Headers{}
	if origin != "-" {
		hs = append(hs, engine.Header{Name: "Origin", Value: origin})
	}
	hs = append(hs, engine.Header{Name: "Access-Control-Request-Method", Value: method})
	if headers != "-" {
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: headers})
	}
	return engine.HTTPRequest{Method: "OPTIONS", URL: "/items", Headers: hs}
}

func goActual(method, origin string) engine.HTTPRequest {
	hs := engine.Headers{}
	if origin != "-" {
		hs = append(hs, engine.Header{Name: "Origin", Value: origin})
	}
	return engine.HTTPRequest{Method: method, URL: "/items", Headers: hs}
}

// rsQuirkCases are hand-picked: each is a quirk of rs/cors v1.11.1.
func rsQuirkCases() []rsCase {
	sub := rsOpts{AllowedOrigins: []string{"https://*.example.com"}, AllowCredentials: true, AllowedMethods: []string{"GET", "PUT"}}
	h := rsOpts{AllowedOrigins: []string{"h*"}, AllowCredentials: true}
	return []rsCase{
		{"default config allows any origin with *", rsOpts{}, goActual("GET", "https://evil.net")},
		{"* with credentials sends * and true", rsOpts{AllowedOrigins: []string{"*"}, AllowCredentials: true}, goActual("GET", "https://evil.net")},
		{"h* reflects nearly anything with credentials (issue 197)", h, goActual("GET", "https://attacker.net")},
		{"h* preflight", h, goPreflight("http://attacker.net", "GET", "-")},
		{"wildcard spans dots", sub, goActual("GET", "https://a.b.example.com")},
		{"wildcard lookalike suffix refused", sub, goActual("GET", "https://app.example.com.evil.net")},
		{"wildcard does not match apex", sub, goActual("GET", "https://example.com")},
		{"example.* matches example.evil.net", rsOpts{AllowedOrigins: []string{"https://example.*"}}, goActual("GET", "https://example.evil.net")},
		{"*example.com matches evilexample.com", rsOpts{AllowedOrigins: []string{"https://*example.com"}}, goActual("GET", "https://evilexample.com")},
		{"origins lowercased both sides", rsOpts{AllowedOrigins: []string{"HTTPS://App.Example.com"}}, goActual("GET", "https://APP.example.COM")},
		{"null allowed when listed", rsOpts{AllowedOrigins: []string{"null"}}, goActual("GET", "null")},
		{"disallowed origin: Vary only", sub, goActual("GET", "https://evil.net")},
		{"no Origin: Vary only", sub, goActual("GET", "-")},
		{"actual request with a disallowed method gets nothing", sub, goActual("DELETE", "https://app.example.com")},
		{"methods are case-sensitive", rsOpts{AllowedMethods: []string{"put"}}, goPreflight("https://x.net", "PUT", "-")},
		{"OPTIONS always allowed as actual method", rsOpts{AllowedMethods: []string{"PUT"}}, goActual("OPTIONS", "https://x.net")},
		{"ACAM is the requested method", sub, goPreflight("https://app.example.com", "PUT", "-")},
		{"preflight aborted on a disallowed method: 204 with Vary only", sub, goPreflight("https://app.example.com", "DELETE", "-")},
		{"preflight aborted on a disallowed header", sub, goPreflight("https://app.example.com", "PUT", "x-custom")},
		{"default headers allow content-type", sub, goPreflight("https://app.example.com", "PUT", "content-type")},
		{"headers * echoes ACRH", rsOpts{AllowedHeaders: []string{"*"}}, goPreflight("https://x.net", "GET", "x-anything,authorization")},
		{"unsorted ACRH refused", rsOpts{AllowedHeaders: []string{"a", "b"}}, goPreflight("https://x.net", "GET", "b,a")},
		{"uppercase ACRH refused", rsOpts{AllowedHeaders: []string{"X-Custom"}}, goPreflight("https://x.net", "GET", "X-Custom")},
		{"empty ACRH not echoed", rsOpts{}, goPreflight("https://x.net", "GET", "")},
		{"preflight without Origin", rsOpts{}, goPreflight("-", "GET", "-")},
		{"OPTIONS with empty ACRM is an actual request", rsOpts{}, goPreflight("https://x.net", "", "-")},
		{"MaxAge negative sends 0", rsOpts{MaxAge: -5}, goPreflight("https://x.net", "GET", "-")},
		{"MaxAge uncapped", rsOpts{MaxAge: 10000000}, goPreflight("https://x.net", "GET", "-")},
		{"exposed headers canonicalized, actual only", rsOpts{ExposedHeaders: []string{"x-total-count", "etag"}}, goActual("GET", "https://x.net")},
		{"exposed headers not on preflight", rsOpts{ExposedHeaders: []string{"x-total-count"}}, goPreflight("https://x.net", "GET", "-")},
		{"private network", rsOpts{AllowPrivateNetwork: true}, engine.HTTPRequest{Method: "OPTIONS", Headers: engine.Headers{
			{Name: "Origin", Value: "https://x.net"}, {Name: "Access-Control-Request-Method", Value: "GET"},
			{Name: "Access-Control-Request-Private-Network", Value: "true"}}}},
		{"passthrough: next answers 200", rsOpts{OptionsPassthrough: true, OptionsSuccessStatus: 204}, goPreflight("https://x.net", "GET", "-")},
		{"OptionsSuccessStatus 200", rsOpts{OptionsSuccessStatus: 200}, goPreflight("https://x.net", "GET", "-")},
		{"two Origin lines: ACAO repeats both", rsOpts{AllowedOrigins: []string{"https://a.net"}}, engine.HTTPRequest{Method: "GET", Headers: engine.Headers{
			{Name: "Origin", Value: "https://a.net"}, {Name: "Origin", Value: "https://b.net"}}}},
		{"ACRH over two lines: echoed as two lines", rsOpts{AllowedHeaders: []string{"a", "b"}}, engine.HTTPRequest{Method: "OPTIONS", Headers: engine.Headers{
			{Name: "Origin", Value: "https://x.net"}, {Name: "Access-Control-Request-Method", Value: "GET"},
			{Name: "Access-Control-Request-Headers", Value: "a"}, {Name: "Access-Control-Request-Headers", Value: "b"}}}},
		{"OWS tolerance", rsOpts{AllowedHeaders: []string{"a", "b"}}, goPreflight("https://x.net", "GET", " a,  b")},
		{"one OWS byte", rsOpts{AllowedHeaders: []string{"a", "b"}}, goPreflight("https://x.net", "GET", " a, b")},
		{"two OWS bytes", rsOpts{AllowedHeaders: []string{"a", "b"}}, goPreflight("https://x.net", "GET", "a,  b")},
		{"only the first * is a wildcard", rsOpts{AllowedOrigins: []string{"https://*.*.example.com"}}, goActual("GET", "https://a.b.example.com")},
		{"canonicalization skips odd names", rsOpts{ExposedHeaders: []string{"x-total-count", "etag", "x_odd name"}}, goActual("GET", "https://x.net")},
		{"* is no wildcard for methods", rsOpts{AllowedMethods: []string{"*"}}, goPreflight("https://x.net", "PUT", "-")},
		{"empty Origin", rsOpts{}, goActual("GET", "")},
		{"wildcard with a port", rsOpts{AllowedOrigins: []string{"https://*.example.com"}}, goActual("GET", "https://app.example.com:8443")},
		{"17 empty ACRH elements", rsOpts{AllowedHeaders: []string{"a"}}, goPreflight("https://x.net", "GET", strings.Repeat(",", 17)+"a")},
	}
}

// TestRSCorsDifferential compares the engine's rs-cors emulation with
// github.com/rs/cors v1.11.1 on generated and hand-picked pairs.
func TestRSCorsDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(2024, 11))
	cases := rsQuirkCases()
	const configs, perConfig = 150, 6
	for i := range configs {
		opts := genRSOpts(r)
		for j := range perConfig {
			cases = append(cases, rsCase{fmt.Sprintf("generated %d.%d", i, j), opts, goGenRequest(r)})
		}
	}
	fixes := 0
	for _, p := range libFixCorpus(t, "rs-cors") {
		var opts rsOpts
		if err := json.Unmarshal([]byte(p.options), &opts); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		cases = append(cases, rsCase{p.name, opts, p.req})
		fixes++
	}
	stats := goStats{}
	for _, c := range cases {
		checkRS(t, c, stats)
	}
	t.Logf("rs/cors: %d configuration × request pairs compared (%d hand-picked, %d from the engine's fixes): %s", len(cases), len(rsQuirkCases()), fixes, stats)
}

// TestRSCorsRefusedOptions: what a Go program could not write is refused
// with a FieldError, never silently ignored.
func TestRSCorsRefusedOptions(t *testing.T) {
	for _, opts := range []string{`{"AllowOriginFunc": "x"}`, `{"Logger": null}`, `{"allowedOrigins": ["*"]}`,
		`{"AllowedOrigins": "https://a.net"}`, `{"MaxAge": 1.5}`, `{"OptionsSuccessStatus": 99}`} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(opts), &m); err != nil {
			t.Fatal(err)
		}
		srv := engine.Server{Library: &engine.Library{Name: "rs-cors", Options: m}}
		_, err := srv.Respond(goActual("GET", "https://a.net"))
		var fe *engine.FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "server.library.options.") {
			t.Errorf("%s: got %v, want a FieldError on an option", opts, err)
		}
	}
}

// TestRSCorsExportRuns builds and runs the program the registry's Export
// writes for a few configurations and compares its answers with the
// engine's (goExportRuns).
func TestRSCorsExportRuns(t *testing.T) {
	t.Parallel() // its go builds overlap the other libraries'
	goExportRuns(t, "rs-cors", []string{
		`{}`,
		`{"AllowedOrigins": ["https://a.example", "https://*.a.example", "h*x"], "AllowedMethods": ["GET", "put", "PATCH"], "AllowedHeaders": ["Content-Type", "Authorization"], "ExposedHeaders": ["x-total-count"], "AllowCredentials": true, "MaxAge": 300}`,
		`{"AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "OptionsPassthrough": true, "Debug": true, "MaxAge": -1, "AllowPrivateNetwork": true}`,
		`{"AllowedOrigins": ["https://a.example"], "OptionsSuccessStatus": 200}`,
	})
}

// goExportRuns builds and runs the program the registry's Export writes
// for each configuration, sends it requests over loopback and compares its
// answers with the engine's: status and CORS headers (the legacy Go
// emulations leave out net/http's Content-Length and header order, as the
// differential tests compare).
func goExportRuns(t *testing.T, library string, configs []string) {
	lib, ok := server.Lookup(library, "")
	if !ok {
		t.Fatal(library + " is not registered")
	}
	reqs := []engine.HTTPRequest{
		cgActual("GET", "https://a.example"), cgActual("GET", "https://a.example.evil.com"), cgActual("PUT", "https://app.a.example"),
		cgActual("get", "-"), cgActual("HEAD", "https://A.EXAMPLE"), cgPreflight("https://a.example", "PUT", "content-type,authorization"),
		cgPreflight("https://app.a.example", "patch", "x-custom"), cgPreflight("null", "DELETE", "-"), cgPreflight("-", "PUT", "-"),
		cgPreflight("https://a.example", "", "-"), cgPreflight("https://evil.com", "GET", "-"), cgPreflight("https://hax", "put", "authorization"),
	}
	for _, text := range configs {
		opts := cgOptions(t, text)
		code, err := lib.Export(opts, "/r")
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		for i, a := range cgExportRun(t, code, reqs) {
			resp, err := engine.Server{Library: &engine.Library{Name: library, Options: opts}}.Respond(reqs[i])
			if err != nil {
				t.Fatal(err)
			}
			real := map[string][]string{}
			for _, l := range a.Lines {
				if name, value, _ := strings.Cut(l, ": "); goIsCORSHeader(name) {
					real[http.CanonicalHeaderKey(name)] = append(real[http.CanonicalHeaderKey(name)], value)
				}
			}
			if d := goDiffAnswers(a.Status, real, resp); d != "" {
				t.Errorf("%s\n  %s: %s\n%s", text, cgDescribe(reqs[i]), d, code)
			}
		}
	}
}
