package engine

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

var mimeEssenceTests = []struct {
	in, want string
	ok       bool
}{
	{"text/plain", "text/plain", true},
	{"Text/Plain;charset=utf-8", "text/plain", true},
	{"text/plain;garbage", "text/plain", true},
	{" text/plain ", "text/plain", true},
	{"text/plain \t;x", "text/plain", true},
	{"application/json", "application/json", true},
	{"text /plain", "", false},
	{"text/ plain", "", false},
	{"text/plain,", "", false},
	{",text/plain", "", false},
	{"text/plain,x/x", "", false},
	{"text", "", false},
	{"/plain", "", false},
	{"text/", "", false},
	{"text/;x", "", false},
	{"", "", false},
}

func TestMimeEssence(t *testing.T) {
	for _, tt := range mimeEssenceTests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := mimeEssence(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("mimeEssence(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
