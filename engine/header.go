package engine

import (
	"strings"

	"corsplay/engine/message"
)

// Header is one header line: a name and a value, in wire order. In JSON it is
// the pair ["Name", "value"].
type Header = message.Header

// Headers is an ordered header list; duplicates and empty values are kept.
type Headers = message.Headers

// IsToken reports whether s matches the HTTP token production (RFC 9110
// §5.6.2), which method and header names must match.
// https://fetch.spec.whatwg.org/#concept-method
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// IsHeaderValue reports whether v is a valid header value: no NUL, CR or LF,
// and no leading or trailing HTTP whitespace once normalized.
// https://fetch.spec.whatwg.org/#header-value
func IsHeaderValue(v string) bool {
	return !strings.ContainsAny(v, "\x00\r\n")
}

// NormalizeHeaderValue strips leading and trailing HTTP whitespace (TAB, LF,
// CR, SP). https://fetch.spec.whatwg.org/#concept-header-value-normalize
func NormalizeHeaderValue(v string) string {
	return strings.Trim(v, "\t\n\r ")
}

// trimOWS strips optional whitespace (SP and HTAB).
func trimOWS(s string) string {
	return strings.Trim(s, " \t")
}

// ExtractList splits a header value into its comma-separated elements, trims
// optional whitespace and drops empty elements. ok is false when an element is
// not a token: the whole list then fails to parse.
// https://fetch.spec.whatwg.org/#extract-header-list-values
func ExtractList(value string) (list []string, ok bool) {
	for elem := range strings.SplitSeq(value, ",") {
		elem = trimOWS(elem)
		if elem == "" {
			continue
		}
		if !IsToken(elem) {
			return nil, false
		}
		list = append(list, elem)
	}
	return list, true
}

// badListElement is the first element of a list that ExtractList refuses:
// the one Firefox quotes as an invalid token.
func badListElement(value string) string {
	for elem := range strings.SplitSeq(value, ",") {
		if elem = trimOWS(elem); elem != "" && !IsToken(elem) {
			return elem
		}
	}
	return ""
}
