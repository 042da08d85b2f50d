//go:build !wasm

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/internal/goappjs"
)

// icon is the app's icon, served here: go-app's default one is remote,
// which the service worker would try to fetch.
const icon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#0969da"/></svg>`

// main serves the hello world as the playground is served: go-app's Handler
// prerenders the page, the version is a hash of app.wasm, and app.wasm goes
// brotli- or gzip-compressed when the browser accepts it (make hello writes
// the twins).
func main() {
	addr := flag.String("addr", "localhost:8090", "address to serve on")
	web := flag.String("web", "build/helloworld/web", "the folder of app.wasm and its .br and .gz twins")
	flag.Parse()
	wasm := filepath.Join(*web, "app.wasm")
	info, err := os.Stat(wasm)
	if err != nil {
		log.Fatalf("helloworld: %v (make hello builds it)", err)
	}
	version, err := fileHash(wasm)
	if err != nil {
		log.Fatalf("helloworld: %v", err)
	}
	route()
	page := &app.Handler{
		Name:              "Hello",
		Title:             "Hello",
		Icon:              app.Icon{Default: "/web/icon.svg", SVG: "/web/icon.svg"},
		Version:           version,
		WasmContentLength: fmt.Sprint(info.Size()),
		Resources:         webDir{http.StripPrefix("/web/", http.FileServer(http.Dir(*web)))},
	}
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/web/icon.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			io.WriteString(w, icon)
		case "/web/app.wasm":
			serveWasm(w, r, wasm)
		default:
			// app.js loads app.wasm as the page's does (internal/goappjs).
			goappjs.Handler(page).ServeHTTP(w, r)
		}
	})))
}

// webDir serves the folder at /web/, whose addresses it leaves as they are
// (go-app's LocalDir would prefix them with the folder's path).
type webDir struct{ http.Handler }

func (webDir) Resolve(location string) string { return location }

// serveWasm sends app.wasm, or its .br or .gz twin with Content-Encoding.
func serveWasm(w http.ResponseWriter, r *http.Request, wasm string) {
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Vary", "Accept-Encoding")
	h.Set("Cache-Control", "no-cache")
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if _, err := os.Stat(wasm + enc.ext); err == nil && strings.Contains(accept, enc.token) {
			h.Set("Content-Encoding", enc.token)
			http.ServeFile(w, r, wasm+enc.ext)
			return
		}
	}
	http.ServeFile(w, r, wasm)
}

func fileHash(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
