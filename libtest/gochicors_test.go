//go:build linux

package libtest

import (
	"encoding/json"
	"errors"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"corsplay/engine"

	chicors "github.com/go-chi/cors"
)

// chiReal is what the reference says runs for real: the options decoded
// with encoding/json into cors.Options (unknown fields refused), then
// cors.New(options).Handler(ok); Debug logs to io.Discard.
func chiReal(text string) (http.Handler, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	var o chicors.Options
	if err := dec.Decode(&o); err != nil {
		return nil, err
	}
	c := chicors.New(o)
	if o.Debug {
		c.Log = log.New(io.Discard, "", 0)
	}
	return c.Handler(cgOK), nil
}

// chiConfig draws a go-chi/cors configuration as JSON.
func chiConfig(r *rand.Rand) string {
	var fs []string
	pick := func(key string, values ...string) {
		if v := values[r.IntN(len(values))]; v != "" {
			fs = append(fs, `"`+key+`": `+v)
		}
	}
	pick("AllowedOrigins", "", "", "[]", `["*"]`, `["https://a.example"]`, `["https://a.example"]`, `["https://*.a.example"]`,
		`["https://a.example", "https://b.example"]`, `["https://*a.example"]`, `["https://A.Example"]`, `["null"]`,
		`["https://a.example", "*"]`, `["h*"]`, `["https://*.*.a.example"]`, `["http://localhost:*"]`, `["https://a.example.com"]`,
		`["https://a.example*"]`, `[""]`, `["https://a.example", "https://*.a.example", "null"]`, `["https://**"]`, `["https://a.example", "https://*.a.example", "https://a.example.com"]`)
	pick("AllowedMethods", "", "", `["GET", "POST", "PUT", "PATCH", "DELETE"]`, `["GET", "POST", "PUT", "PATCH", "DELETE"]`, "[]", `["GET", "POST"]`, `["put", "PATCH"]`, `["*"]`, `["PURGE"]`, `["GET", "PUT", "DELETE", "PATCH"]`, `["options"]`)
	pick("AllowedHeaders", "", "", "[]", `["*"]`, `["Content-Type"]`, `["authorization", "content-type"]`, `["X-Custom"]`,
		`["x y"]`, `["x_y", "X-/Y"]`, `["Content-Type", "*"]`, `["x-custom", "x-a", "x-b"]`)
	pick("ExposedHeaders", "", "", `["x-total-count"]`, `["X-A", "x-b"]`, `["x y"]`, `[" padded "]`, `["a\nb"]`, "[]")
	pick("AllowCredentials", "", "true", "false")
	pick("MaxAge", "", "", "0", "600", "-1", "86400")
	pick("OptionsPassthrough", "", "", "", "true")
	pick("Debug", "", "", "", "true")
	text := "{" + strings.Join(fs, ", ") + "}"
	// encoding/json matches field names ignoring case (Unicode folding).
	switch r.IntN(10) {
	case 0:
		text = strings.Replace(text, `"AllowedOrigins"`, `"allowedorigins"`, 1)
	case 1:
		text = strings.Replace(text, `"AllowCredentials"`, `"ALLOWCREDENTIALS"`, 1)
	case 2:
		text = strings.Replace(text, `"AllowedHeaders"`, `"AllowedHeaderſ"`, 1)
	}
	return text
}

