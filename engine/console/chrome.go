package console

import (
	"fmt"
	"strings"
)

// Chrome is Chromium's console, as its DevTools protocol reports it: the
// CORS message (third_party/blink/renderer/platform/loader/cors/
// cors_error_string.cc), the network service's failed load, and the
// TypeErrors of fetch_manager.cc and request.cc.
var Chrome Browser = chrome{}

type chrome struct{}

func (chrome) Failed(f Failure) ([]Line, string) {
	const failed = "Failed to fetch"
	switch {
	case IsTypeError(f.Kind):
		return nil, "Failed to execute 'fetch' on 'Window': " + chromeTypeError(f)
	case f.Kind == DisallowedByMode:
		return []Line{{"javascript", "error", fmt.Sprintf("Fetch API cannot load %s. Request mode is \"same-origin\" but the URL's origin is not same as the request origin %s.", f.URL, f.Origin)}}, failed
	case f.Kind == RedirectDisallowedByMode:
		// The frame's URL is the page's address; the engine knows its origin.
		return []Line{{"security", "error", fmt.Sprintf("Unsafe attempt to load URL %s from frame with URL %s/. Domains, protocols and ports must match.\n", f.URL, f.Origin)}}, failed
	case f.Kind == NoCORSRedirectMode:
		return []Line{{"javascript", "error", fmt.Sprintf("Fetch API cannot load %s. Request mode is \"no-cors\" but the redirect mode is not \"follow\".", f.URL)}}, failed
	case f.Kind == RedirectModeError:
		return []Line{{"network", "error", "Failed to load resource: net::ERR_FAILED"}}, failed
	case f.Kind == RedirectBadLocation:
		return []Line{{"network", "error", "Failed to load resource: net::ERR_INVALID_REDIRECT"}}, failed
	case f.Kind == RedirectNotHTTP && strings.HasPrefix(f.Location, "data:"):
		return []Line{{"network", "error", "Failed to load resource: net::ERR_UNSAFE_REDIRECT"}}, failed
	case f.Kind == RedirectNotHTTP:
		// The CORS check of the next URL: a scheme CORS does not support.
		return []Line{
			{"javascript", "error", ChromeCORS(Failure{Kind: corsDisabledScheme, URL: f.Location, InitialURL: f.InitialURL, Origin: f.Origin})},
			{"network", "error", "Failed to load resource: net::ERR_FAILED"},
		}, failed
	case f.Kind == TooManyRedirects:
		return []Line{{"network", "error", "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS"}}, failed
	}
	return []Line{
		{"javascript", "error", ChromeCORS(f)},
		{"network", "error", "Failed to load resource: net::ERR_FAILED"},
	}, failed
}

// Loaded: Chromium logs every response with an error status.
func (chrome) Loaded(url string, status int) []Line {
	if status < 400 {
		return nil
	}
	return []Line{{"network", "error", fmt.Sprintf("Failed to load resource: the server responded with a status of %d (%s)", status, ReasonPhrase(status))}}
}

// corsDisabledScheme is Chromium's CorsError for a URL whose scheme CORS
// does not support.
const corsDisabledScheme = "CorsDisabledScheme"

// haveServerSend is the sentence Chromium appends to origin-value errors of
// fetch() requests.
const haveServerSend = " Have the server send the header with a valid value."

