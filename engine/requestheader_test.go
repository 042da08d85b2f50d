package engine_test

import (
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
)

var profiles = []string{engine.Chrome, engine.Spec}

// forbiddenNames is the list of forbidden request-header names of
// fetch-cors.md §2.2 (https://fetch.spec.whatwg.org/#forbidden-request-header).
var forbiddenNames = []string{
	"Accept-Charset", "Accept-Encoding", "Access-Control-Request-Headers",
	"Access-Control-Request-Method", "Connection", "Content-Length", "Cookie", "Cookie2",
	"Date", "DNT", "Expect", "Host", "Keep-Alive", "Origin", "Referer", "Set-Cookie", "TE",
	"Trailer", "Transfer-Encoding", "Upgrade", "Via",
}

func TestForbiddenRequestHeaderList(t *testing.T) {
	for _, profile := range profiles {
		for _, name := range forbiddenNames {
			for _, spelling := range []string{name, strings.ToLower(name), strings.ToUpper(name)} {
				t.Run(profile+"/"+spelling, func(t *testing.T) {
					if got, reason := engine.ForbiddenRequestHeader(profile, spelling, "x"); !got || reason == "" {
						t.Errorf("ForbiddenRequestHeader(%q, %q, %q) = %v, %q, want true with a reason", profile, spelling, "x", got, reason)
					}
				})
			}
		}
	}
}

var forbiddenRequestHeaderTests = []struct {
	name, value  string
	spec, chrome bool
}{
	// Prefixes, case-insensitively.
	{"Proxy-Authorization", "Basic eA==", true, true},
	{"proxy-connection", "keep-alive", true, true},
	{"PROXY-X", "1", true, true},
	{"Sec-Fetch-Mode", "cors", true, true},
	{"sec-ch-ua", "x", true, true},
	{"SEC-FOO", "1", true, true},
	{"Proxy", "1", false, false}, // no dash: not the prefix
	{"Sec", "1", false, false},
	{"X-Sec-Foo", "1", false, false},
	// Method-override headers only with a forbidden method in the list.
	{"X-HTTP-Method-Override", "TRACE", true, true},
	{"X-HTTP-Method-Override", "GET, TRACE", true, true},
	{"X-HTTP-Method-Override", "GET,connect", true, true},
	{"x-http-method-override", "PUT , track ", true, true},
	{"X-HTTP-Method", "CONNECT", true, true},
	{"X-Method-Override", "get,Trace", true, true},
	{"X-HTTP-Method-Override", "PUT", false, false},
	{"X-HTTP-Method-Override", "GET, PATCH", false, false},
	{"X-HTTP-Method-Override", "TRACEX", false, false},
	{"X-Other-Override", "TRACE", false, false},
	// Chromium still forbids these two; the standard does not.
	{"User-Agent", "bot/1.0", false, true},
	{"user-agent", "x", false, true},
	{"Access-Control-Request-Private-Network", "true", false, true},
	// Ordinary headers.
	{"X-Custom", "1", false, false},
	{"Authorization", "Bearer t", false, false},
	{"Content-Type", "application/json", false, false},
	{"Accept", "*/*", false, false},
	{"Range", "bytes=0-1", false, false},
	{"Origin-Agent", "1", false, false},
	{"Cookies", "1", false, false},
}

func TestForbiddenRequestHeader(t *testing.T) {
	for _, tt := range forbiddenRequestHeaderTests {
		for _, profile := range profiles {
			want := tt.spec
			if profile == engine.Chrome {
				want = tt.chrome
			}
			t.Run(profile+"/"+tt.name+"="+tt.value, func(t *testing.T) {
				got, reason := engine.ForbiddenRequestHeader(profile, tt.name, tt.value)
				if got != want {
					t.Errorf("ForbiddenRequestHeader(%q, %q, %q) = %v (%q), want %v", profile, tt.name, tt.value, got, reason, want)
				}
				if got && reason == "" {
					t.Errorf("ForbiddenRequestHeader(%q, %q, %q): forbidden without a reason", profile, tt.name, tt.value)
				}
			})
		}
	}
}

// bytesOf returns n bytes of c.
func bytesOf(c byte, n int) string { return strings.Repeat(string(c), n) }

