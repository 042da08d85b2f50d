package fastifycors

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
		t.Fatal(err)
	}
	return m
}

func req(method, origin string, headers ...string) message.Request {
	r := message.Request{Method: method, URL: "https://api.example.com/r"}
	if origin != "" {
		r.Headers = append(r.Headers, message.Header{Name: "Origin", Value: origin})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Headers = append(r.Headers, message.Header{Name: headers[i], Value: headers[i+1]})
	}
	return r
}

func lines(resp message.Response) string {
	var out []string
	for _, h := range resp.Headers {
		out = append(out, h.Name+": "+h.Value)
	}
	return strings.Join(out, " | ")
}

// The registry entry: every option of the JSON form, documented.
func TestLibrary(t *testing.T) {
	l, ok := server.Lookup(name, "")
	if !ok || l.Version != "11.4.3" || l.New == nil || l.Summarize == nil { // Export and Import: engine's TestEveryRegisteredLibraryIsComplete
		t.Fatalf("Lookup = %+v, %v", l, ok)
	}
	want := []string{"origin", "methods", "allowedHeaders", "exposedHeaders", "credentials", "maxAge", "cacheControl",
		"preflightContinue", "optionsSuccessStatus", "preflight", "strictPreflight", "hideOptionsRoute", "hook", "logLevel"}
	if got := optionNames(); !slices.Equal(got, want) {
		t.Errorf("options %q, want %q", got, want)
	}
	for _, o := range l.Options {
		if o.Type == "" || o.Default == "" || !strings.HasSuffix(o.Doc, ".") {
			t.Errorf("option %+v is not documented", o)
		}
	}
	for _, q := range l.Quirks {
		if !strings.HasSuffix(q, ".") {
			t.Errorf("quirk %q is not a sentence", q)
		}
	}
}

// Options corsplay cannot read, and those the library refuses.
func TestNewRefuses(t *testing.T) {
	for _, tt := range []struct {
		options, path, problem string // path "": a *ConfigError with message problem
	}{
		{`{"origin": 1}`, "origin", "is not a string, a boolean"},
		{`{"origin": {"regexp": "a", "x": 1}}`, "origin", "is not a string, a boolean"},
		{`{"origin": {"regexp": "a", "flags": 1}}`, "origin", "is not"},
		{`{"origin": ["a", true]}`, "origin[1]", "true is not a string or a RegExp"},
		{`{"origin": [["a"]]}`, "origin[0]", "is not a string or a RegExp"},
		{`{"origin": {"regexp": "a", "flags": "u"}}`, "origin", "the u and v flags"},
		{`{"origin": {"regexp": "(?<=a)b"}}`, "origin", "corsplay does not emulate"},
		{`{"origin": {"regexp": "(a)\\1"}}`, "origin", "corsplay does not emulate"},
		{`{"origin": {"regexp": "a{1000}"}}`, "origin", "too complex"},
		{`{"methods": null}`, "methods", "null is not a string or a list of strings"},
		{`{"methods": 1}`, "methods", "1 is not a string or a list of strings"},
		{`{"allowedHeaders": true}`, "allowedHeaders", "is not a string, a list of strings or null"},
		{`{"maxAge": "600"}`, "maxAge", `"600" is not a number or null`},
		{`{"cacheControl": true}`, "cacheControl", "true is not an integer, a string or null"},
		{`{"credentials": "true"}`, "credentials", "is not a boolean"},
		{`{"preflight": null}`, "preflight", "null is not a boolean"},
		{`{"optionsSuccessStatus": 204.5}`, "optionsSuccessStatus", "204.5 is not an integer"},
		{`{"optionsSuccessStatus": null}`, "optionsSuccessStatus", "null is not an integer"},
		{`{"optionsSuccessStatus": 103}`, "optionsSuccessStatus", "corsplay models final statuses"},
		{`{"hook": null}`, "hook", "null is not a string"},
		{`{"logLevel": 1}`, "logLevel", "is not a string"},
		{`{"delegator": null}`, "delegator", "no JSON form"},
		{`{"hook": "onSend"}`, "", "@fastify/cors: Invalid hook option provided."},
		{`{"hook": ""}`, "", "@fastify/cors: Invalid hook option provided."},
		{`{"origin": {"regexp": "("}}`, "", "Invalid regular expression: /(/: Unterminated group"},
		{`{"origin": ["x", {"regexp": "a", "flags": "gg"}]}`, "", "Invalid flags supplied to RegExp constructor 'gg'"},
	} {
		_, err := newCors(opts(t, tt.options))
		var oe *server.OptionError
		var ce *server.ConfigError
		switch {
		case tt.path == "" && (!errors.As(err, &ce) || ce.Message != tt.problem):
			t.Errorf("%s: %v, want the library's %q", tt.options, err, tt.problem)
		case tt.path != "" && (!errors.As(err, &oe) || oe.Path != tt.path || !strings.Contains(oe.Problem, tt.problem)):
			t.Errorf("%s: %v, want %s: …%s…", tt.options, err, tt.path, tt.problem)
		}
	}
}

