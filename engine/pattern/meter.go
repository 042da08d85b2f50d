package pattern

import "fmt"

// Budget is the most steps one evaluation of a scenario, or one request the
// lab or `corsplay respond` answers, spends on matching patterns. A step is
// one instruction at one input position; Go's regexp takes 6 to 25 ns a
// step on the machine of the README's benchmarks, so the budget is a few
// tens of milliseconds at most (BenchmarkEvaluateWorstPatterns).
const Budget = 3_000_000

// memoMin is the cost from which a match's result is remembered: the same
// origin is matched once per send, per fix tried and per lint rule, and a
// costly match should be paid once.
const memoMin = 4096

// Meter pays for matches out of a budget, and remembers the results of
// costly ones. It is not safe for concurrent use: one evaluation, or one
// request, has its own.
type Meter struct {
	left     int64
	exceeded bool
	memo     map[memoKey]bool
}

type memoKey struct{ expr, s string }

// NewMeter returns a meter with a budget of steps.
func NewMeter(steps int64) *Meter { return &Meter{left: steps} }

// Exceeded reports whether a match was refused for lack of budget: the
// answers given since may be wrong.
func (m *Meter) Exceeded() bool { return m.exceeded }

// Err is a *BudgetError once the meter is exceeded, nil before.
func (m *Meter) Err() error {
	if !m.exceeded {
		return nil
	}
	return &BudgetError{}
}

func (m *Meter) match(r *Regexp, s string) bool {
	cost := r.cost(s)
	if cost < memoMin {
		return m.pay(cost) && r.re.MatchString(s)
	}
	k := memoKey{r.re.String(), s}
	if ok, seen := m.memo[k]; seen {
		return ok
	}
	if !m.pay(cost) {
		return false
	}
	ok := r.re.MatchString(s)
	if m.memo == nil {
		m.memo = map[memoKey]bool{}
	}
	m.memo[k] = ok
	return ok
}

func (m *Meter) pay(cost int64) bool {
	if m.exceeded || cost > m.left {
		m.exceeded = true
		return false
	}
	m.left -= cost
	return true
}

// BudgetError says that matching stopped before the budget was spent.
type BudgetError struct{}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("corsplay stopped matching the server's patterns: this takes more than the %d steps it spends on one evaluation (a pattern of N instructions searched in a text of L bytes takes up to N*(L+1) steps); shorten the patterns or the text they are matched against", Budget)
}
