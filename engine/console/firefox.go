package console

import (
	"fmt"
	"strings"
)

// Firefox is Firefox's console: the CORS reasons of
// dom/locales/en-US/chrome/security/security.properties, logged by
// nsCORSListenerProxy, and the TypeErrors of its Fetch and Request, as
// Firefox 153 ESR prints them.
var Firefox Browser = firefox{}

type firefox struct{}

// firefoxNetworkError is what script sees for any failed fetch.
const firefoxNetworkError = "NetworkError when attempting to fetch resource."

func (firefox) Failed(f Failure) ([]Line, string) {
	switch {
	case IsTypeError(f.Kind):
		return nil, "Window.fetch: " + firefoxTypeError(f)
	case f.Kind == DisallowedByMode, f.Kind == RedirectDisallowedByMode:
		// Firefox names the page's address; the engine knows its origin.
		return []Line{jsError(fmt.Sprintf("Security Error: Content at %s/ may not load data from %s.", f.Origin, f.URL))}, firefoxNetworkError
	case f.Kind == RedirectNotHTTP && !strings.HasPrefix(f.Location, "data:"):
		return []Line{
			jsError(firefoxBlocked(Failure{URL: f.Location}, "CORS request not http", false)),
			jsError(firefoxBlocked(Failure{URL: f.URL}, "CORS request did not succeed", true)),
		}, firefoxNetworkError
	case f.Kind == TooManyRedirects, f.Kind == RedirectBadLocation, f.Kind == RedirectNotHTTP, f.Kind == RedirectContainsCredentials:
		// The redirect is refused: the request fails without a response.
		return []Line{jsError(firefoxBlocked(Failure{URL: f.URL}, "CORS request did not succeed", true))}, firefoxNetworkError
	case f.Kind == RedirectModeError, f.Kind == NoCORSRedirectMode:
		return nil, firefoxNetworkError
	}
	var lines []Line
	blocked := func(reason string, status bool) {
		lines = append(lines, jsError(firefoxBlocked(f, reason, status)))
	}
	kind, preflight := f.Kind, isPreflightFailure(f.Kind)
	if len(kind) > len(Preflight) && kind[:len(Preflight)] == Preflight && kind != PreflightInvalidStatus && kind != PreflightDisallowedRedirect {
		kind = kind[len(Preflight):]
	}
	switch kind {
	case MissingAllowOriginHeader:
		blocked("CORS header ‘Access-Control-Allow-Origin’ missing", true)
	case MultipleAllowOriginValues:
		blocked("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed", false)
	case AllowOriginMismatch, InvalidAllowOriginValue:
		blocked("CORS header ‘Access-Control-Allow-Origin’ does not match ‘"+f.Hint+"’", false)
	case WildcardOriginNotAllowed:
		// The one text that quotes the URL (security.properties).
		lines = append(lines, jsError("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘"+f.URL+"’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."))
	case InvalidAllowCredentials:
		blocked("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’", false)
	case PreflightInvalidStatus:
		blocked("CORS preflight response did not succeed", true)
	case PreflightDisallowedRedirect:
		blocked("CORS request external redirect not allowed", false)
		blocked("CORS preflight response did not succeed", true)
	case InvalidAllowMethodsPreflightResponse:
		blocked("invalid token ‘"+f.Hint+"’ in CORS header ‘Access-Control-Allow-Methods’", false)
	case InvalidAllowHeadersPreflightResponse:
		blocked("invalid token ‘"+f.Hint+"’ in CORS header ‘Access-Control-Allow-Headers’", false)
	case MethodDisallowedByPreflightResponse:
		blocked("Did not find method in CORS header ‘Access-Control-Allow-Methods’", false)
	case HeaderDisallowedByPreflightResponse:
		blocked("header ‘"+f.Hint+"’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response", false)
	}
	if preflight || f.Location != "" && f.Follows {
		// The request itself (or the redirected one) then fails without a
		// response.
		lines = append(lines, jsError(firefoxBlocked(Failure{URL: f.URL}, "CORS request did not succeed", true)))
	}
	return lines, firefoxNetworkError
}

// Loaded: Firefox logs nothing for a response that reaches script.
func (firefox) Loaded(string, int) []Line { return nil }

// firefoxBlocked is the text of a CORS reason, with the status code of the
// response when the reason has one (no response: "(null)").
func firefoxBlocked(f Failure, reason string, status bool) string {
	s := "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at " + f.URL + ". (Reason: " + reason + ")"
	if status {
		code := "(null)"
		if f.Status != 0 {
			code = fmt.Sprint(f.Status)
		}
		s += ". Status code: " + code
	}
	return s + "."
}

func jsError(text string) Line { return Line{"javascript", "error", text} }

// isPreflightFailure reports the kinds that fail at the preflight, before
// the request itself is sent.
func isPreflightFailure(kind string) bool {
	switch kind {
	case InvalidAllowMethodsPreflightResponse, InvalidAllowHeadersPreflightResponse, MethodDisallowedByPreflightResponse, HeaderDisallowedByPreflightResponse:
		return true
	}
	return len(kind) > len(Preflight) && kind[:len(Preflight)] == Preflight
}

func firefoxTypeError(f Failure) string {
	switch f.Kind {
	case TypeCredentials:
		return fmt.Sprintf("'%s' (value of 'credentials' member of RequestInit) is not a valid value for enumeration RequestCredentials.", f.Hint)
	case TypeMode:
		return fmt.Sprintf("'%s' (value of 'mode' member of RequestInit) is not a valid value for enumeration RequestMode.", f.Hint)
	case TypeNavigate:
		return "Invalid request mode navigate."
	case TypeURL:
		return f.Hint + " is not a valid URL."
	case TypeURLCredentials:
		return f.Hint + " is an url with embedded credentials."
	case TypeMethod, TypeForbiddenMethod, TypeNoCORSMethod:
		return "Invalid request method " + f.Hint + "."
	case TypeHeaderName:
		return strings.ToLower(f.Hint) + " is an invalid header name."
	case TypeHeaderValue:
		return f.Hint + " is an invalid header value."
	case TypeBodyWithGetHead:
		return "HEAD or GET Request cannot have a body."
	case TypeRedirect:
		return fmt.Sprintf("'%s' (value of 'redirect' member of RequestInit) is not a valid value for enumeration RequestRedirect.", f.Hint)
	}
	return f.Kind
}
