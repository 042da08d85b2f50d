package djangocors

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

func options(t testing.TB, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

func lib(t testing.TB) *server.Library {
	l, ok := server.Lookup(name, "")
	if !ok {
		t.Fatal("django-cors-headers is not registered")
	}
	return l
}

// The real library's answers are proven in libtest (TestDjangoCORSDifferential);
// these pin a few by hand so that a change shows here first.
func TestRespond(t *testing.T) {
	for _, tt := range []struct {
		options, method, url string
		headers              message.Headers
		want                 string
	}{
		{`{"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_ALLOW_CREDENTIALS": true}`, "GET", "https://api.example.com/r",
			message.Headers{{Name: "Origin", Value: "https://evil.example"}},
			"200|Content-Type: text/html; charset=utf-8|Content-Length: 2|Vary: Origin|Access-Control-Allow-Credentials: true"},
		{`{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_CREDENTIALS": true}`, "options", "https://api.example.com/x",
			message.Headers{{Name: "Origin", Value: "https://evil.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}},
			"200|Content-Type: text/html; charset=utf-8|Content-Length: 0|Vary: Origin|Access-Control-Allow-Credentials: true|Access-Control-Allow-Origin: https://evil.example|Access-Control-Allow-Headers: accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with|Access-Control-Allow-Methods: DELETE, GET, OPTIONS, PATCH, POST, PUT|Access-Control-Max-Age: 86400"},
		{`{"CORS_ALLOWED_ORIGIN_REGEXES": ["https://a.example"]}`, "TRACE", "https://api.example.com/r",
			message.Headers{{Name: "Origin", Value: "https://aXexample.evil"}},
			"405|Content-Type: text/html; charset=utf-8|Allow: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS|Content-Length: 0|Vary: Origin|Access-Control-Allow-Origin: https://aXexample.evil"},
		{`{"CORS_ALLOWED_ORIGINS": "https://a.example"}`, "GET", "https://api.example.com/r",
			message.Headers{{Name: "Origin", Value: "null"}},
			"200|Content-Type: text/html; charset=utf-8|Content-Length: 2|Vary: Origin|Access-Control-Allow-Origin: null"},
		{`{"CORS_ALLOWED_ORIGIN_REGEXES": ["("]}`, "GET", "https://api.example.com/r",
			message.Headers{{Name: "Origin", Value: "https://a.example"}}, "500|Content-Type: text/html"},
		{`{"CORS_URLS_REGEX": "^/api/"}`, "GET", "https://api.example.com/x",
			message.Headers{{Name: "Origin", Value: "https://a.example"}}, "404|Content-Type: text/html|Content-Length: 179"},
		{`{}`, "GET", "https://bad_host/r", nil, "400|Content-Type: text/html|Vary: Origin"},
	} {
		em, err := lib(t).New(options(t, tt.options))
		if err != nil {
			t.Fatalf("%s: %v", tt.options, err)
		}
		r := em.Respond(message.Request{Method: tt.method, URL: tt.url, Headers: tt.headers})
		got := []string{strings.TrimSpace(strings.Repeat(" ", 0) + itoa(r.Status))}
		for _, h := range r.Headers {
			got = append(got, h.Name+": "+h.Value)
		}
		if g := strings.Join(got, "|"); g != tt.want {
			t.Errorf("%s %s %s %v\n  got  %s\n  want %s", tt.options, tt.method, tt.url, tt.headers, g, tt.want)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestWarnings(t *testing.T) {
	for _, tt := range []struct {
		options string
		want    []string
	}{
		{`{"CORS_ALLOWED_ORIGINS": ["https://a.example"]}`, nil},
		{`{"CORS_ORIGIN_WHITELIST": ["a.example", "https://b.example/x?y", "null", "file://"], "CORS_PREFLIGHT_MAX_AGE": -1}`, []string{
			"corsheaders.E004: CORS_PREFLIGHT_MAX_AGE should be an integer greater than or equal to zero.",
			"corsheaders.E013: Origin 'a.example' in CORS_ORIGIN_WHITELIST is missing scheme or netloc HINT: Add a scheme (e.g. https://) or netloc (e.g. example.com).",
			"corsheaders.E014: Origin 'https://b.example/x?y' in CORS_ORIGIN_WHITELIST should not have path",
			"corsheaders.E014: Origin 'https://b.example/x?y' in CORS_ORIGIN_WHITELIST should not have query",
		}},
		{`{"CORS_ALLOWED_ORIGINS": ["it's", "\u00a0\u00e9\n"]}`, []string{
			`corsheaders.E013: Origin "it's" in CORS_ALLOWED_ORIGINS is missing scheme or netloc HINT: Add a scheme (e.g. https://) or netloc (e.g. example.com).`,
			`corsheaders.E013: Origin '\xa0é\n' in CORS_ALLOWED_ORIGINS is missing scheme or netloc HINT: Add a scheme (e.g. https://) or netloc (e.g. example.com).`,
		}},
		{`{"CORS_PREFLIGHT_MAX_AGE": -1, "CORS_ALLOWED_ORIGINS": ["x", "https://[::1"]}`, []string{"ValueError: Invalid IPv6 URL"}},
		{`{"CORS_ALLOWED_ORIGINS": ["https://[1.2.3.4]"]}`, []string{"ValueError: An IPv4 address cannot be in brackets"}},
		{`{"CORS_ALLOWED_ORIGINS": ["https://[a]"]}`, []string{"ValueError: 'a' does not appear to be an IPv4 or IPv6 address"}},
	} {
		em, err := lib(t).New(options(t, tt.options))
		if err != nil {
			t.Fatalf("%s: %v", tt.options, err)
		}
		if got := em.Warnings(); !slices.Equal(got, tt.want) {
			t.Errorf("%s\n  got  %q\n  want %q", tt.options, got, tt.want)
		}
	}
}

func TestRefused(t *testing.T) {
	for _, tt := range []struct{ options, path string }{
		{`{"CORS_ALLOW_PRIVATE_NETWORK": true}`, "CORS_ALLOW_PRIVATE_NETWORK"},
		{`{"CORS_ALLOWED_ORIGINS": [1]}`, "CORS_ALLOWED_ORIGINS"},
		{`{"CORS_ALLOWED_ORIGINS": ["a", null]}`, "CORS_ALLOWED_ORIGINS[1]"},
		{`{"CORS_ALLOW_CREDENTIALS": null}`, "CORS_ALLOW_CREDENTIALS"},
		{`{"CORS_PREFLIGHT_MAX_AGE": 1e3}`, "CORS_PREFLIGHT_MAX_AGE"},
		{`{"CORS_ALLOWED_ORIGIN_REGEXES": ["a", "(?<=x)"]}`, "CORS_ALLOWED_ORIGIN_REGEXES[1]"},
		{`{"CORS_URLS_REGEX": "(?=x)"}`, "CORS_URLS_REGEX"},
		{`{"CORS_ALLOW_METHODS": ["\u4f8b"]}`, "CORS_ALLOW_METHODS"},
	} {
		_, err := lib(t).New(options(t, tt.options))
		var oe *server.OptionError
		if !errors.As(err, &oe) || oe.Path != tt.path {
			t.Errorf("%s: got %v, want an *OptionError at %s", tt.options, err, tt.path)
		}
		if _, err := lib(t).Export(options(t, tt.options), "/r"); err == nil {
			t.Errorf("%s: Export accepts what New refuses", tt.options)
		}
	}
}

func TestUrlsplit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want split
		err  string
	}{
		{"HTTPS://a.example:443/p?q#f", split{"https", "a.example:443", "/p", "q", "f"}, ""},
		{" \x01\thttps://a\n.example", split{"https", "a.example", "", "", ""}, ""},
		{"a.example", split{"", "", "a.example", "", ""}, ""},
		{"1http://x", split{"", "", "1http://x", "", ""}, ""},
		{"localhost:8000", split{"localhost", "", "8000", "", ""}, ""},
		{"null", split{"", "", "null", "", ""}, ""},
		{"file://", split{"file", "", "", "", ""}, ""},
		{"http://[::1]:80", split{"http", "[::1]:80", "", "", ""}, ""},
		{"http://u@[fe80::1%25eth0]", split{"http", "u@[fe80::1%25eth0]", "", "", ""}, ""},
		{"http://[v7.x]", split{"http", "[v7.x]", "", "", ""}, ""},
		{"http://[v7x]", split{}, "IPvFuture address is invalid"},
		{"http://[::1]x", split{}, "Invalid IPv6 URL"},
		{"http://[::1", split{}, "Invalid IPv6 URL"},
		{"http://a\uff0fb", split{}, "netloc 'a\uff0fb' contains invalid characters under NFKC normalization"},
	} {
		got, err := urlsplit(tt.in)
		if err != tt.err || err == "" && got != tt.want {
			t.Errorf("urlsplit(%q) = %+v, %q; want %+v, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want, err string }{
		{"DEBUG = False\nCORS_ALLOWED_ORIGINS = [\"https://a.example\"]  # ours\nCORS_ALLOW_CREDENTIALS = True\n",
			`{"CORS_ALLOWED_ORIGINS":["https://a.example"],"CORS_ALLOW_CREDENTIALS":true}`, ""},
		{"from corsheaders.defaults import default_headers\nCORS_ALLOW_HEADERS = list(default_headers) + [\n    \"x-custom\",\n]\n",
			`{"CORS_ALLOW_HEADERS":["accept","accept-encoding","authorization","content-type","dnt","origin","user-agent","x-csrftoken","x-requested-with","x-custom"]}`, ""},
		{"CORS_ORIGIN_WHITELIST = ('https://a.example',)\nCORS_PREFLIGHT_MAX_AGE = 60 * 60\nCORS_URLS_REGEX = r'^/api/.*$'",
			`{"CORS_ORIGIN_WHITELIST":["https://a.example"],"CORS_PREFLIGHT_MAX_AGE":3600,"CORS_URLS_REGEX":"^/api/.*$"}`, ""},
		{"CORS_ALLOWED_ORIGINS = 'https://a.example'", `{"CORS_ALLOWED_ORIGINS":"https://a.example"}`, ""},
		{"MIDDLEWARE = [\n    'a',\n    'b',\n]\n\nCORS_ALLOW_ALL_ORIGINS = \\\n    True\n", `{"CORS_ALLOW_ALL_ORIGINS":true}`, ""},
		{"CORS_ALLOWED_ORIGINS = [\n    \"https://a.example\",\n    os.environ[\"X\"],\n]\n", "", "line 1: CORS_ALLOWED_ORIGINS: the value is not a Python literal"},
		{"\n\nCORS_ALLOW_PRIVATE_NETWORK = True", "", "line 3: CORS_ALLOW_PRIVATE_NETWORK: django-cors-headers 3.14 does not read it (4.0.0 added it)"},
		{"CORS_ALLOWED_ORIGINS = [1]", "", "line 1: CORS_ALLOWED_ORIGINS: [1] is not a list of strings or a string"},
		{"CORS_ALLOWED_ORIGIN_REGEXES = ['(?=a)']", "", "line 1: CORS_ALLOWED_ORIGIN_REGEXES[0]:"},
		{"from corsheaders.defaults import default_headers as h\nCORS_ALLOW_HEADERS = h", "", "line 1: corsplay does not read `import ... as ...`"},
		{"from corsheaders.conf import conf\n", "", "line 1: corsplay reads only `from corsheaders.defaults import"},
		{"class Settings:\n    CORS_ALLOW_ALL_ORIGINS = True\n", "", "line 2: corsplay reads CORS_ settings only as"},
		{"CORS_ALLOW_CREDENTIALS = False or True", "", "line 1: CORS_ALLOW_CREDENTIALS: the value is not a Python literal"},
		{"CORS_ALLOWED_ORIGINS = ['a'", "", "line 1: CORS_ALLOWED_ORIGINS: the value has a bracket that is not closed"},
		{"CORS_EXPOSE_HEADERS = [b'x']", "", "line 1: CORS_EXPOSE_HEADERS: the value is not a Python literal"},
		{"", "", "no CORS_ setting found"},
	} {
		got, err := lib(t).Import(tt.text)
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("Import(%q) = %v, want an error starting %q", tt.text, err, tt.err)
			}
			continue
		}
		b, _ := json.Marshal(got)
		if err != nil || string(b) != tt.want {
			t.Errorf("Import(%q) = %s, %v; want %s", tt.text, b, err, tt.want)
		}
	}
}

// Export writes the settings as settings.py lines: Import reads them back.
func TestExportImportRoundTrip(t *testing.T) {
	for _, s := range []string{
		`{"CORS_ALLOWED_ORIGINS": ["https://a.example", "null"], "CORS_ALLOW_CREDENTIALS": true}`,
		`{"CORS_ORIGIN_WHITELIST": "https://a.example", "CORS_ORIGIN_ALLOW_ALL": false, "CORS_PREFLIGHT_MAX_AGE": -5}`,
		`{"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://\\w+\\.a\\.example$", "a\"b\\", "tab\there", "\\\\"], "CORS_URLS_REGEX": "^/api/.*$"}`,
		`{"CORS_ALLOW_HEADERS": ["accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with", "x-custom"], "CORS_ALLOW_METHODS": [], "CORS_EXPOSE_HEADERS": ["X-\u00e9", "caf\u00e9\u00a0"]}`,
		`{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_REPLACE_HTTPS_REFERER": true, "CORS_ORIGIN_REGEX_WHITELIST": ["\u4f8b\ud83d\ude00\u2028"]}`,
	} {
		o := options(t, s)
		code, err := lib(t).Export(o, "/r")
		if err != nil {
			t.Fatalf("Export(%s): %v", s, err)
		}
		back, err := lib(t).Import(code)
		if err != nil {
			t.Fatalf("Import(Export(%s)): %v\n%s", s, err, code)
		}
		var a, b any
		ja, _ := json.Marshal(o)
		jb, _ := json.Marshal(back)
		json.Unmarshal(ja, &a)
		json.Unmarshal(jb, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("Import(Export(%s)) = %s\n%s", s, jb, code)
		}
	}
}

func TestSummarize(t *testing.T) {
	for _, tt := range []struct {
		options string
		want    server.Summary
	}{
		{`{"CORS_ALLOWED_ORIGINS": ["HTTPS://a.example/", "b.example", "null"], "CORS_ALLOWED_ORIGIN_REGEXES": ["https://a\\.x", "("], "CORS_ALLOW_CREDENTIALS": true}`, server.Summary{
			Origins: []server.Entry{{Written: "HTTPS://a.example/", Policy: "https://a.example"}, {Written: "b.example", Policy: "null"},
				{Written: "null", Policy: "null"}, {Written: `https://a\.x`, Policy: `re:^(?:https\x{3A}\x{2F}\x{2F}a\x{2E}x)`, Regex: true}},
			Credentials: true,
			Notes: []string{`The regex "(" is invalid in Python: a request trying it gets a 500.`,
				"Access-Control-Allow-Credentials: true goes to every origin, allowed or not."},
		}},
		{`{"CORS_ORIGIN_ALLOW_ALL": true, "CORS_ALLOW_CREDENTIALS": true}`, server.Summary{AnyOrigin: "reflect", AnyEntry: "CORS_ORIGIN_ALLOW_ALL = True", Credentials: true}},
		{`{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/api/"}`, server.Summary{AnyOrigin: "wildcard", AnyEntry: "CORS_ALLOW_ALL_ORIGINS = True",
			Notes: []string{"CORS applies only to paths matching CORS_URLS_REGEX (re.match); other paths get no CORS header."}}},
		{`{"CORS_ALLOWED_ORIGINS": "https://a.example"}`, server.Summary{Origins: []server.Entry{{Written: "https://a.example", Policy: "null"}},
			Notes: []string{"CORS_ALLOWED_ORIGINS is a string: django-cors-headers reads each of its characters as an origin without scheme or netloc, which lets the null origin in, and nothing else a browser sends."}}},
	} {
		if got := lib(t).Summarize(options(t, tt.options)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s\n  got  %+v\n  want %+v", tt.options, got, tt.want)
		}
	}
}

func TestLibrary(t *testing.T) {
	l := lib(t)
	if len(l.Options) != len(settingNames) {
		t.Errorf("%d options documented, %d settings exported", len(l.Options), len(settingNames))
	}
	for i, o := range l.Options {
		if o.Name != settingNames[i] || o.Doc == "" || o.Default == "" || o.Type == "" {
			t.Errorf("option %d: %+v (want %s)", i, o, settingNames[i])
		}
		if _, err := l.New(map[string]json.RawMessage{o.Name: json.RawMessage(`{}`)}); err == nil {
			t.Errorf("%s accepts an object", o.Name)
		}
	}
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{"CORS_ALLOWED_ORIGINS = ['https://a.example']", "from corsheaders.defaults import *\nCORS_ALLOW_HEADERS = (*default_headers, 'x')",
		"CORS_PREFLIGHT_MAX_AGE = 60 * -60 + 1_0", "X = '''\n'''\nCORS_URLS_REGEX = r'\\'\"'", "CORS_ALLOW_METHODS = list('ab') + [*(('x'),)]", "a = [(\n"} {
		f.Add(s)
	}
	l := lib(f)
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		opts, err := l.Import(text)
		if err == nil {
			if _, err := l.New(opts); err != nil {
				t.Errorf("Import(%q) = %v, which New refuses: %v", text, opts, err)
			}
		}
		if d := time.Since(start); d > time.Second && len(text) < 10000 {
			t.Errorf("Import(%q) took %v", text, d)
		}
	})
}

func BenchmarkRespond(b *testing.B) {
	em, err := lib(b).New(options(b, `{"CORS_ALLOWED_ORIGINS": ["https://a.example", "https://b.example"], "CORS_ALLOWED_ORIGIN_REGEXES": ["^https://\\w+\\.a\\.example$"], "CORS_ALLOW_CREDENTIALS": true, "CORS_EXPOSE_HEADERS": ["X-Total"]}`))
	if err != nil {
		b.Fatal(err)
	}
	pre := message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{
		{Name: "Origin", Value: "https://sub.a.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type"}}}
	actual := message.Request{Method: "PUT", URL: "https://api.example.com/r", Headers: message.Headers{
		{Name: "Origin", Value: "https://b.example"}, {Name: "Content-Type", Value: "application/json"}}}
	for b.Loop() {
		em.Respond(pre)
		em.Respond(actual)
	}
}

// The fixer edits the options, never the library's defaults.
func TestFixer(t *testing.T) {
	e := &server.Edit{M: options(t, `{"CORS_ALLOW_METHODS": ["GET"], "CORS_ALLOW_HEADERS": ["x-a"], "CORS_ALLOWED_ORIGINS": "https://a.example"}`)}
	n := server.Need{Page: "http://localhost:3000", Credentials: true, Method: "PURGE", Headers: []string{"X-Api-Key"}, Preflight: true}
	fixer.Origin(e, n)
	fixer.Credentials(e, n)
	fixer.Method(e, n)
	fixer.Headers(e, n)
	b, _ := json.Marshal(e.M)
	if want := `{"CORS_ALLOWED_ORIGINS":["https://a.example","http://localhost:3000"],"CORS_ALLOW_CREDENTIALS":true,"CORS_ALLOW_HEADERS":["x-a","X-Api-Key"],"CORS_ALLOW_METHODS":["GET","PURGE"]}`; string(b) != want {
		t.Errorf("fixed options %s, want %s", b, want)
	}
	if !slices.Equal(defaultMethods, []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"}) || len(defaultHeaders) != 9 {
		t.Errorf("the defaults changed: %q %q", defaultMethods, defaultHeaders)
	}
	if got := e.Plain(); got != "Allow the origin http://localhost:3000, credentials (cookies), the method PURGE and the request headers X-Api-Key." {
		t.Errorf("Plain() = %q", got)
	}
	e = &server.Edit{M: options(t, `{"CORS_ORIGIN_ALLOW_ALL": true}`)}
	fixer.Origin(e, n)
	if b, _ := json.Marshal(e.M); string(b) != `{"CORS_ALLOWED_ORIGINS":["http://localhost:3000"]}` || !e.Narrowed {
		t.Errorf("allow all with cookies: %s, narrowed %v", b, e.Narrowed)
	}
	if got := fixer.Call(nil); !strings.HasPrefix(got, "# ") {
		t.Errorf("Call(nil) = %q", got)
	}
}