// A few answers, for reading (libtest proves them against the real
// library).
func TestRespond(t *testing.T) {
	for _, tt := range []struct {
		options string
		req     message.Request
		status  int
		lines   string
	}{
		{`{}`, req("OPTIONS", "https://a.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization"), 204,
			"access-control-allow-origin: * | access-control-allow-methods: GET,HEAD,POST | vary: Access-Control-Request-Headers | access-control-allow-headers: authorization | content-length: 0"},
		{`{"origin": {"regexp": "a.example.com"}}`, req("GET", "https://aXexample.com"), 200,
			"vary: Origin | access-control-allow-origin: https://aXexample.com | content-type: text/plain; charset=utf-8 | content-length: 2"},
		{`{"origin": {"regexp": "a.example.com"}}`, req("GET", "https://b.example"), 200,
			"vary: Origin | content-type: text/plain; charset=utf-8 | content-length: 2"},
		{`{"origin": "https://a.example"}`, req("OPTIONS", ""), 400,
			"access-control-allow-origin: https://a.example | content-type: text/plain | content-length: 25"},
		{`{"origin": null}`, req("GET", "https://a.example"), 500,
			"vary: Origin | content-type: application/json; charset=utf-8 | content-length: 89"},
		{`{"origin": false}`, req("OPTIONS", "https://a.example", "Access-Control-Request-Method", "PUT"), 404,
			"content-type: application/json; charset=utf-8 | content-length: 77"},
		{`{"origin": ["https://a.example", "*"], "credentials": true}`, req("GET", "https://b.example"), 200,
			"access-control-allow-origin: * | access-control-allow-credentials: true | content-type: text/plain; charset=utf-8 | content-length: 2"},
		{`{"hook": "preSerialization", "origin": true}`, req("GET", "https://a.example"), 200,
			"content-type: text/plain; charset=utf-8 | content-length: 2"},
		{`{"hook": "preSerialization", "origin": true}`, req("OPTIONS", "https://a.example", "Access-Control-Request-Method", "PUT"), 204,
			"content-type: application/json; charset=utf-8 | vary: Origin, Access-Control-Request-Headers | access-control-allow-origin: https://a.example | access-control-allow-methods: GET,HEAD,POST | content-length: 0"},
		{`{"optionsSuccessStatus": 600}`, req("OPTIONS", "https://a.example", "Access-Control-Request-Method", "PUT"), 500,
			"access-control-allow-origin: * | access-control-allow-methods: GET,HEAD,POST | vary: Access-Control-Request-Headers | content-type: application/json; charset=utf-8 | content-length: 141"},
		{`{"origin": true}`, req("POST", "https://a.example", "Content-Type", "application/x-www-form-urlencoded"), 415,
			"vary: Origin | access-control-allow-origin: https://a.example | content-type: application/json; charset=utf-8 | content-length: 126"},
		{`{"origin": "https://\u0101.example"}`, req("GET", "https://a.example"), 500, "Transfer-Encoding: chunked"},
		{`{}`, req("patch", "https://a.example"), 400, "Connection: close"},
		{`{}`, req("CONNECT", "https://a.example"), 0, ""},
	} {
		c, err := newCors(opts(t, tt.options))
		if err != nil {
			t.Fatalf("%s: %v", tt.options, err)
		}
		resp := c.Respond(tt.req)
		if resp.Status != tt.status || lines(resp) != tt.lines {
			t.Errorf("%s %s %v:\n got %d %s\nwant %d %s", tt.options, tt.req.Method, tt.req.Headers, resp.Status, lines(resp), tt.status, tt.lines)
		}
	}
}

