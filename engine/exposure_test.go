package engine

import "testing"

// exposureTests: for a policy, the derived origins a scanner would try and
// what each may read.
var exposureTests = []struct {
	name   string
	p      Policy
	origin string
	kind   string
	read   bool // without cookies
	cookie bool // with cookies
	risk   string
}{
	{"exact: the origin itself", Policy{Origins: []string{appOrigin}, Credentials: true}, appOrigin, "page", true, true, "expected"},
	{"exact: http downgrade refused", Policy{Origins: []string{appOrigin}, Credentials: true}, "http://app.example.com", "http-downgrade", false, false, "ok"},
	{"exact: suffix refused", Policy{Origins: []string{appOrigin}}, "https://app.example.com.evil-attacker.net", "suffix", false, false, "ok"},
	{"reflect+credentials: unrelated reads with cookies", Policy{AnyOrigin: AnyOriginReflect, Credentials: true}, "https://evil-attacker.net", "unrelated", true, true, "danger"},
	{"reflect: null reads", Policy{AnyOrigin: AnyOriginReflect}, "null", "null", true, false, "danger"},
	{"wildcard: anyone reads without cookies", Policy{AnyOrigin: AnyOriginWildcard}, "https://evil-attacker.net", "unrelated", true, false, "danger"},
	{"wildcard+credentials: never with cookies", Policy{AnyOrigin: AnyOriginWildcard, Credentials: true}, "https://evil-attacker.net", "unrelated", true, false, "danger"},
	{"allowNull", Policy{Origins: []string{appOrigin}, AllowNull: true, Credentials: true}, "null", "null", true, true, "danger"},
	{"subdomains: deeper subdomain", Policy{Origins: []string{"https://*.example.com"}}, "https://evil.deep.example.com", "deeper-subdomain", true, false, "warning"},
	{"subdomains: apex refused", Policy{Origins: []string{"https://*.example.com"}}, "https://example.com", "apex", false, false, "ok"},
	{"subdomains: prefix refused", Policy{Origins: []string{"https://*.example.com"}}, "https://evilexample.com", "prefix", false, false, "ok"},
	{"regex without end anchor", Policy{Origins: []string{`re:^https://app\.example\.com`}}, "https://app.example.com.evil-attacker.net", "suffix", true, false, "danger"},
	{"regex with unescaped dot", Policy{Origins: []string{`re:^https://app.example.com$`}}, "https://appxexample.com", "unescaped-dot", true, false, "danger"},
	{"regex without start anchor", Policy{Origins: []string{`re:example\.com$`}}, "https://evilexample.com", "prefix", true, false, "danger"},
	{"anyPort: another host refused", Policy{Origins: []string{"http://localhost:*"}}, "http://localhost.evil-attacker.net", "suffix", false, false, "ok"},
	{"http origin trusted", Policy{Origins: []string{"http://app.example.com"}, Credentials: true}, "http://app.example.com", "trusted", true, true, "expected"},
	{"public suffix wildcard", Policy{Origins: []string{"https://*.github.io"}}, "https://attacker.github.io", "public-suffix", true, false, "danger"},
}

func TestExposure(t *testing.T) {
	for _, tt := range exposureTests {
		t.Run(tt.name, func(t *testing.T) {
			probes := Exposure(policyScenario(tt.p, "GET", nil, ""))
			for _, p := range probes {
				if p.Origin != tt.origin {
					continue
				}
				if p.Kind != tt.kind || p.Readable != tt.read || p.WithCookies != tt.cookie || p.Risk != tt.risk {
					t.Errorf("%s: got kind %s readable %v withCookies %v risk %s; want %s %v %v %s", p.Origin, p.Kind, p.Readable, p.WithCookies, p.Risk, tt.kind, tt.read, tt.cookie, tt.risk)
				}
				if p.Why == "" {
					t.Errorf("%s: no explanation", p.Origin)
				}
				return
			}
			t.Errorf("no probe for %s among %d", tt.origin, len(probes))
		})
	}
}

func TestExposureOnlyForPolicies(t *testing.T) {
	if got := Exposure(rawScenario(nil, nil, "GET", nil, "")); got != nil {
		t.Errorf("Exposure of a raw server = %v, want nil", got)
	}
}

func TestRegistrableDomain(t *testing.T) {
	for in, want := range map[string]string{
		"app.example.com": "example.com", "example.com": "example.com", "a.b.example.co.uk": "example.co.uk",
		"me.github.io": "me.github.io", "127.0.0.1": "127.0.0.1", "localhost": "localhost",
	} {
		if got := registrableDomain(in); got != want {
			t.Errorf("registrableDomain(%q) = %q, want %q", in, got, want)
		}
	}
}
