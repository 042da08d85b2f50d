package presets

import (
	"encoding/json"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"corsplay/engine"
)

const (
	page     = "https://app.example.com"
	attacker = "https://evil-attacker.net"
)

// expectation is what a lesson promises, written from the lesson and the
// Fetch standard rather than copied from the engine's output.
type expectation struct {
	verdict   string
	corsError string // "" when the lesson names none
	// check tests one more fact the lesson states; nil for none.
	check func(t *testing.T, out engine.Outcome)
	// predict are the answers the lesson's text gives to its predictions,
	// in order: "Yes" or "No", a verdict, or a number of cached sends.
	predict []string
}

var expectations = map[string]expectation{
	// The same-origin policy, and what CORS relaxes.
	"same-origin.json": {engine.Allowed, "", all(
		noPreflight,
		readable("x-request-id"),
		// A same-origin GET carries no Origin header.
		func(t *testing.T, out engine.Outcome) { requestLacks(t, out.Actual, "Origin") },
	), []string{"No", "Yes"}},
	"localhost-ports.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		noPreflight, actualSent,
		func(t *testing.T, out engine.Outcome) {
			requestHeader(t, out.Actual, "Origin", "http://localhost:3000")
		},
	), []string{"Yes", engine.Blocked}},
	"simple-get-allowed.json": {engine.Allowed, "", all(
		noPreflight,
		readable("content-type"),
		hidden("x-request-id"),
		func(t *testing.T, out engine.Outcome) { requestHeader(t, out.Actual, "Origin", page) },
	), []string{"No", "No"}},

	// Simple requests.
	"simple-get-blocked.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		noPreflight, actualSent, responseLacks("Access-Control-Allow-Origin"),
	), []string{"Yes", engine.Blocked}},
	"acao-trailing-slash.json": {engine.Blocked, "AllowOriginMismatch", all(noPreflight, actualSent), []string{engine.Blocked}},
	"acao-comma-list.json":     {engine.Blocked, "MultipleAllowOriginValues", all(noPreflight, actualSent), []string{engine.Blocked}},
	"simple-post-form.json": {engine.Allowed, "", all(
		noPreflight, actualSent,
		func(t *testing.T, out engine.Outcome) { requestHeader(t, out.Actual, "Origin", page) },
	), []string{"No"}},
	"range-safelisted.json": {engine.Allowed, "", all(noPreflight, readable("content-type")), []string{"No"}},
	"long-accept-header.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightAsks("GET", "accept"),
		actualNotSent,
	), []string{"Yes", "No"}},

	// The preflight.
	"json-post-preflight.json": {engine.Allowed, "", all(preflightAsks("POST", "content-type"), actualSent), []string{"Yes", "Yes"}},
	"json-post-no-options.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightAsks("POST", "content-type"),
		preflightStatus(404),
		actualNotSent,
	), []string{"No"}},
	"text-plain-no-preflight.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightAsks("POST", "content-type"),
		actualNotSent,
	), []string{"Yes"}},
	"lowercase-patch.json": {engine.Blocked, "MethodDisallowedByPreflightResponse", all(
		preflightAsks("patch", "content-type"),
		actualNotSent,
	), []string{engine.Blocked}},
	// Evaluated by the standard: * never covers Authorization; the
	// browsers still let it (In other browsers).
	"allow-headers-star-authorization.json": {engine.Blocked, "HeaderDisallowedByPreflightResponse", all(
		preflightAsks("GET", "authorization"),
		actualNotSent,
		browserVerdicts(map[string]string{engine.Chrome: engine.Allowed, engine.Firefox: engine.Allowed, engine.Safari: engine.Allowed}),
	), []string{engine.Blocked}},
	"preflight-401.json": {engine.Blocked, "PreflightInvalidStatus", all(
		preflightStatus(401),
		actualNotSent,
		// The preflight never carries credentials.
		func(t *testing.T, out engine.Outcome) {
			requestLacks(t, out.Preflight, "Authorization")
			requestLacks(t, out.Preflight, "Cookie")
		},
	), []string{"No"}},

	// Credentials and cookies.
	"credentials-wildcard.json": {engine.Blocked, "WildcardOriginNotAllowed", all(noPreflight, actualSent), []string{"Yes", engine.Blocked}},
	"credentials-exact-origin.json": {engine.Allowed, "", all(
		responseHeader("Access-Control-Allow-Origin", page),
		responseHeader("Access-Control-Allow-Credentials", "true"),
		responseHeader("Vary", "Origin"),
		probe("unrelated", false, false),
		lint("X-002"),
	), []string{engine.Allowed}},
	"credentials-wildcard-methods.json": {engine.Blocked, "MethodDisallowedByPreflightResponse", all(
		preflightAsks("PUT", "content-type,x-csrf-token"),
		actualNotSent,
	), []string{engine.Blocked}},
	"cookies-third-party.json": {engine.Allowed, "", all(
		cookies(engine.CookiesNone),
		hasStep("cookies"),
		otherBrowser(engine.Chrome, func(t *testing.T, out engine.Outcome) {
			if out.Cookies != engine.CookiesSameSiteNone {
				t.Errorf("Chrome sends cookies %q, want %q", out.Cookies, engine.CookiesSameSiteNone)
			}
		}),
		otherBrowser(engine.Safari, func(t *testing.T, out engine.Outcome) {
			if out.Cookies != engine.CookiesNone {
				t.Errorf("Safari sends cookies %q, want none", out.Cookies)
			}
		}),
	), []string{engine.Allowed}},
	"cookies-same-site-api.json": {engine.Allowed, "", all(
		cookies(""), noStep("cookies"),
		responseHeader("Access-Control-Allow-Credentials", "true"),
	), []string{engine.Allowed}},

	// Reading response headers.
	"expose-headers.json":              {engine.Allowed, "", all(readable("x-request-id"), hidden("x-demo-total")), []string{"Yes", "No"}},
	"safelisted-response-headers.json": {engine.Allowed, "", all(readable("content-type"), readable("content-language"), readable("cache-control"), readable("last-modified"), hidden("x-request-id")), []string{"Yes", "No"}},
	"expose-star-credentials.json":     {engine.Allowed, "", all(hidden("x-request-id")), []string{"No"}},
	"set-cookie-never-readable.json":   {engine.Allowed, "", all(noPreflight, readable("x-request-id"), hidden("set-cookie")), []string{"No", "Yes"}},

	// The preflight cache.
	"max-age-default.json":    {engine.Allowed, "", all(sends("sent", "cached", "sent"), lint("MAXAGE-003")), []string{"1"}},
	"max-age-600.json":        {engine.Allowed, "", sends("sent", "cached", "cached", "sent"), []string{"2"}},
	"max-age-chrome-cap.json": {engine.Allowed, "", all(sends("sent", "cached", "sent"), lint("MAXAGE-001")), []string{"1"}},
	"max-age-negative.json":   {engine.Allowed, "", all(sends("sent", "sent", "sent"), lint("MAXAGE-002")), []string{"0"}},
	"firefox-wildcard-cache.json": {engine.Allowed, "", all(
		sends("sent", "sent", "sent"),
		otherBrowser(engine.Chrome, sends("sent", "cached", "cached")),
		otherBrowser(engine.Safari, sends("sent", "cached", "cached")),
	), []string{"0"}},

	// Redirects.
	"preflight-301.json": {engine.Blocked, "PreflightDisallowedRedirect", all(preflightStatus(301), actualNotSent), []string{"No"}},
	"preflight-redirect-login.json": {engine.Blocked, "PreflightDisallowedRedirect", all(
		preflightStatus(302),
		actualNotSent,
		func(t *testing.T, out engine.Outcome) { requestLacks(t, out.Preflight, "Cookie") },
	), []string{engine.Blocked, "No"}},
	// The request itself is redirected.
	"redirect-trailing-slash.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		noPreflight, actualSent, hops(1),
		// /items/ would have allowed the page: calling it is the fix.
		fixTo("https://api.example.com/items/"),
	), []string{engine.Blocked}},
	"redirect-http-https.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		noPreflight, hops(2),
		// The redirect came from another origin than the page's, to yet
		// another: the second request carries Origin: null.
		func(t *testing.T, out engine.Outcome) { requestHeader(t, out.Actual, "Origin", "null") },
		fixTo("https://api.example.com/items"),
	), []string{engine.Blocked}},
	"redirect-sso-login.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		noPreflight, hops(2),
		func(t *testing.T, out engine.Outcome) {
			requestHeader(t, out.Actual, "Origin", "null")
			if !strings.HasPrefix(out.Actual.Request.URL, "https://login.example.com/") || len(out.Fixes) > 0 || !strings.Contains(out.NoSafeFix, "401") {
				t.Errorf("the login page answers, with no server fix (the answer is 401 for API calls): %s, fixes %d, %q", out.Actual.Request.URL, len(out.Fixes), out.NoSafeFix)
			}
		},
	), []string{engine.Blocked, "Yes"}},
	// What stands in front of the API.
	"auth-before-cors.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		actualNotSent,
		func(t *testing.T, out engine.Outcome) {
			requestLacks(t, out.Preflight, "Authorization")
			// The login filter answered the preflight, not the middleware;
			// Safari reports the status instead.
			if by := out.Hops[0].StatusBy; by != "the login filter" {
				t.Errorf("the preflight was answered by %q, want the login filter", by)
			}
		},
		otherBrowser(engine.Safari, func(t *testing.T, out engine.Outcome) {
			if out.CORSError != "PreflightInvalidStatus" {
				t.Errorf("Safari reports %q, want the status", out.CORSError)
			}
		}),
	), []string{engine.Blocked, "No"}},
	"error-500-no-cors.json": {engine.Blocked, "MissingAllowOriginHeader", all(actualSent, func(t *testing.T, out engine.Outcome) {
		if out.Actual.Response.Status != 500 {
			t.Errorf("status %d, want the 500", out.Actual.Response.Status)
		}
	}), []string{engine.Blocked}},
	"nginx-duplicate-acao.json": {engine.Blocked, "MultipleAllowOriginValues", all(actualSent, func(t *testing.T, out engine.Outcome) {
		if n := len(out.Actual.Response.Headers.Values("Access-Control-Allow-Origin")); n != 2 {
			t.Errorf("%d Access-Control-Allow-Origin lines, want the application's and nginx's", n)
		}
	}), []string{engine.Blocked}},
	"cdn-cache-vary.json": {engine.Blocked, "AllowOriginMismatch", all(actualSent, func(t *testing.T, out engine.Outcome) {
		if acao, _ := out.Actual.Response.Headers.Get("Access-Control-Allow-Origin"); acao != "https://admin.example.com" {
			t.Errorf("the cached answer names %q, want the admin console's origin", acao)
		}
	}), []string{engine.Blocked}},
	// Firefox checks the CORS headers first, so it reports the missing
	// Access-Control-Allow-Origin; every browser blocks.
	"preflight-redirect-firefox.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightStatus(308),
		actualNotSent,
		otherBrowser(engine.Chrome, func(t *testing.T, out engine.Outcome) {
			if out.CORSError != "PreflightDisallowedRedirect" {
				t.Errorf("Chrome reports %q, want the redirect first", out.CORSError)
			}
		}),
		browserVerdicts(map[string]string{engine.Chrome: engine.Blocked, engine.Firefox: engine.Blocked, engine.Safari: engine.Blocked}),
	), []string{engine.Blocked}},

	// CORS is not access control.
	"csrf-simple-post.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		noPreflight, actualSent,
		cookies(engine.CookiesSameSiteNone),
		func(t *testing.T, out engine.Outcome) { requestHeader(t, out.Actual, "Origin", attacker) },
	), []string{"Yes", engine.Blocked}},
	"curl-ignores-cors.json": {engine.Blocked, "MissingAllowOriginHeader", all(noPreflight, actualSent, lint("X-001")), []string{"Yes", engine.Blocked}},
	"no-cors-opaque.json": {engine.Opaque, "", all(
		noPreflight,
		actualSent,
		func(t *testing.T, out engine.Outcome) {
			if len(out.ReadableHeaders) != 0 {
				t.Errorf("readable headers %q, want none", out.ReadableHeaders)
			}
		},
	), []string{"Yes", engine.Opaque}},
	"origin-allowlist.json": {engine.Allowed, "", all(
		responseHeader("Access-Control-Allow-Origin", "https://admin.example.com"),
		responseHeader("Vary", "Origin"),
		probe("sibling-subdomain", false, false),
		probe("http-downgrade", false, false),
		probe("null", false, false),
	), []string{engine.Allowed}},
	"reflect-with-credentials.json": {engine.Allowed, "", all(lint("ORIGIN-002"), probe("unrelated", true, true)), []string{engine.Allowed}},
	"null-origin.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		lint("ORIGIN-004"),
		probe("null", true, true),
	), []string{engine.Blocked}},

	// Real libraries and their traps. headers= is ignored, so allow_headers
	// stays "*" and X-Debug, meant to be refused, is allowed; the
	// library's warning becomes LIB-001.
	"flask-cors-tutorial.json": {engine.Allowed, "", all(
		preflightAsks("POST", "content-type,x-debug"),
		lint("LIB-001"),
	), []string{engine.Allowed}},
	"flask-cors-regex-prefix.json": {engine.Blocked, "MissingAllowOriginHeader", all(
		actualSent,
		// re.match anchors at the start only: a longer origin passes.
		withPage("https://app.example.com.evil-attacker.net", func(t *testing.T, out engine.Outcome) {
			if out.Verdict != engine.Allowed {
				t.Errorf("https://app.example.com.evil-attacker.net: %s, want allowed", out.Verdict)
			}
		}),
	), []string{engine.Blocked}},
	"rs-cors-wildcard-credentials.json": {engine.Blocked, "WildcardOriginNotAllowed", all(
		responseHeader("Access-Control-Allow-Origin", "*"),
		responseHeader("Access-Control-Allow-Credentials", "true"),
		probe("unrelated", true, false),
	), []string{engine.Blocked}},
	// rs/cors aborts the preflight on a header it does not allow: 204 and
	// no CORS header at all.
	"rs-cors-preflight-aborted.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightAsks("POST", "content-type,x-api-key"),
		preflightStatus(204),
		actualNotSent,
	), []string{"No"}},
	"express-cors-regexp.json": {engine.Allowed, "", all(
		probe("prefix", true, true),         // https://evilexample.com
		probe("http-downgrade", true, true), // http://example.com
	), []string{engine.Allowed}},
	// jub0bs/cors fails a preflight it does not allow with 403 and no CORS
	// header; it refuses * with credentials at start.
	"jub0bs-cors-strict.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightAsks("PUT", "content-type"),
		preflightStatus(403),
		actualNotSent,
		func(t *testing.T, _ engine.Outcome) {
			s := current.Clone()
			lib := *s.Server.Library
			lib.Options = maps.Clone(lib.Options) // Clone shares a library's options
			lib.Options["Origins"] = json.RawMessage(`["*"]`)
			s.Server.Library = &lib
			out := engine.Evaluate(s)
			if out.Verdict != engine.Error || !strings.Contains(out.ConfigError, "cannot both allow all origins and enable credentialed access") {
				t.Errorf("Origins * with credentials: %s, configError %q; want the server refused", out.Verdict, out.ConfigError)
			}
		},
	), []string{"No"}},
}

