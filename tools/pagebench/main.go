//go:build !wasm

// Command pagebench measures the playground on this machine and prints one
// markdown table: the engine's benchmarks, app.wasm's size (raw, gzip,
// brotli), the page's cold load in headless Chromium (first contentful paint
// and interactive, each load with a fresh profile) and the time from a
// keystroke to the verdict changing. Times on a shared machine drift 2–3×
// from hour to hour, so the same run measures go-app's hello world
// (tools/pagebench/helloworld, built and served as the page is) and a
// static page (the page's own prerendered HTML without what loads and runs
// app.wasm, served by the same binary) the same way, alternating with the
// page, and the budgets that can be are ratios to them: interactive to the
// hello world's, first contentful paint to the static page's. The keystroke
// rows stand beside the same run's engine benchmark. A missed budget says "no" in the table; it does not fail the run (a
// measurement, not a test).
//
//	make wasm hello && go build -o build/corsplay . &&
//	go run ./tools/pagebench -bin build/corsplay -floor build/helloworld
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corsplay/internal/wasmbudget"
	"corsplay/tools/internal/machine"
)

const chromiumPath = "/usr/bin/chromium"

// Budgets.
const (
	interactiveBudget = 1.5  // median interactive, page ÷ hello world
	fcpBudget         = 1.2  // median first contentful paint, page ÷ static page
	keystrokeBudget   = 16.0 // ms, median and p95 keystroke to verdict
)

func main() {
	bin := flag.String("bin", "build/corsplay", "the corsplay binary (go build -o build/corsplay .)")
	floor := flag.String("floor", "build/helloworld", "go-app's hello world: the folder with its helloworld server and web/app.wasm (make hello)")
	loads := flag.Int("loads", 7, "cold loads of each, each in a new browser with a fresh profile")
	edits := flag.Int("edits", 30, "edits per field (even: each field ends as it began)")
	count := flag.Int("count", 5, "go test -count for the engine benchmarks")
	flag.Parse()
	if *loads < 1 || *edits < 2 || *edits%2 != 0 || *count < 1 {
		fmt.Fprintln(os.Stderr, "pagebench: -loads and -count must be at least 1, -edits even and at least 2")
		os.Exit(2)
	}
	if err := run(*bin, *floor, *loads, *edits, *count); err != nil {
		fmt.Fprintln(os.Stderr, "pagebench:", err)
		os.Exit(1)
	}
}

// A target is a page measured: the playground, or the hello world.
type target struct {
	name  string
	url   string
	mark  string // the User Timing mark set once the app has rendered
	watch string // the element whose text each edit changes
	texts [2]string
	// texts are watch's text before the first edit, and after it (edits
	// alternate between them).
	fields []field
	action string // what an edit changes, for the table: "verdict", "render"
	// main is the User Timing mark the app sets as its Go main starts:
	// app.wasm fetched, compiled and instantiated, the Go runtime and the
	// packages initialised.
	main string
}

// field is an input whose edit (a key typed at its end, then deleted)
// changes the target's watched text.
type field struct {
	name, selector, value, key string
}

// page and hello are the two targets, at their servers' URLs.
func page(url string) *target {
	return &target{name: "page", url: url, mark: "corsplay-interactive", main: "corsplay-main", watch: "#verdict-title",
		texts: [2]string{"Allowed", "Blocked by CORS"}, action: "verdict", fields: []field{
			{"method", "#method", "PUT", "X"}, // PUTX: not allowed by the policy
			{"request header name", `input[aria-label="request header 1 name"]`, "Content-Type", "x"}, // Content-Typex: neither
		}}
}

func hello(url string) *target {
	return &target{name: "hello world", url: url, mark: "hello-interactive", main: "hello-main", watch: "#greeting",
		texts: [2]string{"Hello, World!", "Hello, x"}, action: "render", fields: []field{
			{"name", "#name", "", "x"},
		}}
}

