package main

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The minify pass: what it strips, why that is safe (the runtime's uses
// of function names, with file:line references) and what it refuses are in
// the package's doc comment, in main.go.

// knownGo are the Go releases whose pclntab layout and name uses the pass
// was checked against (runtime/symtab.go, symtabinl.go, runtime2.go,
// internal/abi/symtab.go, cmd/link/internal/ld/pcln.go and symtab.go, and
// the places listed above). Add one only after checking them again.
var knownGo = []string{"go1.26"}

// Constants of the layout (internal/abi/symtab.go, runtime2.go,
// cmd/link/internal/wasm/asm.go).
const (
	pcMagic         = 0xFFFFFFF1 // abi.Go120PCLnTabMagic
	headerSize      = 8 + 8*8    // pcHeader with 8-byte pointers
	funcSize        = 11 * 4     // _func without its pcdata and funcdata
	funcIDWrapper   = 23         // abi.FuncIDWrapper, the last FuncID
	maxFuncFlag     = 1<<3 - 1   // abi.FuncFlagTopFrame|FuncFlagSPWRITE|FuncFlagAsm
	maxPCData       = 5          // abi.PCDATA_PanicBounds + 1
	maxFuncData     = 8          // abi.FUNCDATA_WrapInfo + 1
	pcdataUnsafe    = 0          // abi.PCDATA_UnsafePoint
	pcdataInlTree   = 2          // abi.PCDATA_InlTreeIndex
	pcdataArgLive   = 3          // abi.PCDATA_ArgLiveIndex
	funcdataArgInfo = 5          // abi.FUNCDATA_ArgInfo
	funcdataArgLive = 6          // abi.FUNCDATA_ArgLiveInfo
	funcdataInlTree = 3          // abi.FUNCDATA_InlTree
	inlinedCallSize = 16         // runtime.inlinedCall
	noCU            = ^uint32(0)
	noFuncdata      = ^uint32(0)
	funcValueOffset = 0x1000 // wasm: a function's PC_F is its index plus this
	moduledataWords = 42     // moduledata's pointer-size words read: pcHeader … gofunc, epclntab
	mdFindfunctab   = 19     // moduledata.findfunctab's word
	mdMinpc         = 20     // moduledata.minpc's word
	mdMaxpc         = 21     // moduledata.maxpc's word
	findfuncBucket  = 4096   // abi.FuncTabBucketSize: PC bytes per findfunctab bucket
	findfuncSub     = 256    // and per subbucket (cmd/link/internal/ld/pcln.go:1004)
	mdGofunc        = 40     // moduledata.gofunc's word
	mdEpclntab      = 41     // moduledata.epclntab's word
)

// _func's fields (runtime2.go:1073).
const (
	fEntryOff  = 0
	fNameOff   = 4
	fPcsp      = 16
	fPcfile    = 20
	fPcln      = 24
	fNpcdata   = 28
	fCuOffset  = 32
	fStartLine = 36
	fFuncID    = 40
	fFlag      = 41
	fPad       = 42
	fNfuncdata = 43
)

// inlinedCall's fields (symtabinl.go:13).
const (
	iFuncID    = 0
	iNameOff   = 4
	iStartLine = 12
)

// minifyStats says what the pass did.
type minifyStats struct {
	funcs          int // _func entries
	inlined        int // inlining-tree entries
	pctab          int // bytes in runtime.pctab
	pctabKept      int // of them kept (pcsp and pcdata tables)
	fileTabs       int // bytes of runtime.cutab and runtime.filetab zeroed
	names          int // names in runtime.funcnametab
	namesShortened int
	nameBytes      int // bytes of funcnametab
	nameBytesAfter int // bytes of the names (with their NULs) after
	argInfo        int // _funcs whose traceback argument tables went
	findfunctab    int // bytes of runtime.findfunctab zeroed
}

// dropTables unlinks what only a traceback's argument list and
// asynchronous preemption read: the ArgInfo and ArgLiveInfo funcdata
// (traceback.go:663-669, printArgs: none, and the frame prints "()") and
// the ArgLiveIndex and UnsafePoint pcdata (preempt.go:443 and
// debugcall.go:90, neither run on js/wasm: main.go's doc). It reports
// whether f had an ArgInfo.
func dropTables(f fn) int {
	for _, j := range []uint32{pcdataUnsafe, pcdataArgLive} {
		if j < f.npcdata() {
			le.PutUint32(f.pcdata(j), 0)
		}
	}
	had := 0
	for _, j := range []uint32{funcdataArgInfo, funcdataArgLive} {
		if j < uint32(f[fNfuncdata]) {
			if j == funcdataArgInfo && le.Uint32(f.funcdata(j)) != noFuncdata {
				had = 1
			}
			le.PutUint32(f.funcdata(j), noFuncdata)
		}
	}
	return had
}

func (s minifyStats) String() string {
	str := fmt.Sprintf("pclntab of %d functions (%d inlined calls): file:line dropped, pctab %d → %d bytes, cutab+filetab's %d bytes zeroed",
		s.funcs, s.inlined, s.pctab, s.pctabKept, s.fileTabs)
	str += fmt.Sprintf(", %d functions' argument tables and every unsafe-point table unlinked, findfunctab's %d bytes zeroed (and ftab's entry offsets)", s.argInfo, s.findfunctab)
	if s.names > 0 {
		str += fmt.Sprintf("; %d of %d names shortened, funcnametab %d → %d bytes", s.namesShortened, s.names, s.nameBytes, s.nameBytesAfter)
	}
	return str
}

// minifyModule applies the minify pass to a Go-built WebAssembly module,
// giving the module with its data section rewritten (same segments of the
// same sizes, some bytes changed) and the other sections as they were.
func minifyModule(module []byte, names bool) ([]byte, minifyStats, error) {
	secs, err := sections(module)
	if err != nil {
		return nil, minifyStats{}, err
	}
	var code, data *section
	var version string
	for i := range secs {
		s := &secs[i]
		switch s.id {
		case 10:
			code = s
		case 11:
			data = s
		case 0:
			if name, body, ok := customSection(module[s.body:s.end]); ok && name == "producers" {
				if version, err = compilerVersion(body); err != nil {
					return nil, minifyStats{}, fmt.Errorf("producers section: %w", err)
				}
			}
		}
	}
	if version == "" {
		return nil, minifyStats{}, errors.New("no producers section: cannot tell which Go built the module, so cannot tell its pclntab's layout")
	}
	if !slices.ContainsFunc(knownGo, func(v string) bool { return version == v || strings.HasPrefix(version, v+".") }) {
		return nil, minifyStats{}, fmt.Errorf("built by %s, but the pclntab layout was checked for %s only: check its layout and the runtime's uses of function names (tools/wasmdata/pclntab.go says where) and add it to knownGo, or build with -minify=false", version, strings.Join(knownGo, ", "))
	}
	if code == nil || data == nil {
		return nil, minifyStats{}, errors.New("no code section or no data section")
	}
	r := reader{b: module[code.body:code.end]}
	nfuncs := int(r.u32())
	if r.err != nil {
		return nil, minifyStats{}, errors.New("code section: no function count")
	}
	segments, err := readData(module[data.body:data.end])
	if err != nil {
		return nil, minifyStats{}, fmt.Errorf("data section: %w", err)
	}
	for i := range segments {
		segments[i].data = slices.Clone(segments[i].data)
	}
	stats, err := minifyPclntab(segments, nfuncs, names)
	if err != nil {
		return nil, minifyStats{}, err
	}
	body := writeData(segments)
	out := make([]byte, 0, len(module))
	out = append(out, module[:data.start]...)
	out = append(out, 11)
	out = uleb(out, uint32(len(body)))
	out = append(out, body...)
	out = append(out, module[data.end:]...)
	return out, stats, nil
}

// section is one section of a module: its id, where its header starts,
// where its contents start and where it ends.
type section struct {
	id               byte
	start, body, end int
}

func sections(module []byte) ([]section, error) {
	if !bytes.HasPrefix(module, []byte("\x00asm\x01\x00\x00\x00")) {
		return nil, errors.New("not a WebAssembly 1.0 module")
	}
	var secs []section
	r := reader{b: module, at: 8}
	for r.at < len(module) {
		start := r.at
		id := r.byte()
		size := r.u32()
		if r.err != nil || int(size) > len(module)-r.at {
			return nil, fmt.Errorf("section at byte %d: its size runs past the end", start)
		}
		secs = append(secs, section{id, start, r.at, r.at + int(size)})
		r.at += int(size)
	}
	return secs, nil
}

// customSection splits a custom section's contents into its name and the
// rest (WebAssembly Core §5.5.3).
func customSection(b []byte) (name string, body []byte, ok bool) {
	r := reader{b: b}
	n := r.u32()
	if r.err != nil || int(n) > len(b)-r.at {
		return "", nil, false
	}
	return string(b[r.at : r.at+int(n)]), b[r.at+int(n):], true
}

// compilerVersion reads the version of "Go cmd/compile" in a producers
// section (the WebAssembly tool conventions' ProducersSection.md): fields,
// each a name and (name, version) pairs; Go writes "processed-by" with
// "Go cmd/compile" and its version, "go1.26.8".
func compilerVersion(b []byte) (string, error) {
	r := reader{b: b}
	str := func() string {
		n := r.u32()
		if r.err != nil || int(n) > len(b)-r.at {
			r.err = errors.New("a string runs past the end")
			return ""
		}
		r.at += int(n)
		return string(b[r.at-int(n) : r.at])
	}
	for range r.u32() {
		field := str()
		for range r.u32() {
			name, version := str(), str()
			if r.err == nil && field == "processed-by" && name == "Go cmd/compile" {
				return version, nil
			}
		}
	}
	if r.err != nil {
		return "", r.err
	}
	return "", errors.New(`no "processed-by" "Go cmd/compile": cannot tell which Go built the module, so cannot tell its pclntab's layout`)
}

// memory is the module's initial memory as its data segments hold it.
type memory []segment

// at gives the n bytes at addr, aliasing the segment that holds them, or
// nil when no one segment holds them all.
func (m memory) at(addr, n uint64) []byte {
	for _, s := range m {
		if addr >= uint64(s.offset) && addr+n >= addr && addr+n <= uint64(s.offset)+uint64(len(s.data)) {
			start := addr - uint64(s.offset)
			return s.data[start : start+n : start+n]
		}
	}
	return nil
}

// contains reports whether b lies in one of the memory's segments.
func (m memory) contains(b []byte) bool {
	return slices.ContainsFunc(m, func(s segment) bool { return bytes.Contains(s.data, b) })
}

// find gives the addresses, multiples of 8, where b lies in the memory.
func (m memory) find(b []byte) []uint64 {
	var found []uint64
	for _, s := range m {
		for i := 0; ; {
			j := bytes.Index(s.data[i:], b)
			if j < 0 {
				break
			}
			if addr := uint64(s.offset) + uint64(i+j); addr%8 == 0 {
				found = append(found, addr)
			}
			i += j + 1
		}
	}
	return found
}

var le = binary.LittleEndian

// pclntab is the table found: views of the memory's bytes.
type pclntab struct {
	mem         memory
	nfunc       int
	funcnametab []byte
	cutab       []byte
	filetab     []byte
	pctab       []byte
	functab     []byte // runtime.functab: ftab, then the _funcs
	findfunctab []byte
	gofunc      uint64 // where funcdata offsets count from
}

// fn is one _func with its pcdata and funcdata offsets.
type fn []byte

func (f fn) npcdata() uint32          { return le.Uint32(f[fNpcdata:]) }
func (f fn) pcdata(j uint32) []byte   { return f[funcSize+4*j:][:4] }
func (f fn) funcdata(j uint32) []byte { return f[funcSize+4*f.npcdata()+4*j:][:4] }

// minifyPclntab finds runtime.pclntab in the memory's segments, checks
// it, and strips it (see the comment at the top of the file), changing the
// segments' bytes in place. nfuncs is the code section's function count.
func minifyPclntab(segs []segment, nfuncs int, names bool) (minifyStats, error) {
	t, err := findPclntab(memory(segs), nfuncs)
	if err != nil {
		return minifyStats{}, err
	}
	funcs, err := t.funcs()
	if err != nil {
		return minifyStats{}, err
	}
	inlined, err := t.inlinedCalls(funcs)
	if err != nil {
		return minifyStats{}, err
	}
	stats := minifyStats{funcs: len(funcs), inlined: len(inlined), pctab: len(t.pctab)}
	for _, f := range funcs {
		stats.argInfo += dropTables(f)
	}
	if t.mem.contains([]byte(findfuncMark)) { // built with writeOverlay's findfunc
		clear(t.findfunctab)
		stats.findfunctab = len(t.findfunctab)
		for i := 1; i < t.nfunc; i++ {
			le.PutUint32(t.functab[8*i:], funcValueOffset)
		}
	}
	if stats.pctabKept, err = t.compactPctab(funcs); err != nil {
		return minifyStats{}, err
	}
	for _, f := range funcs {
		le.PutUint32(f[fCuOffset:], 0)
		le.PutUint32(f[fStartLine:], 0)
	}
	for _, c := range inlined {
		le.PutUint32(c[iStartLine:], 0)
	}
	clear(t.cutab)
	clear(t.filetab)
	stats.fileTabs = len(t.cutab) + len(t.filetab)
	if names {
		n, err := t.shortenNames(funcs, inlined)
		if err != nil {
			return minifyStats{}, err
		}
		stats.names, stats.namesShortened, stats.nameBytes, stats.nameBytesAfter = n.names, n.shortened, len(t.funcnametab), n.after
	}
	return stats, nil
}

// findPclntab finds the one pcHeader that the one moduledata points at
// and checks the two against each other and the code section.
func findPclntab(mem memory, nfuncs int) (*pclntab, error) {
	magic := le.AppendUint32(nil, pcMagic)
	magic = append(magic, 0, 0, 1, 8) // pad1, pad2, minLC (wasm: 1), ptrSize
	found := mem.find(magic)
	if len(found) == 0 {
		for _, old := range []uint32{0xFFFFFFF0, 0xFFFFFFFA, 0xFFFFFFFB} {
			if len(mem.find(append(le.AppendUint32(nil, old), 0, 0, 1, 8))) > 0 {
				return nil, fmt.Errorf("no pclntab header of Go 1.20 or later (magic %#x) in the data, but an older one's magic (%#x): not a layout this pass knows", uint32(pcMagic), old)
			}
		}
		return nil, fmt.Errorf("no pclntab header (magic %#x, 8-byte pointers) in the data", uint32(pcMagic))
	}
	var tabs []*pclntab
	var errs []error
	for _, addr := range found {
		t, err := checkPclntab(mem, addr, nfuncs)
		if err != nil {
			errs = append(errs, fmt.Errorf("the pclntab header at %#x: %w", addr, err))
			continue
		}
		tabs = append(tabs, t)
	}
	switch len(tabs) {
	case 0:
		return nil, errors.Join(errs...)
	case 1:
		return tabs[0], nil
	}
	return nil, fmt.Errorf("%d pclntab headers check out, not one", len(tabs))
}

func checkPclntab(mem memory, hdrAddr uint64, nfuncs int) (*pclntab, error) {
	h := mem.at(hdrAddr, headerSize)
	if h == nil {
		return nil, errors.New("it runs past its segment")
	}
	nfunc, nfiles, unused := le.Uint64(h[8:]), le.Uint64(h[16:]), le.Uint64(h[24:])
	var offs [5]uint64 // funcnametab, cutab, filetab, pctab, functab
	for i := range offs {
		offs[i] = le.Uint64(h[32+8*i:])
	}
	if unused != 0 {
		return nil, fmt.Errorf("its unused word (once textStart) is %#x, not 0", unused)
	}
	if nfunc != uint64(nfuncs) {
		return nil, fmt.Errorf("nfunc is %d, but the code section has %d functions", nfunc, nfuncs)
	}
	if offs[0] != headerSize || !slices.IsSorted(offs[:]) || offs[4] > 1<<32 || nfiles > 1<<24 {
		return nil, fmt.Errorf("its offsets %v (nfiles %d) are not a layout this pass knows", offs, nfiles)
	}

	// The moduledata: pcHeader, then funcnametab, cutab, filetab, pctab,
	// pclntable and ftab as slices, …, gofunc, epclntab.
	mds := mem.find(le.AppendUint64(le.AppendUint64(nil, hdrAddr), hdrAddr+offs[0]))
	if len(mds) != 1 {
		return nil, fmt.Errorf("%d moduledata point at it, not one", len(mds))
	}
	md := mem.at(mds[0], 8*moduledataWords)
	if md == nil {
		return nil, errors.New("its moduledata runs past its segment")
	}
	slice := func(i int) (ptr, n uint64) {
		ptr, n, c := le.Uint64(md[8+24*i:]), le.Uint64(md[16+24*i:]), le.Uint64(md[24+24*i:])
		if n != c {
			return 0, 0
		}
		return ptr, n
	}
	t := &pclntab{mem: mem, nfunc: int(nfunc)}
	for i, dst := range []*[]byte{&t.funcnametab, &t.cutab, &t.filetab, &t.pctab} {
		p, n := slice(i)
		if i == 1 { // cutab is a []uint32
			n *= 4
		}
		if p != hdrAddr+offs[i] || offs[i]+n != offs[i+1] {
			return nil, fmt.Errorf("moduledata's slice %d (%#x, %d bytes) is not the header's table %d at +%d…+%d", i, p, n, i, offs[i], offs[i+1])
		}
		*dst = mem.at(p, n)
	}
	p, n := slice(4) // pclntable: the functab
	if p != hdrAddr+offs[4] || n < 8*nfunc+4 {
		return nil, fmt.Errorf("moduledata's pclntable (%#x, %d bytes) is not the header's functab at +%d", p, n, offs[4])
	}
	if p, m := slice(5); p != hdrAddr+offs[4] || m != nfunc+1 { // ftab
		return nil, fmt.Errorf("moduledata's ftab (%#x, %d entries) is not the functab's %d entries", p, m, nfunc+1)
	}
	// After the functab, go:func.* (funcdata) and findfunctab, to
	// epclntab; the first function's PC is its PC_F, 0x1000, << 16.
	t.gofunc = le.Uint64(md[8*mdGofunc:])
	findfunctab, minpc, end := le.Uint64(md[8*mdFindfunctab:]), le.Uint64(md[8*mdMinpc:]), le.Uint64(md[8*mdEpclntab:])
	if !(hdrAddr+offs[4]+n <= t.gofunc && t.gofunc < findfunctab && findfunctab < end) || minpc != funcValueOffset<<16 {
		return nil, fmt.Errorf("moduledata's gofunc %#x, findfunctab %#x, epclntab %#x and minpc %#x are not laid out as Go 1.26 does after the functab's end, %#x", t.gofunc, findfunctab, end, minpc, hdrAddr+offs[4]+n)
	}
	maxpc := le.Uint64(md[8*mdMaxpc:])
	// A uint32 a bucket and a byte a subbucket (pcln.go:1020-1024).
	size := 4*((maxpc-minpc+findfuncBucket-1)/findfuncBucket) + (maxpc-minpc+findfuncSub-1)/findfuncSub
	if maxpc <= minpc || findfunctab+size != end {
		return nil, fmt.Errorf("moduledata's findfunctab (%#x) for PCs %#x to %#x does not end at epclntab, %#x", findfunctab, minpc, maxpc, end)
	}
	t.findfunctab = mem.at(findfunctab, size)
	if t.functab = mem.at(p, n); t.findfunctab == nil || t.functab == nil || t.funcnametab == nil || t.cutab == nil || t.filetab == nil || t.pctab == nil {
		return nil, errors.New("its tables do not lie in one data segment")
	}
	return t, nil
}

// funcs checks ftab and gives each _func.
func (t *pclntab) funcs() ([]fn, error) {
	ftab := t.functab
	funcs := make([]fn, t.nfunc)
	ftabEnd := uint32(8*t.nfunc + 4)
	for i := range t.nfunc {
		entry, off := le.Uint32(ftab[8*i:]), le.Uint32(ftab[8*i+4:])
		next := le.Uint32(ftab[8*(i+1):])
		// Wasm: entryoff is the function's index in the code section
		// plus funcValueOffset (cmd/link/internal/wasm/asm.go:45, 104;
		// ld/pcln.go textOff).
		if entry != funcValueOffset+uint32(i) || next != entry+1 {
			return nil, fmt.Errorf("ftab entry %d is for function %#x, the next for %#x: not the code section's functions in order", i, entry, next)
		}
		if off%8 != 0 || off < ftabEnd || uint64(off)+funcSize > uint64(len(ftab)) || i > 0 && off <= le.Uint32(ftab[8*i-4:]) {
			return nil, fmt.Errorf("ftab entry %d: its _func at functab+%d is out of place", i, off)
		}
		f := fn(ftab[off:])
		npcdata, nfuncdata := f.npcdata(), uint32(f[fNfuncdata])
		size := funcSize + 4*(npcdata+nfuncdata)
		if npcdata > maxPCData || nfuncdata > maxFuncData || uint64(off)+uint64(size) > uint64(len(ftab)) {
			return nil, fmt.Errorf("_func %d: %d pcdata, %d funcdata: more than Go 1.26 writes", i, npcdata, nfuncdata)
		}
		if i+1 < t.nfunc && off+size > le.Uint32(ftab[8*(i+1)+4:]) {
			return nil, fmt.Errorf("_func %d runs into the next", i)
		}
		f = f[:size:size]
		if got := le.Uint32(f[fEntryOff:]); got != entry {
			return nil, fmt.Errorf("_func %d: entryOff %#x, but ftab says %#x", i, got, entry)
		}
		if f[fFuncID] > funcIDWrapper || f[fFlag] > maxFuncFlag || f[fPad] != 0 {
			return nil, fmt.Errorf("_func %d: funcID %d, flag %#x, pad %d: not what Go 1.26 writes", i, f[fFuncID], f[fFlag], f[fPad])
		}
		if !t.nameAt(le.Uint32(f[fNameOff:])) {
			return nil, fmt.Errorf("_func %d: nameOff %d does not start a name in funcnametab", i, le.Uint32(f[fNameOff:]))
		}
		if cu := le.Uint32(f[fCuOffset:]); cu != noCU && uint64(cu)*4 >= uint64(len(t.cutab)) {
			return nil, fmt.Errorf("_func %d: cuOffset %d past cutab's %d entries", i, cu, len(t.cutab)/4)
		}
		funcs[i] = f
	}
	return funcs, nil
}

// nameAt reports whether a name starts at off in funcnametab.
func (t *pclntab) nameAt(off uint32) bool {
	return int(off) < len(t.funcnametab) && t.funcnametab[off] != 0 && (off == 0 || t.funcnametab[off-1] == 0)
}

// inlinedCalls gives the entries of every function's inlining tree that
// its PCDATA_InlTreeIndex table can reach (the runtime reads no other:
// symtabinl.go), checked.
func (t *pclntab) inlinedCalls(funcs []fn) ([][]byte, error) {
	var calls [][]byte
	seen := map[uint64]bool{}
	for i, f := range funcs {
		if uint32(f[fNfuncdata]) <= funcdataInlTree {
			continue
		}
		off := le.Uint32(f.funcdata(funcdataInlTree))
		if off == noFuncdata {
			continue
		}
		n := 0
		if f.npcdata() > pcdataInlTree {
			if tab := le.Uint32(f.pcdata(pcdataInlTree)); tab != 0 {
				most, err := tableMax(t.pctab, tab)
				if err != nil {
					return nil, fmt.Errorf("_func %d: its inlining index table: %w", i, err)
				}
				n = int(most) + 1
			}
		}
		if n == 0 {
			continue
		}
		addr := t.gofunc + uint64(off)
		tree := t.mem.at(addr, uint64(n)*inlinedCallSize)
		if tree == nil {
			return nil, fmt.Errorf("_func %d: its inlining tree of %d calls at %#x lies outside the data", i, n, addr)
		}
		if seen[addr] {
			return nil, fmt.Errorf("_func %d: its inlining tree at %#x is another function's too", i, addr)
		}
		seen[addr] = true
		for j := range n {
			c := tree[inlinedCallSize*j:][:inlinedCallSize:inlinedCallSize]
			if c[iFuncID] > funcIDWrapper || c[1]|c[2]|c[3] != 0 || !t.nameAt(le.Uint32(c[iNameOff:])) {
				return nil, fmt.Errorf("_func %d: inlined call %d (% x) is not what Go 1.26 writes", i, j, c)
			}
			calls = append(calls, c)
		}
	}
	return calls, nil
}

// span is a run of pctab's bytes: [start, end), and where it moves.
type span struct{ start, end, to uint32 }

// compactPctab writes pctab anew with only the pcsp and pcdata tables, in
// their order, zeros after, points each _func's pcsp and pcdata at their
// new places and sets pcfile and pcln to 0. It gives the bytes kept.
func (t *pclntab) compactPctab(funcs []fn) (int, error) {
	var kept []span
	check := func(i int, what string, off uint32, keep bool) error {
		if off == 0 {
			return nil
		}
		n, err := tableLen(t.pctab, off)
		if err != nil {
			return fmt.Errorf("_func %d: its %s table at pctab+%d: %w", i, what, off, err)
		}
		if keep {
			kept = append(kept, span{start: off, end: off + uint32(n)})
		}
		return nil
	}
	for i, f := range funcs {
		if err := check(i, "pcsp", le.Uint32(f[fPcsp:]), true); err != nil {
			return 0, err
		}
		for j := range f.npcdata() {
			if err := check(i, "pcdata "+strconv.Itoa(int(j)), le.Uint32(f.pcdata(j)), true); err != nil {
				return 0, err
			}
		}
		// Not kept, but they must read as tables too: the layout is
		// as expected.
		if err := check(i, "pcfile", le.Uint32(f[fPcfile:]), false); err != nil {
			return 0, err
		}
		if err := check(i, "pcln", le.Uint32(f[fPcln:]), false); err != nil {
			return 0, err
		}
	}
	// Join tables that overlap or touch into blocks, which move whole.
	slices.SortFunc(kept, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var blocks []span
	for _, s := range kept {
		if n := len(blocks); n > 0 && s.start <= blocks[n-1].end {
			blocks[n-1].end = max(blocks[n-1].end, s.end)
			continue
		}
		blocks = append(blocks, s)
	}
	pctab := make([]byte, len(t.pctab)) // pctab[0] stays 0: offset 0 is no table
	at := uint32(1)
	for i := range blocks {
		b := &blocks[i]
		b.to = at
		at += uint32(copy(pctab[at:], t.pctab[b.start:b.end]))
	}
	move := func(p []byte) bool {
		off := le.Uint32(p)
		if off == 0 {
			return true
		}
		i, ok := slices.BinarySearchFunc(blocks, off, func(b span, off uint32) int {
			if b.end <= off {
				return -1
			}
			if b.start > off {
				return 1
			}
			return 0
		})
		if ok {
			le.PutUint32(p, blocks[i].to+off-blocks[i].start)
		}
		return ok
	}
	for i, f := range funcs {
		ok := move(f[fPcsp:])
		for j := range f.npcdata() {
			ok = ok && move(f.pcdata(j))
		}
		if !ok {
			return 0, fmt.Errorf("_func %d: a table that was not kept", i) // cannot happen
		}
		le.PutUint32(f[fPcfile:], 0)
		le.PutUint32(f[fPcln:], 0)
	}
	copy(t.pctab, pctab)
	return int(at), nil
}

// readTable reads the pc-value table at off as the runtime's step reads it
// (symtab.go:1285): pairs of a zig-zag value delta and a pc delta, both
// varints, until a value delta of one zero byte where the pc is past the
// entry. It gives the table's length and its largest value (values start
// at -1).
func readTable(pctab []byte, off uint32) (n int, most int32, err error) {
	p := int(off)
	varint := func() (uint32, bool) {
		var v uint32
		for shift := 0; shift < 35; shift += 7 {
			if p >= len(pctab) {
				return 0, false
			}
			c := pctab[p]
			p++
			v |= uint32(c&0x7f) << shift
			if c < 0x80 {
				return v, true
			}
		}
		return 0, false
	}
	pc, val := uint64(0), int32(-1)
	most = -1
	for {
		if p >= len(pctab) {
			return 0, 0, errors.New("it runs past pctab's end")
		}
		if pctab[p] == 0 && pc != 0 {
			return p + 1 - int(off), most, nil
		}
		uv, ok := varint()
		if !ok {
			return 0, 0, errors.New("a bad value delta")
		}
		val += int32(-(uv & 1) ^ (uv >> 1))
		most = max(most, val)
		d, ok := varint()
		if !ok {
			return 0, 0, errors.New("a bad pc delta")
		}
		if pc += uint64(d); pc > 1<<32 {
			return 0, 0, errors.New("pcs past 2^32")
		}
	}
}

func tableLen(pctab []byte, off uint32) (int, error) {
	n, _, err := readTable(pctab, off)
	return n, err
}

func tableMax(pctab []byte, off uint32) (int32, error) {
	_, most, err := readTable(pctab, off)
	if err == nil && most >= 1<<16 {
		err = fmt.Errorf("an index of %d", most)
	}
	return most, err
}

type nameStats struct{ names, shortened, after int }

// shortenNames writes funcnametab anew: each name shortened (or kept, see
// the comment at the top of the file), back to back, zeros after, and
// points the _funcs and inlined calls at them.
func (t *pclntab) shortenNames(funcs []fn, inlined [][]byte) (nameStats, error) {
	tab := t.funcnametab
	// The names: NUL-terminated, back to back, then fewer than 8 zeros.
	var starts []uint32
	var olds []string
	taken := map[string]bool{}
	for at := 0; at < len(tab); {
		if tab[at] == 0 {
			if len(tab)-at >= 8 || slices.ContainsFunc(tab[at:], func(c byte) bool { return c != 0 }) {
				return nameStats{}, fmt.Errorf("funcnametab: an empty name at %d", at)
			}
			break
		}
		n := bytes.IndexByte(tab[at:], 0)
		if n < 0 {
			return nameStats{}, errors.New("funcnametab: its last name has no NUL")
		}
		starts = append(starts, uint32(at))
		olds = append(olds, string(tab[at:at+n]))
		taken[olds[len(olds)-1]] = true
		at += n + 1
	}
	wrapper := map[uint32]bool{}
	for _, f := range funcs {
		if f[fFuncID] == funcIDWrapper {
			wrapper[le.Uint32(f[fNameOff:])] = true
		}
	}
	for _, c := range inlined {
		if c[iFuncID] == funcIDWrapper {
			wrapper[le.Uint32(c[iNameOff:])] = true
		}
	}
	st := nameStats{names: len(starts)}
	moved := make(map[uint32]uint32, len(starts))
	written := map[string]uint32{} // where each new name is
	out := make([]byte, 0, len(tab))
	for i, old := range olds {
		name := old
		if short := naming.short(old, wrapper[starts[i]]); short != old && !naming.keep(old) {
			for taken[short] {
				short += "_"
			}
			name = short
			st.shortened++
		}
		at, ok := written[name]
		if !ok {
			at = uint32(len(out))
			written[name] = at
			out = append(out, name...)
			out = append(out, 0)
		}
		moved[starts[i]] = at
	}
	st.after = len(out)
	refs := make([][]byte, 0, len(funcs)+len(inlined))
	for _, f := range funcs {
		refs = append(refs, f[fNameOff:fNameOff+4])
	}
	for _, c := range inlined {
		refs = append(refs, c[iNameOff:iNameOff+4])
	}
	for _, p := range refs {
		off := le.Uint32(p)
		to, ok := moved[off]
		if !ok {
			return nameStats{}, fmt.Errorf("funcnametab: a name offset %d does not start a name", off)
		}
		le.PutUint32(p, to)
	}
	clear(tab)
	copy(tab, out)
	return st, nil
}

// naming is how shortenNames names: keepWhole and shortName (the tests
// try others, to show what the runtime needs of names).
var naming = struct {
	keep  func(name string) bool
	short func(old string, wrapper bool) string
}{keepWhole, shortName}

// keepWhole reports whether a name stays as it is: the ones the runtime
// or package reflect compare.
func keepWhole(name string) bool {
	return strings.HasPrefix(name, "reflect.") ||
		strings.HasPrefix(name, "internal/reflectlite.") ||
		name == "runtime.gopanic"
}

// shortName is the name old's function gets: one of a few, each shared by
// every function of its kind, which keep what the runtime tests of old
// (main.go's doc). A wrapper's keeps the shape panicwrap parses.
func shortName(old string, wrapper bool) string {
	const rt, irt = "runtime.", "internal/runtime/"
	switch {
	case strings.HasPrefix(old, rt):
		if c := old[len(rt):]; c != "" && 'A' <= c[0] && c[0] <= 'Z' {
			return rt + "X"
		}
		return rt + "x"
	case strings.HasPrefix(old, irt):
		if i := strings.IndexByte(old[len(irt):], '.'); i >= 0 {
			return old[:len(irt)+i] + ".x"
		}
		return old
	case wrapper && strings.Contains(old, ".(*"):
		return "x.(*x).x"
	case !strings.Contains(old, "."):
		return "_x"
	}
	return ".x"
}
