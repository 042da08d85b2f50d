package pattern

import (
	"errors"
	"testing"
)

// TestTranslatePython checks the Python-to-RE2 rewriting: ErrPythonRejects where Python's re.compile raises, an error for what RE2
// lacks.
func TestTranslatePython(t *testing.T) {
	for _, tt := range []struct {
		pattern, want string
		err           string // "re.error", "unsupported" or ""
	}{
		{`https://.*\.example\.com`, `https\x{3A}\x{2F}\x{2F}.*\x{2E}example\x{2E}com`, ""},
		{`a{,3}b{2,}c{,}`, `a{0,3}b{2,}c{0,}`, ""},
		{`x{}`, `x\x{7B}\x{7D}`, ""},
		{`a{03}`, `a{3}`, ""},
		{`\d\w\Z`, `\p{Nd}[\p{L}\p{N}_]\z`, ""},
		{`[\W]`, `[^\p{L}\p{N}_]`, ""},
		{`[]a-]`, `[\x{5D}\x{61}\x{2D}]`, ""},
		{`(?i)(?P<n>a)(?#c)(?u:b)`, `(?i)(a)(?:b)`, ""},
		{`^*`, "", "re.error"},
		{`a**`, "", "re.error"},
		{`a(?i)`, "", "re.error"},
		{`(?<n>a)`, "", "re.error"},
		{`\q`, "", "re.error"},
		{`[z-a]`, "", "re.error"},
		{`(a`, "", "re.error"},
		{`a)`, "", "re.error"},
		{`(a)\1`, "", "unsupported"},
		{`(?=a)[z-a]`, "", "re.error"},
		{`(?=a)`, "", "unsupported"},
		{`a++`, "", "unsupported"},
		{`[\W\d]`, "", "unsupported"},
	} {
		got, err := TranslatePython(tt.pattern, "$")
		var un *PythonUnsupportedError
		switch {
		case tt.err == "re.error" && !errors.Is(err, ErrPythonRejects),
			tt.err == "unsupported" && !errors.As(err, &un),
			tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("%s: got %q, %v; want %q, %s", tt.pattern, got, err, tt.want, tt.err)
		}
	}
}

// TestPythonErrorText checks re.error's text: each message and position is
// what Python 3.11's re.compile raises (str(exc)), copied from it.
func TestPythonErrorText(t *testing.T) {
	for _, tt := range []struct{ pattern, want string }{
		{`(`, "missing ), unterminated subpattern at position 0"},
		{`a)`, "unbalanced parenthesis at position 1"},
		{"a\nb)", "unbalanced parenthesis at position 3 (line 2, column 2)"},
		{`[`, "unterminated character set at position 0"},
		{`[z-a]`, "bad character range z-a at position 1"},
		{`[a-\d]`, "bad character range a-\\d at position 1"},
		{`[\x41-\x40]`, "bad character range \\x-\\x at position 5"},
		{`*`, "nothing to repeat at position 0"},
		{`a**`, "multiple repeat at position 2"},
		{`a{2,1}`, "min repeat greater than max repeat at position 2"},
		{`{1}`, "nothing to repeat at position 0"},
		{`\q`, "bad escape \\q at position 0"},
		{`\x1`, "incomplete escape \\x1 at position 0"},
		{`\U0011ffff`, "bad escape \\U0011ffff at position 0"},
		{`\777`, "octal escape value \\777 outside of range 0-0o377 at position 0"},
		{`[\777]`, "octal escape value \\777 outside of range 0-0o377 at position 1"},
		{`\1`, "invalid group reference 1 at position 1"},
		{`(a\1)`, "cannot refer to an open group at position 2"},
		{`(?P<1>x)`, "bad character in group name '1' at position 4"},
		{`(?P<a>x)(?P<a>y)`, "redefinition of group name 'a' as group 2; was group 1 at position 12"},
		{`(?P=b)`, "unknown group name 'b' at position 4"},
		{`(?P<a>x(?P=a))`, "cannot refer to an open group at position 11"},
		{`(?P`, "unexpected end of pattern at position 3"},
		{`(?Px`, "unknown extension ?Px at position 1"},
		{`(?<x>a)`, "unknown extension ?<x at position 1"},
		{`(?Q)`, "unknown extension ?Q at position 1"},
		{`(?`, "unexpected end of pattern at position 2"},
		{`(?i`, "missing -, : or ) at position 3"},
		{`(?i-`, "missing flag at position 4"},
		{`(?i-)`, "missing flag at position 4"},
		{`(?s-x)`, "missing : at position 5"},
		{`(?i-i:a)`, "bad inline flags: flag turned on and off at position 5"},
		{`(?-a:x)`, "bad inline flags: cannot turn off flags 'a', 'u' and 'L' at position 4"},
		{`(?L)`, "bad inline flags: cannot use 'L' flag with a str pattern at position 3"},
		{`(?au)`, "bad inline flags: flags 'a', 'u' and 'L' are incompatible at position 4"},
		{`(?t:x)`, "bad inline flags: cannot turn on global flag at position 3"},
		{`(?-t:x)`, "bad inline flags: cannot turn off global flag at position 4"},
		{`a(?i)b`, "global flags not at the start of the expression at position 1"},
		{`(?#x`, "missing ), unterminated comment at position 0"},
		{`(?#x\)`, "missing ), unterminated comment at position 0"},
		{`\N`, "missing { at position 2"},
		{`\N{`, "missing character name at position 3"},
		{`\N{}`, "missing character name at position 3"},
		{`\N{a-b`, "missing }, unterminated name at position 3"},
		{`\N{é}`, "undefined character name 'é' at position 0"},
		{`(?=[z-a])`, "bad character range z-a at position 4"},
		{`(?i)é(?P<é x>)`, "bad character in group name 'é x' at position 9"},
		{`(?a)\1`, "invalid group reference 1 at position 5"},
		// A lone backslash at the end fails as soon as the token before it
		// is read: only what fails earlier, or on a ")" Python only peeks
		// at, comes first.
		{"a\\", "bad escape (end of pattern) at position 1"},
		{"*\\", "bad escape (end of pattern) at position 1"},
		{")\\", "unbalanced parenthesis at position 0"},
		{"(?=a)\\", "bad escape (end of pattern) at position 5"},
		{"[a-\\", "bad escape (end of pattern) at position 3"},
		{"(\\", "bad escape (end of pattern) at position 1"},
		{"a\\\\\\", "bad escape (end of pattern) at position 3"},
		{"(?P<a\\", "bad escape (end of pattern) at position 5"},
		{"a{2,1}\\", "bad escape (end of pattern) at position 6"},
		{"\\x4\\", "bad escape (end of pattern) at position 3"},
		{"**\\", "nothing to repeat at position 0"},
	} {
		_, err := TranslatePython(tt.pattern, "$")
		var pe *PythonError
		if !errors.As(err, &pe) || !errors.Is(err, ErrPythonRejects) || err.Error() != tt.want {
			t.Errorf("%q: got %v, want re.error %q", tt.pattern, err, tt.want)
		}
	}
}
