package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// differentialFixtures are the scenarios of the differential suite, as
// typed (testdata/differential).
func differentialFixtures(t *testing.T) []Scenario {
	t.Helper()
	files, _ := filepath.Glob("../testdata/differential/*.json")
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	var scenarios []Scenario
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ss []Scenario
		if err := json.Unmarshal(data, &ss); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		scenarios = append(scenarios, ss...)
	}
	return scenarios
}

// TestBrowsersAreEachBrowsersEvaluation: Outcome.Browsers says, for Chrome,
// Firefox and Safari in that order, what evaluating the scenario in that
// browser gives: its verdict, whether it sends a preflight and its console
// line. Over the differential corpus, each scenario in one of the profiles,
// and the library configurations of the import tests against three
// requests (the library's emulation is built once for all the browsers).
func TestBrowsersAreEachBrowsersEvaluation(t *testing.T) {
	scenarios := differentialFixtures(t)
	for _, tt := range importTests {
		lib := Library{Name: tt.lib, Options: importOptions(t, tt.options)}
		u := tt.url
		if u == "" {
			u = apiURL
		}
		for _, r := range []Request{
			{URL: u},
			{URL: u, Method: "PUT", Headers: Headers{{Name: "Content-Type", Value: "application/json"}}, Credentials: CredentialsInclude},
			{URL: u, Method: "DELETE", Headers: Headers{{Name: "Authorization", Value: "Bearer x"}, {Name: "X-Custom", Value: "1"}}},
		} {
			scenarios = append(scenarios, Scenario{V: Version, Title: tt.name + " " + r.Method, Page: appOrigin, Request: r, Server: Server{Library: &lib}})
		}
	}
	verdicts := map[string]int{}
	for i, s := range scenarios {
		s.Browser = Profiles[i%len(Profiles)]
		out := Evaluate(s)
		if len(out.Browsers) != len(realBrowsers) {
			t.Errorf("%q in %s: %d browsers, want %d", s.Title, s.Browser, len(out.Browsers), len(realBrowsers))
			continue
		}
		for j, got := range out.Browsers {
			other := s
			other.Browser = realBrowsers[j]
			o := Evaluate(other)
			want := BrowserVerdict{Browser: other.Browser, Title: profileOf(other.Browser).title, Verdict: o.Verdict, Preflight: o.Preflight != nil, Console: o.Console}
			if got != want {
				t.Errorf("%q in %s: Browsers[%d]\n got  %+v\n want %+v (Evaluate in %s)", s.Title, s.Browser, j, got, want, other.Browser)
			}
			verdicts[got.Verdict]++
		}
	}
	// The corpus must cover every verdict, so that the comparison above
	// means something for each.
	for _, v := range []string{Allowed, Blocked, Opaque, Error} {
		if verdicts[v] == 0 {
			t.Errorf("no browser's verdict is %s in %d scenarios", v, len(scenarios))
		}
	}
}