// hops checks how many requests reached a server.
func hops(n int) func(*testing.T, engine.Outcome) {
	return func(t *testing.T, out engine.Outcome) {
		if len(out.Hops) != n {
			t.Errorf("%d requests sent, want %d", len(out.Hops), n)
		}
	}
}

// fixTo checks that the first fix calls url instead.
func fixTo(url string) func(*testing.T, engine.Outcome) {
	return func(t *testing.T, out engine.Outcome) {
		if len(out.Fixes) == 0 || out.Fixes[0].Request == nil || out.Fixes[0].Request.URL != url {
			t.Errorf("the first fix does not call %s: %+v", url, out.Fixes)
		}
	}
}

func TestLessons(t *testing.T) {
	names := fileNames(t)
	for _, name := range names {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			want, ok := expectations[name]
			if !ok {
				t.Fatalf("no expectation for %s: add one to the table", name)
			}
			s := decodeFile(t, name)
			current = s
			out := engine.Evaluate(s)
			if out.Verdict != want.verdict {
				t.Errorf("verdict %q, want %q (console %q)", out.Verdict, want.verdict, out.Console)
			}
			if want.corsError != "" && out.CORSError != want.corsError {
				t.Errorf("corsError %q, want %q", out.CORSError, want.corsError)
			}
			if want.check != nil {
				want.check(t, out)
			}
			checkPredictions(t, s, out, want.predict)
		})
	}
	for name := range expectations {
		if !slices.Contains(names, name) {
			t.Errorf("expectation for %s, which is not a preset file", name)
		}
	}
}

