package goappjs

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// TestHandlerEditsGoAppsLoader: the app.js of this go-app gets the
// streaming load and registers the service worker after it, and nothing
// else of go-app's answers changes.
func TestHandlerEditsGoAppsLoader(t *testing.T) {
	h := Handler(&app.Handler{Name: "test", WasmContentLength: "1234"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app.js", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/app.js: %d %s", rec.Code, rec.Body)
	}
	js := rec.Body.String()
	if strings.Contains(js, "new ReadableStream") || !strings.Contains(js, "const copy = response.clone();") {
		t.Errorf("app.js still wraps app.wasm's response in a ReadableStream:\n%s", js)
	}
	if strings.Contains(js, "\ngoappInitServiceWorker();") || !strings.Contains(js, "\ngoappInitWebAssembly().finally(goappInitServiceWorker);") {
		t.Errorf("app.js registers the service worker beside app.wasm's first load:\n%s", js)
	}
	if got, want := rec.Header().Get("Content-Length"), len(js); got != strconv.Itoa(want) {
		t.Errorf("Content-Length %s, the body is %d bytes", got, want)
	}
	if rec.Header().Get("Content-Type") != "application/javascript" {
		t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
	}

	head := httptest.NewRecorder()
	h.ServeHTTP(head, httptest.NewRequest(http.MethodHead, "/app.js", nil))
	if head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD /app.js: %d with %d bytes of body", head.Code, head.Body.Len())
	}

	other := httptest.NewRecorder()
	h.ServeHTTP(other, httptest.NewRequest(http.MethodGet, "/wasm_exec.js", nil))
	direct := httptest.NewRecorder()
	(&app.Handler{Name: "test", WasmContentLength: "1234"}).ServeHTTP(direct, httptest.NewRequest(http.MethodGet, "/wasm_exec.js", nil))
	if other.Body.String() != direct.Body.String() {
		t.Error("/wasm_exec.js changed")
	}
}

func TestEditFailsOnAnotherLoader(t *testing.T) {
	if _, err := Edit([]byte("async function fetchWithProgress(url, progess) { return fetch(url); }")); err == nil {
		t.Error("Edit accepted an app.js without go-app v10.1.11's loader")
	}
}
