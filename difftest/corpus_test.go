package difftest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"corsplay/engine"
)

// loadCorpus returns the hand-picked edge cases under
// testdata/differential and the generated combinations.
func loadCorpus(t *testing.T) []engine.Scenario {
	t.Helper()
	files, err := filepath.Glob("../testdata/differential/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var all []engine.Scenario
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Not engine.Decode: the corpus also holds input that the CLI
		// refuses, to prove the TypeErrors the engine predicts for it.
		var ss []engine.Scenario
		if err := json.Unmarshal(data, &ss); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i := range ss {
			if ss[i].Title == "" {
				ss[i].Title = fmt.Sprintf("%s[%d]", filepath.Base(f), i)
			}
		}
		all = append(all, ss...)
	}
	all = append(all, generated()...)
	all = append(all, generatedRedirects()...)
	all = append(all, generatedLayers()...)
	return append(all, generatedPolicies()...)
}

const (
	genPage = "https://app.example.com"
	genAPI  = "https://api.example.com"
)

// A generated scenario combines one of each.
var (
	genMethods = []string{"GET", "POST", "HEAD", "PUT", "put", "DELETE", "patch", "PATCH", "OPTIONS", "FOO"}
	genHeaders = []engine.Headers{
		nil,
		hdrs("Content-Type", "application/json"),
		hdrs("Content-Type", "text/plain"),
		hdrs("X-Token", "abc"),
		hdrs("Authorization", "Bearer t"),
		hdrs("Accept", "application/json"),
		hdrs("Range", "bytes=0-10"),
		hdrs("X-B", "2", "X-A", "1"),
		hdrs("Content-Language", "en-US"),
		hdrs("X-Token", "abc", "Content-Type", "application/x-www-form-urlencoded"),
	}
	genCredentials = []string{"omit", "same-origin", "include"}
)

