package app

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
	"corsplay/presets"
)

func TestRawHTTP(t *testing.T) {
	req := engine.HTTPRequest{Method: "OPTIONS", URL: "https://api.example.com/items/42?q=1", Headers: engine.Headers{
		{Name: "Origin", Value: "https://app.example.com"}, {Name: "Access-Control-Request-Method", Value: "PUT"},
	}}
	want := "OPTIONS /items/42?q=1 HTTP/1.1\nHost: api.example.com\nOrigin: https://app.example.com\nAccess-Control-Request-Method: PUT\n"
	if got := rawRequest(req); got != want {
		t.Errorf("rawRequest:\n%s\nwant\n%s", got, want)
	}
	resp := engine.Response{Status: 204, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
	if got, want := rawResponse(resp), "HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: *\n"; got != want {
		t.Errorf("rawResponse: %q, want %q", got, want)
	}
}

func TestFetchCode(t *testing.T) {
	s := defaultScenario()
	out := engine.Evaluate(s)
	code := fetchCode(s, out)
	for _, want := range []string{
		`fetch("https://api.example.com/items/42", {`, `method: "PUT"`, `credentials: "include"`,
		`headers: {"Content-Type": "application/json"}`, `body: "{\"name\":\"corsplay\"}"`,
		`res.headers.get("x-request-id"); // "42"`,
	} {
		if !strings.Contains(code, want) {
			t.Errorf("fetch code lacks %s:\n%s", want, code)
		}
	}
	s.Request.Headers = append(s.Request.Headers, engine.Header{Name: "content-type", Value: "text/plain"})
	if code := fetchCode(s, engine.Evaluate(s)); !strings.Contains(code, `headers: [["Content-Type", "application/json"], ["content-type", "text/plain"]]`) {
		t.Errorf("repeated header names need the pairs form:\n%s", code)
	}
	s.Request.Method = "patch"
	if code := fetchCode(s, engine.Evaluate(s)); !strings.Contains(code, "TypeError: Failed to fetch") {
		t.Errorf("a blocked request's code says nothing of the rejection:\n%s", code)
	}
}

// TestJSQuotesAsJSON: the fetch() code's string literals are JSON's, but
// for <, > and &, which stay as they are.
func TestJSQuotesAsJSON(t *testing.T) {
	ss := []string{"", "plain", `a "quoted" \ back`, "<b>&amp;</b>", "tab\there\nline\r\b\f\x00\x1f\x7f",
		"é ü 日本 \u2028 \u2029 \ufffd 😀", "\xff\xfe bad \xc3 half \xed\xa0\x80 surrogate"}
	for b := range 256 {
		ss = append(ss, string([]byte{byte(b)}), "a"+string([]byte{byte(b)})+"z")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		ss = append(ss, string(b))
	}
	for _, s := range ss {
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		if got, want := js(s), strings.TrimSuffix(buf.String(), "\n"); got != want {
			t.Errorf("js(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestListFields(t *testing.T) {
	if got := lines("https://a.example\n\n  https://b.example  \n"); strings.Join(got, "|") != "https://a.example|https://b.example" {
		t.Errorf("lines: %q", got)
	}
	if got := commaList("PUT, DELETE,PATCH  X"); strings.Join(got, "|") != "PUT|DELETE|PATCH|X" {
		t.Errorf("commaList: %q", got)
	}
	if got := parseRepeat("0, 3; 10 x"); len(got) != 3 || got[2] != 10 {
		t.Errorf("parseRepeat: %v", got)
	}
	if got := repeatText([]float64{0, 2.5, 10}); got != "0, 2.5, 10" {
		t.Errorf("repeatText: %q", got)
	}
}

// TestTypedText follows a field through keystrokes, its edits coming back
// from the scenario late, and changes made elsewhere.
func TestTypedText(t *testing.T) {
	type step struct {
		typed    string // a keystroke leaves this text; "" for none
		meaning  string // what the text means ("" with bad)
		bad      bool   // the text means nothing yet (half-typed JSON)
		send     bool   // the edit must go to the scenario
		back     string // then the scenario renders with this meaning
		external bool   // back is a change made elsewhere
		text     string // the field's text after the step
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a trailing separator survives its own edit", []step{
			{typed: "a,", meaning: "a", send: true, back: "a", text: "a,"},
			{typed: "a, ", meaning: "a", send: false, text: "a, "},
		}},
		{"an older edit rendered late keeps newer typing", []step{
			{typed: "a", meaning: "a", send: true, text: "a"},
			{typed: "a,b", meaning: "a\x00b", send: true, back: "a", text: "a,b"},
			{back: "a\x00b", text: "a,b"},
		}},
		{"half-typed JSON keeps its text when the last valid edit arrives", []step{
			{typed: "{}", meaning: "{}", send: true, text: "{}"},
			{typed: "{},", bad: true, send: false, back: "{}", text: "{},"},
		}},
		{"typing back and forth sends each change", []step{
			{typed: "ab", meaning: "ab", send: true, text: "ab"},
			{typed: "a", meaning: "a", send: true, back: "ab", text: "a"},
			{back: "a", text: "a"},
		}},
		{"a change made elsewhere replaces the text", []step{
			{typed: "a,", meaning: "a", send: true, back: "a", text: "a,"},
			{back: "z", external: true, text: "z"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := typedText{text: "x", last: "x"}
			for i, st := range tt.steps {
				if st.typed != "" {
					if got := f.typed(st.typed, st.meaning, !st.bad); got != st.send {
						t.Fatalf("step %d: typed %q sends %v, want %v", i, st.typed, got, st.send)
					}
				}
				if st.back != "" {
					shown, ok := st.meaning, !st.bad
					if st.typed == "" {
						shown = f.last
					}
					if got := f.sync(st.back, st.back, shown, ok); got != st.external {
						t.Fatalf("step %d: %q coming back replaces the text: %v, want %v", i, st.back, got, st.external)
					}
				}
				if f.text != st.text {
					t.Fatalf("step %d: the field reads %q, want %q", i, f.text, st.text)
				}
			}
		})
	}
}

func TestEmbedCode(t *testing.T) {
	got := embedCode("https://corsplay.example/?x=1#s1=abc", `Cookies & "*"`)
	want := `<iframe src="https://corsplay.example/embed#s1=abc" title="corsplay: Cookies &amp; &#34;*&#34;" width="100%" height="720" loading="lazy" style="border:0"></iframe>`
	if got != want {
		t.Errorf("embedCode:\n got %s\nwant %s", got, want)
	}
	if got := embedCode("https://corsplay.example/", ""); !strings.Contains(got, `src="https://corsplay.example/embed"`) || !strings.Contains(got, "a CORS scenario") {
		t.Errorf("embedCode without a fragment or title: %s", got)
	}
}

var headerStatusTests = []struct {
	name, value, label string
}{
	{"Content-Type", "application/json", "needs preflight"},
	{"Content-Type", "text/plain", "safelisted"},
	{"Cookie", "a=b", "dropped"},
	{"User-Agent", "x", "dropped"},
	{"X A", "1", "invalid"},
	{"DPR", "2", "safelisted"},
}

func TestRequestHeaderStatus(t *testing.T) {
	for _, tt := range headerStatusTests {
		if label, _, title := requestHeaderStatus(engine.Chrome, engine.Header{Name: tt.name, Value: tt.value}); label != tt.label || title == "" {
			t.Errorf("%s: %s → %q (%q), want %q", tt.name, tt.value, label, title, tt.label)
		}
	}
	if label, _, _ := requestHeaderStatus(engine.Spec, engine.Header{Name: "DPR", Value: "2"}); label != "needs preflight" {
		t.Errorf("the spec profile preflights DPR, got %q", label)
	}
}

// TestVerdictRender renders the verdict natively for a blocked request: the
// banner, Chrome's console text and the CorsError are in the HTML.
func TestVerdictRender(t *testing.T) {
	s := defaultScenario()
	s.Request.Method = "patch"
	out := engine.Evaluate(s)
	html := app.HTMLString(newVerdict(s, out, incomplete(s), false))
	for _, want := range []string{"Blocked by CORS", "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.", "MethodDisallowedByPreflightResponse"} {
		if !strings.Contains(html, want) {
			t.Errorf("verdict HTML lacks %q", want)
		}
	}
}

// TestExchangeMessages: the diagram has an arrow per message, and a
// blocked preflight shows the request as never sent.
func TestExchangeMessages(t *testing.T) {
	s := defaultScenario()
	s.Request.Method = "patch"
	x := &Exchange{Outcome: engine.Evaluate(s)}
	var ids []string
	for _, m := range x.messages() {
		ids = append(ids, m.id)
		if m.id == "actual" && !m.unsent {
			t.Error("the blocked request is drawn as sent")
		}
	}
	if got := strings.Join(ids, ","); got != "request,preflight,preflight-response,actual,result" {
		t.Errorf("messages %s", got)
	}
	html := app.HTMLString(x)
	if !strings.Contains(html, `id="msg-preflight-response"`) || !strings.Contains(html, "never sent") {
		t.Errorf("diagram HTML lacks the preflight answer or the unsent request")
	}
	if strings.Contains(html, "<svg") {
		t.Errorf("the diagram is a scaled drawing again: its text would shrink on a phone")
	}
}

// TestDiagramRowsNumberEveryStep: in every preset (and the default and a
// long-path scenario), each engine step is exactly one numbered point, on
// the row of its message, and the rows with points are buttons; a
// response's label counts its headers in good English.
func TestDiagramRowsNumberEveryStep(t *testing.T) {
	scenarios := []engine.Scenario{defaultScenario(), longPathScenario()}
	for _, title := range presets.Titles() {
		s, _ := presets.ByTitle(title)
		scenarios = append(scenarios, s)
	}
	for _, s := range scenarios {
		out := engine.Evaluate(s)
		x := &Exchange{Outcome: out}
		rows := x.rows()
		seen := make([]int, len(out.Steps))
		rowOf := func(i int) string { return rowOf(out.Steps[i]) }
		if hopped(out) {
			ids := x.hopStepRows()
			rowOf = func(i int) string { return ids[i] }
		}
		for _, r := range rows {
			for _, i := range r.steps {
				seen[i]++
				if want := rowOf(i); want != r.id && !(r.id == "browser" && !slices.ContainsFunc(rows, func(r row) bool { return r.id == want })) {
					t.Errorf("%s: step %d (%s) is on row %s, want %s", s.Title, i+1, out.Steps[i].ID, r.id, want)
				}
			}
			if regexp.MustCompile(`(^|\D)1 headers`).MatchString(r.label) {
				t.Errorf("%s: label %q says 1 headers", s.Title, r.label)
			}
		}
		for i, n := range seen {
			if n != 1 {
				t.Errorf("%s: step %d (%s) is drawn %d times, want once", s.Title, i+1, out.Steps[i].ID, n)
			}
		}
		html := app.HTMLString(x)
		for i := range out.Steps {
			if !strings.Contains(html, fmt.Sprintf(`id="step-%d"`, i+1)) {
				t.Errorf("%s: no point numbered %d in the HTML", s.Title, i+1)
			}
		}
		if strings.Contains(html, fmt.Sprintf(`id="step-%d"`, len(out.Steps)+1)) {
			t.Errorf("%s: a point numbered past the %d steps", s.Title, len(out.Steps))
		}
		if want := max(0, len(out.Sends)-1); strings.Count(html, `class="row page-server`) != want {
			t.Errorf("%s: %d later sends drawn, want %d", s.Title, strings.Count(html, `class="row page-server`), want)
		}
	}
	if got, want := statusLabel(&engine.Response{Status: 204, Headers: engine.Headers{{Name: "A", Value: "b"}}}), "204 No Content, 1 header"; got != want {
		t.Errorf("statusLabel: %q, want %q", got, want)
	}
	if got, want := statusLabel(&engine.Response{Status: 404}), "404 Not Found, no headers"; got != want {
		t.Errorf("statusLabel: %q, want %q", got, want)
	}
}

// longPathScenario is a blocked PUT to a long path.
func longPathScenario() engine.Scenario {
	body := `{"name":"corsplay"}`
	return engine.Scenario{
		V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{
			URL: "https://api.example.com/api/v2/organisations/acme/projects/1234567/items?include=owner", Method: "PUT", Body: &body,
			Credentials: engine.CredentialsInclude, Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}},
		},
		Server: engine.Server{Policy: &engine.Policy{Origins: []string{"https://app.example.com"}, Credentials: true, Methods: []string{"GET", "POST"}}},
	}
}

// TestShortPath: long paths lose their middle, keep their start and end,
// and the full text stays in the row's title, name and the step panel.
func TestShortPath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/items/42", "/items/42"},
		{"/api/items/exactly-28-chars", "/api/items/exactly-28-chars"},
		{"/api/v2/organisations/acme/projects/1234567/items?include=owner", "/api/v2/…/items?include=owner"},
		{"/a/very-long-single-segment-name-that-goes-on-and-on", "/a/very-long-sin…at-goes-on-and-on"},
		{"/x?query=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "/x?query=aaaaaaa…aaaaaaaaaaaaaaaaa"},
		{"/日本語/日本語/日本語/日本語/日本語/日本語/日本語/日本語/日本語/end", "/日本語/日本語/日本語/日本語/日本語/日本語/日本語/…/end"},
	} {
		got := shortPath(tt.in)
		if got != tt.want {
			t.Errorf("shortPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > 34 {
			t.Errorf("shortPath(%q) = %q is %d characters, want at most 34", tt.in, got, n)
		}
	}
	x := &Exchange{Outcome: engine.Evaluate(longPathScenario())}
	html := app.HTMLString(x)
	for _, want := range []string{"OPTIONS /api/v2/…/items?include=owner (preflight)", `title="OPTIONS /api/v2/organisations/acme/projects/1234567/items?include=owner (preflight)"`,
		`<span class="dir">Browser → Server</span>`,
		`<span class="sr-only">, in full: OPTIONS /api/v2/organisations/acme/projects/1234567/items?include=owner (preflight), step 7</span>`} {
		if !strings.Contains(html, want) {
			t.Errorf("the long path's diagram lacks %s", want)
		}
	}
}

// TestExchangeOpensAtTheVerdictOrAtStepOne: the exchange opens on its last
// step, the verdict, or with FromStart (a lesson on screen) on step 1; a new
// outcome opens it again.
func TestExchangeOpensAtTheVerdictOrAtStepOne(t *testing.T) {
	out := engine.Evaluate(defaultScenario())
	n := len(out.Steps)
	for _, tt := range []struct {
		from bool
		want string
	}{{false, fmt.Sprintf("step %d of %d", n, n)}, {true, fmt.Sprintf("step 1 of %d", n)}} {
		x := &Exchange{Outcome: out, FromStart: tt.from}
		html := app.HTMLString(x)
		if !strings.Contains(html, tt.want) {
			t.Errorf("FromStart %v: the exchange does not read %q", tt.from, tt.want)
		}
		cur := 1
		if !tt.from {
			cur = n
		}
		// go-app writes a tag's attributes in any order.
		point := regexp.MustCompile(fmt.Sprintf(`<button[^>]*\bid="step-%d"[^>]*>`, cur)).FindString(html)
		if !regexp.MustCompile(`\bclass="dot (pass|info) current"`).MatchString(point) {
			t.Errorf("FromStart %v: point %d is not the current one", tt.from, cur)
		}
		x.goTo(app.Context{}, 3)
		if got := x.current(); got != 3 {
			t.Errorf("goTo(3): at %d", got)
		}
		x.OnUpdate(app.Context{})
		if got, want := x.current(), map[bool]int{false: n - 1, true: 0}[tt.from]; got != want {
			t.Errorf("FromStart %v: a new outcome opens at %d, want %d", tt.from, got, want)
		}
	}
}

// TestReadingTime: Play leaves a step on screen for as long as it takes to
// read, within bounds.
func TestReadingTime(t *testing.T) {
	short := engine.Step{Title: "Method", Detail: "GET is fine."}
	long := engine.Step{Title: "Preflight", Detail: strings.Repeat("word ", 40)}
	huge := engine.Step{Title: "Preflight", Detail: strings.Repeat("word ", 400)}
	if d := readingTime(short); d < 1500*time.Millisecond || d > 3*time.Second {
		t.Errorf("a four-word step stays %v", d)
	}
	if d := readingTime(long); d < 8*time.Second {
		t.Errorf("a 41-word step stays %v, too short to read", d)
	}
	if d := readingTime(huge); d != readMax {
		t.Errorf("a 400-word step stays %v, want the cap %v", d, readMax)
	}
}

// TestLibraryPicker: one group per language, each library version once,
// the current one selected, and each option's value names it back.
func TestLibraryPicker(t *testing.T) {
	docs := engine.LibraryDocs()
	current := docs[len(docs)-1]
	groups := libraryGroups(docs, current)
	langs := map[string]bool{}
	for _, d := range docs {
		langs[d.Language] = true
		name, version, _ := strings.Cut(libraryChoice(d), "@")
		back, ok := (engine.Library{Name: name, Version: version}).Doc()
		if !ok || back.Name != d.Name || back.Version != d.Version {
			t.Errorf("the option for %s %s names %+v", d.Name, d.Version, back)
		}
	}
	if len(groups) != len(langs) {
		t.Errorf("%d groups for %d languages", len(groups), len(langs))
	}
	for _, want := range []string{"Go", "JavaScript", "Python"} {
		if !langs[want] {
			t.Errorf("no %s group", want)
		}
	}
}

// TestLayersOnTheServerSide: the diagram names the layer that answered
// instead of the server, and the raw answer marks each line a layer wrote.
func TestLayersOnTheServerSide(t *testing.T) {
	for _, tt := range []struct {
		lesson, row, who, raw string
	}{
		{"auth-before-cors", "preflight-response", "the login filter", "HTTP/1.1 401 Unauthorized   ← the login filter\nContent-Type: application/json   ← the login filter\n"},
		{"nginx-duplicate-acao", "actual-response", "", "Access-Control-Allow-Origin: *   ← nginx\n"},
		{"cdn-cache-vary", "actual-response", "the CDN (cache)", "Access-Control-Allow-Origin: https://admin.example.com   ← the CDN (cache)\n"},
	} {
		s, ok := presets.Lesson(tt.lesson)
		if !ok {
			t.Fatalf("no lesson %s", tt.lesson)
		}
		x := &Exchange{Outcome: engine.Evaluate(s)}
		i := slices.IndexFunc(x.messages(), func(m message) bool { return m.id == tt.row })
		if i < 0 {
			t.Fatalf("%s: no row %s", tt.lesson, tt.row)
		}
		m := x.messages()[i]
		if m.who != tt.who || !strings.Contains(m.raw, tt.raw) {
			t.Errorf("%s: row %s answered by %q, raw\n%s\nwant %q and a line %q", tt.lesson, tt.row, m.who, m.raw, tt.who, tt.raw)
		}
	}
}

// TestSwitchingServerKindKeepsLayers: the layers stand in front of any
// kind of server; switching the kind, or importing a library as a policy,
// keeps them.
func TestSwitchingServerKindKeepsLayers(t *testing.T) {
	s, _ := presets.Lesson("auth-before-cors")
	p := &Playground{scenario: s}
	for _, kind := range []string{"raw", "library", "policy"} {
		p.switchServer(kind)
		if len(p.scenario.Server.Layers) != 1 {
			t.Fatalf("after switching to %s: %d layers, want the login filter", kind, len(p.scenario.Server.Layers))
		}
	}
	html := app.HTMLString(&ServerPanel{Server: p.scenario.Server, Page: s.Page})
	if !strings.Contains(html, "In front of the server") || !strings.Contains(html, "the login filter") {
		t.Errorf("the server panel does not list the layer")
	}
}