// static is the floor of first contentful paint: the page's own
// prerendered HTML without what loads and runs app.wasm, served by the
// same server (staticFloor).
func static(url string) *target {
	return &target{name: "static page", url: url}
}

// row is one line of the table.
type row struct{ what, value, budget, ok string }

func run(bin, floor string, loads, edits, count int) error {
	start := time.Now()
	if _, err := os.Stat("web/app.wasm"); err != nil {
		return errors.New("web/app.wasm is missing: run make wasm, and run pagebench from the repository root")
	}
	helloBin, helloWeb := filepath.Join(floor, "helloworld"), filepath.Join(floor, "web")
	if _, err := os.Stat(filepath.Join(helloWeb, "app.wasm.br")); err != nil {
		return fmt.Errorf("go-app's hello world is missing (%v): run make hello", err)
	}
	var rows []row
	benches, nsPerOp, err := engineBenchmarks(count)
	if err != nil {
		return err
	}
	rows = append(rows, benches...)
	sizes, err := wasmSizes()
	if err != nil {
		return err
	}
	rows = append(rows, sizes...)
	if st, err := os.Stat(filepath.Join(helloWeb, "app.wasm.br")); err == nil {
		rows = append(rows, row{what: "hello world's app.wasm brotli", value: thousands(float64(st.Size())) + " B"})
	}

	pageURL, stop, err := startServer(bin, "", "-no-lab")
	if err != nil {
		return err
	}
	defer stop()
	staticURL, stopStatic, err := staticFloor(bin, pageURL)
	if err != nil {
		return err
	}
	defer stopStatic()
	helloURL, stopHello, err := startServer(helloBin, "", "-web", helloWeb)
	if err != nil {
		return err
	}
	defer stopHello()
	hw, pg, st := hello(helloURL), page(pageURL), static(staticURL)
	load, err := coldLoads(hw, pg, st, loads)
	if err != nil {
		return err
	}
	rows = append(rows, load...)
	keys, err := keystrokes(hw, pg, edits, nsPerOp[keystrokeEngine])
	if err != nil {
		return err
	}
	rows = append(rows, keys...)

	printTable(rows)
	fmt.Fprintf(os.Stderr, "pagebench: done in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// engineBenchmarks runs the engine's benchmarks count times and gives, per
// benchmark, a row of the median ns/op, B/op and allocs/op, and the median
// ns/op by name.
func engineBenchmarks(count int) ([]row, map[string]float64, error) {
	fmt.Fprintf(os.Stderr, "pagebench: engine benchmarks, -count %d\n", count)
	cmd := exec.Command("go", "test", "./engine", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(count))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	names, runs := parseBench(string(out))
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no benchmark results in go test's output:\n%s", out)
	}
	var rows []row
	ns := map[string]float64{}
	for _, name := range names {
		r := runs[name]
		ns[name] = median(r["ns/op"])
		rows = append(rows, row{
			what: fmt.Sprintf("engine %s (median of %d)", name, len(r["ns/op"])),
			value: fmt.Sprintf("%s ns/op · %s B/op · %s allocs/op",
				thousands(median(r["ns/op"])), thousands(median(r["B/op"])), thousands(median(r["allocs/op"]))),
		})
	}
	if _, ok := ns[keystrokeEngine]; !ok {
		return nil, nil, fmt.Errorf("no %s in go test's output:\n%s", keystrokeEngine, out)
	}
	return rows, ns, nil
}

// keystrokeEngine is the engine benchmark set beside the keystroke rows:
// one evaluation of a scenario like the page's (a credentialed PUT with a
// preflight), natively, in the same run, so that a reader can tell a slow
// machine (both slow) from a slow page (the keystroke alone).
const keystrokeEngine = "BenchmarkEvaluate"

// benchLine matches a result line: name, -GOMAXPROCS suffix, iterations, and
// the "value unit" pairs after them.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseBench groups go test -bench output by benchmark (in order of first
// appearance), then by unit (ns/op, B/op, allocs/op…), one value per run.
func parseBench(out string) ([]string, map[string]map[string][]float64) {
	var names []string
	runs := map[string]map[string][]float64{}
	for line := range strings.SplitSeq(out, "\n") {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		if runs[m[1]] == nil {
			names = append(names, m[1])
			runs[m[1]] = map[string][]float64{}
		}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				runs[m[1]][f[i+1]] = append(runs[m[1]][f[i+1]], v)
			}
		}
	}
	return names, runs
}

