package console_test

import (
	"testing"

	"corsplay/engine/console"
)

// The console lines below are written out from the templates of
// browser-messages.md §1-2: "Access to fetch at '<url>' from origin
// '<origin>' has been blocked by CORS policy: " + (preflight errors only)
// "Response to preflight request doesn't pass access control check: " + BODY.
const (
	consoleHead   = "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: "
	consolePrefix = "Response to preflight request doesn't pass access control check: "
)

var consoleMessageTests = []struct {
	corsError, hint string
	want            string
}{
	{"MissingAllowOriginHeader", "",
		consoleHead + "No 'Access-Control-Allow-Origin' header is present on the requested resource."},
	{"PreflightMissingAllowOriginHeader", "",
		consoleHead + consolePrefix + "No 'Access-Control-Allow-Origin' header is present on the requested resource."},
	{"WildcardOriginNotAllowed", "",
		consoleHead + "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."},
	{"PreflightWildcardOriginNotAllowed", "",
		consoleHead + consolePrefix + "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."},
	{"MultipleAllowOriginValues", "*, *",
		consoleHead + "The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value."},
	{"PreflightMultipleAllowOriginValues", "https://a.example, https://b.example",
		consoleHead + consolePrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.example, https://b.example', but only one is allowed. Have the server send the header with a valid value."},
	{"InvalidAllowOriginValue", "none",
		consoleHead + "The 'Access-Control-Allow-Origin' header contains the invalid value 'none'. Have the server send the header with a valid value."},
	{"InvalidAllowOriginValue", "",
		consoleHead + "The 'Access-Control-Allow-Origin' header contains the invalid value ''. Have the server send the header with a valid value."},
	{"PreflightInvalidAllowOriginValue", "**",
		consoleHead + consolePrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value '**'. Have the server send the header with a valid value."},
	{"AllowOriginMismatch", "https://app.example.com/",
		consoleHead + "The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com/' that is not equal to the supplied origin. Have the server send the header with a valid value."},
	{"PreflightAllowOriginMismatch", "null",
		consoleHead + consolePrefix + "The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin. Have the server send the header with a valid value."},
	{"InvalidAllowCredentials", "",
		consoleHead + "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."},
	{"InvalidAllowCredentials", "True",
		consoleHead + "The value of the 'Access-Control-Allow-Credentials' header in the response is 'True' which must be 'true' when the request's credentials mode is 'include'."},
	{"PreflightInvalidAllowCredentials", "true, true",
		consoleHead + consolePrefix + "The value of the 'Access-Control-Allow-Credentials' header in the response is 'true, true' which must be 'true' when the request's credentials mode is 'include'."},
	{"PreflightInvalidStatus", "",
		consoleHead + consolePrefix + "It does not have HTTP ok status."},
	{"PreflightDisallowedRedirect", "",
		consoleHead + consolePrefix + "Redirect is not allowed for a preflight request."},
	// Method, header and parse failures of a preflight carry no prefix.
	{"InvalidAllowMethodsPreflightResponse", "",
		consoleHead + "Cannot parse Access-Control-Allow-Methods response header field in preflight response."},
	{"InvalidAllowHeadersPreflightResponse", "",
		consoleHead + "Cannot parse Access-Control-Allow-Headers response header field in preflight response."},
	{"MethodDisallowedByPreflightResponse", "PATCH",
		consoleHead + "Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response."},
	{"MethodDisallowedByPreflightResponse", "patch",
		consoleHead + "Method patch is not allowed by Access-Control-Allow-Methods in preflight response."},
	{"HeaderDisallowedByPreflightResponse", "x-test",
		consoleHead + "Request header field x-test is not allowed by Access-Control-Allow-Headers in preflight response."},
	{"DisallowedByMode", "",
		consoleHead + "Cross origin requests are not allowed by request mode."},
	// Hints are encoded: printable ASCII as is, every other byte \uXXXX.
	{"AllowOriginMismatch", "https://caf\u00e9.example",
		consoleHead + `The 'Access-Control-Allow-Origin' header has a value 'https://caf\u00C3\u00A9.example' that is not equal to the supplied origin. Have the server send the header with a valid value.`},
	{"InvalidAllowCredentials", "true\t",
		consoleHead + `The value of the 'Access-Control-Allow-Credentials' header in the response is 'true\u0009' which must be 'true' when the request's credentials mode is 'include'.`},
	{"InvalidAllowOriginValue", "a\x7fb~",
		consoleHead + `The 'Access-Control-Allow-Origin' header contains the invalid value 'a\u007Fb~'. Have the server send the header with a valid value.`},
}

const (
	apiURL     = "https://api.example.com/items"
	pageOrigin = "https://app.example.com"
)

func TestChromeCORS(t *testing.T) {
	for _, tt := range consoleMessageTests {
		t.Run(tt.corsError+"/"+tt.hint, func(t *testing.T) {
			got := console.ChromeCORS(console.Failure{Kind: tt.corsError, URL: apiURL, Origin: pageOrigin, Hint: tt.hint})
			if got != tt.want {
				t.Errorf("ChromeCORS(%q, %q, %q, %q) =\n%s\nwant\n%s", apiURL, pageOrigin, tt.corsError, tt.hint, got, tt.want)
			}
		})
	}
}

// TestChromeCORSWorkedExamples checks two of the worked examples of
// browser-messages.md §2.3 verbatim.
func TestChromeCORSWorkedExamples(t *testing.T) {
	tests := []struct {
		url, origin, corsError, hint, want string
	}{
		{"http://www1.web-platform.test:8000/fetch/api/resources/top.txt", "http://web-platform.test:8000", "MissingAllowOriginHeader", "",
			"Access to fetch at 'http://www1.web-platform.test:8000/fetch/api/resources/top.txt' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."},
		{"http://www1.web-platform.test:8000/x", "http://web-platform.test:8000", "PreflightInvalidStatus", "",
			"Access to fetch at 'http://www1.web-platform.test:8000/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status."},
		{"http://www1.web-platform.test:8001/x", "http://web-platform.test:8000", "MultipleAllowOriginValues", "*, *",
			"Access to fetch at 'http://www1.web-platform.test:8001/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value."},
		{"https://api.example.com/x", "null", "MissingAllowOriginHeader", "",
			"Access to fetch at 'https://api.example.com/x' from origin 'null' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."},
	}
	for _, tt := range tests {
		t.Run(tt.corsError, func(t *testing.T) {
			if got := console.ChromeCORS(console.Failure{Kind: tt.corsError, URL: tt.url, Origin: tt.origin, Hint: tt.hint}); got != tt.want {
				t.Errorf("ChromeCORS(%q, %q, %q, %q) =\n%s\nwant\n%s", tt.url, tt.origin, tt.corsError, tt.hint, got, tt.want)
			}
		})
	}
}
