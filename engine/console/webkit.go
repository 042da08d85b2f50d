package console

import (
	"fmt"
	"strings"
)

// WebKit is Safari's console as WebKit prints it: the access-control
// reasons of Source/WebCore/loader/CrossOriginAccessControl.cpp, each logged
// three times (security, javascript, network), and the TypeErrors of its
// Fetch and Request, as WebKitGTK 2.50 prints them.
var WebKit Browser = webkit{}

type webkit struct{}

const webkitLoadFailed = "Load failed"

func (webkit) Failed(f Failure) ([]Line, string) {
	switch {
	case IsTypeError(f.Kind):
		return nil, webkitTypeError(f)
	case f.Kind == DisallowedByMode:
		return []Line{{"javascript", "error", "Fetch API cannot load " + f.URL + "."}}, webkitLoadFailed
	case f.Kind == NoCORSRedirectMode:
		return []Line{
			{"security", "error", "No-Cors mode requires follow redirect mode"},
			{"security", "error", "Not allowed to request resource"},
			{"javascript", "error", "Fetch API cannot load " + f.URL + " due to access control checks."},
		}, webkitLoadFailed
	}
	reason := webkitReason(f)
	if f.Location != "" && !(f.Kind == RedirectNotHTTP && strings.HasPrefix(f.Location, "ftp:")) {
		reason = "Cross-origin redirection to " + f.Location + " denied by Cross-Origin Resource Sharing policy: " + reason
	}
	lines := []Line{
		{"security", "error", reason},
		{"javascript", "error", "Fetch API cannot load " + f.URL + " due to access control checks."},
		{"network", "error", "Failed to load resource: " + reason},
	}
	if f.Location != "" && f.BeganSameOrigin {
		// The redirect was checked in the network process: its line
		// comes before the page's.
		lines[1], lines[2] = lines[2], lines[1]
	}
	return lines, webkitLoadFailed
}

// Loaded: WebKit logs every response with an error status.
func (webkit) Loaded(url string, status int) []Line {
	if status < 400 {
		return nil
	}
	return []Line{{"network", "error", fmt.Sprintf("Failed to load resource: the server responded with a status of %d (%s)", status, ReasonPhrase(status))}}
}

func webkitReason(f Failure) string {
	kind := f.Kind
	if len(kind) > len(Preflight) && kind[:len(Preflight)] == Preflight && kind != PreflightInvalidStatus && kind != PreflightDisallowedRedirect {
		kind = kind[len(Preflight):]
	}
	switch kind {
	case MultipleAllowOriginValues:
		return "Access-Control-Allow-Origin cannot contain more than one origin."
	case WildcardOriginNotAllowed:
		return "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
	case InvalidAllowCredentials:
		return `Credentials flag is true, but Access-Control-Allow-Credentials is not "true".`
	case PreflightInvalidStatus, PreflightDisallowedRedirect:
		return fmt.Sprintf("Preflight response is not successful. Status code: %d", f.Status)
	case InvalidAllowMethodsPreflightResponse:
		return "Header Access-Control-Allow-Methods has an invalid value: " + f.Hint
	case InvalidAllowHeadersPreflightResponse:
		return "Header Access-Control-Allow-Headers has an invalid value: " + f.Hint
	case MethodDisallowedByPreflightResponse:
		return "Method " + f.Hint + " is not allowed by Access-Control-Allow-Methods."
	case RedirectModeError:
		return "Not allowed to follow a redirection while loading " + f.URL
	case RedirectContainsCredentials:
		return "redirection URL " + f.Hint + " has credentials"
	case RedirectNotHTTP, RedirectBadLocation:
		if strings.HasPrefix(f.Location, "ftp:") {
			return "FTP URLs are disabled"
		}
		return "not allowed to follow a cross-origin CORS redirection with non CORS scheme"
	case TooManyRedirects:
		return "Load cannot follow more than 20 redirections"
	case RedirectDisallowedByMode:
		return "Unsafe attempt to load URL " + f.URL + " from origin " + f.Origin + ". Domains, protocols and ports must match.\n"
	case HeaderDisallowedByPreflightResponse:
		return "Request header field " + f.Hint + " is not allowed by Access-Control-Allow-Headers."
	}
	// Missing, mismatched or invalid: one text, with the Origin sent.
	origin := f.Origin
	if f.RequestOrigin != "" {
		origin = f.RequestOrigin
	}
	return fmt.Sprintf("Origin %s is not allowed by Access-Control-Allow-Origin. Status code: %d", origin, f.Status)
}

func webkitTypeError(f Failure) string {
	switch f.Kind {
	case TypeCredentials, TypeMode, TypeRedirect:
		return "Type error" // the enumeration's conversion fails
	case TypeNavigate:
		return "Request constructor does not accept navigate fetch mode."
	case TypeURL, TypeURLCredentials:
		return "URL is not valid or contains user credentials."
	case TypeMethod:
		return "Method is not a valid HTTP token."
	case TypeForbiddenMethod:
		return "Method is forbidden."
	case TypeNoCORSMethod:
		return "Method must be GET, POST or HEAD in no-cors mode."
	case TypeHeaderName:
		return "Invalid header name: '" + f.Hint + "'"
	case TypeHeaderValue:
		return "Header '" + f.Name + "' has invalid value: '" + f.Hint + "'"
	case TypeBodyWithGetHead:
		return "Request has method '" + f.Method + "' and cannot have a body"
	}
	return f.Kind
}
