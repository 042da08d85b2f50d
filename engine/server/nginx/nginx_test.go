package nginx_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/message"
	"corsplay/engine/server"
)

func lib(t testing.TB) *server.Library {
	l, ok := server.Lookup("nginx", "")
	if !ok {
		t.Fatal("nginx is not registered")
	}
	return l
}

func opts(text string) map[string]json.RawMessage {
	b, _ := json.Marshal(text)
	return map[string]json.RawMessage{"config": b}
}

func answer(t testing.TB, text string, method string, hs ...string) string {
	t.Helper()
	em, err := lib(t).New(opts(text))
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	req := message.Request{Method: method, URL: "https://api.example.com/r"}
	for i := 0; i+1 < len(hs); i += 2 {
		req.Headers = append(req.Headers, message.Header{Name: hs[i], Value: hs[i+1]})
	}
	r := em.Respond(req)
	out := []string{itoa(r.Status)}
	for _, h := range r.Headers {
		out = append(out, h.Name+": "+h.Value)
	}
	return strings.Join(out, " | ")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestAnswers: the quirks the Quirks list states, each on a small text
// (libtest proves them against nginx itself).
func TestAnswers(t *testing.T) {
	const o = "Origin"
	for _, tt := range []struct {
		text, method string
		hs           []string
		want         string
	}{
		{`add_header A a; if ($request_method = OPTIONS) { add_header B b; return 204; }`, "OPTIONS", nil, "204 | B: b"},
		{`add_header A a; if ($request_method = OPTIONS) { return 204; }`, "OPTIONS", nil, "204 | A: a"},
		{`add_header A a; add_header B b always; return 403;`, "GET", nil, "403 | Content-Type: text/html | Content-Length: 153 | B: b"},
		{`map $http_origin $c { default ""; https://A.example.com $http_origin; } add_header ACAO $c;`, "GET", []string{o, "https://a.example.com"}, "200 | Content-Type: text/plain | Content-Length: 2 | ACAO: https://a.example.com"},
		{`map $http_origin $c { default ""; https://a.example.com $http_origin; } add_header ACAO $c;`, "GET", []string{o, "https://b.example.com"}, "200 | Content-Type: text/plain | Content-Length: 2"},
		{`if ($http_origin ~ a.example.com) { add_header ACAO $http_origin; }`, "GET", []string{o, "https://aXexample.com.evil"}, "200 | Content-Type: text/plain | Content-Length: 2 | ACAO: https://aXexample.com.evil"},
		{`add_header ACAO $http_origin;`, "GET", []string{o, "https://x", o, "https://y"}, "200 | Content-Type: text/plain | Content-Length: 2 | ACAO: https://x"},
		{`add_header A a always;`, "patch", nil, "400 | Content-Type: text/html | Content-Length: 157"},
		{`add_header A a always;`, "M1", nil, "400 | Content-Type: text/html | Content-Length: 157"},
		{`add_header A a always;`, "TRACE", nil, "405 | Content-Type: text/html | Content-Length: 157"},
		{`add_header A a always;`, "M-X_Y", nil, "200 | Content-Type: text/plain | Content-Length: 2 | A: a"},
		{`return 200;`, "GET", nil, "200 | Content-Type: text/plain | Content-Length: 0"},
		{`return 404 "";`, "GET", nil, "404 | Content-Type: text/html | Content-Length: 153"},
		{`return 404 "$http_x";`, "GET", nil, "404 | Content-Type: text/plain | Content-Length: 0"},
		{`return 418;`, "GET", nil, "418 | Content-Length: 0"},
		{`return https://$host/x;`, "GET", nil, "302 | Content-Type: text/html | Content-Length: 145 | Location: https://api.example.com/x"},
		{`set $a "x${http_origin}y"; add_header A $a;`, "GET", nil, "200 | Content-Type: text/plain | Content-Length: 2 | A: xy"},
		{`if ($http_origin ~* "^HTTPS://(A)") { set $c $1; } add_header C "[$c][$1]";`, "GET", []string{o, "https://a.b"}, "200 | Content-Type: text/plain | Content-Length: 2 | C: [a][a]"},
	} {
		if got := answer(t, tt.text, tt.method, tt.hs...); got != tt.want {
			t.Errorf("%s\n  %s %q:\n  got  %s\n  want %s", tt.text, tt.method, tt.hs, got, tt.want)
		}
	}
}

// TestRefusals: what nginx refuses is a *server.ConfigError in its words;
// what corsplay does not emulate is an *server.OptionError naming the
// directive and its line.
func TestRefusals(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"add_header X $cors;", `nginx refuses this configuration: [emerg] unknown "cors" variable`},
		{"add_header X;", `nginx refuses this configuration: [emerg] invalid number of arguments in "add_header" directive in line 1`},
		{"\n\nif ($http_origin ~ \"(\") { return 204; }", `nginx refuses this configuration: [emerg] pcre2_compile() failed: missing closing parenthesis in "(" in line 3`},
		{"if ($request_method = OPTIONS) { if ($a) { } }", `nginx refuses this configuration: [emerg] "if" directive is not allowed here in line 1`},
		{"add_header X y", `nginx refuses this configuration: [emerg] unexpected end of file, expecting ";" or "}"`},
		{"if ($a) {", `nginx refuses this configuration: [emerg] unexpected end of file, expecting "}"`},
		{`add_header X "a"b;`, `nginx refuses this configuration: [emerg] unexpected "b" in line 1`},
		{"set $host x;", `nginx refuses this configuration: [emerg] the duplicate "host" variable in line 1`},
		{`if ($http_origin ~ "(?<scheme>.+)") { }`, `nginx refuses this configuration: [emerg] the duplicate "scheme" variable in line 1`},
		{"map $http_origin $x { default a; default b; }", `nginx refuses this configuration: [emerg] duplicate default map parameter in line 1`},
		{"map $http_origin $x { A 1; a 2; }", `nginx refuses this configuration: [emerg] conflicting parameter "a" in line 1`},
		{"add_header X y;\n\n\nproxy_pass http://backend;", `config: nginx: line 4: directive "proxy_pass" is outside what corsplay emulates: it reads add_header, if, set, return and map`},
		{"more_set_headers 'Access-Control-Allow-Origin: *';", "config: nginx: line 1: directive \"more_set_headers\" comes from the headers-more module"},
		{"location /api { add_header X y; }", `config: nginx: line 1: directive "location": paste the inside of the location`},
		{"add_header X $remote_addr;", "config: nginx: line 1: the variable $remote_addr is nginx's, and outside what corsplay emulates"},
		{"return 444;", "config: nginx: line 1: return 444: corsplay emulates final statuses"},
		{"return 301 /elsewhere;", "config: nginx: line 1: return 301 /elsewhere: nginx makes the path absolute"},
		{"if (-f $request_filename) { return 204; }", "config: nginx: line 1: if (-f …) tests a file"},
		{"if ($http_origin ~ \"(?=a)\") { return 204; }", "config: nginx: line 1: the regular expression \"(?=a)\": \"(?=a)\" uses a lookaround"},
		{"} add_header X y;", `config: nginx: line 1: unexpected "}"`},
	} {
		_, err := lib(t).New(opts(tt.text))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: %v\n  want %s…", tt.text, err, tt.want)
		}
	}
	if _, err := lib(t).New(map[string]json.RawMessage{"config": json.RawMessage(`1`)}); err == nil || err.Error() != "config: 1 is not a string" {
		t.Errorf("a number: %v", err)
	}
	if _, err := lib(t).New(map[string]json.RawMessage{"conf": json.RawMessage(`""`)}); err == nil || !strings.HasPrefix(err.Error(), "conf: not an option") {
		t.Errorf("an unknown option: %v", err)
	}
}

