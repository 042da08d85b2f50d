package engine

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/expresscors"
	"corsplay/engine/server/flaskcors"
	"corsplay/engine/server/rscors"
	"corsplay/internal/lazyre"
)

// Lint reports what is broken or dangerous in the scenario's server, most
// severe first: a policy's findings, or a library's in the library's own
// terms (its regular-expression semantics, its dangerous defaults). It is
// empty for raw responses and for a configuration the library refuses.
func Lint(s Scenario) []Finding {
	s = s.metered()
	return lint(s, analyse(s, newLibView(s)))
}

// analysis is what analyse derives once for Lint and Exposure.
type analysis struct {
	c      *compiledPolicy // the policy, or the library's configuration as one
	probes []Probe         // the attacker's view
	lib    *libView        // nil unless the server is a library
}

// analyse compiles the scenario's policy, or imports its library's
// configuration (lib, built by newLibView), and derives the attacker's
// view; empty for a server that is neither.
func analyse(s Scenario, lib *libView) analysis {
	switch {
	case s.Server.Library != nil: // as Server.responder: the library answers
		if lib == nil {
			return analysis{}
		}
		c, err := lib.imp.policy.compile()
		if err != nil {
			return analysis{}
		}
		return analysis{c: c, probes: c.exposure(s, lib.readable, lib.extraProbes()), lib: lib}
	case s.Server.Policy != nil:
		c, err := s.Server.Policy.compile()
		if err != nil {
			return analysis{}
		}
		return analysis{c: c, probes: c.exposure(s, nil, nil)}
	}
	return analysis{}
}

func lint(s Scenario, a analysis) []Finding {
	if a.c == nil {
		return nil
	}
	l := &linter{s: s.withDefaults(), p: a.c, probes: a.probes, lib: a.lib}
	rules := lintRules
	if a.lib != nil {
		rules = libraryLintRules
	}
	for _, rule := range rules {
		rule(l)
	}
	sortFindings(l.out)
	return l.out
}

// linter carries one Lint call.
type linter struct {
	s      Scenario
	p      *compiledPolicy
	probes []Probe // the attacker's view of the policy
	out    []Finding
	// lib is the library server, nil for a policy: l.p is then its
	// configuration read as a policy, and findings speak its terms.
	lib *libView
	// covered are origins and origins entries a library finding already
	// explains, so that the generic rules do not say it again.
	covered map[string]bool
}

func (l *linter) add(f Finding) { l.out = append(l.out, f) }

// rules are the origins entries in effect: none when anyOrigin overrides
// them (ORIGIN-015 says so).
func (l *linter) rules() []originRule {
	if l.p.AnyOrigin != "" {
		return nil
	}
	return l.p.rules
}

// lintRules run in catalogue order.
var lintRules = []func(*linter){
	lintWildcardWithCredentials,
	lintReflect,
	lintNullOrigin,
	lintRegexEnd,
	lintRegexStart,
	lintRegexDot,
	lintRegexBoundary,
	lintAttackerOrigins,
	lintInsecureOrigins,
	lintAllSubdomains,
	lintPublicSuffixSubdomains,
	lintMalformedOrigins,
	lintAnyOriginWithList,
	lintThirdPartyHosts,
	lintApexExcluded,
	lintCrossSiteCookies,
	lintStarWithoutAuthorization,
	lintEchoedHeaders,
	lintContentType,
	lintForbiddenRequestHeaders,
	lintSafelistedRequestHeaders,
	lintResponseHeadersAsRequest,
	lintSafelistedMethods,
	lintForbiddenMethods,
	lintMethodCase,
	lintEchoedMethods,
	lintOptionsListed,
	lintExposeSetCookie,
	lintExposeStarWithCredentials,
	lintExposeSafelisted,
	lintExposeSensitive,
	lintMaxAgeCaps,
	lintMaxAgeNegative,
	lintMaxAgeShort,
	lintPreflightStatus,
	lintMissingVary,
	lintNotAccessControl,
	lintSimpleRequests,
}

// libraryLintRules are the rules that make sense for a library's
// configuration read as a policy: its origins, credentials, null, regular
// expressions (in the library's semantics) and Vary, after the library's
// own findings. Method, header and max-age rules are left out: a library's
// defaults are not choices its user made.
var libraryLintRules = []func(*linter){
	lintLibrary,
	lintNullOrigin,
	lintRegexEnd,
	lintRegexStart,
	lintRegexDot,
	lintRegexBoundary,
	lintAttackerOrigins,
	lintInsecureOrigins,
	lintAllSubdomains,
	lintPublicSuffixSubdomains,
	lintMalformedOrigins,
	lintAnyOriginWithList,
	lintThirdPartyHosts,
	lintApexExcluded,
	lintCrossSiteCookies,
	lintMissingVary,
	lintNotAccessControl,
	lintSimpleRequests,
}

var severityRank = map[string]int{SeverityError: 0, SeverityDanger: 1, SeverityWarning: 2, SeverityInfo: 3}

func sortFindings(fs []Finding) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && severityRank[fs[j].Severity] < severityRank[fs[j-1].Severity]; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// ORIGIN-001: * cannot be used with credentials.
// https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
func lintWildcardWithCredentials(l *linter) {
	if l.p.AnyOrigin != AnyOriginWildcard || !l.p.Credentials {
		return
	}
	l.add(Finding{ID: "ORIGIN-001", Severity: SeverityError, Title: "Wildcard origin with credentials",
		Detail: "Access-Control-Allow-Origin: * means \"anyone may read this, as long as no cookies or HTTP authentication were sent\". A request with credentials: \"include\" gets a * answer rejected, so every credentialed request fails; the combination protects nothing and breaks the app.",
		Fix:    "List the exact origins that need cookies in origins (and keep credentials), or turn credentials off if the data is public. Do not reflect the Origin instead: that is worse."})
}

// ORIGIN-002 and ORIGIN-003: echoing any Origin.
func lintReflect(l *linter) {
	if l.p.AnyOrigin != AnyOriginReflect {
		return
	}
	if l.p.Credentials {
		l.add(Finding{ID: "ORIGIN-002", Severity: SeverityDanger, Title: "Any origin is reflected, with credentials",
			Detail: "The server copies whatever Origin calls it into Access-Control-Allow-Origin and also allows credentials. So any web page a logged-in user visits can call this API with the user's cookies and read the answer: profile data, CSRF tokens, API keys. Your own frontend works too, which is why this passes every functional test.",
			Fix:    "Replace reflect with an explicit list of trusted origins. If the data is public, answer * without credentials."})
		return
	}
	l.add(Finding{ID: "ORIGIN-003", Severity: SeverityWarning, Title: "Any origin is reflected",
		Detail: "Echoing every origin grants exactly what * grants, but hides it; it needs Vary: Origin to be cache-safe, and it becomes a critical hole the day someone turns credentials on.",
		Fix:    "Answer * (anyOrigin: \"wildcard\") if any site may read, or list the origins."})
}

// Shared helpers.

// matching returns the entries of list that pick accepts.
func matching(list []string, pick func(string) bool) []string {
	var out []string
	for _, v := range list {
		if pick(v) {
			out = append(out, v)
		}
	}
	return out
}

// quoted writes the values in quotes, unescaped: "a", "b" and "c".
func quoted(list []string) string {
	q := make([]string, len(list))
	for i, v := range list {
		q[i] = `"` + v + `"`
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// isName returns a predicate matching any of names, ignoring case.
func isName(names ...string) func(string) bool {
	return func(v string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, v) })
	}
}

func (l *linter) listsHeader(name string) bool {
	return slices.ContainsFunc(l.p.RequestHeaders, isName(name))
}

// reads says what script on an allowed origin can do.
func (l *linter) reads() string {
	if l.p.Credentials {
		return "call the API with the logged-in user's cookies and read the answers"
	}
	return "read the API's answers to requests sent without cookies"
}

// severityIfCredentials is danger with credentials, warning without.
func (l *linter) severityIfCredentials() string {
	if l.p.Credentials {
		return SeverityDanger
	}
	return SeverityWarning
}

// nonSimpleMethods are the listed methods only a preflight can grant.
func (l *linter) nonSimpleMethods() []string {
	return matching(l.p.Methods, func(m string) bool { return !IsSafelistedMethod(strings.ToUpper(m)) })
}

var alwaysSafelistedRequestHeader = isName("Accept", "Accept-Language", "Content-Language")

// nonSimpleHeaders are the listed request headers only a preflight can grant.
func (l *linter) nonSimpleHeaders() []string {
	return matching(l.p.RequestHeaders, func(h string) bool {
		forbidden, _ := ForbiddenRequestHeader(Spec, h, "")
		return !forbidden && !alwaysSafelistedRequestHeader(h)
	})
}

// isLoopback: localhost, *.localhost, 127.0.0.0/8 and [::1], which only the
// user's own machine serves.
func isLoopback(host string) bool {
	host = strings.Trim(host, "[]")
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "::1" ||
		(strings.HasPrefix(host, "127.") && net4(host))
}

// ruleHosts are the hosts a rule names; for a pattern, the ones its text spells.
func ruleHosts(r originRule) []string {
	switch r.kind {
	case "exact":
		if u, err := url.Parse(strings.TrimSpace(r.raw)); err == nil && u.Host != "" {
			return []string{strings.ToLower(u.Hostname())}
		}
		return nil
	case "regex":
		var hs []string
		for _, h := range patternHosts(r) {
			hs = append(hs, h.host)
		}
		return hs
	}
	return []string{r.host}
}

// patternHost is a host a regular expression spells, with the scheme written
// right before it ("" when none is).
type patternHost struct{ scheme, host string }

var (
	patternHostRe    = lazyre.New(`(?:(https?)://)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+|localhost)`)
	patternUnescaper = strings.NewReplacer(`\.`, ".", `[.]`, ".", `\/`, "/", `\-`, "-", `(?i)`, "")
)

