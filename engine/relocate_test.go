package engine_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"corsplay/engine"
)

const (
	newPage = "http://127.0.0.1:8080"
	newAPI  = "http://127.0.0.1:8081"
)

// TestRelocateRaw: the page and the URL move, path, query, fragment and
// user info stay, and every header value naming an old origin follows.
func TestRelocateRaw(t *testing.T) {
	s := engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{
		URL:     "https://u:p@api.example.com/a%2Fb/c?q=1&r=https://api.example.com#frag%20x",
		Headers: hdrs("X-Origin", pageOrigin, "X-Other", "https://api.example.com.evil.net"),
	}, Server: rawServer(
		resp(204, acao, pageOrigin, "Link", "<https://api.example.com/next>"),
		resp(200, acao, pageOrigin, "Vary", "Origin"),
	)}
	before := s.Clone()
	got := engine.Relocate(s, newPage, newAPI)
	if !reflect.DeepEqual(s, before) {
		t.Errorf("Relocate modified its argument")
	}
	if got.Page != newPage {
		t.Errorf("page %q, want %q", got.Page, newPage)
	}
	if want := "http://u:p@127.0.0.1:8081/a%2Fb/c?q=1&r=https://api.example.com#frag%20x"; got.Request.URL != want {
		t.Errorf("url %q, want %q", got.Request.URL, want)
	}
	wantReq := hdrs("X-Origin", newPage, "X-Other", newAPI+".evil.net")
	if !reflect.DeepEqual(got.Request.Headers, wantReq) {
		t.Errorf("request headers %v, want %v", got.Request.Headers, wantReq)
	}
	if want := *resp(204, acao, newPage, "Link", "<"+newAPI+"/next>"); !reflect.DeepEqual(*got.Server.Raw.Preflight, want) {
		t.Errorf("preflight %v, want %v", *got.Server.Raw.Preflight, want)
	}
	if want := *resp(200, acao, newPage, "Vary", "Origin"); !reflect.DeepEqual(*got.Server.Raw.Actual, want) {
		t.Errorf("actual %v, want %v", *got.Server.Raw.Actual, want)
	}
}

// TestRelocateSameOriginAndNull: a same-origin URL moves with the page; a
// null page stays null and its URL still moves to api.
func TestRelocateSameOriginAndNull(t *testing.T) {
	s := engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: pageOrigin + "/me"}}
	if got := engine.Relocate(s, newPage, newAPI); got.Request.URL != newPage+"/me" || got.Page != newPage {
		t.Errorf("same-origin: page %q url %q", got.Page, got.Request.URL)
	}
	s = engine.Scenario{V: 1, Page: "null", Request: engine.Request{URL: "https://API.example.com:443"},
		Server: rawServer(nil, resp(200, acao, "null"))}
	got := engine.Relocate(s, newPage, newAPI)
	if got.Page != "null" || got.Request.URL != newAPI || got.Server.Raw.Actual.Headers[0].Value != "null" {
		t.Errorf("null page: %+v", got)
	}
}

// TestRelocateLongerOriginFirst: when one old origin is a prefix of the
// other, each text is rewritten as the origin it names.
func TestRelocateLongerOriginFirst(t *testing.T) {
	s := engine.Scenario{V: 1, Page: "http://a.example", Request: engine.Request{URL: "http://a.example:8080/x"},
		Server: rawServer(nil, resp(200, acao, "http://a.example", "X-Demo-Id", "http://a.example:8080"))}
	got := engine.Relocate(s, newPage, newAPI)
	want := hdrs(acao, newPage, "X-Demo-Id", newAPI)
	if !reflect.DeepEqual(got.Server.Raw.Actual.Headers, want) {
		t.Errorf("headers %v, want %v", got.Server.Raw.Actual.Headers, want)
	}
}

