package flaskcors

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
)

// The answers below are the real Flask-CORS 6.0.2's (Flask 2.2 test client
// and libtest/flaskcors6_test.go's transcripts): libtest proves the rest.

var v602 = &version{number: "6.0.2", privateNetwork: true}

func opts(t testing.TB, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

func req(method, path string, headers ...string) message.Request {
	r := message.Request{Method: method, URL: "https://api.example.com" + path}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		r.Headers = append(r.Headers, message.Header{Name: name, Value: value})
	}
	return r
}

func TestRespond(t *testing.T) {
	const (
		acao    = "Access-Control-Allow-Origin: https://a.example"
		methods = "Access-Control-Allow-Methods: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
		vary    = "Vary: Origin"
		pna     = "Access-Control-Request-Private-Network: true"
	)
	three := `{"origins": ["https://a.example", "https://b.example"], "expose_headers": ["X-B", "X-A"], "supports_credentials": true, "max_age": 5}`
	for _, c := range []struct {
		name, options string
		req           message.Request
		status        int
		want          []string // in order
	}{
		{"preflight, private network asked", three, req("OPTIONS", "/r", "Origin: https://a.example", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: x-b, Authorization", pna), 200,
			[]string{acao, "Access-Control-Expose-Headers: X-A, X-B", "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Private-Network: false",
				"Access-Control-Allow-Headers: Authorization, x-b", "Access-Control-Max-Age: 5", methods, vary}},
		{"no Origin: the first literal", three, req("GET", "/r", pna), 200,
			[]string{acao, "Access-Control-Expose-Headers: X-A, X-B", "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Private-Network: false", vary}},
		{"private network allowed, on GET", `{"allow_private_network": true}`, req("GET", "/r", "Origin: https://a.example", pna), 200,
			[]string{acao, "Access-Control-Allow-Private-Network: true", vary}},
		{"private network asked with TRUE", `{"allow_private_network": true}`, req("GET", "/r", "Origin: https://a.example", "Access-Control-Request-Private-Network: TRUE"), 200,
			[]string{acao, vary}},
		{"default reflects", `{}`, req("GET", "/r", "Origin: https://evil.example"), 200,
			[]string{"Access-Control-Allow-Origin: https://evil.example", vary}},
		{"unanchored regex", `{"origins": ["https://.*\\.example\\.com"]}`, req("GET", "/r", "Origin: https://a.example.com.evil.net"), 200,
			[]string{"Access-Control-Allow-Origin: https://a.example.com.evil.net", vary}},
		{"glob is a regex", `{"origins": ["https://*.example.com"]}`, req("GET", "/r", "Origin: https://sub.example.com"), 200, nil},
		{"one literal: no Vary", `{"origins": "https://a.example"}`, req("GET", "/r", "Origin: https://A.example"), 200,
			[]string{"Access-Control-Allow-Origin: https://A.example"}},
		{"method substring", `{}`, req("OPTIONS", "/r", "Origin: https://a.example", "Access-Control-Request-Method: ATC"), 200,
			[]string{acao, methods, vary}},
		{"static route", `{}`, req("GET", "/static/app.js", "Origin: https://a.example"), 404, []string{acao, vary}},
		{"405 still gets headers", `{}`, req("BREW", "/r", "Origin: https://a.example"), 405, []string{acao, vary}},
		{"resources glob covers /apiary", `{"resources": {"/api/*": {"origins": "https://a.example"}}}`, req("GET", "/apiary", "Origin: https://a.example"), 200, []string{acao}},
		{"resources literal first", `{"resources": {"/.*": {"origins": "https://b.example"}, "/r": {"origins": "https://a.example"}}}`, req("GET", "/r", "Origin: https://a.example"), 200, []string{acao}},
	} {
		em, err := v602.new(opts(t, c.options))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		resp := em.Respond(c.req)
		var got []string
		for _, h := range resp.Headers {
			got = append(got, h.Name+": "+h.Value)
		}
		if resp.Status != c.status || !slices.Equal(got, c.want) {
			t.Errorf("%s: got %d %q, want %d %q", c.name, resp.Status, got, c.status, c.want)
		}
	}
}

func TestConfiguration(t *testing.T) {
	for _, c := range []struct {
		options string
		config  string   // the library's exception text
		path    string   // the OptionError's path
		warn    []string // what the library logs
	}{
		{options: `{"send_wildcard": true, "supports_credentials": true}`, config: "Cannot use supports_credentials in conjunction withan origin string of '*'. See: http://www.w3.org/TR/cors/#resource-requests"},
		{options: `{"methods": null}`, config: "'NoneType' object has no attribute 'upper'"},
		{options: `{"resources": 5}`, config: "Unexpected value for resources argument."},
		{options: `{"app": 1}`, config: "CORS.__init__() got multiple values for argument 'app'"},
		{options: `{"origins": null}`, path: "origins"},
		{options: `{"origins": [1]}`, path: "origins"},
		{options: `{"origins": ["(?=a)"]}`, path: "origins[0]"},
		{options: `{"resources": {"/r": {"allow_headers": ["(?<=a)"]}}}`, path: `resources["/r"].allow_headers[0]`},
		{options: `{"resources": {"/r": 1}}`, path: `resources["/r"]`},
		{options: `{"max_age": [1]}`, path: "max_age"},
		{options: `{"expose_headers": "é"}`, path: "expose_headers"},
		{options: `{"allow_private_network": true, "headers": 1}`, warn: []string{"Unknown option passed to Flask-CORS: headers", "Unknown option passed to Flask-CORS: headers"}},
		{options: `{"resources": {"/a": {"x": 1}, "/b": {}}, "y": 2}`, warn: []string{"Unknown option passed to Flask-CORS: y", "Unknown option passed to Flask-CORS: y",
			"Unknown option passed to Flask-CORS: x", "Unknown option passed to Flask-CORS: y"}},
	} {
		em, err := v602.new(opts(t, c.options))
		var ce *server.ConfigError
		var oe *server.OptionError
		switch {
		case c.config != "":
			if !errors.As(err, &ce) || ce.Message != c.config {
				t.Errorf("%s: got %v, want the ConfigError %q", c.options, err, c.config)
			}
		case c.path != "":
			if !errors.As(err, &oe) || oe.Path != c.path {
				t.Errorf("%s: got %v, want an OptionError at %s", c.options, err, c.path)
			}
		case err != nil:
			t.Errorf("%s: %v", c.options, err)
		case !slices.Equal(em.Warnings(), c.warn):
			t.Errorf("%s: warnings %q, want %q", c.options, em.Warnings(), c.warn)
		}
	}
}

func TestRegistered(t *testing.T) {
	if l, ok := server.Lookup(Name, ""); !ok || l.Version != "3.0.10" || slices.ContainsFunc(l.Options, func(o server.Option) bool { return o.Name == "allow_private_network" }) ||
		slices.Contains(l.Fixer.Options, "allow_private_network") {
		t.Errorf("flask-cors's default: %+v; want 3.0.10, without allow_private_network", l)
	}
	l, ok := server.Lookup(Name, "6.0.2")
	if !ok || l.Default {
		t.Fatalf("flask-cors 6.0.2: registered %v, default %v; want registered, not the default", ok, ok && l.Default)
	}
	if !slices.ContainsFunc(l.Options, func(o server.Option) bool { return o.Name == "allow_private_network" && o.Default == "False" }) {
		t.Error("allow_private_network is not among the options, with its default False")
	}
	for _, o := range l.Options {
		if !v602.known(o.Name) || o.Doc == "" || o.Default == "" || o.Type == "" {
			t.Errorf("option %+v", o)
		}
	}
	if len(l.Quirks) < 8 || l.New == nil || l.Export == nil || l.Import == nil || l.Summarize == nil {
		t.Errorf("library %+v is incomplete", l)
	}
}

func TestSummarize(t *testing.T) {
	s := v602.summarize(opts(t, `{"origins": ["https://A.example", "^https://.*\\.b\\.example$", "(bad"], "supports_credentials": 1, "resources": {"/api/.*": {}, "/x": {}}}`))
	want := []server.Entry{{Written: "https://A.example", Policy: "https://a.example"},
		{Written: `^https://.*\.b\.example$`, Policy: `re:(?i)^(?:^https://.*\.b\.example$)`, Regex: true},
		{Written: "(bad", Regex: true}} // re rejects it: no policy entry
	if !reflect.DeepEqual(s.Origins, want) {
		t.Errorf("origins %+v, want %+v", s.Origins, want)
	}
	// The literal path /x first, the invalid entry, the method substring.
	if !s.Credentials || s.AnyOrigin != "" || len(s.Notes) != 4 || !strings.Contains(s.Notes[1], `the policy uses the options of "/x"`) {
		t.Errorf("summary %+v", s)
	}
	if !reflect.DeepEqual(s.RequestHeaders, []string{"*"}) || s.PreflightStatus != 200 || len(s.Methods) != 7 || s.NoVary != "" {
		t.Errorf("summary %+v: want every header echoed, Flask's 200, ALL_METHODS and Vary: Origin", s)
	}
	s = v602.summarize(opts(t, `{"supports_credentials": true}`))
	if s.AnyOrigin != "reflect" || s.AnyEntry != "" || !s.Credentials || len(s.Origins) != 0 {
		t.Errorf("default summary %+v", s)
	}
	if s = v602.summarize(opts(t, `{"origins": ".*", "send_wildcard": true}`)); s.AnyOrigin != "wildcard" || s.AnyEntry != `".*"` {
		t.Errorf(".* summary %+v", s)
	}
	// One literal origin gets no Vary: Origin; "*" in methods is no
	// wildcard; a regex in allow_headers is left out; "*" in allow_headers
	// does not cover Authorization without credentials.
	s = v602.summarize(opts(t, `{"origins": "https://a.example", "methods": ["get", "*"], "allow_headers": ["X-Token", "X-.*"], "expose_headers": "X-Total, bad name", "max_age": 600}`))
	if s.NoVary == "" || !strings.HasPrefix(s.VaryFix, "Keep vary_header on") || !reflect.DeepEqual(s.Methods, []string{"GET"}) ||
		!reflect.DeepEqual(s.RequestHeaders, []string{"X-Token"}) || !reflect.DeepEqual(s.ExposeHeaders, []string{"X-Total"}) || s.MaxAge == nil || *s.MaxAge != 600 {
		t.Errorf("summary %+v", s)
	}
	for _, n := range []string{`methods "*" is no wildcard`, "a HEAD or POST request with a custom header", `allow_headers "X-.*"`, `expose_headers: "bad name"`} {
		if !slices.ContainsFunc(s.Notes, func(x string) bool { return strings.Contains(x, n) }) {
			t.Errorf("no note says %q: %q", n, s.Notes)
		}
	}
	// With the request's URL, the resource cors_after_request picks.
	c, err := v602.new(opts(t, `{"origins": "https://a.example", "resources": {"/api/.*": {"origins": "https://b.example"}, "/x": {}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s = c.SummaryAt("https://api.example.com/api/1"); len(s.Origins) != 1 || s.Origins[0].Written != "https://b.example" || len(s.Notes) != 1 {
		t.Errorf("/api/1: %+v, want b.example's options and only the method note", s)
	}
	if s = c.SummaryAt("https://api.example.com/y"); len(s.Origins) != 0 || s.PreflightStatus != 0 || len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0], "No resources pattern matches the path /y") {
		t.Errorf("/y: %+v, want nothing allowed", s)
	}
	s = v602.summarize(opts(t, `{"origins": ["https://a.example", "https://b.example"], "vary_header": false, "max_age": "1.5"}`))
	if !strings.HasPrefix(s.VaryFix, "Remove vary_header=False") || s.MaxAge != nil || !reflect.DeepEqual(s.RequestHeaders, []string{"*", "Authorization"}) {
		t.Errorf("summary %+v", s)
	}
}

func TestImport(t *testing.T) {
	for _, c := range []struct{ text, want, err string }{
		{text: `CORS(app, origins=["https://a.example"], supports_credentials=True, resources={r"/api/*": {"origins": "*"}})`,
			want: `{"origins": ["https://a.example"], "supports_credentials": true, "resources": {"/api/*": {"origins": "*"}}}`},
		{text: "@cross_origin(origins='https://a.example', max_age=timedelta(minutes=10))\ndef view(): pass", want: `{"origins": "https://a.example", "max_age": "600"}`},
		{text: `CORS(app, methods={"GET", "GET"}, max_age=-0x10, allow_headers=("a",), expose_headers=("a"))`, want: `{"methods": ["GET"], "max_age": -16, "allow_headers": ["a"], "expose_headers": "a"}`},
		{text: `CORS(app, origins=ORIGINS)`, err: "line 1, column 19: origins: ORIGINS is a name"},
		{text: "CORS_ORIGINS = ['https://a.example']\nCORS(app, origins=['https://a.example'])", want: `{"origins": ["https://a.example"]}`},
		{text: "app.config.update(CORS_SUPPORTS_CREDENTIALS=True)\nCORS(app)", err: "line 1, column 19: the app setting CORS_SUPPORTS_CREDENTIALS is not read"},
		{text: "app.config.update({'CORS_ORIGINS': '*'})\nCORS(app)", err: "line 1, column 20: the app setting CORS_ORIGINS is not read"},
		{text: "CORS(app, CORS_ORIGINS='https://a.example', **{'CORS_MAX_AGE': 5}, origins=['CORS_X'], resources={'CORS_Y': {}})", want: `{"CORS_ORIGINS": "https://a.example", "CORS_MAX_AGE": 5, "origins": ["CORS_X"], "resources": {"CORS_Y": {}}}`},
		{text: "CORS(app, origins=f(CORS_ORIGINS=1))", err: "line 1, column 19"},
		{text: "CORS(app)\napp.config.update(CORS_ORIGINS='*')", err: "line 2, column 19: the app setting CORS_ORIGINS is not read"},
		{text: "CORS(app,\n    resources={'/r': {'origins': allowed}})", err: `line 2, column 34: resources["/r"]["origins"]: allowed is a name`},
		{text: `CORS(app, origins="a`, err: "line 1, column 19: unterminated string literal"},
		{text: `CORS(app, origins=` + strings.Repeat("[", 60) + strings.Repeat("]", 60) + `)`, err: "nested too deeply"},
	} {
		got, err := v602.importText(c.text)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Import(%q) = %v, want an error with %q", c.text, err, c.err)
			}
			continue
		}
		if err != nil || !sameJSON(t, got, opts(t, c.want)) {
			t.Errorf("Import(%q) = %s, %v; want %s", c.text, marshal(got), err, c.want)
		}
	}
}

func marshal(m map[string]json.RawMessage) string { b, _ := json.Marshal(m); return string(b) }

func sameJSON(t *testing.T, a, b map[string]json.RawMessage) bool {
	var x, y any
	json.Unmarshal([]byte(marshal(a)), &x)
	json.Unmarshal([]byte(marshal(b)), &y)
	return reflect.DeepEqual(x, y)
}

// TestExportImport: Import reads back what Export writes.
func TestExportImport(t *testing.T) {
	for _, o := range []string{
		`{}`,
		`{"origins": ["^https://[a-z]+\\.example\\.com$", "https://a\"b", "tab\tnew\nline\\", "é\u2028😀"], "max_age": 1.5e300, "vary_header": -0}`,
		`{"resources": {"/api/*": {"max_age": 1.5, "origins": []}, "*": {}}, "methods": "GET", "expose_headers": null, "x-y": [true, false, {}]}`,
		`{"app": null, "class": 1, "allow_private_network": "yes", "always_send": 12345678901234567890}`,
	} {
		in := opts(t, o)
		code, err := v602.export(in, "/r")
		if err != nil {
			t.Fatalf("Export(%s): %v", o, err)
		}
		got, err := v602.importText(code)
		if err != nil || !sameJSON(t, got, in) {
			t.Errorf("Import(Export(%s)) = %s, %v\n%s", o, marshal(got), err, code)
		}
	}
}

// TestImportBounded: the largest texts Import takes are read in linear
// time, however they are built (about 0.1 s each on an idle machine; a
// quadratic step would take minutes).
func TestImportBounded(t *testing.T) {
	for _, unit := range []string{"'a' ", "{1,", "[", "{'a':1,", "x=1,", "# c\n", "(1,", "timedelta(1,", "'\\x41'", "\"\"\"\n"} {
		text := "CORS(app, origins=" + strings.Repeat(unit, (maxImport-40)/len(unit)) + ")"
		start := time.Now()
		_, err := v602.importText(text)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%q × %d: %v (%v)", unit, len(text)/len(unit), d, err)
		}
	}
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{`CORS(app, origins=["a", 'b'], max_age=timedelta(0, 5), **{"x": {1, 2}})`, `@cross_origin(a=r"\d", b=0x_1, c=1_0.5e-3j)`,
		`CORS(app, o="""x\N{y}""", p=(1,), q={}, r={"a": [(("b"))]}`, "CORS(\\\n app, a=-1.)", `CORS(app, a=b'x' f"{y}")`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		got, err := v602.importText(text)
		if time.Since(start) > time.Second {
			t.Fatalf("Import took %v", time.Since(start))
		}
		if err == nil {
			for k, v := range got {
				if !json.Valid(v) {
					t.Fatalf("option %s: invalid JSON %s", k, v)
				}
			}
		}
	})
}

func BenchmarkRespond(b *testing.B) {
	em, err := v602.new(opts(b, `{"origins": ["https://app.example.com", "^https://[a-z]+\\.example\\.net$"], "supports_credentials": true, "allow_headers": ["Content-Type", "X-.*"], "max_age": 600, "resources": {"/api/.*": {}, "/r": {"allow_private_network": true}}}`))
	if err != nil {
		b.Fatal(err)
	}
	pre := req("OPTIONS", "/api/items", "Origin: https://a.example.net", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type, x-token, authorization")
	act := req("GET", "/api/items", "Origin: https://app.example.com")
	b.ReportAllocs()
	for b.Loop() {
		em.Respond(pre)
		em.Respond(act)
	}
}
