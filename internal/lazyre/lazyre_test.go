package lazyre

import (
	"regexp"
	"testing"
)

func TestAsRegexp(t *testing.T) {
	const expr = `^([a-z]+)-(\d+)$`
	l, re := New(expr), regexp.MustCompile(expr)
	if l.String() != expr {
		t.Errorf("String() = %q", l.String())
	}
	for _, s := range []string{"ab-12", "ab-", "x-1 y-2", ""} {
		if got, want := l.MatchString(s), re.MatchString(s); got != want {
			t.Errorf("MatchString(%q) = %v, want %v", s, got, want)
		}
		if got, want := l.FindStringSubmatch(s), re.FindStringSubmatch(s); len(got) != len(want) {
			t.Errorf("FindStringSubmatch(%q) = %q, want %q", s, got, want)
		}
		if got, want := l.ReplaceAllString(s, "$2"), re.ReplaceAllString(s, "$2"); got != want {
			t.Errorf("ReplaceAllString(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestBadPatternPanicsOnFirstUse(t *testing.T) {
	l := New(`(`) // no panic yet
	defer func() {
		if recover() == nil {
			t.Error("no panic on the first use of a bad pattern")
		}
	}()
	l.MatchString("x")
}
