package deflate

import (
	"math/rand/v2"
	"testing"
)

// TestHuffmanLimits: whatever the frequencies, every code is complete
// (Kraft's sum is 1) and no longer than its limit (§3.2.7), also when
// Huffman's algorithm alone would go deeper: Fibonacci frequencies make
// a tree as deep as there are symbols (up to 40 here, then 1s).
func TestHuffmanLimits(t *testing.T) {
	fibonacci := func(n int) []int {
		f := make([]int, n)
		a, b := 1, 1
		for i := range min(n, 40) {
			f[i], a, b = a, b, a+b
		}
		for i := 40; i < n; i++ {
			f[i] = 1
		}
		return f
	}
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(n int) []int {
		f := make([]int, n)
		for i := range f {
			if rng.IntN(3) > 0 {
				f[i] = rng.IntN(1 << rng.IntN(20))
			}
		}
		return f
	}
	cases := []struct {
		name  string
		freq  []int
		limit int
	}{
		{"literal/length, Fibonacci", fibonacci(286), 15},
		{"distance, Fibonacci", fibonacci(30), 15},
		{"code length, Fibonacci", fibonacci(19), 7},
		{"no symbol", make([]int, 30), 15},
		{"one symbol", []int{0, 0, 5, 0}, 15},
		{"the last symbol only", []int{0, 0, 0, 9}, 7},
	}
	for i := range 100 {
		cases = append(cases, struct {
			name  string
			freq  []int
			limit int
		}{"random", random([]int{286, 30, 19}[i%3]), []int{15, 15, 7}[i%3]})
	}
	for _, c := range cases {
		h := newHuffman(c.freq, c.limit)
		kraft := 0.0
		for sym, l := range h.lengths[:len(c.freq)] {
			if int(l) > c.limit {
				t.Fatalf("%s: symbol %d has a code of %d bits, over %d", c.name, sym, l, c.limit)
			}
			if c.freq[sym] > 0 && l == 0 {
				t.Fatalf("%s: symbol %d is used but has no code", c.name, sym)
			}
			if l > 0 {
				kraft += 1 / float64(uint(1)<<l)
			}
		}
		if kraft != 1 {
			t.Errorf("%s: Kraft's sum is %v, not 1", c.name, kraft)
		}
	}
}
