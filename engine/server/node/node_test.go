package node

import (
	"testing"

	"corsplay/engine/message"
)

// TestRefuses: the answers of node v20's HTTP server (http.createServer
// without a 'connect' listener) to raw requests, as libtest's Node proofs
// see them.
func TestRefuses(t *testing.T) {
	for _, tt := range []struct {
		method, value string
		status        int
		refused       bool
	}{
		{"GET", "https://a.example", 0, false},
		{"M-SEARCH", "https://a.example", 0, false},
		{"QUERY", "a\tb", 0, false},
		{"patch", "https://a.example", 400, true},
		{"FOO", "https://a.example", 400, true},
		{"GET", "https://a\x01.example", 400, true},
		{"GET", "https://a\x7f.example", 400, true},
		{"CONNECT", "https://a.example", 0, true},
		{"CONNECT", "https://a\x01.example", 400, true}, // the parser refuses the value before the CONNECT is handed over
	} {
		req := message.Request{Method: tt.method, Headers: message.Headers{{Name: "Origin", Value: tt.value}}}
		if status, refused := Refuses(req); status != tt.status || refused != tt.refused {
			t.Errorf("Refuses(%s, Origin %q) = %d, %v; want %d, %v", tt.method, tt.value, status, refused, tt.status, tt.refused)
		}
	}
}

func TestHeader(t *testing.T) {
	req := message.Request{Headers: message.Headers{{Name: "Origin", Value: " a\t"}, {Name: "origin", Value: "b"}, {Name: "X-Empty", Value: ""},
		{Name: "Content-Type", Value: "text/plain "}, {Name: "content-type", Value: "application/json"}}}
	for _, tt := range []struct {
		name, want string
		ok         bool
	}{{"origin", "a, b", true}, {"X-Empty", "", true}, {"Content-Type", "text/plain", true}, {"Missing", "", false}} {
		if got, ok := Header(req, tt.name); got != tt.want || ok != tt.ok {
			t.Errorf("Header(%s) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestValues(t *testing.T) {
	for v, want := range map[string]bool{"GET, PUT": false, "a\tb": false, "caf\u00e9": false, "a\nb": true, "a\x7f": true, "\u0100": true} {
		if InvalidValue(v) != want {
			t.Errorf("InvalidValue(%q) = %v", v, !want)
		}
	}
	if got := Latin1OfUTF8("caf\u00e9"); got != "caf\u00c3\u00a9" {
		t.Errorf("Latin1OfUTF8 = %q", got)
	}
	for url, want := range map[string]string{"https://h/r?x=1": "/r", "https://h": "/", "https://h/a/b#f": "/a/b", "/r?q": "/r", "/x://y": "/x://y"} {
		if got := Path(url); got != want {
			t.Errorf("Path(%q) = %q, want %q", url, got, want)
		}
	}
}
