package evidence_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

type genHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// largeHAR writes a HAR as Chrome exports a long session "with content":
// pages, scripts and images of the page's own origin with their bodies
// (base64, bodyBytes each), every apiEvery-th entry a cross-origin API
// call that is allowed, and the last one a POST whose preflight passes
// and whose error response has no CORS header.
func largeHAR(entries, bodyBytes, apiEvery int) []byte {
	const page, api = "http://localhost:5173", "https://api.shop.test"
	body := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x89PNG\r\n\x1a\n corsplay ", bodyBytes/18+1)[:bodyBytes]))
	reqHeaders := func(origin bool, extra ...genHeader) []genHeader {
		hs := []genHeader{{":authority", "api.shop.test"}, {":method", "GET"}, {"accept", "*/*"}, {"accept-encoding", "gzip, deflate, br, zstd"},
			{"sec-ch-ua", `"Chromium";v="131"`}, {"sec-fetch-mode", "cors"}, {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}}
		if origin {
			hs = append(hs, genHeader{"origin", page}, genHeader{"referer", page + "/"})
		}
		return append(hs, extra...)
	}
	entry := func(method, url string, rh []genHeader, status int, resp []genHeader, text string, failed bool) map[string]any {
		var errText any
		if failed {
			errText = "net::ERR_FAILED"
		}
		return map[string]any{
			"_initiator": map[string]any{"type": "script"}, "_priority": "High", "_resourceType": "fetch", "cache": map[string]any{},
			"pageref": "page_1", "startedDateTime": "2026-11-30T09:14:02.115Z", "time": 12.5,
			"request": map[string]any{"method": method, "url": url, "httpVersion": "http/2.0", "headers": rh, "queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": 0},
			"response": map[string]any{"status": status, "statusText": "", "httpVersion": "http/2.0", "headers": resp, "cookies": []any{},
				"content":     map[string]any{"size": len(text), "mimeType": "image/png", "text": text, "encoding": "base64"},
				"redirectURL": "", "headersSize": -1, "bodySize": len(text), "_transferSize": len(text), "_error": errText},
			"timings": map[string]any{"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 10, "receive": 1.4},
		}
	}
	var es []map[string]any
	for i := 0; i < entries-2; i++ {
		if apiEvery > 0 && i%apiEvery == 0 {
			es = append(es, entry("GET", fmt.Sprintf("%s/v1/items/%d", api, i), reqHeaders(true), 200,
				[]genHeader{{"access-control-allow-origin", "*"}, {"content-type", "application/json"}}, `{"ok":true}`, false))
			continue
		}
		es = append(es, entry("GET", fmt.Sprintf("%s/assets/img-%d.png", page, i), reqHeaders(false), 200,
			[]genHeader{{"content-type", "image/png"}, {"cache-control", "max-age=31536000"}}, body, false))
	}
	post := reqHeaders(true, genHeader{"content-type", "application/json"})
	es = append(es,
		entry("POST", api+"/v1/orders", post, 500, []genHeader{{"content-type", "text/html"}}, "<h1>Internal Server Error</h1>", true),
		entry("OPTIONS", api+"/v1/orders", reqHeaders(true, genHeader{"access-control-request-method", "POST"}, genHeader{"access-control-request-headers", "content-type"}), 204,
			[]genHeader{{"access-control-allow-origin", page}, {"access-control-allow-methods", "POST"}, {"access-control-allow-headers", "content-type"}}, "", false))
	es[len(es)-1]["_resourceType"] = "preflight"
	har := map[string]any{"log": map[string]any{
		"version": "1.2", "creator": map[string]any{"name": "WebInspector", "version": "537.36"},
		"pages":   []any{map[string]any{"startedDateTime": "2026-11-30T09:14:02.118Z", "id": "page_1", "title": page + "/", "pageTimings": map[string]any{}}},
		"entries": es,
	}}
	out, err := json.MarshalIndent(har, "", "  ")
	if err != nil {
		panic(err)
	}
	return out
}

const largeWant = "Access to fetch at 'https://api.shop.test/v1/orders' from origin 'http://localhost:5173' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."

// TestLargeHAR: a 16 MB HAR, bodies included, imports in under a second
// (natively; WebAssembly in node is slower) and finds the one failure at
// its end.
func TestLargeHAR(t *testing.T) {
	text := largeHAR(400, 40<<10, 10)
	if len(text) < 16<<20 {
		t.Fatalf("the HAR is %d bytes, want at least 16 MB", len(text))
	}
	start := time.Now()
	r, err := evidence.Import(text, evidence.Options{})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if o := engine.Evaluate(r.Scenario); o.Console != largeWant {
		t.Errorf("console %s\nwant %s", o.Console, largeWant)
	}
	if !strings.HasPrefix(r.Notes[0], "Entry 399 of 400") {
		t.Errorf("notes %q", r.Notes)
	}
	t.Logf("%d MB in %v", len(text)>>20, took)
	if runtime.GOOS != "js" && took > time.Second {
		t.Errorf("importing %d bytes took %v, more than a second", len(text), took)
	}
}

// BenchmarkImportHAR imports a 16 MB HAR of 400 entries, bodies included,
// whose failing request is the last but one.
func BenchmarkImportHAR(b *testing.B) {
	text := largeHAR(400, 40<<10, 10)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := evidence.Import(text, evidence.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportHARManyRequests imports a HAR of 5,000 small entries,
// 2,500 of them cross-origin requests that all pass, before the failing
// one: the import evaluates each that might fail.
func BenchmarkImportHARManyRequests(b *testing.B) {
	text := largeHAR(5000, 64, 2)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := evidence.Import(text, evidence.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportConsole imports Chrome's lines for a failed preflight.
func BenchmarkImportConsole(b *testing.B) {
	text := []byte("api.js:31 Access to fetch at 'https://api.shop.test/v1/orders' from origin 'http://localhost:5173' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.\napi.js:31  POST https://api.shop.test/v1/orders net::ERR_FAILED")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := evidence.Import(text, evidence.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
