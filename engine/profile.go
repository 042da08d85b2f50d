package engine

import (
	"strconv"

	"corsplay/engine/console"
)

// Profile names: the values of Scenario.Browser.
const (
	Chrome  = "chrome"
	Edge    = "edge" // Chromium: Chrome's rules and texts
	Firefox = "firefox"
	Safari  = "safari" // WebKit
	Spec    = "spec"
)

// Profiles are the profiles the engine predicts, in the order the page
// offers them.
var Profiles = []string{Chrome, Edge, Firefox, Safari, Spec}

// profile is what one browser does where the Fetch standard leaves room, or
// where the browser departs from it. Each browser's values are proven
// against the real engine by the differential suite (difftest).
type profile struct {
	name  string // the rules' owner: "edge" reads as "chrome"
	title string // as people say it: "Chrome", "the Fetch standard"

	console console.Browser // what it prints

	// Request headers.
	userAgentForbidden bool // drops User-Agent and Access-Control-Request-Private-Network
	clientHints        bool // safelists the client hints (DPR, Save-Data…)
	safelistTotal      bool // preflights once safelisted values pass 1024 bytes in all
	// sameNameJoined: same-name headers are one header whose value is
	// their comma-joined values, safelisted as one and named once in
	// Access-Control-Request-Headers; otherwise each is checked and named
	// on its own.
	sameNameJoined bool
	// namesRepeated: Access-Control-Request-Headers names an unsafe header
	// once per same-name header, not once.
	namesRepeated bool
	// singletonContentType: of several Content-Type headers, the request
	// carries the last (Gecko's network layer replaces a singleton header).
	singletonContentType bool

	rangeAnyCase bool // safelists Range: BYTES=…, the unit in any case

	// The preflight.
	redirect    int  // where a redirected preflight fails: redirect… below
	statusFirst bool // a status that is not ok fails before the CORS check
	// corsFailure names a failed CORS check as the browser does, from
	// the standard's (Chromium's) reading.
	corsFailure func(c CORSCheckResult, resp Headers) CORSCheckResult
	// wildcardAuthorization: Access-Control-Allow-Headers: * covers
	// Authorization too.
	wildcardAuthorization bool
	// listBadWhole: a list header that does not parse is quoted whole,
	// not by its first bad element.
	listBadWhole bool
	// headerAsSent: the disallowed header named is the first in request
	// order, spelt as sent (not the first lower-cased name).
	headerAsSent bool
	// maxAge reads Access-Control-Max-Age.
	maxAge func(v string, present bool) (seconds int64, note string)
	// thirdPartyCookies is what goes of the API's cookies on a credentialed
	// request from another site: cookies… in cookies.go.
	thirdPartyCookies int
	// cachedWildcard is what a cached Access-Control-Allow-Headers: *
	// covers on later requests: cachedWildcard… below.
	cachedWildcard int

	// Redirects of the request itself.
	// redirectErrorNeedsLocation: redirect "error" fails only a redirect
	// with a Location; a 3xx without one is the response.
	redirectErrorNeedsLocation bool
	// redirectKeepsPreflight: once a fetch sent a preflight, every later
	// CORS hop is preflighted too, needed or not.
	redirectKeepsPreflight bool
	// preflightUntainted: a preflight after a tainting redirect carries
	// (and is checked against) the page's origin, not null.
	preflightUntainted bool
	// redirectCheckCredentialed: a redirect response's CORS check counts
	// credentials "same-origin" as "include" when the fetch began on the
	// page's own origin.
	redirectCheckCredentialed bool
	// preflightNamesDroppedAuthorization: the preflight after a redirect
	// to another origin still names the Authorization header the
	// redirect removed from the request.
	preflightNamesDroppedAuthorization bool
}

// What a cached Access-Control-Allow-Headers: * covers.
const (
	cachedWildcardButAuthorization = iota // every header but Authorization (Chromium, the standard)
	cachedWildcardAll                     // every header (WebKit)
	cachedWildcardNone                    // nothing: each request is preflighted again (Firefox)
)

// listHint is what the console quotes of a list header that does not
// parse.
func (p *profile) listHint(value string) string {
	if p.listBadWhole {
		return value
	}
	return badListElement(value)
}

var profiles = map[string]*profile{
	Chrome: chromeProfile,
	Edge:   chromeProfile,
	Spec: {
		name: Spec, title: "the Fetch standard", console: console.Chrome,
		safelistTotal: true, corsFailure: sameCORSFailure, maxAge: specMaxAge,
	},
	Firefox: firefoxProfile,
	Safari:  safariProfile,
}

var chromeProfile = &profile{
	name: Chrome, title: "Chrome", console: console.Chrome,
	userAgentForbidden: true, clientHints: true, safelistTotal: true, sameNameJoined: true,
	redirect: redirectFirst, corsFailure: sameCORSFailure, wildcardAuthorization: true, maxAge: chromeMaxAge,
	redirectErrorNeedsLocation: true,
}

// Where a preflight answered with a redirect (a 3xx with Location) fails.
const (
	redirectAsStatus  = iota // as any status that is not ok (the standard)
	redirectFirst            // before any other check (Chromium)
	redirectAfterCORS        // after the CORS check, before the status (Firefox)
)

// profileOf is the profile of a Scenario.Browser value ("" is Chrome).
func profileOf(browser string) *profile {
	if p, ok := profiles[browser]; ok {
		return p
	}
	return chromeProfile
}

// sameCORSFailure keeps the standard's reading of a failed CORS check, as
// Chromium reports it.
func sameCORSFailure(c CORSCheckResult, _ Headers) CORSCheckResult { return c }

// quoteAll quotes each string as JSON would.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}
