//go:build !wasm

package engine_test

import (
	"encoding/json"
	"testing"

	"corsplay/engine"
)

// libraryExchanges configure each library of engine/server's registry as a
// typical API would (the page's origin listed, cookies allowed, PUT and
// Content-Type allowed): a credentialed JSON PUT to /r passes.
var libraryExchanges = []struct{ name, version, options string }{
	{"flask-cors", "6.0.2", `{"origins": ["https://app.example.com"], "supports_credentials": true, "methods": ["GET", "PUT"], "allow_headers": ["Content-Type"]}`},
	{"starlette", "", `{"allow_origins": ["https://app.example.com"], "allow_credentials": true, "allow_methods": ["GET", "PUT"], "allow_headers": ["Content-Type"]}`},
	{"django-cors-headers", "", `{"CORS_ALLOWED_ORIGINS": ["https://app.example.com"], "CORS_ALLOW_CREDENTIALS": true}`},
	{"rack-cors", "", `{"allow": [{"origins": ["https://app.example.com"], "resources": [{"path": "*", "headers": "any", "methods": ["get", "put"], "credentials": true}]}]}`},
	{"fastify-cors", "", `{"origin": ["https://app.example.com"], "credentials": true, "methods": ["GET", "PUT"]}`},
	{"hono-cors", "", `{"origin": ["https://app.example.com"], "credentials": true, "allowMethods": ["GET", "PUT"]}`},
	{"koa-cors", "", `{"origin": "https://app.example.com", "credentials": true}`},
	{"express-cors", "", `{"origin": ["https://app.example.com"], "credentials": true, "methods": ["GET", "PUT"], "allowedHeaders": ["Content-Type"]}`},
	{"go-chi-cors", "", `{"AllowedOrigins": ["https://app.example.com"], "AllowCredentials": true, "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["Content-Type"]}`},
	{"gorilla-handlers", "", `{"AllowedOrigins": ["https://app.example.com"], "AllowCredentials": true, "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["Content-Type"]}`},
	{"echo-cors", "", `{"AllowOrigins": ["https://app.example.com"], "AllowCredentials": true, "AllowMethods": ["GET", "PUT"], "AllowHeaders": ["Content-Type"]}`},
	{"gin-cors", "", `{"AllowOrigins": ["https://app.example.com"], "AllowCredentials": true, "AllowMethods": ["GET", "PUT"], "AllowHeaders": ["Content-Type"]}`},
	{"jub0bs-cors", "", `{"Origins": ["https://app.example.com"], "Credentialed": true, "Methods": ["GET", "PUT"], "RequestHeaders": ["Content-Type"]}`},
	{"rs-cors", "", `{"AllowedOrigins": ["https://app.example.com"], "AllowCredentials": true, "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["Content-Type"]}`},
	{"nginx", "", `{"config": "if ($http_origin = https://app.example.com) { set $cors $http_origin; }\nif ($request_method = OPTIONS) {\n  add_header Access-Control-Allow-Origin $cors always;\n  add_header Access-Control-Allow-Credentials true always;\n  add_header Access-Control-Allow-Methods \"GET, PUT\" always;\n  add_header Access-Control-Allow-Headers Content-Type always;\n  return 204;\n}\nadd_header Access-Control-Allow-Origin $cors always;\nadd_header Access-Control-Allow-Credentials true always;"}`},
	{"apache", "", `{"config": "SetEnvIf Origin \"^https://app\\.example\\.com$\" CORS=$0\nHeader always set Access-Control-Allow-Origin \"%{CORS}e\" env=CORS\nHeader always set Access-Control-Allow-Credentials true env=CORS\nHeader always set Access-Control-Allow-Methods \"GET, PUT\" env=CORS\nHeader always set Access-Control-Allow-Headers Content-Type env=CORS\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^(.*)$ $1 [R=204,L]"}`},
}

func libraryExchange(b *testing.B, name, version, options string) engine.Scenario {
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		b.Fatal(err)
	}
	s := preflighted()
	s.Request.URL = "https://api.example.com/r" // the route of the app behind each library
	s.Request.Headers = engine.Headers{{Name: "Content-Type", Value: "application/json"}}
	s.Server = engine.Server{Library: &engine.Library{Name: name, Version: version, Options: opts}}
	return s
}

// BenchmarkLibraryExchange is the engine's cost of one library's answers
// to a preflighted request (Server.Respond to the preflight and the actual
// request): issue 16's budget is 200 µs natively for each library.
func BenchmarkLibraryExchange(b *testing.B) {
	for _, l := range libraryExchanges {
		b.Run(l.name, func(b *testing.B) {
			s := libraryExchange(b, l.name, l.version, l.options)
			out := engine.Evaluate(s)
			if out.Verdict != engine.Allowed || out.Preflight == nil {
				b.Fatalf("%s: %s (%s), want allowed after a preflight", l.name, out.Verdict, out.Console)
			}
			reqs := []engine.HTTPRequest{out.Preflight.Request, out.Actual.Request}
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range reqs {
					if _, err := s.Server.Respond(r); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkLibraryEvaluate is a whole evaluation with each library: the
// exchange in the scenario's browser and the others, the lint and the
// attacker's view (every probe asks the library), as each keystroke costs.
func BenchmarkLibraryEvaluate(b *testing.B) {
	for _, l := range libraryExchanges {
		b.Run(l.name, func(b *testing.B) {
			s := libraryExchange(b, l.name, l.version, l.options)
			b.ReportAllocs()
			for b.Loop() {
				engine.Evaluate(s)
			}
		})
	}
}
