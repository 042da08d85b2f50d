package apache_test

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

func lib(t testing.TB) *server.Library {
	l, ok := server.Lookup("apache", "")
	if !ok {
		t.Fatal("apache is not registered")
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

const ok = "Content-Length: 2 | Content-Type: text/plain"

// TestAnswers: the quirks the Quirks list states, each on a small text
// (libtest proves them against httpd itself).
func TestAnswers(t *testing.T) {
	const o = "Origin"
	pre := "RewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^(.*)$ $1 "
	for _, tt := range []struct {
		text, method string
		hs           []string
		want         string
	}{
		{"Header set A a\nHeader always set B b\n" + pre + "[R=200,L]", "OPTIONS", nil, "200 | B: b | Content-Length: 533 | Content-Type: text/html; charset=iso-8859-1"},
		{"Header set A a\nHeader always set B b\n" + pre + "[R=204,L]", "OPTIONS", nil, "204 | B: b"},
		{"Header set A a\nHeader always set B b\n" + pre + "[R=204,L]", "GET", nil, "200 | B: b | A: a | " + ok},
		{"Header always set ACAO *\nHeader set ACAO https://a", "GET", nil, "200 | ACAO: * | ACAO: https://a | " + ok},
		{`SetEnvIf Origin "a.example.com" O=$0` + "\nHeader set ACAO %{O}e env=O", "GET", []string{o, "https://a.example.com.evil"}, "200 | ACAO: a.example.com | " + ok},
		{`SetEnvIf Origin "https://a\.example\.com" O=$0` + "\nHeader set ACAO %{O}e env=O", "GET", []string{o, "https://a.example.com"}, "200 | ACAO: $0 | " + ok},
		{"Header set ACAO %{NOPE}e", "GET", nil, "200 | ACAO: (null) | " + ok},
		{"Header set ACAO %{HTTP_ORIGIN}e env=HTTP_ORIGIN", "GET", []string{o, "https://a"}, "200 | " + ok},
		{`SetEnvIf Origin "^(.*)$" O=$1` + "\nHeader set ACAO %{O}e", "GET", []string{o, "https://x", o, "https://y"}, "200 | ACAO: https://x, https://y | " + ok},
		{`<If "%{HTTP:Origin} == 'x'">` + "\nHeader set X y\n</If>", "GET", nil, "200 | Vary: Origin | " + ok},
		{"RewriteEngine On\nRewriteCond %{HTTP:Origin} .\nRewriteRule ^ - [E=A:1]\nHeader merge Vary origin", "GET", []string{o, "https://a"}, "200 | Vary: Origin | " + ok},
		{"Header always set Vary Accept\nHeader add vary \"Origin, accept\"", "GET", nil, "200 | Vary: Accept,Origin | " + ok},
		{pre + "[R=204]", "options", nil, "200 | " + ok},
		{"Header echo ^Orig\nHeader always echo ^X-", "GET", []string{o, "a", "X-Y", "b"}, "200 | X-Y: b | Origin: a | " + ok},
		{"<IfModule mod_alias.c>\nRedirect 301 /r /x\n</IfModule>\nHeader set A a", "GET", nil, "200 | A: a | " + ok},
	} {
		if got := answer(t, tt.text, tt.method, tt.hs...); got != tt.want {
			t.Errorf("%s\n  %s %q:\n  got  %s\n  want %s", tt.text, tt.method, tt.hs, got, tt.want)
		}
	}
}

// TestRefusals: what httpd refuses is a *server.ConfigError in its words;
// what corsplay does not emulate is an *server.OptionError naming the
// directive and its line.
func TestRefusals(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"Header always", "apache refuses this configuration: AH00526: Syntax error on line 1: first argument must be 'add'"},
		{"Header set X", "apache refuses this configuration: AH00526: Syntax error on line 1: Header requires three arguments"},
		{"\nHeader set X y z", "apache refuses this configuration: AH00526: Syntax error on line 2: Unknown parameter: z"},
		{"Header set X %{A}x", "apache refuses this configuration: AH00526: Syntax error on line 1: Unrecognized header format %x"},
		{`SetEnvIf Origin "(a" X`, "apache refuses this configuration: AH00526: Syntax error on line 1: SetEnvIf regex could not be compiled."},
		{"SetEnvIfNoCase Origin", "apache refuses this configuration: AH00526: Syntax error on line 1: Missing regular expression for SetEnvIfNoCase"},
		{"RewriteRule ^ - [R=299]", "apache refuses this configuration: AH00526: Syntax error on line 1: RewriteRule: invalid HTTP response code '299' for flag 'R'"},
		{"RewriteRule ^ - [Q]", "apache refuses this configuration: AH00526: Syntax error on line 1: RewriteRule: unknown flag 'Q'"},
		{"RewriteEngine maybe", "apache refuses this configuration: AH00526: Syntax error on line 1: RewriteEngine must be On or Off"},
		{"<If \"%{HTTP_ORIGIN} == 'x'\">\n</If>", "apache refuses this configuration: AH00526: Syntax error on line 1: Cannot parse condition clause: Variable 'HTTP_ORIGIN' does not exist"},
		{"<Else>\n</Else>", "apache refuses this configuration: AH00526: Syntax error on line 1: <Else> or <ElseIf> section without previous"},
		{"Header set A a\nProxyPass / http://backend/", `config: Apache: line 2: directive "ProxyPass" is outside what corsplay emulates`},
		{"<Location /api>\n</Location>", "config: Apache: line 1: the section <Location> is outside what corsplay emulates"},
		{"RewriteEngine On\nRewriteRule ^(.*)$ /index.php [L]", "config: Apache: line 2: RewriteRule ^(.*)$ /index.php: corsplay emulates rules that answer"},
		{"RewriteRule ^ https://x/ [R=301,L]", "config: Apache: line 1: RewriteRule … [R=301]"},
		{`Header set ACAO "%{Origin}i"`, "config: Apache: line 1: %i in a Header value"},
		{`Header set X "a\tb"`, "config: Apache: line 1: a backslash in a Header value"},
		{"Header set Content-Type text/html", "config: Apache: line 1: Header set Content-Type: httpd writes that line itself"},
		{"RewriteCond %{REMOTE_ADDR} ^10\\.\nRewriteRule ^ - [F]", "config: Apache: line 1: %{REMOTE_ADDR} is outside what corsplay emulates"},
		{"<If \"%{REQUEST_METHOD} -eq 1\">\n</If>", "config: Apache: line 1: corsplay cannot read this <If> condition"},
		{"SetEnv A b", `config: Apache: line 1: directive "SetEnv" is outside what corsplay emulates`},
	} {
		_, err := lib(t).New(opts(tt.text))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: %v\n  want %s…", tt.text, err, tt.want)
		}
	}
}