// wasmSizes gives the bytes of app.wasm as built and as served compressed.
func wasmSizes() ([]row, error) {
	var rows []row
	for _, f := range []struct{ what, path string }{
		{"app.wasm raw", "web/app.wasm"},
		{"app.wasm gzip", "web/app.wasm.gz"},
		{"app.wasm brotli", "web/app.wasm.br"},
	} {
		st, err := os.Stat(f.path)
		if err != nil {
			return nil, fmt.Errorf("%v (make wasm builds it)", err)
		}
		r := row{what: f.what, value: thousands(float64(st.Size())) + " B"}
		if f.path == "web/app.wasm.br" {
			r.budget, r.ok = "≤ "+thousands(wasmbudget.Brotli)+" B", yesNo(wasmbudget.Check(st.Size()) == nil)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// startServer runs a server binary (corsplay with -no-lab: the page only,
// serving ./web; or the hello world's) in dir ("": this one) on a free
// loopback port, and waits until it answers.
func startServer(bin, dir string, args ...string) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	if bin, err = filepath.Abs(bin); err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, append([]string{"-addr", addr}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
	url = "http://" + addr
	fmt.Fprintf(os.Stderr, "pagebench: serving %s on %s\n", bin, url)
	if err := waitFor(url + "/manifest.webmanifest"); err != nil {
		stop()
		return "", nil, err
	}
	return url + "/", stop, nil
}

// staticFloor serves the static page, the floor of first contentful
// paint: the page's own prerendered HTML (as pageURL serves it: the same
// text, the same style sheet, the same icons) without what loads and runs
// app.wasm: its scripts, go-app's loading screen and go-app's style sheet
// (which styles only that screen) and the web app manifest. The same
// corsplay binary serves it, from a copy of ./web (hard links) with the
// page added as static.html, so that the server, its headers and the
// style sheet's bytes are the page's.
func staticFloor(bin, pageURL string) (url string, stop func(), err error) {
	resp, err := http.Get(pageURL)
	if err != nil {
		return "", nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", nil, err
	}
	html, err := withoutApp(string(body))
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "pagebench-static")
	if err != nil {
		return "", nil, err
	}
	web := filepath.Join(dir, "web")
	if err := linkTree("web", web); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(web, "static.html"), []byte(html), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	base, stopServer, err := startServer(bin, dir, "-no-lab")
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return base + "web/static.html", func() { stopServer(); os.RemoveAll(dir) }, nil
}

// appParts are what withoutApp takes out of the prerendered page: each
// must be there, so that a change of go-app's page fails loudly instead of
// measuring another floor.
var appParts = []struct {
	what string
	re   *regexp.Regexp
}{
	{"scripts", regexp.MustCompile(`(?s)\s*<script\b[^>]*>.*?</script>`)},
	{"go-app's loading screen", regexp.MustCompile(`(?s)\s*<aside\b[^>]*\bid="app-wasm-loader".*?</aside>`)},
	// go-app writes a tag's attributes in any order.
	{"go-app's style sheet", regexp.MustCompile(`\s*<link\b[^>]*\bhref="/app.css"[^>]*>`)},
	{"the manifest", regexp.MustCompile(`\s*<link\b[^>]*\brel="manifest"[^>]*>`)},
}

// withoutApp is the prerendered page without the parts that load and run
// the app.
func withoutApp(page string) (string, error) {
	for _, p := range appParts {
		if !p.re.MatchString(page) {
			return "", fmt.Errorf("static page: the prerendered page has no %s (%s)", p.what, p.re)
		}
		page = p.re.ReplaceAllString(page, "")
	}
	if !strings.Contains(page, `id="verdict-title"`) {
		return "", errors.New("static page: the prerendered page shows no verdict")
	}
	return page, nil
}

// linkTree makes dst a copy of the folder src, its files hard links (or
// copies where links fail).
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if os.Link(path, to) == nil {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
}

// waitFor polls the URL until it answers 200.
func waitFor(url string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			err = errors.New(resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// newBrowser starts headless Chromium with a new, empty profile. stop ends
// the browser and removes the profile.
func newBrowser() (ctx context.Context, stop func(), err error) {
	dir, err := os.MkdirTemp("", "pagebench-profile")
	if err != nil {
		return nil, nil, err
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir))
	ctx, cancel := chromedp.NewContext(alloc)
	stop = func() {
		cancel()
		cancelAlloc() // waits for the browser to exit
		os.RemoveAll(dir)
	}
	if err := chromedp.Do(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("start %s: %w", chromiumPath, err)
	}
	return ctx, stop, nil
}

// markTime waits (up to 30 s) for the page's performance entry of that name
// and gives its startTime: ms since the navigation started.
func markTime(ctx context.Context, name string) (float64, error) {
	js := fmt.Sprintf("performance.getEntriesByName(%q)", name)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js+".length > 0", chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		return 0, fmt.Errorf("no %q performance entry within 30 s: %w", name, err)
	}
	return chromedp.Run(ctx, chromedp.Evaluate[float64](js+"[0].startTime"))
}

// loadTimes are the moments of one cold load, in ms since the navigation
// started: first contentful paint; app.wasm received (the last byte, by
// Resource Timing); the app's Go main starting (its User Timing mark:
// app.wasm compiled and instantiated, runtime and packages initialised);
// and interactive. The static page has only fcp.
type loadTimes struct{ fcp, wasm, main, interactive float64 }

// openPage navigates a new browser to the target and waits until the app
// is interactive (the static page: until its first contentful paint).
func openPage(ctx context.Context, t *target) (lt loadTimes, err error) {
	nav, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(nav, chromedp.Navigate(t.url)); err != nil {
		return lt, fmt.Errorf("navigate to %s: %w", t.url, err)
	}
	if lt.fcp, err = markTime(ctx, "first-contentful-paint"); err != nil {
		return lt, err
	}
	if t.mark == "" {
		return lt, nil
	}
	if lt.interactive, err = markTime(ctx, t.mark); err != nil {
		return lt, err
	}
	if lt.main, err = markTime(ctx, t.main); err != nil {
		return lt, err
	}
	// Chromium does not always record app.wasm's fetch (-1: not known).
	lt.wasm, err = chromedp.Run(ctx, chromedp.Evaluate[float64](
		`(performance.getEntriesByType("resource").find(e => new URL(e.name).pathname === "/web/app.wasm") || {responseEnd: -1}).responseEnd`))
	return lt, err
}

// coldLoads loads each target n times, in turns (hello world, page, static
// page, hello world…), each time in a new browser process with a fresh
// profile (nothing cached, no service worker), and gives the median, min
// and max time to first contentful paint and to interactive, where the
// apps' time went (app.wasm received, Go's main started, interactive), the
// page's first contentful paint over the static page's and its
// interactive over the hello world's.
func coldLoads(hello, page, static *target, n int) ([]row, error) {
	times := map[*target][]loadTimes{}
	targets := []*target{hello, page, static}
	for i := range n {
		for _, t := range targets {
			ctx, closeBrowser, err := newBrowser()
			if err != nil {
				return nil, err
			}
			lt, err := openPage(ctx, t)
			closeBrowser()
			if err != nil {
				return nil, fmt.Errorf("%s: cold load %d: %w", t.name, i+1, err)
			}
			if t.mark == "" {
				fmt.Fprintf(os.Stderr, "pagebench: %s: cold load %d/%d: FCP %.0f ms\n", t.name, i+1, n, lt.fcp)
			} else {
				fmt.Fprintf(os.Stderr, "pagebench: %s: cold load %d/%d: FCP %.0f ms, app.wasm %.0f ms, main %.0f ms, interactive %.0f ms\n",
					t.name, i+1, n, lt.fcp, lt.wasm, lt.main, lt.interactive)
			}
			times[t] = append(times[t], lt)
		}
	}
	of := func(t *target, f func(loadTimes) float64) []float64 {
		var v []float64
		for _, lt := range times[t] {
			v = append(v, f(lt))
		}
		return v
	}
	fcp := func(lt loadTimes) float64 { return lt.fcp }
	inter := func(lt loadTimes) float64 { return lt.interactive }
	spread := func(v []float64) string {
		return fmt.Sprintf("median %.0f ms (min %.0f, max %.0f)", median(v), slices.Min(v), slices.Max(v))
	}
	var rows []row
	for _, t := range targets {
		rows = append(rows, row{what: fmt.Sprintf("%s: cold load → first contentful paint (%d fresh profiles)", t.name, n), value: spread(of(t, fcp))})
		if t.mark == "" {
			continue
		}
		rows = append(rows,
			row{what: fmt.Sprintf("%s: cold load → interactive (%d fresh profiles)", t.name, n), value: spread(of(t, inter))},
			row{what: fmt.Sprintf("%s: where the time to interactive went (medians)", t.name), value: fmt.Sprintf(
				"app.wasm received %.0f ms · compiled, instantiated, initialised: Go main at %.0f ms · Go main to interactive %.0f ms",
				median(slices.DeleteFunc(of(t, func(lt loadTimes) float64 { return lt.wasm }), func(v float64) bool { return v < 0 })),
				median(of(t, func(lt loadTimes) float64 { return lt.main })),
				median(of(t, func(lt loadTimes) float64 { return lt.interactive - lt.main })))})
	}
	fcpRatio := median(of(page, fcp)) / median(of(static, fcp))
	ratio := median(of(page, inter)) / median(of(hello, inter))
	return append(rows,
		row{what: "first contentful paint, page ÷ static page (medians)", value: fmt.Sprintf("%.2f×", fcpRatio),
			budget: fmt.Sprintf("≤ %.1f×", fcpBudget), ok: yesNo(fcpRatio <= fcpBudget)},
		row{what: "first contentful paint, page ÷ hello world (medians)", value: fmt.Sprintf("%.2f×", median(of(page, fcp))/median(of(hello, fcp)))},
		row{what: "interactive, page ÷ hello world (medians)", value: fmt.Sprintf("%.2f×", ratio),
			budget: fmt.Sprintf("≤ %.1f×", interactiveBudget), ok: yesNo(ratio <= interactiveBudget)},
	), nil
}

// watchText installs, in a page, the keystroke probe: a capture-phase
// keydown listener notes the keystroke's timeStamp, and a MutationObserver,
// on the first change of the watched element's text after it, records the
// ms since the keystroke and the new text. It gives the text shown now.
const watchText = `((selector) => {
	const text = () => { const el = document.querySelector(selector); return el ? el.textContent : ''; };
	const w = window.__pagebench = {lat: [], texts: [], pending: null, last: text()};
	document.addEventListener('keydown', e => { w.pending = e.timeStamp; }, true);
	new MutationObserver(() => {
		const now = text();
		if (now !== w.last && w.pending !== null) {
			w.lat.push(performance.now() - w.pending);
			w.texts.push(now);
			w.pending = null;
		}
		w.last = now;
	}).observe(document.body, {subtree: true, childList: true, characterData: true});
	return w.last;
})(%q)`

// keystrokes opens each target in a fresh browser and, in turns (the hello
// world's field, the page's first field, the hello world's again, the
// page's second), makes edits edits of the field, alternately appending a
// character and deleting it, timing each keystroke until the watched text
// changes. Each target gets edits edits per field of the page. It gives
// the median and p95 over all of each target's edits, the page's over the
// hello world's, and the page's median per field.
func keystrokes(hello, page *target, edits int, engineNs float64) ([]row, error) {
	ctxs := map[*target]context.Context{}
	for _, t := range []*target{hello, page} {
		ctx, closeBrowser, err := newBrowser()
		if err != nil {
			return nil, err
		}
		defer closeBrowser()
		if _, err := openPage(ctx, t); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		// The page mounts its forms in the task after its first screen's
		// first paint: wait for the fields edited.
		for _, f := range t.fields {
			ready := chromedp.Poll[bool](fmt.Sprintf("!!document.querySelector(%q)", f.selector), chromedp.WithPollingTimeout(10*time.Second))
			if _, err := chromedp.Run(ctx, ready); err != nil {
				return nil, fmt.Errorf("%s: no %s (%s) within 10 s: %w", t.name, f.name, f.selector, err)
			}
		}
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(watchText, t.watch)))
		if err != nil {
			return nil, err
		}
		if shown != t.texts[0] {
			return nil, fmt.Errorf("%s: %s reads %q, not %q", t.name, t.watch, shown, t.texts[0])
		}
		ctxs[t] = ctx
	}
	all := map[*target][]float64{}
	perField := map[string][]float64{}
	for round := range page.fields {
		for _, t := range []*target{hello, page} {
			f := t.fields[round%len(t.fields)]
			lat, err := editField(ctxs[t], t, f, edits, len(all[t]))
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(os.Stderr, "pagebench: %s: %d edits of the %s: median %.1f ms; in order: %.1f\n", t.name, len(lat), f.name, median(lat), lat)
			all[t] = append(all[t], lat...)
			if t == page {
				perField[f.name] = append(perField[f.name], lat...)
			}
		}
	}
	h, p := all[hello], all[page]
	engineMs := engineNs / 1e6
	rows := []row{
		{what: fmt.Sprintf("engine %s of this run, beside the keystrokes (machine speed)", keystrokeEngine),
			value: fmt.Sprintf("%.1f µs/op natively", engineNs/1e3)},
		{what: fmt.Sprintf("hello world: keystroke → render, %d edits", len(h)),
			value: fmt.Sprintf("median %.1f ms, p95 %.1f ms", median(h), percentile(h, 95))},
		{what: fmt.Sprintf("page: keystroke → verdict, all %d edits, median", len(p)),
			value: fmt.Sprintf("%.1f ms (%.2f× hello world, %.0f× %s)", median(p), median(p)/median(h),
				median(p)/engineMs, keystrokeEngine),
			budget: fmt.Sprintf("≤ %.0f ms", keystrokeBudget), ok: yesNo(median(p) <= keystrokeBudget)},
		{what: fmt.Sprintf("page: keystroke → verdict, all %d edits, p95", len(p)),
			value: fmt.Sprintf("%.1f ms (%.2f× hello world, %.0f× %s)", percentile(p, 95), percentile(p, 95)/percentile(h, 95),
				percentile(p, 95)/engineMs, keystrokeEngine),
			budget: fmt.Sprintf("≤ %.0f ms", keystrokeBudget), ok: yesNo(percentile(p, 95) <= keystrokeBudget)},
	}
	for _, f := range page.fields {
		lat := perField[f.name]
		rows = append(rows, row{what: fmt.Sprintf("page: keystroke → verdict, %s (%d edits)", f.name, len(lat)),
			value: fmt.Sprintf("median %.1f ms", median(lat))})
	}
	return rows, nil
}

