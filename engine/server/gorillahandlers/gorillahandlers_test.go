package gorillahandlers

import (
	"encoding/json"
	"go/format"
	"reflect"
	"strings"
	"testing"
	"time"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

func raw(t testing.TB, text string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want, err string }{
		{`handlers.CORS(handlers.AllowedOrigins([]string{"*"}), handlers.AllowCredentials())`, `{"AllowCredentials":true,"AllowedOrigins":["*"]}`, ""},
		{"log.Fatal(x)", "", "line 1, column 1: expected handlers.CORS(…) of github.com/gorilla/handlers, found log"},
		{"cors := handlers.CORS(\n\thandlers.AllowedMethods([]string{http.MethodGet, \"put\"}),\n\thandlers.AllowedHeaders([]string{\"Content-Type\"}), // JSON\n\thandlers.AllowedHeaders([]string{\"X-Custom\"}),\n\thandlers.ExposedHeaders(nil),\n\thandlers.MaxAge(86400),\n\thandlers.OptionStatusCode(http.StatusNoContent),\n\thandlers.IgnoreOptions(),\n\thandlers.AllowedOriginValidator(nil),\n)(router)",
			`{"AllowedHeaders":["Content-Type","X-Custom"],"AllowedMethods":["GET","put"],"AllowedOriginValidator":null,"ExposedHeaders":null,"IgnoreOptions":true,"MaxAge":86400,"OptionStatusCode":204}`, ""},
		{`handlers.CORS()`, `{}`, ""},
		{`handlers.CORS(handlers.AllowedOrigins([]string{"a"}), handlers.AllowedOrigins([]string{"b"}),)`, `{"AllowedOrigins":["b"]}`, ""},
		{`handlers.CORS(handlers.AllowedOriginValidator(func(o string) bool { return true }))`, "", "line 1, column 24: AllowedOriginValidator takes a Go function"},
		{`handlers.CORS(originsOk, headersOk)`, "", "line 1, column 15: expected handlers, found originsOk"},
		{`handlers.CORS(handlers.AllowedOrigin([]string{"x"}))`, "", "line 1, column 24: gorilla/handlers has no CORS option AllowedOrigin; its options:"},
		{`handlers.CORS(handlers.allowcredentials())`, "", "line 1, column 24: gorilla/handlers has no CORS option allowcredentials (did you mean AllowCredentials?)"},
		{`handlers.CORS(handlers.MaxAge(10 * 60))`, "", "line 1, column 34: MaxAge wants an integer literal alone"},
		{`handlers.CORS(handlers.OptionStatusCode(http.StatusTeapot))`, "", "line 1, column 46: corsplay knows http.StatusOK and http.StatusNoContent only, not http.StatusTeapot"},
		{`handlers.CORS(handlers.AllowedOrigins([]string{os.Getenv("ORIGIN_ALLOWED")}))`, "", "line 1, column 48: AllowedOrigins lists string literals only"},
		{`handlers.CORS(handlers.AllowCredentials(true))`, "", "line 1, column 41: expected ), found true"},
		{`handlers.CORS(handlers.MaxAge(600) handlers.IgnoreOptions())`, "", "line 1, column 36: expected , or ), found handlers"},
		{`handlers.CORS(handlers.MaxAge(-1))(r) extra`, "", "line 1, column 39: unexpected extra after the configuration"},
		{`handlers.CORS(handlers.MaxAge(-1))(r)`, `{"MaxAge":-1}`, ""},
	} {
		got, err := importText(tt.text)
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("%s: got %v, want an error %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.text, err)
			continue
		}
		if b, _ := json.Marshal(got); string(b) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.text, b, tt.want)
		}
		if _, err := newCors(got); err != nil {
			t.Errorf("%s: New refuses the import: %v", tt.text, err)
		}
	}
}

