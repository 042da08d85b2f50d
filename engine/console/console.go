// Package console is what browsers print when a fetch() fails, verbatim:
// each engine's catalogue of messages, and the lines it logs for one
// fetch, from a failure described in neutral terms (Failure). The engine
// decides what failed, in the order each browser checks; this package
// only says it the way that browser does.
package console

// Line is one message of a browser's console: where the browser files it
// ("javascript", "network", "security"…), its level and its text.
type Line struct {
	Source string `json:"source"`
	Level  string `json:"level"`
	Text   string `json:"text"`
}

// A Failure is why a fetch() did not give script a response.
//
// Kind is a CORS failure, named as Chromium's network::mojom::CorsError
// names it (the finest grain of the three engines; "Preflight…" for the
// preflight's), or a TypeError fetch() throws before sending (the Type…
// kinds).
type Failure struct {
	Kind string
	URL  string // the request's URL as browsers print it, fragment included
	// InitialURL is the URL fetch() was called with, when redirects led
	// to URL (as URL, or "").
	InitialURL string
	// Location is where the response that failed redirects to, when it
	// is a redirect (absolute).
	Location string
	// RequestOrigin is the Origin the request carried: the page's, or
	// "null" after a redirect tainted it.
	RequestOrigin string
	// BeganSameOrigin says the fetch's first URL was on the page's
	// origin.
	BeganSameOrigin bool
	// Follows says the redirect that failed would have been followed
	// (redirect mode "follow").
	Follows bool
	Origin  string // the page's serialized origin, or "null"
	// Hint is what the message quotes: the offending header value, the
	// method or header name, or the value of a bad RequestInit member.
	Hint string
	// Status is the status of the response that failed the check (0 when
	// none came).
	Status int
	// Method is the request's method, as sent.
	Method string
	// Name is the header of a TypeHeaderValue (its value is the Hint).
	Name string
}

// CORS failures (Chromium's CorsError names).
const (
	DisallowedByMode                     = "DisallowedByMode"
	WildcardOriginNotAllowed             = "WildcardOriginNotAllowed"
	MissingAllowOriginHeader             = "MissingAllowOriginHeader"
	MultipleAllowOriginValues            = "MultipleAllowOriginValues"
	InvalidAllowOriginValue              = "InvalidAllowOriginValue"
	AllowOriginMismatch                  = "AllowOriginMismatch"
	InvalidAllowCredentials              = "InvalidAllowCredentials"
	PreflightInvalidStatus               = "PreflightInvalidStatus"
	PreflightDisallowedRedirect          = "PreflightDisallowedRedirect"
	InvalidAllowMethodsPreflightResponse = "InvalidAllowMethodsPreflightResponse"
	InvalidAllowHeadersPreflightResponse = "InvalidAllowHeadersPreflightResponse"
	MethodDisallowedByPreflightResponse  = "MethodDisallowedByPreflightResponse"
	HeaderDisallowedByPreflightResponse  = "HeaderDisallowedByPreflightResponse"
	// Preflight prefixes the CORS check failures of a preflight's response.
	Preflight = "Preflight"
)

// TypeErrors fetch() throws before anything is sent, with what Hint holds.
const (
	TypeCredentials     = "TypeCredentials"     // credentials not an enum value (the value)
	TypeNavigate        = "TypeNavigate"        // mode "navigate"
	TypeMode            = "TypeMode"            // mode not an enum value (the value)
	TypeURL             = "TypeURL"             // the URL does not parse (the URL as given)
	TypeURLCredentials  = "TypeURLCredentials"  // the URL has a user name or password (the URL)
	TypeMethod          = "TypeMethod"          // the method is not a token (the method)
	TypeForbiddenMethod = "TypeForbiddenMethod" // CONNECT, TRACE, TRACK (the method as given)
	TypeNoCORSMethod    = "TypeNoCORSMethod"    // no-cors with another method than GET, HEAD, POST (normalized)
	TypeHeaderName      = "TypeHeaderName"      // a header name is not a token (the name)
	TypeHeaderValue     = "TypeHeaderValue"     // a header value has NUL, CR or LF (the value)
	TypeBodyWithGetHead = "TypeBodyWithGetHead" // GET or HEAD with a body
	TypeRedirect        = "TypeRedirect"        // redirect not an enum value (the value)
)

// Network errors on a redirect of the request itself, with what Hint
// holds; RedirectContainsCredentials is a CorsError name too.
const (
	RedirectContainsCredentials = "RedirectContainsCredentials" // Location has a user name or password (the URL with them; Location without)
	RedirectModeError           = "RedirectModeError"           // redirect "error" met a redirect
	RedirectBadLocation         = "RedirectBadLocation"         // Location is not a URL (its value)
	RedirectNotHTTP             = "RedirectNotHTTP"             // Location is not http or https (Location the URL)
	TooManyRedirects            = "TooManyRedirects"            // a 21st redirect
	NoCORSRedirectMode          = "NoCORSRedirectMode"          // no-cors with redirect not "follow"
	RedirectDisallowedByMode    = "RedirectDisallowedByMode"    // mode "same-origin" redirected to another origin (the URL)
)

// IsTypeError reports whether kind is thrown before sending.
func IsTypeError(kind string) bool { return len(kind) > 4 && kind[:4] == "Type" }

// A Browser writes one engine's console.
type Browser interface {
	// Failed is what the browser logs for a fetch that failed with f, in
	// order, and the message of the TypeError script then sees.
	Failed(f Failure) (lines []Line, typeError string)
	// Loaded is what it logs for a response that reached script with
	// status (an opaque one included).
	Loaded(url string, status int) []Line
}
