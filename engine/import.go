package engine

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/flaskcors"
	"corsplay/engine/server/rscors"
)

// This file turns a library's configuration into the neutral Policy: each
// library's parsed configuration (the emulation's own) is read back into
// the policy that answers closest to what the library answers, and what the
// policy cannot say is written down in plain English.

// ToPolicy returns the policy closest to what the library does with this
// configuration, and notes saying what did not carry over: wherever a
// browser's verdict could differ between the two, a note says why. It
// fails when the library refuses the configuration (a *ConfigError) or
// corsplay cannot read it (a *FieldError).
//
// Origins become exact entries, "scheme://*.domain", "scheme://host:*" or
// "re:PATTERN" entries with the library's own matching: a Flask-CORS
// regular expression is re.match, case-insensitive ("re:(?i)^(?:P)"); an
// rs/cors wildcard is prefix*suffix on any text; an express RegExp is an
// unanchored search. A registry library says it through Summarize.
func (l Library) ToPolicy() (Policy, []string, error) {
	if err := l.validate(); err != nil {
		return Policy{}, nil, err
	}
	em, err := l.emulation()
	if err != nil {
		return Policy{}, nil, err
	}
	im := importLibrary(l, em, "", pattern.NewMeter(pattern.Budget))
	return im.policy, im.notes, nil
}

// libraryTitles name the libraries of this package in sentences.
var libraryTitles = map[string]string{}

// libraryOriginsOptions name the origins option of this package's libraries.
var libraryOriginsOptions = map[string]string{}

// libraryTitle names a library in sentences.
func libraryTitle(name string) string {
	if t, ok := libraryTitles[name]; ok {
		return t
	}
	if l, ok := server.Lookup(name, ""); ok {
		return l.Title
	}
	return name
}

// libraryOriginsOption names the option that lists a library's origins.
func libraryOriginsOption(name string) string {
	if o, ok := libraryOriginsOptions[name]; ok {
		return o
	}
	if l, ok := server.Lookup(name, ""); ok {
		return l.OriginsOption
	}
	return "origins"
}

// imported is a library configuration read as a policy, with what the
// lint needs to speak in the library's own terms.
type imported struct {
	policy Policy
	notes  []string
	// entries tell, for each Policy.Origins entry, the library's own.
	entries map[string]importEntry
	// anyEntry is the setting that lets every origin in, as written
	// (`"*"`, `true`), "" when none does or when it is the default.
	anyEntry string
	// anyDefault: every origin is let in because the origins option is
	// not set.
	anyDefault bool
	// flagged are the origins entries the library reads otherwise than
	// they look.
	flagged []flaggedEntry

	// The library's parsed configuration, for its own findings.
	sum *server.Summary // a library of engine/server's registry

	set   pattern.Set    // the policy's patterns, within their limits
	meter *pattern.Meter // pays for matching the library's patterns
}

// importEntry is one origins entry as the library's configuration has it.
type importEntry struct {
	lib   string // as written in the configuration
	regex bool   // a regular expression the user wrote (Flask-CORS, an express RegExp)
	// source and flags are the regular expression in the library's syntax.
	source, flags string
}

// flaggedEntry is an origins entry whose syntax the library does not read
// the way it looks: a glob Flask-CORS takes for a regular expression
// (ORIGIN-016), a regular expression rs/cors or express takes for text
// (ORIGIN-016), an rs/cors * that is not *.domain or :* (ORIGIN-009).
type flaggedEntry struct {
	id    string
	entry string // as written
	looks string // "glob" or "regex": what the entry looks like
	// invalid: a pattern the library's regex engine rejects (never matches).
	invalid bool
	// intended is an origin the entry was surely written for ("" when
	// unclear); candidates are origins the library's matching accepts,
	// those a stranger can register first.
	intended   string
	candidates []string
	host       string // the host the entry names, to tell strangers apart
	// policyEntry is the Policy.Origins entry it became ("" when none).
	policyEntry string
}

func (im *imported) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(im.notes, n) {
		im.notes = append(im.notes, n)
	}
}

// The helpers the registry's libraries share (engine/server).
var (
	impExactEntry     = server.ExactEntry
	impLooksLikeRegex = server.LooksLikeRegex
	impSplitList      = server.SplitList
)