// preflight answers, as a function of the request they answer.
var genPreflights = []struct {
	name string
	make func(method string, names []string) *engine.Response
}{
	{"no-cors-support", func(string, []string) *engine.Response { return nil }},
	{"wildcards", func(string, []string) *engine.Response {
		return resp(204, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "*", "Access-Control-Allow-Headers", "*")
	}},
	{"exact-credentialed", func(m string, names []string) *engine.Response {
		return resp(204, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", m, "Access-Control-Allow-Headers", strings.Join(names, ", "))
	}},
	{"exact-no-credentials", func(m string, names []string) *engine.Response {
		return resp(200, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Methods", "GET, POST, "+m, "Access-Control-Allow-Headers", strings.Join(names, ","))
	}},
	{"upper-cased-method", func(m string, names []string) *engine.Response {
		return resp(204, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", strings.ToUpper(m), "Access-Control-Allow-Headers", strings.Join(names, ","))
	}},
	{"lower-cased-method", func(m string, names []string) *engine.Response {
		return resp(204, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", strings.ToLower(m), "Access-Control-Allow-Headers", strings.ToUpper(strings.Join(names, ",")))
	}},
	{"status-500", func(m string, names []string) *engine.Response {
		return resp(500, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Methods", m, "Access-Control-Allow-Headers", strings.Join(names, ","))
	}},
	{"status-401-no-headers", func(string, []string) *engine.Response { return resp(401, "WWW-Authenticate", "Bearer") }},
	{"redirect", func(string, []string) *engine.Response {
		return resp(301, "Location", genAPI+"/elsewhere", "Access-Control-Allow-Origin", "*")
	}},
	{"no-allow-headers", func(m string, _ []string) *engine.Response {
		return resp(204, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", m)
	}},
	{"unparsable-methods", func(m string, names []string) *engine.Response {
		return resp(204, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", m+" GET", "Access-Control-Allow-Headers", strings.Join(names, ","))
	}},
	{"allow-origin-mismatch", func(m string, names []string) *engine.Response {
		return resp(204, "Access-Control-Allow-Origin", "https://other.example.com", "Access-Control-Allow-Methods", m, "Access-Control-Allow-Headers", strings.Join(names, ","))
	}},
}

var genActuals = []struct {
	name string
	r    *engine.Response
}{
	{"star", resp(200, "Access-Control-Allow-Origin", "*", "Content-Type", "application/json", "X-Request-Id", "7")},
	{"exact", resp(200, "Access-Control-Allow-Origin", genPage, "Vary", "Origin", "Content-Type", "text/plain")},
	{"exact-credentialed", resp(200, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Credentials", "true", "Cache-Control", "no-store")},
	{"missing", resp(200, "Content-Type", "application/json")},
	{"trailing-slash", resp(200, "Access-Control-Allow-Origin", genPage+"/")},
	{"two-lines", resp(200, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Origin", genPage)},
	{"acac-True", resp(200, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Credentials", "True")},
	{"expose-list", resp(201, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Request-Id, Set-Cookie", "X-Request-Id", "9", "Set-Cookie", "a=b", "X-Hidden", "1")},
	{"expose-star", resp(200, "Access-Control-Allow-Origin", "*", "Access-Control-Expose-Headers", "*", "X-Request-Id", "9", "Set-Cookie", "a=b", "Content-Language", "en")},
	{"error-status", resp(500, "Access-Control-Allow-Origin", "*", "Content-Type", "text/plain")},
}

func resp(status int, kv ...string) *engine.Response {
	return &engine.Response{Status: status, Headers: hdrs(kv...)}
}

// hdrs makes a header list from name, value pairs.
func hdrs(kv ...string) engine.Headers {
	hs := engine.Headers{}
	for i := 0; i+1 < len(kv); i += 2 {
		hs = append(hs, engine.Header{Name: kv[i], Value: kv[i+1]})
	}
	return hs
}

// generated returns combinations of method, headers, credentials and server
// answers, drawn with a fixed seed so that the suite is the same every run.
func generated() []engine.Scenario {
	rng := rand.New(rand.NewPCG(2026, 11))
	var out []engine.Scenario
	seen := map[string]bool{}
	for len(out) < 300 {
		m := genMethods[rng.IntN(len(genMethods))]
		hs := genHeaders[rng.IntN(len(genHeaders))]
		c := genCredentials[rng.IntN(len(genCredentials))]
		p := genPreflights[rng.IntN(len(genPreflights))]
		a := genActuals[rng.IntN(len(genActuals))]
		mode := "cors"
		if rng.IntN(12) == 0 {
			mode = "no-cors"
		}
		title := fmt.Sprintf("gen %s %v %s %s preflight=%s actual=%s", m, hs, c, mode, p.name, a.name)
		if seen[title] {
			continue
		}
		seen[title] = true
		var names []string
		for _, h := range hs {
			names = append(names, h.Name)
		}
		s := engine.Scenario{
			V: engine.Version, Title: title, Page: genPage,
			Request: engine.Request{URL: genAPI + "/items/42?q=1", Method: m, Headers: hs, Credentials: c, Mode: mode},
			Server:  engine.Server{Raw: &engine.RawServer{Preflight: p.make(m, names), Actual: a.r}},
		}
		if m != "GET" && m != "HEAD" && rng.IntN(2) == 0 {
			body := `{"a":1}`
			s.Request.Body = &body
		}
		out = append(out, s)
	}
	return out
}

// Policy dimensions: a generated policy scenario combines one of each.
var (
	genOrigins = [][]string{
		{genPage}, {genPage + "/"}, {"https://other.example.com"}, {`re:^https://app\.example\.com$`},
		{`re:^https://app\.example\.com`}, {"http://127.0.0.1:*"}, nil, {"https://*.example.com", genPage},
	}
	genAnyOrigin      = []string{"", "", "", "wildcard", "reflect"}
	genPolicyMethods  = [][]string{nil, {"PUT"}, {"*"}, {"put"}, {"PATCH", "DELETE"}, {"GET", "POST", "PUT", "patch"}}
	genPolicyHeaders  = [][]string{nil, {"Content-Type"}, {"*"}, {"X-Token", "Content-Type"}, {"Authorization"}, {"*", "Authorization"}}
	genPolicyExpose   = [][]string{nil, {"X-Request-Id"}, {"*"}, {"Set-Cookie", "X-Request-Id"}}
	genPolicyMaxAge   = []*int64{nil, ptr[int64](600), ptr[int64](-1)}
	genPolicyStatuses = []int{0, 0, 200, 403}
)

func ptr[T any](v T) *T { return &v }

// generatedPolicies returns policy scenarios drawn with a fixed seed: the
// engine's simulated middleware answers what Chromium really sends.
func generatedPolicies() []engine.Scenario {
	rng := rand.New(rand.NewPCG(2026, 12))
	pick := func(n int) int { return rng.IntN(n) }
	var out []engine.Scenario
	for i := 0; len(out) < 160; i++ {
		p := &engine.Policy{
			Origins:         genOrigins[pick(len(genOrigins))],
			AnyOrigin:       genAnyOrigin[pick(len(genAnyOrigin))],
			Credentials:     pick(2) == 0,
			Methods:         genPolicyMethods[pick(len(genPolicyMethods))],
			RequestHeaders:  genPolicyHeaders[pick(len(genPolicyHeaders))],
			ExposeHeaders:   genPolicyExpose[pick(len(genPolicyExpose))],
			MaxAge:          genPolicyMaxAge[pick(len(genPolicyMaxAge))],
			PreflightStatus: genPolicyStatuses[pick(len(genPolicyStatuses))],
		}
		if pick(4) == 0 {
			p.Vary = ptr(false)
		}
		page := genPage
		if pick(10) == 0 {
			page = "null"
			p.AllowNull = pick(2) == 0
		}
		m := genMethods[pick(len(genMethods))]
		hs := genHeaders[pick(len(genHeaders))]
		c := genCredentials[pick(len(genCredentials))]
		s := engine.Scenario{
			V: engine.Version, Page: page,
			Title:   fmt.Sprintf("policy %d: %s %v %s", i, m, hs, c),
			Request: engine.Request{URL: genAPI + "/items/7", Method: m, Headers: hs, Credentials: c},
			Server:  engine.Server{Policy: p},
		}
		if m != "GET" && m != "HEAD" && pick(2) == 0 {
			body := `{"a":1}`
			s.Request.Body = &body
		}
		out = append(out, s)
	}
	return out
}

// portCases are request URLs whose port is spelt in a way the URL standard
// rewrites or refuses (https://url.spec.whatwg.org/#port-state). {P} is the
// page's loopback port, {Q} the other origin's, {ID} the scenario's id.
// "same-origin" mode makes Chromium print the URL as it parsed it without
// sending anything, where no server listens on the port.
var portCases = []struct {
	title, url, mode string
	acao             bool   // the answer allows the page
	verdict          string // what the engine must say, Chromium agreeing
}{
	{"leading zeros, other origin: the console prints the port without them", "http://127.0.0.1:0{Q}/s/{ID}/r", "", false, engine.Blocked},
	{"leading zeros, other origin, allowed", "http://127.0.0.1:00{Q}/s/{ID}/r", "", true, engine.Allowed},
	{"leading zeros make the page's own port: same origin", "http://127.0.0.1:0{P}/s/{ID}/r", "", false, engine.Allowed},
	{"leading zeros down to the default port, which is dropped", "http://127.0.0.1:00000000000000000080/s/{ID}/r", "same-origin", false, engine.Blocked},
	{"https leading zeros down to 443", "https://127.0.0.1:0443/s/{ID}/r", "same-origin", false, engine.Blocked},
	{"empty port: the default", "http://127.0.0.1:/s/{ID}/r", "same-origin", false, engine.Blocked},
	{"port 65535, the largest", "http://127.0.0.1:65535/s/{ID}/r", "same-origin", false, engine.Blocked},
	{"port 0", "http://127.0.0.1:0/s/{ID}/r", "same-origin", false, engine.Blocked},
	{"port 65536 does not parse", "http://127.0.0.1:65536/s/{ID}/r", "", false, engine.Error},
	{"port 99999 does not parse", "https://a.example:99999/", "", false, engine.Error},
	{"port 100000 does not parse", "http://127.0.0.1:100000/s/{ID}/r", "", false, engine.Error},
	{"port 065536 does not parse, zeros or not", "http://127.0.0.1:065536/s/{ID}/r", "", false, engine.Error},
	{"port 99999999999999999999 does not parse", "http://127.0.0.1:99999999999999999999/s/{ID}/r", "", false, engine.Error},
}

// TestChromiumURLPorts runs portCases as written. They cannot go through
// TestChromiumAgrees, whose engine.Relocate puts the loopback origin, and
// so its port, in place of the URL's.
func TestChromiumURLPorts(t *testing.T) {
	w := newWire(t)
	c := newChromium(t)
	_, pagePort, _ := strings.Cut(strings.TrimPrefix(w.page, "http://"), ":")
	_, otherPort, _ := strings.Cut(strings.TrimPrefix(w.other, "http://"), ":")
	var runs []*run
	for i, c := range portCases {
		u := strings.NewReplacer("{P}", pagePort, "{Q}", otherPort, "{ID}", fmt.Sprint(i)).Replace(c.url)
		actual := resp(200, "Content-Type", "text/plain")
		if c.acao {
			actual = resp(200, "Access-Control-Allow-Origin", w.page)
		}
		s := engine.Scenario{V: engine.Version, Title: c.title, Page: w.page,
			Request: engine.Request{URL: u, Mode: c.mode}, Server: engine.Server{Raw: &engine.RawServer{Actual: actual}}}
		w.register(i, s)
		r := &run{id: i, title: c.title, local: s, want: engine.Evaluate(s)}
		if r.want.Verdict != c.verdict {
			t.Errorf("%s (%s): engine verdict %q, want %q (%s)", c.title, u, r.want.Verdict, c.verdict, r.want.Console)
		}
		runs = append(runs, r)
	}
	observe(t, c, w, runs)
	for _, r := range runs {
		if diffs := compare(r, w.received(r.id), c); len(diffs) > 0 {
			t.Errorf("%q (%s): engine and Chromium disagree:\n  %s", r.title, r.local.Request.URL, strings.Join(diffs, "\n  "))
		}
		t.Logf("%s: %s: %s", r.local.Request.URL, r.want.Verdict, r.want.Console)
	}
}
