package engine

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"corsplay/engine/pattern"
)

const (
	appOrigin = "https://app.example.com"
	apiURL    = "https://api.example.com/items"
)

func preflightReq(origin, method, headers string) HTTPRequest {
	hs := Headers{{Name: "Origin", Value: origin}, {Name: headerRequestMethod, Value: method}}
	if headers != "" {
		hs = append(hs, Header{Name: headerRequestHeaders, Value: headers})
	}
	return HTTPRequest{Method: "OPTIONS", URL: apiURL, Headers: hs}
}

func actualReq(origin string) HTTPRequest {
	hs := Headers{}
	if origin != "" {
		hs = append(hs, Header{Name: "Origin", Value: origin})
	}
	return HTTPRequest{Method: "GET", URL: apiURL, Headers: hs}
}

var originRuleTests = []struct {
	rule, origin string
	want         bool
}{
	{appOrigin, appOrigin, true},
	{appOrigin, "https://APP.example.com", false},
	{appOrigin + "/", appOrigin, false}, // a trailing slash never matches
	{appOrigin, "http://app.example.com", false},
	{"https://*.example.com", "https://a.example.com", true},
	{"https://*.example.com", "https://a.b.example.com", true},
	{"https://*.example.com", "https://example.com", false}, // not the apex
	{"https://*.example.com", "https://evilexample.com", false},
	{"https://*.example.com", "https://a.example.com.evil.net", false},
	{"https://*.example.com", "http://a.example.com", false},
	{"https://*.example.com", "https://a.example.com:8443", false},
	{"https://*.example.com:8443", "https://a.example.com:8443", true},
	{"https://*.example.com:443", "https://a.example.com", true},
	{"http://localhost:*", "http://localhost:3000", true},
	{"http://localhost:*", "http://localhost", true},
	{"http://localhost:*", "http://localhost.evil.net:3000", false},
	{"http://localhost:*", "https://localhost:3000", false},
	{`re:^https://(a|b)\.example\.org$`, "https://a.example.org", true},
	{`re:^https://(a|b)\.example\.org$`, "https://c.example.org", false},
	{`re:^https://app\.example\.com`, "https://app.example.com.evil.net", true}, // unanchored end: MatchString searches
	{`re:https://app.example.com$`, "https://appxexample.com", true},            // unescaped dot
	{`re:example\.com$`, "https://evilexample.com", true},
	{"null", "null", true},
}

func TestOriginRuleMatches(t *testing.T) {
	for _, tt := range originRuleTests {
		r, err := parseOriginRule(tt.rule, &pattern.Set{})
		if err != nil {
			t.Fatalf("parseOriginRule(%q): %v", tt.rule, err)
		}
		if got := r.matches(tt.origin, testMeter()); got != tt.want {
			t.Errorf("rule %q matches %q = %v, want %v", tt.rule, tt.origin, got, tt.want)
		}
	}
}

var badPolicyTests = []struct {
	name  string
	p     Policy
	field string
}{
	{"bad regex", Policy{Origins: []string{"re:(unclosed"}}, "server.policy.origins[0]"},
	{"misplaced wildcard", Policy{Origins: []string{appOrigin, "https://example.*"}}, "server.policy.origins[1]"},
	{"wildcard without scheme", Policy{Origins: []string{"*.example.com"}}, "server.policy.origins[0]"},
	{"empty origin", Policy{Origins: []string{""}}, "server.policy.origins[0]"},
	{"huge pattern", Policy{Origins: []string{"re:" + strings.Repeat("a", MaxPatternBytes)}}, "server.policy.origins[0]"},
	{"anyOrigin", Policy{AnyOrigin: "all"}, "server.policy.anyOrigin"},
	{"method with space", Policy{Methods: []string{"PUT DELETE"}}, "server.policy.methods[0]"},
	{"header with comma", Policy{RequestHeaders: []string{"a,b"}}, "server.policy.requestHeaders[0]"},
	{"expose empty", Policy{ExposeHeaders: []string{""}}, "server.policy.exposeHeaders[0]"},
	{"status", Policy{PreflightStatus: 99}, "server.policy.preflightStatus"},
	{"too many origins", Policy{Origins: slices.Repeat([]string{appOrigin}, MaxPolicyEntries+1)}, "server.policy.origins"},
}

