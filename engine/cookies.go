package engine

import "fmt"

// What a browser does with the API's cookies on a credentialed request
// from another site (a "third-party" request).
const (
	// Cookies marked SameSite=None; Secure are sent, where third-party
	// cookies are allowed (Chrome's default setting; the standard).
	cookiesSameSiteNone = iota
	// None is sent: the browser keeps a cookie jar per top-level site
	// (Firefox's Total Cookie Protection), so cookies the API set when the
	// user visited it are not in this page's jar.
	cookiesPartitioned
	// None is sent: the browser blocks third-party cookies (Safari's
	// Intelligent Tracking Prevention).
	cookiesBlocked
)

// Values of Outcome.Cookies.
const (
	CookiesSameSiteNone = "samesite-none" // only SameSite=None; Secure cookies go
	CookiesNone         = "none"          // no cookie goes
)

// SameSite reports whether two origins are same-site: the same scheme and
// registrable domain (schemeful same-site).
// https://html.spec.whatwg.org/multipage/browsers.html#same-site
func SameSite(a, b Origin) bool {
	return !a.Opaque && !b.Opaque && a.Scheme == b.Scheme && registrableDomain(a.Host) == registrableDomain(b.Host)
}

// cookies says, for a credentialed request to another site, which of the
// API's cookies go with it in the profile's browser: Outcome.Cookies, and a
// step that compares the browsers.
func (e *evaluation) cookies(target Origin) {
	if e.brief || e.s.Request.Credentials != CredentialsInclude || SameSite(e.origin, target) {
		return
	}
	detail := fmt.Sprintf("The page %s and the API %s are on different sites, so the API's cookies are third-party cookies here. ", e.origin, target)
	switch profileOf(e.profile).thirdPartyCookies {
	case cookiesSameSiteNone:
		e.out.Cookies = CookiesSameSiteNone
		detail += profileOf(e.profile).title + " sends those marked SameSite=None; Secure, where third-party cookies are allowed (Chrome's default setting; users and some Chromium builds block them); a cookie without SameSite counts as Lax and stays home."
	case cookiesPartitioned:
		e.out.Cookies = CookiesNone
		detail += "Firefox's Total Cookie Protection keeps one cookie jar per site the user visits: the cookies the API set when the user went to it are not in this page's jar, so none is sent, SameSite=None or not."
	case cookiesBlocked:
		e.out.Cookies = CookiesNone
		detail += "Safari blocks third-party cookies: none is sent, SameSite=None or not."
	}
	e.step(Step{ID: "cookies", Title: "Cookies", Status: StepInfo, Detail: detail, Spec: specCookies, Message: "actual",
		Differs: "Chrome sends the API's SameSite=None; Secure cookies where third-party cookies are allowed; Firefox and Safari send none by default, which is why a credentialed API can work in Chrome only."})
}

// sendsCookies says the request carries the API's session cookie, taken
// to be SameSite=None; Secure, as a cross-site API's must be: always on
// the page's own origin unless credentials are omitted; on another origin
// with credentials "include", where the profile's browser sends
// third-party cookies at all.
func (e *evaluation) sendsCookies() bool {
	c := e.s.Request.Credentials
	if e.tainting == taintingBasic {
		return c != CredentialsOmit
	}
	return c == CredentialsInclude && (SameSite(e.origin, OriginOf(e.url)) || profileOf(e.profile).thirdPartyCookies == cookiesSameSiteNone)
}

const specCookies = "https://httpwg.org/specs/rfc6265bis.html#name-samesite-cookies"