func TestRoutePath(t *testing.T) {
	for _, tt := range []struct {
		target, path string
		ok           bool
	}{
		{"/r", "/r", true}, {"/r?x=%zz", "/r", true}, {"/%72", "/r", true}, {"/%2Fr", "/%2Fr", true}, {"/%25", "/%25", true},
		{"/%zz", "", false}, {"/%7", "", false}, {"/%e9", "", false}, {"/%c3%a9", "/é", true}, {"/r#x", "/r", true},
	} {
		if p, ok := routePath(tt.target); p != tt.path || ok != tt.ok {
			t.Errorf("routePath(%q) = %q, %v; want %q, %v", tt.target, p, ok, tt.path, tt.ok)
		}
	}
	for u, want := range map[string]string{"https://h/r?x": "/r?x", "https://h": "/", "https://h?x": "/?x", "https://h/r#f": "/r", "/r": "/r"} {
		if got := target(u); got != want {
			t.Errorf("target(%q) = %q, want %q", u, got, want)
		}
	}
}

func TestJSNumber(t *testing.T) {
	for f, want := range map[float64]string{0: "0", 1.5: "1.5", -1: "-1", 1e21: "1e+21", 1e20: "100000000000000000000", 1e-7: "1e-7",
		0.000001: "0.000001", 1.5e-10: "1.5e-10", 123456789012345680000: "123456789012345680000"} {
		if got := jsNumber(f); got != want {
			t.Errorf("jsNumber(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestSummarize(t *testing.T) {
	for _, tt := range []struct {
		options, want string
	}{
		{`{}`, `{"Origins":null,"AnyOrigin":"wildcard","AnyEntry":"","Credentials":false,"Notes":null}`},
		{`{"origin": ["https://a.example", "*"]}`, `{"Origins":null,"AnyOrigin":"wildcard","AnyEntry":"'*'","Credentials":false,"Notes":null}`},
		{`{"origin": true, "credentials": true}`, `{"Origins":null,"AnyOrigin":"reflect","AnyEntry":"true","Credentials":true,"Notes":null}`},
		{`{"origin": ["https://a.example", {"regexp": "b/c", "flags": "y"}]}`, `{"Origins":[{"Written":"'https://a.example'","Policy":"https://a.example","Regex":false},{"Written":"/b\\/c/y","Policy":"re:\\A(?:[\\x{62}][\\x{2f}][\\x{63}])","Regex":true}],"AnyOrigin":"","AnyEntry":"","Credentials":false,"Notes":null}`},
		{`{"origin": "https://a.example"}`, `{"Origins":[{"Written":"'https://a.example'","Policy":"https://a.example","Regex":false}],"AnyOrigin":"","AnyEntry":"","Credentials":false,"Notes":["A string origin is sent as is to every request, whatever its Origin."]}`},
		{`{"origin": false, "hook": "preSerialization"}`, `{"Origins":null,"AnyOrigin":"","AnyEntry":"","Credentials":false,"Notes":["origin: false turns CORS off: no request gets a CORS header.","hook: 'preSerialization' adds CORS headers only to answers fastify serializes from an object: the route's string answers get none."]}`},
	} {
		b, _ := json.Marshal(summarize(opts(t, tt.options)))
		if string(b) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.options, b, tt.want)
		}
	}
}

func TestImport(t *testing.T) {
	for _, tt := range []struct {
		text, want string // want: the options as JSON, or "error: ..." a part of the error
	}{
		{`{}`, `{}`},
		{`fastify.register(cors)`, `{}`},
		{`await fastify.register(require('@fastify/cors'), { origin: "https://a.example" });`, `{"origin":"https://a.example"}`},
		{`fastify.register(cors, { origin: ["https://a.example", /\.example\.com$/], credentials: true })`,
			`{"credentials":true,"origin":["https://a.example",{"regexp":"\\.example\\.com$"}]}`},
		{"import cors from '@fastify/cors'\nawait app.register(helmet, { global: true })\nawait app.register(cors, {\n  // the front end\n  origin: /^https:\\/\\/[a-z]+\\.example$/i, /* comment */\n  methods: ['GET', 'PUT',],\n  maxAge: 0x258,\n})\nawait app.listen({ port: 3000 })",
			`{"maxAge":600,"methods":["GET","PUT"],"origin":{"flags":"i","regexp":"^https:\\/\\/[a-z]+\\.example$"}}`},
		{`{ 'origin': true, "hook": 'preHandler', exposedHeaders: ` + "`X-A, X-B`" + `, allowedHeaders: null, optionsSuccessStatus: 2_00, cacheControl: -1.5e3 }`,
			`{"allowedHeaders":null,"cacheControl":-1500,"exposedHeaders":"X-A, X-B","hook":"preHandler","optionsSuccessStatus":200,"origin":true}`},
		{`{ origin: '\x41\u0042\u{43}\'\n<&>', methods: "GET" }`, `{"methods":"GET","origin":"ABC'\n<&>"}`},
		{`{ origin: /[/]a\/b/gy }`, `{"origin":{"flags":"gy","regexp":"[/]a\\/b"}}`},
		{"{ origin: (origin, cb) => cb(null, true) }", "error: origin (line 1, column 11): a function"},
		{"{ origin: function (o, cb) {} }", "error: origin (line 1, column 11): a function"},
		{"{ origin: o => true }", "error: origin (line 1, column 11): a function"},
		{"{\n  origin: allowedOrigins,\n}", "error: origin (line 2, column 11): `allowedOrigins` is a variable"},
		{"{ origin: process.env.ORIGIN }", "error: origin (line 1, column 11): `process` is a variable"},
		{"{ origin: 'a' + 'b' }", "error: origin (line 1, column 15): an expression"},
		{"{ origin: `https://${host}` }", "error: origin (line 1, column 20): a template literal with ${…}"},
		{"{ origin: new RegExp('a') }", "error: origin (line 1, column 11): new … is computed"},
		{"{ origin: undefined }", "error: origin (line 1, column 11): undefined has no JSON form"},
		{"{ origin }", "error: origin (line 1, column 10): a shorthand property"},
		{"{ ...defaults, origin: true }", "error: line 1, column 3: a spread"},
		{"{ origin(o, cb) {} }", "error: origin (line 1, column 9): a method"},
		{"{ delegator: (req, cb) => {} }", "error: delegator (line 1, column 3): a delegator is a function"},
		{"{ origins: ['https://a.example'] }", "error: origins (line 1, column 3): not an option of @fastify/cors"},
		{"{ origin: { regexp: 'a' } }", "error: origin (line 1, column 11): an object has no JSON form"},
		{"{ maxAge: 10n }", "error: maxAge (line 1, column 11): `10n` is not a number"},
		{"{ maxAge: 010 }", "error: maxAge (line 1, column 11): `010` is not a number"},
		{"{ origin: 'abc }", "error: origin (line 1, column 17): unterminated string"},
		{"{ origin: /abc }", "error: origin (line 1, column 11): unterminated regular expression"},
		{"{ origin: '\\1' }", "error: origin (line 1, column 13): an octal escape"},
		{"{ origin: [,'a'] }", "error: origin (line 1, column 12): an array hole"},
		{"{ origin: true } x", "error: line 1, column 18: unexpected text"},
		{"cors({ origin: true })", "error: line 1, column 1: expected fastify.register(cors, { ... })"},
		{"fastify.register(cors, opts)", "error: line 1, column 24: the options must be an object literal"},
		{"/* unterminated", "error: line 1, column 1: unterminated comment"},
	} {
		got, err := importOptions(tt.text)
		if want, isErr := strings.CutPrefix(tt.want, "error: "); isErr {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Import(%q) = %v, %v; want an error with %q", tt.text, got, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("Import(%q): %v", tt.text, err)
			continue
		}
		if b := jsonText(got); b != tt.want {
			t.Errorf("Import(%q) = %s, want %s", tt.text, b, tt.want)
		}
	}
}

// Export → Import gives options that answer alike; without a / in a
// RegExp they are the same JSON.
func TestExportImport(t *testing.T) {
	reqs := []message.Request{req("GET", "https://a.example"), req("GET", "https://b/c"), req("OPTIONS", "https://a.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x"), req("OPTIONS", "")}
	for _, o := range []string{
		`{}`,
		`{"origin": ["https://a.example", {"regexp": "^https://[a-z]+\\.example$", "flags": "i"}, {"regexp": ""}], "credentials": true, "maxAge": 1.5, "cacheControl": 60}`,
		`{"origin": {"regexp": "b/c[/]\n\\\n\u2028"}, "methods": ["GET", "PUT"], "exposedHeaders": "it's \\ \"x\" \u0001 \u00e9"}`,
		`{"origin": "*", "allowedHeaders": null, "preflightContinue": true, "optionsSuccessStatus": 200, "preflight": false, "strictPreflight": false, "hideOptionsRoute": false, "hook": "preHandler", "logLevel": "warn"}`,
		`{"origin": null, "maxAge": 1e21}`,
		`{"origin": false, "maxAge": -1}`,
	} {
		in := opts(t, o)
		code, err := export(in, "/r")
		if err != nil {
			t.Fatalf("export(%s): %v", o, err)
		}
		back, err := importOptions(code)
		if err != nil {
			t.Fatalf("import of export(%s): %v\n%s", o, err, code)
		}
		a, errA := newCors(in)
		b, errB := newCors(back)
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v; back %v", o, errA, errB)
		}
		for _, r := range reqs {
			if ra, rb := a.Respond(r), b.Respond(r); ra.Status != rb.Status || lines(ra) != lines(rb) {
				t.Errorf("%s and its round trip answer %v differently:\n%d %s\n%d %s", o, r, ra.Status, lines(ra), rb.Status, lines(rb))
			}
		}
		if !strings.Contains(o, "/") {
			x, _ := json.Marshal(in)
			y, _ := json.Marshal(back)
			var vx, vy any
			json.Unmarshal(x, &vx)
			json.Unmarshal(y, &vy)
			if bx, by := jsonText(vx), jsonText(vy); bx != by {
				t.Errorf("round trip of %s:\n got %s\n%s", bx, by, code)
			}
		}
	}
	if _, err := export(opts(t, `{"origin": 1}`), "/r"); err == nil {
		t.Error("export of options corsplay cannot read: no error")
	}
	if code, err := export(opts(t, `{"hook": "onSend"}`), "/r"); err != nil || !strings.Contains(code, "hook: 'onSend'") {
		t.Errorf("export of a refused configuration: %v\n%s", err, code)
	}
}

