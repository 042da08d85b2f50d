package engine

import "strings"

// IsForbiddenMethod reports whether m is CONNECT, TRACE or TRACK in any case:
// fetch() refuses them with a TypeError.
// https://fetch.spec.whatwg.org/#forbidden-method
func IsForbiddenMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "CONNECT", "TRACE", "TRACK":
		return true
	}
	return false
}

// NormalizeMethod upper-cases DELETE, GET, HEAD, OPTIONS, POST and PUT in any
// case and returns every other method as typed: "patch" stays "patch".
// https://fetch.spec.whatwg.org/#concept-method-normalize
func NormalizeMethod(m string) string {
	switch u := strings.ToUpper(m); u {
	case "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT":
		return u
	}
	return m
}

// IsSafelistedMethod reports whether m is GET, HEAD or POST, the methods that
// need no preflight. Methods are case-sensitive once normalized.
// https://fetch.spec.whatwg.org/#cors-safelisted-method
func IsSafelistedMethod(m string) bool {
	return m == "GET" || m == "HEAD" || m == "POST"
}