// safelistedRequestHeaderTests come from fetch-cors.md §4.1 (spec) and §4.3
// (Chromium). spec and chrome are the expected results per profile.
var safelistedRequestHeaderTests = []struct {
	name, value  string
	spec, chrome bool
}{
	// Accept: any value without a CORS-unsafe request-header byte.
	{"Accept", "*/*", true, true},
	{"accept", "text/html,application/xhtml+xml;q=0.9", true, true},
	{"ACCEPT", "", true, true},
	{"Accept", "a\tb", true, true}, // HTAB is not unsafe
	{"Accept", `"x"`, false, false},
	{"Accept", "a(b", false, false},
	{"Accept", "a)b", false, false},
	{"Accept", "a:b", false, false},
	{"Accept", "a<b", false, false},
	{"Accept", "a>b", false, false},
	{"Accept", "a?b", false, false},
	{"Accept", "a@b", false, false},
	{"Accept", "a[b", false, false},
	{"Accept", `a\b`, false, false},
	{"Accept", "a]b", false, false},
	{"Accept", "a{b", false, false},
	{"Accept", "a}b", false, false},
	{"Accept", "a\x7fb", false, false},
	{"Accept", "a\x01b", false, false},
	{"Accept", "a\x1fb", false, false},
	{"Accept", bytesOf('a', 128), true, true},
	{"Accept", bytesOf('a', 129), false, false},
	// Accept-Language and Content-Language: [0-9A-Za-z] and SP * , - . ; =
	{"Accept-Language", "en-US,en;q=0.9", true, true},
	{"accept-language", "de *", true, true},
	{"Accept-Language", "", true, true},
	{"Accept-Language", "en_US", false, false},
	{"Accept-Language", "fr(CA)", false, false},
	{"Accept-Language", "en\tus", false, false},
	{"Accept-Language", "en/us", false, false},
	{"Accept-Language", "é", false, false},
	{"Accept-Language", bytesOf('a', 128), true, true},
	{"Accept-Language", bytesOf('a', 129), false, false},
	{"Content-Language", "en", true, true},
	{"content-language", "mi, en", true, true},
	{"Content-Language", "x:y", false, false},
	{"Content-Language", "en!", false, false},
	// Content-Type: no unsafe byte and a MIME type with a form essence.
	{"Content-Type", "text/plain", true, true},
	{"Content-Type", "application/x-www-form-urlencoded", true, true},
	{"Content-Type", "multipart/form-data; boundary=something", true, true},
	{"Content-Type", "text/plain;garbage", true, true},
	{"Content-Type", "Text/Plain;charset=utf-8", true, true},
	{"content-type", "TEXT/PLAIN", true, true},
	{"Content-Type", "text/plain;", true, true},
	{"Content-Type", "text/plain ;charset=x", true, true},
	{"Content-Type", "text /plain", false, false},
	{"Content-Type", "text/plain,", false, false},
	{"Content-Type", ",text/plain", false, false},
	{"Content-Type", "text/plain,x/x", false, false},
	{"Content-Type", "application/json, text/plain", false, false},
	{"Content-Type", "application/json", false, false},
	{"Content-Type", "text/html", false, false},
	{"Content-Type", "text/plain; charset=\"utf-8\"", false, false}, // '"' is unsafe
	{"Content-Type", "text/plain\x7f", false, false},
	{"Content-Type", "text/", false, false},
	{"Content-Type", "/plain", false, false},
	{"Content-Type", "text", false, false},
	{"Content-Type", "", false, false},
	{"Content-Type", "text/plain;" + bytesOf('a', 128-len("text/plain;")), true, true},
	{"Content-Type", "text/plain;" + bytesOf('a', 129-len("text/plain;")), false, false},
	// Range: one "bytes=start-[end]" with a start, no whitespace.
	{"Range", "bytes=0-1", true, true},
	{"Range", "bytes=0-", true, true},
	{"range", "bytes=5-5", true, true},
	{"Range", "bytes=9-10", true, true}, // compared as numbers, not strings
	{"Range", "bytes=-500", false, false},
	{"Range", "bytes=1-0", false, false},
	{"Range", "bytes=10-9", false, false},
	{"Range", "bytes = 0-1", false, false},
	{"Range", "bytes=0-1 ", false, false},
	{"Range", "bytes=0-1,2-3", false, false},
	{"Range", "bytes=", false, false},
	{"Range", "bytes=-", false, false},
	{"Range", "items=0-1", false, false},
	{"Range", "bytes=a-b", false, false},
	// "bytes" is case-sensitive in the standard, and in Chromium 156 too:
	// the notes inferred otherwise (fetch-cors.md §14 row 8), the
	// differential suite's "header Range: BYTES=0-1" proves it.
	{"Range", "BYTES=0-1", false, false},
	{"Range", "Bytes=0-", false, false},
	// Chromium's extra client hints (fetch-cors.md §4.3, §14 row 6).
	{"DPR", "2", false, true},
	{"dpr", "1.5", false, true},
	{"DPR", "1.", false, false},
	{"DPR", ".5", false, false},
	{"DPR", "abc", false, false},
	{"DPR", "-1", false, false},
	{"DPR", "1.5.2", false, false},
	{"Device-Memory", "0.5", false, true},
	{"Device-Memory", "8", false, true},
	{"Device-Memory", "x", false, false},
	{"Downlink", "10.25", false, true},
	{"Downlink", "1e3", false, false},
	{"Width", "1280", false, true},
	{"Width", "12.5", false, false},
	{"Width", "", false, false},
	{"Viewport-Width", "800", false, true},
	{"Viewport-Width", "-800", false, false},
	{"RTT", "150", false, true},
	{"RTT", "1.5", false, false},
	{"ECT", "4g", false, true},
	{"ect", "slow-2g", false, true},
	{"ECT", "5g", false, false},
	{"Save-Data", "on", false, true},
	{"Save-Data", "ON", false, true},
	{"Save-Data", "off", false, false},
	{"Intervention", "<https://example.com/x>; level=\"warning\"", false, true},
	{"Intervention", bytesOf('a', 129), false, false},
	{"Width", bytesOf('1', 129), false, false},
	// Never safelisted.
	{"X-Custom", "1", false, false},
	{"Authorization", "Bearer t", false, false},
	{"User-Agent", "bot", false, false},
	{"Cache-Control", "no-cache", false, false},
}

