package engine_test

import (
	"slices"
	"testing"

	"corsplay/engine"
)

// A response carrying every CORS-safelisted response-header name, some
// others and both forbidden response-header names.
var fullResponse = hdrs(
	"Cache-Control", "no-cache",
	"Content-Language", "en",
	"Content-Length", "42",
	"Content-Type", "text/plain",
	"Expires", "0",
	"Last-Modified", "Tue, 01 Jan 2030 00:00:00 GMT",
	"Pragma", "no-cache",
	"Date", "Tue, 01 Jan 2030 00:00:00 GMT",
	"ETag", `"v1"`,
	"X-Request-Id", "abc",
	"Set-Cookie", "a=1",
	"Set-Cookie2", "b=2",
)

var safelistedNames = []string{"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}

// with returns fullResponse plus extra header pairs.
func with(kv ...string) engine.Headers {
	return append(slices.Clone(fullResponse), hdrs(kv...)...)
}

func plus(names ...string) []string {
	out := append(slices.Clone(safelistedNames), names...)
	slices.Sort(out)
	return out
}

// readableHeadersTests follow fetch-cors.md §10
// (https://fetch.spec.whatwg.org/#concept-filtered-response-cors).
var readableHeadersTests = []struct {
	name        string
	credentials string
	headers     engine.Headers
	want        []string
}{
	{"no headers", "omit", nil, nil},
	{"safelisted only", "omit", fullResponse, safelistedNames},
	{"safelisted, include", "include", fullResponse, safelistedNames},
	{"only some safelisted present", "omit", hdrs("Content-Type", "text/plain", "X-A", "1"), []string{"content-type"}},
	{"lower-cased and de-duplicated", "omit", hdrs("CONTENT-TYPE", "a/b", "content-type", "c/d"), []string{"content-type"}},
	{"ACEH lists two", "omit", with(aceh, "X-Request-Id, ETag"), plus("etag", "x-request-id")},
	{"ACEH lists two, include", "include", with(aceh, "X-Request-Id, ETag"), plus("etag", "x-request-id")},
	{"ACEH case-insensitive", "omit", with(aceh, "x-REQUEST-id"), plus("x-request-id")},
	{"ACEH on two lines", "omit", with(aceh, "ETag", aceh, "X-Request-Id"), plus("etag", "x-request-id")},
	{"ACEH empty elements ignored", "omit", with(aceh, ",, ETag ,,"), plus("etag")},
	{"ACEH names an absent header", "omit", with(aceh, "X-Missing"), safelistedNames},
	{"* without credentials exposes all but Set-Cookie", "omit", with(aceh, "*"),
		plus("access-control-expose-headers", "date", "etag", "x-request-id")},
	{"* with same-origin credentials", "same-origin", with(aceh, "*"),
		plus("access-control-expose-headers", "date", "etag", "x-request-id")},
	{"* in a list", "omit", with(aceh, "ETag, *"),
		plus("access-control-expose-headers", "date", "etag", "x-request-id")},
	{"* with include is literal", "include", with(aceh, "*"), safelistedNames},
	{"* with include, a header named *", "include", with(aceh, "*", "*", "star"), plus("*")},
	{"* with include plus a name", "include", with(aceh, "*, ETag"), plus("etag")},
	{"unparsable ACEH: space inside", "omit", with(aceh, "ETag, X Request"), safelistedNames},
	{"unparsable ACEH: semicolon", "omit", with(aceh, "ETag; X-Request-Id"), safelistedNames},
	{"unparsable ACEH: * inside quotes", "omit", with(aceh, `"*"`), safelistedNames},
	{"Set-Cookie never, even listed", "omit", with(aceh, "Set-Cookie, Set-Cookie2, ETag"), plus("etag")},
	{"Set-Cookie never, include", "include", with(aceh, "set-cookie"), safelistedNames},
}

func TestReadableHeaders(t *testing.T) {
	for _, tt := range readableHeadersTests {
		t.Run(tt.name, func(t *testing.T) {
			got := engine.ReadableHeaders(tt.credentials, tt.headers)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ReadableHeaders(%q, %v) = %q, want %q", tt.credentials, tt.headers, got, tt.want)
			}
		})
	}
}

// anyHuge in maxAgeTests stands for any value of a day or more: the standard
// sets no cap, so a delta-seconds beyond int64 may be read as any huge value.
const anyHuge = -1

