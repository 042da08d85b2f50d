package engine

import (
	"errors"
	"fmt"

	"corsplay/engine/pattern"
)

// MaxOriginBytes bounds the Origin values the engine searches with a
// server's patterns: a longer one matches none (exact entries still
// compare). Browsers' origins are short: a host name has at most 253
// bytes. It also bounds the page's origin.
const MaxOriginBytes = 2048

// matchOrigin searches the Origin header value o with re, as servers do
// (unanchored unless the pattern anchors itself).
func matchOrigin(re *pattern.Regexp, o string, m *pattern.Meter) bool {
	return len(o) <= MaxOriginBytes && re.Match(o, m)
}

// patternProblem is the problem text of a pattern that does not compile:
// the limits' own message, or Go's syntax error.
func patternProblem(err error) error {
	var tc *pattern.TooComplexError
	var stc *pattern.SetTooComplexError
	if errors.As(err, &tc) || errors.As(err, &stc) {
		return err
	}
	return fmt.Errorf("invalid regular expression: %v", err)
}

// metered returns s with the meter that pays for its evaluation's pattern
// matching: one budget for the sends, the attacker's view, the lint and
// the fixes tried.
func (s Scenario) metered() Scenario {
	if s.meter == nil {
		s.meter = pattern.NewMeter(pattern.Budget)
	}
	return s
}

// budgetStop is what evaluation.respond panics with when the meter runs
// out: the evaluation stops there (evaluateWith recovers it).
type budgetStop struct{ err error }

// costFinding replaces the lint when the analysis ran out of budget after
// probing n origins: findings drawn from matches the meter refused could
// be wrong.
func costFinding(n int) Finding {
	return Finding{ID: "COST-001", Severity: SeverityWarning, Title: "The server's patterns are too costly to analyse in full",
		Detail: fmt.Sprintf("The verdict and the exchange above are complete. But matching the server's patterns against the origins the attacker's view and the lint try would take more than the %d steps corsplay spends on one evaluation, so it stopped after %d origins and shows no findings or fixes. A step is one instruction of a compiled pattern at one byte of the text searched: a pattern of 1,000 instructions costs up to 2,000,000 steps against a 2 KB Origin.", pattern.Budget, n),
		Fix:    "Write the patterns shorter and simpler, e.g. ^https://([a-z0-9-]+\\.)?example\\.com$ rather than counted repetitions such as (?:.?){300}; or list exact origins, which cost nothing to match."}
}