// TestImportExport: Import keeps the text (a text nginx refuses too), and
// refuses what corsplay cannot read; Export wraps it, maps at http level;
// the round trip gives the text back.
func TestImportExport(t *testing.T) {
	l := lib(t)
	text := "map $http_origin $c {\n    default \"\";\n    ~^https://a\\.example\\.com$ $http_origin;\n}\nadd_header Access-Control-Allow-Origin $c always;\nif ($request_method = OPTIONS) {\n    return 204;\n}"
	got, err := l.Import(text)
	if err != nil || string(got["config"]) != string(opts(text)["config"]) {
		t.Fatalf("Import = %s, %v", got["config"], err)
	}
	prog, err := l.Export(got, "/r")
	if err != nil {
		t.Fatal(err)
	}
	http := strings.Index(prog, "http {")
	m := strings.Index(prog, "map $http_origin $c {")
	loc := strings.Index(prog, "location / {")
	add := strings.Index(prog, "add_header Access-Control-Allow-Origin $c always;")
	app := strings.Index(prog, `return 200 "ok";`)
	if !(http < m && m < loc && loc < add && add < app) || strings.Count(prog, "map $http_origin") != 1 {
		t.Errorf("the program does not put the map at http level and the rest in location /:\n%s", prog)
	}
	if _, err := l.Import("add_header X $nope;"); err != nil {
		t.Errorf("a text nginx refuses is imported (the emulation says so): %v", err)
	}
	var oe *server.OptionError
	if _, err := l.Import("proxy_pass http://x;"); !errors.As(err, &oe) || oe.Path != "config" {
		t.Errorf("Import of an unsupported directive: %v", err)
	}
	if _, err := l.Export(opts("proxy_pass http://x;"), "/r"); err == nil {
		t.Error("Export of an unsupported directive: no error")
	}
	if prog, err := l.Export(opts("add_header X $nope;"), "/r"); err != nil || !strings.Contains(prog, "$nope") {
		t.Errorf("Export of a text nginx refuses: %v", err)
	}
}

