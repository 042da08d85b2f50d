package engine

import (
	"strings"

	"corsplay/engine/console"
)

// safariProfile is Safari, as WebKit (WebCore's CrossOriginAccessControl
// and CrossOriginPreflightResultCache) behaves in the differential suite:
// WebKitGTK 2.50, which shares Safari's WebCore.
var safariProfile = &profile{
	name: Safari, title: "Safari", console: console.WebKit,
	safelistTotal: true, sameNameJoined: true, rangeAnyCase: true,
	redirect: redirectAsStatus, statusFirst: true, corsFailure: safariCORSFailure,
	wildcardAuthorization: true, cachedWildcard: cachedWildcardAll,
	listBadWhole: true, headerAsSent: true, maxAge: safariMaxAge,
	// Safari's, not WebKitGTK's: the suite's WebKitGTK sends cookies
	// without SameSite (libsoup's policy), which Safari never does.
	thirdPartyCookies:          cookiesBlocked,
	redirectErrorNeedsLocation: true, redirectKeepsPreflight: true, redirectCheckCredentialed: true,
	preflightNamesDroppedAuthorization: true,
}

// safariCORSFailure: WebKit tells a comma in Access-Control-Allow-Origin
// ("more than one origin") from every other value that is not the origin,
// a missing header included.
func safariCORSFailure(c CORSCheckResult, _ Headers) CORSCheckResult {
	switch c.CORSError {
	case ErrMultipleAllowOriginValues, ErrInvalidAllowOriginValue, ErrAllowOriginMismatch:
		if strings.Contains(c.Hint, ",") {
			return CORSCheckResult{CORSError: ErrMultipleAllowOriginValues, Hint: c.Hint}
		}
		return CORSCheckResult{CORSError: ErrAllowOriginMismatch, Hint: c.Hint}
	}
	return c
}

// safariMaxAge reads Access-Control-Max-Age as Chromium does, capped at
// WebKit's 600 seconds.
func safariMaxAge(v string, present bool) (int64, string) {
	n, note := chromeMaxAge(v, present)
	if n > safariMaxAgeCap {
		return safariMaxAgeCap, "Access-Control-Max-Age " + v + " is capped by Safari at 600 seconds (10 minutes)"
	}
	return n, strings.Replace(note, "Chrome", "Safari", 1)
}

// safariMaxAgeCap is WebKit's ceiling of 10 minutes
// (CrossOriginPreflightResultCache; the suite's seconds cannot show it).
const safariMaxAgeCap = 600
