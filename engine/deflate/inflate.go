package deflate

import (
	"errors"
	"io"
	"strconv"
)

// ErrTooLarge: the data expands to more than Inflate's limit.
var ErrTooLarge = errors.New("deflate: the data expands past its limit")

// A CorruptInputError is the offset in the input of data that is not
// DEFLATE (as compress/flate's error of that name).
type CorruptInputError int64

func (e CorruptInputError) Error() string {
	return "deflate: corrupt input before offset " + strconv.FormatInt(int64(e), 10)
}

// Inflate decompresses raw DEFLATE, as compress/flate's reader does (the
// page links this instead of it): the same bytes for the same input, and a
// refusal where it refuses (a CorruptInputError for an incomplete Huffman
// code but a single code of one bit, too many codes, a distance before the
// start; io.ErrUnexpectedEOF for an input that ends before its last
// block; what follows the last block is not read). More than limit bytes out is ErrTooLarge,
// found as they are written, so that the memory it takes is bounded by
// the limit, whatever the input (inflate_test.go compares the two).
func Inflate(src []byte, limit int) ([]byte, error) {
	d := inflater{src: src, limit: limit}
	for final := false; !final && d.err == nil; {
		final = d.bits(1) == 1
		switch d.bits(2) {
		case 0:
			d.stored()
		case 1:
			d.codes(&fixedLit, &fixedDist)
		case 2:
			d.dynamic()
		default:
			d.corrupt()
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return d.out, nil
}

type inflater struct {
	src    []byte
	pos    int    // the next byte of src to read into bitbuf
	bitbuf uint32 // bits read, not used yet, from the least significant
	nbits  uint
	out    []byte
	limit  int
	err    error
	lit    huffmanDecoder // a dynamic block's codes
	dist   huffmanDecoder
}

// bits reads n ≤ 16 bits, least significant first (§3.1.1); 0 once the
// input has ended, with err set.
func (d *inflater) bits(n uint) int {
	for d.nbits < n {
		if d.pos == len(d.src) {
			if d.err == nil {
				d.err = io.ErrUnexpectedEOF
			}
			return 0
		}
		d.bitbuf |= uint32(d.src[d.pos]) << d.nbits
		d.pos++
		d.nbits += 8
	}
	v := int(d.bitbuf & (1<<n - 1))
	d.bitbuf >>= n
	d.nbits -= n
	return v
}

func (d *inflater) corrupt() {
	if d.err == nil {
		d.err = CorruptInputError(d.pos)
	}
}

func (d *inflater) write(b ...byte) {
	if len(d.out)+len(b) > d.limit {
		d.err = ErrTooLarge
		return
	}
	d.out = append(d.out, b...)
}

// stored copies a stored block (§3.2.4).
func (d *inflater) stored() {
	d.bitbuf, d.nbits = 0, 0 // to the byte boundary: the unused bits are of the header's byte
	if d.err != nil {
		return
	}
	if len(d.src)-d.pos < 4 {
		d.err = io.ErrUnexpectedEOF
		return
	}
	n := int(d.src[d.pos]) | int(d.src[d.pos+1])<<8
	if n != ^(int(d.src[d.pos+2])|int(d.src[d.pos+3])<<8)&0xffff {
		d.corrupt()
		return
	}
	d.pos += 4
	if len(d.src)-d.pos < n {
		d.err = io.ErrUnexpectedEOF
		return
	}
	d.write(d.src[d.pos : d.pos+n]...)
	d.pos += n
}

// A huffmanDecoder reads a canonical code (§3.2.2): how many codes each
// length has, and the symbols in code order.
type huffmanDecoder struct {
	count  [16]uint16
	symbol [288]uint16
}

// build makes the code of lengths, false where compress/flate refuses it:
// more codes than the lengths can hold, or fewer, unless it is a single
// code of one bit or no code at all (huffmanDecoder.init).
func (h *huffmanDecoder) build(lengths []uint8) bool {
	h.count = [16]uint16{}
	for _, l := range lengths {
		h.count[l]++
	}
	h.count[0] = 0
	var offs [16]uint16
	code, max := 0, 0 // code: the codes assigned, in units of the longest's
	for l := 1; l < 16; l++ {
		offs[l] = offs[l-1] + h.count[l-1]
		if h.count[l] > 0 {
			code, max = code<<(l-max)+int(h.count[l]), l
		}
	}
	for s, l := range lengths {
		if l > 0 {
			h.symbol[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	return max == 0 || code == 1<<max || code == 1 && max == 1
}

// decode reads one symbol in h, most significant bit first (§3.1.1); -1
// for a code h does not have, garbage when the input ends (err is set).
func (d *inflater) decode(h *huffmanDecoder) int {
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		code |= d.bits(1)
		count := int(h.count[l])
		if code-first < count {
			return int(h.symbol[index+code-first])
		}
		index += count
		first = (first + count) << 1
		code <<= 1
	}
	return -1
}

// The fixed codes (§3.2.6): literal/length lengths 8, 9, 7, 8 by range of
// symbols, and distances of 5 bits, 30 and 31 among them (codes refuses
// those, as compress/flate does).
var fixedLit, fixedDist = func() (lit, dist huffmanDecoder) {
	var l [288]uint8
	for s := range l {
		switch {
		case s < 144:
			l[s] = 8
		case s < 256:
			l[s] = 9
		case s < 280:
			l[s] = 7
		default:
			l[s] = 8
		}
	}
	lit.build(l[:])
	var dl [32]uint8
	for s := range dl {
		dl[s] = 5
	}
	dist.build(dl[:])
	return lit, dist
}()

// codes decodes a compressed block's symbols until its end (§3.2.5).
func (d *inflater) codes(lit, dist *huffmanDecoder) {
	for d.err == nil {
		sym := d.decode(lit)
		switch {
		case d.err != nil: // the input ended in the code
		case sym < 0 || sym > 285:
			d.corrupt()
		case sym < 256:
			d.write(byte(sym))
		case sym == 256:
			return
		default:
			sym -= 257
			n := int(lengthBase[sym]) + d.bits(uint(lengthExtra[sym]))
			ds := d.decode(dist)
			if ds < 0 || ds > 29 {
				d.corrupt()
				return
			}
			back := int(distBase[ds]) + d.bits(uint(distExtra[ds]))
			if d.err != nil {
				return
			}
			if back > len(d.out) {
				d.corrupt()
				return
			}
			if len(d.out)+n > d.limit {
				d.err = ErrTooLarge
				return
			}
			for from := len(d.out) - back; n > 0; n-- { // byte by byte: a match may overlap what it writes
				d.out = append(d.out, d.out[from])
				from++
			}
		}
	}
}

// dynamic reads a block's codes, then its symbols (§3.2.7).
func (d *inflater) dynamic() {
	nlit, ndist, ncode := d.bits(5)+257, d.bits(5)+1, d.bits(4)+4
	if nlit > 286 || ndist > 30 {
		d.corrupt()
		return
	}
	var lengths [286 + 30]uint8
	for i := 0; i < ncode; i++ {
		lengths[codeLengthOrder[i]] = uint8(d.bits(3))
	}
	if d.err != nil {
		return
	}
	var lencode huffmanDecoder
	if !lencode.build(lengths[:19]) {
		d.corrupt()
		return
	}
	lengths = [286 + 30]uint8{}
	for i := 0; i < nlit+ndist && d.err == nil; {
		sym := d.decode(&lencode)
		if d.err != nil {
			return
		}
		if sym < 0 {
			d.corrupt()
			return
		}
		if sym < 16 {
			lengths[i] = uint8(sym)
			i++
			continue
		}
		// 16 repeats the last length 3 to 6 times, 17 and 18 write 3 to
		// 10 and 11 to 138 zeros.
		rep, l := 3+d.bits(uint(codeLengthExtra[sym])), uint8(0)
		switch {
		case sym == 16 && i == 0:
			d.corrupt()
			return
		case sym == 16:
			l = lengths[i-1]
		case sym == 18:
			rep += 8
		}
		if i+rep > nlit+ndist {
			d.corrupt()
			return
		}
		for ; rep > 0; rep-- {
			lengths[i] = l
			i++
		}
	}
	if d.err != nil {
		return
	}
	if !d.lit.build(lengths[:nlit]) || !d.dist.build(lengths[nlit:nlit+ndist]) {
		d.corrupt()
		return
	}
	d.codes(&d.lit, &d.dist)
}
