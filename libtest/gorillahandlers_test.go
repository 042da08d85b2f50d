//go:build linux

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

	"github.com/gorilla/handlers"
)

// gorillaReal is what the reference says runs for real: one option
// function per present key, in the table's order, then handlers.CORS(…)(ok).
func gorillaReal(text string) (http.Handler, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, err
	}
	var opts []handlers.CORSOption
	for _, k := range []string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "AllowCredentials",
		"MaxAge", "OptionStatusCode", "IgnoreOptions", "AllowedOriginValidator"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		delete(m, k)
		var l []string
		var n int
		var b bool
		var err error
		switch k {
		case "AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders":
			err = json.Unmarshal(raw, &l)
		case "MaxAge", "OptionStatusCode":
			err = json.Unmarshal(raw, &n)
		case "AllowCredentials", "IgnoreOptions":
			err = json.Unmarshal(raw, &b)
		case "AllowedOriginValidator":
			if string(raw) != "null" {
				err = errors.New("AllowedOriginValidator: only null")
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		switch k {
		case "AllowedOrigins":
			opts = append(opts, handlers.AllowedOrigins(l))
		case "AllowedMethods":
			opts = append(opts, handlers.AllowedMethods(l))
		case "AllowedHeaders":
			opts = append(opts, handlers.AllowedHeaders(l))
		case "ExposedHeaders":
			opts = append(opts, handlers.ExposedHeaders(l))
		case "AllowCredentials":
			if b {
				opts = append(opts, handlers.AllowCredentials())
			}
		case "MaxAge":
			opts = append(opts, handlers.MaxAge(n))
		case "OptionStatusCode":
			opts = append(opts, handlers.OptionStatusCode(n))
		case "IgnoreOptions":
			if b {
				opts = append(opts, handlers.IgnoreOptions())
			}
		}
	}
	for k := range m {
		return nil, fmt.Errorf("%s: no such option", k)
	}
	return handlers.CORS(opts...)(cgOK), nil
}

// gorillaConfig draws a gorilla/handlers configuration as JSON.
func gorillaConfig(r *rand.Rand) string {
	var fs []string
	pick := func(key string, values ...string) {
		if v := values[r.IntN(len(values))]; v != "" {
			fs = append(fs, `"`+key+`": `+v)
		}
	}
	pick("AllowedOrigins", "", "", "[]", `["*"]`, `["https://a.example"]`, `["https://a.example"]`, `["https://a.example", "https://app.a.example"]`,
		`["https://A.EXAMPLE"]`, `["https://*.a.example"]`, `["null"]`, `["https://a.example", "*"]`, `[""]`, `["https://a.example/"]`, "null",
		`["https://a.example.com", "https://a.example"]`, `["https://a.example", "https://app.a.example", "https://a.example.com"]`)
	pick("AllowedMethods", "", "", `["GET", "POST", "PUT", "PATCH", "DELETE"]`, `["GET", "POST", "PUT", "PATCH", "DELETE"]`, "[]", `["GET", "POST"]`, `["put", " PATCH ", "patch"]`, `["*"]`, `["PURGE", "GET"]`, `["", "DELETE"]`,
		`["GET", "PUT", "DELETE", "PATCH"]`, "null")
	pick("AllowedHeaders", "", "", "[]", `["Content-Type"]`, `["content-type", "authorization"]`, `["X-Custom", " x-a "]`, `["*"]`,
		`["x y"]`, `["Accept"]`, "null", `["x_y", "X-/Y", "x-ſ"]`)
	pick("ExposedHeaders", "", "", "[]", `["x-total-count"]`, `["X-A", "x-a", "x-b"]`, `["x y"]`, `[" "]`, `["a\nb"]`)
	pick("AllowCredentials", "", "true", "false")
	pick("MaxAge", "", "", "0", "300", "601", "86400", "-1")
	pick("OptionStatusCode", "", "", "200", "204", "299", "304", "418")
	pick("IgnoreOptions", "", "", "", "true", "false")
	pick("AllowedOriginValidator", "", "", "", "null")
	return "{" + strings.Join(fs, ", ") + "}"
}