var lessonID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestCourse: every lesson file is in exactly one chapter, once, and the
// course's lookups find each.
func TestCourse(t *testing.T) {
	list, errs := load()
	for _, err := range errs {
		t.Error(err)
	}
	chapters := Course()
	// The chapters in the order a class takes them, each 3 to 6 lessons.
	var order []string
	for _, ch := range chapters {
		order = append(order, ch.ID)
		if n := len(ch.Lessons); n < 3 || n > 6 {
			t.Errorf("chapter %q has %d lessons, want 3 to 6", ch.ID, n)
		}
	}
	if want := []string{"same-origin", "simple-requests", "preflight", "credentials", "response-headers", "preflight-cache", "redirects", "in-front", "not-access-control", "libraries"}; !slices.Equal(order, want) {
		t.Errorf("chapters %q, want %q", order, want)
	}
	names := fileNames(t)
	if len(list) != len(names) {
		t.Errorf("the course has %d lessons for %d files", len(list), len(names))
	}
	// About a lesson a minute for a class of 45, with the redirects of the
	// request itself and the layers in front of the API (issue 15) added
	// to the 44 before.
	if len(list) < 35 || len(list) > 52 {
		t.Errorf("%d lessons, want 35 to 52", len(list))
	}
	seen := map[string]string{} // lesson ID → chapter
	chapterIDs := map[string]bool{}
	for _, ch := range chapters {
		if !lessonID.MatchString(ch.ID) || chapterIDs[ch.ID] {
			t.Errorf("chapter ID %q: lower-case words, each once", ch.ID)
		}
		chapterIDs[ch.ID] = true
		if strings.TrimSpace(ch.Title) == "" || strings.TrimSpace(ch.Intro) == "" || len(ch.Lessons) == 0 {
			t.Errorf("chapter %q: empty title, intro or lessons", ch.ID)
		}
		for _, id := range ch.Lessons {
			if other, dup := seen[id]; dup {
				t.Errorf("lesson %q is in chapters %q and %q", id, other, ch.ID)
			}
			seen[id] = ch.ID
			if !lessonID.MatchString(id) || !slices.Contains(names, id+".json") {
				t.Errorf("chapter %q: lesson %q has no file %s.json (lower-case words)", ch.ID, id, id)
			}
		}
	}
	for _, name := range names {
		if _, ok := seen[strings.TrimSuffix(name, ".json")]; !ok {
			t.Errorf("%s is in no chapter of %s", name, courseFile)
		}
	}
	titles := map[string]string{}
	for i, s := range list {
		id := IDs()[i]
		if s.V != engine.Version {
			t.Errorf("%s: v is %d", id, s.V)
		}
		if strings.TrimSpace(s.Title) == "" || strings.TrimSpace(s.Lesson) == "" {
			t.Errorf("%s: empty title or lesson", id)
		}
		if other, dup := titles[s.Title]; dup {
			t.Errorf("%s and %s share the title %q", other, id, s.Title)
		}
		titles[s.Title] = id
		if IDOf(s.Title) != id {
			t.Errorf("IDOf(%q) = %q, want %q", s.Title, IDOf(s.Title), id)
		}
		if got, ok := ByTitle(s.Title); !ok || got.Lesson != s.Lesson {
			t.Errorf("ByTitle(%q) = %v, %v", s.Title, got.Title, ok)
		}
	}
	for _, bad := range []string{"", "no-such-lesson", "course", "../presets/same-origin", "same-origin.json"} {
		if _, ok := Lesson(bad); ok {
			t.Errorf("Lesson(%q) found a lesson", bad)
		}
	}
	if _, ok := ByTitle("no such preset"); ok {
		t.Error("ByTitle found a preset that does not exist")
	}
}

