// Package deflate writes and reads raw DEFLATE (RFC 1951), as
// compress/flate does: a small encoder and decoder for the page's links, so
// that the WebAssembly build carries neither of compress/flate's.
//
// The rules it follows, by section of RFC 1951:
//
//   - §3.2.3: the data is a series of blocks, each starting with the bit
//     BFINAL (set on the last block) and two bits BTYPE (0 stored, 2
//     dynamic Huffman codes); bits are packed from the least significant
//     bit of each byte (§3.1.1).
//   - §3.2.4: a stored block is padded to a byte boundary, then carries LEN
//     and NLEN (its one's complement), two bytes each, least significant
//     first, then LEN ≤ 65,535 bytes as they are.
//   - §3.2.5: a compressed block is literal bytes (symbols 0 to 255), an end
//     of block (256) and matches: a length of 3 to 258 (symbols 257 to 285
//     and extra bits) then a distance of 1 to 32,768 bytes back (symbols 0
//     to 29 and extra bits), which may reach into earlier blocks.
//   - §3.2.2: a Huffman code is given by its code lengths alone (the
//     canonical code); codes are sent most significant bit first (§3.1.1),
//     extra bits least significant bit first.
//   - §3.2.7: a dynamic block gives HLIT, HDIST and HCLEN, the lengths of the
//     code length code (3 bits each, in the order 16, 17, 18, 0, 8, …),
//     then the literal/length and distance code lengths as one sequence in
//     that code, where 16 repeats the previous length 3 to 6 times, 17 and
//     18 write 3 to 10 and 11 to 138 zeros; code lengths are at most 15
//     bits, those of the code length code at most 7 (3 bits each).
//
// How matches are found is not in the RFC: zlib's level 9 (at most 4,096
// candidates, a quarter of that once a match of 32 is in hand, lazy
// matching), the way RFC 1951 §4 sketches it, with compress/flate's
// shortest match of four bytes and chains of four-byte hashes (three-byte
// chains made 64 KB of hostile input 3.7× slower to encode than
// compress/flate).
package deflate

import "math/bits"

// An Encoder compresses; its memory is reused from one Encode to the next.
// The zero Encoder is ready to use; one Encoder must not be used by two
// goroutines at once. What Encode writes depends only on its input.
type Encoder struct {
	head   []int32 // per hash of four bytes: 1 + the last position with it, 0 for none
	prev   []int32 // per position: 1 + the previous position with the same hash
	tokens []token
}

// A token is a literal byte (dist 0, length the byte) or a match: length
// bytes copied from dist bytes back (§3.2.5).
type token struct{ length, dist uint16 }

// Matching as zlib's level 9 (deflate.c, configuration_table).
const (
	minMatch    = 4       // the shortest match taken (§3.2.5 allows 3), as compress/flate: hashed on four bytes, the chains stay short
	maxMatch    = 258     // §3.2.5: the longest length
	window      = 1 << 15 // §3.2.5: the farthest distance
	goodMatch   = 32      // a match this long shortens the search to a quarter
	maxChain    = 4096    // candidates tried per position
	blockTokens = 1 << 14 // tokens per block, as zlib's and compress/flate's buffers
)

// Encode appends the raw DEFLATE encoding of data to dst and returns the
// extended slice.
func (e *Encoder) Encode(dst, data []byte) []byte {
	e.findMatches(data)
	w := bitWriter{out: dst}
	tokens := e.tokens
	for {
		block := tokens[:min(len(tokens), blockTokens)]
		tokens = tokens[len(block):]
		n := 0
		for _, t := range block {
			n += t.span()
		}
		w.writeBlock(block, data[:n], len(tokens) == 0)
		data = data[n:]
		if len(tokens) == 0 {
			break
		}
	}
	w.align()
	return w.out
}

// span is how many bytes of input t stands for.
func (t token) span() int {
	if t.dist == 0 {
		return 1
	}
	return int(t.length)
}

// findMatches turns data into e.tokens: at each position the longest match
// among the last maxChain positions with the same four-byte hash, taken only
// if the next position has no longer one (lazy matching, RFC 1951 §4).
func (e *Encoder) findMatches(data []byte) {
	hashBits := min(15, max(8, bits.Len(uint(len(data)))))
	e.head = grow(e.head, 1<<hashBits)
	clear(e.head)
	e.prev = grow(e.prev, len(data))
	e.tokens = e.tokens[:0]
	inserted := 0                // positions before it are in the chains
	prevLength, prevDist := 0, 0 // the match at i-1, if minMatch or longer
	pending := false             // data[i-1] is neither a literal nor in a match yet
	for i := 0; i < len(data); {
		for ; inserted <= i && inserted+minMatch <= len(data); inserted++ {
			b := data[inserted:]
			h := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) * 0x9e3779b1 >> (32 - hashBits)
			e.prev[inserted] = e.head[h]
			e.head[h] = int32(inserted + 1)
		}
		length, dist := 0, 0
		if prevLength < maxMatch && i+minMatch <= len(data) {
			length, dist = e.longestMatch(data, i, max(prevLength, minMatch-1))
		}
		if prevLength >= minMatch && length <= prevLength {
			e.tokens = append(e.tokens, token{uint16(prevLength), uint16(prevDist)})
			i += prevLength - 1
			prevLength, pending = 0, false
			continue
		}
		if pending {
			e.tokens = append(e.tokens, token{uint16(data[i-1]), 0})
		}
		prevLength, prevDist, pending = length, dist, true
		i++
	}
	if pending {
		e.tokens = append(e.tokens, token{uint16(data[len(data)-1]), 0})
	}
}