func patternHosts(r originRule) []patternHost {
	var out []patternHost
	for _, m := range patternHostRe.FindAllStringSubmatch(patternUnescaper.Replace(strings.ToLower(r.raw[3:])), -1) {
		out = append(out, patternHost{m[1], m[2]})
	}
	return out
}

// origins writes each host with the pattern's scheme, or with both.
func (h patternHost) origins(hosts ...string) []string {
	schemes := []string{h.scheme}
	if h.scheme == "" {
		schemes = []string{"https", "http"}
	}
	var out []string
	for _, s := range schemes {
		for _, x := range hosts {
			out = append(out, s+"://"+x)
		}
	}
	return out
}

// anchoredAt reports whether every way through the pattern starts (end
// false) or finishes (end true) with an anchor.
func anchoredAt(re *syntax.Regexp, end bool) bool {
	switch re.Op {
	case syntax.OpBeginText, syntax.OpBeginLine:
		return !end
	case syntax.OpEndText, syntax.OpEndLine:
		return end
	case syntax.OpCapture:
		return anchoredAt(re.Sub[0], end)
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return false
		}
		return anchoredAt(re.Sub[pick(end, len(re.Sub)-1, 0)], end)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !anchoredAt(s, end) {
				return false
			}
		}
		return true
	}
	return false
}

// hasAnyChar reports a "." (any character) anywhere in the pattern.
func hasAnyChar(re *syntax.Regexp) bool {
	if re.Op == syntax.OpAnyCharNotNL || re.Op == syntax.OpAnyChar {
		return true
	}
	return slices.ContainsFunc(re.Sub, hasAnyChar)
}

// regexHit is an origin a regular-expression rule accepts against intent.
type regexHit struct {
	raw, host, origin string // origin is "" when the pattern spells no host to test
	stranger          bool   // anyone can register the origin's domain
}

// probeRegexes tries each pattern whose shape is suspicious on the variants
// of each host it spells, and keeps an accepted one, preferring one a stranger
// can own. A pattern that spells no host is kept, unconfirmed, if asked.
func (l *linter) probeRegexes(shape func(*syntax.Regexp) bool, variants func(host string) []string, unconfirmed bool) []regexHit {
	var hits []regexHit
	for _, r := range l.rules() {
		if !l.userRegex(r) || l.covered[r.raw] {
			continue
		}
		if tree, err := syntax.Parse(r.re.String(), syntax.Perl); err != nil || !shape(tree) {
			continue
		}
		hosts := patternHosts(r)
		if len(hosts) == 0 && unconfirmed {
			hits = append(hits, regexHit{raw: r.raw})
		}
		var best regexHit
		for _, h := range hosts {
			for _, o := range h.origins(variants(h.host)...) {
				if best.stranger || !matchOrigin(r.re, o, l.s.meter) || !l.confirms(o) {
					continue
				}
				if stranger := strangerOwns(o, h.host); best.origin == "" || stranger {
					best = regexHit{raw: r.raw, host: h.host, origin: o, stranger: stranger}
				}
			}
		}
		if best.origin != "" {
			hits = append(hits, best)
		}
	}
	return hits
}

// strangerOwns reports whether origin o lies in a registrable domain other
// than host's, which anyone can register.
func strangerOwns(o, host string) bool {
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	reg := registrableDomain(u.Hostname())
	return reg != registrableDomain(host) && strings.Contains(reg, ".")
}

// addRegexFinding reports the hits in one finding: danger when a stranger
// can own an accepted origin, a warning otherwise.
func (l *linter) addRegexFinding(id, title, explain string, hits []regexHit, fix func(regexHit) string, fixTail string) {
	if len(hits) == 0 {
		return
	}
	sev := SeverityWarning
	var found, fixes []string
	for _, h := range hits {
		switch {
		case h.origin == "":
			found = append(found, l.entryName(h.raw)+" spells no host to test it with, so check by hand what it accepts")
		case h.stranger:
			sev = SeverityDanger
			found = append(found, fmt.Sprintf("%s accepts %s, an origin anyone can register", l.entryName(h.raw), h.origin))
		default:
			found = append(found, fmt.Sprintf("%s accepts %s: not a name a stranger can register, but more than the pattern was meant to say", l.entryName(h.raw), h.origin))
		}
		fixes = append(fixes, fix(h))
	}
	detail := explain + " Here " + strings.Join(found, "; ") + "."
	if sev == SeverityDanger {
		detail += " Script on such an origin can " + l.reads() + "."
	}
	l.add(Finding{ID: id, Severity: sev, Title: title, Detail: detail, Fix: strings.TrimSpace(strings.Join(slices.Compact(fixes), " ") + " " + fixTail)})
}

// anchorFix suggests the pattern with ^ and $ around it, or, when the
// pattern does not spell the scheme, the anchored trusted host.
func anchorFix(h regexHit) string {
	if h.host == "" {
		return "Start " + h.raw + " with ^ and the scheme, and end it with $."
	}
	if !strings.Contains(h.raw, "://") {
		return "Anchor both ends and spell out the scheme: re:^" + schemeOf(h.origin) + "://" + regexp.QuoteMeta(h.host) + "$."
	}
	core := strings.TrimSuffix(strings.TrimPrefix(h.raw[3:], "^"), "$")
	if strings.Contains(core, "|") {
		core = "(?:" + core + ")"
	}
	return "Anchor both ends: re:^" + core + "$."
}

// schemeOf is the scheme of an origin, https when it has none.
func schemeOf(origin string) string {
	if s, _, ok := strings.Cut(origin, "://"); ok {
		return s
	}
	return "https"
}

// ORIGIN-004: Origin: null is sent by sandboxed iframes any page can create.
// https://fetch.spec.whatwg.org/#origin-header
func lintNullOrigin(l *linter) {
	if l.p.AnyOrigin == AnyOriginWildcard {
		return
	}
	why, fix := l.nullReason()
	if why == "" {
		return
	}
	if l.lib != nil {
		if r, wc := l.readsFrom("null"); !r && !wc {
			return // the library's answer fails the CORS check anyway
		}
	}
	l.add(Finding{ID: "ORIGIN-004", Severity: l.severityIfCredentials(), Title: "The null origin is trusted",
		Detail: l.subject() + " accepts Origin: null because " + why + ". Browsers send null from sandboxed iframes, data: URLs, local files and some redirects, so any attacker can get it: a page that embeds <iframe sandbox=\"allow-scripts\" srcdoc=\"<script>fetch(…)</script>\"> runs script whose origin is null, and that script can " + l.reads() + ". Trusting null is almost the same as trusting everyone.",
		Fix:    fix + " For local development, serve the page from http://localhost:PORT and allow that origin in a development-only " + pick(l.lib == nil, "policy.", "configuration.")})
}

// nullReason says why the policy accepts null, and what to change.
func (l *linter) nullReason() (why, fix string) {
	if l.lib != nil {
		opt := libraryOriginsOption(l.lib.name)
		if l.p.AnyOrigin == AnyOriginReflect {
			return "it reflects every origin, null included", "List the origins you trust in " + opt + "."
		}
		for _, r := range l.rules() {
			switch {
			case r.kind == "exact" && r.raw == "null":
				return opt + " lists \"null\"", "Delete the \"null\" entry."
			case r.matches("null", l.s.meter):
				name := l.entryName(r.raw)
				return "the entry " + name + " matches the text null", "Rewrite " + name + " so it can only match https origins you own."
			}
		}
		return "", ""
	}
	switch {
	case l.p.AnyOrigin == AnyOriginReflect:
		return "reflect echoes it like any other origin", "Replace reflect with the list of origins you trust."
	case l.p.AllowNull:
		return "allowNull is on", "Set allowNull to false."
	}
	for _, r := range l.rules() {
		switch {
		case r.kind == "exact" && r.raw == "null":
			return "origins lists \"null\"", "Delete the \"null\" entry."
		case r.kind == "regex" && r.matches("null", l.s.meter):
			return "the pattern " + r.raw + " matches the text null", "Rewrite " + r.raw + " so it can only match https origins you own, such as ^https://app\\.example\\.com$."
		}
	}
	return "", ""
}

// ORIGIN-005: an unanchored end lets anything follow the trusted host.
func lintRegexEnd(l *linter) {
	hits := l.probeRegexes(func(t *syntax.Regexp) bool { return !anchoredAt(t, true) },
		func(h string) []string { return []string{h + ".evil-attacker.net", "app." + h + ".evil-attacker.net"} }, true)
	l.addRegexFinding("ORIGIN-005", "Regular expression not anchored at the end",
		l.regexSemantics()+" Without a $ at the end, a pattern only checks that the origin starts with the trusted text, and an attacker can append their own domain.",
		hits, l.anchorFix, pick(l.lib == nil, "Simpler still, use exact origins or a subdomain rule (https://*.example.com) instead of a pattern.", "Simpler still, list the exact origins instead of a pattern."))
}

// ORIGIN-006: an unanchored start lets anything come before the trusted host.
func lintRegexStart(l *linter) {
	hits := l.probeRegexes(func(t *syntax.Regexp) bool { return !anchoredAt(t, false) },
		func(h string) []string { return []string{"evil" + h} }, true)
	l.addRegexFinding("ORIGIN-006", "Regular expression not anchored at the start",
		l.regexSemantics()+" Without a ^ and the scheme at the start, nothing says where the host begins, so a longer domain that merely ends with the trusted text matches.",
		hits, l.anchorFix, "For subdomains, require a dot before the base domain: ^https://([a-z0-9-]+\\.)*example\\.com$.")
}

// ORIGIN-007: an unescaped dot in a pattern matches any character.
func lintRegexDot(l *linter) {
	hits := l.probeRegexes(hasAnyChar, func(h string) []string {
		var out []string
		for i := range len(h) {
			if h[i] == '.' {
				out = append(out, h[:i]+"x"+h[i+1:])
			}
		}
		return out
	}, false)
	l.addRegexFinding("ORIGIN-007", "Unescaped dot in a regular expression",
		"In a regular expression a bare . means \"any character\", not a dot, so a host with a letter in place of a dot matches too.",
		hits, func(h regexHit) string { return "Write the host with escaped dots: " + regexp.QuoteMeta(h.host) + "." },
		pick(l.lib == nil, "Or use exact origins or a subdomain rule instead of a pattern.", "Or list the exact origins instead of a pattern."))
}

