package console

import "testing"

// encodeHintTests follow browser-messages.md §1: the hint is bytes; printable
// ASCII prints as is, every other byte as \uXXXX in upper-case hex.
var encodeHintTests = []struct {
	in, want string
}{
	{"", ""},
	{"https://app.example.com", "https://app.example.com"},
	{" !~", " !~"},
	{"ä", `\u00C3\u00A4`},
	{"caf\xe9", `caf\u00E9`},
	{"a\tb", `a\u0009b`},
	{"\x00", `\u0000`},
	{"\x1f\x7f", `\u001F\u007F`},
	{"\u20ac", `\u00E2\u0082\u00AC`},
}

func TestEncodeHint(t *testing.T) {
	for _, tt := range encodeHintTests {
		t.Run(tt.in, func(t *testing.T) {
			if got := encodeHint(tt.in); got != tt.want {
				t.Errorf("encodeHint(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