// TestImportExport: Import keeps the text (a text httpd refuses too) and
// refuses what corsplay cannot read; Export wraps it in <Directory>.
func TestImportExport(t *testing.T) {
	l := lib(t)
	text := "<IfModule mod_headers.c>\n    SetEnvIf Origin \"^https://a\\.example\\.com$\" ORIGIN=$0\n    Header always set Access-Control-Allow-Origin %{ORIGIN}e env=ORIGIN\n</IfModule>"
	got, err := l.Import(text)
	if err != nil || string(got["config"]) != string(opts(text)["config"]) {
		t.Fatalf("Import = %s, %v", got["config"], err)
	}
	prog, err := l.Export(got, "/r")
	if err != nil {
		t.Fatal(err)
	}
	dir, set, end := strings.Index(prog, "<Directory htdocs>"), strings.Index(prog, "    SetEnvIf Origin"), strings.Index(prog, "</Directory>")
	if !(dir > 0 && dir < set && set < end) || !strings.Contains(prog, "LuaMapHandler ^/ app.lua handle") {
		t.Errorf("the program does not hold the text in <Directory>:\n%s", prog)
	}
	if _, err := l.Import("Header always"); err != nil {
		t.Errorf("a text httpd refuses is imported (the emulation says so): %v", err)
	}
	var oe *server.OptionError
	if _, err := l.Import("ProxyPass / http://x/"); !errors.As(err, &oe) || oe.Path != "config" {
		t.Errorf("Import of an unsupported directive: %v", err)
	}
}