// chiQuirks are hand-picked pairs, one quirk each.
func chiQuirks() []cgPair {
	sub := `{"AllowedOrigins": ["https://*.a.example"], "AllowCredentials": true, "AllowedMethods": ["GET", "PUT"]}`
	one := `{"AllowedOrigins": ["https://a.example"]}`
	return []cgPair{
		{"default: every origin gets *", `{}`, cgActual("GET", "https://evil.com")},
		{"* with credentials: * and true", `{"AllowedOrigins": ["*"], "AllowCredentials": true}`, cgActual("GET", "https://evil.com")},
		{"* among others: every origin", `{"AllowedOrigins": ["https://a.example", "*"]}`, cgActual("GET", "https://evil.com")},
		{"h* lets nearly anything in", `{"AllowedOrigins": ["h*"], "AllowCredentials": true}`, cgActual("GET", "https://evil.com")},
		{"wildcard spans dots", sub, cgActual("GET", "https://x.y.a.example")},
		{"wildcard: suffix lookalike refused", sub, cgActual("GET", "https://a.example.evil.com")},
		{"*a.example lets evila.example in", `{"AllowedOrigins": ["https://*a.example"]}`, cgActual("GET", "https://evila.example")},
		{"a.example* lets a.example.evil.com in", `{"AllowedOrigins": ["https://a.example*"]}`, cgActual("GET", "https://a.example.evil.com")},
		{"no regex: a dot is a dot", `{"AllowedOrigins": ["https://a.example.com"]}`, cgActual("GET", "https://aXexample.com")},
		{"http downgrade refused", one, cgActual("GET", "http://a.example")},
		{"origins lower-cased", `{"AllowedOrigins": ["https://A.Example"]}`, cgActual("GET", "https://a.EXAMPLE")},
		{"null when listed", `{"AllowedOrigins": ["null"]}`, cgActual("GET", "null")},
		{"empty Origin with every origin", `{}`, cgActual("GET", "")},
		{"empty Origin preflight", `{}`, cgPreflight("", "PUT", "-")},
		{"no Origin: Vary only", one, cgActual("GET", "-")},
		{"no Origin preflight is an actual request", one, cgPreflight("-", "PUT", "-")},
		{"empty ACRM is an actual request", one, cgPreflight("https://a.example", "", "-")},
		{"PUT actual with default methods: no CORS header", one, cgActual("PUT", "https://a.example")},
		{"lower-case patch preflight passes", `{"AllowedMethods": ["PATCH"]}`, cgPreflight("https://a.example", "patch", "-")},
		{"lower-case get actual", one, cgActual("get", "https://a.example")},
		{"lower-case options is an actual request", one, engine.HTTPRequest{Method: "options", Headers: engine.Headers{
			{Name: "Origin", Value: "https://a.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}},
		{"OPTIONS allowed as a method", `{"AllowedMethods": ["PUT"]}`, cgPreflight("https://a.example", "OPTIONS", "-")},
		{"refused preflight: 200 with Vary", sub, cgPreflight("https://a.example", "DELETE", "-")},
		{"Authorization not in the defaults", one, cgPreflight("https://a.example", "GET", "authorization")},
		{"Content-Type in the defaults", one, cgPreflight("https://a.example", "POST", "content-type")},
		{"listing headers drops Content-Type", `{"AllowedHeaders": ["Authorization"]}`, cgPreflight("https://a.example", "POST", "authorization,content-type")},
		{"Origin always allowed", `{"AllowedHeaders": ["X-Custom"]}`, cgPreflight("https://a.example", "POST", "origin,x-custom")},
		{"headers *", `{"AllowedHeaders": ["*"]}`, cgPreflight("https://a.example", "GET", "x-anything,authorization")},
		{"ACAH re-spelled", `{"AllowedHeaders": ["*"]}`, cgPreflight("https://a.example", "GET", "x-/y, X_Y ,,x y")},
		{"only the first ACRH line", `{"AllowedHeaders": ["X-A"]}`, engine.HTTPRequest{Method: "OPTIONS", Headers: engine.Headers{
			{Name: "Origin", Value: "https://a.example"}, {Name: "Access-Control-Request-Method", Value: "GET"},
			{Name: "Access-Control-Request-Headers", Value: "x-a"}, {Name: "Access-Control-Request-Headers", Value: "x-b"}}}},
		{"two Origin lines: the first counts", one, engine.HTTPRequest{Method: "GET", Headers: engine.Headers{
			{Name: "Origin", Value: "https://a.example"}, {Name: "Origin", Value: "https://evil.com"}}}},
		{"MaxAge negative: none", `{"MaxAge": -5}`, cgPreflight("https://a.example", "GET", "-")},
		{"MaxAge uncapped", `{"MaxAge": 10000000}`, cgPreflight("https://a.example", "GET", "-")},
		{"exposed headers on actual requests", `{"ExposedHeaders": ["x-total-count", "etag", "x odd"]}`, cgActual("GET", "https://a.example")},
		{"exposed headers not on preflights", `{"ExposedHeaders": ["x-total-count"]}`, cgPreflight("https://a.example", "GET", "-")},
		{"passthrough: the app answers", `{"OptionsPassthrough": true}`, cgPreflight("https://a.example", "PUT", "x-custom")},
		{"only the first * is a wildcard", `{"AllowedOrigins": ["https://*.*.a.example"]}`, cgActual("GET", "https://x.y.a.example")},
		{"HEAD", one, cgActual("HEAD", "https://a.example")},
		{"case-insensitive field names", `{"allowedORIGINS": ["https://a.example"], "allowcredentials": true}`, cgActual("GET", "https://a.example")},
		{"Kelvin and long s fold", `{"AllowedHeaderſ": ["X-Custom"], "MaxAge": 60}`, cgPreflight("https://a.example", "GET", "x-custom")},
		{"AllowOriginFunc null", `{"AllowOriginFunc": null, "AllowedOrigins": ["https://a.example"]}`, cgActual("GET", "https://a.example")},
		{"a newline in a configured header", `{"ExposedHeaders": ["a\nb", "  c  "]}`, cgActual("GET", "https://a.example")},
		{"Unicode lower-casing", `{"AllowedOrigins": ["https://É.example"]}`, cgActual("GET", "https://é.example")},
		{"the Kelvin sign lower-cases to k", `{"AllowedOrigins": ["https://k.example"]}`, cgActual("GET", "https://\u212a.example")},
		{"[null] is one empty origin", `{"AllowedOrigins": [null]}`, cgActual("GET", "")},
	}
}

// TestGoChiCorsDifferential compares the engine's go-chi-cors emulation
// with github.com/go-chi/cors v1.2.2 behind a real net/http server.
func TestGoChiCorsDifferential(t *testing.T) {
	cgDifferential(t, "go-chi-cors", "go-chi/cors v1.2.2", rand.New(rand.NewPCG(1, 22)), chiQuirks(), chiConfig, chiReal)
}

// TestGoChiCorsDecoding: the engine accepts exactly the options
// encoding/json decodes into cors.Options with DisallowUnknownFields, and
// says which option it cannot read.
func TestGoChiCorsDecoding(t *testing.T) {
	for _, text := range []string{
		`{}`, `{"AllowedOrigins": null}`, `{"allowedorigins": ["x"]}`, `{"MAXAGE": 5}`, `{"AllowOriginFunc": null}`,
		`{"AllowOriginFunc": "x"}`, `{"AllowPrivateNetwork": true}`, `{"Logger": null}`, `{"AllowedOrigins": "https://a.example"}`,
		`{"MaxAge": 1.5}`, `{"MaxAge": 1e3}`, `{"MaxAge": "60"}`, `{"MaxAge": 99999999999999999999}`, `{"AllowCredentials": "true"}`,
		`{"AllowCredentials": null}`, `{"AllowedMethods": [1]}`, `{"AllowedMethods": [null, "GET"]}`, `{"Debug": 1}`,
		`{"OptionsPassthrough": false}`, `{"AllowedHeaderſ": []}`, `{"Allowed_Origins": []}`, `{"allowed origins": []}`,
		`{"MaxAge": -0}`, `{"ExposedHeaders": {}}`,
	} {
		_, realErr := chiReal(text)
		_, err := engine.Server{Library: &engine.Library{Name: "go-chi-cors", Options: cgOptions(t, text)}}.Respond(cgActual("GET", "https://a.example"))
		var fe *engine.FieldError
		switch {
		case realErr == nil && err != nil:
			t.Errorf("%s: encoding/json decodes it, the engine refuses it: %v", text, err)
		case realErr != nil && !errors.As(err, &fe):
			t.Errorf("%s: encoding/json refuses it (%v), the engine answers %v", text, realErr, err)
		case realErr != nil:
			t.Logf("%s: both refuse it: %v | %v", text, realErr, err)
		}
	}
	// Two spellings of one field: encoding/json keeps the later in the
	// text, which a JSON object read into a map does not keep: refused.
	_, err := engine.Server{Library: &engine.Library{Name: "go-chi-cors", Options: cgOptions(t, `{"MaxAge": 5, "maxage": 6}`)}}.Respond(cgActual("GET", "https://a.example"))
	var fe *engine.FieldError
	if !errors.As(err, &fe) {
		t.Errorf("MaxAge and maxage: got %v, want a FieldError", err)
	}
}

// TestGoChiCorsExportRuns builds and runs the exported program for a few
// configurations and compares its answers over loopback with the engine.
func TestGoChiCorsExportRuns(t *testing.T) {
	t.Parallel() // its go builds overlap the other library's
	cgExportRuns(t, "go-chi-cors", []string{
		`{}`,
		`{"AllowedOrigins": ["https://a.example", "https://*.a.example"], "AllowedMethods": ["GET", "put", "PATCH"], "AllowedHeaders": ["Content-Type", "Authorization"], "ExposedHeaders": ["x-total-count"], "AllowCredentials": true, "MaxAge": 300}`,
		`{"allowedorigins": ["*"], "AllowedHeaders": ["*"], "OptionsPassthrough": true, "Debug": true, "MaxAge": -1}`,
	}, []engine.HTTPRequest{
		cgActual("GET", "https://a.example"), cgActual("GET", "https://a.example.evil.com"), cgActual("PUT", "https://app.a.example"),
		cgActual("get", "-"), cgActual("HEAD", "https://A.EXAMPLE"), cgPreflight("https://a.example", "PUT", "content-type,authorization"),
		cgPreflight("https://app.a.example", "patch", "x-custom"), cgPreflight("null", "DELETE", "-"), cgPreflight("-", "PUT", "-"),
		cgPreflight("https://a.example", "", "-"), cgPreflight("https://evil.com", "GET", "-"),
	})
}
