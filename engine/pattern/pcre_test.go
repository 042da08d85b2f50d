package pattern

import (
	"errors"
	"slices"
	"testing"
)

// TestTranslatePCRE checks the PCRE2-to-RE2 rewriting, and PCRE2's own
// refusals with the message and offset nginx prints (pcre2_compile()
// failed: MESSAGE in "PATTERN" at "PATTERN[OFFSET:]", read off nginx 1.22.1
// with PCRE2 10.42).
func TestTranslatePCRE(t *testing.T) {
	for _, tt := range []struct {
		pattern, want string
		err           string // PCRE2's message, "unsupported" or ""
		at            int
	}{
		{`^https://(www\.)?example\.com$`, `^https://(www\.)?example\.com$`, "", 0},
		{`a{03}b{2,}c{1,4}?x{,3}y{`, `a{3}b{2,}c{1,4}?x\{,3\}y\{`, "", 0},
		{`\d\w\s\S\h\Z\A\b`, `\d\w[\t\n\x0B\f\r\x20][^\t\n\x0B\f\r\x20][\t\x20\x{A0}]\z\A\b`, "", 0},
		{`[]a-]`, `[\]a\-]`, "", 0},
		{`[^\]\d.-9[:alpha:]\b]`, `[^\]\d\.-9[:alpha:]\x{8}]`, "", 0},
		{`(?i)(?<n>a)(?P<m>b)(?'o'c)(?#c)(?:d)\Q.*\E\x41\x{42}\0101\e`, `(?i)(?P<n>a)(?P<m>b)(?P<o>c)(?:d)\.\*AB\x{8}1\x{1b}`, "", 0},
		{`^(a`, "", "missing closing parenthesis", 3},
		{`a)`, "", "unmatched closing parenthesis", 1},
		{`*a`, "", "quantifier does not follow a repeatable item", 0},
		{`a**`, "", "quantifier does not follow a repeatable item", 2},
		{`^*`, "", "quantifier does not follow a repeatable item", 1},
		{`a|*`, "", "quantifier does not follow a repeatable item", 2},
		{`[a`, "", "missing terminating ] for character class", 2},
		{`[z-a]`, "", "range out of order in character class", 3},
		{`\i`, "", `unrecognized character follows \`, 1},
		{`a\`, "", `\ at end of pattern`, 2},
		{`a{3,2}`, "", "numbers out of order in {} quantifier", 5},
		{`a{99999}`, "", "number too big in {} quantifier", 7},
		{`(?i`, "", "missing closing parenthesis", 3},
		{`[[:foo:]]`, "", "unknown POSIX class name", 3},
		{`\1`, "", "unsupported", 0},
		{`(?=a)`, "", "unsupported", 0},
		{`(?<!a)b`, "", "unsupported", 0},
		{`a++`, "", "unsupported", 0},
		{`(?x) a`, "", "unsupported", 0},
		{`(*UTF)a`, "", "unsupported", 0},
		{"é", "", "unsupported", 0},
		{`\p{L}`, "", "unsupported", 0},
	} {
		got, err := TranslatePCRE(tt.pattern, false)
		var pe *PCREError
		var un *PCREUnsupportedError
		switch {
		case tt.err == "unsupported" && !errors.As(err, &un),
			tt.err == "" && (err != nil || got != tt.want),
			tt.err != "" && tt.err != "unsupported" && (!errors.As(err, &pe) || pe.Message != tt.err || pe.Offset != tt.at):
			t.Errorf("%s: got %q, %#v; want %q, %s at %d", tt.pattern, got, err, tt.want, tt.err, tt.at)
		}
		if err == nil {
			if _, err := Compile(got); err != nil {
				t.Errorf("%s: Go refuses the translation %q: %v", tt.pattern, got, err)
			}
		}
	}
	if got, _ := TranslatePCRE(`A`, true); got != `(?i)A` {
		t.Errorf("caseless: %q", got)
	}
}

// TestMatchPCRE: searches are unanchored, one character per byte, and
// return the groups' texts as the subject's bytes.
func TestMatchPCRE(t *testing.T) {
	for _, tt := range []struct {
		pattern  string
		caseless bool
		subject  string
		want     []string // nil: no match
	}{
		{`a.example.com`, false, "https://aXexample.com.evil.net", []string{"aXexample.com"}},
		{`^https://(.+\.)?example\.com$`, false, "https://a.example.com", []string{"https://a.example.com", "a."}},
		{`^https://(.+\.)?example\.com$`, false, "https://example.com", []string{"https://example.com", ""}},
		{`^https://a\.example\.com$`, true, "HTTPS://A.EXAMPLE.COM", []string{"HTTPS://A.EXAMPLE.COM"}},
		{`^https://a\.example\.com$`, false, "https://a.example.com.evil", nil},
		{`^h.{3}$`, false, "h\xc3\xa9x", []string{"h\xc3\xa9x"}}, // é is two bytes, two characters
		{`^h.{2}$`, false, "h\xc3\xa9x", nil},
		{`^h(.)`, false, "h\xff", []string{"h\xff", "\xff"}},
	} {
		src, err := TranslatePCRE(tt.pattern, tt.caseless)
		if err != nil {
			t.Fatal(err)
		}
		re := MustCompile(src)
		if got := re.MatchPCRE(tt.subject, nil); !slices.Equal(got, tt.want) {
			t.Errorf("%s on %q: %q, want %q", tt.pattern, tt.subject, got, tt.want)
		}
		m := NewMeter(Budget)
		if got := re.MatchPCRE(tt.subject, m); !slices.Equal(got, tt.want) || m.left == Budget {
			t.Errorf("%s on %q, metered: %q (left %d)", tt.pattern, tt.subject, got, m.left)
		}
	}
	if got := MustCompile("a").MatchPCRE("a", NewMeter(0)); got != nil {
		t.Errorf("a meter that cannot pay: %q", got)
	}
}

func FuzzTranslatePCRE(f *testing.F) {
	for _, s := range []string{`^https://(.+\.)?a\.com$`, `[]-\d]{2,}?`, `(?i:x)|\Q(\E`, `a{,3}(?#x)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, err := TranslatePCRE(s, false); err == nil {
			if _, err := Compile(got); err != nil {
				var tc *TooComplexError
				if !errors.As(err, &tc) {
					t.Errorf("%q → %q: %v", s, got, err)
				}
			}
		}
	})
}
