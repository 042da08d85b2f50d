package rscors

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/server"
)

// summarize reads cors.New's fields in the policy's words: "*" or no
// origin at all answers *; each entry is lower-cased; a * splits an entry
// into a prefix and a suffix, any text between them.
func summarize(options map[string]json.RawMessage) server.Summary {
	var s server.Summary
	o, err := decode(options)
	if err != nil {
		return s
	}
	c := newRSCorsFromOptions(o)
	s.Credentials = c.allowCredentials
	if c.allowedOriginsAll {
		s.AnyOrigin = "wildcard"
		if slices.Contains(o.AllowedOrigins, "*") {
			s.AnyEntry = `"*"`
		}
	}
	for _, raw := range o.AllowedOrigins {
		if raw == "*" {
			continue
		}
		policy := strings.ToLower(raw) // exact, or scheme://*.domain
		i := strings.IndexByte(policy, '*')
		switch {
		case i < 0 && strings.HasPrefix(policy, "re:"):
			policy = "re:^" + regexp.QuoteMeta(policy) + "$"
		case i >= 0 && !subdomains(policy[:i], policy[i+1:]):
			policy = "re:(?i)^" + regexp.QuoteMeta(policy[:i]) + ".*" + regexp.QuoteMeta(policy[i+1:]) + "$"
		}
		s.Origins = append(s.Origins, server.Entry{Written: raw, Policy: policy})
	}

	methods := c.allowedMethods
	if slices.Contains(methods, "*") {
		s.Note(`AllowedMethods "*" is no wildcard in rs/cors: it compares methods as exact strings, so the policy leaves "*" out.`)
		methods = slices.DeleteFunc(slices.Clone(methods), func(m string) bool { return m == "*" })
	}
	s.Methods = server.Tokens(s.Note, "AllowedMethods", methods, "")
	var unlisted []string
	for _, m := range []string{"GET", "HEAD", "POST"} {
		if !slices.Contains(c.allowedMethods, m) {
			unlisted = append(unlisted, m)
		}
	}
	if len(unlisted) > 0 {
		or := unlisted[len(unlisted)-1]
		if len(unlisted) > 1 {
			or = strings.Join(unlisted[:len(unlisted)-1], ", ") + " or " + or
		}
		s.Note("rs/cors also checks the method of actual requests: a %s request gets no CORS headers because AllowedMethods does not list it, while the policy (like the CORS protocol) lets GET, HEAD and POST through without asking.", or)
	}
	switch {
	case c.allowedHeadersAll && c.allowCredentials: // echoes what is asked
		s.RequestHeaders = []string{"*"}
	case c.allowedHeadersAll: // "*" without credentials does not cover Authorization
		s.RequestHeaders = []string{"*", "Authorization"}
	default:
		names := make([]string, len(c.allowedHeaders.m))
		for n, i := range c.allowedHeaders.m {
			names[i] = n
		}
		s.RequestHeaders = server.Tokens(s.Note, "AllowedHeaders", names, "")
	}
	expose := server.SplitList(c.exposedHeaders)
	if slices.Contains(expose, "*") && c.allowCredentials {
		s.Note(`ExposedHeaders "*" with AllowCredentials: rs/cors sends * as is, which browsers read as a header named * on a credentialed request (nothing is exposed); the policy lists the response's headers instead.`)
	}
	s.ExposeHeaders = server.Tokens(s.Note, "ExposedHeaders", expose, "")
	if n, err := strconv.ParseInt(c.maxAge, 10, 64); err == nil {
		s.MaxAge = &n
	}
	s.PreflightStatus = c.optionsSuccessStatus
	if c.optionPassthrough {
		s.PreflightStatus = 200
	}
	if s.PreflightStatus == 204 {
		s.PreflightStatus = 0
	}
	if c.allowPrivateNetwork {
		s.Note("AllowPrivateNetwork answers Private Network Access preflights, which the policy does not model.")
	}
	return s
}

// subdomains: "scheme://" and ".domain[:port]" around the *, which then
// means the policy's scheme://*.domain[:port] exactly on the origins
// browsers send (a default port, which browsers never send, excepted; a
// "re:" start would make it a regular expression).
func subdomains(prefix, suffix string) bool {
	scheme, ok := strings.CutSuffix(prefix, "://")
	if !ok || scheme == "" || scheme == "re" || strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz0123456789+-.") != "" {
		return false
	}
	base, ok := strings.CutPrefix(suffix, ".")
	if !ok || base == "" || strings.Trim(base, "abcdefghijklmnopqrstuvwxyz0123456789-.:") != "" {
		return false
	}
	if _, port, ok := strings.Cut(base, ":"); ok && (port == "80" && (scheme == "http" || scheme == "ws") || port == "443" && (scheme == "https" || scheme == "wss") ||
		port == "" || strings.Trim(port, "0123456789") != "") {
		return false
	}
	return len(prefix)+1+len(suffix) <= maxPatternBytes
}

// maxPatternBytes is engine.MaxPatternBytes, the longest policy entry.
const maxPatternBytes = 1024
