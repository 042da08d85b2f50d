package engine_test

import (
	"testing"

	"corsplay/engine"
)

// Expectations from fetch-cors.md §2.1 (https://fetch.spec.whatwg.org/#forbidden-method,
// #concept-method-normalize, #cors-safelisted-method) and RFC 9110 §5.6.2 (token).

var forbiddenMethodTests = []struct {
	method string
	want   bool
}{
	{"CONNECT", true},
	{"connect", true},
	{"Connect", true},
	{"TRACE", true},
	{"trace", true},
	{"tRaCe", true},
	{"TRACK", true},
	{"track", true},
	{"GET", false},
	{"OPTIONS", false},
	{"PATCH", false},
	{"CONNECTX", false},
	{"TRAC", false},
	{"", false},
	{" CONNECT", false},
}

func TestIsForbiddenMethod(t *testing.T) {
	for _, tt := range forbiddenMethodTests {
		t.Run(tt.method, func(t *testing.T) {
			if got := engine.IsForbiddenMethod(tt.method); got != tt.want {
				t.Errorf("IsForbiddenMethod(%q) = %v, want %v", tt.method, got, tt.want)
			}
		})
	}
}

var normalizeMethodTests = []struct {
	in, want string
}{
	{"delete", "DELETE"},
	{"Delete", "DELETE"},
	{"get", "GET"},
	{"gEt", "GET"},
	{"head", "HEAD"},
	{"options", "OPTIONS"},
	{"post", "POST"},
	{"Post", "POST"},
	{"put", "PUT"},
	{"pUT", "PUT"},
	{"GET", "GET"},
	{"PUT", "PUT"},
	// Everything else is kept verbatim.
	{"patch", "patch"},
	{"patcH", "patcH"},
	{"Patch", "Patch"},
	{"PATCH", "PATCH"},
	{"chicken", "chicken"},
	{"propfind", "propfind"},
	{"connect", "connect"},
}

func TestNormalizeMethod(t *testing.T) {
	for _, tt := range normalizeMethodTests {
		t.Run(tt.in, func(t *testing.T) {
			if got := engine.NormalizeMethod(tt.in); got != tt.want {
				t.Errorf("NormalizeMethod(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

var safelistedMethodTests = []struct {
	method string
	want   bool
}{
	{"GET", true},
	{"HEAD", true},
	{"POST", true},
	{"get", false},
	{"Post", false},
	{"head", false},
	{"PUT", false},
	{"DELETE", false},
	{"OPTIONS", false},
	{"PATCH", false},
	{"", false},
	{"GET ", false},
}

func TestIsSafelistedMethod(t *testing.T) {
	for _, tt := range safelistedMethodTests {
		t.Run(tt.method, func(t *testing.T) {
			if got := engine.IsSafelistedMethod(tt.method); got != tt.want {
				t.Errorf("IsSafelistedMethod(%q) = %v, want %v", tt.method, got, tt.want)
			}
		})
	}
}

var tokenTests = []struct {
	s    string
	want bool
}{
	{"GET", true},
	{"x-custom-header", true},
	{"X_Custom.1", true},
	{"*", true},
	{"!#$%&'*+-.^_`|~", true},
	{"abcXYZ0189", true},
	{"", false},
	{"GE T", false},
	{"a\tb", false},
	{"a:b", false},
	{"a,b", false},
	{"a;b", false},
	{`"quoted"`, false},
	{"(x)", false},
	{"<x>", false},
	{"a/b", false},
	{"a@b", false},
	{"a[b]", false},
	{"a{b}", false},
	{"a=b", false},
	{"a?b", false},
	{`a\b`, false},
	{"é", false},
	{"a\x7f", false},
	{"a\x00", false},
}

func TestIsToken(t *testing.T) {
	for _, tt := range tokenTests {
		t.Run(tt.s, func(t *testing.T) {
			if got := engine.IsToken(tt.s); got != tt.want {
				t.Errorf("IsToken(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}
