//go:build !wasm

package main

import (
	"testing"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// TestResolveLikeLocalDir: webFiles resolves every location as
// goapp.LocalDir("") did, so the page's URLs (icons, styles, scripts,
// app.wasm, the service worker's list) do not change.
func TestResolveLikeLocalDir(t *testing.T) {
	files, err := openWebFiles(fakeWeb(t))
	if err != nil {
		t.Fatal(err)
	}
	old := goapp.LocalDir("")
	for _, loc := range []string{"", "/", "/web", "web", "/web/", "web/", "/web/app.wasm", "web/app.css", "/web/sub/x.png/", "//web/x",
		"/app.js", "/embed", "/embed/", "/webx", "/website/x", "https://corsplay.example/web/x", "http://x/web/y", "app-worker.js"} {
		if got, want := files.Resolve(loc), old.Resolve(loc); got != want {
			t.Errorf("Resolve(%q) = %q, LocalDir(\"\") says %q", loc, got, want)
		}
	}
}