// ORIGIN-008: a subdomain pattern without a dot before the base domain.
func lintRegexBoundary(l *linter) {
	hits := l.probeRegexes(func(t *syntax.Regexp) bool { return anchoredAt(t, false) },
		func(h string) []string { return []string{"evil" + h} }, false)
	l.addRegexFinding("ORIGIN-008", "Subdomain pattern without a label boundary",
		"\"Anything ending in example.com\" includes evilexample.com: only \"anything ending in .example.com\" means a subdomain.",
		hits, func(h regexHit) string {
			pattern := "^" + schemeOf(h.origin) + "://([a-z0-9-]+\\.)*" + regexp.QuoteMeta(h.host) + "$"
			if l.lib != nil {
				return "Require a dot before the domain: " + l.regexLiteral(pattern, l.lib.imp.entries[h.raw].flags) + "."
			}
			return "Require a dot before the domain: re:" + pattern + ", or use the subdomain rule " + schemeOf(h.origin) + "://*." + h.host + ", which checks the boundary for you."
		}, "")
}

// probeFixes say how to stop each kind of attacker origin from matching.
var probeFixes = map[string]string{
	"suffix":         "End the pattern with $ so nothing can follow the trusted host, or use an exact origin.",
	"prefix":         "Start the pattern with ^ and the scheme, and require a dot before the domain: ^https://([a-z0-9-]+\\.)*example\\.com$.",
	"unescaped-dot":  "Escape every literal dot in the pattern as \\. (a bare . matches any character).",
	"public-suffix":  "Never trust a whole shared hosting domain; list your exact deployment origin, such as https://myorg.github.io.",
	"http-downgrade": "Trust only https:// origins (loopback excepted, for development).",
}

// ORIGIN-010: an origin an attacker can own reads responses (a concrete probe).
func lintAttackerOrigins(l *linter) {
	if l.p.AnyOrigin != "" { // every origin is accepted on purpose: ORIGIN-001 to 003
		return
	}
	for _, p := range l.probes {
		if p.Risk != "danger" || p.Origin == "null" || !registrable(p.Origin) || l.covered[p.Origin] || l.covered[l.acceptingRule(p.Origin)] { // null: ORIGIN-004
			continue
		}
		what := "read the API's answers to requests sent without cookies"
		if p.WithCookies {
			what = "call the API with the logged-in user's cookies and read the answers"
		}
		fix, ok := probeFixes[p.Kind]
		if !ok {
			fix = "Replace the entry with exact origins, or an anchored pattern with escaped dots (^https://app\\.example\\.com$)."
		}
		l.add(Finding{ID: "ORIGIN-010", Severity: SeverityDanger, Title: "An attacker's origin is accepted: " + p.Origin,
			Detail: fmt.Sprintf("%s accepts %s (%s)%s. Whoever controls that origin can %s.", l.subject(), p.Origin, p.Why, l.acceptedBy(p.Origin), what),
			Fix:    fix})
	}
}

// registrable reports an origin whose host someone could own: an IP address
// or a name of two labels or more (https://examplexcom is neither).
func registrable(o string) bool {
	u, err := url.Parse(o)
	return err == nil && (strings.Contains(u.Hostname(), ".") || strings.Contains(u.Hostname(), ":"))
}

// acceptingRule is the first origins entry that accepts o ("" when none).
func (l *linter) acceptingRule(o string) string {
	for _, r := range l.rules() {
		if r.matches(o, l.s.meter) {
			return r.raw
		}
	}
	return ""
}

// acceptedBy names the first origins entry that accepts o.
func (l *linter) acceptedBy(o string) string {
	for _, r := range l.rules() {
		if r.matches(o, l.s.meter) {
			return " through the entry " + quoted([]string{l.entryName(r.raw)})
		}
	}
	return ""
}

// ORIGIN-011: an http origin can be rewritten by anyone on the network path.
func lintInsecureOrigins(l *linter) {
	var bad []string
	for _, r := range l.rules() {
		if acceptsHTTP(r, l.s.meter) {
			bad = append(bad, r.raw)
		}
	}
	if len(bad) == 0 {
		return
	}
	sev := SeverityWarning
	if l.p.Credentials && strings.HasPrefix(strings.ToLower(l.s.Request.URL), "https:") {
		sev = SeverityDanger
	}
	l.add(Finding{ID: "ORIGIN-011", Severity: sev, Title: "A plain-http origin is trusted",
		Detail: l.subject() + " trusts " + quoted(l.entryNames(bad)) + " over plain http. Anyone on the network path between a user and that site (public Wi-Fi, a hostile router) can inject script into the http page, and that script can " + l.reads() + ". For an https API, this throws away what TLS protects.",
		Fix:    "Trust only https:// origins (" + l.httpsFix(bad[0]) + "), and allow http only for localhost in a development " + pick(l.lib == nil, "policy.", "configuration.")})
}

// httpsFix says how to make an entry https-only.
func httpsFix(raw string) string {
	if strings.HasPrefix(raw, "re:") {
		return "make " + raw + " start with ^https:// so it cannot match http"
	}
	return strings.Replace(raw, "http", "https", 1) + " instead of " + raw
}

// acceptsHTTP reports a rule that lets in an http origin off the loopback;
// m pays for a pattern.
func acceptsHTTP(r originRule, m *pattern.Meter) bool {
	switch r.kind {
	case "exact":
		u, err := url.Parse(r.raw)
		return err == nil && strings.EqualFold(u.Scheme, "http") && !isLoopback(u.Hostname())
	case "regex":
		return slices.ContainsFunc(patternHosts(r), func(h patternHost) bool {
			return !isLoopback(h.host) && (matchOrigin(r.re, "http://"+h.host, m) || matchOrigin(r.re, "http://app."+h.host, m))
		})
	}
	return r.scheme == "http" && !isLoopback(r.host)
}

// subdomainRules are the subdomain rules off the loopback whose base is, or
// is not, a public suffix.
func (l *linter) subdomainRules(publicSuffix bool) []originRule {
	var out []originRule
	for _, r := range l.rules() {
		if r.kind == "subdomains" && !isLoopback(r.host) && IsPublicSuffix(r.host) == publicSuffix {
			out = append(out, r)
		}
	}
	return out
}

func raws(rules []originRule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.raw
	}
	return out
}

// ORIGIN-012: a subdomain rule trusts every present and future subdomain.
func lintAllSubdomains(l *linter) {
	rules := l.subdomainRules(false)
	if len(rules) == 0 {
		return
	}
	l.add(Finding{ID: "ORIGIN-012", Severity: pick(l.p.Credentials, SeverityWarning, SeverityInfo), Title: "Every subdomain is trusted",
		Detail: "Through " + quoted(l.entryNames(raws(rules))) + " " + l.subjectInSentence() + " trusts every present and future subdomain of " + rules[0].host + ": forgotten staging hosts, marketing or support sites run by other companies, user content, and names left pointing at deleted cloud resources (subdomain takeover). An XSS or a takeover on any of them, such as " + rules[0].scheme + "://old-staging." + rules[0].host + ", can " + l.reads() + ".",
		Fix:    "List the subdomains that call the API (for example " + rules[0].scheme + "://app." + rules[0].host + "). If you keep the wildcard, keep user-generated content and third-party services off " + rules[0].host + "."})
}

// ORIGIN-013: a subdomain rule on a domain where anyone can get a subdomain.
func lintPublicSuffixSubdomains(l *linter) {
	rules := l.subdomainRules(true)
	if len(rules) == 0 {
		return
	}
	r := rules[0]
	l.add(Finding{ID: "ORIGIN-013", Severity: SeverityDanger, Title: "Subdomains of a public suffix are trusted",
		Detail: "Through " + quoted(l.entryNames(raws(rules))) + " " + l.subjectInSentence() + " trusts every subdomain of " + r.host + ", a domain on which anybody can get a subdomain for free or for the price of a registration. An attacker takes " + r.scheme + "://attacker." + r.host + " and can " + l.reads() + ".",
		Fix:    "Allow only your exact deployment origin, such as " + r.scheme + "://myorg." + r.host + "."})
}

// ORIGIN-014: an entry that is not a serialized origin never equals an Origin header.
// https://fetch.spec.whatwg.org/#origin-header
func lintMalformedOrigins(l *linter) {
	var details, fixes []string
	for _, r := range l.rules() {
		if r.kind != "exact" || l.covered[r.raw] {
			continue
		}
		why, want := originEntryProblem(r.raw)
		name := l.entryName(r.raw)
		switch {
		case why == "":
			continue
		case want != "":
			details = append(details, fmt.Sprintf("%q has %s: the browser sends %q", name, why, want))
			fixes = append(fixes, fmt.Sprintf("write %q instead of %q", want, name))
		default:
			details = append(details, fmt.Sprintf("%q: %s", name, why))
		}
	}
	if len(details) == 0 {
		return
	}
	fix := "Write each origin as the browser serializes it: scheme://host[:port], lower case, no path, no trailing slash, no default port."
	if len(fixes) > 0 {
		fix = strings.ToUpper(fixes[0][:1]) + strings.Join(fixes, "; ")[1:] + ". " + fix
	}
	l.add(Finding{ID: "ORIGIN-014", Severity: SeverityError, Title: "An origins entry can never match",
		Detail: "Browsers send Origin exactly as scheme://host[:port]: lower case, no default port, no path or trailing slash. " + l.comparison() + ", so an entry written another way silently rejects the frontend it was meant for. " + strings.Join(details, "; ") + ".",
		Fix:    fix})
}

