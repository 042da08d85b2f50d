// Package servertest holds the tests every library under engine/server
// runs alike, for their _test.go files: the bounds on reading pasted
// configuration text (ImportBounds), the fixes of testdata/fixes.json
// (Fixes) and the lint of origins a library reads otherwise than they look
// (Lint).
package servertest

import (
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"corsplay/engine"
)

// Syntax is how a library's configuration text is written, for
// ImportBounds.
type Syntax struct {
	// Library is server.library.name, Version its version ("" the default).
	Library, Version string
	// Text is a configuration with v where the origins option's value goes.
	Text func(v string) string
	// Open, Sep and Close write a list of values: "[", ", ", "]".
	Open, Sep, Close string
	// Item is one origins entry as the list writes it: `"https://a.example"`.
	Item string
	// Comment opens what runs to the end of the text unless closed: "/*".
	Comment string
	// Entries is a configuration of k entries the library accepts; nil:
	// Text of a list of k Items.
	Entries func(k int) string
	// More are the reader's own adversarial texts of about n bytes (many
	// blocks for a web server).
	More map[string]func(n int) string
	// Deep are texts nested past the reader's depth limit: each is refused
	// in an error saying so ("nested").
	Deep []string
}

// entries is a configuration of k entries.
func (s Syntax) entries(k int) string {
	if s.Entries != nil {
		return s.Entries(k)
	}
	return s.Text(s.Open + strings.TrimSuffix(strings.Repeat(s.Item+s.Sep, k), s.Sep) + s.Close)
}

// families are the adversarial texts ImportBounds feeds the reader, each of
// about n bytes.
func (s Syntax) families() map[string]func(n int) string {
	f := map[string]func(n int) string{
		"deep [":                func(n int) string { return s.Text(strings.Repeat("[", n)) },
		"deep [ closed":         func(n int) string { return s.Text(strings.Repeat("[", n/2) + strings.Repeat("]", n/2)) },
		"deep {":                func(n int) string { return s.Text(strings.Repeat("{", n)) },
		"deep (":                func(n int) string { return s.Text(strings.Repeat("(", n)) },
		"deep -":                func(n int) string { return s.Text(strings.Repeat("-", n) + "1") },
		"deep !":                func(n int) string { return s.Text(strings.Repeat("!", n) + "1") },
		"deep ( closed":         func(n int) string { return s.Text(strings.Repeat("(", n/2) + "1" + strings.Repeat(")", n/2)) },
		"long string":           func(n int) string { return s.Text(`"` + strings.Repeat("a", n) + `"`) },
		"escapes":               func(n int) string { return s.Text(`"` + strings.Repeat(`\"`, n/2) + `"`) },
		"unterminated string":   func(n int) string { return s.Text(`"` + strings.Repeat("a", n)) },
		"unterminated string '": func(n int) string { return s.Text(`'` + strings.Repeat("a", n)) },
		"long word":             func(n int) string { return s.Text(strings.Repeat("a", n)) },
		"entries":               func(n int) string { return s.entries(n / (len(s.Item) + len(s.Sep))) },
		"entries on lines": func(n int) string {
			return s.Text(s.Open + strings.Repeat(s.Item+s.Sep+"\n", n/(len(s.Item)+len(s.Sep)+1)) + s.Close)
		},
		"unclosed list": func(n int) string { return s.Text(s.Open + strings.Repeat(s.Item+s.Sep, n/(len(s.Item)+len(s.Sep)))) },
		"sum":           func(n int) string { return s.Text(`"a"` + strings.Repeat(` + "a"`, n/6)) },
		"open comment":  func(n int) string { return s.Comment + strings.Repeat("a ", n/2) },
		"many lines":    func(n int) string { return strings.Repeat("x = 1\n", n/6) + s.entries(1) },
		"blank lines":   func(n int) string { return s.entries(1) + strings.Repeat("\n", n) },
	}
	for name, more := range s.More {
		f[name] = more
	}
	return f
}

// fit pads text with spaces to size bytes, or cuts it there.
func fit(text string, size int) string {
	if len(text) > size {
		return text[:size]
	}
	return text + strings.Repeat(" ", size-len(text))
}

// maxErrorBytes bounds an error's text: the page shows it beside the
// field, so it names where, not the whole input again.
const maxErrorBytes = 600

// ImportBounds reads configuration text through the engine's own entry
// (engine.Library.ImportConfig, which holds it to engine.MaxInputBytes):
// a configuration of that size is read and one byte more is refused naming
// the limit; each adversarial text at the bound is read or refused in a
// short error, without a panic (a stack that overflows on deep nesting
// crashes the page's WebAssembly); and the memory a text takes, counted in
// allocations and in bytes, grows linearly with it: a text 4 times longer
// takes at most 8 times the allocations and 12 times the bytes (slices
// grown by doubling may end twice as large), where a quadratic reader
// takes 16.
func ImportBounds(t *testing.T, s Syntax) {
	t.Helper()
	lib := engine.Library{Name: s.Library, Version: s.Version}
	importText := func(text string) (engine.Library, error) { return lib.ImportConfig(text) }

	k := engine.MaxInputBytes / (len(s.Item) + len(s.Sep))
	for len(s.entries(k)) > engine.MaxInputBytes {
		k--
	}
	at := fit(s.entries(k), engine.MaxInputBytes)
	if got, err := importText(at); err != nil || len(got.Options) == 0 {
		t.Errorf("%d entries in %d bytes: %v, options %v", k, len(at), err, got.Options)
	}
	limit := strconv.Itoa(engine.MaxInputBytes)
	_, err := importText(at + " ")
	if err == nil || !strings.Contains(err.Error(), "at most "+limit) || !strings.Contains(err.Error(), "server.library") {
		t.Errorf("%d bytes: %v, want an error naming the limit of %s bytes", len(at)+1, err, limit)
	}

	for _, text := range s.Deep {
		if _, err := importText(text); err == nil || !strings.Contains(err.Error(), "nested") {
			t.Errorf("%.40s… (%d bytes): %v, want an error saying it is nested too deeply", text, len(text), err)
		}
	}
	for name, f := range s.families() {
		text := fit(f(engine.MaxInputBytes), engine.MaxInputBytes)
		if _, err := importText(text); err != nil && len(err.Error()) > maxErrorBytes {
			t.Errorf("%s: an error of %d bytes: %.200s…", name, len(err.Error()), err)
		}
		n := engine.MaxInputBytes / 8
		small, large := f(n), f(4*n)
		c1, b1 := allocs(func() { importText(small) })
		c2, b2 := allocs(func() { importText(large) })
		if c2 > 8*c1+64 || b2 > 12*b1+8192 {
			t.Errorf("%s: %d bytes take %d allocations (%d B), %d bytes %d (%d B): more than linear",
				name, len(small), c1, b1, len(large), c2, b2)
		}
	}
}

// allocs counts the allocations and the bytes run allocates: the least of
// three runs after a first that warms up what happens once (the runtime's
// and the test's own goroutines allocate at times too).
func allocs(run func()) (count, bytes uint64) {
	run()
	count, bytes = math.MaxUint64, math.MaxUint64
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		run()
		runtime.ReadMemStats(&after)
		count, bytes = min(count, after.Mallocs-before.Mallocs), min(bytes, after.TotalAlloc-before.TotalAlloc)
	}
	return count, bytes
}
