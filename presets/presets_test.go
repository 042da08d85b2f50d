package presets

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
)

const page = "https://app.example.com"

// expectation is what a preset's lesson promises, written from the lesson
// and the Fetch standard rather than copied from the engine's output.
type expectation struct {
	verdict   string
	corsError string // "" when the lesson names none
	// check tests one more fact the lesson states; nil for none.
	check func(t *testing.T, out engine.Outcome)
}

var expectations = map[string]expectation{
	"same-origin.json": {engine.Allowed, "", all(
		noPreflight,
		readable("x-request-id"),
		// A same-origin GET carries no Origin header.
		func(t *testing.T, out engine.Outcome) { requestLacks(t, out.Actual, "Origin") },
	)},
	"simple-get-allowed.json": {engine.Allowed, "", all(
		noPreflight,
		readable("content-type"),
		func(t *testing.T, out engine.Outcome) { requestHeader(t, out.Actual, "Origin", page) },
	)},
	"simple-get-blocked.json":  {engine.Blocked, "MissingAllowOriginHeader", all(noPreflight, actualSent)},
	"json-post-preflight.json": {engine.Allowed, "", all(preflightAsks("POST", "content-type"), actualSent)},
	"json-post-no-options.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightAsks("POST", "content-type"),
		actualNotSent,
	)},
	"credentials-wildcard.json": {engine.Blocked, "WildcardOriginNotAllowed", all(noPreflight, actualSent)},
	"credentials-exact-origin.json": {engine.Allowed, "", all(
		responseHeader("Access-Control-Allow-Origin", page),
		responseHeader("Access-Control-Allow-Credentials", "true"),
		probe("unrelated", false, false),
		lint("X-002"),
	)},
	"reflect-with-credentials.json": {engine.Allowed, "", all(lint("ORIGIN-002"), probe("unrelated", true, true))},
	"lowercase-patch.json": {engine.Blocked, "MethodDisallowedByPreflightResponse", all(
		preflightAsks("patch", "content-type"),
		actualNotSent,
	)},
	"allow-headers-star-authorization.json": {engine.Allowed, "", all(
		preflightAsks("GET", "authorization"),
		func(t *testing.T, out engine.Outcome) {
			if !slices.ContainsFunc(out.Notes, func(n string) bool { return strings.Contains(n, "Authorization") }) {
				t.Errorf("no deprecation note about Authorization; notes %q", out.Notes)
			}
		},
	)},
	"allow-headers-star-authorization-spec.json": {engine.Blocked, "HeaderDisallowedByPreflightResponse", all(
		preflightAsks("GET", "authorization"),
		actualNotSent,
	)},
	"preflight-204.json": {engine.Allowed, "", all(preflightStatus(204), actualSent)},
	"preflight-206.json": {engine.Allowed, "", all(preflightStatus(206), actualSent)},
	"preflight-301.json": {engine.Blocked, "PreflightDisallowedRedirect", all(preflightStatus(301), actualNotSent)},
	"preflight-401.json": {engine.Blocked, "PreflightInvalidStatus", all(
		preflightStatus(401),
		actualNotSent,
		// The preflight never carries credentials.
		func(t *testing.T, out engine.Outcome) {
			requestLacks(t, out.Preflight, "Authorization")
			requestLacks(t, out.Preflight, "Cookie")
		},
	)},
	"acao-trailing-slash.json": {engine.Blocked, "AllowOriginMismatch", actualSent},
	"acao-comma-list.json":     {engine.Blocked, "MultipleAllowOriginValues", actualSent},
	"origin-allowlist.json": {engine.Allowed, "", all(
		responseHeader("Access-Control-Allow-Origin", "https://admin.example.com"),
		func(t *testing.T, out engine.Outcome) {
			if v, _ := out.Actual.Response.Headers.Get("Vary"); !strings.Contains(v, "Origin") {
				t.Errorf("Vary = %q, want it to name Origin", v)
			}
		},
	)},
	"null-origin.json": {engine.Allowed, "", all(
		func(t *testing.T, out engine.Outcome) { requestHeader(t, out.Actual, "Origin", "null") },
		responseHeader("Access-Control-Allow-Origin", "null"),
		lint("ORIGIN-004"),
		probe("null", true, false),
	)},
	"expose-headers.json":            {engine.Allowed, "", all(readable("x-request-id"), hidden("x-demo-total"))},
	"set-cookie-never-readable.json": {engine.Allowed, "", all(noPreflight, readable("x-request-id"), hidden("set-cookie"))},
	"no-cors-opaque.json": {engine.Opaque, "", all(
		noPreflight,
		actualSent,
		func(t *testing.T, out engine.Outcome) {
			if len(out.ReadableHeaders) != 0 {
				t.Errorf("readable headers %q, want none", out.ReadableHeaders)
			}
		},
	)},
	"max-age-default.json":    {engine.Allowed, "", all(sends("sent", "cached", "sent"), lint("MAXAGE-003"))},
	"max-age-600.json":        {engine.Allowed, "", sends("sent", "cached", "cached", "sent")},
	"max-age-chrome-cap.json": {engine.Allowed, "", all(sends("sent", "cached", "sent"), lint("MAXAGE-001"))},
	"max-age-negative.json":   {engine.Allowed, "", all(sends("sent", "sent", "sent"), lint("MAXAGE-002"))},
	"range-safelisted.json":   {engine.Allowed, "", all(noPreflight, readable("content-type"))},
	"long-accept-header.json": {engine.Blocked, "PreflightMissingAllowOriginHeader", all(
		preflightAsks("GET", "accept"),
		actualNotSent,
	)},
	// headers= is ignored, so allow_headers stays "*" and X-Debug, meant
	// to be refused, is allowed; the library's warning becomes LIB-001.
	"flask-cors-tutorial.json": {engine.Allowed, "", all(
		preflightAsks("POST", "content-type,x-debug"),
		lint("LIB-001"),
	)},
}

