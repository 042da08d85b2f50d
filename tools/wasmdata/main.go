// Command wasmdata joins the data segments that Go's linker writes apart in
// a WebAssembly module and minifies the runtime's table of functions in
// them, rewriting the module in place.
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
// # The minify pass
//
// Then (unless -minify=false), like a JavaScript minifier without source
// maps, it drops what only tells a person where code came from
// (file:line) and shortens function names, in the runtime's own table of
// functions, runtime.pclntab, which Go's linker writes into the module's
// data. Nothing the runtime needs to run is lost: the stack-pointer
// deltas (pcsp), the stack maps and unsafe points (pcdata), funcdata,
// funcID, flags, args, deferreturn and the pc → function lookup stay,
// moved where they moved. (Go 1.26.8's sources; file:line references are
// to $GOROOT/src/runtime unless they name another directory.)
//
// # What the minify pass strips
//
// Each function's _func (runtime2.go:1072) points into runtime.pctab at
// its pc-value tables: pcsp, pcfile, pcln and npcdata pcdata tables. The
// linker writes each distinct table once (cmd/link/internal/ld/pcln.go,
// generatePctab), so one table may be one function's pcfile and another's
// pcdata. The pass sets pcfile and pcln to 0 in every _func ("no table":
// pcvalue returns -1, symtab.go:1021) and writes pctab anew with only the
// tables that a pcsp or pcdata offset reads, back to back in their old
// order, zeros after; the offsets follow them. The file table behind
// pcfile goes too: cuOffset in every _func and the contents of
// runtime.cutab and runtime.filetab, which only funcfile reads
// (symtab.go:1175), reached only through a valid pcfile (symtab.go:1196).
// So does startLine, the line of each func keyword, in every _func and
// inlining-tree entry (symtabinl.go:13), which only runtime.Frame's
// startLine reads, for profiles (symtab.go:170, 215, 804, 850).
// funcline1 (symtab.go:1191) then answers "?", 0 for every pc:
// runtime.Caller gives file "?" and line 0 (ok stays true), tracebacks
// print "?:0" where they printed "/path/file.go:12", the log package's
// Lshortfile prints "?:0".
//
// # Function names: what the runtime does with them on js/wasm
//
// The runtime reads function names (funcname, funcNameForPrint,
// srcFunc.name) in these places; the ones marked ★ change what a program
// does, not only what it prints:
//
//   - ★ stkframe.go:101 (argMapInternal): the garbage collector's stack
//     scan finds the argument pointer map of a frame whose args size is
//     unknown by comparing its function's name with "reflect.makeFuncStub"
//     and "reflect.methodValueCall" (assembly of unknown args size,
//     reflect/asm_wasm.s). Renamed, those frames would be scanned without
//     their pointer maps: memory corruption under reflect.MakeFunc and
//     method values.
//   - ★ error.go:324-349 (panicwrap): the nil check of a compiler-generated
//     *T wrapper of a value method T.M
//     (cmd/compile/internal/noder/reader.go:3879-3884) parses its caller's name, "pkg.(*T).M", into
//     the panic's message, and throws (fatal, not recoverable) when the name
//     does not have that shape. Renamed, the recoverable "value method
//     pkg.T.M called using nil *T pointer" would crash the program.
//   - ★ traceback.go:1404-1443 (isSystemGoroutine): a goroutine that starts
//     in a function whose name begins "runtime." (other than runtime.main,
//     handleAsyncEvent, runFinalizers and runCleanups, told by funcID) is a
//     system goroutine: not counted by runtime.NumGoroutine (proc.go,
//     gcount), by the deadlock detector (checkdead: "all goroutines are
//     asleep") or shown in goroutine dumps.
//   - ★ outside the runtime, reflect/value.go:186-203 (valueMethodName) and
//     internal/reflectlite/value.go:179-188 (methodName) name the method
//     in a ValueError's message from the calling frames' names
//     ("reflect.Value.Elem"), and reflect/value.go:1144 names a MakeFunc'd
//     function in a panic's message.
//   - traceback.go:1129-1169 (showfuncinfo): which frames a traceback
//     shows: none whose name has no ".", none that begins "runtime." and
//     is not exported (isExportedRuntime, traceback.go:1172), except
//     "runtime.gopanic" in the middle. Printing only.
//   - not on js/wasm: preempt.go:460-472 (isAsyncSafePoint: "runtime.",
//     "internal/runtime/", "reflect." are not preempted asynchronously),
//     as preemptMSupported is false (os_wasm.go:137); panic.go:57
//     (panicCheck1: goarch.IsWasm == 0); proc.go:5768
//     ("internal/runtime/atomic": mips and arm); debugcall.go:56 (build
//     tag amd64 || arm64 || loong64 || ppc64le || ppc64); plugin.go:108-117
//     (plugins, which js/wasm cannot load).
//   - printing only: proc.go:8112 (GODEBUG=inittrace's package names),
//     heapdump.go (debug.WriteHeapDump), traceback.go's tracebacks,
//     symtab.go:168 and 801-819 (runtime.Frame.Function and
//     (*runtime.Func).Name: what a program asks for), and the diagnostics
//     of a runtime about to throw (mcheckmark.go, mgcmark.go, stack.go,
//     stkframe.go:127-226, symtab.go:643-647 and 1128, hexdump.go).
//
// So the runtime's behaviour does depend on names, on js/wasm in the three
// ★ places above, but only on what a rename can keep; funcID, which the
// linker derives from names (cmd/internal/objabi/funcid.go) and which the
// runtime tests everywhere else, is not touched. Names are shortened
// (unless -names=false) to one name for each kind of function, which
// keeps what the runtime reads:
//
//   - whole: every name in packages reflect and internal/reflectlite (the
//     exact comparisons and the reflect messages) and "runtime.gopanic";
//   - "x.(*x).x" for every wrapper (funcID FuncIDWrapper) whose name has
//     ".(*": panicwrap parses it, and its recoverable panic reads "value
//     method x.x.x called using nil *x pointer";
//   - "runtime.X" for the runtime's exported functions, "runtime.x" for
//     the others: isSystemGoroutine and isExportedRuntime answer as
//     before;
//   - the package path of internal/runtime/... functions
//     ("internal/runtime/atomic.x");
//   - ".x" for every other function whose name had a ".", "_x" for the
//     ones without.
//
// A short name that was some function's old name gets "_" added. Each
// name is written once, back to back, zeros after, and the nameOffs of
// every _func and inlining-tree entry follow them. Programs that read
// their own functions' names (runtime.FuncForPC(pc).Name(),
// runtime.Frame.Function, the testing package's t.Helper) get the short
// ones, the same for distinct functions of a kind; the page's Go code and
// the packages it imports read them only for messages (go-app's
// errors.New records runtime.Caller's file:line, now "?:0").
//
// # Traceback arguments and unsafe points
//
// The pass also unlinks, in every _func, the ArgInfo and ArgLiveInfo
// funcdata, which only printArgs reads (traceback.go:662-669: a frame
// then prints "f()" rather than "f(0x1, 0x2)"), and the UnsafePoint and
// ArgLiveIndex pcdata, which only asynchronous preemption
// (preempt.go:443, isAsyncSafePoint) and debugger calls (debugcall.go:90)
// read, neither on js/wasm; pcdatavalue and funcdata answer "none" for
// them (offset 0, ^0), and the tables only they used leave pctab.
//
// # What the minify pass refuses
//
// The layout is the one Go 1.20 introduced (magic 0xFFFFFFF1) as Go 1.26
// writes it (cmd/link/internal/ld/pcln.go, symtab.go). The pass runs only
// on a module whose producers section names Go cmd/compile go1.26 (a later
// Go may keep the magic and change the _func), finds the one pcHeader that
// the one moduledata points at, and checks that the moduledata's slices
// are the header's tables, that nfunc is the code section's function
// count, that ftab lists the code section's functions in order, that
// every _func lies in the functab and agrees with its ftab entry, that its
// funcID, flag and table counts are ones Go 1.26 writes, that every
// pc-value table decodes and ends inside pctab, that every inlining tree
// lies in the data, and that every name offset starts a NUL-terminated
// name. Anything else fails the build with an error saying what did not
// match.
//
// Usage: go run ./tools/wasmdata [-minify=false] [-names=false] FILE.wasm
//
// or, before the build, go run ./tools/wasmdata -overlay DIR: writes
// DIR/overlay.json for go build's -overlay (findfunc.go).
package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
)

