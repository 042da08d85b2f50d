package server

import (
	"fmt"
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

// Note adds a sentence to the notes, once.
func (s *Summary) Note(format string, args ...any) {
	if n := fmt.Sprintf(format, args...); !slices.Contains(s.Notes, n) {
		s.Notes = append(s.Notes, n)
	}
}

// Tokens keeps the names a Summary's list holds (RFC 9110 tokens, once
// each, at most maxPolicyEntries), noting each name left out; a list the
// library sends as is in header is unparsable with a non-token.
func (s *Summary) Tokens(option string, list []string, header string) []string {
	var out []string
	for _, v := range list {
		switch {
		case v == "":
		case !IsToken(v) && header != "":
			s.Note("%s: %q is not a single name, and the library sends it as it is in %s, which browsers then cannot parse: every preflight that gets it fails. The policy leaves it out.", option, v, header)
		case !IsToken(v):
			s.Note("%s: %q is not a single header or method name, so the policy left it out.", option, v)
		case !slices.Contains(out, v) && len(out) < maxPolicyEntries:
			out = append(out, v)
		}
	}
	return out
}

// maxPolicyEntries is engine.MaxPolicyEntries.
const maxPolicyEntries = 100

// IsToken: s is an RFC 9110 token (§5.6.2), one or more token characters.
func IsToken(s string) bool {
	return s != "" && strings.Trim(s, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == ""
}
