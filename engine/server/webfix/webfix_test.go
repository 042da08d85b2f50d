package webfix

import (
	"testing"

	"corsplay/engine/server"
)

func TestApply(t *testing.T) {
	text := "a;\n  b;\nc;"
	got := Apply(text, []Edit{{At: 5, End: 7}, {At: 0, End: 0, S: "x\n"}, {At: 0, End: 2, S: "A;"}, {At: len(text), End: len(text), S: "\nd;"}})
	if want := "x\nA;\nc;\nd;"; got != want {
		t.Errorf("Apply = %q, want %q", got, want)
	}
	if got := Indent("x {\n\t  y", 8); got != "\t  " {
		t.Errorf("Indent = %q", got)
	}
}

func TestMissing(t *testing.T) {
	n := server.Need{Page: "https://app.example", Method: "PUT", Headers: []string{"Authorization", "X-Y"}, Credentials: true, Preflight: true}
	for _, tt := range []struct {
		name string
		got  []string
		pre  bool
		want string
	}{
		{ACAO, []string{"https://app.example"}, false, ""},
		{ACAO, []string{"*"}, false, "https://app.example"},
		{ACAO, []string{"https://app.example", "https://app.example"}, false, "https://app.example"},
		{"Access-Control-Allow-Credentials", nil, false, "true"},
		{"Access-Control-Allow-Methods", []string{"GET, POST"}, true, "GET, POST, PUT"},
		{"Access-Control-Allow-Methods", nil, false, ""},
		{"Access-Control-Allow-Headers", []string{"x-y"}, true, "x-y, Authorization"},
		{"Access-Control-Allow-Headers", []string{"*"}, true, "*, Authorization, X-Y"},
	} {
		if got := Missing(n, tt.name, tt.got, tt.pre); got != tt.want {
			t.Errorf("Missing(%s, %q) = %q, want %q", tt.name, tt.got, got, tt.want)
		}
	}
}