// originEntryProblem says why an exact entry never equals an Origin header,
// and the origin the browser sends instead ("" when none can be derived).
func originEntryProblem(raw string) (why, want string) {
	if strings.ContainsFunc(raw, func(r rune) bool { return r > 0x7f }) {
		return "a non-ASCII character: browsers send hosts in punycode (xn--…), so write it that way", ""
	}
	_, err := ParseOrigin(raw)
	if err == nil {
		return "", ""
	}
	s := strings.TrimSpace(raw)
	var whys []string
	if s != raw || strings.ContainsAny(s, " \t") {
		whys = append(whys, "whitespace")
	}
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		whys, s, scheme = append(whys, "no scheme"), "https://"+s, "https"
	}
	u, perr := url.Parse(s)
	if perr != nil || u.Host == "" || u.Opaque != "" {
		return err.Error() + " (a file: page sends Origin: null)", ""
	}
	for _, c := range []struct {
		bad  bool
		what string
	}{
		{u.User != nil, "a user name or password"},
		{u.Path == "/", "a trailing slash"},
		{u.Path != "" && u.Path != "/", "a path (" + u.Path + ")"},
		{u.RawQuery != "" || u.ForceQuery, "a query"},
		{strings.Contains(s, "#"), "a fragment"},
		{u.Port() != "" && u.Port() == defaultPorts[u.Scheme], "the default port :" + u.Port()},
		{scheme != strings.ToLower(scheme) || u.Host != strings.ToLower(u.Host), "upper-case letters"},
	} {
		if c.bad {
			whys = append(whys, c.what)
		}
	}
	want = OriginOf(u).String()
	if len(whys) == 0 {
		if want == raw { // another scheme, such as chrome-extension://id: a real origin
			return "", ""
		}
		whys = append(whys, "a spelling browsers never send")
	}
	return strings.Join(whys, ", "), want
}

// ORIGIN-015: an allow-all setting makes the origins list decoration.
// https://fetch.spec.whatwg.org/#http-access-control-allow-origin
func lintAnyOriginWithList(l *linter) {
	if l.p.AnyOrigin == "" || len(l.p.Origins) == 0 {
		return
	}
	if l.lib != nil {
		any := l.lib.imp.anyEntry
		if any == "" {
			return
		}
		l.add(Finding{ID: "ORIGIN-015", Severity: SeverityWarning, Title: "Allow-all mixed with an origins list",
			Detail: fmt.Sprintf("%s in %s lets every origin in, so the other entries (%s) change nothing: the list suggests a restriction that does not exist.", any, libraryOriginsOption(l.lib.name), quoted(l.entryNames(l.p.Origins))),
			Fix:    "Decide which one you mean: remove " + any + " to allow only the listed origins, or the list if any site may read."})
		return
	}
	l.add(Finding{ID: "ORIGIN-015", Severity: SeverityWarning, Title: "Allow-all mixed with an origins list",
		Detail: fmt.Sprintf("anyOrigin is %q, so every origin is accepted and the origins list (%s) is ignored. The list suggests a restriction that does not exist; in rs/cors and gorilla/handlers a single * in the list has the same effect.", l.p.AnyOrigin, quoted(l.p.Origins)),
		Fix:    "Decide which one you mean: clear anyOrigin to allow only the list, or empty the list if any site may read."})
}

// codeSharingHosts run anyone's JavaScript.
var codeSharingHosts = []string{"codepen.io", "cdpn.io", "jsfiddle.net", "jsbin.com", "repl.it", "replit.com", "stackblitz.com", "glitch.me", "codesandbox.io", "csb.app", "github.io"}

// ORIGIN-017: a code-sharing host trusted: anyone can run script there.
func lintThirdPartyHosts(l *linter) {
	var bad []string
	for _, r := range l.rules() {
		if r.kind == "subdomains" && IsPublicSuffix(r.host) { // ORIGIN-013
			continue
		}
		if slices.ContainsFunc(ruleHosts(r), isCodeSharingHost) {
			bad = append(bad, r.raw)
		}
	}
	if len(bad) == 0 {
		return
	}
	l.add(Finding{ID: "ORIGIN-017", Severity: SeverityWarning, Title: "A code-sharing site is trusted",
		Detail: l.subject() + " trusts " + quoted(l.entryNames(bad)) + ", on a code-sharing or shared hosting site (CodePen, JSFiddle, JS Bin, Replit, StackBlitz, Glitch, CodeSandbox, GitHub Pages). Anyone can publish JavaScript there, or anyone who can push to that Pages repository, and that script can " + l.reads() + " as if it were your frontend.",
		Fix:    "Remove it. For a demo, call a separate public endpoint without credentials. Keep a GitHub Pages origin only if it is yours, knowing that whoever can push to its repository can read the API."})
}

func isCodeSharingHost(host string) bool {
	return slices.ContainsFunc(codeSharingHosts, func(d string) bool { return host == d || strings.HasSuffix(host, "."+d) })
}

// ORIGIN-018: https://*.example.com does not include https://example.com.
func lintApexExcluded(l *linter) {
	if _, ok := l.p.allows(l.s.Page, l.s.meter); ok {
		return
	}
	for _, r := range l.rules() {
		if r.kind != "subdomains" {
			continue
		}
		apex := r.scheme + "://" + r.host
		if r.port != "" {
			apex += ":" + r.port
		}
		if apex == l.s.Page {
			l.add(Finding{ID: "ORIGIN-018", Severity: SeverityInfo, Title: "The subdomain rule leaves out the bare domain",
				Detail: fmt.Sprintf("%s means \"at least one more label before %s\": the page %s is the bare domain, which it does not include (rs/cors, jub0bs/cors, Spring and ASP.NET agree).", r.raw, r.host, l.s.Page),
				Fix:    fmt.Sprintf("Add %q to %s if that page must read the API.", apex, l.originsOption())})
			return
		}
	}
}

// CRED-003: cookies on a cross-site fetch need SameSite=None.
// https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
func lintCrossSiteCookies(l *linter) {
	page, err := ParseOrigin(l.s.Page)
	u, uerr := url.Parse(l.s.Request.URL)
	if !l.p.Credentials || err != nil || uerr != nil || page.Opaque {
		return
	}
	if acao, ok := l.p.allows(l.s.Page, l.s.meter); !ok || acao == "*" {
		return
	}
	api := OriginOf(u)
	if page.Scheme == api.Scheme && registrableDomain(page.Host) == registrableDomain(api.Host) {
		return
	}
	l.add(Finding{ID: "CRED-003", Severity: SeverityInfo, Title: "Cross-site cookies need SameSite=None",
		Detail: fmt.Sprintf("The page %s and the API %s are on different sites, so the API's session cookie is a third-party cookie on this fetch. The CORS policy lets the page read credentialed answers, but the browser only sends the cookie if it is set with SameSite=None; Secure (Chrome treats a cookie without SameSite as Lax), and third-party cookie blocking (Safari, private windows, user settings) may drop it anyway.", l.s.Page, api),
		Fix:    "Set the cookie with SameSite=None; Secure, or serve the API from the same site as the page (a subdomain of " + registrableDomain(page.Host) + ") so the cookie is first-party."})
}

// REQH-002: the * wildcard never covers Authorization.
// https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name
func lintStarWithoutAuthorization(l *linter) {
	if l.p.Credentials || !slices.Contains(l.p.RequestHeaders, "*") || l.listsHeader("Authorization") {
		return
	}
	f := Finding{ID: "REQH-002", Title: "Access-Control-Allow-Headers: * does not cover Authorization",
		Detail: "The Fetch standard never lets the * wildcard cover Authorization: it must be listed by name, so a request that carries a bearer token fails its preflight.",
		Fix:    "List it next to the wildcard: requestHeaders [\"*\", \"Authorization\"], which sends Access-Control-Allow-Headers: *, Authorization."}
	switch {
	case !l.s.Request.Headers.Has("Authorization"):
		f.Severity, f.Detail = SeverityInfo, f.Detail+" This request sends no Authorization header, so nothing fails yet; the first call with a token will."
	case l.s.Browser == Spec:
		f.Severity, f.Detail = SeverityError, f.Detail+" This request sends Authorization, so the standard blocks it."
	default:
		f.Severity, f.Detail = SeverityWarning, f.Detail+" This request sends Authorization: Chrome still lets * cover it and prints a deprecation warning, but the standard, and Chrome once it completes the change, block it."
	}
	l.add(f)
}

// REQH-007 (and REQH-001): with credentials, "*" is answered by echoing the requested headers.
// https://fetch.spec.whatwg.org/#http-access-control-allow-headers
func lintEchoedHeaders(l *linter) {
	if !l.p.echoes(l.p.RequestHeaders) {
		return
	}
	l.add(Finding{ID: "REQH-007", Severity: SeverityInfo, Title: "Any request header is allowed, with credentials",
		Detail: "With credentials, browsers read Access-Control-Allow-Headers: * as a header literally named *, so a middleware that sent * would fail every preflight with a custom header (REQH-001: express with allowedHeaders '*', django-cors-headers with [\"*\"], nginx recipes). This simulated middleware, like Flask-CORS, rs/cors, Spring and ASP.NET's AllowAnyHeader, echoes each preflight's Access-Control-Request-Headers instead. Either way every allowed origin may send any header: if a CSRF defence relies on \"other sites cannot add custom headers\" (an X-Requested-With check), this policy now decides who can bypass it.",
		Fix:    "List the headers the frontend sends, such as [\"Content-Type\", \"Authorization\"]."})
}

// REQH-003: a JSON body needs Content-Type allowed.
// https://fetch.spec.whatwg.org/#cors-safelisted-request-header
func lintContentType(l *linter) {
	if l.listsHeader("Content-Type") || slices.Contains(l.p.RequestHeaders, "*") {
		return
	}
	ct, sends := l.s.Request.Headers.Get("Content-Type")
	unsafe := sends && !SafelistedRequestHeader(l.s.Browser, "Content-Type", ct)
	methods := l.nonSimpleMethods()
	if !unsafe && len(methods) == 0 {
		return
	}
	why := "The policy allows " + quoted(methods) + ", which usually come with a JSON body."
	if unsafe {
		why = fmt.Sprintf("This request sends Content-Type: %s, so its preflight asks for content-type and is refused.", ct)
	}
	l.add(Finding{ID: "REQH-003", Severity: SeverityWarning, Title: "Content-Type is not an allowed request header",
		Detail: "Only application/x-www-form-urlencoded, multipart/form-data and text/plain are safelisted Content-Type values. Any other, such as application/json, makes the browser ask for content-type in a preflight, which fails unless requestHeaders lists it. " + why,
		Fix:    "Add Content-Type to requestHeaders."})
}

