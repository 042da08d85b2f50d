package gochicors

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

func canonical(t *testing.T, m map[string]json.RawMessage) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want, err string }{
		{`cors.Options{AllowedOrigins: []string{"https://a.example"}, AllowCredentials: true, MaxAge: 300}`,
			`{"AllowCredentials":true,"AllowedOrigins":["https://a.example"],"MaxAge":300}`, ""},
		{"r.Use(cors.Handler(cors.Options{\n\t// AllowedOrigins: []string{\"https://foo.com\"},\n\tAllowedOrigins:   []string{\"https://*\", \"http://*\"},\n\t// AllowOriginFunc:  func(r *http.Request, origin string) bool { return true },\n\tAllowedMethods:   []string{\"GET\", \"POST\", \"PUT\", \"DELETE\", \"OPTIONS\"},\n\tAllowedHeaders:   []string{\"Accept\", \"Authorization\", \"Content-Type\", \"X-CSRF-Token\"},\n\tExposedHeaders:   []string{\"Link\"},\n\tAllowCredentials: false,\n\tMaxAge:           300, // Maximum value not ignored by any of major browsers\n}))",
			`{"AllowCredentials":false,"AllowedHeaders":["Accept","Authorization","Content-Type","X-CSRF-Token"],"AllowedMethods":["GET","POST","PUT","DELETE","OPTIONS"],"AllowedOrigins":["https://*","http://*"],"ExposedHeaders":["Link"],"MaxAge":300}`, ""},
		{`c := cors.New(cors.Options{AllowedMethods: []string{http.MethodGet, http.MethodPatch,}, Debug: true, AllowOriginFunc: nil, OptionsPassthrough: false, MaxAge: -0x10})`,
			`{"AllowedMethods":["GET","PATCH"],"Debug":true,"MaxAge":-16,"OptionsPassthrough":false}`, ""},
		{"cors.Options{AllowedOrigins: []string{`https://a.example`, \"\\x41\"}, AllowedHeaders: nil}", `{"AllowedOrigins":["https://a.example","A"]}`, ""},
		{`cors.AllowAll()`, `{"AllowCredentials":false,"AllowedHeaders":["*"],"AllowedMethods":["HEAD","GET","POST","PUT","PATCH","DELETE"],"AllowedOrigins":["*"]}`, ""},
		{`cors.Options{}`, `{}`, ""},
		{`cors.Options{allowedOrigins: []string{"x"}}`, "", "line 1, column 14: cors.Options has no field allowedOrigins (did you mean AllowedOrigins? Go field names are case-sensitive)"},
		{`cors.Options{AllowPrivateNetwork: true}`, "", "line 1, column 14: cors.Options has no field AllowPrivateNetwork (rs/cors's cors.Options has it: is this rs/cors code?)"},
		{`cors.Options{Nope: true}`, "", "line 1, column 14: cors.Options has no field Nope (its fields: AllowedOrigins,"},
		{"cors.Options{\n  AllowOriginFunc: func(r *http.Request, o string) bool { return true },\n}", "", "line 2, column 3: AllowOriginFunc is a Go function"},
		{`cors.Options{MaxAge: 12 * 3600}`, "", "line 1, column 25: MaxAge wants an integer literal alone"},
		{`cors.Options{MaxAge: 1.5}`, "", "line 1, column 22: MaxAge wants an integer literal"},
		{`cors.Options{AllowedOrigins: origins}`, "", "line 1, column 30: AllowedOrigins wants []string{…}, found origins"},
		{`cors.Options{AllowedOrigins: []string{os.Getenv("O")}}`, "", "line 1, column 39: AllowedOrigins lists string literals only"},
		{`cors.Options{MaxAge: 1, MaxAge: 2}`, "", "line 1, column 25: duplicate field name MaxAge"},
		{`cors.Options{[]string{"x"}}`, "", "line 1, column 14: expected a field name"},
		{`cors.Options{AllowCredentials: 1}`, "", "line 1, column 32: AllowCredentials wants true or false, found 1"},
		{`rs.Options{}`, "", "line 1, column 1: expected cors.Options{…}, cors.New(…), cors.Handler(…) or cors.AllowAll() of github.com/go-chi/cors, found rs"},
		{`cors.Options{} x`, "", "line 1, column 16: unexpected x after the configuration"},
		{`cors.Options{AllowedOrigins: []string{"a}}`, "", "line 1, column 39: a string literal is not closed"},
		{`cors.Options{/* x`, "", "line 1, column 14: a /* comment is not closed"},
		{`cors.Options{AllowedMethods: []string{http.MethodFoo}}`, "", "line 1, column 44: corsplay knows the http.Method constants only"},
		{`cors.Options{AllowedOrigins: []string{"x"}`, "", "line 1, column 43: expected , or }, found the end of the text"},
		{`cors.Options{Debug: true} // done`, `{"Debug":true}`, ""},
		{`r.Use(cors.New(cors.Options{}).Handler)`, `{}`, ""},
		{`cors.Handler(cors.Options{}).Handler`, "", "line 1, column 29: unexpected . after the configuration"},
		{`cors.Nope(cors.Options{})`, "", "line 1, column 6: expected Options, New, Handler or AllowAll, found Nope"},
		{`cors.AllowAll().Handler`, `{"AllowCredentials":false,"AllowedHeaders":["*"],"AllowedMethods":["HEAD","GET","POST","PUT","PATCH","DELETE"],"AllowedOrigins":["*"]}`, ""},
		{"cors.Options{AllowedOrigins: []string{\"é\"}, MaxAge: 0b11}", `{"AllowedOrigins":["é"],"MaxAge":3}`, ""},
		{"cors.Options{AllowedOrigins: []string{\"x\"}, ☃}", "", "line 1, column 45: unexpected character '☃'"},
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
		if c := canonical(t, got); c != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.text, c, tt.want)
		}
		if _, err := newCors(got); err != nil {
			t.Errorf("%s: New refuses the import: %v", tt.text, err)
		}
	}
}

