package console

import "fmt"

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
	case f.Kind == RedirectModeError, f.Kind == RedirectBadLocation, f.Kind == RedirectNotHTTP, f.Kind == TooManyRedirects, f.Kind == NoCORSRedirectMode, f.Kind == RedirectContainsCredentials:
		return nil, webkitLoadFailed
	}
	reason := webkitReason(f)
	return []Line{
		{"security", "error", reason},
		{"javascript", "error", "Fetch API cannot load " + f.URL + " due to access control checks."},
		{"network", "error", "Failed to load resource: " + reason},
	}, webkitLoadFailed
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
	case HeaderDisallowedByPreflightResponse:
		return "Request header field " + f.Hint + " is not allowed by Access-Control-Allow-Headers."
	}
	// Missing, mismatched or invalid: one text.
	return fmt.Sprintf("Origin %s is not allowed by Access-Control-Allow-Origin. Status code: %d", f.Origin, f.Status)
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