func TestPolicyValidate(t *testing.T) {
	for _, tt := range badPolicyTests {
		t.Run(tt.name, func(t *testing.T) {
			err := Server{Policy: &tt.p}.validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("validate() = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
	if err := (Server{Policy: &Policy{}, Raw: &RawServer{}}).validate(); err == nil {
		t.Error("a server with both raw and policy validates")
	}
}

var respondTests = []struct {
	name   string
	p      Policy
	req    HTTPRequest
	status int
	want   Headers // every CORS header and Vary, in order
}{
	{"empty policy allows nothing", Policy{}, actualReq(appOrigin), 200,
		Headers{{Name: "Vary", Value: "Origin"}}},
	{"empty policy preflight", Policy{}, preflightReq(appOrigin, "PUT", ""), 204,
		Headers{{Name: "Vary", Value: "Origin"}}},
	{"listed origin", Policy{Origins: []string{appOrigin}}, actualReq(appOrigin), 200,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: "Vary", Value: "Origin"}}},
	{"no Origin header", Policy{Origins: []string{appOrigin}}, actualReq(""), 200,
		Headers{{Name: "Vary", Value: "Origin"}}},
	{"unlisted origin", Policy{Origins: []string{appOrigin}}, actualReq("https://evil.net"), 200,
		Headers{{Name: "Vary", Value: "Origin"}}},
	{"credentials", Policy{Origins: []string{appOrigin}, Credentials: true}, actualReq(appOrigin), 200,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerAllowCredentials, Value: "true"}, {Name: "Vary", Value: "Origin"}}},
	{"wildcard is static", Policy{AnyOrigin: AnyOriginWildcard}, actualReq("https://evil.net"), 200,
		Headers{{Name: headerAllowOrigin, Value: "*"}}},
	{"wildcard with credentials sends both", Policy{AnyOrigin: AnyOriginWildcard, Credentials: true}, actualReq(appOrigin), 200,
		Headers{{Name: headerAllowOrigin, Value: "*"}, {Name: headerAllowCredentials, Value: "true"}}},
	{"reflect echoes anything", Policy{AnyOrigin: AnyOriginReflect}, actualReq("https://evil.net"), 200,
		Headers{{Name: headerAllowOrigin, Value: "https://evil.net"}, {Name: "Vary", Value: "Origin"}}},
	{"reflect echoes null", Policy{AnyOrigin: AnyOriginReflect}, actualReq("null"), 200,
		Headers{{Name: headerAllowOrigin, Value: "null"}, {Name: "Vary", Value: "Origin"}}},
	{"null refused by default", Policy{Origins: []string{appOrigin}}, actualReq("null"), 200,
		Headers{{Name: "Vary", Value: "Origin"}}},
	{"allowNull", Policy{AllowNull: true}, actualReq("null"), 200,
		Headers{{Name: headerAllowOrigin, Value: "null"}, {Name: "Vary", Value: "Origin"}}},
	{"vary off", Policy{Origins: []string{appOrigin}, Vary: new(bool)}, actualReq(appOrigin), 200,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}}},
	{"expose list", Policy{Origins: []string{appOrigin}, ExposeHeaders: []string{"X-Request-Id", "X-Total"}}, actualReq(appOrigin), 200,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerExposeHeaders, Value: "X-Request-Id, X-Total"}, {Name: "Vary", Value: "Origin"}}},
	{"expose * without credentials is literal", Policy{AnyOrigin: AnyOriginWildcard, ExposeHeaders: []string{"*"}}, actualReq(appOrigin), 200,
		Headers{{Name: headerAllowOrigin, Value: "*"}, {Name: headerExposeHeaders, Value: "*"}}},
	{"expose * with credentials lists the names", Policy{Origins: []string{appOrigin}, Credentials: true, ExposeHeaders: []string{"*"}}, actualReq(appOrigin), 200,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerAllowCredentials, Value: "true"}, {Name: headerExposeHeaders, Value: "X-Request-Id"}, {Name: "Vary", Value: "Origin"}}},
	{"preflight lists", Policy{Origins: []string{appOrigin}, Methods: []string{"PUT", "DELETE"}, RequestHeaders: []string{"Content-Type"}, MaxAge: new(int64(600))}, preflightReq(appOrigin, "PUT", "content-type,x-a"), 204,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerAllowMethods, Value: "PUT, DELETE"}, {Name: headerAllowHeaders, Value: "Content-Type"}, {Name: headerMaxAge, Value: "600"}, {Name: "Vary", Value: "Origin"}}},
	{"preflight * without credentials", Policy{AnyOrigin: AnyOriginWildcard, Methods: []string{"*"}, RequestHeaders: []string{"*"}}, preflightReq(appOrigin, "PATCH", "x-a"), 204,
		Headers{{Name: headerAllowOrigin, Value: "*"}, {Name: headerAllowMethods, Value: "*"}, {Name: headerAllowHeaders, Value: "*"}}},
	{"preflight * keeps Authorization by name", Policy{AnyOrigin: AnyOriginWildcard, RequestHeaders: []string{"*", "Authorization"}}, preflightReq(appOrigin, "GET", "authorization"), 204,
		Headers{{Name: headerAllowOrigin, Value: "*"}, {Name: headerAllowHeaders, Value: "*, Authorization"}}},
	{"preflight * with credentials echoes", Policy{Origins: []string{appOrigin}, Credentials: true, Methods: []string{"*"}, RequestHeaders: []string{"*"}}, preflightReq(appOrigin, "patch", "authorization,x-a"), 204,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerAllowCredentials, Value: "true"}, {Name: headerAllowMethods, Value: "patch"}, {Name: headerAllowHeaders, Value: "authorization,x-a"},
			{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}}},
	{"preflight max-age 0", Policy{Origins: []string{appOrigin}, MaxAge: new(int64(0))}, preflightReq(appOrigin, "PUT", ""), 204,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerMaxAge, Value: "0"}, {Name: "Vary", Value: "Origin"}}},
	{"preflight status", Policy{Origins: []string{appOrigin}, PreflightStatus: 200}, preflightReq(appOrigin, "PUT", ""), 200,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: "Vary", Value: "Origin"}}},
	{"refused preflight keeps the status, no CORS header", Policy{Origins: []string{appOrigin}, PreflightStatus: 403}, preflightReq("https://evil.net", "PUT", ""), 403,
		Headers{{Name: "Vary", Value: "Origin"}}},
	{"OPTIONS without Access-Control-Request-Method is no preflight", Policy{Origins: []string{appOrigin}, Methods: []string{"PUT"}},
		HTTPRequest{Method: "OPTIONS", URL: apiURL, Headers: Headers{{Name: "Origin", Value: appOrigin}}}, 200,
		Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: "Vary", Value: "Origin"}}},
}

func TestPolicyRespond(t *testing.T) {
	for _, tt := range respondTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Server{Policy: &tt.p}.Respond(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.status {
				t.Errorf("status %d, want %d", got.Status, tt.status)
			}
			var cors Headers
			for _, h := range got.Headers {
				if strings.HasPrefix(h.Name, "Access-Control-") || h.Name == "Vary" {
					cors = append(cors, h)
				}
			}
			if !slices.Equal(cors, tt.want) {
				t.Errorf("CORS headers\n got  %v\n want %v", cors, tt.want)
			}
		})
	}
}

// TestPolicyExposedHeadersExist: the simulated application sends every
// header the policy exposes, so the page can see exposure at work.
func TestPolicyExposedHeadersExist(t *testing.T) {
	p := Policy{Origins: []string{appOrigin}, ExposeHeaders: []string{"X-Total", "Set-Cookie"}}
	got, _ := Server{Policy: &p}.Respond(actualReq(appOrigin))
	for _, n := range []string{"X-Total", "Set-Cookie", "Content-Type"} {
		if !got.Headers.Has(n) {
			t.Errorf("response lacks %s: %v", n, got.Headers)
		}
	}
}