func TestSafelistedRequestHeader(t *testing.T) {
	for _, tt := range safelistedRequestHeaderTests {
		for _, profile := range profiles {
			want := tt.spec
			if profile == engine.Chrome {
				want = tt.chrome
			}
			value := tt.value
			if len(value) > 40 {
				value = value[:20] + "..." + value[len(value)-10:]
			}
			t.Run(profile+"/"+tt.name+"="+value, func(t *testing.T) {
				if got := engine.SafelistedRequestHeader(profile, tt.name, tt.value); got != want {
					t.Errorf("SafelistedRequestHeader(%q, %q, %q) = %v, want %v", profile, tt.name, tt.value, got, want)
				}
			})
		}
	}
}

// safe128 returns a header named name whose 128-byte value is safelisted.
func safe128(name string) engine.Header {
	return engine.Header{Name: name, Value: bytesOf('a', 128)}
}

var unsafeNamesTests = []struct {
	name         string
	headers      engine.Headers
	spec, chrome []string
}{
	{"none", nil, nil, nil},
	{"only safelisted", engine.Headers{hdr("Accept", "*/*"), hdr("Content-Type", "text/plain"), hdr("Range", "bytes=0-")}, nil, nil},
	{
		"sorted and lower-cased",
		engine.Headers{hdr("X-B", "1"), hdr("X-A", "2"), hdr("Content-Type", "application/json"), hdr("Accept", "*/*")},
		[]string{"content-type", "x-a", "x-b"},
		[]string{"content-type", "x-a", "x-b"},
	},
	{
		"de-duplicated",
		engine.Headers{hdr("X-Custom", "a"), hdr("x-custom", "b"), hdr("X-CUSTOM", "c")},
		[]string{"x-custom"},
		[]string{"x-custom"},
	},
	{
		"value over 128 bytes",
		engine.Headers{hdr("Accept", bytesOf('a', 129)), hdr("Accept-Language", "en")},
		[]string{"accept"},
		[]string{"accept"},
	},
	{
		"8 x 128 bytes is exactly 1024: still safe",
		engine.Headers{safe128("Accept"), safe128("Accept-Language"), safe128("Content-Language"), safe128("Accept"),
			safe128("Accept-Language"), safe128("Content-Language"), safe128("Accept"), safe128("Accept-Language")},
		nil, nil,
	},
	{
		"9 x 128 bytes is over 1024: all unsafe",
		engine.Headers{safe128("Accept"), safe128("Accept-Language"), safe128("Content-Language"), safe128("Accept"),
			safe128("Accept-Language"), safe128("Content-Language"), safe128("Accept"), safe128("Accept-Language"),
			safe128("Content-Language")},
		[]string{"accept", "accept-language", "content-language"},
		[]string{"accept", "accept-language", "content-language"},
	},
	{
		"total rule plus an unsafe header",
		engine.Headers{hdr("X-Z", "1"), safe128("Accept"), safe128("Accept"), safe128("Accept"), safe128("Accept"),
			safe128("Accept"), safe128("Accept"), safe128("Accept"), safe128("Accept"), hdr("Accept-Language", "e")},
		[]string{"accept", "accept-language", "x-z"},
		[]string{"accept", "accept-language", "x-z"},
	},
	{
		"client hints",
		engine.Headers{hdr("DPR", "2"), hdr("Save-Data", "on"), hdr("X-A", "1")},
		[]string{"dpr", "save-data", "x-a"},
		[]string{"x-a"},
	},
	{
		"range case",
		engine.Headers{hdr("Range", "BYTES=0-1")},
		[]string{"range"},
		[]string{"range"},
	},
}

func TestCORSUnsafeRequestHeaderNames(t *testing.T) {
	for _, tt := range unsafeNamesTests {
		for _, profile := range profiles {
			want := tt.spec
			if profile == engine.Chrome {
				want = tt.chrome
			}
			t.Run(profile+"/"+tt.name, func(t *testing.T) {
				got := engine.CORSUnsafeRequestHeaderNames(profile, tt.headers)
				if !slices.Equal(got, want) {
					t.Errorf("CORSUnsafeRequestHeaderNames(%q, %v) = %q, want %q", profile, tt.headers, got, want)
				}
			})
		}
	}
}

var noCORSSafelistedNameTests = []struct {
	name string
	want bool
}{
	{"Accept", true},
	{"accept-language", true},
	{"Content-Language", true},
	{"CONTENT-TYPE", true},
	{"Range", false},
	{"X-Custom", false},
	{"DPR", false},
}

func TestNoCORSSafelistedName(t *testing.T) {
	for _, tt := range noCORSSafelistedNameTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := engine.NoCORSSafelistedName(tt.name); got != tt.want {
				t.Errorf("NoCORSSafelistedName(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}
