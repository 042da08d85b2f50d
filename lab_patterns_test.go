//go:build !wasm

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"corsplay/engine"
)

// costlyOrigins are n patterns of about 1,000 instructions each that never
// match (so a search visits every instruction at every byte); tag makes
// them unique.
func costlyOrigins(n int, tag string) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf(`re:(?:[a-z.]?){240}(?:[a-z0-9:/]?){240}@%s%d`, tag, i))
	}
	return out
}

// TestLabPatterns: a pattern over the limits is refused with its field; a
// request whose Origin costs more than the budget against the server's
// patterns is answered 422 with the reason, not searched.
func TestLabPatterns(t *testing.T) {
	l, _ := newTestLab(t)
	tooComplex := engine.Server{Policy: &engine.Policy{Origins: []string{`re:^https://(?:.?){1000}\.example\.com$`}}}
	if _, err := engine.EncodeLabServer(tooComplex); err == nil || !strings.Contains(err.Error(), "server.policy.origins[0]: this pattern is too complex") {
		t.Errorf("EncodeLabServer: %v, want the pattern refused", err)
	}
	costly := engine.Server{Policy: &engine.Policy{Origins: costlyOrigins(4, "")}}
	target := labPath(t, costly, "/r")
	if rec := do(l, "GET", target, "", "Origin", testPage); rec.Code != 200 {
		t.Errorf("a short Origin: %d %s", rec.Code, rec.Body)
	}
	long := "https://" + strings.Repeat("a", engine.MaxOriginBytes-len("https://"))
	rec := do(l, "GET", target, "", "Origin", long)
	refused(t, "a 2 KB Origin", rec, 422, long)
	if !strings.Contains(rec.Body.String(), "corsplay stopped matching the server's patterns") {
		t.Errorf("a 2 KB Origin: %s", rec.Body)
	}
	rec = do(l, "GET", target, "", "Origin", long+"a")
	if acao := rec.Header().Get("Access-Control-Allow-Origin"); rec.Code != 200 || acao != "" {
		t.Errorf("an Origin over MaxOriginBytes: %d, Access-Control-Allow-Origin %q: want 200, no pattern searched, none allowed", rec.Code, acao)
	}
}

// TestLabServerCacheBytes: decoded servers are kept up to
// labServerCacheBytes, however many fit in labServerCache entries, and the
// heap stays within it.
func TestLabServerCacheBytes(t *testing.T) {
	l, _ := newTestLab(t)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for i := range labServerCache {
		srv := engine.Server{Policy: &engine.Policy{Origins: costlyOrigins(4, fmt.Sprint(i))}}
		text, err := engine.EncodeLabServer(srv)
		if err != nil {
			t.Fatal(err)
		}
		if s := l.servers.get(text); s.status != 0 {
			t.Fatalf("server %d: %d %s", i, s.status, s.problem)
		}
		if l.servers.bytes > labServerCacheBytes {
			t.Fatalf("after %d servers the cache holds %d bytes, more than %d", i+1, l.servers.bytes, labServerCacheBytes)
		}
	}
	n := len(l.servers.m)
	if n == 0 || n >= labServerCache {
		t.Errorf("%d servers kept: want fewer than %d, bounded by bytes", n, labServerCache)
	}
	if grew := int64(heap()) - int64(before); grew > labServerCacheBytes {
		t.Errorf("the heap grew by %d bytes for %d cached servers, more than the %d the cache may hold", grew, n, labServerCacheBytes)
	}
	t.Logf("%d servers of ~4,000 instructions cached, %d bytes estimated", n, l.servers.bytes)
}

// TestCLIPatterns: check and respond refuse a pattern over the limits with
// its field, and answer a scenario or request that costs more than the
// budget with the reason, the other elements unharmed.
func TestCLIPatterns(t *testing.T) {
	policy := func(origins []string) string {
		b, _ := json.Marshal(origins)
		return `{"policy":{"origins":` + string(b) + `}}`
	}
	long := "https://" + strings.Repeat("a", engine.MaxOriginBytes-len("https://"))
	tooComplex := policy([]string{`re:^https://(?:.?){1000}\.example\.com$`})
	costly := policy(costlyOrigins(4, ""))
	scenario := func(page, server string) string {
		return `{"v":1,"page":"` + page + `","request":{"url":"https://api.example.com/r"},"server":` + server + `}`
	}
	exchange := func(origin, server string) string {
		return `{"server":` + server + `,"request":{"url":"/r","headers":[["Origin","` + origin + `"]]}}`
	}
	for _, tt := range []struct {
		cmd, input string
		code       int
		stdout     []string // fragments, in order
		stderr     string
	}{
		{"check", scenario(testPage, tooComplex), 2, nil,
			"check: standard input: server.policy.origins[0]: this pattern is too complex (repetition count 1000)"},
		{"check", "[" + scenario(long, costly) + "," + allowedRaw + "]", 0,
			[]string{`"verdict": "error"`, `"console": "corsplay stopped matching the server's patterns`, `"verdict": "allowed"`}, ""},
		{"respond", exchange(testPage, tooComplex), 2, nil,
			"respond: standard input: server.policy.origins[0]: this pattern is too complex"},
		{"respond", "[" + exchange(long, costly) + "," + exchange(testPage, costly) + "]", 2,
			[]string{`"error": "[0]: corsplay stopped matching the server's patterns`, `"status": 200`},
			"respond: standard input: [0]: corsplay stopped matching"},
	} {
		var out, errs bytes.Buffer
		code := run([]string{tt.cmd}, strings.NewReader(tt.input), &out, &errs)
		if code != tt.code || !strings.Contains(errs.String(), tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tt.cmd, code, errs.String(), tt.code, tt.stderr)
		}
		rest := out.String()
		for _, frag := range tt.stdout {
			i := strings.Index(rest, frag)
			if i < 0 {
				t.Errorf("%s: stdout lacks %q (in order):\n%.600s", tt.cmd, frag, out.String())
				break
			}
			rest = rest[i+len(frag):]
		}
	}
}