// addOrigin appends a Policy.Origins entry, unless the policy refuses it.
func (im *imported) addOrigin(entry string, e importEntry) {
	if _, err := parseOriginRule(entry, &im.set); err != nil {
		im.note("The origins entry %s cannot be written as a policy entry (%v): it was left out, so the policy refuses what it allows.", e.lib, err)
		return
	}
	if slices.Contains(im.policy.Origins, entry) {
		return
	}
	if len(im.policy.Origins) >= MaxPolicyEntries {
		im.note("Only the first %d origins entries were kept: a policy holds at most %d.", MaxPolicyEntries, MaxPolicyEntries)
		return
	}
	im.policy.Origins = append(im.policy.Origins, entry)
	if im.entries == nil {
		im.entries = map[string]importEntry{}
	}
	im.entries[entry] = e
}

// entryFor is the Policy.Origins entry a library entry became.
func (im *imported) entryFor(lib string) string {
	for k, e := range im.entries {
		if e.lib == lib {
			return k
		}
	}
	return ""
}

// importLibrary reads an emulation's configuration. rawURL is the request
// URL when a scenario is known (a server.PathSummarizer, such as
// Flask-CORS, picks its options by path); "" reads the whole configuration.
func importLibrary(l Library, em emulation, rawURL string, m *pattern.Meter) *imported {
	im := &imported{meter: m}
	switch c := em.(type) {
	case registeredEmulation:
		im.summary(l, c, rawURL)
	}
	return im
}

// summary reads a library of engine/server's registry through its own
// Summarize; the lint then confirms each origin by asking the emulation.
func (im *imported) summary(l Library, em registeredEmulation, rawURL string) {
	r := l.registered()
	if r == nil || r.Summarize == nil {
		im.note("corsplay cannot yet read the %s options as a policy: the findings below are the ones found by asking the library.", libraryTitle(l.Name))
		return
	}
	var sum server.Summary
	if ps, ok := em.Emulation.(server.PathSummarizer); ok && rawURL != "" {
		sum = ps.SummaryAt(rawURL)
	} else {
		sum = r.Summarize(l.Options)
	}
	im.sum = &sum
	p := &im.policy
	p.Credentials = sum.Credentials
	switch sum.AnyOrigin {
	case "wildcard":
		p.AnyOrigin = AnyOriginWildcard
	case "reflect":
		p.AnyOrigin = AnyOriginReflect
	}
	im.anyEntry, im.anyDefault = sum.AnyEntry, sum.AnyOrigin != "" && sum.AnyEntry == ""
	for _, e := range sum.Origins {
		if e.Policy != "" { // "": a pattern the library rejects
			// source: the pattern for the fixes to quote, in a syntax regexLiteral writes.
			im.addOrigin(e.Policy, importEntry{lib: e.Written, regex: e.Regex, source: cmp.Or(e.Source, pick(e.Regex && l.Name == flaskcors.Name, e.Written, "")), flags: e.Flags})
		}
	}
	for _, n := range sum.Notes {
		im.note("%s", n)
	}
	p.Methods, p.RequestHeaders, p.ExposeHeaders, p.MaxAge, p.PreflightStatus = sum.Methods, sum.RequestHeaders, sum.ExposeHeaders, sum.MaxAge, sum.PreflightStatus
	if sum.NoVary != "" {
		p.Vary = new(false)
	}
	if l.Name == rscors.Name {
		im.rsFlagged(sum)
	}
	if l.Name == flaskcors.Name {
		for _, e := range sum.Origins {
			if impFlaskGlobLike(e.Written) {
				im.flagged = append(im.flagged, im.flaskGlob(e))
			}
		}
	}
}