// REQH-004: headers script can never set.
// https://fetch.spec.whatwg.org/#forbidden-request-header
func lintForbiddenRequestHeaders(l *linter) {
	bad := matching(l.p.RequestHeaders, func(h string) bool { f, _ := ForbiddenRequestHeader(Spec, h, ""); return f })
	if len(bad) == 0 {
		return
	}
	detail := "Browsers never let JavaScript set " + quoted(bad) + ": fetch() drops them silently, so allowing them changes nothing."
	if slices.ContainsFunc(bad, isName("Cookie")) {
		detail += " Listing Cookie usually means cookies were wanted: that is credentials: true in the policy and credentials: \"include\" in fetch(), not a header."
	}
	l.add(Finding{ID: "REQH-004", Severity: SeverityInfo, Title: "Forbidden request header allowed", Detail: detail,
		Fix: "Remove " + quoted(bad) + " from requestHeaders."})
}

// REQH-005: headers that never need allowing.
// https://fetch.spec.whatwg.org/#cors-safelisted-request-header
func lintSafelistedRequestHeaders(l *linter) {
	bad := matching(l.p.RequestHeaders, alwaysSafelistedRequestHeader)
	if len(bad) == 0 {
		return
	}
	l.add(Finding{ID: "REQH-005", Severity: SeverityInfo, Title: "Safelisted request header listed",
		Detail: "Listing " + quoted(bad) + " is harmless noise: Accept, Accept-Language and Content-Language are CORS-safelisted, so a cross-origin request may carry them without a preflight (within value limits: 128 bytes each).",
		Fix:    "Remove " + quoted(bad) + " from requestHeaders, unless the frontend sends values outside the safelist (such as an Accept with parentheses or quotes)."})
}

// REQH-006: response headers listed as request headers.
// https://fetch.spec.whatwg.org/#http-cors-protocol
func lintResponseHeadersAsRequest(l *linter) {
	bad := matching(l.p.RequestHeaders, func(h string) bool {
		f, _ := ForbiddenRequestHeader(Spec, h, "") // Access-Control-Request-*: REQH-004
		return !f && strings.HasPrefix(strings.ToLower(h), "access-control-")
	})
	if len(bad) == 0 {
		return
	}
	l.add(Finding{ID: "REQH-006", Severity: SeverityWarning, Title: "Response header listed as a request header",
		Detail: "Access-Control-Allow-*, Access-Control-Expose-Headers and Access-Control-Max-Age are response headers: the server sends them. Allowing " + quoted(bad) + " as request headers almost always means the frontend sends them itself, a common copy-paste \"fix\" that grants nothing and only triggers a preflight.",
		Fix:    "Remove " + quoted(bad) + " from requestHeaders and from the frontend's fetch() call."})
}

// METH-001: GET, HEAD and POST need no permission, and cannot be refused.
// https://fetch.spec.whatwg.org/#cors-safelisted-method
func lintSafelistedMethods(l *linter) {
	bad := matching(l.p.Methods, func(m string) bool { return IsSafelistedMethod(strings.ToUpper(m)) })
	if len(bad) == 0 {
		return
	}
	l.add(Finding{ID: "METH-001", Severity: SeverityInfo, Title: "Safelisted method listed",
		Detail: "Listing " + quoted(bad) + " is redundant: GET, HEAD and POST are CORS-safelisted, the browser sends them without asking. More importantly, leaving them out does not block them: a cross-site form or fetch() POST still reaches the server and runs; only reading the answer is refused.",
		Fix:    "List only the other methods you need (PUT, PATCH, DELETE), and protect state-changing GET and POST endpoints with CSRF defences."})
}

// METH-002: fetch() refuses CONNECT, TRACE and TRACK.
// https://fetch.spec.whatwg.org/#forbidden-method
func lintForbiddenMethods(l *linter) {
	bad := matching(l.p.Methods, IsForbiddenMethod)
	if len(bad) == 0 {
		return
	}
	l.add(Finding{ID: "METH-002", Severity: SeverityError, Title: "Forbidden method listed",
		Detail: "fetch() throws a TypeError for CONNECT, TRACE and TRACK before sending anything, so " + quoted(bad) + " can never be used from a page.",
		Fix:    "Remove " + quoted(bad) + " from methods."})
}

// METH-003: methods are case-sensitive; fetch() upper-cases only six.
// https://fetch.spec.whatwg.org/#concept-method-normalize
func lintMethodCase(l *linter) {
	bad := matching(l.p.Methods, func(m string) bool { return m != strings.ToUpper(m) })
	if len(bad) == 0 {
		return
	}
	upper := make([]string, len(bad))
	for i, m := range bad {
		upper[i] = strings.ToUpper(m)
	}
	detail := "Methods are compared case-sensitively, and fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT."
	if n := matching(bad, func(m string) bool { return NormalizeMethod(m) != m }); len(n) > 0 {
		detail += " fetch() always sends " + quoted(n) + " in upper case, so these entries never match."
	}
	if o := matching(bad, func(m string) bool { return NormalizeMethod(m) == m }); len(o) > 0 {
		detail += " Other methods go out exactly as the page writes them: " + quoted(o) + " only matches code that uses that exact case, and the usual fetch(url, {method: \"" + strings.ToUpper(o[0]) + "\"}) fails its preflight."
	}
	l.add(Finding{ID: "METH-003", Severity: SeverityWarning, Title: "Method not in upper case", Detail: detail,
		Fix: "Write " + quoted(upper) + " in methods, and call fetch() with upper-case methods."})
}

// METH-004: with credentials, "*" is answered by echoing the requested method.
// https://fetch.spec.whatwg.org/#http-access-control-allow-methods
func lintEchoedMethods(l *linter) {
	if !l.p.echoes(l.p.Methods) {
		return
	}
	l.add(Finding{ID: "METH-004", Severity: SeverityInfo, Title: "Any method is allowed, with credentials",
		Detail: "With credentials, browsers read Access-Control-Allow-Methods: * as a method literally named *, so a middleware that sent * would fail every credentialed PUT or DELETE (express with methods '*', django-cors-headers with [\"*\"], nginx recipes). This simulated middleware echoes the requested method instead, so every allowed origin may use any method with the user's cookies.",
		Fix:    "List the methods the frontend uses, such as [\"PUT\", \"DELETE\"]."})
}

// METH-005: the preflight does not need OPTIONS allowed.
// https://fetch.spec.whatwg.org/#cors-preflight-request
func lintOptionsListed(l *linter) {
	if !slices.ContainsFunc(l.p.Methods, isName("OPTIONS")) {
		return
	}
	l.add(Finding{ID: "METH-005", Severity: SeverityInfo, Title: "OPTIONS listed",
		Detail: "The preflight is an OPTIONS request, but it does not need OPTIONS allowed: the browser checks the method of the real request. Listing OPTIONS only matters if script itself calls fetch(url, {method: \"OPTIONS\"}).",
		Fix:    "Remove OPTIONS from methods (harmless either way)."})
}

// EXPO-001: Set-Cookie is never readable by script.
// https://fetch.spec.whatwg.org/#forbidden-response-header-name
func lintExposeSetCookie(l *linter) {
	bad := matching(l.p.ExposeHeaders, IsForbiddenResponseHeader)
	if len(bad) == 0 {
		return
	}
	l.add(Finding{ID: "EXPO-001", Severity: SeverityError, Title: "Set-Cookie exposed",
		Detail: "Browsers never let script read Set-Cookie or Set-Cookie2, whatever Access-Control-Expose-Headers says: cookies are managed by the browser. Exposing " + quoted(bad) + " does nothing, and hints at a design that wants script-readable session tokens.",
		Fix:    "Remove " + quoted(bad) + " from exposeHeaders. If the client needs a value, send it in the JSON body or a custom header, and expose that."})
}

// EXPO-002: with credentials, a literal * exposes only a header named *.
// https://fetch.spec.whatwg.org/#http-access-control-expose-headers
func lintExposeStarWithCredentials(l *linter) {
	if !l.p.echoes(l.p.ExposeHeaders) {
		return
	}
	l.add(Finding{ID: "EXPO-002", Severity: SeverityWarning, Title: "Expose-Headers * with credentials",
		Detail: "With credentials, browsers read Access-Control-Expose-Headers: * as a header literally named *, which exposes nothing beyond the safelisted headers. This simulated middleware lists the names the response carries instead (" + l.p.exposeValue() + "), but most libraries send * as is, so in production your custom headers would be hidden from script.",
		Fix:    "List the headers script needs to read, such as exposeHeaders [\"X-Request-Id\"]."})
}

// EXPO-003: safelisted response headers are always readable.
// https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
func lintExposeSafelisted(l *linter) {
	bad := matching(l.p.ExposeHeaders, func(h string) bool { return slices.Contains(safelistedResponseHeaders, strings.ToLower(h)) })
	if len(bad) == 0 {
		return
	}
	l.add(Finding{ID: "EXPO-003", Severity: SeverityInfo, Title: "Safelisted response header exposed",
		Detail: "Exposing " + quoted(bad) + " changes nothing: Cache-Control, Content-Language, Content-Length, Content-Type, Expires, Last-Modified and Pragma can always be read from a CORS response.",
		Fix:    "Remove " + quoted(bad) + " from exposeHeaders."})
}

