package engine

import (
	"strconv"

	"corsplay/engine/console"
)

// firefoxProfile is Firefox (Gecko's nsCORSListenerProxy and Fetch), as
// Firefox 153 ESR behaves in the differential suite.
var firefoxProfile = &profile{
	name: Firefox, title: "Firefox", console: console.Firefox, namesRepeated: true, singletonContentType: true,
	redirect: redirectAfterCORS, corsFailure: firefoxCORSFailure, wildcardAuthorization: true, maxAge: firefoxMaxAge,
	cachedWildcard: cachedWildcardNone, thirdPartyCookies: cookiesPartitioned,
	redirectKeepsPreflight: true, preflightUntainted: true,
}

// firefoxCORSFailure: Firefox tells only a missing header, several
// Access-Control-Allow-Origin lines, a * with credentials, and any other
// value that is not the origin ("does not match"); and the credentials
// header.
func firefoxCORSFailure(c CORSCheckResult, resp Headers) CORSCheckResult {
	switch c.CORSError {
	case ErrMultipleAllowOriginValues, ErrInvalidAllowOriginValue:
		if lines := resp.Values(headerAllowOrigin); len(lines) > 1 {
			return CORSCheckResult{CORSError: ErrMultipleAllowOriginValues}
		}
		return CORSCheckResult{CORSError: ErrAllowOriginMismatch, Hint: c.Hint}
	}
	return c
}

// firefoxMaxAge caches for delta-seconds only: any other value, even
// "1.5" or two lines, is not cached at all (not the default).
func firefoxMaxAge(v string, present bool) (int64, string) {
	if !present {
		return DefaultMaxAge, noMaxAge
	}
	if !allDigits(v) {
		return 0, "Access-Control-Max-Age " + strconv.Quote(v) + " is not delta-seconds: Firefox does not cache this preflight"
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > firefoxMaxAgeCap {
		return firefoxMaxAgeCap, "Access-Control-Max-Age " + v + " is capped by Firefox at 86400 seconds (24 hours)"
	}
	return n, "cached for " + v + " seconds"
}

// firefoxMaxAgeCap is Firefox's ceiling of 24 hours (MDN's
// Access-Control-Max-Age page; the suite's seconds cannot show it).
const firefoxMaxAgeCap = 86400
