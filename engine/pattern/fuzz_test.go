package pattern_test

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"testing"

	"corsplay/engine/pattern"
)

// FuzzCompile: Compile never panics; what it accepts is within the limits
// and matches as regexp does while the meter pays, nothing once it cannot;
// what it refuses as too complex really is (the estimate that refuses
// without compiling never refuses a pattern within the limits).
func FuzzCompile(f *testing.F) {
	for _, expr := range []string{`^https://([a-z0-9-]+\.)*example\.com$`, `(?:.?){1000}`, `a{2,255}`, `(?i)x|y*`, `(?:(?:x?){40}){25}`, `[^\x00]{0,9}$`, `(`} {
		f.Add(expr, "https://app.example.com")
	}
	f.Fuzz(func(t *testing.T, expr, s string) {
		r, err := pattern.Compile(expr)
		var tc *pattern.TooComplexError
		switch {
		case errors.As(err, &tc):
			tree, perr := syntax.Parse(expr, syntax.Perl)
			if perr != nil {
				t.Fatalf("%q refused as too complex, but it does not parse: %v", expr, perr)
			}
			if tc.Repeat > 0 {
				return
			}
			prog, cerr := syntax.Compile(tree.Simplify())
			if cerr == nil && len(prog.Inst) <= pattern.MaxInsts {
				t.Fatalf("%q refused (%v) but compiles to %d instructions", expr, err, len(prog.Inst))
			}
			return
		case err != nil:
			if _, rerr := regexp.Compile(expr); rerr == nil {
				t.Fatalf("%q: %v, but regexp compiles it", expr, err)
			}
			return
		}
		if r.Insts() > pattern.MaxInsts {
			t.Fatalf("%q accepted with %d instructions", expr, r.Insts())
		}
		cost := int64(r.Insts()) * int64(len(s)+1)
		want := regexp.MustCompile(expr).MatchString(s)
		if got := r.Match(s, pattern.NewMeter(cost)); got != want {
			t.Fatalf("%q on %q: %v, regexp says %v", expr, s, got, want)
		}
		m := pattern.NewMeter(cost - 1)
		if r.Match(s, m) || !m.Exceeded() {
			t.Fatalf("%q on %q: matched on a budget one step short", expr, s)
		}
	})
}