// TestTitles: the titles read alone are the presets', in order.
func TestTitles(t *testing.T) {
	var want []string
	for _, s := range All() {
		want = append(want, s.Title)
	}
	if got := Titles(); !slices.Equal(got, want) || len(got) != len(fileNames(t)) {
		t.Errorf("Titles() = %q,\nwant %q", got, want)
	}
}

func TestAllReturnsCopies(t *testing.T) {
	a := All()
	a[0].Title = "changed"
	if All()[0].Title == "changed" {
		t.Error("All shares its scenarios between calls")
	}
}

func fileNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(files, "*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no preset files: %v", err)
	}
	return slices.DeleteFunc(names, func(n string) bool { return n == courseFile })
}

func decodeFile(t *testing.T, name string) engine.Scenario {
	t.Helper()
	data, err := files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := engine.DecodeOne(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// Checks.

type checkFunc = func(t *testing.T, out engine.Outcome)

func all(checks ...checkFunc) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		for _, c := range checks {
			c(t, out)
		}
	}
}

func noPreflight(t *testing.T, out engine.Outcome) {
	t.Helper()
	if out.Preflight != nil {
		t.Errorf("a preflight was sent (%v), want none", out.Preflight.Reasons)
	}
}

func actualSent(t *testing.T, out engine.Outcome) {
	t.Helper()
	if out.Actual == nil {
		t.Error("the request was never sent, want the server to receive it")
	}
}

