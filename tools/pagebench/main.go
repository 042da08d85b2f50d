//go:build !wasm

// Command pagebench measures the playground on this machine and prints one
// markdown table: the engine's benchmarks, app.wasm's size (raw, gzip,
// brotli), the page's cold load in headless Chromium (first contentful paint
// and interactive, each load with a fresh profile) and the time from a
// keystroke to the verdict changing. A missed budget says "no" in the table;
// it does not fail the run (a measurement, not a test).
//
//	go build -o build/corsplay . && go run ./tools/pagebench -bin build/corsplay
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
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

	"corsplay/tools/internal/machine"
)

const chromiumPath = "/usr/bin/chromium"

// Budgets.
const (
	brotliBudget      = 1_600_000 // bytes of web/app.wasm.br
	fcpBudget         = 300.0     // ms, median first contentful paint
	interactiveBudget = 1000.0    // ms, median corsplay-interactive mark
	keystrokeBudget   = 16.0      // ms, median keystroke to verdict
)

func main() {
	bin := flag.String("bin", "build/corsplay", "the corsplay binary (go build -o build/corsplay .)")
	loads := flag.Int("loads", 7, "cold loads, each in a new browser with a fresh profile")
	edits := flag.Int("edits", 30, "edits per field (even: each field ends as it began)")
	count := flag.Int("count", 5, "go test -count for the engine benchmarks")
	flag.Parse()
	if *loads < 1 || *edits < 2 || *edits%2 != 0 || *count < 1 {
		fmt.Fprintln(os.Stderr, "pagebench: -loads and -count must be at least 1, -edits even and at least 2")
		os.Exit(2)
	}
	if err := run(*bin, *loads, *edits, *count); err != nil {
		fmt.Fprintln(os.Stderr, "pagebench:", err)
		os.Exit(1)
	}
}

// row is one line of the table.
type row struct{ what, value, budget, ok string }

