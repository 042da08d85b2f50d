package engine_test

import (
	"net/url"
	"strings"
	"testing"

	"corsplay/engine"
)

// parseOriginTests follow the ASCII serialization of an origin
// (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin)
// and fetch-cors.md §5: lower-case, default port omitted, IPv6 in brackets,
// no trailing slash.
var parseOriginTests = []struct {
	in      string
	want    engine.Origin
	wantErr string // a substring of the error, "" for success
}{
	{"https://app.example.com", engine.Origin{Scheme: "https", Host: "app.example.com"}, ""},
	{"http://localhost:8080", engine.Origin{Scheme: "http", Host: "localhost", Port: "8080"}, ""},
	{"https://app.example.com:8443", engine.Origin{Scheme: "https", Host: "app.example.com", Port: "8443"}, ""},
	{"http://127.0.0.1", engine.Origin{Scheme: "http", Host: "127.0.0.1"}, ""},
	{"http://[::1]:3000", engine.Origin{Scheme: "http", Host: "[::1]", Port: "3000"}, ""},
	{"null", engine.Origin{Opaque: true}, ""},
	// Valid origins spelt otherwise: refused with the serialized form.
	{"https://app.example.com/", engine.Origin{}, `"https://app.example.com"`},
	{"https://app.example.com:443", engine.Origin{}, `"https://app.example.com"`},
	{"http://app.example.com:80", engine.Origin{}, `"http://app.example.com"`},
	{"https://APP.Example.com", engine.Origin{}, `"https://app.example.com"`},
	{"HTTPS://app.example.com", engine.Origin{}, `"https://app.example.com"`},
	{"https://app.example.com/path", engine.Origin{}, `"https://app.example.com"`},
	// Ports as the URL standard serializes them: no leading zeros, the
	// default one dropped, none from an empty one.
	// https://url.spec.whatwg.org/#port-state
	{"https://app.example.com:0443", engine.Origin{}, `is not a serialized origin: browsers write it "https://app.example.com"`},
	{"https://app.example.com:08443", engine.Origin{}, `is not a serialized origin: browsers write it "https://app.example.com:8443"`},
	{"http://app.example.com:0080", engine.Origin{}, `browsers write it "http://app.example.com"`},
	{"http://app.example.com:00", engine.Origin{}, `browsers write it "http://app.example.com:0"`},
	{"https://app.example.com:", engine.Origin{}, `browsers write it "https://app.example.com"`},
	{"https://app.example.com:65535", engine.Origin{Scheme: "https", Host: "app.example.com", Port: "65535"}, ""},
	{"http://app.example.com:0", engine.Origin{Scheme: "http", Host: "app.example.com", Port: "0"}, ""},
	{"https://app.example.com:65536", engine.Origin{}, `"https://app.example.com:65536" is not an origin: port 65536 is over 65535, the largest a URL may have`},
	{"https://app.example.com:99999", engine.Origin{}, `port 99999 is over 65535`},
	{"https://app.example.com:065536", engine.Origin{}, `port 065536 is over 65535`},
	{"https://app.example.com:99999999999999999999", engine.Origin{}, `port 99999999999999999999 is over 65535`},
	// Not origins.
	{"", engine.Origin{}, "not"},
	{"Null", engine.Origin{}, "not"},
	{"app.example.com", engine.Origin{}, "not"},
	{"https://", engine.Origin{}, "not"},
	{"ftp://files.example.com", engine.Origin{}, "not an http or https origin"},
	{"https://user:pw@app.example.com", engine.Origin{}, "user name or password"},
}

func TestParseOrigin(t *testing.T) {
	for _, tt := range parseOriginTests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := engine.ParseOrigin(tt.in)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ParseOrigin(%q) error %v, want %+v", tt.in, err, tt.want)
			case tt.wantErr == "" && got != tt.want:
				t.Errorf("ParseOrigin(%q) = %+v, want %+v", tt.in, got, tt.want)
			case tt.wantErr == "" && got.String() != tt.in:
				t.Errorf("ParseOrigin(%q).String() = %q, want the input back", tt.in, got.String())
			case tt.wantErr != "" && err == nil:
				t.Errorf("ParseOrigin(%q) = %+v, want an error containing %s", tt.in, got, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("ParseOrigin(%q) error %q, want it to contain %s", tt.in, err, tt.wantErr)
			}
		})
	}
}