// TestExportImport: the exported program is gofmt-clean, and its call
// reads back as the same configuration.
func TestExportImport(t *testing.T) {
	for _, text := range []string{
		`{}`,
		`{"AllowedOrigins": ["https://a.example", "https://b.example"], "AllowedMethods": ["GET", "put"], "AllowedHeaders": [], "ExposedHeaders": ["X-\"q\"\n"], "AllowCredentials": true, "MaxAge": -1, "OptionStatusCode": 204, "IgnoreOptions": true, "AllowedOriginValidator": null}`,
		`{"AllowedOrigins": null, "AllowCredentials": false, "IgnoreOptions": false, "MaxAge": 900}`,
	} {
		opts := raw(t, text)
		code, err := export(opts, "/r")
		if err != nil {
			t.Fatal(err)
		}
		if f, err := format.Source([]byte(code)); err != nil || string(f) != code {
			t.Errorf("%s: the program is not gofmt-clean (%v):\n%s\ngofmt:\n%s", text, err, code, f)
		}
		start := strings.Index(code, "\tcors := ")
		end := strings.Index(code, "\n\t// The app")
		back, err := importText(code[start:end])
		if err != nil {
			t.Fatalf("%s: %v\n%s", text, err, code)
		}
		a, _ := newCors(opts)
		b, _ := newCors(back)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: read back as %+v, want %+v", text, b, a)
		}
	}
	if _, err := export(raw(t, `{"Nope": 1}`), "/r"); err == nil {
		t.Error("export of an unknown option: no error")
	}
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{`handlers.CORS(handlers.AllowedOrigins([]string{"*"}), handlers.AllowCredentials())`,
		`c := handlers.CORS(handlers.MaxAge(0x10), handlers.AllowedMethods([]string{http.MethodGet}))(r)`, "handlers.CORS(/*", "`", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		_, err := importText(text)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%d bytes took %v (%v)", len(text), d, err)
		}
	})
}

func TestSummarize(t *testing.T) {
	s := summarize(raw(t, `{"AllowedOrigins": ["https://A.example"], "AllowCredentials": true}`))
	if want := []server.Entry{{Written: "https://A.example", Policy: "https://A.example"}}; !reflect.DeepEqual(s.Origins, want) || !s.Credentials || s.AnyOrigin != "" {
		t.Errorf("summary %+v", s)
	}
	if s := summarize(raw(t, `{"AllowedOrigins": ["https://a.example", "*"]}`)); s.AnyOrigin != "wildcard" || s.AnyEntry != `"*"` || s.Origins != nil {
		t.Errorf("summary of *: %+v", s)
	}
	if s := summarize(raw(t, `{}`)); s.AnyOrigin != "wildcard" || s.AnyEntry != "" {
		t.Errorf("summary of the default: %+v", s)
	}
}

func TestRegistered(t *testing.T) {
	l, ok := server.Lookup("gorilla-handlers", "")
	if !ok || l.Version != "v1.5.2" || len(l.Options) != len(keys) || len(l.Quirks) == 0 {
		t.Fatalf("registration: %+v", l)
	}
	for i, o := range l.Options {
		if o.Name != keys[i] || o.Doc == "" || o.Default == "" || o.Type == "" {
			t.Errorf("option %+v", o)
		}
	}
}

func BenchmarkRespond(b *testing.B) {
	c, err := newCors(raw(b, `{"AllowedOrigins": ["https://app.example.com", "https://admin.example.com"], "AllowedMethods": ["GET", "POST", "PUT", "DELETE"], "AllowedHeaders": ["Content-Type", "Authorization"], "ExposedHeaders": ["X-Request-Id"], "AllowCredentials": true, "MaxAge": 600}`))
	if err != nil {
		b.Fatal(err)
	}
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://app.example.com"},
		{Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "authorization,content-type"}}}
	actual := message.Request{Method: "PUT", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://app.example.com"}}}
	for b.Loop() {
		c.Respond(pre)
		c.Respond(actual)
	}
}
