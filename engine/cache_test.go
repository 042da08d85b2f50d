package engine_test

import (
	"slices"
	"testing"

	"corsplay/engine"
)

// cacheScenario is a PUT with extra request headers, repeated at the given
// times, whose preflight answers with extra header pairs.
func cacheScenario(profile string, repeat []float64, headers engine.Headers, preflight ...string) engine.Scenario {
	s := sc(engine.Request{URL: apiURL, Method: "PUT", Headers: headers, Repeat: repeat},
		rawServer(preflightOK(append([]string{acam, "PUT"}, preflight...)...), resp(200, acao, pageOrigin)))
	s.Browser = profile
	return s
}

// cacheTests follow fetch-cors.md §9 (https://fetch.spec.whatwg.org/#concept-cache)
// and §7.2 step 8 / §14 rows 2-3 for the lifetimes.
var cacheTests = []struct {
	name    string
	s       engine.Scenario
	want    []string // Send.Preflight per repeat
	verdict string
}{
	{"max-age absent: 5 s", cacheScenario("chrome", []float64{0, 3, 10}, nil), []string{"sent", "cached", "sent"}, "allowed"},
	{"spec: max-age absent: 5 s", cacheScenario("spec", []float64{0, 3, 10}, nil), []string{"sent", "cached", "sent"}, "allowed"},
	{"max-age 0", cacheScenario("chrome", []float64{0, 1, 2}, nil, acma, "0"), []string{"sent", "sent", "sent"}, "allowed"},
	{"spec: max-age 0", cacheScenario("spec", []float64{0, 1, 2}, nil, acma, "0"), []string{"sent", "sent", "sent"}, "allowed"},
	{"chrome: max-age -1 is not cached", cacheScenario("chrome", []float64{0, 1, 2}, nil, acma, "-1"), []string{"sent", "sent", "sent"}, "allowed"},
	{"spec: max-age -1 falls back to 5 s", cacheScenario("spec", []float64{0, 1, 2}, nil, acma, "-1"), []string{"sent", "cached", "cached"}, "allowed"},
	{"max-age abc falls back to 5 s", cacheScenario("chrome", []float64{0, 4, 6}, nil, acma, "abc"), []string{"sent", "cached", "sent"}, "allowed"},
	{"chrome: max-age 100000 is capped at 7200", cacheScenario("chrome", []float64{0, 7199, 7201}, nil, acma, "100000"), []string{"sent", "cached", "sent"}, "allowed"},
	{"spec: max-age 100000 is not capped", cacheScenario("spec", []float64{0, 7199, 7201}, nil, acma, "100000"), []string{"sent", "cached", "cached"}, "allowed"},
	{"a new preflight restarts the lifetime", cacheScenario("chrome", []float64{0, 599, 600.5, 1000}, nil, acma, "600"), []string{"sent", "cached", "sent", "cached"}, "allowed"},
	{"chrome: a cached * never covers Authorization",
		cacheScenario("chrome", []float64{0, 1, 2}, hdrs("Authorization", "Bearer t"), acah, "*", acma, "600"), []string{"sent", "sent", "sent"}, "allowed"},
	{"Authorization listed by name is cached",
		cacheScenario("chrome", []float64{0, 1, 2}, hdrs("Authorization", "Bearer t"), acah, "authorization", acma, "600"), []string{"sent", "cached", "cached"}, "allowed"},
	{"a cached * covers other headers",
		cacheScenario("chrome", []float64{0, 1, 2}, hdrs("X-A", "1"), acah, "*", acma, "600"), []string{"sent", "cached", "cached"}, "allowed"},
	{"a failed preflight is not cached",
		cacheScenario("chrome", []float64{0, 1, 2}, hdrs("X-A", "1"), acma, "600"), []string{"sent", "sent", "sent"}, "blocked"},
	{"with credentials",
		func() engine.Scenario {
			s := sc(engine.Request{URL: apiURL, Method: "PUT", Credentials: "include", Repeat: []float64{0, 1}},
				rawServer(preflightOK(acac, "true", acam, "PUT", acma, "60"), credentialedActual))
			return s
		}(), []string{"sent", "cached"}, "allowed"},
	{"a simple request never needs one",
		sc(engine.Request{URL: apiURL, Repeat: []float64{0, 1, 100}}, rawServer(nil, resp(200, acao, "*"))), []string{"none", "none", "none"}, "allowed"},
	{"a blocked simple request never needs one",
		sc(engine.Request{URL: apiURL, Repeat: []float64{0, 1}}, rawServer(nil, resp(200))), []string{"none", "none"}, "blocked"},
	{"same origin",
		sc(engine.Request{URL: sameOriginURL, Method: "PUT", Repeat: []float64{0, 1}}, rawServer(nil, nil)), []string{"none", "none"}, "allowed"},
	{"no-cors",
		sc(engine.Request{URL: apiURL, Mode: "no-cors", Repeat: []float64{0, 1}}, rawServer(nil, nil)), []string{"none", "none"}, "opaque"},
	{"no repeat", cacheScenario("chrome", nil, nil), nil, "allowed"},
}

func TestPreflightCache(t *testing.T) {
	for _, tt := range cacheTests {
		t.Run(tt.name, func(t *testing.T) {
			out := engine.Evaluate(tt.s)
			var got []string
			for i, s := range out.Sends {
				got = append(got, s.Preflight)
				if i < len(tt.s.Request.Repeat) && s.At != tt.s.Request.Repeat[i] {
					t.Errorf("send %d at %v, want %v", i, s.At, tt.s.Request.Repeat[i])
				}
				if s.Verdict != tt.verdict {
					t.Errorf("send %d verdict %q, want %q", i, s.Verdict, tt.verdict)
				}
				if s.Detail == "" {
					t.Errorf("send %d has no detail", i)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Evaluate(repeat %v): sends %q, want %q", tt.s.Request.Repeat, got, tt.want)
			}
			if out.Verdict != tt.verdict {
				t.Errorf("Evaluate: verdict %q, want %q", out.Verdict, tt.verdict)
			}
		})
	}
}
