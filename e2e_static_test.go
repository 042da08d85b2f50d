//go:build !wasm

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// staticRoot, when set, makes newServer serve that folder with a plain
// static file server instead of corsplay's own.
var staticRoot string

// TestStaticFolder: `corsplay static` writes a folder that a plain static
// file server (Go's http.FileServer: no corsplay code, no compression, no
// headers of ours) serves as the whole playground; the checks that load
// pages and links pass against it.
func TestStaticFolder(t *testing.T) {
	dir := t.TempDir()
	if code := static([]string{"-out", dir}, os.Stderr); code != 0 {
		t.Fatalf("corsplay static exited %d", code)
	}
	for _, f := range []string{"index.html", "embed.html", "embed/index.html", "app.js", "app-worker.js", "wasm_exec.js", "app.css",
		"manifest.webmanifest", "_headers", "web/app.wasm", "web/app.wasm.br", "web/app.wasm.gz", "web/app.css", "web/icon-192.png", "web/icon-512.png", "web/link.js"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the folder lacks %s", f)
		}
	}
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(index), `id="verdict-title">Allowed<`) || !strings.Contains(string(index), `http-equiv="Content-Security-Policy"`) {
		t.Errorf("index.html is not the prerendered page with its policy")
	}

	// With a lab elsewhere, the page knows its origin and may fetch() it.
	withLabDir := t.TempDir()
	if code := static([]string{"-out", withLabDir, "-lab-origin", "https://lab.example.net"}, os.Stderr); code != 0 {
		t.Fatalf("corsplay static -lab-origin exited %d", code)
	}
	appJS, _ := os.ReadFile(filepath.Join(withLabDir, "app.js"))
	headers, _ := os.ReadFile(filepath.Join(withLabDir, "_headers"))
	if !strings.Contains(string(appJS), `"CORSPLAY_LAB":"https://lab.example.net"`) || !strings.Contains(string(headers), "connect-src 'self' https://lab.example.net;") {
		t.Errorf("the lab's origin is not in the folder's app.js and _headers")
	}

	staticRoot = dir
	t.Cleanup(func() { staticRoot = "" })
	srv := newServer(t)
	r, err := http.Get(srv.URL + "/web/app.wasm")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.Header.Get("Content-Type") != "application/wasm" || r.Header.Get("Content-Encoding") != "" {
		t.Fatalf("the static server does not serve app.wasm plainly: %v", r.Header)
	}
	// What a static host changes is how the files arrive (no compression,
	// no headers of ours, the service worker, the fragment on every path):
	// the checks that load pages and links run again; those that only
	// drive the running app (stepping, typing, hostile fragments) do not
	// depend on the server and run once, above.
	for name, check := range map[string]func(*testing.T){
		"page loads":         TestPageLoadsWithTheDefaultVerdict,
		"editing the method": TestEditingTheMethodChangesTheVerdict,
		"permalink":          TestPermalinkRoundTrip,
		"every preset":       TestEveryPresetShowsTheEnginesVerdict,
		"accessibility":      TestAccessibility,
		"embed view":         TestEmbedView,
		"without a lab":      TestLabOff,
	} {
		t.Run(name, check)
	}
}