// editField makes n edits in the field, each after the previous change of
// the watched text; done is how many edits the probe has recorded before.
// It checks that each edit gave the text it should.
func editField(ctx context.Context, t *target, f field, n, done int) ([]float64, error) {
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf("document.querySelector(%q).value", f.selector)))
	if err != nil {
		return nil, fmt.Errorf("%s: the %s (%s): %w", t.name, f.name, f.selector, err)
	}
	if value != f.value {
		return nil, fmt.Errorf("%s: the %s holds %q, not %q", t.name, f.name, value, f.value)
	}
	caret := fmt.Sprintf("(el => { el.focus(); el.setSelectionRange(el.value.length, el.value.length); })(document.querySelector(%q))", f.selector)
	for i := range n {
		key := f.key
		if i%2 == 1 {
			key = kb.Backspace
		}
		grew := chromedp.Poll[bool](fmt.Sprintf("window.__pagebench.lat.length > %d", done+i), chromedp.WithPollingTimeout(10*time.Second))
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](caret), keystroke(key)); err != nil {
			return nil, fmt.Errorf("%s: %s edit %d: %w", t.name, f.name, i+1, err)
		}
		if _, err := chromedp.Run(ctx, grew); err != nil {
			return nil, fmt.Errorf("%s: %s edit %d: %s did not change within 10 s: %w", t.name, f.name, i+1, t.watch, err)
		}
		// Let the page settle, as between two keystrokes of a fast typist.
		time.Sleep(50 * time.Millisecond)
	}
	lat, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf("window.__pagebench.lat.slice(%d)", done)))
	if err != nil {
		return nil, err
	}
	texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf("window.__pagebench.texts.slice(%d)", done)))
	if err != nil {
		return nil, err
	}
	for i, text := range texts {
		if want := t.texts[(i+1)%2]; text != want {
			return nil, fmt.Errorf("%s: %s edit %d: %s became %q, not %q", t.name, f.name, i+1, t.watch, text, want)
		}
	}
	return lat, nil
}

