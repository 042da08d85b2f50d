package honocors

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
)

func opts(t testing.TB, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func lines(r message.Response) string {
	var b strings.Builder
	for _, h := range r.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\n")
	}
	return b.String()
}

// TestRespond shows the quirks; libtest proves them against the real hono.
func TestRespond(t *testing.T) {
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example/r", Headers: message.Headers{{Name: "Origin", Value: "https://evil.example"}, {Name: "Access-Control-Request-Headers", Value: "Authorization, x-a"}}}
	get := message.Request{Method: "GET", URL: "https://api.example/r", Headers: message.Headers{{Name: "Origin", Value: "https://evil.example"}}}
	patch := message.Request{Method: "patch", URL: "https://api.example/r", Headers: message.Headers{{Name: "Origin", Value: "https://a.example"}}}
	for _, tt := range []struct {
		options string
		req     message.Request
		status  int
		want    string
	}{
		{`{}`, pre, 204, "access-control-allow-headers: Authorization,x-a\naccess-control-allow-methods: GET,HEAD,PUT,POST,DELETE,PATCH,QUERY\naccess-control-allow-origin: *\nvary: Access-Control-Request-Headers\n"},
		{`{"origin": ["https://a.example"], "credentials": true}`, pre, 204, "access-control-allow-credentials: true\naccess-control-allow-headers: Authorization,x-a\naccess-control-allow-methods: GET,HEAD,PUT,POST,DELETE,PATCH,QUERY\nvary: Origin, Access-Control-Request-Headers\n"},
		{`{"origin": ["https://a.example"]}`, get, 200, "content-type: text/plain;charset=UTF-8\nvary: Origin\n"},
		{`{"origin": "*", "credentials": true}`, get, 200, "access-control-allow-credentials: true\naccess-control-allow-origin: *\ncontent-type: text/plain; charset=UTF-8\n"},
		{`{"origin": "https://a.example"}`, patch, 404, "access-control-allow-origin: https://a.example\ncontent-type: text/plain; charset=UTF-8\nvary: Origin\n"},
		{`{"exposeHeaders": ["a\nb"]}`, get, 500, "access-control-allow-origin: *\ncontent-type: text/plain; charset=UTF-8\n"},
		{`{}`, message.Request{Method: "TRACK", URL: "/r"}, 0, ""},
	} {
		c, err := New(opts(t, tt.options))
		if err != nil {
			t.Fatalf("%s: %v", tt.options, err)
		}
		got := c.Respond(tt.req)
		if got.Status != tt.status || lines(got) != tt.want {
			t.Errorf("%s %s:\n got %d\n%s want %d\n%s", tt.options, tt.req.Method, got.Status, lines(got), tt.status, tt.want)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	for options, path := range map[string]string{
		`{"origin": true}`:              "origin",
		`{"origin": [1]}`:               "origin",
		`{"allowMethods": "GET"}`:       "allowMethods",
		`{"allowHeaders": null}`:        "allowHeaders",
		`{"maxAge": "600"}`:             "maxAge",
		`{"credentials": "true"}`:       "credentials",
		`{"exposeHeaders": [["nest"]]}`: "exposeHeaders",
		`{"origin": null}`:              "origin",
		`{"origin": ["a", null]}`:       "origin",
		`{"credentials": null}`:         "credentials",
		`{"maxAge": null}`:              "maxAge",
	} {
		_, err := New(opts(t, options))
		var oe *server.OptionError
		if !errors.As(err, &oe) || oe.Path != path {
			t.Errorf("New(%s) = %v, want an *OptionError at %s", options, err, path)
		}
	}
}

// TestUnknownIgnored: cors() ignores the options it does not know.
func TestUnknownIgnored(t *testing.T) {
	c, err := New(opts(t, `{"allowedHeaders": ["X-A"], "methods": 5, "__proto__": {"origin": "x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := New(nil)
	req := message.Request{Method: "OPTIONS", URL: "/r", Headers: message.Headers{{Name: "Origin", Value: "https://a.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "x-b"}}}
	if a, b := c.Respond(req), d.Respond(req); !reflect.DeepEqual(a, b) {
		t.Errorf("unknown options change the answer: %v, defaults give %v", a, b)
	}
	if got := fixer.Unknown(opts(t, `{"origin": "*", "methods": 1, "allowedHeaders": 2}`)); !slices.Equal(got, []string{"allowedHeaders", "methods"}) {
		t.Errorf("Unknown = %q", got)
	}
	if o, err := Import(`cors({ allowedHeaders: ['X'] })`); err != nil || string(o["allowedHeaders"]) != `["X"]` {
		t.Errorf("Import of an unknown option = %v, %v", o, err)
	}
}

// TestOptions: the panel's options are exactly the ones New reads.
func TestOptions(t *testing.T) {
	l, ok := server.Lookup(name, "")
	if !ok || l.Version != "4.13.23" {
		t.Fatalf("Lookup(%q) = %v, %v", name, l, ok)
	}
	var names []string
	for _, o := range l.Options {
		names = append(names, o.Name)
		if o.Type == "" || o.Default == "" || o.Doc == "" {
			t.Errorf("option %s is not documented: %+v", o.Name, o)
		}
	}
	if !slices.Equal(names, optionNames) {
		t.Errorf("Options = %q, want %q", names, optionNames)
	}
	if len(l.Quirks) == 0 || l.New == nil || l.Summarize == nil { // Export and Import: engine's TestEveryRegisteredLibraryIsComplete
		t.Errorf("incomplete library: %+v", l)
	}
}

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{`app.use('*', cors({ origin: ['https://a.example'], credentials: true }))`, `{"origin": ["https://a.example"], "credentials": true}`},
		{`app.use('/*', cors())`, `{}`},
		{"app.use(cors({\n  origin: 'https://a.example',\n  allowMethods: ['POST', 'GET', 'OPTIONS'],\n  maxAge: 600,\n}));", `{"origin": "https://a.example", "allowMethods": ["POST", "GET", "OPTIONS"], "maxAge": 600}`},
		{`{ exposeHeaders: ['Content-Length', 'X-Kuma-Revision'] }`, `{"exposeHeaders": ["Content-Length", "X-Kuma-Revision"]}`},
	} {
		got, err := Import(tt.text)
		if err != nil {
			t.Errorf("Import(%q): %v", tt.text, err)
			continue
		}
		if a, b := canon(got), canon(opts(t, tt.want)); !reflect.DeepEqual(a, b) {
			t.Errorf("Import(%q) = %v, want %v", tt.text, a, b)
		}
	}
	for text, says := range map[string]string{
		`app.use('/api/*', cors())`:                    `line 1, column 9: cors() is mounted on "/api/*"`,
		`app.use(cors({ origin: (o) => o }))`:          "line 1, column 24 (option origin): a function",
		"cors({\n  origin: allowedOrigins,\n})":        "line 2, column 11 (option origin): allowedOrigins is a variable",
		`cors({ origin: true })`:                       "line 1, column 8 (option origin): true is not a string or a list of strings",
		`cors({ allowMethods: 'GET' })`:                `line 1, column 8 (option allowMethods): "GET" is not a list of strings`,
		`cors({ origin: /\.example\.com$/ })`:          "a regular expression",
		`app.use('*', cors({ origin: 'x' }), other())`: "expected `)`",
	} {
		_, err := Import(text)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("Import(%q) = %v, want an error saying %q", text, err, says)
		}
	}
}

func canon(m map[string]json.RawMessage) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		var x any
		json.Unmarshal(v, &x)
		out[k] = x
	}
	return out
}

// TestExportImport: the cors() call of an exported program imports back
// to the same options.
func TestExportImport(t *testing.T) {
	for _, o := range []string{`{}`, `{"origin": "*"}`, `{"origin": ["https://a.example", "it's"], "allowMethods": [], "allowHeaders": ["X-A"], "exposeHeaders": ["X-B"], "maxAge": 1e21, "credentials": true}`} {
		src, err := Export(opts(t, o), "/r")
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(src, "app.use(")
		j := strings.Index(src[i:], "))\n")
		if i < 0 || j < 0 {
			t.Fatalf("no app.use(cors(...)) in\n%s", src)
		}
		back, err := Import(src[i : i+j+2])
		if err != nil {
			t.Fatalf("Import(Export(%s)): %v\n%s", o, err, src)
		}
		if !reflect.DeepEqual(canon(back), canon(opts(t, o))) {
			t.Errorf("Import(Export(%s)) = %v", o, canon(back))
		}
	}
	if _, err := Export(opts(t, `{"origin": 1}`), "/r"); err == nil {
		t.Error("Export of an invalid configuration succeeded")
	}
}

func TestSummarize(t *testing.T) {
	for o, want := range map[string]server.Summary{
		`{}`:                                   {AnyOrigin: "wildcard"},
		`{"origin": "*", "credentials": true}`: {AnyOrigin: "wildcard", AnyEntry: "'*'", Credentials: true},
		`{"origin": ["https://a.example", "null"]}`: {Origins: []server.Entry{{Written: "'https://a.example'", Policy: "https://a.example"}, {Written: "'null'", Policy: "null"}}},
		`{"origin": "https://a.example/"}`:          {Origins: []server.Entry{{Written: "'https://a.example/'", Policy: "https://a.example/"}}},
	} {
		if got := Summarize(opts(t, o)); !reflect.DeepEqual(got, want) {
			t.Errorf("Summarize(%s) = %+v, want %+v", o, got, want)
		}
	}
}

// FuzzImport: Import never panics and answers quickly; what it accepts,
// New accepts.
func FuzzImport(f *testing.F) {
	for _, s := range []string{`app.use('*', cors({ origin: ['https://a.example'], credentials: true }))`, `cors({ maxAge: 0x10, allowHeaders: [] })`, `{ origin: (o) => o }`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		o, err := Import(text)
		if time.Since(start) > time.Second {
			t.Fatalf("Import took %v", time.Since(start))
		}
		if err != nil {
			var je *jsconfig.Error
			var oe *server.OptionError
			if !errors.As(err, &je) && !errors.As(err, &oe) {
				t.Fatalf("Import(%q) = %T %v", text, err, err)
			}
			return
		}
		if _, err := New(o); err != nil {
			t.Fatalf("Import(%q) accepted what New refuses: %v", text, err)
		}
	})
}

func BenchmarkRespond(b *testing.B) {
	c, err := New(opts(b, `{"origin": ["https://a.example", "https://b.example"], "credentials": true, "allowHeaders": ["Content-Type", "Authorization"], "exposeHeaders": ["X-Total"], "maxAge": 600}`))
	if err != nil {
		b.Fatal(err)
	}
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example/r", Headers: message.Headers{{Name: "Origin", Value: "https://a.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type"}}}
	get := message.Request{Method: "GET", URL: "https://api.example/r", Headers: message.Headers{{Name: "Origin", Value: "https://a.example"}, {Name: "Accept", Value: "*/*"}}}
	for b.Loop() {
		c.Respond(pre)
		c.Respond(get)
	}
}
