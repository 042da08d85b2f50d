package server

import (
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 50) // 100 bytes: cut at a rune's start
	for _, c := range [][2]string{{"", ""}, {"origin", "origin"}, {strings.Repeat("a", 80), strings.Repeat("a", 80)},
		{strings.Repeat("a", 81), strings.Repeat("a", 40) + "… (81 bytes)"}, {long, strings.Repeat("é", 20) + "… (100 bytes)"},
		{"a" + long, "a" + strings.Repeat("é", 19) + "… (101 bytes)"}} {
		if got := Excerpt(c[0]); got != c[1] {
			t.Errorf("Excerpt(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