// keystroke presses one key the way a keyboard does: a keyDown that also
// enters its text, then a keyUp. (chromedp.KeyEvent sends the text in a
// separate char event, one protocol round trip after the keydown, which
// the latency would count.)
func keystroke(key string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var down, up *input.DispatchKeyEventParams
		var text, unmodified string
		for _, e := range kb.Encode([]rune(key)[0]) {
			switch e.Type {
			case kb.KeyDown:
				down = e
			case kb.KeyUp:
				up = e
			case kb.KeyChar:
				text, unmodified = e.Text, e.UnmodifiedText
			}
		}
		down.Text, down.UnmodifiedText = text, unmodified
		for _, e := range []*input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *e); err != nil {
				return err
			}
		}
		return nil
	})
}

// printTable prints the table, headed by when and where it was measured.
func printTable(rows []row) {
	fmt.Printf("pagebench, %s UTC — %s, %d cores — %s %s/%s — %s\n\n",
		time.Now().UTC().Format("2006-01-02 15:04"), machine.CPUModel(), runtime.NumCPU(),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, chromiumVersion())
	fmt.Println("| what | value | budget | within budget? |")
	fmt.Println("|---|---|---|---|")
	for _, r := range rows {
		budget, ok := r.budget, r.ok
		if budget == "" {
			budget, ok = "—", "—"
		}
		fmt.Printf("| %s | %s | %s | %s |\n", r.what, r.value, budget, ok)
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile is the nearest-rank percentile p of v.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(v))
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(rank, 1)-1]
}

// thousands formats v rounded to an integer, with commas: 1,457,904.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

func chromiumVersion() string {
	out, err := exec.Command(chromiumPath, "--version").Output()
	if err != nil {
		return "Chromium (version unknown: " + err.Error() + ")"
	}
	return strings.TrimSpace(string(out))
}
