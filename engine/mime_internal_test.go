package engine

import "testing"

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