// maxAgeTests follow fetch-cors.md §7.2 step 8 (Chromium) and §9, §14 rows
// 2-3 (standard: delta-seconds, else 5, no cap).
var maxAgeTests = []struct {
	name         string
	headers      engine.Headers
	chrome, spec int64
}{
	{"absent", nil, 5, 5},
	{"600", hdrs(acma, "600"), 600, 600},
	{"0", hdrs(acma, "0"), 0, 0},
	{"leading zero", hdrs(acma, "0600"), 600, 600},
	{"-1", hdrs(acma, "-1"), 0, 5},
	{"abc", hdrs(acma, "abc"), 5, 5},
	{"empty", hdrs(acma, ""), 5, 5},
	{"1.5", hdrs(acma, "1.5"), 5, 5},
	{"600abc", hdrs(acma, "600abc"), 5, 5},
	{"7199", hdrs(acma, "7199"), 7199, 7199},
	{"7200", hdrs(acma, "7200"), 7200, 7200},
	{"7201", hdrs(acma, "7201"), 7200, 7201},
	{"86400", hdrs(acma, "86400"), 7200, 86400},
	{"header name case", hdrs("access-control-max-age", "60"), 60, 60},
	{"two lines", hdrs(acma, "60", acma, "60"), 5, 5},
	// base::StringToInt64 fails on overflow, and Chromium then uses the
	// default of 5 seconds (fetch-cors.md §7.2 step 8: "not
	// base::StringToInt64-parsable → 5 s").
	{"int64 overflow", hdrs(acma, "99999999999999999999"), 5, anyHuge},
	{"int64 underflow", hdrs(acma, "-99999999999999999999"), 5, 5},
}

func TestMaxAge(t *testing.T) {
	for _, tt := range maxAgeTests {
		for _, profile := range profiles {
			want := tt.spec
			if profile == engine.Chrome {
				want = tt.chrome
			}
			t.Run(profile+"/"+tt.name, func(t *testing.T) {
				got, note := engine.MaxAge(profile, tt.headers)
				if want == anyHuge && got < 86400 || want != anyHuge && got != want {
					t.Errorf("MaxAge(%q, %v) = %d (%s), want %d", profile, tt.headers, got, note, want)
				}
				if note == "" {
					t.Errorf("MaxAge(%q, %v): empty note", profile, tt.headers)
				}
			})
		}
	}
}

var extractListTests = []struct {
	value string
	want  []string
	ok    bool
}{
	{"", nil, true},
	{"GET", []string{"GET"}, true},
	{"GET, PUT", []string{"GET", "PUT"}, true},
	{" GET ,\tPUT\t", []string{"GET", "PUT"}, true},
	{",,GET,,", []string{"GET"}, true},
	{", *", []string{"*"}, true},
	{"x-a, X-B", []string{"x-a", "X-B"}, true},
	{"GE T", nil, false},
	{"GET, PUT;", nil, false},
	{`"GET"`, nil, false},
	{"a/b", nil, false},
}

func TestExtractList(t *testing.T) {
	for _, tt := range extractListTests {
		t.Run(tt.value, func(t *testing.T) {
			got, ok := engine.ExtractList(tt.value)
			if ok != tt.ok || !slices.Equal(got, tt.want) {
				t.Errorf("ExtractList(%q) = %q, %v, want %q, %v", tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

var headersGetTests = []struct {
	name    string
	headers engine.Headers
	get     string
	want    string
	found   bool
}{
	{"absent", hdrs("A", "1"), "B", "", false},
	{"one", hdrs("A", "1"), "a", "1", true},
	{"joined", hdrs("A", "1", "b", "x", "a", "2"), "A", "1, 2", true},
	{"empty value kept", hdrs("A", "", "A", "*"), "a", ", *", true},
	{"empty only", hdrs("A", ""), "A", "", true},
}

func TestHeadersGet(t *testing.T) {
	for _, tt := range headersGetTests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := tt.headers.Get(tt.get)
			if got != tt.want || found != tt.found {
				t.Errorf("%v.Get(%q) = %q, %v, want %q, %v", tt.headers, tt.get, got, found, tt.want, tt.found)
			}
			if has := tt.headers.Has(tt.get); has != tt.found {
				t.Errorf("%v.Has(%q) = %v, want %v", tt.headers, tt.get, has, tt.found)
			}
		})
	}
}