var originOfTests = []struct {
	url, want string
}{
	{"https://api.example.com/items?x=1#f", "https://api.example.com"},
	{"https://API.Example.COM/", "https://api.example.com"},
	{"https://api.example.com:443/x", "https://api.example.com"},
	{"http://api.example.com:80/x", "http://api.example.com"},
	{"http://api.example.com:443/x", "http://api.example.com:443"},
	{"https://api.example.com:80/x", "https://api.example.com:80"},
	{"HTTP://api.example.com:8080", "http://api.example.com:8080"},
	{"http://[::1]:8080/", "http://[::1]:8080"},
	{"https://u:p@api.example.com/", "https://api.example.com"},
	{"https://api.example.com:0443/x", "https://api.example.com"},
	{"http://api.example.com:08080/x", "http://api.example.com:8080"},
	{"http://api.example.com:/x", "http://api.example.com"},
	{"http://api.example.com:000/x", "http://api.example.com:0"},
}

func TestOriginOf(t *testing.T) {
	for _, tt := range originOfTests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := engine.OriginOf(u).String(); got != tt.want {
				t.Errorf("OriginOf(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

var sameOriginTests = []struct {
	a, b string
	want bool
}{
	{"https://app.example.com", "https://app.example.com", true},
	{"https://app.example.com", "http://app.example.com", false},
	{"https://app.example.com", "https://app.example.com:8443", false},
	{"https://app.example.com", "https://api.example.com", false},
	{"https://app.example.com", "null", false},
	{"null", "null", false},
}

func TestSameOrigin(t *testing.T) {
	for _, tt := range sameOriginTests {
		t.Run(tt.a+" "+tt.b, func(t *testing.T) {
			a, b := mustOrigin(t, tt.a), mustOrigin(t, tt.b)
			if got := a.SameOrigin(b); got != tt.want {
				t.Errorf("%s.SameOrigin(%s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestOriginString(t *testing.T) {
	tests := []struct {
		o    engine.Origin
		want string
	}{
		{engine.Origin{Opaque: true}, "null"},
		{engine.Origin{Scheme: "https", Host: "x.example"}, "https://x.example"},
		{engine.Origin{Scheme: "http", Host: "x.example", Port: "8080"}, "http://x.example:8080"},
	}
	for _, tt := range tests {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.o, got, tt.want)
		}
	}
}

// The URL standard refuses a port over 65535, so fetch() throws before any
// CORS rule applies, and it serializes a port without leading zeros and
// without the default one. difftest's TestChromiumURLPorts proves both in
// Chromium.
func TestEvaluatePorts(t *testing.T) {
	for _, tt := range []struct{ url, verdict, console string }{
		{"https://a.example:99999/", engine.Error, "Failed to execute 'fetch' on 'Window': Failed to parse URL from https://a.example:99999/"},
		{"https://a.example:65536/x#f", engine.Error, "Failed to execute 'fetch' on 'Window': Failed to parse URL from https://a.example:65536/x#f"},
		{"https://a.example:65535/", engine.Blocked, "Access to fetch at 'https://a.example:65535/' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."},
		{"https://a.example:0443/x", engine.Blocked, "Access to fetch at 'https://a.example/x' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."},
		{"https://a.example:/x", engine.Blocked, "Access to fetch at 'https://a.example/x' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."},
		{"https://app.example.com:00443/x", engine.Allowed, ""},
	} {
		out := engine.Evaluate(engine.Scenario{V: 1, Page: "https://app.example.com", Request: engine.Request{URL: tt.url}})
		if out.Verdict != tt.verdict || out.Console != tt.console {
			t.Errorf("Evaluate(%s) = %s, %q\nwant %s, %q", tt.url, out.Verdict, out.Console, tt.verdict, tt.console)
		}
		if out.Verdict == engine.Error && (out.Preflight != nil || out.Actual != nil) {
			t.Errorf("Evaluate(%s): a request was sent", tt.url)
		}
	}
}
