package engine

import (
	"slices"
	"strconv"
	"strings"
)

// Preflight cache lifetimes, in seconds.
// https://fetch.spec.whatwg.org/#http-access-control-max-age
const (
	DefaultMaxAge   = 5    // when Access-Control-Max-Age is absent or unparsable
	ChromeMaxAgeCap = 7200 // Chromium caps every entry at two hours
)

// MaxAge returns how long a successful preflight is cached, in seconds, and
// a note on how the value was read, in the profile's browser.
// https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 (step 7.7)
func MaxAge(profile string, resp Headers) (seconds int64, note string) {
	v, ok := resp.Get(headerMaxAge)
	return profileOf(profile).maxAge(v, ok)
}

const noMaxAge = "no Access-Control-Max-Age: the default of 5 seconds applies"

// chromeMaxAge reads a signed integer, caps it at 7200 and treats a
// negative value as 0 (not cached); anything else means the default.
func chromeMaxAge(v string, present bool) (int64, string) {
	if !present {
		return DefaultMaxAge, noMaxAge
	}
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil:
		return DefaultMaxAge, "Access-Control-Max-Age " + strconv.Quote(v) + " is not a 64-bit integer: the default of 5 seconds applies"
	case n < 0:
		return 0, "Access-Control-Max-Age " + v + " is negative: Chrome does not cache this preflight"
	case n > ChromeMaxAgeCap:
		return ChromeMaxAgeCap, "Access-Control-Max-Age " + v + " is capped by Chrome at 7200 seconds (2 hours)"
	}
	return n, "cached for " + v + " seconds"
}

// specMaxAge takes delta-seconds and falls back to 5 on anything else.
func specMaxAge(v string, present bool) (int64, string) {
	if !present {
		return DefaultMaxAge, noMaxAge
	}
	if !allDigits(v) {
		return DefaultMaxAge, "Access-Control-Max-Age " + strconv.Quote(v) + " is not delta-seconds: the default of 5 seconds applies"
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		n = 1<<63 - 1
	}
	return n, "cached for " + v + " seconds (the standard sets no cap; browsers do)"
}

// safelistedResponseHeaders can always be read from a CORS response.
// https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
var safelistedResponseHeaders = []string{
	"cache-control", "content-language", "content-length", "content-type",
	"expires", "last-modified", "pragma",
}

// IsForbiddenResponseHeader reports Set-Cookie and Set-Cookie2, which script
// never reads. https://fetch.spec.whatwg.org/#forbidden-response-header-name
func IsForbiddenResponseHeader(name string) bool {
	n := strings.ToLower(name)
	return n == "set-cookie" || n == "set-cookie2"
}

// ReadableHeaders returns the lower-cased, sorted names response.headers
// shows for a CORS response: the safelisted ones, plus those listed in
// Access-Control-Expose-Headers ("*" means all without credentials), never
// Set-Cookie. https://fetch.spec.whatwg.org/#concept-filtered-response-cors
func ReadableHeaders(credentials string, resp Headers) []string {
	exposed := map[string]bool{}
	all := false
	if v, ok := resp.Get(headerExposeHeaders); ok {
		if list, ok := ExtractList(v); ok {
			for _, n := range list {
				if n == "*" && credentials != CredentialsInclude {
					all = true
				}
				exposed[strings.ToLower(n)] = true
			}
		}
	}
	names := []string{}
	for _, h := range resp {
		n := strings.ToLower(h.Name)
		if IsForbiddenResponseHeader(n) {
			continue
		}
		if all || exposed[n] || slices.Contains(safelistedResponseHeaders, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// basicReadableHeaders are the names a same-origin response shows: all but
// Set-Cookie. https://fetch.spec.whatwg.org/#concept-filtered-response-basic
func basicReadableHeaders(resp Headers) []string {
	names := []string{}
	for _, h := range resp {
		if n := strings.ToLower(h.Name); !IsForbiddenResponseHeader(n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// IsRedirectStatus reports a redirect status: with a Location, the
// browser follows it. https://fetch.spec.whatwg.org/#redirect-status
func IsRedirectStatus(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// isOKStatus: 200 to 299. https://fetch.spec.whatwg.org/#ok-status
func isOKStatus(status int) bool { return status >= 200 && status <= 299 }
