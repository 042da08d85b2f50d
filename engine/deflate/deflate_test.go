package deflate_test

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"corsplay/engine/deflate"
	"corsplay/presets"
)

// roundTrip encodes data, decodes it with compress/flate and fails unless
// it comes back whole; it returns the encoding.
func roundTrip(t testing.TB, e *deflate.Encoder, data []byte) []byte {
	t.Helper()
	enc := e.Encode(nil, data)
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(enc)))
	if err != nil {
		t.Fatalf("%d bytes encoded to %d: compress/flate: %v", len(data), len(enc), err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("%d bytes encoded to %d decode to %d other bytes", len(data), len(enc), len(got))
	}
	return enc
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	var all []byte
	for i := range 256 {
		all = append(all, byte(i))
	}
	var text []byte // several dynamic blocks, matches reaching across them
	for len(text) < 200<<10 {
		text = fmt.Appendf(text, "{\"origin\":\"https://a%d.example.org\",\"n\":%d},", rng.IntN(500), rng.IntN(1e6))
	}
	// A dynamic block, then incompressible bytes in stored blocks, then a
	// dynamic block again.
	mixed := append(append(append([]byte(nil), text[:30<<10]...), random(100<<10)...), text[:50<<10]...)
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte("x")},
		{"two bytes", []byte("xy")},
		{"all byte values", all},
		{"all byte values twice", append(all, all...)},
		{"a long run", bytes.Repeat([]byte{0}, 300<<10)},
		{"a run after a byte", append([]byte("a"), bytes.Repeat([]byte("b"), 1000)...)},
		{"a short cycle", bytes.Repeat([]byte("abc"), 50000)},
		{"random, small", random(100)},
		{"random, 64 KiB and more", random(150 << 10)},
		{"text over 64 KiB", text},
		{"mixed", mixed},
		{"a repeat 32 KiB back", repeatAt(random, 32<<10)},
		{"a repeat too far back", repeatAt(random, 32<<10+1)},
	}
	var reused deflate.Encoder
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			enc := roundTrip(t, &reused, c.data)
			if fresh := new(deflate.Encoder).Encode(nil, c.data); !bytes.Equal(fresh, enc) {
				t.Errorf("a reused Encoder wrote other bytes than a new one")
			}
			// Never much worse than stored blocks: 5 bytes each (§3.2.4),
			// one per block of at most 16 Ki tokens.
			if limit := len(c.data) + 5*(len(c.data)/(16<<10)+1); len(enc) > limit {
				t.Errorf("%d bytes encoded to %d, more than stored blocks (%d)", len(c.data), len(enc), limit)
			}
			t.Logf("%d bytes -> %d", len(c.data), len(enc))
		})
	}
}

// repeatAt is 1,000 random bytes, then more up to dist, then the first
// 1,000 again: dist back.
func repeatAt(random func(int) []byte, dist int) []byte {
	b := random(dist)
	return append(b, b[:1000]...)
}

// Encode appends to dst.
func TestEncodeAppends(t *testing.T) {
	var e deflate.Encoder
	enc := e.Encode([]byte("prefix"), []byte("data data data"))
	if !bytes.HasPrefix(enc, []byte("prefix")) {
		t.Fatalf("%q does not start with the dst given", enc)
	}
	if got, err := io.ReadAll(flate.NewReader(bytes.NewReader(enc[len("prefix"):]))); err != nil || string(got) != "data data data" {
		t.Errorf("decoded %q, %v", got, err)
	}
}

func TestPresetFiles(t *testing.T) {
	names, _ := filepath.Glob("../../presets/*.json")
	if len(names) == 0 {
		t.Fatal("no presets/*.json")
	}
	var e deflate.Encoder
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, &e, data)
	}
}

// TestPermalinkSize: the presets' permalinks (their JSON, compressed) are no
// more than 3% longer than with compress/flate's best compression.
func TestPermalinkSize(t *testing.T) {
	var e deflate.Encoder
	var fw *flate.Writer
	total, totalFlate := 0, 0
	var report strings.Builder
	for _, s := range presets.All() {
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		n := len(roundTrip(t, &e, data))
		var buf bytes.Buffer
		if fw == nil {
			fw, _ = flate.NewWriter(&buf, flate.BestCompression)
		} else {
			fw.Reset(&buf)
		}
		fw.Write(data)
		fw.Close()
		total += n
		totalFlate += buf.Len()
		fmt.Fprintf(&report, "%-40s %5d JSON %5d flate %5d here (%+.1f%%)\n", s.Title, len(data), buf.Len(), n, 100*float64(n-buf.Len())/float64(buf.Len()))
		if float64(n) > 1.03*float64(buf.Len()) {
			t.Errorf("%q: %d bytes, more than 3%% over compress/flate's %d", s.Title, n, buf.Len())
		}
	}
	t.Logf("\n%sall: flate %d, here %d (%+.2f%%)", &report, totalFlate, total, 100*float64(total-totalFlate)/float64(totalFlate))
}

func FuzzEncode(f *testing.F) {
	for _, seed := range []string{"", "a", "aaaaaaaaaaaaaaaaaaaa", `{"v":1,"page":"https://app.example.com"}`, "\x00\xff\x00\xff\x00\xff"} {
		f.Add([]byte(seed))
	}
	var e deflate.Encoder
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, &e, data)
	})
}

func ExampleEncoder() {
	var e deflate.Encoder
	compressed := e.Encode(nil, []byte(`{"origins":["https://a.example.org","https://b.example.org"]}`))
	data, err := io.ReadAll(flate.NewReader(bytes.NewReader(compressed)))
	fmt.Println(len(compressed), "bytes:", string(data), err)
	// Output:
	// 55 bytes: {"origins":["https://a.example.org","https://b.example.org"]} <nil>
}

// BenchmarkEncodeHostile is the costliest input found for the match search:
// 64 KB (engine.MaxInputBytes) of random letters from four, whose short
// repeats fill the hash chains. compress/flate's BestCompression takes
// about as long (15 ms natively here); with chains of three-byte hashes
// this took 3.7× that.
func BenchmarkEncodeHostile(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 64<<10)
	for i := range data {
		data[i] = "acgt"[r.IntN(4)]
	}
	var e deflate.Encoder
	for b.Loop() {
		e.Encode(nil, data)
	}
}
