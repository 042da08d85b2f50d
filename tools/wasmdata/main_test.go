package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// module is a WebAssembly module of a memory section and a data section
// of segs, in that order.
func module(segs ...segment) []byte {
	memory := []byte{5, 3, 1, 0, 1} // memory section: one memory, min 1 page
	data := writeData(segs)
	m := append([]byte("\x00asm\x01\x00\x00\x00"), memory...)
	m = append(m, 11)
	m = uleb(m, uint32(len(data)))
	return append(m, data...)
}

// image is the memory a module's data section initialises, up to its
// last byte.
func image(t *testing.T, m []byte) []byte {
	t.Helper()
	var mem []byte
	for r := (reader{b: m, at: 8}); r.at < len(m); {
		id, size := r.byte(), r.u32()
		if id == 11 {
			segs, err := readData(m[r.at : r.at+int(size)])
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range segs {
				if end := int(s.offset) + len(s.data); end > len(mem) {
					mem = append(mem, make([]byte, end-len(mem))...)
				}
				copy(mem[s.offset:], s.data)
			}
		}
		r.at += int(size)
	}
	return mem
}

func TestJoinData(t *testing.T) {
	for _, tt := range []struct {
		name        string
		segs        []segment
		maxGap      int
		wantSegs    int
		wantErrText string
	}{
		{"none", nil, 8, 0, ""},
		{"one", []segment{{16, []byte{1, 2}}}, 8, 1, ""},
		{"adjacent", []segment{{16, []byte{1}}, {17, []byte{2}}}, 0, 1, ""},
		{"gap at the limit", []segment{{16, []byte{1}}, {25, []byte{2}}}, 8, 1, ""},
		{"gap over the limit", []segment{{16, []byte{1}}, {26, []byte{2}}}, 8, 2, ""},
		{"out of order", []segment{{300, []byte{3}}, {16, []byte{1}}, {20, []byte{2}}}, 8, 2, ""},
		{"between two others", []segment{{16, []byte{1}}, {40, []byte{3}}, {28, []byte{2}}}, 12, 1, ""},
		{"offset over 2^20", []segment{{1 << 20, []byte{1, 0x40}}, {1<<20 + 70, []byte{0x80}}}, 100, 1, ""},
		{"overlapping", []segment{{16, []byte{1, 2, 3}}, {17, []byte{9}}}, 8, 0, "overlap"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := module(tt.segs...)
			out, before, after, err := joinData(in, tt.maxGap)
			if tt.wantErrText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrText) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErrText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if before != len(tt.segs) || after != tt.wantSegs {
				t.Errorf("%d segments joined into %d, want %d into %d", before, after, len(tt.segs), tt.wantSegs)
			}
			if !bytes.Equal(image(t, out), image(t, in)) {
				t.Errorf("memory after the join\n%v\nbefore\n%v", image(t, out), image(t, in))
			}
			if !bytes.Equal(out[:13], in[:13]) {
				t.Errorf("the sections before the data changed: % x, was % x", out[:13], in[:13])
			}
		})
	}
}

// TestJoinAlignsSegments: a segment the linker starts after a pointer's
// zero low byte (as it did for a moduledata pointing at 0x133e00) starts at
// the multiple of 8 before it, so that the pointer's whole word is found.
func TestJoinAlignsSegments(t *testing.T) {
	ptr := le.AppendUint64(nil, 0x133e00)
	segs, err := join([]segment{{0x100, []byte{1}}, {0x4161, ptr[1:]}, {0x4209, []byte{2}}}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 3 || segs[1].offset != 0x4160 || segs[2].offset != 0x4208 {
		t.Fatalf("segments %v, want the second at 0x4160 and the third at 0x4208", segs)
	}
	if got := memory(segs).find(ptr); !slices.Equal(got, []uint64{0x4160}) {
		t.Errorf("the pointer's word is found at %x, want 0x4160", got)
	}
	// A gap smaller than the padding keeps the segments apart.
	segs, _ = join([]segment{{0x100, []byte{1}}, {0x103, []byte{2}}}, 1)
	if len(segs) != 2 || segs[1].offset != 0x101 {
		t.Errorf("segments %v, want the second at 0x101, after the first", segs)
	}
}

func TestJoinDataRefuses(t *testing.T) {
	passive := append([]byte("\x00asm\x01\x00\x00\x00"), 11, 4, 1, 1, 1, 7) // one passive segment
	for _, tt := range []struct{ name, module, want string }{
		{"not wasm", "\x7fELF", "not a WebAssembly 1.0 module"},
		{"a section past the end", "\x00asm\x01\x00\x00\x00\x0b\x09\x01", "runs past the end"},
		{"a passive segment", string(passive), "not active in memory 0"},
		{"a segment past the section", "\x00asm\x01\x00\x00\x00\x0b\x06\x01\x00\x41\x00\x0b\x05", "runs past the section"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, _, err := joinData([]byte(tt.module), 8); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestJoinedGoProgramRuns joins the segments of a Go program built for
// the browser and runs it (in Node.js, as go test does for js/wasm): the
// runtime's tables and the program's data read the same after the join.
func TestJoinedGoProgramRuns(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "tables.wasm")
	// make wasm's flags: the standard library's packages it built are reused.
	build := exec.Command("go", "build", "-trimpath", "-gcflags=all=-l", "-o", wasm, "./testdata/tables")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exe := filepath.Join(runtime.GOROOT(), "lib", "wasm", "go_js_wasm_exec")
	runWasm := func() string {
		out, err := exec.Command(exe, wasm).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", exe, wasm, err, out)
		}
		return string(out)
	}
	before := runWasm()
	module, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	joined, n, after, err := joinData(module, maxGap)
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 || after > n/100 {
		t.Errorf("%d segments joined into %d: Go's linker wrote fewer than expected, or the join left many", n, after)
	}
	if err := os.WriteFile(wasm, joined, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runWasm(); got != before || before == "" {
		t.Errorf("the program printed %q after the join, %q before", got, before)
	}
}