// TestSummarize: reflecting is "reflect" whatever its spelling; the
// patterns compared with the Origin are entries, in the policy's syntax.
func TestSummarize(t *testing.T) {
	l := lib(t)
	s := l.Summarize(opts("SetEnvIf Origin \"^(.*)$\" O=$1\nHeader always set Access-Control-Allow-Origin %{O}e\nHeader always set Access-Control-Allow-Credentials true"))
	if s.AnyOrigin != "reflect" || !s.Credentials || s.AnyEntry != "Header always set Access-Control-Allow-Origin %{O}e" {
		t.Errorf("reflect: %+v", s)
	}
	s = l.Summarize(opts(`SetEnvIfNoCase Origin "^https://(a|b)\.example\.com$" O=$0
SetEnvIf Origin "https://c\.example" P=$0
RewriteEngine On
RewriteCond %{HTTP:Origin} =https://d.example
RewriteRule ^ - [E=O:%{HTTP:Origin}]
<If "%{HTTP:Origin} in { 'https://e.example' }">
Header set X y
</If>
Header set Access-Control-Allow-Origin %{O}e env=O`))
	var got []string
	for _, e := range s.Origins {
		got = append(got, e.Policy)
	}
	want := []string{`re:(?i)^https://(a|b)\.example\.com$`, `re:https://c\.example`, "https://d.example", "https://e.example"}
	if !slices.Equal(got, want) || s.AnyOrigin != "" || len(s.Notes) != 1 {
		t.Errorf("entries: %+v, origins %q, want %q", s, got, want)
	}
	if s := l.Summarize(opts("Header set Access-Control-Allow-Origin *\nRewriteEngine On\nRewriteRule ^ - [R=204]")); s.AnyOrigin != "" || len(s.Notes) != 1 {
		t.Errorf("onsuccess with a R=204 preflight for every request: %+v", s)
	}
	if s := l.Summarize(opts("Header always set Access-Control-Allow-Origin *")); s.AnyOrigin != "wildcard" {
		t.Errorf("wildcard: %+v", s)
	}
}

func FuzzConfig(f *testing.F) {
	for _, s := range []string{"SetEnvIf Origin \"^(.*)$\" O=$1\nHeader always set A %{O}e env=O",
		"RewriteEngine On\nRewriteCond %{HTTP:Origin} (a|b) [NC,OR]\nRewriteCond %{REQUEST_METHOD} =OPTIONS\nRewriteRule ^ - [R=204,E=X:%1]",
		"<If \"!(%{HTTP:Origin} =~ m#a#i) || -z req('X')\">\nHeader merge Vary Origin\n</If>\n<Else>\nHeader echo ^O\n</Else>",
		"<IfModule !mod_headers.c>\nFoo\n</IfModule>\nHeader set 'A' \"b \\\"c\\\"\""} {
		f.Add(s)
	}
	l, _ := server.Lookup("apache", "")
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
	em, err := lib(b).New(opts(`<IfModule mod_headers.c>
    SetEnvIf Origin "^https://(.+\.)?example\.com$" ORIGIN=$0
    Header always set Access-Control-Allow-Origin %{ORIGIN}e env=ORIGIN
    Header always set Access-Control-Allow-Credentials true env=ORIGIN
    Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE"
    Header always set Access-Control-Allow-Headers "Authorization, Content-Type"
    Header always merge Vary Origin
</IfModule>
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^(.*)$ $1 [R=204,L]`))
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
