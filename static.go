//go:build !wasm

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
)

// staticExport writes the playground as a folder any static host or CDN
// serves as is: the prerendered pages, go-app's files, web/ (app.wasm, its
// precompressed twins, styles, scripts, icons), and a _headers file with
// the security headers for hosts that read one (Netlify, Cloudflare
// Pages). The live lab is optional: labOrigin, when set, is where the page
// finds one.
func staticExport(webDir, out, labOrigin, domain string) error {
	opts := []handlerOption{withDomain(domain)}
	if labOrigin != "" {
		opts = append(opts, withLab(labOrigin, nil))
	}
	opts = append(opts, withMetaCSP())
	h, err := newHandler(webDir, opts...)
	if err != nil {
		return err
	}
	pages := map[string][]string{
		"/":                     {"index.html"},
		embedPath:               {"embed.html", "embed/index.html"}, // /embed on hosts with pretty URLs, /embed/ on the others
		"/app.js":               {"app.js"},
		"/app-worker.js":        {"app-worker.js"},
		"/wasm_exec.js":         {"wasm_exec.js"},
		"/app.css":              {"app.css"},
		"/manifest.webmanifest": {"manifest.webmanifest"},
	}
	for path, files := range pages {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("static: %s answered %d", path, rec.Code)
		}
		for _, f := range files {
			if err := writeFile(filepath.Join(out, f), rec.Body.Bytes()); err != nil {
				return err
			}
		}
	}
	// web/ as the server serves it (webFiles): no dotfile, nothing a link
	// out of the folder points to.
	files, err := openWebFiles(webDir)
	if err != nil {
		return err
	}
	for _, name := range files.names {
		file, _, err := files.open(name)
		if err != nil {
			return err
		}
		data, err := io.ReadAll(file)
		file.Close()
		if err != nil {
			return fmt.Errorf("static: reading %s in %s: %w", name, webDir, err)
		}
		if err := writeFile(filepath.Join(out, "web", filepath.FromSlash(name)), data); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(out, "_headers"), []byte(staticHeaders(labOrigin)))
}

// staticHeaders is securityHeaders in the _headers format. Two policies
// are enforced together: the page's, and one that says who may frame it.
func staticHeaders(labOrigin string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "/*\n  Content-Security-Policy: %s\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n", contentSecurityPolicy(labOrigin))
	for _, p := range []string{"/", "/index.html"} {
		fmt.Fprintf(&b, "%s\n  Content-Security-Policy: frame-ancestors 'none'\n  X-Frame-Options: DENY\n", p)
	}
	for _, p := range []string{embedPath, embedPath + ".html", embedPath + "/", embedPath + "/index.html"} {
		fmt.Fprintf(&b, "%s\n  Content-Security-Policy: frame-ancestors *\n", p)
	}
	b.WriteString("/web/*\n  Cache-Control: no-cache\n")
	return b.String()
}

func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// static is the `corsplay static` command.
func static(args []string, stderr io.Writer) int {
	fl := flag.NewFlagSet("static", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "dist", "folder to write")
	labOrigin := fl.String("lab-origin", os.Getenv("CORSPLAY_LAB_ORIGIN"), "origin of a live lab the page may use (env CORSPLAY_LAB_ORIGIN; default: none)")
	domain := fl.String("domain", os.Getenv("CORSPLAY_DOMAIN"), "the public host name, for link previews: og:url and og:image (env CORSPLAY_DOMAIN)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := staticExport("web", *out, *labOrigin, *domain); err != nil {
		fmt.Fprintln(stderr, "corsplay static:", err)
		return 1
	}
	fmt.Fprintf(stderr, "corsplay static: wrote %s\n", *out)
	return 0
}