// TestRelocateUnparsableURL: a URL fetch() throws on is left as it is.
func TestRelocateUnparsableURL(t *testing.T) {
	s := engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: "/relative"}}
	if got := engine.Relocate(s, newPage, newAPI); got.Request.URL != "/relative" || got.Page != newPage {
		t.Errorf("got %+v", got)
	}
}

// TestRelocatePolicy: exact entries are rewritten, regular expressions with
// the quoted texts (and still match the new page only), patterns that do not
// name the origin are left; the relocated policy allows the new page as the
// old one allowed the old page.
func TestRelocatePolicy(t *testing.T) {
	s := engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: apiURL, Method: "PUT"},
		Server: engine.Server{Policy: &engine.Policy{
			Origins: []string{pageOrigin, `re:^https://app\.example\.com$`, "https://*.example.com"},
			Methods: []string{"PUT"},
		}}}
	got := engine.Relocate(s, newPage, newAPI)
	want := []string{newPage, `re:^http://127\.0\.0\.1:8080$`, "https://*.example.com"}
	if !reflect.DeepEqual(got.Server.Policy.Origins, want) {
		t.Errorf("origins %q, want %q", got.Server.Policy.Origins, want)
	}
	re := regexp.MustCompile(strings.TrimPrefix(got.Server.Policy.Origins[1], "re:"))
	if !re.MatchString(newPage) || re.MatchString("http://127x0x0x1:8080") {
		t.Errorf("the relocated pattern %s does not match exactly the new page", re)
	}
	if s.Server.Policy.Origins[0] != pageOrigin {
		t.Errorf("Relocate modified the policy it was given")
	}
	if before, after := engine.Evaluate(s).Verdict, engine.Evaluate(got).Verdict; before != after || after != engine.Allowed {
		t.Errorf("verdict %s before, %s after relocation; want allowed twice", before, after)
	}
}

