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
		{`\1`, "", "unsupported"},
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
