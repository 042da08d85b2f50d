package engine

import (
	"net/url"
	"strings"
)

// CORSError names, as Chromium's network::mojom::CorsError and DevTools'
// Audits.CorsError spell them.
const (
	ErrDisallowedByMode             = "DisallowedByMode"
	ErrWildcardOriginNotAllowed     = "WildcardOriginNotAllowed"
	ErrMissingAllowOriginHeader     = "MissingAllowOriginHeader"
	ErrMultipleAllowOriginValues    = "MultipleAllowOriginValues"
	ErrInvalidAllowOriginValue      = "InvalidAllowOriginValue"
	ErrAllowOriginMismatch          = "AllowOriginMismatch"
	ErrInvalidAllowCredentials      = "InvalidAllowCredentials"
	ErrPreflightInvalidStatus       = "PreflightInvalidStatus"
	ErrPreflightDisallowedRedirect  = "PreflightDisallowedRedirect"
	ErrInvalidAllowMethodsPreflight = "InvalidAllowMethodsPreflightResponse"
	ErrInvalidAllowHeadersPreflight = "InvalidAllowHeadersPreflightResponse"
	ErrMethodDisallowedByPreflight  = "MethodDisallowedByPreflightResponse"
	ErrHeaderDisallowedByPreflight  = "HeaderDisallowedByPreflightResponse"
	ErrRedirectContainsCredentials  = "RedirectContainsCredentials"
	ErrNoCORSRedirectMode           = "NoCorsRedirectModeNotFollow"
	preflightPrefix                 = "Preflight"
	headerAllowOrigin               = "Access-Control-Allow-Origin"
	headerAllowCredentials          = "Access-Control-Allow-Credentials"
	headerAllowMethods              = "Access-Control-Allow-Methods"
	headerAllowHeaders              = "Access-Control-Allow-Headers"
	headerMaxAge                    = "Access-Control-Max-Age"
	headerExposeHeaders             = "Access-Control-Expose-Headers"
	headerRequestMethod             = "Access-Control-Request-Method"
	headerRequestHeaders            = "Access-Control-Request-Headers"
)

// CORSCheckResult is the outcome of a CORS check: ok, or the CorsError and
// the header value Chromium quotes in its console message.
type CORSCheckResult struct {
	OK        bool
	CORSError string
	Hint      string
}

// CORSCheck decides whether a response lets the page at origin read it:
// Access-Control-Allow-Origin must be "*" (only without credentials) or the
// serialized origin itself, and with credentials "include",
// Access-Control-Allow-Credentials must be exactly "true". A failure is
// classified the way Chromium's CheckAccess does, for its console message.
// https://fetch.spec.whatwg.org/#concept-cors-check
func CORSCheck(origin Origin, credentials string, resp Headers) CORSCheckResult {
	include := credentials == CredentialsInclude
	acao, ok := resp.Get(headerAllowOrigin)
	switch {
	case !ok:
		return CORSCheckResult{CORSError: ErrMissingAllowOriginHeader}
	case acao == "*":
		if !include {
			return CORSCheckResult{OK: true}
		}
		return CORSCheckResult{CORSError: ErrWildcardOriginNotAllowed}
	case acao != origin.String():
		switch {
		case strings.ContainsAny(acao, " ,"):
			return CORSCheckResult{CORSError: ErrMultipleAllowOriginValues, Hint: acao}
		case acao != "null" && !isValidGURL(acao):
			return CORSCheckResult{CORSError: ErrInvalidAllowOriginValue, Hint: acao}
		}
		return CORSCheckResult{CORSError: ErrAllowOriginMismatch, Hint: acao}
	}
	if include {
		if acac, _ := resp.Get(headerAllowCredentials); acac != "true" {
			return CORSCheckResult{CORSError: ErrInvalidAllowCredentials, Hint: acac}
		}
	}
	return CORSCheckResult{OK: true}
}

// isValidGURL approximates Chromium's GURL::is_valid for the values servers
// put in Access-Control-Allow-Origin: a scheme, and for http-like schemes a
// non-empty host.
func isValidGURL(v string) bool {
	colon := strings.IndexByte(v, ':')
	if colon <= 0 {
		return false
	}
	scheme := v[:colon]
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		if !(isAlphaNum(c) || (i > 0 && strings.IndexByte("+-.", c) >= 0)) || (i == 0 && !('a' <= c|0x20 && c|0x20 <= 'z')) {
			return false
		}
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "ws", "wss", "ftp":
		rest := strings.TrimLeft(v[colon+1:], "/\\")
		host := rest
		if i := strings.IndexAny(rest, "/\\?#"); i >= 0 {
			host = rest[:i]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
		if h, port, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
			if port != "" && (!allDigits(port) || compareDecimal(port, "65535") > 0) {
				return false
			}
			host = h
		}
		if host == "" {
			return false
		}
		_, err := url.Parse("http://" + host)
		return err == nil
	}
	return true
}
