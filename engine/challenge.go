package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Challenge limits: a challenge is typed by hand and travels in a link.
const (
	MaxChallengeTextBytes = 1024 // the goal, and each hint
	MaxHints              = 10
)

// Challenge parts: what the learner may change.
const (
	PartPage    = "page"
	PartRequest = "request"
	PartServer  = "server"
	PartBrowser = "browser"
)

// ChallengeParts are the parts of a scenario a challenge may let the learner
// change, in the order they are reported.
var ChallengeParts = []string{PartPage, PartRequest, PartServer, PartBrowser}

// Exposures a challenge may expect.
const ExposurePageOnly = "page-only"

// Challenge turns a scenario into an exercise: the scenario is the start,
// Change the parts the learner may edit, Expect what the outcome must show.
type Challenge struct {
	// Goal says in words what to achieve.
	Goal string `json:"goal"`
	// Change lists the parts the learner may change: "page", "request",
	// "server" and "browser" (ChallengeParts). An attempt that changes any
	// other part is unmet.
	Change []string `json:"change"`
	Expect Expect   `json:"expect"`
	// Hints are given one at a time, vaguest first.
	Hints []string `json:"hints,omitempty"`
	// Solution is a partial scenario merged into the start as a JSON merge
	// patch (RFC 7386) of its JSON: an object member replaces the start's
	// (objects merge member by member, lists are replaced whole), null
	// removes it. It may name only the parts in Change. See Solved.
	Solution json.RawMessage `json:"solution,omitempty"`
}

// Expect is what the outcome of an attempt must show. A nil field is not
// checked; at least one must be given.
type Expect struct {
	// Verdict: allowed, blocked, opaque or error.
	Verdict *string `json:"verdict,omitempty"`
	// Preflight: whether a preflight is sent on the first send.
	Preflight *bool `json:"preflight,omitempty"`
	// Readable lists header names the page must be able to read
	// (case-insensitive).
	Readable []string `json:"readable,omitempty"`
	// Exposure "page-only": no origin of the attacker's view but the
	// page's own can read, with or without cookies.
	Exposure *string `json:"exposure,omitempty"`
	// MaxSeverity: no lint finding above this severity (info < warning <
	// danger < error).
	MaxSeverity *string `json:"maxSeverity,omitempty"`
	// CachedSends: how many of the sends reuse a cached preflight.
	CachedSends *int `json:"cachedSends,omitempty"`
	// AttackerReads true: some origin of the attacker's view that the
	// policy does not mean to trust (risk danger or warning) can read, as
	// in a "find the hole" challenge; false: none can.
	AttackerReads *bool `json:"attackerReads,omitempty"`
}

// ChallengeResult is the outcome of checking an attempt against a
// challenge.
type ChallengeResult struct {
	Met   bool    `json:"met"`
	Unmet []Unmet `json:"unmet"`
}

// Unmet is one expectation an attempt does not meet: Expect names it
// ("change", "verdict", "preflight", "readable", "exposure",
// "maxSeverity", "cachedSends" or "attackerReads"), Why says what happened.
type Unmet struct {
	Expect string `json:"expect"`
	Why    string `json:"why"`
}

// severityLevel orders lint severities, info lowest; 0 is not a severity.
var severityLevel = map[string]int{SeverityInfo: 1, SeverityWarning: 2, SeverityDanger: 3, SeverityError: 4}

// clone returns a deep copy of c.
func (c Challenge) clone() Challenge {
	c.Change = slices.Clone(c.Change)
	c.Hints = slices.Clone(c.Hints)
	c.Solution = bytes.Clone(c.Solution)
	e := &c.Expect
	e.Readable = slices.Clone(e.Readable)
	e.Verdict = clonePtr(e.Verdict)
	e.Preflight = clonePtr(e.Preflight)
	e.Exposure = clonePtr(e.Exposure)
	e.MaxSeverity = clonePtr(e.MaxSeverity)
	e.CachedSends = clonePtr(e.CachedSends)
	e.AttackerReads = clonePtr(e.AttackerReads)
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	return new(*p)
}

// Solved returns s with its challenge's solution merged in (see
// Challenge.Solution) and without the challenge. The merged scenario is
// decoded as strictly as any other: a problem is a *FieldError under
// "challenge.solution".
func (s Scenario) Solved() (Scenario, error) {
	if s.Challenge == nil || len(s.Challenge.Solution) == 0 {
		return Scenario{}, &FieldError{"challenge.solution", "missing: the scenario has no challenge with a solution"}
	}
	return s.merge(s.Challenge.Solution)
}

