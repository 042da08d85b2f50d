package echocors

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{`middleware.CORSConfig{AllowOrigins: []string{"https://a.example"}, AllowCredentials: true}`, `{"AllowCredentials":true,"AllowOrigins":["https://a.example"]}`},
		{"e.Use(middleware.CORSWithConfig(middleware.CORSConfig{\n\tAllowOrigins: []string{\"https://a.example\"}, // ours\n\tAllowMethods: []string{http.MethodGet, echo.PUT},\n\tAllowHeaders: []string{echo.HeaderOrigin, echo.HeaderXRealIP, echo.HeaderWWWAuthenticate},\n\tMaxAge: 12 * 3600,\n}))",
			`{"AllowHeaders":["Origin","X-Real-Ip","WWW-Authenticate"],"AllowMethods":["GET","PUT"],"AllowOrigins":["https://a.example"],"MaxAge":43200}`},
		{`e.Use(middleware.CORS())`, `{"AllowMethods":["GET","HEAD","PUT","PATCH","POST","DELETE"],"AllowOrigins":["*"]}`},
		{"cfg := middleware.DefaultCORSConfig\ncfg.AllowOrigins = []string{\"https://x\"}\ne.Use(middleware.CORSWithConfig(cfg))", `{"AllowMethods":["GET","HEAD","PUT","PATCH","POST","DELETE"],"AllowOrigins":["https://x"]}`},
		{`middleware.CORSConfig{MaxAge: -1, Skipper: nil, UnsafeWildcardOriginWithAllowCredentials: true}`, `{"MaxAge":-1,"UnsafeWildcardOriginWithAllowCredentials":true}`},
	} {
		got, err := Import(tt.text)
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		if b, _ := json.Marshal(got); string(b) != tt.want {
			t.Errorf("%q: %s, want %s", tt.text, b, tt.want)
		}
	}
	for _, tt := range []struct{ text, want string }{
		{`middleware.CORSConfig{AllowOrigin: []string{"x"}}`, "line 1, column 23: middleware.CORSConfig has no field AllowOrigin"},
		{"middleware.CORSConfig{\n  AllowOriginFunc: func(o string) (bool, error) { return true, nil },\n}", "line 2, column 20: AllowOriginFunc is a Go func"},
		{`middleware.CORSConfig{Skipper: middleware.DefaultSkipper}`, "line 1, column 32: Skipper is a Go func"},
		{`cors.Config{}`, "line 1, column 1: expected a middleware.CORSConfig literal"},
		{`middleware.CORSConfig{MaxAge: 12 * time.Hour}`, "MaxAge is an int (seconds), not a time.Duration"},
		{`middleware.CORSConfig{AllowHeaders: []string{echo.HeaderNope}}`, "line 1, column 46: AllowHeaders: expected a string, found echo.HeaderNope"},
		{`middleware.CORSConfig{AllowOrigins: []string{"https://` + strings.Repeat("*a", 400) + `"}}`, "AllowOrigins[0]: this pattern is too complex"},
	} {
		_, err := Import(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.text, err, tt.want)
		}
	}
}

// TestExportImport: the export's configuration reads back as the same
// options.
func TestExportImport(t *testing.T) {
	for _, text := range []string{`{}`, `{"allowOrigins": ["https://a\"b", "*"], "MaxAge": -2, "AllowCredentials": true}`,
		`{"AllowMethods": [""], "AllowHeaders": ["a", "b"], "ExposeHeaders": ["x"], "UnsafeWildcardOriginWithAllowCredentials": true, "MaxAge": 5}`} {
		var o map[string]json.RawMessage
		json.Unmarshal([]byte(text), &o)
		code, err := Export(o, "/r")
		if err != nil {
			t.Fatal(err)
		}
		i, j := strings.Index(code, "\te.Use("), strings.Index(code, "}))\n")
		back, err := Import(code[i : j+3])
		if err != nil {
			t.Fatalf("%s: %v\n%s", text, err, code)
		}
		c1, _ := Decode(o)
		c2, _ := Decode(back)
		if b1, b2 := mustJSON(c1), mustJSON(c2); b1 != b2 {
			t.Errorf("%s: read back as %s, want %s", text, b2, b1)
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// FuzzImport: any text imports without panicking, quickly.
func FuzzImport(f *testing.F) {
	f.Add(`middleware.CORSConfig{AllowOrigins: []string{"https://*.a.example"}, AllowCredentials: true, MaxAge: 60 * 60}`)
	f.Add("cfg := middleware.DefaultCORSConfig\ncfg.AllowHeaders = append(cfg.AllowHeaders, echo.HeaderAuthorization)\ne.Use(middleware.CORSWithConfig(cfg))")
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		if o, err := Import(text); err == nil {
			if _, err := New(o); err != nil {
				t.Errorf("%q imports as %v, which New refuses: %v", text, o, err)
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%q took %v", text, d)
		}
	})
}

func TestSummarize(t *testing.T) {
	s := Summarize(map[string]json.RawMessage{"AllowOrigins": json.RawMessage(`["https://a.example", "https://example.*", "*"]`),
		"AllowCredentials": json.RawMessage(`true`), "UnsafeWildcardOriginWithAllowCredentials": json.RawMessage(`true`)})
	if s.AnyOrigin != "reflect" || s.AnyEntry != `"*"` || !s.Credentials || len(s.Origins) != 2 || s.Origins[0].Policy != "https://a.example" ||
		s.Origins[1].Policy != `re:^(?:https://example\..*|https://(?s:.*))$` {
		t.Errorf("%+v", s)
	}
	for _, o := range []string{"https://evil.com", "https://example.org"} {
		re := pattern.MustCompile(strings.TrimPrefix(s.Origins[1].Policy, "re:"))
		e, _ := New(map[string]json.RawMessage{"AllowOrigins": json.RawMessage(`["https://example.*"]`)})
		got := e.Respond(message.Request{Method: "GET", URL: "https://api.example/r", Headers: message.Headers{{Name: "Origin", Value: o}}})
		if re.Match(o, nil) != got.Headers.Has("Access-Control-Allow-Origin") {
			t.Errorf("%s: the summary and the emulation disagree", o)
		}
	}
	if s := Summarize(nil); s.AnyOrigin != "wildcard" || s.AnyEntry != "" {
		t.Errorf("default: %+v", s)
	}
}

// TestOptionsDocumented: every documented option is a field Decode reads.
func TestOptionsDocumented(t *testing.T) {
	l, _ := server.Lookup("echo-cors", "")
	for _, o := range l.Options {
		if _, err := Decode(map[string]json.RawMessage{o.Name: json.RawMessage(`null`)}); err != nil {
			t.Errorf("%s: %v", o.Name, err)
		}
	}
}

func BenchmarkRespond(b *testing.B) {
	e, err := New(map[string]json.RawMessage{"AllowOrigins": json.RawMessage(`["https://app.example.com", "https://*.example.com"]`),
		"AllowCredentials": json.RawMessage(`true`), "AllowHeaders": json.RawMessage(`["Content-Type"]`), "MaxAge": json.RawMessage(`600`)})
	if err != nil {
		b.Fatal(err)
	}
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://x.example.com"},
		{Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type"}}}
	get := message.Request{Method: "GET", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://app.example.com"}}}
	for b.Loop() {
		e.Respond(pre)
		e.Respond(get)
	}
}
