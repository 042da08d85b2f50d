package flaskcors

import (
	"errors"
	"slices"
	"sort"
	"testing"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// Flask-CORS 3.0.10, the default version: its quirks as the real library
// answers them (libtest/flaskcors_test.go checks the same against Debian
// 12's python3-flask-cors).

// flaskCORSCase is one quirk of Flask-CORS 3.0.10 (Debian 12), as the real
// library answers it (libtest/flaskcors_test.go checks the same quirks
// against the library itself).
type flaskCORSCase struct {
	name    string
	options string // CORS(app, **options) as a JSON object
	method  string
	url     string   // default https://api.example.com/r
	headers []string // "Name: value"
	status  int
	want    []string // CORS headers, "Name: value", any order
	config  string   // the *server.ConfigError message, when the library refuses
	field   string   // the *server.OptionError path, when corsplay refuses
	warn    []string // what the library logs
}

const (
	flaskApp          = "Origin: https://app.example.com"
	flaskAllMethods   = "Access-Control-Allow-Methods: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
	flaskVary         = "Vary: Origin"
	flaskACAOApp      = "Access-Control-Allow-Origin: https://app.example.com"
	flaskUnknownHdrs  = "Unknown option passed to Flask-CORS: headers"
	flaskWildcardCred = "Cannot use supports_credentials in conjunction withan origin string of '*'. See: http://www.w3.org/TR/cors/#resource-requests"
)

func acrm(m string) string { return "Access-Control-Request-Method: " + m }
func acrh(h string) string { return "Access-Control-Request-Headers: " + h }

var flaskCORSCases = []flaskCORSCase{
	// The tutorial mistake: "headers" was removed in 2.0. It is only logged
	// (twice: once for the app, once for its one resource) and allow_headers
	// stays "*", so every requested header is allowed.
	{name: "unknown headers option is ignored", options: `{"headers": ["Content-Type", "X-Token"]}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("POST"), acrh("content-type, x-anything-else")}, status: 200,
		want: []string{flaskACAOApp, "Access-Control-Allow-Headers: content-type, x-anything-else", flaskAllMethods, flaskVary},
		warn: []string{flaskUnknownHdrs, flaskUnknownHdrs}},

	// Default origins "*" reflects any origin, with Vary (the default "*" is
	// a regex), and with credentials when asked: reflect-any-with-credentials.
	{name: "default reflects any origin", options: `{}`, method: "GET", headers: []string{"Origin: https://evil.example.net"},
		status: 200, want: []string{"Access-Control-Allow-Origin: https://evil.example.net", flaskVary}},
	{name: "credentials reflect any origin", options: `{"supports_credentials": true}`, method: "GET",
		headers: []string{"Origin: https://evil.example.net"}, status: 200,
		want: []string{"Access-Control-Allow-Origin: https://evil.example.net", "Access-Control-Allow-Credentials: true", flaskVary}},
	{name: "credentials reflect null", options: `{"supports_credentials": true}`, method: "GET", headers: []string{"Origin: null"},
		status: 200, want: []string{"Access-Control-Allow-Origin: null", "Access-Control-Allow-Credentials: true", flaskVary}},

	// Preflights: Flask answers 200; ACAH is the sorted allowed subset of
	// the request headers, ACAM the whole methods string.
	{name: "default preflight", options: `{}`, method: "OPTIONS",
		headers: []string{"Origin: https://evil.example.net", acrm("PUT"), acrh("X-Foo, Authorization")}, status: 200,
		want: []string{"Access-Control-Allow-Origin: https://evil.example.net", "Access-Control-Allow-Headers: Authorization, X-Foo", flaskAllMethods, flaskVary}},
	{name: "method check is a substring test", options: `{}`, method: "OPTIONS", headers: []string{flaskApp, acrm("ATC")},
		status: 200, want: []string{flaskACAOApp, flaskAllMethods, flaskVary}},
	{name: "substring across the separator", options: `{"methods": ["GET", "POST"]}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("T, P")}, status: 200,
		want: []string{flaskACAOApp, "Access-Control-Allow-Methods: GET, POST", flaskVary}},
	{name: "requested method upper-cased", options: `{"methods": "PUT"}`, method: "OPTIONS", headers: []string{flaskApp, acrm("put")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Allow-Methods: PUT", flaskVary}},
	{name: "methods list sorted before upper-casing", options: `{"methods": ["post", "GET", "delete"]}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("DELETE")}, status: 200,
		want: []string{flaskACAOApp, "Access-Control-Allow-Methods: GET, DELETE, POST", flaskVary}},
	{name: "methods star allows nothing", options: `{"methods": "*"}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "refused method keeps the origin headers", options: `{"methods": ["GET"], "max_age": 600}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("PUT"), acrh("x-token")}, status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "any OPTIONS gets the origin headers", options: `{"max_age": 5}`, method: "OPTIONS", headers: []string{flaskApp},
		status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "lower-case options is OPTIONS", options: `{}`, method: "options", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, flaskAllMethods, flaskVary}},
	{name: "Latin-1 sharp s upper-cases to SS", options: `{"methods": ["CLASS"]}`, method: "OPTIONS", headers: []string{flaskApp, acrm("\xdf")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Allow-Methods: CLASS", flaskVary}},

	// Request headers are filtered, never refused.
	{name: "allow_headers drops the others", options: `{"allow_headers": ["Content-Type", "X-Token"]}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("POST"), acrh("x-anything-else, X-TOKEN, content-type")}, status: 200,
		want: []string{flaskACAOApp, "Access-Control-Allow-Headers: X-TOKEN, content-type", flaskAllMethods, flaskVary}},
	{name: "no allowed header: no ACAH", options: `{"allow_headers": "X-Token"}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("POST"), acrh("x-other")}, status: 200, want: []string{flaskACAOApp, flaskAllMethods, flaskVary}},
	{name: "allow_headers regex is a prefix match", options: `{"allow_headers": ["X-.*"]}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("POST"), acrh("x-a, xx-b")}, status: 200,
		want: []string{flaskACAOApp, "Access-Control-Allow-Headers: x-a", flaskAllMethods, flaskVary}},
	{name: "empty request header elements kept", options: `{}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET"), acrh("b,,a")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Allow-Headers: , a, b", flaskAllMethods, flaskVary}},

	// Origins: refused means no header at all, not even Vary.
	{name: "refused origin: nothing", options: `{"origins": ["https://app.example.com", "https://admin.example.com"]}`, method: "OPTIONS",
		headers: []string{"Origin: https://evil.example.net", acrm("GET")}, status: 200},
	{name: "one literal origin: no Vary", options: `{"origins": "https://app.example.com"}`, method: "GET", headers: []string{flaskApp},
		status: 200, want: []string{flaskACAOApp}},
	{name: "literal compared case-insensitively, echoed as sent", options: `{"origins": "https://app.example.com"}`, method: "GET",
		headers: []string{"Origin: HTTPS://APP.EXAMPLE.COM"}, status: 200, want: []string{"Access-Control-Allow-Origin: HTTPS://APP.EXAMPLE.COM"}},
	{name: "literal casefold", options: `{"origins": ["https://a.example", "https://stra\u00dfe.example"]}`, method: "GET",
		headers: []string{"Origin: https://STRASSE.example"}, status: 200,
		want: []string{"Access-Control-Allow-Origin: https://STRASSE.example", flaskVary}},
	{name: "two literals: Vary", options: `{"origins": ["https://app.example.com", "https://admin.example.com"]}`, method: "GET",
		headers: []string{flaskApp}, status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "http downgrade refused", options: `{"origins": "https://app.example.com"}`, method: "GET",
		headers: []string{"Origin: http://app.example.com"}, status: 200},
	{name: "regex is a prefix match", options: `{"origins": ["https://.*\\.example\\.com"]}`, method: "GET",
		headers: []string{"Origin: https://a.example.com.evil.net"}, status: 200,
		want: []string{"Access-Control-Allow-Origin: https://a.example.com.evil.net", flaskVary}},
	{name: "regex prefix: example.community", options: `{"origins": ["https://.*\\.example\\.com"]}`, method: "GET",
		headers: []string{"Origin: https://a.example.community"}, status: 200,
		want: []string{"Access-Control-Allow-Origin: https://a.example.community", flaskVary}},
	{name: "anchored regex", options: `{"origins": ["https://.*\\.example\\.com$"]}`, method: "GET",
		headers: []string{"Origin: https://a.example.com.evil.net"}, status: 200},
	{name: "glob is a regex: subdomain refused", options: `{"origins": ["https://*.example.com"]}`, method: "GET",
		headers: []string{"Origin: https://sub.example.com"}, status: 200},
	{name: "glob is a regex: xexample allowed", options: `{"origins": ["https://*.example.com"]}`, method: "GET",
		headers: []string{"Origin: https://xexample.com"}, status: 200, want: []string{"Access-Control-Allow-Origin: https://xexample.com", flaskVary}},
	{name: "dot is not a regex character", options: `{"origins": "https://app.example.com"}`, method: "GET",
		headers: []string{"Origin: https://appXexample.com"}, status: 200},
	{name: "pipe is not a regex character", options: `{"origins": "https://app.example.com|https://admin.example.com"}`, method: "GET",
		headers: []string{flaskApp}, status: 200},
	{name: "null listed", options: `{"origins": ["https://app.example.com", "null"]}`, method: "GET", headers: []string{"Origin: null"},
		status: 200, want: []string{"Access-Control-Allow-Origin: null", flaskVary}},
	{name: "regex Python rejects never matches", options: `{"origins": ["https://(app.example.com"]}`, method: "GET",
		headers: []string{"Origin: https://(app.example.com"}, status: 200},
	{name: "regex case-insensitive", options: `{"origins": ["https://app\\.example\\.com$"]}`, method: "GET",
		headers: []string{"Origin: https://APP.example.com"}, status: 200,
		want: []string{"Access-Control-Allow-Origin: https://APP.example.com", flaskVary}},
	{name: "repeated Origin joined with a comma", options: `{}`, method: "GET", headers: []string{"Origin: https://a.example", "Origin: https://b.example"},
		status: 200, want: []string{"Access-Control-Allow-Origin: https://a.example,https://b.example", flaskVary}},

	// send_wildcard, and the only configuration the library refuses.
	{name: "send_wildcard", options: `{"send_wildcard": true}`, method: "GET", headers: []string{flaskApp}, status: 200,
		want: []string{"Access-Control-Allow-Origin: *"}},
	{name: "dot-star is the wildcard too", options: `{"origins": ".*", "send_wildcard": true}`, method: "GET", headers: []string{flaskApp},
		status: 200, want: []string{"Access-Control-Allow-Origin: *"}},
	{name: "wildcard, credentials and send_wildcard refused", options: `{"send_wildcard": true, "supports_credentials": true}`,
		config: flaskWildcardCred},
	{name: "truthy strings count", options: `{"origins": ["*", "https://x.example"], "send_wildcard": "no", "supports_credentials": "false"}`,
		config: flaskWildcardCred},
	{name: "credentials string false is true", options: `{"supports_credentials": "false"}`, method: "GET", headers: []string{flaskApp},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Allow-Credentials: true", flaskVary}},

	// always_send: requests without Origin.
	{name: "no Origin: star", options: `{}`, method: "GET", status: 200, want: []string{"Access-Control-Allow-Origin: *"}},
	{name: "no Origin with credentials: nothing", options: `{"supports_credentials": true}`, method: "GET", status: 200},
	{name: "no Origin: first sorted literal", options: `{"origins": ["https://b.example.com", "https://a.example.com", "https://.*\\.example\\.org"]}`,
		method: "GET", status: 200, want: []string{"Access-Control-Allow-Origin: https://a.example.com", flaskVary}},
	{name: "empty Origin is no Origin", options: `{"origins": "https://app.example.com"}`, method: "GET", headers: []string{"Origin: "},
		status: 200, want: []string{flaskACAOApp}},
	{name: "always_send off", options: `{"always_send": false}`, method: "GET", status: 200},
	{name: "no Origin, only regexes: nothing", options: `{"origins": ["https://.*\\.example\\.com"]}`, method: "GET", status: 200},
	{name: "no Origin, empty literal: ACAO dropped, the rest sent", options: `{"origins": "", "supports_credentials": true, "expose_headers": "X-A"}`,
		method: "GET", status: 200, want: []string{"Access-Control-Allow-Credentials: true", "Access-Control-Expose-Headers: X-A"}},

	// Other options.
	{name: "expose_headers sorted, on preflights too", options: `{"expose_headers": ["X-Total", "X-Request-Id"]}`, method: "OPTIONS",
		headers: []string{flaskApp, acrm("GET")}, status: 200,
		want: []string{flaskACAOApp, "Access-Control-Expose-Headers: X-Request-Id, X-Total", flaskAllMethods, flaskVary}},
	{name: "expose_headers star literal", options: `{"expose_headers": "*", "supports_credentials": true}`, method: "GET",
		headers: []string{flaskApp}, status: 200,
		want: []string{flaskACAOApp, "Access-Control-Expose-Headers: *", "Access-Control-Allow-Credentials: true", flaskVary}},
	{name: "max_age on preflights", options: `{"max_age": 600}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Max-Age: 600", flaskAllMethods, flaskVary}},
	{name: "max_age not on actual requests", options: `{"max_age": 600}`, method: "GET", headers: []string{flaskApp},
		status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "max_age 0 dropped", options: `{"max_age": 0}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, flaskAllMethods, flaskVary}},
	{name: "max_age string 0 kept", options: `{"max_age": "0"}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Max-Age: 0", flaskAllMethods, flaskVary}},
	{name: "max_age float is str(float)", options: `{"max_age": 86400.0}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Max-Age: 86400.0", flaskAllMethods, flaskVary}},
	{name: "max_age true is True", options: `{"max_age": true}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Max-Age: True", flaskAllMethods, flaskVary}},
	{name: "max_age negative sent", options: `{"max_age": -5}`, method: "OPTIONS", headers: []string{flaskApp, acrm("GET")},
		status: 200, want: []string{flaskACAOApp, "Access-Control-Max-Age: -5", flaskAllMethods, flaskVary}},
	{name: "vary_header off", options: `{"vary_header": false}`, method: "GET", headers: []string{flaskApp}, status: 200,
		want: []string{flaskACAOApp}},
	{name: "automatic_options and intercept_exceptions accepted", options: `{"automatic_options": false, "intercept_exceptions": false}`,
		method: "GET", headers: []string{flaskApp}, status: 200, want: []string{flaskACAOApp, flaskVary}},

	// Flask's answers around the route.
	{name: "405 still gets CORS headers", options: `{}`, method: "FOO", headers: []string{flaskApp}, status: 405,
		want: []string{flaskACAOApp, flaskVary}},
	{name: "405 gets them without intercept_exceptions too", options: `{"intercept_exceptions": false}`, method: "FOO", headers: []string{flaskApp},
		status: 405, want: []string{flaskACAOApp, flaskVary}},
	{name: "lower-case method routed", options: `{}`, method: "get", headers: []string{flaskApp}, status: 200,
		want: []string{flaskACAOApp, flaskVary}},
	{name: "HEAD from GET", options: `{}`, method: "HEAD", headers: []string{flaskApp}, status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "underscore header name aliases", options: `{}`, method: "OPTIONS", headers: []string{flaskApp, "Access_Control_Request_Method: GET"},
		status: 200, want: []string{flaskACAOApp, flaskAllMethods, flaskVary}},
	{name: "Latin-1 origin echoed byte for byte", options: `{}`, method: "GET", headers: []string{"Origin: https://caf\u00e9.example"},
		status: 200, want: []string{"Access-Control-Allow-Origin: https://caf\u00e9.example", flaskVary}},
	{name: "UTF-8 literal never matches the Latin-1 request", options: `{"origins": ["https://a.example", "https://caf\u00e9.example"]}`,
		method: "GET", headers: []string{"Origin: https://caf\u00e9.example"}, status: 200},

	// resources (path regexes, re.match, case-sensitive in Debian's build).
	{name: "resources glob-looking prefix matches apiary", options: `{"resources": "/api/*"}`, method: "GET",
		url: "https://api.example.com/apiary", headers: []string{flaskApp}, status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "resources case-sensitive", options: `{"resources": "/api/*"}`, method: "GET",
		url: "https://api.example.com/API/x", headers: []string{flaskApp}, status: 200},
	{name: "resources literal is an exact path", options: `{"resources": "/api"}`, method: "GET",
		url: "https://api.example.com/api/x", headers: []string{flaskApp}, status: 200},
	{name: "resources path decoded twice", options: `{"resources": "/apiA$"}`, method: "GET",
		url: "https://api.example.com/api%2541", headers: []string{flaskApp}, status: 200, want: []string{flaskACAOApp, flaskVary}},
	{name: "resources plus stays a plus", options: `{"resources": "/a b$"}`, method: "GET",
		url: "https://api.example.com/a+b", headers: []string{flaskApp}, status: 200},
	{name: "resources dollar before a final newline (404 from the route)", options: `{"resources": "^/r$"}`, method: "GET",
		url: "https://api.example.com/r%0A", headers: []string{flaskApp}, status: 404, want: []string{flaskACAOApp, flaskVary}},
	{name: "resources dict: literal before regex", options: `{"resources": {"/.*": {"origins": "https://admin.example.com"}, "/r": {"origins": "https://app.example.com"}}}`,
		method: "GET", headers: []string{flaskApp}, status: 200, want: []string{flaskACAOApp}},
	{name: "resources dict: more slashes first, warnings per resource", options: `{"resources": {"/a.*": {"origins": "https://admin.example.com"}, "/a/.*": {"origins": "https://app.example.com", "foo": 1}}, "bar": 2}`,
		method: "GET", url: "https://api.example.com/a/b", headers: []string{flaskApp}, status: 200, want: []string{flaskACAOApp},
		warn: []string{"Unknown option passed to Flask-CORS: bar", "Unknown option passed to Flask-CORS: bar", "Unknown option passed to Flask-CORS: foo", "Unknown option passed to Flask-CORS: bar"}},
	{name: "resources list: no match, no headers", options: `{"resources": ["/x"]}`, method: "GET", headers: []string{flaskApp}, status: 200},
	{name: "resources dict ValueError", options: `{"supports_credentials": true, "resources": {"/r": {"send_wildcard": true}}}`, config: flaskWildcardCred},

	// What Python raises at CORS(app, ...).
	{name: "methods null", options: `{"methods": null}`, config: "'NoneType' object has no attribute 'upper'"},
	{name: "resources number", options: `{"resources": 5}`, config: "Unexpected value for resources argument."},
	{name: "app keyword", options: `{"app": 1}`, config: "CORS.__init__() got multiple values for argument 'app'"},

	// What corsplay refuses rather than guess.
	{name: "lookahead refused", options: `{"origins": ["https://(?!evil).*"]}`, field: "origins[0]"},
	{name: "backreference refused", options: `{"allow_headers": ["(x)-\\1"]}`, field: "allow_headers[0]"},
	{name: "origins null refused", options: `{"origins": null}`, field: "origins"},
	{name: "non-ASCII expose_headers refused", options: `{"expose_headers": "X-\u00e9"}`, field: "expose_headers"},
}

func headerLines(hs message.Headers) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name+": "+h.Value)
	}
	sort.Strings(out)
	return out
}