// merge applies patch, a JSON merge patch, to s without its challenge.
func (s Scenario) merge(patch json.RawMessage) (Scenario, error) {
	fail := func(err error) (Scenario, error) {
		if fe, ok := err.(*FieldError); ok {
			return Scenario{}, &FieldError{joinField("challenge.solution", fe.Field), fe.Problem}
		}
		return Scenario{}, &FieldError{"challenge.solution", err.Error()}
	}
	start := s.Clone()
	start.Challenge = nil
	var doc, p any
	if err := decodeJSON(mustMarshal(start), &doc); err != nil {
		return fail(err)
	}
	if err := decodeJSON(patch, &p); err != nil {
		return fail(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(mergePatch(doc, p)); err != nil {
		return fail(err)
	}
	merged, err := DecodeOne(bytes.TrimSpace(buf.Bytes()))
	if err != nil {
		return fail(err)
	}
	return merged, nil
}

func mustMarshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// decodeJSON reads JSON keeping numbers as written.
func decodeJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

// mergePatch is RFC 7386's MergePatch(target, patch).
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

// validate checks the challenge of s, whose other fields are valid.
func (c Challenge) validate(s Scenario) error {
	text := func(field, value, what string) error {
		switch {
		case strings.TrimSpace(value) == "":
			return &FieldError{field, "missing: " + what}
		case len(value) > MaxChallengeTextBytes:
			return &FieldError{field, fmt.Sprintf("%d bytes, at most %d", len(value), MaxChallengeTextBytes)}
		}
		return nil
	}
	if err := text("challenge.goal", c.Goal, "what the learner must achieve, in words"); err != nil {
		return err
	}
	if len(c.Change) == 0 {
		return &FieldError{"challenge.change", "missing: the parts the learner may change, among " + orList(quoteAll(ChallengeParts))}
	}
	for i, part := range c.Change {
		field := fmt.Sprintf("challenge.change[%d]", i)
		if !slices.Contains(ChallengeParts, part) {
			return &FieldError{field, fmt.Sprintf("%q is not a part: use %s", part, orList(quoteAll(ChallengeParts)))}
		}
		if slices.Contains(c.Change[:i], part) {
			return &FieldError{field, fmt.Sprintf("%q is listed twice", part)}
		}
	}
	if err := c.Expect.validate(); err != nil {
		return err
	}
	if len(c.Hints) > MaxHints {
		return &FieldError{"challenge.hints", fmt.Sprintf("%d hints, at most %d", len(c.Hints), MaxHints)}
	}
	for i, h := range c.Hints {
		if err := text(fmt.Sprintf("challenge.hints[%d]", i), h, "an empty hint"); err != nil {
			return err
		}
	}
	if len(c.Solution) == 0 {
		return nil
	}
	var patch map[string]json.RawMessage
	if err := json.Unmarshal(c.Solution, &patch); err != nil || patch == nil {
		return &FieldError{"challenge.solution", "want an object: the parts of the scenario the solution changes"}
	}
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		field := fieldPath("challenge.solution", k)
		if !slices.Contains(ChallengeParts, k) {
			return &FieldError{field, fmt.Sprintf("a solution changes only %s", orList(quoteAll(ChallengeParts)))}
		}
		if !slices.Contains(c.Change, k) {
			return &FieldError{field, fmt.Sprintf("the solution changes the %s, which this challenge does not let the learner change (change: %s)", k, strings.Join(c.Change, ", "))}
		}
	}
	// The merged scenario is decoded by Solved (corsplay check -solution,
	// TestPresetChallenges), not here: what a learner does to the start
	// (another kind of server) must not make the scenario itself invalid.
	return nil
}

func (e Expect) validate() error {
	if e.Verdict == nil && e.Preflight == nil && e.Readable == nil && e.Exposure == nil && e.MaxSeverity == nil && e.CachedSends == nil && e.AttackerReads == nil {
		return &FieldError{"challenge.expect", "missing: give at least one of verdict, preflight, readable, exposure, maxSeverity, cachedSends or attackerReads"}
	}
	if v := e.Verdict; v != nil && !slices.Contains([]string{Allowed, Blocked, Opaque, Error}, *v) {
		return &FieldError{"challenge.expect.verdict", fmt.Sprintf("%q is not a verdict: use \"allowed\", \"blocked\", \"opaque\" or \"error\"", *v)}
	}
	if e.Readable != nil && len(e.Readable) == 0 {
		return &FieldError{"challenge.expect.readable", "an empty list expects nothing: name the headers the page must read, or leave readable out"}
	}
	if len(e.Readable) > MaxHeaders {
		return &FieldError{"challenge.expect.readable", fmt.Sprintf("%d headers, at most %d", len(e.Readable), MaxHeaders)}
	}
	for i, name := range e.Readable {
		if !IsToken(name) {
			return &FieldError{fmt.Sprintf("challenge.expect.readable[%d]", i), fmt.Sprintf("%q is not a valid header name", name)}
		}
	}
	if x := e.Exposure; x != nil && *x != ExposurePageOnly {
		return &FieldError{"challenge.expect.exposure", fmt.Sprintf("%q is not an exposure: use %q", *x, ExposurePageOnly)}
	}
	if m := e.MaxSeverity; m != nil && severityLevel[*m] == 0 {
		return &FieldError{"challenge.expect.maxSeverity", fmt.Sprintf("%q is not a severity: use \"info\", \"warning\", \"danger\" or \"error\"", *m)}
	}
	if n := e.CachedSends; n != nil && (*n < 0 || *n > MaxRepeats) {
		return &FieldError{"challenge.expect.cachedSends", fmt.Sprintf("%d is not a number of sends between 0 and %d", *n, MaxRepeats)}
	}
	return nil
}

// Check judges attempt, whose outcome is out, against the challenge whose
// start is start: the parts changed outside Change first (each part is
// compared as JSON with the scenario's defaults filled in, so writing a
// default out is no change), then each expectation in Expect's order.
func (c Challenge) Check(start, attempt Scenario, out Outcome) ChallengeResult {
	unmet := []Unmet{}
	add := func(expect, format string, args ...any) {
		unmet = append(unmet, Unmet{expect, fmt.Sprintf(format, args...)})
	}
	before, after := start.withDefaults(), attempt.withDefaults()
	for _, s := range []*Scenario{&before, &after} {
		if len(s.Request.Repeat) == 1 && s.Request.Repeat[0] == 0 {
			s.Request.Repeat = nil // once, at 0: the default
		}
	}
	for _, part := range ChallengeParts {
		if slices.Contains(c.Change, part) {
			continue
		}
		var a, b any
		switch part {
		case PartPage:
			a, b = before.Page, after.Page
		case PartRequest:
			a, b = before.Request, after.Request
		case PartServer:
			a, b = before.Server, after.Server
		case PartBrowser:
			a, b = before.Browser, after.Browser
		}
		if !bytes.Equal(mustMarshal(a), mustMarshal(b)) {
			add("change", "the %s was changed; this challenge allows changing only the %s", part, andList(c.Change))
		}
	}
	e := c.Expect
	if e.Verdict != nil && out.Verdict != *e.Verdict {
		why := out.Verdict
		if out.CORSError != "" {
			why += " (" + out.CORSError + ")"
		}
		add("verdict", "the fetch is %s, not %s", why, *e.Verdict)
	}
	if e.Preflight != nil && (out.Preflight != nil) != *e.Preflight {
		if *e.Preflight {
			add("preflight", "no preflight is sent: the request is simple")
		} else {
			add("preflight", "a preflight is sent (%s)", strings.Join(out.Preflight.Reasons, "; "))
		}
	}
	for _, name := range e.Readable {
		if !slices.Contains(out.ReadableHeaders, strings.ToLower(name)) {
			if len(out.ReadableHeaders) == 0 {
				add("readable", "the page cannot read %s: it reads no header", name)
			} else {
				add("readable", "the page cannot read %s: it reads only %s", name, strings.Join(out.ReadableHeaders, ", "))
			}
		}
	}
	if e.Exposure != nil {
		switch {
		case len(out.Exposure) > 0:
		case attempt.Server.Policy == nil && attempt.Server.Library == nil:
			add("exposure", "there is no attacker's view to judge: corsplay probes a policy or library server, not raw responses")
		default:
			add("exposure", "there is no attacker's view to judge: the evaluation stopped before it (verdict %s)", out.Verdict)
		}
		for _, p := range out.Exposure {
			if p.Origin != attempt.Page && (p.Readable || p.WithCookies) {
				add("exposure", "%s can read %s", p.Origin, readsHow(p))
			}
		}
	}
	for _, expect := range []string{"exposure", "attackerReads"} {
		if stoppedEarly(out) && (expect == "exposure" && e.Exposure != nil || expect == "attackerReads" && e.AttackerReads != nil) {
			add(expect, "the attacker's view stopped early (COST-001): the server's patterns are too costly to judge")
		}
	}
	if e.MaxSeverity != nil {
		for _, f := range out.Lint {
			if severityLevel[f.Severity] > severityLevel[*e.MaxSeverity] {
				add("maxSeverity", "%s is %s, above %s: %s", f.ID, f.Severity, *e.MaxSeverity, f.Title)
			}
		}
	}
	if e.CachedSends != nil {
		n := 0
		for _, s := range out.Sends {
			if s.Preflight == "cached" {
				n++
			}
		}
		if n != *e.CachedSends {
			add("cachedSends", "%d of %d sends reuse a cached preflight, not %d", n, max(len(out.Sends), 1), *e.CachedSends)
		}
	}
	if e.AttackerReads != nil {
		var readers []Probe
		for _, p := range out.Exposure {
			if p.Risk == "danger" || p.Risk == "warning" {
				readers = append(readers, p)
			}
		}
		switch {
		case *e.AttackerReads && len(readers) == 0:
			add("attackerReads", "no attacker's origin can read: the %d origins probed are refused or trusted", len(out.Exposure))
		case !*e.AttackerReads:
			for _, p := range readers {
				add("attackerReads", "%s can read %s", p.Origin, readsHow(p))
			}
		}
	}
	return ChallengeResult{Met: len(unmet) == 0, Unmet: unmet}
}

// stoppedEarly: the analysis stopped at the pattern budget.
func stoppedEarly(out Outcome) bool {
	return slices.ContainsFunc(out.Lint, func(f Finding) bool { return f.ID == "COST-001" })
}

func readsHow(p Probe) string {
	switch {
	case p.Readable && p.WithCookies:
		return "with and without cookies"
	case p.WithCookies:
		return "with cookies"
	}
	return "without cookies"
}