// ChromeCORS is the line Chromium prints when a fetch() fails a CORS check.
func ChromeCORS(f Failure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Access to fetch at '%s' ", f.URL)
	if f.InitialURL != "" && f.InitialURL != f.URL {
		fmt.Fprintf(&b, "(redirected from '%s') ", f.InitialURL)
	}
	fmt.Fprintf(&b, "from origin '%s' has been blocked by CORS policy: ", f.Origin)
	base, preflight := strings.CutPrefix(f.Kind, Preflight)
	if preflight {
		b.WriteString("Response to preflight request doesn't pass access control check: ")
	} else {
		base = f.Kind
	}
	h := encodeHint(f.Hint)
	switch base {
	case DisallowedByMode:
		b.WriteString("Cross origin requests are not allowed by request mode.")
	case WildcardOriginNotAllowed:
		b.WriteString("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.")
	case MissingAllowOriginHeader:
		b.WriteString("No 'Access-Control-Allow-Origin' header is present on the requested resource.")
	case MultipleAllowOriginValues:
		b.WriteString("The 'Access-Control-Allow-Origin' header contains multiple values '" + h + "', but only one is allowed." + haveServerSend)
	case InvalidAllowOriginValue:
		b.WriteString("The 'Access-Control-Allow-Origin' header contains the invalid value '" + h + "'." + haveServerSend)
	case AllowOriginMismatch:
		b.WriteString("The 'Access-Control-Allow-Origin' header has a value '" + h + "' that is not equal to the supplied origin." + haveServerSend)
	case InvalidAllowCredentials:
		b.WriteString("The value of the 'Access-Control-Allow-Credentials' header in the response is '" + h + "' which must be 'true' when the request's credentials mode is 'include'.")
	case "InvalidStatus":
		b.WriteString("It does not have HTTP ok status.")
	case "DisallowedRedirect":
		b.WriteString("Redirect is not allowed for a preflight request.")
	case InvalidAllowMethodsPreflightResponse:
		b.WriteString("Cannot parse Access-Control-Allow-Methods response header field in preflight response.")
	case InvalidAllowHeadersPreflightResponse:
		b.WriteString("Cannot parse Access-Control-Allow-Headers response header field in preflight response.")
	case MethodDisallowedByPreflightResponse:
		b.WriteString("Method " + h + " is not allowed by Access-Control-Allow-Methods in preflight response.")
	case HeaderDisallowedByPreflightResponse:
		b.WriteString("Request header field " + h + " is not allowed by Access-Control-Allow-Headers in preflight response.")
	case corsDisabledScheme:
		b.WriteString("Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.")
	case RedirectContainsCredentials:
		// CheckRedirectLocation sets no failed parameter.
		b.WriteString("Redirect location '' contains a username and password, which is disallowed for cross-origin requests.")
	}
	return b.String()
}

func chromeTypeError(f Failure) string {
	switch f.Kind {
	case TypeCredentials:
		return fmt.Sprintf("Failed to read the 'credentials' property from 'RequestInit': The provided value '%s' is not a valid enum value of type RequestCredentials.", f.Hint)
	case TypeNavigate:
		return "Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'."
	case TypeMode:
		return fmt.Sprintf("Failed to read the 'mode' property from 'RequestInit': The provided value '%s' is not a valid enum value of type RequestMode.", f.Hint)
	case TypeURL:
		return "Failed to parse URL from " + f.Hint
	case TypeURLCredentials:
		return "Request cannot be constructed from a URL that includes credentials: " + f.Hint
	case TypeMethod:
		return fmt.Sprintf("'%s' is not a valid HTTP method.", f.Hint)
	case TypeForbiddenMethod:
		return fmt.Sprintf("'%s' HTTP method is unsupported.", f.Hint)
	case TypeNoCORSMethod:
		return fmt.Sprintf("'%s' is unsupported in no-cors mode.", f.Hint)
	case TypeHeaderName:
		return "Invalid name"
	case TypeHeaderValue:
		return "Invalid value"
	case TypeBodyWithGetHead:
		return "Request with GET/HEAD method cannot have body."
	case TypeRedirect:
		return fmt.Sprintf("Failed to read the 'redirect' property from 'RequestInit': The provided value '%s' is not a valid enum value of type RequestRedirect.", f.Hint)
	}
	return f.Kind
}

// encodeHint prints printable ASCII as is and every other byte as \uXXXX,
// as Chromium's EncodeHint does: header values are bytes, so a UTF-8 "ä"
// prints as \u00C3\u00A4.
func encodeHint(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\u%04X", c)
		}
	}
	return b.String()
}

// ReasonPhrase is the reason phrase a server sends with status (RFC 9110
// §15; the suite's servers send these), "" for a status it has none for.
func ReasonPhrase(status int) string { return reasonPhrases[status] }

var reasonPhrases = map[int]string{
	200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
	407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
	413: "Request Entity Too Large", 414: "Request URI Too Long", 415: "Unsupported Media Type", 416: "Requested Range Not Satisfiable",
	417: "Expectation Failed", 418: "I'm a teapot", 421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency",
	425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
	451: "Unavailable For Legal Reasons",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
	505: "HTTP Version Not Supported", 506: "Variant Also Negotiates", 507: "Insufficient Storage", 508: "Loop Detected", 510: "Not Extended",
	511: "Network Authentication Required",
}
