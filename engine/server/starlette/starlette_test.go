package starlette

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

func opts(t testing.TB, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

func lib(t testing.TB) *server.Library {
	l, ok := server.Lookup("starlette", "")
	if !ok {
		t.Fatal("starlette is not registered")
	}
	return l
}

// TestOptionErrors: what the JSON form does not accept is an OptionError
// naming the option; what the call raises is a ConfigError in Python's
// words.
func TestOptionErrors(t *testing.T) {
	for _, tt := range []struct{ options, path, config string }{
		{`{"allow_origins": 5}`, "allow_origins", ""},
		{`{"allow_origins": null}`, "allow_origins", ""},
		{`{"allow_headers": null}`, "allow_headers", ""},
		{`{"allow_credentials": null}`, "allow_credentials", ""},
		{`{"max_age": null}`, "max_age", ""},
		{`{"allow_origins": ["a", 1]}`, "allow_origins", ""},
		{`{"allow_headers": "X-A"}`, "allow_headers", ""},
		{`{"allow_credentials": "true"}`, "allow_credentials", ""},
		{`{"max_age": 1.5}`, "max_age", ""},
		{`{"max_age": "600"}`, "max_age", ""},
		{`{"expose_headers": "X-A"}`, "expose_headers", ""},
		{`{"allow_origin_regex": 5}`, "allow_origin_regex", ""},
		{`{"allow_origin_regex": "(?=a)"}`, "allow_origin_regex", ""},
		{`{"allow_origin_regex": "a{1001}"}`, "allow_origin_regex", ""},
		{`{"allow_origin": ["x"], "zeta": 1}`, "", "CORSMiddleware.__init__() got an unexpected keyword argument 'allow_origin'"},
		{`{"app": 1}`, "", "starlette.middleware.cors.CORSMiddleware() got multiple values for keyword argument 'app'"},
		{`{"allow_origin_regex": "("}`, "", "missing ), unterminated subpattern at position 0"},
	} {
		_, err := lib(t).New(opts(t, tt.options))
		var oe *server.OptionError
		var ce *server.ConfigError
		switch {
		case tt.path != "" && (!errors.As(err, &oe) || oe.Path != tt.path):
			t.Errorf("%s: %v, want an OptionError at %s", tt.options, err, tt.path)
		case tt.config != "" && (!errors.As(err, &ce) || ce.Message != tt.config):
			t.Errorf("%s: %v, want ConfigError %q", tt.options, err, tt.config)
		}
	}
}

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want, err string }{
		{`CORSMiddleware(app, allow_origins=["https://a.example"], allow_credentials=True)`,
			`{"allow_credentials":true,"allow_origins":["https://a.example"]}`, ""},
		{`app.add_middleware(
    CORSMiddleware,
    allow_origins=['https://a.example', "https://b.example",],  # the sites
    allow_methods=("GET", "POST"),
    allow_headers=["*"],
    max_age=3_600,
)`, `{"allow_headers":["*"],"allow_methods":["GET","POST"],"allow_origins":["https://a.example","https://b.example"],"max_age":3600}`, ""},
		{`from fastapi.middleware.cors import CORSMiddleware
app = FastAPI()
app.add_middleware(fastapi.middleware.cors.CORSMiddleware, allow_origin_regex=r"https://.*\.a\.example", allow_origins="https://a.example")`,
			`{"allow_origin_regex":"https://.*\\.a\\.example","allow_origins":"https://a.example"}`, ""},
		{`middleware = [Middleware(CORSMiddleware, allow_origins=("https://a.example"), allow_methods=("GET",), expose_headers=[], allow_origin_regex=None, allow_credentials=False, max_age=-1)]`,
			`{"allow_credentials":false,"allow_methods":["GET"],"allow_origin_regex":null,"allow_origins":"https://a.example","expose_headers":[],"max_age":-1}`, ""},
		{`CORSMiddleware(app=app, allow_origins=["a" "b", '\x41\n\'', """c"""])`, `{"allow_origins":["ab","A\n'","c"]}`, ""},
		{`CORSMiddleware(app, ["https://a.example"], "*")`, `{"allow_methods":"*","allow_origins":["https://a.example"]}`, ""},
		{`CORSMiddleware(app, allow_origin=["x"])`, `{"allow_origin":["x"]}`, ""},
		{`CORSMiddleware(app, allow_origins=ORIGINS)`, "", "line 1, column 35: allow_origins=ORIGINS: a variable"},
		{"CORSMiddleware(app,\n  allow_origins=get_origins())", "", "line 2, column 17: allow_origins=get_origins: a call"},
		{`CORSMiddleware(app, allow_origins=settings.ORIGINS)`, "", "an attribute"},
		{`CORSMiddleware(app, **cors_options)`, "", "line 1, column 21: ** unpacking"},
		{`CORSMiddleware(app, allow_origins={"https://a.example"})`, "", "a set or a dict"},
		{`CORSMiddleware(app, allow_origins=[f"https://{host}"])`, "", "a f-string"},
		{`CORSMiddleware(app, allow_origins=[b"x"])`, "", "a b-string"},
		{`CORSMiddleware(app, max_age=1.5)`, "", "1.5 is not an integer literal"},
		{`CORSMiddleware(app, max_age=017)`, "", "017 is not an integer literal"},
		{`CORSMiddleware(app, max_age=0x10)`, `{"max_age":16}`, ""},
		{`CORSMiddleware(app, allow_credentials=True, allow_credentials=False)`, "", "keyword argument repeated: allow_credentials"},
		{`app.add_middleware(CORSMiddleware, ["x"])`, "", "add_middleware takes the options as keyword arguments"},
		{`CORSMiddleware(app, allow_origins=["x"]`, "", "the call is not closed"},
		{`CORSMiddleware(app, allow_origins=["x)`, "", "line 1, column 36: an unterminated string literal"},
		{`app.add_middleware(GZipMiddleware, minimum_size=1000)`, "", "no CORSMiddleware"},
		{`CORSMiddleware(app) CORSMiddleware(app)`, "", "a second CORSMiddleware"},
		{`CORSMiddleware(app, allow_origins=["x"] + EXTRA)`, "", `expected , or ) after the value, got "+"`},
		{`CORSMiddleware(app, 1, 2, 3, 4, 5, 6, 7, 8)`, "", "too many positional arguments"},
		{`CORSMiddleware(app, allow_origins=["\N{DASH}"])`, "", `a \N{...} escape`},
	} {
		got, err := importCall(tt.text)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: got %v, want an error with %q", tt.text, err, tt.err)
			}
			continue
		}
		b, _ := json.Marshal(got)
		if err != nil || string(b) != tt.want {
			t.Errorf("%s:\n got %s, %v\nwant %s", tt.text, b, err, tt.want)
		}
	}
}