// impFlaskGlobLike: an entry that reads as a glob, a * standing for a label,
// a host or a port rather than repeating the character before it.
func impFlaskGlobLike(s string) bool {
	if s == ".*" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '*' && (i == 0 || !strings.ContainsRune(`.)]}*+?\`, rune(s[i-1]))) {
			return true
		}
	}
	return false
}

// flaskGlob works out what a glob in Flask-CORS origins really accepts:
// the candidates its policy entry (Flask-CORS's re.match) lets in.
func (im *imported) flaskGlob(e server.Entry) flaggedEntry {
	fe := flaggedEntry{id: "ORIGIN-016", entry: e.Written, looks: "glob", host: impGlobHost(e.Written), intended: impGlobIntended(e.Written),
		invalid: e.Policy == "", policyEntry: im.entryFor(e.Written)}
	if r, err := parseOriginRule(e.Policy, new(pattern.Set)); err == nil {
		for _, c := range impGlobCandidates(e.Written) {
			if r.matches(c, im.meter) {
				fe.candidates = append(fe.candidates, c)
			}
		}
	}
	fe.sortCandidates(true)
	return fe
}

// impGlobHost is the host a glob names: "example.com" for
// "https://*.example.com", "localhost" for "http://localhost:*".
func impGlobHost(g string) string {
	if _, rest, ok := strings.Cut(g, "://"); ok {
		g = rest
	}
	g = strings.TrimLeft(g, "*.")
	if i := strings.IndexAny(g, ":/*"); i >= 0 {
		g = g[:i]
	}
	return strings.ToLower(g)
}

// impGlobIntended is an origin a glob was written for: a subdomain for *.,
// a port for :*.
func impGlobIntended(g string) string {
	s := strings.ToLower(g)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	s = strings.Replace(s, "*.", "app.", 1)
	s = strings.Replace(s, ":*", ":3000", 1)
	s = strings.ReplaceAll(s, "*", "app")
	if !impBrowserOrigin(s) {
		return ""
	}
	return s
}

// impGlobCandidates are origins to try a glob-looking pattern on: the * (with
// the dot after it, or the colon before it) replaced by a character,
// nothing or a word, and each with an attacker's domain appended.
func impGlobCandidates(g string) []string {
	var out []string
	for _, tok := range []string{"*.", ":*", "*"} {
		if !strings.Contains(g, tok) {
			continue
		}
		for _, fill := range []string{"", "x", "evil"} {
			base := strings.ToLower(strings.Replace(g, tok, fill, 1))
			for _, c := range []string{base, base + ".evil-attacker.net"} {
				if impBrowserOrigin(c) && !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// sortCandidates puts first the origins a stranger can register, keeping
// the order they were tried in; with lookalikes, a lookalike domain
// (https://xexample.com) before the attacker's own.
func (fe *flaggedEntry) sortCandidates(lookalikes bool) {
	rank := func(c string) int {
		switch {
		case !strangerOwns(c, fe.host):
			return 2
		case lookalikes && strings.HasSuffix(c, ".evil-attacker.net"):
			return 1
		}
		return 0
	}
	c := fe.candidates
	sort.SliceStable(c, func(i, j int) bool { return rank(c[i]) < rank(c[j]) }) // not slices.SortStableFunc: see verified (fixes.go)
}

// impBrowserOrigin reports an origin a browser can send: serialized, http or
// https, its host made of non-empty labels.
func impBrowserOrigin(s string) bool {
	o, err := ParseOrigin(s)
	if err != nil || o.Opaque {
		return false
	}
	for l := range strings.SplitSeq(strings.Trim(o.Host, "[]"), ".") {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-:") != "" {
			return false
		}
	}
	return true
}

// ---- rs/cors ----

// rsFlagged finds the rs/cors entries that read otherwise than they look:
// a regular expression compared as text (ORIGIN-016), a * that is not
// *.domain or :* and matches any text (ORIGIN-009), with the origins a
// stranger could use.
func (im *imported) rsFlagged(sum server.Summary) {
	for _, e := range sum.Origins {
		raw := e.Written
		origin := strings.ToLower(raw)
		i := strings.IndexByte(origin, '*')
		if i < 0 {
			if server.LooksLikeRegex(raw) && sum.AnyOrigin == "" {
				im.flagged = append(im.flagged, flaggedEntry{id: "ORIGIN-016", entry: raw, looks: "regex", policyEntry: im.entryFor(raw)})
			}
			continue
		}
		prefix, suffix := origin[:i], origin[i+1:]
		if e.Policy == origin || sum.AnyOrigin != "" || impRSPortWildcard(prefix, suffix) {
			continue // scheme://*.domain, a list that lets every origin in, or any port
		}
		fe := flaggedEntry{id: "ORIGIN-009", entry: raw, host: impGlobHost(origin), policyEntry: im.entryFor(raw)}
		if server.LooksLikeRegex(raw) {
			fe.id, fe.looks = "ORIGIN-016", "regex"
		}
		mids := []string{"evil-attacker.net", "evil", "https://evil-attacker.net", "http://evil-attacker.net", "ttps://evil-attacker.net", "ttp://evil-attacker.net", "https://evil", "http://evil"}
		if suffix != "" && isAlphaNum(suffix[0]) {
			mids[0], mids[1] = mids[1], mids[0] // *example.com: evilexample.com
		}
		for _, mid := range mids {
			if cand := prefix + mid + suffix; impBrowserOrigin(cand) && !slices.Contains(fe.candidates, cand) {
				fe.candidates = append(fe.candidates, cand)
			}
		}
		fe.sortCandidates(false)
		im.flagged = append(im.flagged, fe)
	}
}

// impRSPortWildcard: scheme://host:*, any port (but not none).
func impRSPortWildcard(prefix, suffix string) bool {
	host, ok := strings.CutSuffix(prefix, ":")
	_, host, scheme := strings.Cut(host, "://")
	return ok && scheme && suffix == "" && host != "" && !strings.ContainsAny(host, "*/?#@:")
}
