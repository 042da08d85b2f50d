package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// builds are testdata/minify's modules built so far, by flags, in
// buildDir (go build links anew each time: seconds).
var (
	buildMu  sync.Mutex
	builds   = map[string][]byte{}
	buildDir string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// build builds testdata/minify for js/wasm with flags, joins its data
// segments as wasmdata does, and gives the module.
func build(t *testing.T, flags ...string) []byte {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := strings.Join(flags, "\x00")
	if m, ok := builds[key]; ok {
		return m
	}
	if buildDir == "" {
		var err error
		if buildDir, err = os.MkdirTemp("", "wasmdata-test"); err != nil {
			t.Fatal(err)
		}
	}
	wasm := filepath.Join(buildDir, strconv.Itoa(len(builds))+".wasm")
	args := append([]string{"build", "-o", wasm}, flags...)
	if i := slices.Index(args, overlayFlag); i >= 0 {
		if err := writeOverlay(buildDir); err != nil {
			t.Fatal(err)
		}
		args[i] = "-overlay=" + filepath.Join(buildDir, "overlay.json")
	}
	cmd := exec.Command("go", append(args, "./testdata/minify")...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	module, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	joined, _, _, err := joinData(module, maxGap)
	if err != nil {
		t.Fatal(err)
	}
	builds[key] = joined
	return joined
}

// makeFlags are make wasm's build flags; build writes the overlay.
var makeFlags = []string{"-trimpath", "-ldflags=-s -w", "-gcflags=all=-l", overlayFlag}

const overlayFlag = "-overlay"

// result is what a run of a program printed and how it ended.
type result struct {
	stdout, stderr string
	code           int
}

// runModule runs a js/wasm module in Node.js, as go test does for js/wasm,
// with args.
func runModule(t *testing.T, dir, name string, module []byte, args ...string) result {
	t.Helper()
	wasm := filepath.Join(dir, name+".wasm")
	if err := os.WriteFile(wasm, module, 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(runtime.GOROOT(), "lib", "wasm", "go_js_wasm_exec")
	cmd := exec.Command(exe, append([]string{wasm}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v", exe, wasm, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

var (
	fileLine  = regexp.MustCompile(`(?m)^\t\S*:\d+( \+0x[0-9a-f]+)?$`)
	callerOut = regexp.MustCompile(`file=\S* line=\d+ name=\S+`)
	nameOut   = regexp.MustCompile(`name=\S+`)
	distinct  = regexp.MustCompile(`distinct names: \d+`)
	wrapped   = regexp.MustCompile(`value method \S+ called using nil \*\S+ pointer`)
)

// normalize sets aside what the minify pass changes on purpose: the
// file:line of each traceback frame, the function names and arguments in
// tracebacks (each frame's function line is the one before its
// file:line), the program's own name= and file= outputs, how many names
// its functions have, and the names in panicwrap's message.
func normalize(s string) string {
	s = fileLine.ReplaceAllString(s, "\tFILE:LINE$1")
	s = callerOut.ReplaceAllString(s, "file=F line=L name=N")
	s = nameOut.ReplaceAllString(s, "name=N")
	s = distinct.ReplaceAllString(s, "distinct names: N")
	s = wrapped.ReplaceAllString(s, "value method M called using nil *T pointer")
	lines := strings.Split(s, "\n")
	for i := 0; i+1 < len(lines); i++ {
		if !strings.HasPrefix(lines[i+1], "\tFILE:LINE") || strings.HasPrefix(lines[i], "\t") {
			continue
		}
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "created by "):
			_, in, _ := strings.Cut(line, " in goroutine ")
			lines[i] = "created by FUNC in goroutine " + in
		case strings.HasPrefix(line, "panic(") || strings.HasPrefix(line, "runtime.gopanic("):
			// runtime.gopanic keeps its name; its arguments go.
			lines[i] = line[:strings.IndexByte(line, '(')] + "()"
		case strings.HasSuffix(line, ")"):
			// The arguments, the last (…), go with the ArgInfo tables.
			lines[i] = "FUNC()"
		default:
			lines[i] = "FUNC"
		}
	}
	return strings.Join(lines, "\n")
}

// TestMinifiedGoProgramRuns builds testdata/minify (panics recovered with
// a traceback, runtime errors, panicwrap, reflect's stubs under GC, deep
// recursion, goroutines, GC under load, finalizers, defer/recover, an
// unrecovered panic, the deadlock detector), once with make wasm's flags
// (findfunc's overlay: every traceback and stack scan finds functions
// through it, with findfunctab zeroed) and once with inlining (inlining
// trees in the pclntab; no overlay, the table kept), and runs it in
// Node.js before and after the minify pass: the outputs are the same but
// for file:line, names and arguments, and the tracebacks have lost their
// file:line.
func TestMinifiedGoProgramRuns(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []struct {
		name    string
		flags   []string
		inlined bool
	}{
		{"make", makeFlags, false}, // with findfunc's overlay
		{"inlining", []string{"-ldflags=-s -w"}, true},
	} {
		t.Run(v.name, func(t *testing.T) {
			module := build(t, v.flags...)
			minified, stats, err := minifyModule(module, true)
			if err != nil {
				t.Fatal(err)
			}
			t.Log(stats)
			overlay := slices.Contains(v.flags, overlayFlag)
			if v.inlined != (stats.inlined > 0) || stats.namesShortened < stats.names/2 || stats.pctabKept >= stats.pctab ||
				overlay != (stats.findfunctab > 0) || stats.argInfo < stats.funcs/2 {
				t.Errorf("the pass did not do what it should: %v", stats)
			}
			if len(minified) != len(module) {
				t.Errorf("the module is %d bytes after, %d before", len(minified), len(module))
			}
			for _, mode := range []string{"", "crash", "goexit"} {
				var args []string
				if mode != "" {
					args = []string{mode}
				}
				var before, after result
				var wg sync.WaitGroup
				wg.Go(func() { before = runModule(t, dir, v.name+"-before"+mode, module, args...) })
				wg.Go(func() { after = runModule(t, dir, v.name+"-after"+mode, minified, args...) })
				wg.Wait()
				want := map[string]int{"": 0, "crash": 2, "goexit": 2}[mode]
				if before.code != want || after.code != want {
					t.Errorf("%q: exit code %d before, %d after, want %d\nbefore:\n%s%s\nafter:\n%s%s", mode, before.code, after.code, want, before.stdout, before.stderr, after.stdout, after.stderr)
				}
				if normalize(before.stdout) != normalize(after.stdout) || normalize(before.stderr) != normalize(after.stderr) {
					t.Errorf("%q: the outputs differ beyond file:line and names\nbefore:\n%s%s\nafter:\n%s%s", mode, before.stdout, before.stderr, after.stdout, after.stderr)
				}
				// The traceback (stderr) lost its file:line and its
				// frames' arguments, and only those.
				if !strings.Contains(before.stderr, ".go:") || strings.Contains(after.stderr, ".go:") || !strings.Contains(after.stderr, "\t?:0 +0x") ||
					mode == "crash" && !strings.Contains(before.stderr, "(0x") || strings.Contains(after.stderr, "(0x") {
					t.Errorf("%q: the traceback before and after:\n%s\n%s", mode, before.stderr, after.stderr)
				}
				switch mode {
				case "":
					for _, s := range []string{
						"goroutines at start: 1\n",
						"value method x.x.x called using nil *x pointer",
						"reflect: call of reflect.Value.Elem on zero Value",
						"finalizers ran: 10",
						"distinct names: 1 of 10",
						"file=? line=0",
						"\nok\n",
					} {
						if !strings.Contains(after.stdout, s) {
							t.Errorf("the minified program did not print %q:\n%s", s, after.stdout)
						}
					}
				case "goexit":
					if !strings.Contains(after.stderr, "fatal error: all goroutines are asleep - deadlock!") {
						t.Errorf("the deadlock was not detected:\n%s", after.stderr)
					}
				}
			}
		})
	}
}

// TestNamesTheRuntimeNeeds renames every function naively (".n", no
// prefix kept, nothing kept whole) to show that the names pclntab.go's
// comment lists matter: the nil *T wrapper's panicwrap throws instead of
// panicking, and the runtime's own goroutines count as the program's.
func TestNamesTheRuntimeNeeds(t *testing.T) {
	dir := t.TempDir()
	module := build(t, makeFlags...)
	saved := naming
	naming.keep = func(string) bool { return false }
	naming.short = func(string, bool) string { return "." }
	minified, _, err := minifyModule(module, true)
	naming = saved
	if err != nil {
		t.Fatal(err)
	}
	got := runModule(t, dir, "naive", minified)
	if got.code != 2 || !strings.Contains(got.stderr, "fatal error: panicwrap: no ( in") {
		t.Errorf("with names the runtime cannot read, panicwrap did not throw: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if strings.Contains(got.stdout, "goroutines at start: 1\n") {
		t.Errorf("with runtime. prefixes gone, the runtime's goroutines were still not counted:\n%s", got.stdout)
	}
}

// segmentsOf gives a module's data segments (copies) and its code
// section's function count.
func segmentsOf(t *testing.T, module []byte) ([]segment, int) {
	t.Helper()
	secs, err := sections(module)
	if err != nil {
		t.Fatal(err)
	}
	var segs []segment
	n := -1
	for _, s := range secs {
		switch s.id {
		case 10:
			r := reader{b: module[s.body:s.end]}
			n = int(r.u32())
		case 11:
			if segs, err = readData(module[s.body:s.end]); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range segs {
		segs[i].data = bytes.Clone(segs[i].data)
	}
	return segs, n
}

// TestMinifyRefuses: layouts the pass does not know fail it, with an
// error that says what did not match.
func TestMinifyRefuses(t *testing.T) {
	module := build(t, makeFlags...)

	// The producers section.
	v := bytes.Index(module, []byte("Go cmd/compile\x08go1.26"))
	if v < 0 {
		t.Fatal("no producers section naming go1.26")
	}
	for _, tt := range []struct{ name, from, to, want string }{
		{"a later Go", "Go cmd/compile\x08go1.26", "Go cmd/compile\x08go1.27", "built by go1.27"},
		{"no compiler named", "Go cmd/compile", "Go cmd/compilf", "cannot tell which Go built the module"},
		{"no producers section", "\x09producers", "\x09producerz", "cannot tell which Go built the module"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := bytes.Replace(module, []byte(tt.from), []byte(tt.to), 1)
			if _, _, err := minifyModule(m, true); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}

	// The pclntab, bent in one place at a time.
	segs, nfuncs := segmentsOf(t, module)
	tab, err := findPclntab(memory(segs), nfuncs)
	if err != nil {
		t.Fatal(err)
	}
	funcs, err := tab.funcs()
	if err != nil {
		t.Fatal(err)
	}
	// Offsets into the segment that holds the table.
	var seg int
	for i, s := range segs {
		if len(memory{s}.find(le.AppendUint32(nil, pcMagic))) > 0 {
			seg = i
		}
	}
	base := segs[seg].data
	offsetOf := func(b []byte) int {
		for i := range base {
			if &base[i] == &b[0] {
				return i
			}
		}
		t.Fatal("not in the segment")
		return 0
	}
	hdr := bytes.Index(base, append(le.AppendUint32(nil, pcMagic), 0, 0, 1, 8))
	f0 := offsetOf(funcs[0])
	pctab := offsetOf(tab.pctab)
	for _, tt := range []struct {
		name   string
		nfuncs int
		bend   func(b []byte)
		want   string
	}{
		{"another function count", nfuncs + 1, func([]byte) {}, "the code section has"},
		{"an older magic", nfuncs, func(b []byte) { le.PutUint32(b[hdr:], 0xFFFFFFF0) }, "an older one's magic"},
		{"a newer magic", nfuncs, func(b []byte) { le.PutUint32(b[hdr:], 0xFFFFFFF2) }, "no pclntab header"},
		{"4-byte pointers", nfuncs, func(b []byte) { b[hdr+7] = 4 }, "no pclntab header"},
		{"the header's nfunc", nfuncs, func(b []byte) { b[hdr+8]++ }, "nfunc is"},
		{"the header's offsets", nfuncs, func(b []byte) { b[hdr+32]++ }, "offsets"},
		{"a funcID past Go 1.26's", nfuncs, func(b []byte) { b[f0+fFuncID] = funcIDWrapper + 1 }, "funcID 24"},
		{"more pcdata", nfuncs, func(b []byte) { le.PutUint32(b[f0+fNpcdata:], maxPCData+1) }, "more than Go 1.26 writes"},
		{"a name offset inside a name", nfuncs, func(b []byte) { le.PutUint32(b[f0+fNameOff:], le.Uint32(b[f0+fNameOff:])+1) }, "does not start a name"},
		{"a table past pctab", nfuncs, func(b []byte) {
			le.PutUint32(b[f0+fPcsp:], uint32(len(tab.pctab)-2))
			copy(b[pctab+len(tab.pctab)-2:], []byte{2, 4})
		}, "runs past pctab's end"},
		{"a cut varint", nfuncs, func(b []byte) {
			le.PutUint32(b[f0+fPcsp:], uint32(len(tab.pctab)-1))
			b[pctab+len(tab.pctab)-1] = 0x80
		}, "a bad value delta"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bent := make([]segment, len(segs))
			for i, s := range segs {
				bent[i] = segment{s.offset, bytes.Clone(s.data)}
			}
			tt.bend(bent[seg].data)
			if _, err := minifyPclntab(bent, tt.nfuncs, true); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestReadTable(t *testing.T) {
	for _, tt := range []struct {
		name string
		tab  []byte
		n    int
		most int32
		err  string
	}{
		// value -1 → 0 (+1, zig-zag 2) for 4 pcs, → 5 (+5, 10) for 2, end.
		{"two runs", []byte{0, 2, 4, 10, 2, 0}, 5, 5, ""},
		// A zero value delta at the entry is a value, not the end.
		{"a zero delta at the entry", []byte{0, 0, 0, 2, 3, 0}, 5, 0, ""},
		{"a varint of two bytes", []byte{0, 0x82, 0x01, 0x81, 0x01, 0}, 5, 64, ""},
		{"no end", []byte{0, 2, 4}, 0, 0, "past pctab's end"},
		{"a cut varint", []byte{0, 2, 0x84}, 0, 0, "bad pc delta"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, most, err := readTable(tt.tab, 1)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil || n != tt.n || most != tt.most {
				t.Errorf("readTable = %d, %d, %v; want %d, %d", n, most, err, tt.n, tt.most)
			}
		})
	}
}

func TestShortName(t *testing.T) {
	for _, tt := range []struct {
		old     string
		wrapper bool
		want    string // "" kept whole
	}{
		{"runtime.mallocgc", false, "runtime.x"},
		{"runtime.Gosched", false, "runtime.X"},
		{"runtime.(*mheap).alloc", false, "runtime.x"},
		{"runtime.gopanic", false, ""},
		{"internal/runtime/atomic.Load64", false, "internal/runtime/atomic.x"},
		{"reflect.makeFuncStub", true, ""},
		{"reflect.methodValueCall", true, ""},
		{"reflect.Value.Elem", false, ""},
		{"internal/reflectlite.Value.Len", false, ""},
		{"main.(*T).Value", true, "x.(*x).x"},
		{"main.(*T).Value", false, ".x"},
		{"main.T.Value", true, ".x"},
		{"corsplay/engine.Evaluate", false, ".x"},
		{"_rt0_wasm_js", false, "_x"},
	} {
		got := ""
		if !keepWhole(tt.old) {
			got = shortName(tt.old, tt.wrapper)
		}
		if got != tt.want {
			t.Errorf("%q (wrapper %v) → %q, want %q", tt.old, tt.wrapper, got, tt.want)
		}
	}
}