func actualNotSent(t *testing.T, out engine.Outcome) {
	t.Helper()
	if out.Actual != nil {
		t.Error("the request was sent, want the failed preflight to stop it")
	}
}

// preflightAsks: a preflight is sent asking for method and, if not "", the
// Access-Control-Request-Headers value headers.
func preflightAsks(method, headers string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if out.Preflight == nil {
			t.Error("no preflight was sent")
			return
		}
		requestHeader(t, out.Preflight, "Access-Control-Request-Method", method)
		if headers != "" {
			requestHeader(t, out.Preflight, "Access-Control-Request-Headers", headers)
		}
	}
}

func preflightStatus(status int) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if out.Preflight == nil || out.Preflight.Response == nil {
			t.Error("no preflight was answered")
			return
		}
		if got := out.Preflight.Response.Status; got != status {
			t.Errorf("preflight answered %d, want %d", got, status)
		}
	}
}

func requestHeader(t *testing.T, x *engine.Exchange, name, want string) {
	t.Helper()
	if x == nil {
		t.Errorf("no request, want %s: %s", name, want)
		return
	}
	if got, ok := x.Request.Headers.Get(name); !ok || got != want {
		t.Errorf("request %s = %q (present %v), want %q", name, got, ok, want)
	}
}

func requestLacks(t *testing.T, x *engine.Exchange, name string) {
	t.Helper()
	if x == nil {
		t.Errorf("no request to check for %s", name)
		return
	}
	if v, ok := x.Request.Headers.Get(name); ok {
		t.Errorf("request carries %s: %q, want none", name, v)
	}
}

