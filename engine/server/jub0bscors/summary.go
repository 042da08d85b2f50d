package jub0bscors

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"corsplay/engine/server"
)

// summarize reads the configuration NewMiddleware builds in the policy's
// words; jub0bs/cors refuses the dangerous ones, so nothing is flagged.
func summarize(options map[string]json.RawMessage) server.Summary {
	var s server.Summary
	c, err := newJub0bsCors(options)
	if err != nil {
		return s
	}
	s.Credentials = c.credentialed
	patterns := c.patterns
	if c.anyOrigin {
		// "*" empties the tree; the other entries stay in the summary,
		// where they are as ignored (the lint's ORIGIN-015 says so).
		s.AnyOrigin, s.AnyEntry = "wildcard", `"*"`
		var origins []string
		json.Unmarshal(options["Origins"], &origins)
		for _, o := range origins {
			if pat, err := jubParsePattern(o); err == "" {
				patterns = append(patterns, pat)
			}
		}
	}
	for _, p := range patterns {
		s.Origins = append(s.Origins, server.Entry{Written: patternText(p), Policy: policyEntry(p)})
	}
	if c.allowAnyMethod {
		s.Methods = []string{"*"}
	} else {
		s.Methods = server.Tokens(s.Note, "Methods", c.allowedMethods.elems, "")
	}
	switch {
	case c.wildcardRequestHeaders && !c.credentialed && c.allowedRequestHeaders.contains("authorization"):
		s.RequestHeaders = []string{"*", "Authorization"}
	case c.wildcardRequestHeaders:
		s.RequestHeaders = []string{"*"}
	default:
		s.RequestHeaders = server.Tokens(s.Note, "RequestHeaders", c.allowedRequestHeaders.elems, "")
	}
	s.ExposeHeaders = server.Tokens(s.Note, "ResponseHeaders", server.SplitList(c.aceh), "")
	if n, err := strconv.ParseInt(c.acma, 10, 64); err == nil {
		s.MaxAge = &n
	}
	return s
}

// patternText writes a parsed pattern back as cors.Config spells it.
func patternText(p jubPattern) string {
	host := p.hostPattern
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	s := p.scheme + "://" + host
	switch {
	case p.port == -1:
		s += ":*"
	case p.port > 0:
		s += ":" + strconv.Itoa(p.port)
	}
	return s
}

// policyEntry is the policy entry of a pattern: the same text, except
// where the policy's forms differ (IPv6 with any port, subdomains with any
// port), written as a regular expression.
func policyEntry(p jubPattern) string {
	if p.port != -1 || (p.kind != jubArbitrarySubdomains && !strings.Contains(p.hostPattern, ":")) {
		return patternText(p)
	}
	host := regexp.QuoteMeta(p.hostPattern)
	if p.kind == jubArbitrarySubdomains {
		host = ".+" + regexp.QuoteMeta(p.hostPattern[1:])
	} else {
		host = `\[` + host + `\]`
	}
	return "re:^" + regexp.QuoteMeta(p.scheme) + "://" + host + "(:[0-9]+)?$"
}

// CredentialedRisks says what jub0bs/cors refuses in an origin pattern
// with Credentialed unless told to tolerate it: an insecure origin
// (DangerouslyTolerateInsecureOrigins) or any subdomain of a public
// suffix (DangerouslyTolerateSubdomainsOfPublicSuffixes); both false for a
// pattern it refuses outright, and the second false when the Public
// Suffix List cannot be read (the page without its psl.js, where jub0bs/cors's
// emulation says so). The engine's policy export asks it.
func CredentialedRisks(pattern string) (insecure, publicSuffixSubdomains bool) {
	p, err := jubParsePattern(pattern)
	if err != "" {
		return false, false
	}
	suffix, pslErr := p.hostIsEffectiveTLD()
	return p.isDeemedInsecure(), p.kind == jubArbitrarySubdomains && suffix && pslErr == nil
}
