package koacors

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

func canon(m map[string]json.RawMessage) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		var x any
		json.Unmarshal(v, &x)
		out[k] = x
	}
	return out
}

// TestRespond shows the quirks; libtest proves them against the real koa.
func TestRespond(t *testing.T) {
	evil := message.Headers{{Name: "Origin", Value: "https://evil.example"}}
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example/r", Headers: append(evil, message.Header{Name: "Access-Control-Request-Method", Value: "PUT"}, message.Header{Name: "Access-Control-Request-Headers", Value: "authorization"})}
	get := message.Request{Method: "GET", URL: "https://api.example/r", Headers: evil}
	for _, tt := range []struct {
		options string
		req     message.Request
		status  int
		want    string
	}{
		{`{"credentials": true}`, pre, 204, "Vary: Origin\nAccess-Control-Allow-Origin: https://evil.example\nAccess-Control-Allow-Credentials: true\nAccess-Control-Allow-Methods: GET,HEAD,PUT,POST,DELETE,PATCH\nAccess-Control-Allow-Headers: authorization\n"},
		{`{"origin": ["https://a.example", "https://b.example"]}`, get, 200, "Vary: Origin\nAccess-Control-Allow-Origin: https://a.example\nAccess-Control-Allow-Origin: https://b.example\nContent-Type: text/plain; charset=utf-8\nContent-Length: 2\n"},
		{`{"credentials": true}`, message.Request{Method: "GET", URL: "/r"}, 200, "Vary: Origin\nAccess-Control-Allow-Origin: \nAccess-Control-Allow-Credentials: true\nContent-Type: text/plain; charset=utf-8\nContent-Length: 2\n"},
		{`{"origin": "https://a.example"}`, message.Request{Method: "GET", URL: "/boom", Headers: evil}, 500, "Access-Control-Allow-Origin: https://a.example\nvary: Origin\nContent-Type: text/plain; charset=utf-8\nContent-Length: 21\n"},
		{`{"keepHeadersOnError": false}`, message.Request{Method: "GET", URL: "/boom", Headers: evil}, 500, "Content-Type: text/plain; charset=utf-8\nContent-Length: 21\n"},
		{`{}`, message.Request{Method: "OPTIONS", URL: "/r", Headers: evil}, 404, "Vary: Origin\nContent-Type: text/plain; charset=utf-8\nContent-Length: 9\n"},
		{`{}`, message.Request{Method: "patch", URL: "/r", Headers: evil}, 400, ""},
		{`{"credentials": true}`, message.Request{Method: "GET", URL: "/r", Headers: message.Headers{{Name: "Origin", Value: "https://caf\u00e9.example"}}}, 200, "Vary: Origin\nAccess-Control-Allow-Origin: https://caf\u00c3\u00a9.example\nAccess-Control-Allow-Credentials: true\nContent-Type: text/plain; charset=utf-8\nContent-Length: 2\n"},
	} {
		c, err := New(opts(t, tt.options))
		if err != nil {
			t.Fatalf("%s: %v", tt.options, err)
		}
		got := c.Respond(tt.req)
		if got.Status != tt.status || lines(got) != tt.want {
			t.Errorf("%s %s %s:\n got %d\n%s want %d\n%s", tt.options, tt.req.Method, tt.req.URL, got.Status, lines(got), tt.status, tt.want)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	for options, path := range map[string]string{
		`{"origin": true}`:             "origin",
		`{"origin": null}`:             "origin",
		`{"origin": ["a", null]}`:      "origin",
		`{"allowMethods": 5}`:          "allowMethods",
		`{"maxAge": true}`:             "maxAge",
		`{"maxAge": null}`:             "maxAge",
		`{"credentials": "true"}`:      "credentials",
		`{"keepHeadersOnError": null}`: "keepHeadersOnError",
		`{"privateNetworkAccess": 1}`:  "privateNetworkAccess",
		`{"secureContext": [true]}`:    "secureContext",
		`{"allowHeaders": {"a": "b"}}`: "allowHeaders",
	} {
		_, err := New(opts(t, options))
		var oe *server.OptionError
		if !errors.As(err, &oe) || oe.Path != path {
			t.Errorf("New(%s) = %v, want an *OptionError at %s", options, err, path)
		}
	}
}

func TestOptions(t *testing.T) {
	l, ok := server.Lookup(name, "")
	if !ok || l.Version != "5.0.0" {
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
		{`app.use(cors())`, `{}`},
		{"app.use(cors({\n  origin: 'https://a.example',\n  credentials: true,\n  maxAge: '600',\n  allowMethods: ['GET', 'POST'],\n}));", `{"origin": "https://a.example", "credentials": true, "maxAge": "600", "allowMethods": ["GET", "POST"]}`},
		{`cors({ keepHeadersOnError: false, secureContext: true, privateNetworkAccess: true, exposeHeaders: 'X-A' })`, `{"keepHeadersOnError": false, "secureContext": true, "privateNetworkAccess": true, "exposeHeaders": "X-A"}`},
		{`{ origin: ['https://a.example', 'https://b.example'] }`, `{"origin": ["https://a.example", "https://b.example"]}`},
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
		`router.use('/api', cors())`:                            "line 1, column 12: koa's app.use takes one middleware",
		`app.use(cors({ origin: (ctx) => ctx.get('Origin') }))`: "line 1, column 24 (option origin): a function",
		`app.use(cors({ credentials: (ctx) => true }))`:         "(option credentials): a function",
		"cors({\n  origin: process.env.ORIGIN,\n})":             "line 2, column 11 (option origin): process.… reads a property",
		`cors({ origin: true })`:                                "line 1, column 8 (option origin): true is not a string or a list of strings",
		`cors({ maxAge: false })`:                               "line 1, column 8 (option maxAge): false is not a number or a string",
	} {
		_, err := Import(text)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("Import(%q) = %v, want an error saying %q", text, err, says)
		}
	}
}

func TestExportImport(t *testing.T) {
	for _, o := range []string{`{}`, `{"origin": "https://a.example", "credentials": true}`,
		`{"origin": ["a", "it's"], "allowMethods": "GET", "allowHeaders": ["X-A"], "exposeHeaders": [], "maxAge": "600", "keepHeadersOnError": false, "secureContext": true, "privateNetworkAccess": false}`} {
		src, err := Export(opts(t, o), "/r")
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(src, "app.use(cors(")
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
	static := "@koa/cors sends origin as it is to every request, whatever its Origin: only the browser compares them."
	for o, want := range map[string]server.Summary{
		`{}`:                                  {AnyOrigin: "wildcard"},
		`{"credentials": true}`:               {AnyOrigin: "reflect", Credentials: true},
		`{"origin": "", "credentials": true}`: {AnyOrigin: "reflect", AnyEntry: "''", Credentials: true},
		`{"origin": "*"}`:                     {AnyOrigin: "wildcard", AnyEntry: "'*'"},
		`{"origin": "https://a.example"}`:     {Origins: []server.Entry{{Written: "'https://a.example'", Policy: "https://a.example"}}, Notes: []string{static}},
		`{"origin": ["https://a.example", "null"]}`: {Origins: []server.Entry{{Written: "'https://a.example'", Policy: "https://a.example"}, {Written: "'null'", Policy: "null"}},
			Notes: []string{static, "A list of origins is sent as one Access-Control-Allow-Origin line per element, which browsers refuse as several values."}},
	} {
		got := Summarize(opts(t, o))
		if flagged := len(got.Flagged) > 0; flagged != strings.Contains(o, "[") {
			t.Errorf("Summarize(%s).Flagged = %+v", o, got.Flagged) // only a list: several Allow-Origin lines
		}
		if got.Flagged = nil; !reflect.DeepEqual(got, want) {
			t.Errorf("Summarize(%s) = %+v, want %+v", o, got, want)
		}
	}
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{`app.use(cors({ origin: 'https://a.example', credentials: true }))`, `cors({ maxAge: '600', allowHeaders: [] })`, `{ origin: (ctx) => ctx }`} {
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
	c, err := New(opts(b, `{"origin": "https://a.example", "credentials": true, "allowHeaders": ["Content-Type", "Authorization"], "exposeHeaders": ["X-Total"], "maxAge": 600}`))
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