// TestSummarize: the dangerous snippet is "reflect"; listed origins are
// entries; credentials are read off add_header.
func TestSummarize(t *testing.T) {
	l := lib(t)
	s := l.Summarize(opts(`add_header Access-Control-Allow-Origin $http_origin always;
add_header Access-Control-Allow-Credentials true always;`))
	if s.AnyOrigin != "reflect" || !s.Credentials || s.AnyEntry != "add_header Access-Control-Allow-Origin $http_origin" {
		t.Errorf("reflect: %+v", s)
	}
	s = l.Summarize(opts(`map $http_origin $c { default ""; https://a.example.com $http_origin; "~^https://(.+\.)?b\.example$" $http_origin; ~evil ""; }
add_header Access-Control-Allow-Origin $c;
if ($http_origin = "https://c.example") { add_header X y; }`))
	var got []string
	for _, e := range s.Origins {
		got = append(got, e.Policy)
	}
	want := []string{"https://c.example", "https://a.example.com", `re:^https://(.+\.)?b\.example$`}
	if !slices.Equal(got, want) || s.AnyOrigin != "" || s.Credentials {
		t.Errorf("map: %+v, origins %q, want %q", s, got, want)
	}
	if s := l.Summarize(opts(`add_header Access-Control-Allow-Origin *;`)); s.AnyOrigin != "wildcard" {
		t.Errorf("wildcard: %+v", s)
	}
	if s := l.Summarize(opts(`add_header A a; if ($request_method = OPTIONS) { add_header B b; }`)); len(s.Notes) != 1 {
		t.Errorf("the if that drops the location's add_header: %+v", s)
	}
}

// TestLint: the lint sees the dangerous snippet through Summarize and the
// emulation (the engine's library rules have no ORIGIN-002 for a library
// of the registry: it says so as ORIGIN-004, null being reflected too).
func TestLint(t *testing.T) {
	s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/r", Credentials: engine.CredentialsInclude},
		Server: engine.Server{Library: &engine.Library{Name: "nginx", Options: opts(`add_header Access-Control-Allow-Origin $http_origin always;
add_header Access-Control-Allow-Credentials true always;`)}}}
	found := false
	var ids []string
	for _, f := range engine.Lint(s) {
		ids = append(ids, f.ID+" "+f.Severity)
		found = found || f.ID == "ORIGIN-002"
		t.Logf("%s %s: %s | %s", f.ID, f.Severity, f.Title, f.Detail)
	}
	if !found {
		t.Errorf("the reflecting snippet with credentials: findings %q, want ORIGIN-004 (danger) saying it reflects every origin", ids)
	}
}

func FuzzConfig(f *testing.F) {
	for _, s := range []string{`map $http_origin $c { default ""; ~a $1; } add_header A $c always;`,
		`if ($http_origin ~* "^https://(a|b)") { set $x $1; return 204 "$x"; }`, `add_header "a\"b" 'c' always; # x`, `if ( $a != "b" ) { }`} {
		f.Add(s)
	}
	l, _ := server.Lookup("nginx", "")
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		em, err := l.New(opts(s))
		if err == nil {
			em.Respond(message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://a.example.com"}}})
			l.Summarize(opts(s))
			if _, err := l.Export(opts(s), "/r"); err != nil {
				t.Errorf("Export of a text New accepts: %v", err)
			}
		}
		l.Import(s)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%q took %v", s, d)
		}
	})
}

func BenchmarkRespond(b *testing.B) {
	em, err := lib(b).New(opts(`map $http_origin $cors_origin {
    default "";
    "~^https://(.+\.)?example\.com$" $http_origin;
}
add_header Access-Control-Allow-Origin $cors_origin always;
add_header Access-Control-Allow-Credentials true always;
add_header Vary Origin always;
if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin $cors_origin always;
    add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE" always;
    add_header Access-Control-Allow-Headers "Authorization, Content-Type" always;
    add_header Access-Control-Max-Age 600 always;
    return 204;
}`))
	if err != nil {
		b.Fatal(err)
	}
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://app.example.com"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}
	get := message.Request{Method: "GET", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: "https://app.example.com"}}}
	for b.Loop() {
		em.Respond(pre)
		em.Respond(get)
	}
}
