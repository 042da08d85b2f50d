// Command wasmdata joins the data segments that Go's linker writes apart in
// a WebAssembly module, rewriting the module in place.
//
// Go's linker (cmd/link/internal/wasm, writeDataSec) leaves out every run of
// 8 or more zero bytes in the memory's initial data, starting a new data
// segment after it, up to 100,000 segments: the page's app.wasm had
// 100,000. That makes the file a little smaller, but each segment's header
// (its memory offset and length, WebAssembly Core §5.5.12) is a few bytes
// that brotli and gzip cannot predict, every few dozen bytes of data:
// joined, app.wasm.br is 104 KB smaller (1,613,255 → 1,509,706 B) and
// app.wasm 1 MB larger (10.18 → 11.17 MB: zeros). The memory
// holds the same bytes either way: an active segment is copied into the
// memory at instantiation (§4.5.4), and the memory is zeros elsewhere
// (§4.5.3.9), so a gap written as zeros changes nothing. Gaps longer than
// maxGap stay apart.
//
// Usage: go run ./tools/wasmdata FILE.wasm
package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
)

// maxGap is the longest run of zeros joined into a segment: longer runs
// would only make the file larger (app.wasm has none: one segment is left).
const maxGap = 4096

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasmdata FILE.wasm")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "wasmdata:", err)
		os.Exit(1)
	}
}

func run(name string) error {
	module, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	joined, before, after, err := joinData(module, maxGap)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := os.WriteFile(name, joined, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d data segments joined into %d (%d → %d bytes)\n", name, before, after, len(module), len(joined))
	return nil
}

// segment is an active data segment of memory 0: its bytes, from offset.
type segment struct {
	offset uint32
	data   []byte
}

// joinData gives module with the segments of its data section (id 11)
// joined where at most maxGap zero bytes lie between them, and how many
// segments there were and are. The other sections are copied unchanged.
// It accepts what Go's linker writes: active segments of memory 0 at an
// i32.const offset, no two sharing a byte.
func joinData(module []byte, maxGap int) (joined []byte, before, after int, err error) {
	if !bytes.HasPrefix(module, []byte("\x00asm\x01\x00\x00\x00")) {
		return nil, 0, 0, errors.New("not a WebAssembly 1.0 module")
	}
	r := reader{b: module, at: 8}
	out := bytes.NewBuffer(make([]byte, 0, len(module)+len(module)/8))
	out.Write(module[:8])
	for r.at < len(module) {
		start := r.at
		id := r.byte()
		size := r.u32()
		if r.err != nil || int(size) > len(module)-r.at {
			return nil, 0, 0, fmt.Errorf("section at byte %d: its size runs past the end", start)
		}
		end := r.at + int(size)
		if id != 11 {
			out.Write(module[start:end])
			r.at = end
			continue
		}
		segments, err := readData(module[r.at:end])
		if err != nil {
			return nil, 0, 0, fmt.Errorf("data section at byte %d: %w", start, err)
		}
		before = len(segments)
		if segments, err = join(segments, maxGap); err != nil {
			return nil, 0, 0, fmt.Errorf("data section at byte %d: %w", start, err)
		}
		after = len(segments)
		body := writeData(segments)
		out.WriteByte(11)
		out.Write(uleb(nil, uint32(len(body))))
		out.Write(body)
		r.at = end
	}
	return out.Bytes(), before, after, nil
}

// readData reads a data section's segments (WebAssembly Core §5.5.12).
func readData(section []byte) ([]segment, error) {
	r := reader{b: section}
	n := r.u32()
	segments := make([]segment, 0, min(int(n), len(section)))
	for i := range n {
		// 0: active in memory 0, then i32.const offset end.
		flag := r.u32()
		op, offset, endOp := r.byte(), r.s32(), r.byte()
		if flag != 0 || r.err == nil && (op != 0x41 || endOp != 0x0b || offset < 0) {
			return nil, fmt.Errorf("segment %d is not active in memory 0 at an i32.const offset, as Go's linker writes them", i)
		}
		size := r.u32()
		if r.err != nil || int(size) > len(section)-r.at {
			return nil, fmt.Errorf("segment %d runs past the section's end", i)
		}
		segments = append(segments, segment{uint32(offset), section[r.at : r.at+int(size)]})
		r.at += int(size)
	}
	if r.err != nil || r.at != len(section) {
		return nil, errors.New("it does not end after its last segment")
	}
	return segments, nil
}

// join sorts the segments by offset and joins each to the one before when
// at most maxGap bytes lie between them, writing those bytes as zeros. Go's
// linker writes its sections' segments in its own order, not the memory's;
// segments that share no byte give the same memory in any order, and a gap
// between two neighbours holds no other segment. It fails if two overlap.
func join(segments []segment, maxGap int) ([]segment, error) {
	segments = slices.Clone(segments)
	slices.SortStableFunc(segments, func(a, b segment) int { return cmp.Compare(a.offset, b.offset) })
	var joined []segment
	for i, s := range segments {
		if i > 0 {
			prev := segments[i-1]
			if uint64(s.offset) < uint64(prev.offset)+uint64(len(prev.data)) {
				return nil, fmt.Errorf("the segments at %d and %d overlap", prev.offset, s.offset)
			}
		}
		if n := len(joined); n > 0 {
			last := &joined[n-1]
			gap := int(s.offset) - int(last.offset) - len(last.data)
			if gap <= maxGap {
				data := make([]byte, 0, len(last.data)+gap+len(s.data))
				data = append(data, last.data...)
				data = append(data, make([]byte, gap)...)
				last.data = append(data, s.data...)
				continue
			}
		}
		joined = append(joined, s)
	}
	return joined, nil
}

// writeData is the body of a data section of active segments of memory 0.
func writeData(segments []segment) []byte {
	b := uleb(nil, uint32(len(segments)))
	for _, s := range segments {
		b = append(b, 0, 0x41) // active, memory 0; i32.const
		b = sleb(b, int32(s.offset))
		b = append(b, 0x0b) // end
		b = uleb(b, uint32(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

// reader reads a module's bytes; err records the first read past the end
// or an over-long number.
type reader struct {
	b   []byte
	at  int
	err error
}

func (r *reader) byte() byte {
	if r.at >= len(r.b) {
		r.err = errors.New("unexpected end")
		return 0
	}
	r.at++
	return r.b[r.at-1]
}

// u32 reads an unsigned LEB128 number of at most 32 bits (§5.2.2).
func (r *reader) u32() uint32 { return uint32(r.leb(false, 0, 1<<32-1)) }

// s32 reads a signed LEB128 number of at most 32 bits (§5.2.2).
func (r *reader) s32() int32 { return int32(r.leb(true, -1<<31, 1<<31-1)) }

// leb reads a LEB128 number of at most 5 bytes, sign-extended when signed,
// that must lie in [lo, hi].
func (r *reader) leb(signed bool, lo, hi int64) int64 {
	var v int64
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= int64(c&0x7f) << shift
		if c < 0x80 {
			if signed && c&0x40 != 0 {
				v |= -1 << (shift + 7)
			}
			if v < lo || v > hi {
				break
			}
			return v
		}
	}
	r.err = errors.New("a number over 32 bits")
	return 0
}

func uleb(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func sleb(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