func TestLessons(t *testing.T) {
	names := fileNames(t)
	for _, name := range names {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			want, ok := expectations[name]
			if !ok {
				t.Fatalf("no expectation for %s: add one to the table", name)
			}
			out := engine.Evaluate(decodeFile(t, name))
			if out.Verdict != want.verdict {
				t.Errorf("verdict %q, want %q (console %q)", out.Verdict, want.verdict, out.Console)
			}
			if want.corsError != "" && out.CORSError != want.corsError {
				t.Errorf("corsError %q, want %q", out.CORSError, want.corsError)
			}
			if want.check != nil {
				want.check(t, out)
			}
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
	chapters, err := course()
	if err != nil {
		t.Fatal(err)
	}
	if len(chapters) < 9 {
		t.Errorf("%d chapters, want at least 9", len(chapters))
	}
	names := fileNames(t)
	if len(list) != len(names) {
		t.Errorf("the course has %d lessons for %d files", len(list), len(names))
	}
	if len(list) < 22 {
		t.Errorf("%d lessons, want at least 22", len(list))
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

// TestPresetChallenges: every preset with a challenge starts unmet, its
// solution merged into it meets it, and its hints are a ladder of at least
// two. At least one preset has a challenge.
func TestPresetChallenges(t *testing.T) {
	n, names := 0, fileNames(t)
	for i, s := range All() {
		if s.Challenge == nil {
			continue
		}
		n++
		t.Run(strings.TrimSuffix(names[i], ".json"), func(t *testing.T) {
			c := *s.Challenge
			if got := c.Check(s, s, engine.Evaluate(s)); got.Met {
				t.Errorf("the start already meets the challenge %q", c.Goal)
			}
			if len(c.Hints) < 2 {
				t.Errorf("%d hints, want a ladder of at least 2", len(c.Hints))
			}
			solved, err := s.Solved()
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Check(s, solved, engine.Evaluate(solved)); !got.Met {
				t.Errorf("the solution does not meet the challenge: %q", got.Unmet)
			}
		})
	}
	if n == 0 {
		t.Error("no preset has a challenge")
	}
}