// TestExportImport: the exported program is gofmt-clean, and its
// configuration reads back as the same options.
func TestExportImport(t *testing.T) {
	for _, text := range []string{
		`{}`,
		`{"AllowedOrigins": ["https://a.example", "https://*.a.example"], "AllowedMethods": ["GET", "put"], "AllowedHeaders": [], "ExposedHeaders": ["X-\"q\"\n"], "AllowCredentials": true, "MaxAge": -1, "OptionsPassthrough": true, "Debug": true}`,
		`{"allowedorigins": ["*"], "AllowOriginFunc": null, "maxage": 600, "AllowCredentials": false}`,
	} {
		opts := raw(t, text)
		code, err := export(opts, "/r")
		if err != nil {
			t.Fatal(err)
		}
		if f, err := format.Source([]byte(code)); err != nil || string(f) != code {
			t.Errorf("%s: the program is not gofmt-clean (%v):\n%s\ngofmt:\n%s", text, err, code, f)
		}
		start := strings.Index(code, "\tc := ")
		end := strings.Index(code, "\n\t// The app")
		back, err := importText(code[start:end])
		if err != nil {
			t.Fatalf("%s: %v\n%s", text, err, code)
		}
		a, _ := decode(opts)
		b, _ := decode(back)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: read back as %+v, want %+v", text, b, a)
		}
	}
	if _, err := export(raw(t, `{"Nope": 1}`), "/r"); err == nil {
		t.Error("export of an unknown option: no error")
	}
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{`cors.Options{AllowedOrigins: []string{"https://a.example"}, AllowCredentials: true, MaxAge: 300}`,
		`r.Use(cors.Handler(cors.Options{MaxAge: 0x10, AllowedMethods: []string{http.MethodGet}}))`, `cors.AllowAll()`, "cors.Options{/*", "`", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		m, err := importText(text)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%d bytes took %v", len(text), d)
		}
		if err != nil {
			return
		}
		if _, err := newCors(m); err != nil {
			t.Errorf("%q imports as options New refuses: %v", text, err)
		}
	})
}

func TestSummarize(t *testing.T) {
	s := summarize(raw(t, `{"AllowedOrigins": ["https://A.example", "https://*.a.example", "https://*a.example"], "AllowCredentials": true}`))
	want := []server.Entry{{Written: "https://A.example", Policy: "https://a.example"}, {Written: "https://*.a.example", Policy: "https://*.a.example"},
		{Written: "https://*a.example", Policy: `re:(?i)^https://.*a\.example$`}}
	if !reflect.DeepEqual(s.Origins, want) || !s.Credentials || s.AnyOrigin != "" {
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
	l, ok := server.Lookup("go-chi-cors", "")
	if !ok || l.Version != "v1.2.2" || len(l.Options) != 8 || len(l.Quirks) == 0 {
		t.Fatalf("registration: %+v", l)
	}
	for _, o := range l.Options {
		if field(o.Name) != o.Name || o.Doc == "" || o.Default == "" || o.Type == "" {
			t.Errorf("option %+v", o)
		}
	}
}

func BenchmarkRespond(b *testing.B) {
	c, err := newCors(raw(b, `{"AllowedOrigins": ["https://app.example.com", "https://*.example.com"], "AllowedMethods": ["GET", "POST", "PUT", "DELETE"], "AllowedHeaders": ["Content-Type", "Authorization"], "ExposedHeaders": ["X-Request-Id"], "AllowCredentials": true, "MaxAge": 600}`))
	if err != nil {
		b.Fatal(err)
	}
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://a.example.com"},
		{Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "authorization,content-type"}}}
	actual := message.Request{Method: "PUT", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://a.example.com"}}}
	for b.Loop() {
		c.Respond(pre)
		c.Respond(actual)
	}
}