func run(bin string, loads, edits, count int) error {
	start := time.Now()
	if _, err := os.Stat("web/app.wasm"); err != nil {
		return errors.New("web/app.wasm is missing: run make wasm, and run pagebench from the repository root")
	}
	var rows []row
	benches, err := engineBenchmarks(count)
	if err != nil {
		return err
	}
	rows = append(rows, benches...)
	sizes, err := wasmSizes()
	if err != nil {
		return err
	}
	rows = append(rows, sizes...)

	url, stop, err := startServer(bin)
	if err != nil {
		return err
	}
	defer stop()
	load, err := coldLoads(url, loads)
	if err != nil {
		return err
	}
	rows = append(rows, load...)
	keys, err := keystrokes(url, edits)
	if err != nil {
		return err
	}
	rows = append(rows, keys...)

	printTable(rows)
	fmt.Fprintf(os.Stderr, "pagebench: done in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// engineBenchmarks runs the engine's benchmarks count times and gives, per
// benchmark, the median ns/op, B/op and allocs/op.
func engineBenchmarks(count int) ([]row, error) {
	fmt.Fprintf(os.Stderr, "pagebench: engine benchmarks, -count %d\n", count)
	cmd := exec.Command("go", "test", "./engine", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(count))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	names, runs := parseBench(string(out))
	if len(names) == 0 {
		return nil, fmt.Errorf("no benchmark results in go test's output:\n%s", out)
	}
	var rows []row
	for _, name := range names {
		r := runs[name]
		rows = append(rows, row{
			what: fmt.Sprintf("engine %s (median of %d)", name, len(r["ns/op"])),
			value: fmt.Sprintf("%s ns/op · %s B/op · %s allocs/op",
				thousands(median(r["ns/op"])), thousands(median(r["B/op"])), thousands(median(r["allocs/op"]))),
		})
	}
	return rows, nil
}

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
			r.budget, r.ok = "≤ "+thousands(brotliBudget)+" B", yesNo(st.Size() <= brotliBudget)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// startServer runs the corsplay binary (page only, no lab) on a free
// loopback port, serving ./web, and waits until it answers.
func startServer(bin string) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-addr", addr, "-no-lab")
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
	if err := waitFor(url + "/web/app.css"); err != nil {
		stop()
		return "", nil, err
	}
	return url + "/", stop, nil
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

// openPage navigates a new browser to the page and waits until the app is
// interactive; it gives first contentful paint and interactive, in ms.
func openPage(ctx context.Context, url string) (fcp, interactive float64, err error) {
	nav, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(nav, chromedp.Navigate(url)); err != nil {
		return 0, 0, fmt.Errorf("navigate to %s: %w", url, err)
	}
	if fcp, err = markTime(ctx, "first-contentful-paint"); err != nil {
		return 0, 0, err
	}
	if interactive, err = markTime(ctx, "corsplay-interactive"); err != nil {
		return 0, 0, err
	}
	return fcp, interactive, nil
}

// coldLoads loads the page n times, each in a new browser process with a
// fresh profile (nothing cached, no service worker), and gives the median,
// min and max time to first contentful paint and to interactive.
func coldLoads(url string, n int) ([]row, error) {
	var fcps, inters []float64
	for i := range n {
		ctx, closeBrowser, err := newBrowser()
		if err != nil {
			return nil, err
		}
		fcp, inter, err := openPage(ctx, url)
		closeBrowser()
		if err != nil {
			return nil, fmt.Errorf("cold load %d: %w", i+1, err)
		}
		fmt.Fprintf(os.Stderr, "pagebench: cold load %d/%d: FCP %.0f ms, interactive %.0f ms\n", i+1, n, fcp, inter)
		fcps, inters = append(fcps, fcp), append(inters, inter)
	}
	spread := func(v []float64) string {
		return fmt.Sprintf("median %.0f ms (min %.0f, max %.0f)", median(v), slices.Min(v), slices.Max(v))
	}
	return []row{
		{fmt.Sprintf("cold load → first contentful paint (%d fresh profiles)", n), spread(fcps),
			fmt.Sprintf("median ≤ %.0f ms", fcpBudget), yesNo(median(fcps) <= fcpBudget)},
		{fmt.Sprintf("cold load → interactive (%d fresh profiles)", n), spread(inters),
			fmt.Sprintf("median ≤ %.0f ms", interactiveBudget), yesNo(median(inters) <= interactiveBudget)},
	}, nil
}

// watchVerdict installs, in the page, the keystroke-to-verdict probe: a
// capture-phase keydown listener notes the keystroke's timeStamp, and a
// MutationObserver, on the first change of #verdict-title's text after it,
// records the ms since the keystroke and the new text. It gives the verdict
// shown now.
const watchVerdict = `(() => {
	const title = () => { const el = document.querySelector('#verdict-title'); return el ? el.textContent : ''; };
	const w = window.__pagebench = {lat: [], texts: [], pending: null, last: title()};
	document.addEventListener('keydown', e => { w.pending = e.timeStamp; }, true);
	new MutationObserver(() => {
		const text = title();
		if (text !== w.last && w.pending !== null) {
			w.lat.push(performance.now() - w.pending);
			w.texts.push(text);
			w.pending = null;
		}
		w.last = text;
	}).observe(document.body, {subtree: true, childList: true, characterData: true});
	return w.last;
})()`

// field is an input whose edit flips the default scenario's verdict.
type field struct {
	name, selector, value, key string
}

var fields = []field{
	{"method", "#method", "PUT", "X"}, // PUTX: not allowed by the policy
	{"request header name", `input[aria-label="request header 1 name"]`, "Content-Type", "x"}, // Content-Typex: neither
}

// keystrokes opens the page in a fresh browser and, per field, alternately
// appends a character (the request is blocked) and deletes it (allowed
// again), timing each keystroke until the verdict's text changes. It gives
// the median and p95 over all edits and the median per field.
func keystrokes(url string, edits int) ([]row, error) {
	ctx, closeBrowser, err := newBrowser()
	if err != nil {
		return nil, err
	}
	defer closeBrowser()
	if _, _, err := openPage(ctx, url); err != nil {
		return nil, err
	}
	verdict, err := chromedp.Run(ctx, chromedp.Evaluate[string](watchVerdict))
	if err != nil {
		return nil, err
	}
	if verdict != "Allowed" {
		return nil, fmt.Errorf("the default scenario's verdict is %q, not \"Allowed\"", verdict)
	}
	var all []float64
	var rows []row
	for _, f := range fields {
		lat, err := editField(ctx, f, edits, len(all))
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "pagebench: %d edits of the %s: median %.1f ms\n", len(lat), f.name, median(lat))
		all = append(all, lat...)
		rows = append(rows, row{what: fmt.Sprintf("keystroke → verdict, %s (%d edits)", f.name, len(lat)),
			value: fmt.Sprintf("median %.1f ms", median(lat))})
	}
	total := row{what: fmt.Sprintf("keystroke → verdict, all %d edits", len(all)),
		value:  fmt.Sprintf("median %.1f ms, p95 %.1f ms", median(all), percentile(all, 95)),
		budget: fmt.Sprintf("median ≤ %.0f ms", keystrokeBudget), ok: yesNo(median(all) <= keystrokeBudget)}
	return append([]row{total}, rows...), nil
}

// editField makes n edits in the field, each after the previous verdict
// change; done is how many edits the probe has recorded before. It checks
// that each edit gave the verdict it should.
func editField(ctx context.Context, f field, n, done int) ([]float64, error) {
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf("document.querySelector(%q).value", f.selector)))
	if err != nil {
		return nil, fmt.Errorf("the %s (%s): %w", f.name, f.selector, err)
	}
	if value != f.value {
		return nil, fmt.Errorf("the %s holds %q, not %q", f.name, value, f.value)
	}
	caret := fmt.Sprintf("(el => { el.focus(); el.setSelectionRange(el.value.length, el.value.length); })(document.querySelector(%q))", f.selector)
	for i := range n {
		key := f.key
		if i%2 == 1 {
			key = kb.Backspace
		}
		grew := chromedp.Poll[bool](fmt.Sprintf("window.__pagebench.lat.length > %d", done+i), chromedp.WithPollingTimeout(10*time.Second))
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](caret), keystroke(key)); err != nil {
			return nil, fmt.Errorf("%s edit %d: %w", f.name, i+1, err)
		}
		if _, err := chromedp.Run(ctx, grew); err != nil {
			return nil, fmt.Errorf("%s edit %d: the verdict did not change within 10 s: %w", f.name, i+1, err)
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
		want := "Blocked by CORS"
		if i%2 == 1 {
			want = "Allowed"
		}
		if text != want {
			return nil, fmt.Errorf("%s edit %d: the verdict became %q, not %q", f.name, i+1, text, want)
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