// longestMatch returns the longest match for data[pos:] longer than better,
// or 0.
func (e *Encoder) longestMatch(data []byte, pos, better int) (length, dist int) {
	chain := maxChain
	if better >= goodMatch {
		chain /= 4
	}
	limit := min(maxMatch, len(data)-pos)
	for c := int(e.prev[pos]) - 1; better < limit && c >= 0 && pos-c <= window && chain > 0; c, chain = int(e.prev[c])-1, chain-1 {
		if data[c+better] != data[pos+better] {
			continue
		}
		n := 0
		for n < limit && data[c+n] == data[pos+n] {
			n++
		}
		if n > better {
			better, length, dist = n, n, pos-c
		}
	}
	return length, dist
}

// grow returns s with length n, reallocated only if too short.
func grow(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// writeBlock writes tokens, which stand for raw, as one block with dynamic
// Huffman codes, or as stored blocks when that is shorter.
func (w *bitWriter) writeBlock(tokens []token, raw []byte, final bool) {
	dynamic := *w // writes past w.out's end: a stored block overwrites it
	dynamic.writeDynamic(tokens, final)
	// §3.2.4: per 65,535 bytes, at most 3 + 7 bits of header and padding
	// and 4 bytes of LEN and NLEN.
	stored := max(1, (len(raw)+0xfffe)/0xffff)*(10+32) + 8*len(raw)
	if stored < dynamic.bits()-w.bits() {
		w.writeStored(raw, final)
	} else {
		*w = dynamic
	}
}

// writeStored writes raw as stored blocks (§3.2.4).
func (w *bitWriter) writeStored(raw []byte, final bool) {
	for {
		n := min(len(raw), 0xffff)
		w.writeBits(bit(final && n == len(raw)), 3) // BTYPE 00
		w.align()
		w.out = append(w.out, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		w.out = append(w.out, raw[:n]...)
		raw = raw[n:]
		if len(raw) == 0 {
			return
		}
	}
}

// §3.2.5: the first length and distance of each code, and its extra bits.
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// code returns the code of v in base: the last whose base is at most v.
func code(base []uint16, v uint16) int {
	c := len(base) - 1
	for base[c] > v {
		c--
	}
	return c
}

// §3.2.7: the order in which the code length code's lengths are sent, and
// the extra bits of its symbols 16, 17 and 18.
var (
	codeLengthOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	codeLengthExtra = [19]uint8{16: 2, 17: 3, 18: 7}
)

// writeDynamic writes tokens as a block with dynamic Huffman codes (§3.2.7).
func (w *bitWriter) writeDynamic(tokens []token, final bool) {
	var litFreq [286]int
	var distFreq [30]int
	litFreq[256] = 1 // end of block
	for _, t := range tokens {
		if t.dist == 0 {
			litFreq[t.length]++
		} else {
			litFreq[257+code(lengthBase[:], t.length)]++
			distFreq[code(distBase[:], t.dist)]++
		}
	}
	lit := newHuffman(litFreq[:], 15)
	dist := newHuffman(distFreq[:], 15)
	nlit := trimZeros(lit.lengths[:], 257)
	ndist := trimZeros(dist.lengths[:], 1)

	// The code lengths as code length symbols, run-length encoded.
	var all [286 + 30]uint8
	lengths := all[:copy(all[:], lit.lengths[:nlit])+copy(all[nlit:], dist.lengths[:ndist])]
	var runsBuf [len(all)]token
	runs := runsBuf[:0] // the symbol in length, its extra bits' value in dist
	var clFreq [19]int
	add := func(sym uint8, extra int) {
		runs = append(runs, token{uint16(sym), uint16(extra)})
		clFreq[sym]++
	}
	for i := 0; i < len(lengths); {
		l, run := lengths[i], 1
		for i+run < len(lengths) && lengths[i+run] == l {
			run++
		}
		i += run
		if l != 0 {
			add(l, 0)
			run--
		}
		for run >= 3 {
			n := run
			switch {
			case l != 0:
				n = min(run, 6)
				add(16, n-3)
			case run >= 11:
				n = min(run, 138)
				add(18, n-11)
			default:
				add(17, n-3)
			}
			run -= n
		}
		for ; run > 0; run-- {
			add(l, 0)
		}
	}
	cl := newHuffman(clFreq[:], 7)
	nclen := 19
	for nclen > 4 && cl.lengths[codeLengthOrder[nclen-1]] == 0 {
		nclen--
	}

	w.writeBits(bit(final), 1)
	w.writeBits(2, 2) // BTYPE 10
	w.writeBits(nlit-257, 5)
	w.writeBits(ndist-1, 5)
	w.writeBits(nclen-4, 4)
	for _, sym := range codeLengthOrder[:nclen] {
		w.writeBits(int(cl.lengths[sym]), 3)
	}
	for _, r := range runs {
		cl.write(w, int(r.length))
		w.writeBits(int(r.dist), codeLengthExtra[r.length])
	}
	for _, t := range tokens {
		if t.dist == 0 {
			lit.write(w, int(t.length))
			continue
		}
		c := code(lengthBase[:], t.length)
		lit.write(w, 257+c)
		w.writeBits(int(t.length-lengthBase[c]), lengthExtra[c])
		c = code(distBase[:], t.dist)
		dist.write(w, c)
		w.writeBits(int(t.dist-distBase[c]), distExtra[c])
	}
	lit.write(w, 256)
}

// trimZeros is how many of lengths are sent: all but the trailing zeros,
// and at least least.
func trimZeros(lengths []uint8, least int) int {
	n := len(lengths)
	for n > least && lengths[n-1] == 0 {
		n--
	}
	return n
}

// A huffman is a canonical Huffman code: each symbol's length in bits and
// its code, bit-reversed to be written least significant bit first.
type huffman struct {
	lengths [286]uint8
	codes   [286]uint16
}

// newHuffman builds a Huffman code for the symbols' frequencies with no
// code longer than limit.
func newHuffman(freq []int, limit int) huffman {
	var buf [286]int
	weights := buf[:copy(buf[:], freq)]
	// At least two symbols get a code, so that the code is complete (one
	// symbol would have a code of one bit and a second code unused, which
	// §3.2.7 allows for distances only): zlib's trees.c does the same.
	used := 0
	for _, w := range weights {
		if w > 0 {
			used++
		}
	}
	for sym := 0; used < 2; sym++ {
		if weights[sym] == 0 {
			weights[sym], used = 1, used+1
		}
	}
	var h huffman
	for !h.build(weights, limit) {
		// Too long: flatten the weights, as some encoders do (zlib instead
		// moves leaves in the tree), and build again. All weights 1 give a
		// code of at most ⌈log2 286⌉ = 9 bits.
		for sym, w := range weights {
			if w > 0 {
				weights[sym] = (w + 1) / 2
			}
		}
	}
	// §3.2.2: codes of each length are consecutive, in the order of the
	// symbols, after those of the shorter lengths.
	var count, next [16]uint16
	for _, l := range h.lengths {
		count[l]++
	}
	count[0] = 0
	for l := 1; l < 16; l++ {
		next[l] = (next[l-1] + count[l-1]) << 1
	}
	for sym, l := range h.lengths {
		if l > 0 {
			h.codes[sym] = bits.Reverse16(next[l]) >> (16 - l)
			next[l]++
		}
	}
	return h
}

// build sets h.lengths to the depths in Huffman's tree for weights (joining
// the two lightest trees until one is left) and reports whether none is
// deeper than limit.
func (h *huffman) build(weights []int, limit int) bool {
	// Nodes are the leaves, then the trees joined; leaf is the symbol of each
	// leaf, roots the trees not yet joined. (Small types: a weight is at
	// most the tokens of a block, a node fewer than 2 × 286.)
	var weight [2 * 286]int32
	var parent, depth [2 * 286]int16
	var leaf, rootsBuf [286]int16
	n := 0
	for sym, w := range weights {
		if w > 0 {
			leaf[n], weight[n], rootsBuf[n] = int16(sym), int32(w), int16(n)
			n++
		}
	}
	roots := rootsBuf[:n]
	lightest := func() int16 {
		k := 0
		for i, r := range roots {
			if weight[r] < weight[roots[k]] {
				k = i
			}
		}
		r := roots[k]
		roots = append(roots[:k], roots[k+1:]...)
		return r
	}
	for next := int16(n); len(roots) > 1; next++ {
		a, b := lightest(), lightest()
		parent[a], parent[b], weight[next] = next, next, weight[a]+weight[b]
		roots = append(roots, next)
	}
	for i := 2*n - 3; i >= 0; i-- { // the root, 2n-2, has depth 0
		depth[i] = depth[parent[i]] + 1
	}
	ok := true
	for i, sym := range leaf[:n] {
		h.lengths[sym] = uint8(depth[i])
		ok = ok && int(depth[i]) <= limit
	}
	return ok
}

func (h *huffman) write(w *bitWriter, sym int) {
	w.writeBits(int(h.codes[sym]), h.lengths[sym])
}

// A bitWriter packs bits from the least significant bit of each byte
// (§3.1.1).
type bitWriter struct {
	out  []byte
	acc  uint32 // the bits not yet in out
	nacc uint8  // how many, fewer than 8 between writes
}

func (w *bitWriter) writeBits(v int, n uint8) {
	w.acc |= uint32(v) << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

// align pads with zero bits to the next byte boundary.
func (w *bitWriter) align() {
	if w.nacc > 0 {
		w.writeBits(0, 8-w.nacc)
	}
}

// bits is how many bits w has written.
func (w *bitWriter) bits() int { return 8*len(w.out) + int(w.nacc) }

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}