// EXPO-004: secret-looking headers exposed to many origins.
// https://fetch.spec.whatwg.org/#concept-filtered-response-cors
func lintExposeSensitive(l *linter) {
	bad := matching(l.p.ExposeHeaders, func(h string) bool {
		n := strings.ToLower(h)
		return n == "authorization" || slices.ContainsFunc([]string{"api-key", "apikey", "token", "secret", "internal", "debug"}, func(w string) bool { return strings.Contains(n, w) })
	})
	if len(bad) == 0 || !l.broadOrigins() {
		return
	}
	l.add(Finding{ID: "EXPO-004", Severity: SeverityWarning, Title: "Sensitive-looking header exposed",
		Detail: "The exposed " + quoted(bad) + pick(len(bad) == 1, " looks", " look") + " like credentials or internal details, and exposed headers are readable by script on every allowed origin (" + l.allowedOrigins() + "): an XSS on any of those sites can read them.",
		Fix:    "Expose only what the client needs. Return tokens in the body of an authenticated call, and strip debug or internal headers in production."})
}

// broadOrigins: more than one origin, or any, may read.
func (l *linter) broadOrigins() bool {
	n := len(l.p.rules)
	if l.p.AllowNull {
		n++
	}
	return l.p.AnyOrigin != "" || n > 1 || (n == 1 && len(l.p.rules) == 1 && l.p.rules[0].kind != "exact")
}

func (l *linter) allowedOrigins() string {
	if l.p.AnyOrigin != "" {
		return "any site"
	}
	list := slices.Clone(l.p.Origins)
	if l.p.AllowNull {
		list = append(list, "null")
	}
	return quoted(list)
}

// humanSeconds writes a duration the way people say it.
func humanSeconds(n int64) string {
	for _, u := range []struct {
		secs int64
		name string
	}{{86400, "day"}, {3600, "hour"}, {60, "minute"}} {
		if n >= u.secs && n%u.secs == 0 {
			return strconv.FormatInt(n/u.secs, 10) + " " + u.name + pick(n == u.secs, "", "s")
		}
	}
	return strconv.FormatInt(n, 10) + " seconds"
}

// MAXAGE-001: browsers cap the preflight cache.
// https://fetch.spec.whatwg.org/#http-access-control-max-age
func lintMaxAgeCaps(l *linter) {
	if l.p.MaxAge == nil || *l.p.MaxAge <= 600 {
		return
	}
	n := *l.p.MaxAge
	if n <= ChromeMaxAgeCap {
		l.add(Finding{ID: "MAXAGE-001", Severity: SeverityInfo, Title: "maxAge above Safari's cap",
			Detail: fmt.Sprintf("Safari caps the preflight cache at 600 seconds, so maxAge %d (%s) lasts 10 minutes there; Chrome honours up to 7200 and Firefox up to 86400.", n, humanSeconds(n)),
			Fix:    "Nothing to fix; use 600 if you want the same behaviour in every browser."})
		return
	}
	firefox := ""
	if n > 86400 {
		firefox = ", Firefox for 86400 (24 hours)"
	}
	l.add(Finding{ID: "MAXAGE-001", Severity: SeverityWarning, Title: "maxAge above browser caps",
		Detail: fmt.Sprintf("Browsers silently cut preflight caching to their own limit: for maxAge %d (%s), Chrome keeps a preflight for 7200 seconds (2 hours)%s and Safari for 600 (10 minutes). A long value also keeps users on stale permissions after you tighten the policy.", n, humanSeconds(n), firefox),
		Fix:    "Use 7200 or less; 600 behaves the same everywhere."})
}

// MAXAGE-002: a negative max-age is not delta-seconds.
// https://fetch.spec.whatwg.org/#http-access-control-max-age
func lintMaxAgeNegative(l *linter) {
	if l.p.MaxAge == nil || *l.p.MaxAge >= 0 {
		return
	}
	l.add(Finding{ID: "MAXAGE-002", Severity: SeverityError, Title: "Negative maxAge",
		Detail: fmt.Sprintf("Access-Control-Max-Age: %d is invalid: the standard expects a non-negative integer and falls back to 5 seconds; Chrome treats a negative value as 0 and never caches the preflight. Some libraries refuse it outright.", *l.p.MaxAge),
		Fix:    "Use 0 to disable preflight caching on purpose, or a value such as 600."})
}

// MAXAGE-003: without a max-age, the preflight is repeated every 5 seconds.
// https://fetch.spec.whatwg.org/#http-access-control-max-age
func lintMaxAgeShort(l *linter) {
	if l.p.MaxAge != nil && (*l.p.MaxAge < 0 || *l.p.MaxAge >= 60) {
		return
	}
	need := append(l.nonSimpleMethods(), l.nonSimpleHeaders()...)
	if len(need) == 0 {
		return
	}
	cached := "Without maxAge the browser keeps a preflight for only 5 seconds"
	if l.p.MaxAge != nil {
		cached = fmt.Sprintf("With maxAge %d the browser keeps a preflight for %d seconds", *l.p.MaxAge, *l.p.MaxAge)
	}
	l.add(Finding{ID: "MAXAGE-003", Severity: SeverityInfo, Title: "Preflights are barely cached",
		Detail: "The policy allows " + quoted(need) + ", which need a preflight. " + cached + ", so most such calls pay for two round trips.",
		Fix:    "Set maxAge between 600 and 7200 (keep it short while you are still changing the policy)."})
}

// PLUMB-001: a preflight needs an ok status.
// https://fetch.spec.whatwg.org/#ok-status
func lintPreflightStatus(l *linter) {
	s := l.p.preflightStatus()
	if isOKStatus(s) {
		return
	}
	cause := "The app fails on OPTIONS."
	switch {
	case s < 400:
		cause = "Browsers never follow a redirect of a preflight; an http→https or trailing-slash redirect is the usual cause."
	case s == 401 || s == 403:
		cause = "An authentication layer in front of CORS is the usual cause: preflights never carry cookies or Authorization."
	case s < 500:
		cause = "A router without an OPTIONS route is the usual cause."
	}
	l.add(Finding{ID: "PLUMB-001", Severity: SeverityError, Title: "Preflight answered with a non-2xx status",
		Detail: fmt.Sprintf("The policy answers preflights with %d. The browser accepts a preflight only with an ok status (200 to 299), whatever its headers say, so every request that needs one is blocked and never sent; the console shows a CORS error, not %d. %s", s, s, cause),
		Fix:    "Answer preflights with 204 (or 200): let the CORS middleware handle OPTIONS before routing and authentication."})
}

// VARY-001: an Origin-dependent answer without Vary: Origin poisons caches.
// https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
func lintMissingVary(l *linter) {
	dynamic := l.p.AnyOrigin == AnyOriginReflect || (l.p.AnyOrigin == "" && (len(l.p.rules) > 0 || l.p.AllowNull))
	if l.p.vary() || !dynamic {
		return
	}
	if l.lib != nil && l.lib.imp.sum != nil && l.lib.imp.sum.NoVary != "" {
		sum := l.lib.imp.sum
		l.add(Finding{ID: "VARY-001", Severity: SeverityWarning, Title: "Missing Vary: Origin",
			Detail: "Access-Control-Allow-Origin changes with the request's Origin (refused origins get none), but " + sum.NoVary + ", so these responses carry none. A browser cache, CDN or proxy then keeps one copy per URL: the answer made for another origin, without Access-Control-Allow-Origin, can be served to " + l.s.Page + ", which is then refused; an attacker's request can plant such a copy on purpose (cache poisoning).",
			Fix:    sum.VaryFix})
		return
	}
	l.add(Finding{ID: "VARY-001", Severity: SeverityWarning, Title: "Missing Vary: Origin",
		Detail: fmt.Sprintf("Access-Control-Allow-Origin changes with the request's Origin, but vary is false, so responses carry no Vary: Origin. A browser cache, CDN or proxy then keeps one copy per URL: the answer made for %s can be served to another origin, which is then refused, or an attacker's request can plant a copy that others receive (cache poisoning).", l.s.Page),
		Fix:    "Set vary to true (the default): send Vary: Origin on every response of a dynamic policy, refused origins included."})
}

// CORS decides who may read, not who may call.
// https://fetch.spec.whatwg.org/#http-cors-protocol
func lintNotAccessControl(l *linter) {
	if l.p.AnyOrigin != "" {
		return
	}
	l.add(Finding{ID: "X-001", Severity: SeverityInfo, Title: "CORS is not access control",
		Detail: "CORS does not stop anyone from calling the server. curl, scripts and other servers ignore it, and even in a browser, simple requests (GET, HEAD, or POST with a form content type) are sent and executed before the browser checks these headers: CORS only decides whether the calling page may read the answer. A preflight only keeps non-simple requests from being sent. Refusing an origin here is not authorization.",
		Fix:    "Protect every endpoint with authentication and authorization, and state-changing ones with CSRF defences; treat this policy as the list of sites whose pages may read answers."})
}

// a form POST or a no-cors fetch carries cookies without asking.
// https://fetch.spec.whatwg.org/#cors-safelisted-method
func lintSimpleRequests(l *linter) {
	if !l.p.Credentials {
		return
	}
	l.add(Finding{ID: "X-002", Severity: SeverityWarning, Title: "Simple requests bypass the policy",
		Detail: "Credentials are on, so the API presumably recognises users by their cookies. Any site can still submit <form method=POST action=\"" + l.s.Request.URL + "\"> or call fetch(url, {method: \"POST\", mode: \"no-cors\", credentials: \"include\"}): the request reaches the server with the victim's cookies and runs; the CORS policy is never consulted, only the answer stays unreadable. That is classic CSRF.",
		Fix:    "Add CSRF defences: SameSite cookies, CSRF tokens, a server-side check of the Origin or Sec-Fetch-Site header, or require a JSON Content-Type or a custom header (which forces a preflight) on state-changing endpoints."})
}

// ---- Library servers ----
//
// A library's configuration is linted as the policy it imports to, with the
// library's own words: its entries as written, its option names, its
// matching semantics, and every attacker's origin confirmed by asking the
// library's emulation.

// subject names who answers, to start a sentence.
func (l *linter) subject() string {
	if l.lib == nil {
		return "The policy"
	}
	return l.lib.title()
}