func TestFlaskCORS3(t *testing.T) {
	v3, ok := server.Lookup(Name, "")
	if !ok || v3.Version != "3.0.10" {
		t.Fatalf("the default flask-cors is %+v, want 3.0.10", v3)
	}
	for _, tt := range flaskCORSCases {
		t.Run(tt.name, func(t *testing.T) {
			path := "/r"
			if tt.url != "" {
				path = tt.url[len("https://api.example.com"):]
			}
			em, err := v3.New(opts(t, tt.options))
			var ce *server.ConfigError
			var oe *server.OptionError
			switch {
			case tt.config != "":
				if !errors.As(err, &ce) || ce.Message != tt.config {
					t.Fatalf("error %v, want the ConfigError %q", err, tt.config)
				}
				return
			case tt.field != "":
				if !errors.As(err, &oe) || oe.Path != tt.field {
					t.Fatalf("error %v, want an OptionError on %s", err, tt.field)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			resp := em.Respond(req(tt.method, path, tt.headers...))
			want := slices.Clone(tt.want)
			sort.Strings(want)
			if got := headerLines(resp.Headers); resp.Status != tt.status || !slices.Equal(got, want) {
				t.Errorf("got %d %q\nwant %d %q", resp.Status, got, tt.status, want)
			}
			if w := em.Warnings(); !slices.Equal(w, tt.warn) {
				t.Errorf("warnings %q, want %q", w, tt.warn)
			}
		})
	}
}

func TestFloatRepr(t *testing.T) {
	for f, want := range map[float64]string{1.5: "1.5", 86400: "86400.0", 1e16: "1e+16", 1e15: "1000000000000000.0",
		0.0001: "0.0001", 0.00001: "1e-05", -2.5e-7: "-2.5e-07", 123456.789: "123456.789"} {
		if got := floatRepr(f); got != want {
			t.Errorf("floatRepr(%v) = %q, want %q", f, got, want)
		}
	}
}
