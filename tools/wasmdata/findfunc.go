package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// # findfunctab
//
// runtime.findfunc (symtab.go:923) finds a PC's function through
// findfunctab: one 20-byte bucket per 4096 bytes of PC. On js/wasm a
// function's PC is its index << 16 (textOff, symtab.go:726), so the
// table holds 16 buckets per function: 2.7 MB for app.wasm's 8,500
// functions, 17 KB of its brotli. There the ftab already has one entry
// per function, in order of its index (the linker writes it so, and
// funcs checks it), so the entry is at the index less the first's.
//
// writeOverlay writes a `go build -overlay` file that makes findfunc do
// so on js/wasm (checking the _func's own entryOff), and the minify pass
// zeroes findfunctab in a module built with it: it finds the overlay's
// message in the data. It also writes the first function's entryoff in
// every ftab entry but the last: only findfunc read the others, and
// moduledataverify1 (symtab.go:624) checks that they do not decrease and
// that the first and the last are the module's minpc and maxpc. A module
// built without the overlay keeps both.

// findfuncAnchor is where the overlay adds js/wasm's lookup in findfunc:
// once pcOff is known, before the buckets are read.
const findfuncAnchor = `	pcOff, ok := datap.textOff(pc)
	if !ok {
		return funcInfo{}
	}

	x := uintptr(pcOff) + datap.text - datap.minpc`

// findfuncMark is the overlay's throw, for a PC its ftab does not list;
// the minify pass reads its presence as the overlay's.
const findfuncMark = "findfunc: no ftab entry for this function index (js/wasm, tools/wasmdata's overlay)"

const findfuncWasm = `	pcOff, ok := datap.textOff(pc)
	if !ok {
		return funcInfo{}
	}
	if GOARCH == "wasm" {
		// corsplay's overlay (tools/wasmdata/findfunc.go): the ftab has an
		// entry per function, in order of its index, pcOff.
		i := uintptr(pcOff - datap.ftab[0].entryoff)
		if i+1 >= uintptr(len(datap.ftab)) {
			throw("` + findfuncMark + `")
		}
		f := (*_func)(unsafe.Pointer(&datap.pclntable[datap.ftab[i].funcoff]))
		if f.entryOff != pcOff {
			throw("` + findfuncMark + `")
		}
		return funcInfo{f, datap}
	}

	x := uintptr(pcOff) + datap.text - datap.minpc`

// writeOverlay writes dir/_runtime/symtab.go, GOROOT's with findfunc's
// js/wasm lookup (in a folder the go command's ./... leaves out), and
// dir/overlay.json naming it, for `go build -overlay dir/overlay.json`.
func writeOverlay(dir string) error {
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		return fmt.Errorf("go env: %v", err)
	}
	env := strings.Fields(string(out))
	if len(env) != 2 || !knownRelease(env[1]) {
		return fmt.Errorf("go env GOROOT GOVERSION gave %q: the overlay is for %v", out, knownGo)
	}
	orig := filepath.Join(env[0], "src", "runtime", "symtab.go")
	src, err := os.ReadFile(orig)
	if err != nil {
		return err
	}
	if strings.Count(string(src), findfuncAnchor) != 1 {
		return fmt.Errorf("%s: findfunc's lookup is not there once; the runtime changed, review tools/wasmdata/findfunc.go", orig)
	}
	text := strings.Replace(string(src), findfuncAnchor, findfuncWasm, 1)
	dst, err := filepath.Abs(filepath.Join(dir, "_runtime", "symtab.go"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(dst, []byte(text), 0o644); err != nil {
		return err
	}
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {orig: dst}})
	return os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644)
}

// knownRelease reports whether version (go1.26.8) is of a release in
// knownGo.
func knownRelease(version string) bool {
	for _, k := range knownGo {
		if version == k || strings.HasPrefix(version, k+".") {
			return true
		}
	}
	return false
}