// gorillaQuirks are hand-picked pairs, one quirk each.
func gorillaQuirks() []cgPair {
	one := `{"AllowedOrigins": ["https://a.example"]}`
	two := `{"AllowedOrigins": ["https://a.example", "https://b.example"], "AllowCredentials": true, "AllowedMethods": ["GET", "PUT", "PATCH"]}`
	return []cgPair{
		{"default: every origin gets *", `{}`, cgActual("GET", "https://evil.com")},
		{"* with credentials: * and true", `{"AllowedOrigins": ["*"], "AllowCredentials": true}`, cgActual("GET", "https://evil.com")},
		{"* among others: *", `{"AllowedOrigins": ["https://a.example", "*"]}`, cgActual("GET", "https://a.example")},
		{"exact: suffix lookalike refused", one, cgActual("GET", "https://a.example.evil.com")},
		{"exact: no pattern", `{"AllowedOrigins": ["https://*.a.example"]}`, cgActual("GET", "https://app.a.example")},
		{"a dot is a dot", `{"AllowedOrigins": ["https://a.example.com"]}`, cgActual("GET", "https://aXexample.com")},
		{"http downgrade refused", one, cgActual("GET", "http://a.example")},
		{"case-sensitive", `{"AllowedOrigins": ["https://A.EXAMPLE"]}`, cgActual("GET", "https://a.example")},
		{"null when listed", `{"AllowedOrigins": ["null"]}`, cgActual("GET", "null")},
		{"one origin: no Vary", one, cgActual("GET", "https://a.example")},
		{"two origins: Vary", two, cgActual("GET", "https://b.example")},
		{"no Origin, actual: the app, no header", one, cgActual("GET", "-")},
		{"no Origin, OPTIONS: empty 200", one, cgPreflight("-", "PUT", "-")},
		{"empty Origin: refused even with every origin", `{}`, cgPreflight("", "PUT", "-")},
		{"disallowed origin preflight: empty 200", one, cgPreflight("https://evil.com", "PUT", "-")},
		{"OPTIONS without ACRM: 400", one, cgPreflight("https://a.example", "-", "-")},
		{"empty ACRM: 405", one, cgPreflight("https://a.example", "", "-")},
		{"PUT not in the defaults: 405", one, cgPreflight("https://a.example", "PUT", "-")},
		{"lower-case patch: 405", two, cgPreflight("https://a.example", "patch", "-")},
		{"PATCH: ACAM", two, cgPreflight("https://a.example", "PATCH", "-")},
		{"GET: no ACAM", two, cgPreflight("https://a.example", "GET", "-")},
		{"Content-Type not in the defaults: 403", one, cgPreflight("https://a.example", "POST", "content-type")},
		{"Authorization: 403", `{"AllowedHeaders": ["Content-Type"]}`, cgPreflight("https://a.example", "POST", "authorization,content-type")},
		{"allowed headers echoed minus the defaults, no space", `{"AllowedHeaders": ["Content-Type", "Authorization"]}`,
			cgPreflight("https://a.example", "POST", "accept, content-type,authorization ,origin")},
		{"* is no wildcard for headers", `{"AllowedHeaders": ["*"]}`, cgPreflight("https://a.example", "GET", "x-custom")},
		{"duplicate requested header twice", `{"AllowedHeaders": ["X-Custom"]}`, cgPreflight("https://a.example", "GET", "x-custom,,X-CUSTOM")},
		{"MaxAge capped at 600", `{"MaxAge": 86400}`, cgPreflight("https://a.example", "GET", "-")},
		{"OptionStatusCode 204: no Content-Length", `{"OptionStatusCode": 204}`, cgPreflight("https://a.example", "GET", "-")},
		{"OptionStatusCode on a refused preflight too? no: 405", `{"OptionStatusCode": 204}`, cgPreflight("https://a.example", "PUT", "-")},
		{"IgnoreOptions: the app, no header", `{"IgnoreOptions": true}`, cgPreflight("https://a.example", "PUT", "-")},
		{"IgnoreOptions with a disallowed origin: the app", `{"IgnoreOptions": true, "AllowedOrigins": ["https://a.example"]}`, cgPreflight("https://evil.com", "PUT", "-")},
		{"exposed headers on actual requests, joined with a comma", `{"ExposedHeaders": ["x-total-count", "etag", " x-a "]}`, cgActual("GET", "https://a.example")},
		{"exposed headers not on OPTIONS", `{"ExposedHeaders": ["x-total-count"]}`, cgPreflight("https://a.example", "GET", "-")},
		{"lower-case options is an actual request", `{"ExposedHeaders": ["x-total-count"]}`, engine.HTTPRequest{Method: "options", Headers: engine.Headers{
			{Name: "Origin", Value: "https://a.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}},
		{"lower-case get actual", one, cgActual("get", "https://a.example")},
		{"two Origin lines: the first counts", one, engine.HTTPRequest{Method: "GET", Headers: engine.Headers{
			{Name: "Origin", Value: "https://a.example"}, {Name: "Origin", Value: "https://evil.com"}}}},
		{"two ACRH lines: the first counts", `{"AllowedHeaders": ["Content-Type"]}`, engine.HTTPRequest{Method: "OPTIONS", Headers: engine.Headers{
			{Name: "Origin", Value: "https://a.example"}, {Name: "Access-Control-Request-Method", Value: "GET"},
			{Name: "Access-Control-Request-Headers", Value: "content-type"}, {Name: "Access-Control-Request-Headers", Value: "authorization"}}}},
		{"AllowedOrigins null: every origin", `{"AllowedOrigins": null}`, cgActual("GET", "https://evil.com")},
		{"AllowedMethods []: every preflight 405", `{"AllowedMethods": []}`, cgPreflight("https://a.example", "GET", "-")},
		{"methods trimmed and upper-cased", `{"AllowedMethods": [" patch "]}`, cgPreflight("https://a.example", "PATCH", "-")},
		{"HEAD", one, cgActual("HEAD", "https://a.example")},
		{"a newline in an exposed header", `{"ExposedHeaders": ["a\nb"]}`, cgActual("GET", "https://a.example")},
		{"validator null", `{"AllowedOriginValidator": null, "AllowedOrigins": ["https://a.example"]}`, cgActual("GET", "https://a.example")},
	}
}

// TestGorillaHandlersDifferential compares the engine's gorilla-handlers
// emulation with github.com/gorilla/handlers v1.5.2 behind a real net/http
// server.
func TestGorillaHandlersDifferential(t *testing.T) {
	cgDifferential(t, "gorilla-handlers", "gorilla/handlers v1.5.2", rand.New(rand.NewPCG(3, 44)), gorillaQuirks(), gorillaConfig, gorillaReal)
}

// TestGorillaHandlersRefusedOptions: what the JSON form does not allow, or
// what net/http cannot answer (a status it panics on or sends as an interim
// answer), is a FieldError naming the option.
func TestGorillaHandlersRefusedOptions(t *testing.T) {
	for _, text := range []string{`{"AllowedOriginValidator": "x"}`, `{"allowedOrigins": ["*"]}`, `{"AllowedOrigins": "https://a.example"}`,
		`{"MaxAge": 1.5}`, `{"OptionStatusCode": 0}`, `{"OptionStatusCode": 99}`, `{"OptionStatusCode": 103}`, `{"OptionStatusCode": 600}`,
		`{"AllowCredentials": "true"}`, `{"IgnoreOptions": 1}`} {
		_, err := engine.Server{Library: &engine.Library{Name: "gorilla-handlers", Options: cgOptions(t, text)}}.Respond(cgActual("GET", "https://a.example"))
		var fe *engine.FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "server.library.options.") {
			t.Errorf("%s: got %v, want a FieldError on an option", text, err)
		}
	}
	// With IgnoreOptions the status is never used: accepted.
	if _, err := (engine.Server{Library: &engine.Library{Name: "gorilla-handlers", Options: cgOptions(t, `{"OptionStatusCode": 0, "IgnoreOptions": true}`)}}).Respond(cgActual("GET", "https://a.example")); err != nil {
		t.Errorf("OptionStatusCode 0 with IgnoreOptions: %v", err)
	}
}

// TestGorillaHandlersExportRuns builds and runs the exported program for a
// few configurations and compares its answers over loopback with the
// engine.
func TestGorillaHandlersExportRuns(t *testing.T) {
	t.Parallel() // its go builds overlap the other library's
	cgExportRuns(t, "gorilla-handlers", []string{
		`{}`,
		`{"AllowedOrigins": ["https://a.example", "https://b.example"], "AllowedMethods": ["GET", "put", "PATCH"], "AllowedHeaders": ["Content-Type", "X-Custom"], "ExposedHeaders": ["x-total-count"], "AllowCredentials": true, "MaxAge": 3000, "OptionStatusCode": 204}`,
		`{"AllowedOrigins": ["*"], "IgnoreOptions": true, "AllowCredentials": false, "AllowedOriginValidator": null, "AllowedHeaders": null}`,
	}, []engine.HTTPRequest{
		cgActual("GET", "https://a.example"), cgActual("GET", "https://a.example.evil.com"), cgActual("PUT", "https://b.example"),
		cgActual("get", "-"), cgActual("HEAD", "https://a.example"), cgPreflight("https://a.example", "PUT", "content-type,authorization"),
		cgPreflight("https://b.example", "patch", "x-custom"), cgPreflight("https://a.example", "PATCH", "accept,x-custom"),
		cgPreflight("-", "PUT", "-"), cgPreflight("https://a.example", "-", "-"), cgPreflight("https://evil.com", "GET", "-"),
	})
}
