package app

import (
	"slices"
	"testing"
)

func TestParagraphs(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"One.", []string{"One."}},
		{"One.\n\nTwo.", []string{"One.", "Two."}},
		{" One.\n\n\n\nTwo. \n", []string{"One.", "Two."}},
		{"One,\nstill one.", []string{"One,\nstill one."}},
		{"", nil},
	} {
		if got := paragraphs(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("paragraphs(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