// TestExportImport: Import reads back what Export writes.
func TestExportImport(t *testing.T) {
	for _, o := range []string{`{}`, `{"allow_origins": ["https://a.example", "q\"uote\\back\nline\u00e9\u65e5\ud83d\ude00\u0007"]}`,
		`{"allow_origins": "https://a.example", "allow_methods": "GET", "allow_headers": ["*"], "allow_credentials": true,
		  "allow_origin_regex": "https://.*\\.a\\.example$", "expose_headers": ["X-A"], "max_age": -7}`,
		`{"allow_origin_regex": null, "allow_methods": [], "max_age": 123456789012345678901234567890}`} {
		m := opts(t, o)
		code, err := lib(t).Export(m, "/r")
		if err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		back, err := lib(t).Import(code)
		if err != nil {
			t.Fatalf("%s: Import(Export) = %v\n%s", o, err, code)
		}
		if a, b := canonical(t, m), canonical(t, back); a != b {
			t.Errorf("round trip:\n%s\n%s", a, b)
		}
	}
	if _, err := lib(t).Export(opts(t, `{"allow_origins": 5}`), "/r"); err == nil {
		t.Error("Export of an option corsplay cannot read succeeded")
	}
}

// canonical is options as compact JSON with their values decoded.
func canonical(t *testing.T, m map[string]json.RawMessage) string {
	var v map[string]any
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(v)
	return string(b)
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{`CORSMiddleware(app, allow_origins=["https://a.example"], allow_credentials=True)`,
		`app.add_middleware(CORSMiddleware, allow_origins=('x',), max_age=0o17)`, `Middleware(CORSMiddleware, allow_origins=r"\"")`,
		`CORSMiddleware(app, allow_origins=["""a` + "\n" + `b"""])`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		m, err := importCall(s)
		if err == nil {
			for k, v := range m {
				if !json.Valid(v) {
					t.Fatalf("%q: option %s is not JSON: %s", s, k, v)
				}
			}
			if em, err := newMiddleware(m); err == nil { // what Import reads, New takes or refuses: it never panics
				em.Respond(message.Request{Method: "OPTIONS", URL: "http://testserver/r", Headers: message.Headers{
					{Name: "Origin", Value: "https://a.example"}, {Name: "Access-Control-Request-Method", Value: "GET"}}})
			}
		}
		if d := time.Since(start); d > time.Second && len(s) < 10000 {
			t.Fatalf("%d bytes took %v", len(s), d)
		}
	})
}

