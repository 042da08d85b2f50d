package deflate_test

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"corsplay/engine/deflate"
)

// sameAsFlate fails unless Inflate and compress/flate agree on src: the
// same bytes, or both a refusal; and, within limit, unless Inflate gives
// those bytes again or, when there are more than limit of them,
// ErrTooLarge. (Where the input ends in the middle of a block, the two may
// disagree on how much came out before the error, so a refusal's kind is
// not compared: compress/flate drops a byte it decoded after filling its
// 32 KiB window, Inflate counts it.)
func sameAsFlate(t *testing.T, src []byte, limit int) {
	t.Helper()
	const all = 4 << 20 // past it, both stop reading
	got, err := deflate.Inflate(src, all)
	want, werr := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(src)), all+1))
	switch {
	case errors.Is(err, deflate.ErrTooLarge):
		if len(want) < all {
			t.Errorf("%x: Inflate: %v, compress/flate: %d bytes, %v", src, err, len(want), werr)
		}
		return
	case (err == nil) != (werr == nil):
		t.Errorf("%x: Inflate: %v, compress/flate: %v", src, err, werr)
	case err == nil && !bytes.Equal(got, want):
		t.Errorf("%x: Inflate gives %q, compress/flate %q", src, got, want)
	}
	lim, lerr := deflate.Inflate(src, limit)
	switch {
	case err != nil && lerr == nil:
		t.Errorf("%x: Inflate refuses it (%v), but within %d bytes gives %q", src, err, limit, lim)
	case err == nil && len(got) > limit && !errors.Is(lerr, deflate.ErrTooLarge):
		t.Errorf("%x: %d bytes out, within %d: %q, %v, want ErrTooLarge", src, len(got), limit, lim, lerr)
	case err == nil && len(got) <= limit && (lerr != nil || !bytes.Equal(lim, got)):
		t.Errorf("%x: %d bytes out, within %d: %q, %v", src, len(got), limit, lim, lerr)
	}
}

// compressions of the same texts by compress/flate at every level (stored,
// fixed and dynamic blocks, long matches) and by the engine's Encoder.
func compressions(t testing.TB) [][]byte {
	rng := rand.New(rand.NewPCG(3, 4))
	texts := [][]byte{nil, []byte("a"), bytes.Repeat([]byte("ab"), 40000), []byte(`{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/items","method":"PUT"}}`)}
	noise := make([]byte, 70000)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	texts = append(texts, noise, append(append([]byte(nil), texts[3]...), noise[:3000]...))
	var out [][]byte
	var e deflate.Encoder
	for _, text := range texts {
		for level := flate.HuffmanOnly; level <= flate.BestCompression; level++ {
			var b bytes.Buffer
			w, _ := flate.NewWriter(&b, level)
			w.Write(text)
			w.Close()
			out = append(out, b.Bytes())
		}
		out = append(out, e.Encode(nil, text))
	}
	return out
}

func TestInflate(t *testing.T) {
	for _, src := range compressions(t) {
		sameAsFlate(t, src, 1<<20)
		want, _ := io.ReadAll(flate.NewReader(bytes.NewReader(src)))
		if len(want) > 0 {
			sameAsFlate(t, src, len(want))   // at the limit
			sameAsFlate(t, src, len(want)-1) // over it
		}
		for cut := range min(len(src), 40) { // the end missing
			sameAsFlate(t, src[:len(src)-1-cut], 1<<20)
		}
	}
	for _, src := range [][]byte{
		{0x03},                   // a fixed block that ends before its end of block
		{0x01, 0, 0, 0xff, 0xff}, // an empty stored block
		{0x01, 1, 0, 0xff, 0xff}, // a stored block's LEN and NLEN disagree
		{0x07},                   // block type 3
		{0x03, 0x00},             // a fixed empty block
		{0x63, 0x00, 0x00},       // a match before any byte
		{0x05, 0xe0, 0xff, 0x0f}, // a dynamic block with a code length code of one symbol
		{0x03, 0x00, 'x'},        // data after the last block is not read
	} {
		sameAsFlate(t, src, 1<<20)
	}
}

// A few bytes that expand a million times stop at the limit, having
// allocated no more than it.
func TestInflateBomb(t *testing.T) {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(make([]byte, 50<<20))
	w.Close()
	allocs := testing.AllocsPerRun(1, func() {
		if _, err := deflate.Inflate(b.Bytes(), 16<<10); !errors.Is(err, deflate.ErrTooLarge) {
			t.Errorf("Inflate of %d bytes that expand to 50 MiB: %v, want ErrTooLarge", b.Len(), err)
		}
	})
	if allocs > 20 {
		t.Errorf("%v allocations for a 16 KiB limit", allocs)
	}
}

// FuzzInflate: Inflate and compress/flate agree on any input.
func FuzzInflate(f *testing.F) {
	for _, src := range compressions(f) {
		if len(src) < 4<<10 {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		sameAsFlate(t, src, 64<<10)
	})
}

// BenchmarkInflate: a link at its limits (32 KiB in, 64 KiB out), as
// random bytes, as text, and as a bomb, beside compress/flate's reader.
func BenchmarkInflate(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	noise := make([]byte, 32<<10)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	var e deflate.Encoder
	text := bytes.Repeat([]byte(`{"origin":"https://app.example.com","methods":["GET","PUT"]},`), 1100)[:64<<10]
	for _, c := range []struct {
		name string
		src  []byte
	}{{"noise", e.Encode(nil, noise)}, {"text", e.Encode(nil, text)}, {"bomb", e.Encode(nil, make([]byte, 1<<20))}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				deflate.Inflate(c.src, 64<<10)
			}
		})
		b.Run(c.name+"/flate", func(b *testing.B) {
			for b.Loop() {
				io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(c.src)), 64<<10+1))
			}
		})
	}
}