func responseHeader(name, want string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if out.Actual == nil || out.Actual.Response == nil {
			t.Errorf("no response, want %s: %s", name, want)
			return
		}
		if got, ok := out.Actual.Response.Headers.Get(name); !ok || got != want {
			t.Errorf("response %s = %q (present %v), want %q", name, got, ok, want)
		}
	}
}

func readable(name string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if !slices.Contains(out.ReadableHeaders, name) {
			t.Errorf("%s is not readable; readable: %q", name, out.ReadableHeaders)
		}
	}
}

func hidden(name string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if slices.Contains(out.ReadableHeaders, name) {
			t.Errorf("%s is readable, want it hidden", name)
		}
		if out.Actual == nil || !out.Actual.Response.Headers.Has(name) {
			t.Errorf("the response does not carry %s, so hiding it teaches nothing", name)
		}
	}
}

func lint(id string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if !slices.ContainsFunc(out.Lint, func(f engine.Finding) bool { return f.ID == id }) {
			var ids []string
			for _, f := range out.Lint {
				ids = append(ids, f.ID)
			}
			t.Errorf("no lint finding %s; findings %q", id, ids)
		}
	}
}

// probe: script on the attacker's-view origin of that kind can read a
// response without cookies (readable) and with the user's cookies.
func probe(kind string, readable, withCookies bool) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		i := slices.IndexFunc(out.Exposure, func(p engine.Probe) bool { return p.Kind == kind })
		if i < 0 {
			t.Errorf("no %s probe in the attacker's view", kind)
			return
		}
		if p := out.Exposure[i]; p.Readable != readable || p.WithCookies != withCookies {
			t.Errorf("probe %s (%s): readable %v, with cookies %v; want %v, %v", p.Origin, kind, p.Readable, p.WithCookies, readable, withCookies)
		}
	}
}

func sends(want ...string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		var got []string
		for _, s := range out.Sends {
			got = append(got, s.Preflight)
			if s.Verdict != engine.Allowed {
				t.Errorf("send at %gs: verdict %q", s.At, s.Verdict)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("preflights per send %q, want %q", got, want)
		}
	}
}

func responseLacks(name string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if out.Actual == nil || out.Actual.Response == nil {
			t.Errorf("no response, want one without %s", name)
			return
		}
		if v, ok := out.Actual.Response.Headers.Get(name); ok {
			t.Errorf("response carries %s: %q, want none", name, v)
		}
	}
}

// cookies: which of the API's cookies go, as Outcome.Cookies says.
func cookies(want string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if out.Cookies != want {
			t.Errorf("cookies %q, want %q", out.Cookies, want)
		}
	}
}

func hasStep(id string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if !slices.ContainsFunc(out.Steps, func(st engine.Step) bool { return st.ID == id }) {
			t.Errorf("no %s step", id)
		}
	}
}

func noStep(id string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		if slices.ContainsFunc(out.Steps, func(st engine.Step) bool { return st.ID == id }) {
			t.Errorf("a %s step, want none", id)
		}
	}
}