func TestSummarize(t *testing.T) {
	l := lib(t)
	s := l.Summarize(opts(t, `{"allow_origins": ["https://a.example", "*"], "allow_credentials": true, "allow_origin_regex": "https://.*\\.a\\.example"}`))
	if s.AnyOrigin != "reflect" || s.AnyEntry != `"*"` || !s.Credentials || len(s.Origins) != 2 || !s.Origins[1].Regex ||
		s.Origins[1].Policy != `re:^(?:https\x{3A}\x{2F}\x{2F}.*\x{2E}a\x{2E}example)$` {
		t.Errorf("summary %+v", s)
	}
	s = l.Summarize(opts(t, `{"allow_origins": "https://a.example.com:8443"}`))
	var got []string
	for _, e := range s.Origins {
		got = append(got, e.Policy)
	}
	for _, want := range []string{"https://a", "https://a.example.co", "https://a.example.com", "https://a.example.com:8", "https://a.example.com:8443"} {
		if !slices.Contains(got, want) {
			t.Errorf("string origins: %q lacks %s", got, want)
		}
	}
	if slices.Contains(got, "https://a.") || slices.Contains(got, "https://a.example.com:") {
		t.Errorf("string origins: %q holds a non-origin", got)
	}
	if s = l.Summarize(opts(t, `{"allow_origins": "*"}`)); s.AnyOrigin != "wildcard" {
		t.Errorf("star string: %+v", s)
	}
	if s = l.Summarize(opts(t, `{"allow_origins": ["https://*.a.example"]}`)); s.Origins[0].Policy != `re:^https://\*\.a\.example$` {
		t.Errorf("literal star: %+v", s)
	}
}

// TestRegistered: the library panel's data.
func TestRegistered(t *testing.T) {
	l := lib(t)
	if l.Version != "0.26.1" || len(l.Options) != 7 || len(l.Quirks) < 8 || l.Export == nil || l.Import == nil || l.Summarize == nil {
		t.Errorf("%+v", l)
	}
	for _, o := range l.Options {
		if o.Name == "" || o.Type == "" || o.Default == "" || o.Doc == "" {
			t.Errorf("option %+v", o)
		}
	}
}

func BenchmarkRespond(b *testing.B) {
	em, err := lib(b).New(opts(b, `{"allow_origins": ["https://a.example", "https://b.example"], "allow_origin_regex": "https://[a-z]+\\.a\\.example",
		"allow_methods": ["GET", "POST", "PUT"], "allow_headers": ["X-Token", "Authorization"], "allow_credentials": true, "expose_headers": ["X-Total"]}`))
	if err != nil {
		b.Fatal(err)
	}
	preflight := message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{
		{Name: "Origin", Value: "https://app.a.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"},
		{Name: "Access-Control-Request-Headers", Value: "content-type,x-token"}}}
	actual := message.Request{Method: "PUT", URL: "https://api.example.com/r", Headers: message.Headers{
		{Name: "Origin", Value: "https://b.example"}, {Name: "Content-Type", Value: "application/json"}}, Cookies: true}
	b.ReportAllocs()
	for b.Loop() {
		if r := em.Respond(preflight); r.Status != 200 {
			b.Fatal(r)
		}
		if r := em.Respond(actual); r.Status != 200 {
			b.Fatal(r)
		}
	}
}
