package server

import (
	"slices"
	"strings"
)

// SplitList splits a comma-separated header value into trimmed elements.
func SplitList(s string) []string {
	var out []string
	for e := range strings.SplitSeq(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// Tokens keeps the names a Summary's list holds (RFC 9110 tokens, once
// each, at most maxPolicyEntries), noting each name left out; a list the
// library sends as is in header is unparsable with a non-token.
func Tokens(note func(string, ...any), option string, list []string, header string) []string {
	var out []string
	for _, v := range list {
		switch {
		case v == "":
		case !IsToken(v) && header != "":
			note("%s: %q is not a single name, and the library sends it as it is in %s, which browsers then cannot parse: every preflight that gets it fails. The policy leaves it out.", option, v, header)
		case !IsToken(v):
			note("%s: %q is not a single header or method name, so the policy left it out.", option, v)
		case !slices.Contains(out, v) && len(out) < maxPolicyEntries:
			out = append(out, v)
		}
	}
	return out
}

// maxPolicyEntries is engine.MaxPolicyEntries.
const maxPolicyEntries = 100

// IsToken: s holds only RFC 9110 token characters (Tokens skips "").
func IsToken(s string) bool {
	return strings.Trim(s, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == ""
}