// browserVerdicts: the In other browsers verdicts.
func browserVerdicts(want map[string]string) checkFunc {
	return func(t *testing.T, out engine.Outcome) {
		t.Helper()
		for browser, verdict := range want {
			i := slices.IndexFunc(out.Browsers, func(b engine.BrowserVerdict) bool { return b.Browser == browser })
			if i < 0 {
				t.Errorf("no verdict for %s among the other browsers", browser)
				continue
			}
			if got := out.Browsers[i].Verdict; got != verdict {
				t.Errorf("%s: %s, want %s", browser, got, verdict)
			}
		}
	}
}

// The checks below evaluate the lesson again, changed; they need the
// scenario, which the outcome does not hold, so TestLessons hands it over
// through current.
var current engine.Scenario

// otherBrowser runs check on the lesson evaluated in another browser.
func otherBrowser(browser string, check checkFunc) checkFunc {
	return func(t *testing.T, _ engine.Outcome) {
		t.Helper()
		s := current.Clone()
		s.Browser = browser
		check(t, engine.Evaluate(s))
	}
}

// withPage runs check on the lesson evaluated from another page origin.
func withPage(origin string, check checkFunc) checkFunc {
	return func(t *testing.T, _ engine.Outcome) {
		t.Helper()
		s := current.Clone()
		s.Page = origin
		check(t, engine.Evaluate(s))
	}
}

// verdictOrder is the order in which a verdict prediction offers its
// choices (engine.Prediction.Reveal).
var verdictOrder = []string{engine.Allowed, engine.Blocked, engine.Opaque, engine.Error}

// checkPredictions: each prediction is revealed with a step that decides
// it, and its answer is the one the lesson's text gives.
func checkPredictions(t *testing.T, s engine.Scenario, out engine.Outcome, want []string) {
	t.Helper()
	if len(want) != len(s.Predict) {
		t.Errorf("%d predictions, but the expectation gives %d answers", len(s.Predict), len(want))
		return
	}
	for i, p := range s.Predict {
		r := p.Reveal(s, out)
		if r.Step < 0 || r.Step >= len(out.Steps) {
			t.Errorf("predict[%d] (%s): revealed at step %d of %d", i, p.Ask, r.Step, len(out.Steps))
		}
		if r.Answer < 0 || r.Answer >= len(r.Choices) {
			t.Errorf("predict[%d] (%s): answer %d of %d choices", i, p.Ask, r.Answer, len(r.Choices))
			continue
		}
		got := r.Choices[r.Answer]
		if p.Ask == engine.AskVerdict {
			got = verdictOrder[r.Answer]
		}
		if got != want[i] {
			t.Errorf("predict[%d] (%s %s): the engine answers %q, the lesson says %q", i, p.Ask, p.Header, got, want[i])
		}
	}
}

// TestLook: every lesson says what to look at, and each "Step N, Title"
// it names is the exchange's step N.
func TestLook(t *testing.T) {
	stepRef := regexp.MustCompile(`Steps? (\d+)(?: to (\d+))?, ?`)
	for i, s := range All() {
		id := IDs()[i]
		if strings.TrimSpace(s.Look) == "" {
			t.Errorf("%s: no look", id)
			continue
		}
		out := engine.Evaluate(s)
		refs := stepRef.FindAllStringSubmatchIndex(s.Look, -1)
		if len(refs) == 0 {
			t.Errorf("%s: look names no step (\"Step N, Title: …\")", id)
		}
		for _, m := range refs {
			n, _ := strconv.Atoi(s.Look[m[2]:m[3]])
			if n < 1 || n > len(out.Steps) {
				t.Errorf("%s: look names step %d of %d", id, n, len(out.Steps))
				continue
			}
			if m[4] >= 0 {
				continue // "Steps 8 to 11: …" names a range, not a title
			}
			if title := out.Steps[n-1].Title; !strings.HasPrefix(s.Look[m[1]:], title) {
				rest := s.Look[m[1]:]
				t.Errorf("%s: look says \"Step %d, %.30s…\", but step %d is %q", id, n, rest, n, title)
			}
		}
	}
}

// TestPredictions: most lessons ask at least one prediction.
func TestPredictions(t *testing.T) {
	n, all := 0, All()
	for _, s := range all {
		if len(s.Predict) > 0 {
			n++
		}
	}
	if n*4 < len(all)*3 {
		t.Errorf("%d of %d lessons ask a prediction, want most", n, len(all))
	}
}