// jsonText is v as JSON, without HTML escapes.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(b.String())
}

// Import answers adversarial texts in bounded time.
func TestImportBounded(t *testing.T) {
	for _, s := range []string{strings.Repeat("register(", 20000), strings.Repeat("/**/", 50000) + "{}", "{ origin: " + strings.Repeat("[", 50000),
		"fastify.register(cors, { origin: '" + strings.Repeat("\\x41", 50000) + "' })", strings.Repeat("registe", 50000) + "register(cors)"} {
		start := time.Now()
		importOptions(s)
		if d := time.Since(start); d > time.Second {
			t.Errorf("Import of %q… took %v", s[:20], d)
		}
	}
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{`{}`, `fastify.register(cors, { origin: [/a\/b[/]/i, 'x'], maxAge: 1e3 })`, "{ origin: `a`, methods: ['GET',], /* c */ }",
		`{ origin: '\u{1F600}\uD83D\uDE00' }`, `register(a, register(b, {`, `{ origin: /[/ }`, "{ a: 1 }", "register(/*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		start := time.Now()
		out, err := importOptions(s)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Import took %v", d)
		}
		if err == nil {
			for k, v := range out {
				if !json.Valid(v) {
					t.Fatalf("%s: invalid JSON %q", k, v)
				}
			}
		}
	})
}

func BenchmarkRespond(b *testing.B) {
	c, err := newCors(opts(b, `{"origin": ["https://app.example.com", {"regexp": "^https://[a-z0-9-]+\\.example\\.com$", "flags": "i"}], "credentials": true, "methods": ["GET", "PUT", "DELETE"], "allowedHeaders": ["Content-Type", "Authorization"], "exposedHeaders": ["X-Total"], "maxAge": 600}`))
	if err != nil {
		b.Fatal(err)
	}
	pre := req("OPTIONS", "https://api.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type, authorization")
	get := req("GET", "https://api.example.com")
	b.ReportAllocs()
	for b.Loop() {
		c.Respond(pre)
		c.Respond(get)
	}
}
