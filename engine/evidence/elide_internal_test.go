package evidence

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestElide: long strings are cut after whole escapes and marked with
// their length, short ones and everything else are kept byte for byte,
// and no line moves.
func TestElide(t *testing.T) {
	long := strings.Repeat(`ab\"\\\u00e9\n`, 2000) // 28,000 bytes of escapes in the file
	short := strings.Repeat("x", elideOver)
	// Starting the string at each element of the 14 bytes puts each kind
	// of escape across the cut.
	for _, cut := range []int{0, 1, 2, 4, 6, 12} {
		body := long[cut:]
		text := []byte("{\n \"a\": \"" + body + "\",\n \"b\": [\"" + short + "\", 1, null],\n \"c\": \"\\\"quoted\\\"\"\n}\n")
		out := elide(text)
		if bytes.Count(out, []byte("\n")) != bytes.Count(text, []byte("\n")) {
			t.Fatalf("cut %d: lines moved", cut)
		}
		var v struct {
			A string
			B []any
			C string
		}
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("cut %d: the elided text is not JSON: %v", cut, err)
		}
		var whole struct{ A string }
		json.Unmarshal(text, &whole)
		got, n := cutMark(v.A)
		if !strings.HasPrefix(whole.A, got) || len(got) < elideKeep/4 || n != len(body) {
			t.Errorf("cut %d: kept %d bytes (a prefix: %v), length %d; want a prefix of %d bytes of the file (fewer decoded), length %d", cut, len(got), strings.HasPrefix(whole.A, got), n, elideKeep, len(body))
		}
		if v.B[0] != short || v.C != `"quoted"` {
			t.Errorf("cut %d: short strings changed", cut)
		}
	}
	if text := []byte(`{"log": {"entries": []}}`); &elide(text)[0] != &text[0] {
		t.Error("a text without long strings is copied")
	}
}