// TestRelocateLibraries: each library's origin options are rewritten in its
// own syntax; other options stay byte for byte.
func TestRelocateLibraries(t *testing.T) {
	tests := []struct {
		name      string
		opts      string
		wantOpts  string
		wantAllow bool // the relocated page may read
	}{
		{"flask-cors",
			`{"origins": ["https://app.example.com", "^https://api\\.example\\.com$"], "supports_credentials": true, "resources": {"/items": {"origins": "https://app.example.com"}, "/a/*": {"origins": "^https://app\\.example\\.com$"}}}`,
			`{"origins":["http://127.0.0.1:8080","^http://127\\.0\\.0\\.1:8081$"],"resources":{"/items":{"origins":"http://127.0.0.1:8080"},"/a/*":{"origins":"^http://127\\.0\\.0\\.1:8080$"}},"supports_credentials": true}`,
			true},
		{"rs-cors", `{"AllowedOrigins": ["https://app.example.com", "https://*.example.org"], "AllowedMethods": ["PUT"]}`,
			`{"AllowedOrigins":["http://127.0.0.1:8080","https://*.example.org"],"AllowedMethods": ["PUT"]}`, true},
		{"jub0bs-cors", `{"Origins": ["https://app.example.com"], "Methods": ["PUT"]}`,
			`{"Origins":["http://127.0.0.1:8080"],"Methods": ["PUT"]}`, true},
		{"express-cors", `{"origin": ["https://x.example", {"regexp": "^https://app\\.example\\.com$", "flags": "i"}], "methods": "PUT", "__proto__": {"origin": "https://app.example.com"}}`,
			`{"origin":["https://x.example",{"regexp":"^http://127\\.0\\.0\\.1:8080$","flags":"i"}],"methods":"PUT","__proto__":{"origin":"http://127.0.0.1:8080"}}`, true},
		// Every library, whatever holds its origins: a list, a regular
		// expression, a nested block, a whole configuration text.
		{"django-cors-headers", `{"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://app\\.example\\.com$"], "CORS_ALLOW_METHODS": ["PUT"]}`,
			`{"CORS_ALLOWED_ORIGIN_REGEXES":["^http://127\\.0\\.0\\.1:8080$"],"CORS_ALLOW_METHODS":["PUT"]}`, true},
		{"rack-cors", `{"allow": [{"origins": ["https://app.example.com"], "resources": [{"path": "*", "methods": ["put"]}]}]}`,
			`{"allow":[{"origins":["http://127.0.0.1:8080"],"resources":[{"path":"*","methods":["put"]}]}]}`, true},
		{"fastify-cors", `{"origin": {"regexp": "^https://app\\.example\\.com$"}, "methods": ["PUT"]}`,
			`{"origin":{"regexp":"^http://127\\.0\\.0\\.1:8080$"},"methods":["PUT"]}`, true},
		{"gin-cors", `{"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["PUT"]}`,
			`{"AllowOrigins":["http://127.0.0.1:8080"],"AllowMethods":["PUT"]}`, true},
		{"nginx", `{"config": "map $http_origin $cors {\n  ~^https://app\\.example\\.com$ $http_origin;\n}\nif ($request_method = OPTIONS) {\n  add_header Access-Control-Allow-Origin $cors always;\n  add_header Access-Control-Allow-Methods PUT always;\n  return 204;\n}\nadd_header Access-Control-Allow-Origin $cors always;"}`,
			`{"config":"map $http_origin $cors {\n  ~^http://127\\.0\\.0\\.1:8080$ $http_origin;\n}\nif ($request_method = OPTIONS) {\n  add_header Access-Control-Allow-Origin $cors always;\n  add_header Access-Control-Allow-Methods PUT always;\n  return 204;\n}\nadd_header Access-Control-Allow-Origin $cors always;"}`, true},
	}
	for _, tt := range tests {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tt.opts), &opts); err != nil {
			t.Fatal(err)
		}
		s := engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: apiURL, Method: "PUT"},
			Server: engine.Server{Library: &engine.Library{Name: tt.name, Options: opts}}}
		got := engine.Relocate(s, newPage, newAPI)
		var want map[string]json.RawMessage
		json.Unmarshal([]byte(tt.wantOpts), &want)
		for k, v := range want {
			if g := string(got.Server.Library.Options[k]); g != string(v) {
				t.Errorf("%s: option %s = %s, want %s", tt.name, k, g, v)
			}
		}
		if len(got.Server.Library.Options) != len(want) {
			t.Errorf("%s: options %v", tt.name, got.Server.Library.Options)
		}
		for k, v := range opts {
			if string(s.Server.Library.Options[k]) != string(v) {
				t.Errorf("%s: Relocate modified the option %s it was given", tt.name, k)
			}
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s: relocated scenario: %v", tt.name, err)
			continue
		}
		out := engine.Evaluate(got)
		if (out.Verdict == engine.Allowed) != tt.wantAllow {
			t.Errorf("%s: relocated verdict %s (%s %s)", tt.name, out.Verdict, out.Console, out.ConfigError)
		}
	}
}

// TestRelocateFlaskResourcesOrder: a resources object keeps its key order
// (Flask-CORS breaks ties by it).
func TestRelocateFlaskResourcesOrder(t *testing.T) {
	raw := `{"/x/*": {"origins": "https://app.example.com", "max_age": 1.50}, "/y/*": {"origins": ["a", "b"]}, "/x/*": {"max_age": 2}}`
	s := engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: apiURL},
		Server: engine.Server{Library: &engine.Library{Name: "flask-cors", Options: map[string]json.RawMessage{"resources": json.RawMessage(raw)}}}}
	got := string(engine.Relocate(s, newPage, newAPI).Server.Library.Options["resources"])
	want := `{"/x/*":{"origins":"http://127.0.0.1:8080","max_age":1.50},"/y/*":{"origins":["a","b"]},"/x/*":{"max_age":2}}`
	if got != want {
		t.Errorf("resources\n got %s\nwant %s", got, want)
	}
}