// subjectInSentence names who answers, inside a sentence.
func (l *linter) subjectInSentence() string {
	if l.lib == nil {
		return "the policy"
	}
	return l.lib.title()
}

// originsOption is the name of the option that lists origins.
func (l *linter) originsOption() string {
	if l.lib == nil {
		return "origins"
	}
	return libraryOriginsOption(l.lib.name)
}

// entryName is an origins entry as the configuration writes it.
func (l *linter) entryName(raw string) string {
	if l.lib != nil {
		if e, ok := l.lib.imp.entries[raw]; ok {
			return e.lib
		}
	}
	return raw
}

func (l *linter) entryNames(raws []string) []string {
	if l.lib == nil {
		return raws
	}
	out := make([]string, len(raws))
	for i, r := range raws {
		out[i] = l.entryName(r)
	}
	return out
}

// userRegex: a rule its author wrote as a regular expression (a policy's
// re:, a Flask-CORS pattern, an express RegExp), not one the import made.
func (l *linter) userRegex(r originRule) bool {
	return r.kind == "regex" && (l.lib == nil || l.lib.imp.entries[r.raw].regex)
}

// confirms: script on origin o reads the server's answers. For a policy
// the rule that matched says so; a library is asked.
func (l *linter) confirms(o string) bool {
	if l.lib == nil {
		return true
	}
	r, wc := l.readsFrom(o)
	return r || wc
}

// readsFrom says what script on origin o reads: from the attacker's view
// when it has a probe there, else by asking the server.
func (l *linter) readsFrom(o string) (withoutCookies, withCookies bool) {
	for _, p := range l.probes {
		if p.Origin == o {
			return p.Readable, p.WithCookies
		}
	}
	if l.lib != nil {
		return l.lib.readableOrigin(o)
	}
	po, err := ParseOrigin(o)
	if err != nil {
		return false, false
	}
	return l.p.readableFrom(po, l.s.meter)
}

// regexSemantics says how the server matches a regular expression.
func (l *linter) regexSemantics() string {
	if l.lib != nil && l.lib.reg.Matching.Regex != "" {
		return l.lib.reg.Matching.Regex
	}
	return "Patterns are matched with Go's regexp.MatchString, which finds the pattern anywhere in the Origin."
}

// comparison says how the server compares an exact origins entry.
func (l *linter) comparison() string {
	switch {
	case l.lib == nil:
		return "The policy compares byte for byte"
	case l.lib.reg.Matching.Exact != "":
		return l.lib.reg.Matching.Exact
	}
	return l.lib.title() + " compares an entry with the whole Origin"
}

// regexLiteral writes a pattern the way the server's configuration does.
func (l *linter) regexLiteral(pattern, flags string) string {
	if l.lib != nil && l.lib.reg.Matching.Literal != nil {
		return l.lib.reg.Matching.Literal(pattern, flags)
	}
	return "re:" + pattern
}

// anchorFix is anchorFix in the configuration's own syntax.
func (l *linter) anchorFix(h regexHit) string {
	if l.lib == nil {
		return anchorFix(h)
	}
	e := l.lib.imp.entries[h.raw]
	switch {
	case h.host == "":
		return "Anchor " + e.lib + " at both ends: ^ and the scheme first, $ last."
	case !strings.Contains(e.source, "://"):
		return "Anchor both ends and spell out the scheme: " + l.regexLiteral("^"+schemeOf(h.origin)+"://"+regexp.QuoteMeta(h.host)+"$", e.flags) + "."
	}
	core := strings.TrimSuffix(strings.TrimPrefix(e.source, "^"), "$")
	if strings.Contains(core, "|") {
		core = "(?:" + core + ")"
	}
	return "Anchor both ends: " + l.regexLiteral("^"+core+"$", e.flags) + "."
}

// httpsFix is httpsFix with the entry as the configuration writes it.
func (l *linter) httpsFix(raw string) string {
	if l.lib == nil {
		return httpsFix(raw)
	}
	name := l.entryName(raw)
	if strings.HasPrefix(raw, "re:") {
		return "make " + name + " match only https:// origins"
	}
	return strings.Replace(name, "http", "https", 1) + " instead of " + name
}

// examplePage is the scenario's page for a fix's example, or a stand-in.
func (l *linter) examplePage() string {
	if impBrowserOrigin(l.s.Page) {
		return l.s.Page
	}
	return "https://app.example.com"
}

// cover records what a library finding explained.
func (l *linter) cover(keys ...string) {
	if l.covered == nil {
		l.covered = map[string]bool{}
	}
	for _, k := range keys {
		l.covered[k] = true
	}
}

// attackerReading names an attacker's origin of the attacker's view that
// reads the answers (with cookies when asked), for a finding to show.
func (l *linter) attackerReading(withCookies bool) string {
	found := ""
	for _, p := range l.probes {
		if p.Risk == "danger" && p.Origin != "null" && registrable(p.Origin) && (p.WithCookies || !withCookies && p.Readable) {
			if p.Kind == "unrelated" {
				return p.Origin
			}
			found = cmp.Or(found, p.Origin)
		}
	}
	return found
}

func readsWhat(withCookies bool) string {
	if withCookies {
		return "call the API with the logged-in user's cookies and read the answers"
	}
	return "read the API's answers to requests sent without cookies"
}

// lintLibrary reports what a library does with this configuration that its
// text does not say: dangerous defaults, and entries the library reads
// with other rules than they are written in.
func lintLibrary(l *linter) {
	im := l.lib.imp
	switch {
	case im.sum != nil:
		lintSummarized(l, im.sum)
	}
	for _, fe := range im.flagged {
		lintFlaggedEntry(l, fe)
	}
}

// lintSummarized reports, for a library of engine/server's registry, an
// answer to every origin (ORIGIN-001 to 003) and the entries it reads
// otherwise than they look (ORIGIN-016), in the library's own words, each
// attacker's origin confirmed by asking the emulation.
func lintSummarized(l *linter, sum *server.Summary) {
	im, title, opt, page := l.lib.imp, l.lib.title(), l.originsOption(), l.examplePage()
	set := opt + " is " + im.anyEntry
	if im.anyDefault {
		set = opt + " is not set, and " + title + " then lets every origin in"
	}
	switch {
	case l.lib.name == expresscors.Name:
		lintExpressCors(l)
	case l.p.AnyOrigin == AnyOriginReflect:
		if l.lib.name == flaskcors.Name {
			lintFlaskReflect(l)
			break
		}
		l.reflectFinding(set+": "+title+" copies the request's Origin into Access-Control-Allow-Origin, whatever it is (null included)", "credentials",
			fmt.Sprintf("List the exact origins of your frontend in %s, such as %q: %s then answers only those.", opt, page, title),
			fmt.Sprintf("If any site may read, have %s answer * (browsers never send cookies to a * answer); otherwise list the sites that may read in %s.", title, opt))
	case l.p.AnyOrigin == AnyOriginWildcard:
		if l.p.Credentials && l.lib.name == rscors.Name {
			lintRSWildcard(l)
		} else if l.p.Credentials {
			l.add(Finding{ID: "ORIGIN-001", Severity: SeverityError, Title: title + " answers * with credentials",
				Detail: set + ": " + title + " then answers with Access-Control-Allow-Origin: *, and with credentials on it adds Access-Control-Allow-Credentials: true. Browsers reject * on any request sent with cookies (credentials: \"include\"), so every credentialed call fails with a CORS error, while calls without cookies work from any site.",
				Fix:    fmt.Sprintf("List your frontend's origins in %s, such as %q, or turn credentials off if the data is public.", opt, page)})
		}
	}
	for _, fl := range sum.Flagged {
		lintSummaryFlag(l, fl)
	}
}

// lintSummaryFlag is ORIGIN-016 for a library's flagged entry: danger
// when it lets in an origin a stranger can register, an error when it lets
// in nothing it was written for.
func lintSummaryFlag(l *linter, fl server.Flagged) {
	hit, hitCookies := "", false
	for _, c := range fl.Candidates {
		if r, wc := l.readsFrom(c); r || wc {
			hit, hitCookies = c, wc
			break
		}
	}
	intendedRefused := false
	if fl.Intended != "" {
		r, wc := l.readsFrom(fl.Intended)
		intendedRefused = !r && !wc
	}
	f := Finding{ID: "ORIGIN-016", Severity: SeverityWarning, Title: fl.Title, Detail: fl.Detail, Fix: fl.Fix}
	switch stranger := hit != "" && strangerOwns(hit, fl.Host); {
	case stranger:
		f.Severity = SeverityDanger
		f.Detail += fmt.Sprintf(" It lets in %s, an origin anyone can register: script there can %s.", hit, readsWhat(hitCookies))
	case hit == "" || intendedRefused:
		f.Severity = SeverityError
	default:
		f.Detail += fmt.Sprintf(" It lets in %s, which it was probably not meant to.", hit)
	}
	l.cover(fl.Entry)
	if e := l.lib.imp.entryFor(fl.Entry); e != "" { // the generic rules speak of the policy entry
		l.cover(e)
	}
	if hit != "" {
		l.cover(hit)
	}
	l.add(f)
}

// ORIGIN-002 and ORIGIN-003 for Flask-CORS, in its words: origins "*"
// (its default) without send_wildcard reflects every origin.
func lintFlaskReflect(l *linter) {
	im := l.lib.imp
	set := "origins is " + im.anyEntry
	if im.anyDefault {
		set = `origins is not set, so Flask-CORS uses its default "*"`
	}
	l.reflectFinding(set+", and without send_wildcard=True Flask-CORS does not answer *: it copies the request's Origin into Access-Control-Allow-Origin, whatever it is (null included)",
		"supports_credentials=True",
		fmt.Sprintf("Pass the exact origins of your frontend: CORS(app, origins=[%q], supports_credentials=True). Flask-CORS then answers only those.", l.examplePage()),
		"If any site may read, add send_wildcard=True so Flask-CORS answers * (browsers never send cookies to a * answer); otherwise pass origins=[...] with the sites that may read.")
}