// TestPresetChallenges: every lesson with a challenge starts unmet, its
// solution merged into it meets it, and its hints are a ladder of two to
// four. Every chapter has a challenge, and there are at least 14.
func TestPresetChallenges(t *testing.T) {
	n, ids := 0, IDs()
	for i, s := range All() {
		if s.Challenge == nil {
			continue
		}
		n++
		t.Run(ids[i], func(t *testing.T) {
			c := *s.Challenge
			if got := c.Check(s, s, engine.Evaluate(s)); got.Met {
				t.Errorf("the start already meets the challenge %q", c.Goal)
			}
			if len(c.Hints) < 2 || len(c.Hints) > 4 {
				t.Errorf("%d hints, want a ladder of 2 to 4", len(c.Hints))
			}
			solved, err := s.Solved()
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Check(s, solved, engine.Evaluate(solved)); !got.Met {
				t.Errorf("the solution does not meet the challenge: %q", got.Unmet)
			}
			enterable(t, s, solved)
		})
	}
	for _, ch := range Course() {
		if !slices.ContainsFunc(ch.Lessons, func(id string) bool {
			s, ok := Lesson(id)
			return ok && s.Challenge != nil
		}) {
			t.Errorf("chapter %q has no challenge", ch.ID)
		}
	}
	if n < 14 {
		t.Errorf("%d challenges, want at least 14", n)
	}
}

// enterable: the solution is what a learner can enter with the page's
// form controls: the same kind of server (a policy stays a policy, a raw
// server raw, a library the same library), a browser from the select,
// a serialized origin (or null) as the page.
func enterable(t *testing.T, start, solved engine.Scenario) {
	t.Helper()
	a, b := start.Server, solved.Server
	if (a.Raw != nil) != (b.Raw != nil) || (a.Policy != nil) != (b.Policy != nil) || (a.Library != nil) != (b.Library != nil) {
		t.Error("the solution changes the kind of server: keep the start's, so that the learner edits its fields")
	}
	if a.Library != nil && b.Library != nil && a.Library.Name != b.Library.Name {
		t.Errorf("the solution changes the library from %s to %s", a.Library.Name, b.Library.Name)
	}
	if solved.Browser != "" && !slices.Contains(engine.Profiles, solved.Browser) {
		t.Errorf("browser %q is not in the select", solved.Browser)
	}
	// Every list the solution replaces whole must keep the start's
	// entries that it does not mean to change: a raw response's header
	// rows are edited, not retyped, so a solution must not reorder them.
	if a.Raw != nil && b.Raw != nil {
		for _, r := range []struct {
			name       string
			before, at *engine.Response
		}{{"preflight", a.Raw.Preflight, b.Raw.Preflight}, {"actual", a.Raw.Actual, b.Raw.Actual}} {
			if r.before == nil || r.at == nil {
				continue
			}
			var kept []string
			for _, h := range r.at.Headers {
				if slices.ContainsFunc(r.before.Headers, func(o engine.Header) bool { return strings.EqualFold(o.Name, h.Name) }) {
					kept = append(kept, strings.ToLower(h.Name))
				}
			}
			var order []string
			for _, h := range r.before.Headers {
				if slices.Contains(kept, strings.ToLower(h.Name)) {
					order = append(order, strings.ToLower(h.Name))
				}
			}
			if !slices.Equal(kept, order) {
				t.Errorf("the %s's header rows are reordered: %q, the start has %q", r.name, kept, order)
			}
		}
	}
	patch := map[string]json.RawMessage{}
	if err := json.Unmarshal(start.Challenge.Solution, &patch); err != nil {
		t.Fatal(err)
	}
	for part := range patch {
		if !slices.Contains(start.Challenge.Change, part) {
			t.Errorf("the solution changes %s, which the challenge does not allow", part)
		}
	}
}

// TestLessonsRunInTheLab: every lesson can be run for real against the
// live lab, moved onto loopback origins as the page moves it (app's
// labScenario): the lab sends every header its server answers.
func TestLessonsRunInTheLab(t *testing.T) {
	const pageOrigin, lab = "http://127.0.0.1:8080", "http://127.0.0.1:8081"
	more := []string{"http://127.0.0.1:8082", "http://127.0.0.1:8083"} // the lab's other origins
	for i, s := range All() {
		s.Request.Repeat = nil
		if s.Page == "null" {
			s.Page = pageOrigin
		}
		s = engine.Relocate(s, pageOrigin, lab, more...)
		if err := engine.LabCheck(s, append([]string{lab}, more...)...); err != nil {
			t.Errorf("%s: the lab would refuse it: %v", IDs()[i], err)
		}
	}
}
