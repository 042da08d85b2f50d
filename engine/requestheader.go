package engine

import (
	"slices"
	"strings"
)

// Value limits of CORS-safelisted request-headers.
// https://fetch.spec.whatwg.org/#cors-safelisted-request-header
const (
	SafelistedValueLimit = 128  // bytes per value
	SafelistedTotalLimit = 1024 // bytes over all safelisted values
)

var forbiddenRequestHeaders = map[string]bool{
	"accept-charset": true, "accept-encoding": true, "access-control-request-headers": true,
	"access-control-request-method": true, "connection": true, "content-length": true,
	"cookie": true, "cookie2": true, "date": true, "dnt": true, "expect": true, "host": true,
	"keep-alive": true, "origin": true, "referer": true, "set-cookie": true, "te": true,
	"trailer": true, "transfer-encoding": true, "upgrade": true, "via": true,
}

// ForbiddenRequestHeader reports whether script may not set the header
// (name, value): fetch() then drops it silently. The reason says why.
// Chromium also forbids User-Agent and Access-Control-Request-Private-Network.
// https://fetch.spec.whatwg.org/#forbidden-request-header
func ForbiddenRequestHeader(profile, name, value string) (forbidden bool, reason string) {
	lower := strings.ToLower(name)
	switch {
	case forbiddenRequestHeaders[lower]:
		return true, "the browser alone sets " + name
	case strings.HasPrefix(lower, "proxy-"), strings.HasPrefix(lower, "sec-"):
		return true, "names starting with Proxy- or Sec- are reserved for the browser"
	case lower == "x-http-method" || lower == "x-http-method-override" || lower == "x-method-override":
		for m := range strings.SplitSeq(value, ",") {
			if IsForbiddenMethod(trimOWS(m)) {
				return true, name + " may not name a forbidden method"
			}
		}
	case profileOf(profile).userAgentForbidden && (lower == "user-agent" || lower == "access-control-request-private-network"):
		return true, "Chromium still forbids " + name + " (the standard allows it)"
	}
	return false, ""
}

// isCORSUnsafeRequestHeaderByte reports a byte that keeps Accept and
// Content-Type values from being safelisted.
// https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte
func isCORSUnsafeRequestHeaderByte(c byte) bool {
	return (c < 0x20 && c != '\t') || c == 0x7f || strings.IndexByte("\"():<>?@[\\]{}", c) >= 0
}

func hasUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if isCORSUnsafeRequestHeaderByte(v[i]) {
			return true
		}
	}
	return false
}

// SafelistedRequestHeader reports whether (name, value) is a CORS-safelisted
// request-header: one a cross-origin request may carry without a preflight.
// The chrome profile adds the client hints Chromium still safelists.
// https://fetch.spec.whatwg.org/#cors-safelisted-request-header
func SafelistedRequestHeader(profile, name, value string) bool {
	if len(value) > SafelistedValueLimit {
		return false
	}
	switch strings.ToLower(name) {
	case "accept":
		return !hasUnsafeByte(value)
	case "accept-language", "content-language":
		for i := 0; i < len(value); i++ {
			c := value[i]
			if !isAlphaNum(c) && strings.IndexByte(" *,-.;=", c) < 0 {
				return false
			}
		}
		return true
	case "content-type":
		return safelistedContentType(value)
	case "range":
		return safelistedRange(value, profileOf(profile).rangeAnyCase)
	}
	return profileOf(profile).clientHints && chromeSafelistedClientHint(name, value)
}

// safelistedContentType: no unsafe byte, and a MIME type whose essence is one
// of the three a <form> can send.
// https://fetch.spec.whatwg.org/#cors-safelisted-request-header
func safelistedContentType(value string) bool {
	if hasUnsafeByte(value) {
		return false
	}
	essence, ok := mimeEssence(value)
	if !ok {
		return false
	}
	switch essence {
	case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}

// mimeEssence parses the type and subtype of a MIME type and returns
// "type/subtype" lower-cased; parameters never make it fail.
// https://mimesniff.spec.whatwg.org/#parse-a-mime-type
func mimeEssence(v string) (string, bool) {
	v = strings.Trim(v, "\t\n\r ")
	slash := strings.IndexByte(v, '/')
	if slash < 0 {
		return "", false
	}
	typ, rest := v[:slash], v[slash+1:]
	sub := rest
	if semi := strings.IndexByte(rest, ';'); semi >= 0 {
		sub = rest[:semi]
	}
	sub = strings.TrimRight(sub, "\t\n\r ")
	if !IsToken(typ) || !IsToken(sub) {
		return "", false
	}
	return strings.ToLower(typ + "/" + sub), true
}

// safelistedRange: a single "bytes=start-[end]" range with a start, "bytes"
// in lower case (Chromium agrees, whatever its source suggests).
// https://fetch.spec.whatwg.org/#simple-range-header-value
func safelistedRange(value string, anyCase bool) bool {
	unit, rest, ok := strings.Cut(value, "=")
	if !ok || unit != "bytes" && !(anyCase && strings.EqualFold(unit, "bytes")) {
		return false
	}
	start, end, ok := strings.Cut(rest, "-")
	if !ok || !allDigits(start) || (end != "" && !allDigits(end)) {
		return false
	}
	if end != "" && compareDecimal(start, end) > 0 {
		return false
	}
	return true
}

// chromeSafelistedClientHint covers the request headers Chromium safelists
// beyond the standard (services/network/public/cpp/cors/cors.cc).
func chromeSafelistedClientHint(name, value string) bool {
	switch strings.ToLower(name) {
	case "intervention":
		return true
	case "device-memory", "dpr", "downlink":
		return isSimpleDecimal(value)
	case "width", "viewport-width", "rtt":
		return allDigits(value)
	case "ect":
		switch value {
		case "slow-2g", "2g", "3g", "4g":
			return true
		}
		return false
	case "save-data":
		return strings.EqualFold(value, "on")
	}
	return false
}

// CORSUnsafeRequestHeaderNames returns the lower-cased, sorted names of the
// headers that make a request need a preflight: the ones not safelisted,
// and all of them once the safelisted values exceed 1024 bytes. Its
// comma-join is the Access-Control-Request-Headers value: each name once,
// or (Firefox) once per header of that name.
// https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
func CORSUnsafeRequestHeaderNames(profile string, hs Headers) []string {
	p := profileOf(profile)
	var unsafe, potentially []string
	size := 0
	for _, h := range hs {
		if SafelistedRequestHeader(profile, h.Name, h.Value) {
			potentially = append(potentially, strings.ToLower(h.Name))
			size += len(h.Value)
		} else {
			unsafe = append(unsafe, strings.ToLower(h.Name))
		}
	}
	if p.safelistTotal && size > SafelistedTotalLimit {
		unsafe = append(unsafe, potentially...)
	}
	slices.Sort(unsafe)
	if p.namesRepeated {
		return unsafe
	}
	return slices.Compact(unsafe)
}

// NoCORSSafelistedName reports the names a no-cors request may carry.
// https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name
func NoCORSSafelistedName(name string) bool {
	switch strings.ToLower(name) {
	case "accept", "accept-language", "content-language", "content-type":
		return true
	}
	return false
}

func isAlphaNum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isSimpleDecimal matches 1*DIGIT ["." 1*DIGIT].
func isSimpleDecimal(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	return allDigits(whole) && (!dot || allDigits(frac))
}

// compareDecimal compares two digit strings as numbers of any length.
func compareDecimal(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