// reflectFinding is ORIGIN-002 (with credentials) or ORIGIN-003 for a
// library that echoes every Origin; how says why it does.
func (l *linter) reflectFinding(how, credSetting, fixCredentials, fixPublic string) {
	title := l.lib.title() + " reflects any origin"
	if l.p.Credentials {
		seen := ""
		if o := l.attackerReading(true); o != "" {
			seen = " (in the attacker's view, script on " + o + " does)"
		}
		l.add(Finding{ID: "ORIGIN-002", Severity: SeverityDanger, Title: title + ", with credentials",
			Detail: how + ", and " + credSetting + " adds Access-Control-Allow-Credentials: true. So any web page a logged-in user visits can call this API with the user's cookies and read the answer" + seen + ": profile data, CSRF tokens, API keys. Your own frontend works too, which is why this passes every functional test.",
			Fix:    fixCredentials})
		return
	}
	l.add(Finding{ID: "ORIGIN-003", Severity: SeverityWarning, Title: title,
		Detail: how + ". That grants what * grants, but hides it; it needs Vary: Origin to be cache-safe, and it becomes a critical hole the day someone adds " + credSetting + ": " + l.lib.title() + " accepts that combination without a word.",
		Fix:    fixPublic})
}

// ORIGIN-001 for rs/cors, in its words: "*" (or no AllowedOrigins at all)
// with AllowCredentials sends * and true, which never works with cookies.
func lintRSWildcard(l *linter) {
	set := `AllowedOrigins contains "*"`
	if l.lib.imp.anyDefault {
		set = "AllowedOrigins is empty, which rs/cors reads as every origin"
	}
	l.add(Finding{ID: "ORIGIN-001", Severity: SeverityError, Title: "rs/cors answers * with credentials",
		Detail: set + ": rs/cors then answers with Access-Control-Allow-Origin: *, and AllowCredentials: true adds Access-Control-Allow-Credentials: true. Browsers reject * on any request sent with cookies (credentials: \"include\"), so every credentialed call fails with a CORS error, while calls without cookies work from any site. rs/cors accepts the combination without a warning.",
		Fix:    fmt.Sprintf("List your frontend's origins, such as AllowedOrigins: []string{%q}: rs/cors then echoes the allowed origin, which works with cookies. If the data is public, drop AllowCredentials.", l.examplePage())})
}

// ORIGIN-001 to 003 for express cors: origin true (or any truthy value
// that is no string, array or RegExp) reflects; "*", its default, with
// credentials sends * and true.
func lintExpressCors(l *linter) {
	im := l.lib.imp
	page := l.examplePage()
	switch l.p.AnyOrigin {
	case AnyOriginReflect:
		how := "origin: true tells cors() to copy the request's Origin into Access-Control-Allow-Origin, whatever it is (null included)"
		if re, ok := l.lib.em.(registeredEmulation); !ok || !expresscors.OriginTrue(re.Emulation) {
			how = "origin holds " + im.anyEntry + ", which is no string, array or RegExp: cors() treats such a truthy value like true and copies the request's Origin into Access-Control-Allow-Origin, whatever it is (null included)"
		}
		l.reflectFinding(how, "credentials: true",
			fmt.Sprintf("Set origin to the list of your frontend's origins, such as origin: [%q]: cors() then reflects only those.", page),
			fmt.Sprintf("If any site may read, use origin: \"*\" (cors() then answers *, which browsers never combine with cookies); otherwise list the origins, such as origin: [%q].", page))
	case AnyOriginWildcard:
		if !l.p.Credentials {
			return
		}
		set := `origin is "*"`
		if im.anyDefault {
			set = `origin is not set, so cors() uses its default "*"`
		}
		l.add(Finding{ID: "ORIGIN-001", Severity: SeverityError, Title: "express cors answers * with credentials",
			Detail: set + ": cors() then answers with Access-Control-Allow-Origin: *, and credentials: true adds Access-Control-Allow-Credentials: true. Browsers reject * on any request sent with cookies (credentials: \"include\"), so every credentialed call fails with a CORS error, while calls without cookies work from any site.",
			Fix:    fmt.Sprintf("Set origin to your frontend's origins, such as origin: [%q] (cors() then reflects the matching one, which works with cookies), or drop credentials: true if the data is public. Do not switch to origin: true: that reflects every origin, cookies included.", page)})
	}
}

// lintFlaggedEntry reports an origins entry the library reads otherwise
// than it looks (ORIGIN-016), or an rs/cors wildcard that matches more
// than it seems (ORIGIN-009), with the origin the library really lets in.
func lintFlaggedEntry(l *linter, fe flaggedEntry) {
	var hit string
	hitCookies := false
	for _, c := range fe.candidates {
		if r, wc := l.readsFrom(c); r || wc {
			hit, hitCookies = c, wc
			break // candidates come a stranger's first
		}
	}
	intendedRefused := false
	if fe.intended != "" {
		r, wc := l.readsFrom(fe.intended)
		intendedRefused = !r && !wc
	}
	stranger := hit != "" && strangerOwns(hit, fe.host)
	sev := SeverityWarning
	switch {
	case stranger:
		sev = SeverityDanger
	case hit == "" || intendedRefused:
		sev = SeverityError
	}
	l.cover(fe.entry, fe.policyEntry)
	if hit != "" {
		l.cover(hit)
	}
	consequence := ""
	switch {
	case stranger:
		consequence = fmt.Sprintf(" It lets in %s, an origin anyone can register: script there can %s.", hit, readsWhat(hitCookies))
	case hit != "":
		consequence = fmt.Sprintf(" It lets in %s, which it was probably not meant to.", hit)
	}
	f := Finding{ID: fe.id, Severity: sev}
	switch {
	case fe.id == "ORIGIN-009":
		f.Title = "A wildcard in AllowedOrigins matches more than it seems: " + fe.entry
		f.Detail = fmt.Sprintf("rs/cors splits an AllowedOrigins entry at its first * and accepts any origin that starts with the text before it and ends with the text after it: the * stands for any text, dots, slashes and colons included, and a second * is taken literally. Only https://*.example.com (any subdomain) and http://localhost:* (any port) mean what they look like. For %q:", fe.entry)
		if hit == "" {
			consequence = " it can never match an origin a browser sends."
		}
		f.Detail += strings.Replace(consequence, " It ", " it ", 1)
		f.Fix = "List each origin exactly (https://app.example.com), or write subdomains as https://*.example.com; for anything finer rs/cors needs an AllowOriginFunc."
	case l.lib.name == flaskcors.Name:
		if more := l.secondStranger(fe, hit); more != "" {
			consequence += fmt.Sprintf(" Nothing anchors its end either, so %s matches too.", more)
		}
		f.Title = "A glob in origins is a regular expression to Flask-CORS: " + fe.entry
		f.Detail = fmt.Sprintf("Flask-CORS reads any origins entry containing * ? [ ] ( ) ^ $ or \\ as a regular expression, matched with re.match (case-insensitive, from the start of the Origin). %q looks like a wildcard, but in a regular expression * repeats the character before it and each . matches any character.", fe.entry)
		switch {
		case hit == "" && len(fe.candidates) == 0 && fe.invalid:
			f.Detail += " Python's re rejects this one (a * with nothing to repeat), and Flask-CORS silently skips an invalid pattern: the entry never matches."
		case intendedRefused && consequence != "":
			f.Detail += fmt.Sprintf(" It does not match %s, the kind of origin it was written for, but", fe.intended)
			consequence = strings.Replace(consequence, " It ", " it ", 1)
		case intendedRefused:
			f.Detail += fmt.Sprintf(" It does not match %s, the kind of origin it was written for.", fe.intended)
		}
		f.Detail += consequence
		f.Fix = "Write the regular expression you mean, anchored at the end: " + l.regexLiteral(impGlobRegex(fe.entry), "") + "; or list the exact origins."
	case l.lib.name == rscors.Name:
		f.Title = "A regular expression in AllowedOrigins is plain text to rs/cors: " + fe.entry
		f.Detail = fmt.Sprintf("rs/cors has no regular expressions: it compares an AllowedOrigins entry with the Origin as text (lower-cased), where only a * is special and stands for any text. %q is written as a regular expression, so", fe.entry)
		if hit == "" {
			f.Detail += " it never matches an origin a browser sends."
		} else {
			f.Detail += strings.Replace(consequence, " It ", " it ", 1)
		}
		f.Fix = "List the origins themselves (https://app.example.com), or https://*.example.com for subdomains; for anything finer rs/cors needs an AllowOriginFunc."
	}
	l.add(f)
}

// secondStranger is another attacker's origin a flagged entry lets in, one
// that merely starts like it, other than the one already shown.
func (l *linter) secondStranger(fe flaggedEntry, shown string) string {
	for _, c := range fe.candidates {
		if c == shown || !strangerOwns(c, fe.host) || !strings.HasSuffix(c, ".evil-attacker.net") || strings.HasSuffix(shown, ".evil-attacker.net") {
			continue
		}
		if r, wc := l.readsFrom(c); r || wc {
			l.cover(c)
			return c
		}
	}
	return ""
}

// impGlobRegex is the regular expression a glob means: *. any subdomain,
// :* any port (or none), another * any text; anchored at both ends.
func impGlobRegex(g string) string {
	var b strings.Builder
	rest := g
	if !strings.Contains(rest, "://") {
		b.WriteString("https://")
	}
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "*."):
			b.WriteString(`([a-z0-9-]+\.)+`)
			rest = rest[2:]
		case strings.HasPrefix(rest, ":*"):
			b.WriteString(`(:[0-9]+)?`)
			rest = rest[2:]
		case rest[0] == '*':
			b.WriteString(`[a-z0-9.-]*`)
			rest = rest[1:]
		default:
			b.WriteString(regexp.QuoteMeta(rest[:1]))
			rest = rest[1:]
		}
	}
	return "^" + b.String() + "$"
}
