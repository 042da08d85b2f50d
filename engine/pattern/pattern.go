// Package pattern compiles the regular expressions of a server's CORS
// configuration with a bounded cost, and meters their matching.
//
// Go's regexp (RE2) runs in time linear in the input, but also in the size
// of the compiled program, and a short pattern compiles to a large one:
// (?:.?){1000} is 12 bytes and 2,003 instructions. A search costs at most
// one step per instruction per input byte (the NFA and the backtracker each
// visit an instruction at most once per position), so the cost of a match
// is known before it runs. This package refuses patterns whose program is
// too large, bounds the programs of one configuration together (Set), and
// charges every match to a Meter that stops before a budget is spent.
package pattern

import (
	"fmt"
	"regexp"
	"regexp/syntax"
)

// Limits on one pattern and on the patterns of one server configuration.
const (
	// MaxInsts bounds one compiled pattern: (?:.?){500} is 1,003.
	MaxInsts = 1000
	// MaxRepeat bounds the counts of x{n}, x{n,} and x{n,m}: a host name
	// has at most 253 bytes, a DNS label 63.
	MaxRepeat = 255
	// MaxSetInsts bounds all the patterns of one configuration together.
	MaxSetInsts = 4000
)

// Regexp is a compiled pattern within the limits.
type Regexp struct {
	re    *regexp.Regexp
	insts int
}

// TooComplexError is a pattern over the limits. Repeat is the repetition
// count over MaxRepeat, or 0; Insts the size of the compiled program.
type TooComplexError struct {
	Repeat int
	Insts  int
}

func (e *TooComplexError) Error() string {
	what := fmt.Sprintf("it compiles to %d instructions", e.Insts)
	if e.Repeat > 0 {
		what = fmt.Sprintf("repetition count %d", e.Repeat)
	}
	return fmt.Sprintf("this pattern is too complex (%s): corsplay accepts patterns up to %d instructions, with repetition counts up to %d", what, MaxInsts, MaxRepeat)
}

// Compile parses a pattern in Go's syntax (regexp.Compile's) and refuses it
// with a *TooComplexError when it is over the limits, without building the
// program of a pattern that is far over them. Other errors are
// regexp.Compile's.
func Compile(expr string) (*Regexp, error) {
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		_, err = regexp.Compile(expr) // the same error, worded as regexp's
		return nil, err
	}
	if n := maxRepeat(tree); n > MaxRepeat {
		return nil, &TooComplexError{Repeat: n}
	}
	if n := estimate(tree); n > 4*MaxInsts {
		return nil, &TooComplexError{Insts: int(n)}
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		return nil, err
	}
	if len(prog.Inst) > MaxInsts {
		return nil, &TooComplexError{Insts: len(prog.Inst)}
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return &Regexp{re: re, insts: len(prog.Inst)}, nil
}

// MustCompile is Compile for patterns known to be within the limits.
func MustCompile(expr string) *Regexp {
	r, err := Compile(expr)
	if err != nil {
		panic("pattern: " + err.Error())
	}
	return r
}

// Insts is the size of the compiled program.
func (r *Regexp) Insts() int { return r.insts }

// String is the pattern's source.
func (r *Regexp) String() string { return r.re.String() }

// cost is the most steps a search of s can take.
func (r *Regexp) cost(s string) int64 { return int64(r.insts) * int64(len(s)+1) }

// Match reports whether s contains a match of r (regexp.MatchString),
// charging m for it. When m cannot pay, Match does not search, reports
// false and m is Exceeded from then on. A nil m does not meter.
func (r *Regexp) Match(s string, m *Meter) bool {
	if m == nil {
		return r.re.MatchString(s)
	}
	return m.match(r, s)
}

// maxRepeat is the largest count of a repetition in the tree.
func maxRepeat(re *syntax.Regexp) int {
	n := 0
	if re.Op == syntax.OpRepeat {
		n = max(re.Min, re.Max)
	}
	for _, sub := range re.Sub {
		n = max(n, maxRepeat(sub))
	}
	return n
}

// estimate is about the number of instructions the tree compiles to,
// computed without expanding repetitions as Simplify does.
func estimate(re *syntax.Regexp) int64 {
	var subs int64
	for _, sub := range re.Sub {
		subs += estimate(sub)
	}
	switch re.Op {
	case syntax.OpLiteral:
		return int64(len(re.Rune))
	case syntax.OpConcat:
		return subs
	case syntax.OpAlternate:
		return subs + int64(len(re.Sub))
	case syntax.OpRepeat:
		return int64(max(re.Min, re.Max, 1)) * (subs + 1)
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		return subs + 2
	}
	return 1
}
