//go:build !wasm

package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// checkout plants, in a fresh directory, what sits next to web/ in a
// clone — .git/config, go.mod, serve.go — and a secret file, each holding
// a marker of its own; web/ holds the fake build (fakeWeb's files), a
// dotfile with a marker, a subfolder, a FIFO, and symbolic links out of
// it: to the secret (relative and absolute) and to its parent folder. It
// returns the directory and the markers, none of which may ever be served.
func checkout(t *testing.T) (dir string, markers []string) {
	t.Helper()
	dir = t.TempDir()
	plant := func(name string) {
		b := make([]byte, 8)
		rand.Read(b)
		marker := "corsplay-marker-" + filepath.Base(name) + "-" + hex.EncodeToString(b)
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(marker+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		markers = append(markers, marker)
	}
	for _, name := range []string{".git/config", "go.mod", "serve.go", "secret.txt", "web/.env", "web/.git/config"} {
		plant(name)
	}
	web := filepath.Join(dir, "web")
	for _, name := range []string{"app.wasm", "app.wasm.br", "app.wasm.gz", "app.css", "sub/page.css"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(web, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(web, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"escape":     "../secret.txt",
		"escape-abs": filepath.Join(dir, "secret.txt"),
		"up":         "..",
		"git":        "../.git",
	} {
		if err := os.Symlink(target, filepath.Join(web, link)); err != nil {
			t.Fatal(err)
		}
	}
	// Opening a FIFO blocks until someone writes: a server that opened it
	// would hang.
	if err := syscall.Mkfifo(filepath.Join(web, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, markers
}

// rawRequest sends head (a request line and any header lines, without the
// final empty line) as is over a new TCP connection and returns the
// response, its body read: Go's client would clean the paths this file
// tries.
func rawRequest(t *testing.T, addr, head string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if !strings.Contains(head, "\r\nHost:") {
		head += "\r\nHost: " + addr
	}
	if _, err := io.WriteString(conn, head+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(head, " ")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%.200q: no response: %v", head, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%.200q: reading the body: %v", head, err)
	}
	return resp, string(b)
}

// traversals are requests for something outside web/ (or inside it but
// never served: dotfiles, folders, a FIFO), each spelt as a client may
// send it; {v} is the page's Version, which go-app strips from a path.
// Each gets a 404 (a 400 where net/http refuses the request line itself).
var traversals = []struct {
	request string
	status  int
}{
	{"GET /web/..%2fsecret.txt", 404},
	{"GET /web/..%2f.git%2fconfig", 404},
	{"GET /web/..%2F.git%2Fconfig", 404},
	{"GET /web/%2e%2e/", 404},
	{"GET /web/%2e%2e%2fgo.mod", 404},
	{"GET /web/%2E%2E%2Fgo.mod", 404},
	{"GET /web/.%2e/serve.go", 404},
	{"GET /web/%2e./secret.txt", 404},
	{"GET /web/..%5cserve.go", 404},
	{`GET /web/..\serve.go`, 404},
	{"GET /web/%2e%2e%5c%2e%2e%5cgo.mod", 404},
	{"GET /web/%252e%252e%252fgo.mod", 404},
	{"GET /web/..%252fgo.mod", 404},
	{"GET //..//go.mod", 404},
	{"GET /web/../go.mod", 404},
	{"GET /web/../../secret.txt", 404},
	{"GET /web//..%2f..%2f", 404},
	{"GET /web/....//go.mod", 404},
	{"GET /web/..;/go.mod", 404},
	{"GET /web/%c0%ae%c0%ae/", 404},
	{"GET /web/%c0%ae%c0%ae%c0%afsecret.txt", 404},
	{"GET /web/app.css%00/../../go.mod", 404},
	{"GET /web/%00", 404},
	{"GET /web/\x00../go.mod", 400},
	{"GET /web/%u002e%u002e/go.mod", 400},
	{"GET /{v}/web/..%2fgo.mod", 404},
	{"GET /{v}/go.mod", 404},
	{"GET /{v}/web/", 404},
	{"GET /app.wasm/..%2f", 404},
	{"GET /app.wasm/..%2f..%2fgo.mod", 404},
	{"GET /web/app.css/..%2f..%2fgo.mod", 404},
	{"GET /embed/..%2f..%2fgo.mod", 404},
	{"GET /%2e%2e/go.mod", 404},
	{"GET /web/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", 404},
	{"GET http://localhost/../go.mod", 404},
	{"GET http://localhost/web/..%2fsecret.txt", 404},
	{"GET http://localhost/web/%2e%2e/", 404},
	{"GET /go.mod", 404},
	{"GET /serve.go", 404},
	{"GET /.git/config", 404},
	{"GET /secret.txt", 404},
	{"GET /web/escape", 404},
	{"GET /web/escape-abs", 404},
	{"GET /web/up/secret.txt", 404},
	{"GET /web/up/.git/config", 404},
	{"GET /web/git/config", 404},
	{"GET /web/.env", 404},
	{"GET /web/.git/config", 404},
	{"GET /web/%2eenv", 404},
	{"GET /web/", 404},
	{"GET /web", 404},
	{"GET /web/sub/", 404},
	{"GET /web/sub", 404},
	{"GET /web/./app.css", 404},
	{"GET /web/fifo", 404},
	{"HEAD /web/..%2fsecret.txt", 404},
	{"HEAD /web/%2e%2e/", 404},
}

// TestPageServesOnlyWebFiles: the page's server, as serve runs it in a
// checkout, answers every traversal spelling with 404 and never with a
// byte of a file outside web/ (nor of a dotfile in it), while the files
// the page needs are served.
func TestPageServesOnlyWebFiles(t *testing.T) {
	dir, markers := checkout(t)
	t.Chdir(dir)
	h, err := newHandler("web")
	if err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, h, defaultLimits)
	files, err := openWebFiles("web")
	if err != nil {
		t.Fatal(err)
	}
	if len(traversals) < 30 {
		t.Fatalf("only %d spellings", len(traversals))
	}
	for _, tt := range traversals {
		request := strings.ReplaceAll(tt.request, "{v}", files.version) + " HTTP/1.1"
		t.Run(fmt.Sprintf("%q", tt.request), func(t *testing.T) {
			resp, body := rawRequest(t, addr, request)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, m := range markers {
				if strings.Contains(body, m) {
					t.Errorf("the body holds %s", m)
				}
			}
			if strings.Contains(body, "<a href=") {
				t.Errorf("the body lists a folder: %.200s", body)
			}
		})
	}
	for path, want := range map[string]string{"/web/app.css": "app.css", "/web/sub/page.css": "sub/page.css", "/web/app.wasm": "app.wasm"} {
		if resp, body := rawRequest(t, addr, "GET "+path+" HTTP/1.1"); resp.StatusCode != 200 || body != want {
			t.Errorf("%s: %d %q, want 200 %q", path, resp.StatusCode, body, want)
		}
	}
}

// TestStaticFolderServesOnlyWebFiles: `corsplay static` run on a checkout
// copies only what the server serves into web/ (no dotfile, nothing a link
// out of the folder points to), so that a plain static file server (Go's
// http.FileServer) on the folder, with the secret file beside it, never
// sends a byte of a file outside web/ whatever the spelling.
func TestStaticFolderServesOnlyWebFiles(t *testing.T) {
	dir, markers := checkout(t)
	out := filepath.Join(dir, "dist")
	if err := staticExport(filepath.Join(dir, "web"), out, "", ""); err != nil {
		t.Fatal(err)
	}
	var web []string
	err := filepath.WalkDir(filepath.Join(out, "web"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(out, "web"), p)
			web = append(web, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app.css", "app.wasm", "app.wasm.br", "app.wasm.gz", "sub/page.css"}; !slices.Equal(web, want) {
		t.Errorf("the folder's web/ holds %q, want %q", web, want)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(out))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	for _, tt := range traversals {
		request := strings.ReplaceAll(tt.request, "{v}", "0123456789abcdef") + " HTTP/1.1"
		_, body := rawRequest(t, ln.Addr().String(), request)
		for _, m := range markers {
			if strings.Contains(body, m) {
				t.Errorf("%q: the body holds %s", tt.request, m)
			}
		}
	}
}