// maxGap is the longest run of zeros joined into a segment: longer runs
// would only make the file larger (app.wasm has none: one segment is left).
const maxGap = 4096

func main() {
	minify := flag.Bool("minify", true, "drop file:line from runtime.pclntab (and shorten names, see -names)")
	names := flag.Bool("names", true, "with -minify, shorten function names")
	overlay := flag.String("overlay", "", "write `DIR`/overlay.json, the runtime's findfunc without findfunctab, and do nothing else")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmdata [-minify=false] [-names=false] FILE.wasm\n       wasmdata -overlay DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *overlay != "" && flag.NArg() == 0 {
		if err := writeOverlay(*overlay); err != nil {
			fmt.Fprintln(os.Stderr, "wasmdata:", err)
			os.Exit(1)
		}
		return
	}
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *minify, *minify && *names); err != nil {
		fmt.Fprintln(os.Stderr, "wasmdata:", err)
		os.Exit(1)
	}
}

func run(name string, minify, names bool) error {
	module, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	joined, before, after, err := joinData(module, maxGap)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var stats minifyStats
	if minify {
		if joined, stats, err = minifyModule(joined, names); err != nil {
			return fmt.Errorf("%s: minify: %w", name, err)
		}
	}
	if err := os.WriteFile(name, joined, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d data segments joined into %d (%d → %d bytes)\n", name, before, after, len(module), len(joined))
	if minify {
		fmt.Printf("%s: %v\n", name, stats)
	}
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
// at most maxGap bytes lie between them, writing those bytes as zeros; the
// others start at a multiple of 8 (when the gap before allows). Go's
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
		// A new segment starts at a multiple of 8, the zeros the linker
		// left out in front written: a word the minify pass looks for
		// (a pointer whose low byte is 0) then lies in one segment.
		pad := s.offset % 8
		if n := len(joined); n > 0 {
			last := joined[n-1]
			pad = min(pad, s.offset-last.offset-uint32(len(last.data)))
		}
		joined = append(joined, segment{s.offset - pad, append(make([]byte, pad, int(pad)+len(s.data)), s.data...)})
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
