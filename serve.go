//go:build !wasm

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/app"
)

// serve runs the page's server until SIGINT or SIGTERM, then shuts down
// gracefully.
func serve(args []string) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fl.String("addr", envOr("CORSPLAY_ADDR", "localhost:8080"), "address to listen on (env CORSPLAY_ADDR)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	h, err := newHandler("web")
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Printf("corsplay: serving http://%s", *addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// newHandler serves the playground from webDir (app.wasm, its compressed
// twins, app.css and the icons): the prerendered page, go-app's files, and
// app.wasm in the best encoding the browser accepts.
func newHandler(webDir string) (http.Handler, error) {
	wasm, err := os.Stat(filepath.Join(webDir, "app.wasm"))
	if err != nil {
		return nil, fmt.Errorf("%w: build it first with `make run` (or `make wasm`)", err)
	}
	version, err := contentHash(webDir)
	if err != nil {
		return nil, err
	}
	app.Register()
	page := &goapp.Handler{
		Name:        "corsplay",
		ShortName:   "corsplay",
		Title:       "corsplay — the CORS playground",
		Description: "See why the browser blocks a cross-origin fetch(), step by step, and the smallest fix: a CORS engine proven against Chromium, running in your browser.",
		Lang:        "en",
		Icon: goapp.Icon{
			Default: "/web/icon-192.png",
			Large:   "/web/icon-512.png",
			SVG:     "/web/icon.svg",
		},
		BackgroundColor:   "#ffffff",
		ThemeColor:        "#0969da",
		Styles:            []string{"/web/app.css"},
		LoadingLabel:      "Loading the CORS engine… {progress}%",
		Version:           version,
		WasmContentLength: fmt.Sprint(wasm.Size()),
		Resources:         goapp.LocalDir(""),
	}
	return securityHeaders(&wasmServer{next: page, dir: webDir, version: version}), nil
}

// contentSecurityPolicy is as strict as go-app allows: its own scripts and
// styles, WebAssembly compilation, no remote source, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// securityHeaders adds the hardening headers to every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// contentHash is the Version go-app keys its caches on: a hash of every
// file served from webDir, so a new build reaches browsers that cached the
// old one, and two replicas of one build agree.
func contentHash(webDir string) (string, error) {
	h := sha256.New()
	var names []string
	err := filepath.WalkDir(webDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return "", err
		}
		io.WriteString(h, filepath.ToSlash(n)+"\x00")
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// wasmServer answers /web/app.wasm with the precompressed twin the browser
// accepts (app.wasm.br, then app.wasm.gz), and everything else with next.
type wasmServer struct {
	next    http.Handler
	dir     string
	version string
}

func (s *wasmServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/web/app.wasm" {
		s.next.ServeHTTP(w, r)
		return
	}
	etag := `"` + s.version + `"`
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	h.Set("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	name := filepath.Join(s.dir, "app.wasm")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if accepts(r.Header.Get("Accept-Encoding"), enc.token) {
			if _, err := os.Stat(name + enc.ext); err == nil {
				name += enc.ext
				h.Set("Content-Encoding", enc.token)
				break
			}
		}
	}
	f, err := os.Open(name)
	if err != nil {
		http.Error(w, "app.wasm is missing: build it with make run", http.StatusNotFound)
		return
	}
	defer f.Close()
	st, _ := f.Stat()
	h.Set("Content-Length", fmt.Sprint(st.Size()))
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, f); err != nil && !errors.Is(err, context.Canceled) {
		log.Printf("serving %s: %v", name, err)
	}
}

// accepts reports whether an Accept-Encoding value allows token (q=0 is a
// refusal).
func accepts(acceptEncoding, token string) bool {
	for part := range strings.SplitSeq(acceptEncoding, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), token) {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}
