// Command loadtest runs a bounded load test on loopback: it starts a built
// corsplay (the page and the live lab, the lab's rate limit off since all
// the load comes from one address), then runs Debian's wrk against a
// policy scenario's preflight on the lab and against the page's
// /web/app.css, and prints requests/s and p99 latency. Any socket error,
// timeout or non-2xx answer fails it.
//
//	go build -o build/corsplay . && go run ./tools/loadtest -bin build/corsplay
package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"

	"corsplay/engine"
	"corsplay/tools/internal/machine"
)

func main() {
	bin := flag.String("bin", "build/corsplay", "the corsplay binary (go build -o build/corsplay .)")
	page := flag.String("page", "127.0.0.1:18080", "page address (loopback)")
	lab := flag.String("lab", "127.0.0.1:18081", "lab address (loopback)")
	conns := flag.Int("c", 200, "connections")
	threads := flag.Int("t", runtime.NumCPU(), "wrk threads")
	duration := flag.Duration("d", 20*time.Second, "duration of each run")
	flag.Parse()
	if err := run(*bin, *page, *lab, *conns, *threads, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(bin, page, lab string, conns, threads int, d time.Duration) error {
	for _, a := range []string{page, lab} {
		if !strings.HasPrefix(a, "127.") && !strings.HasPrefix(a, "localhost:") && !strings.HasPrefix(a, "[::1]:") {
			return fmt.Errorf("%s is not a loopback address: the load test never leaves this machine", a)
		}
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is missing: apt-get install -y wrk")
	}
	pageURL, labURL := "http://"+page, "http://"+lab
	cmd := exec.Command(bin, "-addr", page, "-lab-addr", lab, "-lab-rate", "0")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	if err := waitFor(pageURL+"/web/app.css", labURL+"/runs/loadtest_0123456789"); err != nil {
		return err
	}

	text, err := engine.EncodeLabServer(engine.Server{Policy: &engine.Policy{
		Origins: []string{pageURL}, Credentials: true, Methods: []string{"PUT", "DELETE"},
		RequestHeaders: []string{"Content-Type", "X-Demo-Id"}, ExposeHeaders: []string{"X-Demo-Total"}, MaxAge: new(int64(600)),
	}})
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "corsplay-loadtest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "preflight.lua")
	lua := fmt.Sprintf("wrk.method = \"OPTIONS\"\nwrk.headers[\"Origin\"] = %q\nwrk.headers[\"Access-Control-Request-Method\"] = \"PUT\"\nwrk.headers[\"Access-Control-Request-Headers\"] = \"content-type,x-demo-id\"\n", pageURL)
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return err
	}
	preflight := labURL + "/lab/loadtest_0123456789/" + text + "/items/42"
	actual := filepath.Join(dir, "actual.lua")
	if err := os.WriteFile(actual, []byte(fmt.Sprintf("wrk.headers[\"Origin\"] = %q\n", pageURL)), 0o644); err != nil {
		return err
	}

	fmt.Printf("machine: %d cores, %s, %s %s/%s; wrk -t%d -c%d -d%s\n", runtime.NumCPU(), machine.CPUModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH, threads, conns, d)
	var failed []string
	for _, job := range []struct{ name, url, script string }{
		{"lab: policy preflight (OPTIONS, 204)", preflight, script},
		{"lab: the actual GET (200, chunked body)", preflight, actual},
		{"page: GET /web/app.css", pageURL + "/web/app.css", ""},
	} {
		args := []string{"--latency", fmt.Sprintf("-t%d", threads), fmt.Sprintf("-c%d", conns), "-d" + d.String(), "--timeout", "5s"}
		if job.script != "" {
			args = append(args, "-s", job.script)
		}
		out, err := exec.Command("wrk", append(args, job.url)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("wrk: %v\n%s", err, out)
		}
		r := parse(string(out))
		fmt.Printf("%-40s %10s req/s  p99 %-9s  requests %s  errors %d  non-2xx %d\n", job.name, r.rps, r.p99, r.requests, r.errors, r.non2xx)
		if r.errors > 0 || r.non2xx > 0 || r.rps == "" {
			failed = append(failed, job.name)
			fmt.Println(string(out))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("errors under load: %s", strings.Join(failed, "; "))
	}
	return nil
}

// waitFor polls the URLs until each answers.
func waitFor(urls ...string) error {
	deadline := time.Now().Add(20 * time.Second)
	for _, u := range urls {
		for {
			resp, err := http.Get(u)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not answer: %v", u, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

type result struct {
	rps, p99, requests string
	errors, non2xx     int
}

var (
	reRPS      = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	reP99      = regexp.MustCompile(`\s99%\s+(\S+)`)
	reRequests = regexp.MustCompile(`(\d+) requests in`)
	reSocket   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	reNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

func parse(out string) result {
	var r result
	if m := reRPS.FindStringSubmatch(out); m != nil {
		r.rps = m[1]
	}
	if m := reP99.FindStringSubmatch(out); m != nil {
		r.p99 = m[1]
	}
	if m := reRequests.FindStringSubmatch(out); m != nil {
		r.requests = m[1]
	}
	if m := reSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			var n int
			fmt.Sscan(s, &n)
			r.errors += n
		}
	}
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		fmt.Sscan(m[1], &r.non2xx)
	}
	return r
}
