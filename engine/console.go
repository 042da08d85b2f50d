package engine

import (
	"fmt"
	"strings"
)

// haveServerSend is the sentence Chromium appends to origin-value errors of
// fetch() requests.
const haveServerSend = " Have the server send the header with a valid value."

// ConsoleMessage is the line Chromium's console prints when a fetch() from
// origin to url fails with corsError; hint is the quoted header value.
// (third_party/blink/renderer/platform/loader/cors/cors_error_string.cc)
func ConsoleMessage(url, origin, corsError, hint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Access to fetch at '%s' from origin '%s' has been blocked by CORS policy: ", url, origin)
	base, preflight := strings.CutPrefix(corsError, preflightPrefix)
	if preflight {
		b.WriteString("Response to preflight request doesn't pass access control check: ")
	} else {
		base = corsError
	}
	h := encodeHint(hint)
	switch base {
	case ErrDisallowedByMode:
		b.WriteString("Cross origin requests are not allowed by request mode.")
	case ErrWildcardOriginNotAllowed:
		b.WriteString("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.")
	case ErrMissingAllowOriginHeader:
		b.WriteString("No 'Access-Control-Allow-Origin' header is present on the requested resource.")
	case ErrMultipleAllowOriginValues:
		b.WriteString("The 'Access-Control-Allow-Origin' header contains multiple values '" + h + "', but only one is allowed." + haveServerSend)
	case ErrInvalidAllowOriginValue:
		b.WriteString("The 'Access-Control-Allow-Origin' header contains the invalid value '" + h + "'." + haveServerSend)
	case ErrAllowOriginMismatch:
		b.WriteString("The 'Access-Control-Allow-Origin' header has a value '" + h + "' that is not equal to the supplied origin." + haveServerSend)
	case ErrInvalidAllowCredentials:
		b.WriteString("The value of the 'Access-Control-Allow-Credentials' header in the response is '" + h + "' which must be 'true' when the request's credentials mode is 'include'.")
	case "InvalidStatus":
		b.WriteString("It does not have HTTP ok status.")
	case "DisallowedRedirect":
		b.WriteString("Redirect is not allowed for a preflight request.")
	case ErrInvalidAllowMethodsPreflight:
		b.WriteString("Cannot parse Access-Control-Allow-Methods response header field in preflight response.")
	case ErrInvalidAllowHeadersPreflight:
		b.WriteString("Cannot parse Access-Control-Allow-Headers response header field in preflight response.")
	case ErrMethodDisallowedByPreflight:
		b.WriteString("Method " + h + " is not allowed by Access-Control-Allow-Methods in preflight response.")
	case ErrHeaderDisallowedByPreflight:
		b.WriteString("Request header field " + h + " is not allowed by Access-Control-Allow-Headers in preflight response.")
	}
	return b.String()
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

// typeError is the message of the TypeError fetch() throws.
func typeError(msg string) string {
	return "Failed to execute 'fetch' on 'Window': " + msg
}
