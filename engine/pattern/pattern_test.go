package pattern_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"corsplay/engine/pattern"
)

func TestCompileRefusesCostlyPatterns(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want string // the error
	}{
		{`(?:.?){1000}`, "this pattern is too complex (repetition count 1000): corsplay accepts patterns up to 1000 instructions, with repetition counts up to 255"},
		{`a{256}`, "(repetition count 256)"},
		{`a{2,300}`, "(repetition count 300)"},
		{`a{300,}`, "(repetition count 300)"},
		{`(?:.?){500}`, "(repetition count 500)"},
		{`(?:.?){250}(?:.?){250}`, "(it compiles to 1002 instructions)"},
		{`(?:[a-z]{0,30}){0,30}`, "(it compiles to 1831 instructions)"},
		{strings.Repeat(`(?:.?){200}`, 80), "instructions)"}, // refused before compiling (estimate)
		{strings.Repeat(`(?:(?:x?){40}){25}`, 50), "instructions)"},
		{`(`, "error parsing regexp: missing closing ): `(`"},
		{`a**`, "invalid nested repetition operator"},
	} {
		_, err := pattern.Compile(tt.expr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Compile(%.40q) = %v, want an error with %q", tt.expr, err, tt.want)
		}
	}
}

// Patterns people write for CORS compile well within the limits.
func TestCompileAcceptsRealPatterns(t *testing.T) {
	for _, tt := range []struct {
		expr  string
		insts int
	}{
		{`^https://([a-z0-9-]+\.)*example\.com$`, 29},
		{`^https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.example\.com$`, 151},
		{`(?i)\A(?:https?://(www|app|admin)\.example\.(com|org))$`, 45},
		{`[a-z0-9-]{1,253}`, 507},
		{`.*`, 4},
	} {
		r, err := pattern.Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		if r.Insts() != tt.insts {
			t.Errorf("Compile(%q).Insts() = %d, want %d", tt.expr, r.Insts(), tt.insts)
		}
	}
}

// A pattern far over the limits is refused from its parse tree, before
// Simplify expands its repetitions into millions of nodes.
func TestCompileRefusesFromTheTree(t *testing.T) {
	expr := strings.Repeat(`(?:(?:(?:x?){9}){9}){9}`, 40) // 1 KB
	_, err := pattern.Compile(expr)
	var tc *pattern.TooComplexError
	if !errors.As(err, &tc) || tc.Insts < 40*9*9*9 {
		t.Errorf("Compile: %v, want a *TooComplexError with the tree's estimate (about %d instructions)", err, 40*9*9*9*2)
	}
}

func BenchmarkCompileRefused(b *testing.B) {
	expr := strings.Repeat(`(?:(?:(?:x?){9}){9}){9}`, 40)
	for b.Loop() {
		pattern.Compile(expr)
	}
}

func TestMeter(t *testing.T) {
	r := pattern.MustCompile(`^https://([a-z0-9-]+\.)*example\.com$`) // 29 instructions
	origin := "https://app.example.com"                               // 23 bytes: 29×24 = 696 steps
	m := pattern.NewMeter(696)
	if !r.Match(origin, m) || m.Exceeded() || m.Err() != nil {
		t.Fatalf("within budget: Match false or meter exceeded (%v)", m.Err())
	}
	if r.Match("https://b.example.com", m) || !m.Exceeded() {
		t.Fatal("over budget: Match true or meter not exceeded")
	}
	var be *pattern.BudgetError
	if !errors.As(m.Err(), &be) || !strings.Contains(be.Error(), "3000000 steps") {
		t.Errorf("Err() = %v, want a *BudgetError naming the budget", m.Err())
	}
	if r.Match("https://app.example.com", m) {
		t.Error("an exceeded meter pays for nothing more, not even the cheapest match")
	}
}

// A costly match is paid once per meter: the same origin is matched again
// for each send and each fix tried.
func TestMeterRemembersCostlyMatches(t *testing.T) {
	r := pattern.MustCompile(`(?:[a-z]?){200}\.example\.com`) // 400 and more instructions
	origin := "https://" + strings.Repeat("a", 100) + ".example.com"
	cost := int64(r.Insts()) * int64(len(origin)+1)
	m := pattern.NewMeter(cost)
	for range 20 {
		if !r.Match(origin, m) {
			t.Fatal("no match")
		}
	}
	if m.Exceeded() {
		t.Error("the same match charged twice")
	}
	if r.Match(origin+"x", m) || !m.Exceeded() {
		t.Error("another input was free")
	}
}

// Match agrees with regexp.MatchString whenever the meter pays.
func TestMatchIsMatchString(t *testing.T) {
	for _, expr := range []string{`^https://([a-z0-9-]+\.)*example\.com$`, `example\.com`, `(?i)^HTTPS://`, `^$`, `a|b`} {
		r := pattern.MustCompile(expr)
		std := regexp.MustCompile(expr)
		for _, s := range []string{"", "https://example.com", "https://a.example.com", "HTTPS://x", "http://example.com.evil", "b"} {
			if got, want := r.Match(s, pattern.NewMeter(pattern.Budget)), std.MatchString(s); got != want {
				t.Errorf("%q on %q: %v, regexp says %v", expr, s, got, want)
			}
		}
	}
}

func TestSet(t *testing.T) {
	var set pattern.Set
	one := `(?:[a-z]?){200}x` // 404 instructions
	each := pattern.MustCompile(one + "0").Insts()
	n := pattern.MaxSetInsts / each
	for i := range n {
		if _, err := set.Compile(fmt.Sprintf("%s%d", one, i)); err != nil {
			t.Fatalf("pattern %d: %v", i, err)
		}
	}
	_, err := set.Compile(one + "y")
	var stc *pattern.SetTooComplexError
	want := fmt.Sprintf("with this pattern the server's patterns compile to %d instructions in all: corsplay accepts up to 4000", (n+1)*each)
	if !errors.As(err, &stc) || err.Error() != want {
		t.Errorf("over MaxSetInsts: %v, want %q", err, want)
	}
	if set.Insts() != n*each {
		t.Errorf("Insts() = %d, want %d: the refused pattern is not counted", set.Insts(), n*each)
	}
	if _, err := set.Compile(one + "0"); err != nil || set.Insts() != n*each {
		t.Errorf("a pattern compiled again: %v, Insts() = %d, want it counted once", err, set.Insts())
	}
}

func ExampleCompile() {
	_, err := pattern.Compile(`^https://(?:.?){1000}\.example\.com$`)
	fmt.Println(err)
	r, _ := pattern.Compile(`^https://([a-z0-9-]+\.)*example\.com$`)
	fmt.Println(r.Insts())
	// Output:
	// this pattern is too complex (repetition count 1000): corsplay accepts patterns up to 1000 instructions, with repetition counts up to 255
	// 29
}

func ExampleMeter() {
	r := pattern.MustCompile(`^https://([a-z0-9-]+\.)*example\.com$`)
	m := pattern.NewMeter(pattern.Budget)
	fmt.Println(r.Match("https://app.example.com", m), m.Exceeded())
	long := "https://" + strings.Repeat("a.", 100000) + "example.com"
	fmt.Println(r.Match(long, m), m.Exceeded())
	// Output:
	// true false
	// false true
}
