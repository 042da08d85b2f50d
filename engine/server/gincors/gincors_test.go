package gincors

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{`cors.Config{AllowOrigins: []string{"https://a.example"}, MaxAge: 12 * time.Hour}`, `{"AllowOrigins":["https://a.example"],"MaxAge":43200}`},
		{"config := cors.DefaultConfig()\nconfig.AllowOrigins = []string{\"http://google.com\"}\nconfig.AddAllowHeaders(\"Authorization\")\nrouter.Use(cors.New(config))",
			`{"AllowHeaders":["Origin","Content-Length","Content-Type","Authorization"],"AllowOrigins":["http://google.com"],"DefaultConfig":true}`},
		{`router.Use(cors.Default())`, `{"AllowAllOrigins":true,"DefaultConfig":true}`},
		{"config := cors.DefaultConfig()\nconfig.AllowAllOrigins = true\nconfig.AllowHeaders = append(config.AllowHeaders, \"X-A\")\nconfig.AllowMethods = nil",
			`{"AllowAllOrigins":true,"AllowHeaders":["Origin","Content-Length","Content-Type","X-A"],"AllowMethods":null,"DefaultConfig":true}`},
		{`r.Use(cors.New(cors.Config{AllowOrigins: []string{"*"}, AllowCredentials: true, MaxAge: time.Duration(90) * time.Second}))`, `{"AllowCredentials":true,"AllowOrigins":["*"],"MaxAge":90}`},
		{`config := cors.DefaultConfig()`, `{"DefaultConfig":true}`}, // refused by cors.New, still read
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
		{"router.Use(cors.New(cors.Config{\n    AllowOrigins: []string{\"https://foo.com\"},\n    AllowOriginFunc: func(origin string) bool {\n      return origin == \"https://github.com\"\n    },\n}))", "line 3, column 22: AllowOriginFunc is a Go func"},
		{`cors.Config{AllowAllOrigins: true, MaxAge: 1500 * time.Millisecond}`, "line 1, column 49: MaxAge is 1500000000ns, not a whole number of seconds"},
		{`cors.Config{AllowAllOrigins: true, MaxAge: 600}`, "line 1, column 44: MaxAge is a time.Duration: 600 is 600ns; write 600 * time.Second"},
		{`c := cors.Default()`, "line 1, column 6: cors.Default() is the middleware, not a configuration"},
		{`cors.Config{AllowOrigins: []string{"https://a"}, AllowedHeaders: []string{"x"}}`, "line 1, column 50: cors.Config has no field AllowedHeaders"},
		{`cors.Config{AllowAllOrigins: true, OptionsResponseStatusCode: 103}`, "OptionsResponseStatusCode: 103: corsplay models final statuses"},
		{`middleware.CORSConfig{}`, "expected a cors.Config literal (or cors.Default(), cors.DefaultConfig())"},
	} {
		_, err := Import(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.text, err, tt.want)
		}
	}
}

// TestExportImport: the export's configuration reads back as the same
// options, in both of the export's forms.
func TestExportImport(t *testing.T) {
	for _, text := range []string{`{"AllowAllOrigins": true}`, `{"DefaultConfig": true, "AllowOrigins": ["https://a\"b"], "AllowHeaders": null, "MaxAge": 0, "AllowMethods": []}`,
		`{"AllowOrigins": ["/x/", "https://*.a"], "AllowWildcard": true, "MaxAge": 61, "CustomSchemas": ["t://"], "OptionsResponseStatusCode": -1, "AllowFiles": true, "AllowWebSockets": true, "AllowBrowserExtensions": true, "AllowPrivateNetwork": true, "ExposeHeaders": ["x"]}`,
		`{"DefaultConfig": true, "MaxAge": 120, "AllowCredentials": true, "AllowAllOrigins": true}`} {
		var o map[string]json.RawMessage
		json.Unmarshal([]byte(text), &o)
		code, err := Export(o, "/r")
		if err != nil {
			t.Fatal(err)
		}
		i, j := strings.Index(code, "\tr := gin.New()\n"), strings.Index(code, "\tok :=")
		back, err := Import(code[i+len("\tr := gin.New()\n") : j])
		if err != nil {
			t.Fatalf("%s: %v\n%s", text, err, code)
		}
		c1, _ := Decode(o)
		c2, _ := Decode(back)
		if b1, b2 := mustJSON(c1), mustJSON(c2); b1 != b2 {
			t.Errorf("%s: read back as %s, want %s\n%s", text, b2, b1, code)
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// FuzzImport: any text imports without panicking, quickly; what it reads
// is options New takes (or refuses as cors.New would).
func FuzzImport(f *testing.F) {
	f.Add(`cors.Config{AllowOrigins: []string{"/^https://.*\\.a\\.example$/"}, AllowWildcard: true, MaxAge: 2 * time.Hour}`)
	f.Add("config := cors.DefaultConfig()\nconfig.AllowOrigins = []string{\"http://google.com\"}\nconfig.AddAllowHeaders(\"Authorization\")\nrouter.Use(cors.New(config))")
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		if o, err := Import(text); err == nil {
			var ce *server.ConfigError
			if _, err := New(o); err != nil && !errors.As(err, &ce) {
				t.Errorf("%q imports as %v, which New refuses: %v", text, o, err)
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%q took %v", text, d)
		}
	})
}

func TestSummarize(t *testing.T) {
	s := Summarize(map[string]json.RawMessage{"AllowOrigins": json.RawMessage(`["https://A.example", "/https://a.example.com/", "https://*.b.example", "*"]`),
		"AllowWildcard": json.RawMessage(`true`), "AllowCredentials": json.RawMessage(`true`)})
	want := []server.Entry{{Written: "https://A.example", Policy: "https://a.example"}, {Written: "/https://a.example.com/", Policy: "re:https://a.example.com", Regex: true},
		{Written: "https://*.b.example", Policy: `re:^https://.*\.b\.example$`}}
	if s.AnyOrigin != "wildcard" || s.AnyEntry != `"*"` || !s.Credentials || len(s.Origins) != len(want) {
		t.Fatalf("%+v", s)
	}
	for i := range want {
		if s.Origins[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, s.Origins[i], want[i])
		}
	}
}

// TestOptionsDocumented: every documented option is one Decode reads.
func TestOptionsDocumented(t *testing.T) {
	l, _ := server.Lookup("gin-cors", "")
	for _, o := range l.Options {
		if _, err := Decode(map[string]json.RawMessage{o.Name: json.RawMessage(`null`)}); err != nil && o.Name != "DefaultConfig" {
			t.Errorf("%s: %v", o.Name, err)
		}
	}
}

func BenchmarkRespond(b *testing.B) {
	e, err := New(map[string]json.RawMessage{"DefaultConfig": json.RawMessage(`true`),
		"AllowOrigins": json.RawMessage(`["https://app.example.com", "/^https://[a-z]+\\.example\\.com$/"]`), "AllowCredentials": json.RawMessage(`true`)})
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
