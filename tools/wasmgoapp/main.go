// Command wasmgoapp prepares the wasm build of go-app without its HTTP
// server.
//
// go-app v10 compiles its server side (app.Handler, and with it net/http
// and its crypto) into the browser build too: about 340 KB of brotli that
// the page never runs. For the wasm build only, this copies go-app v10.1.11
// from the module cache into DIR/go-app, leaves the server out of three of
// its files (http.go becomes empty, resource.go loses its http.FileServer,
// wasm.go loses GenerateStaticWebsite), renders as soon as the event queue
// is empty instead of at the next frame tick (engine.go), and writes
// DIR/wasm.mod and
// DIR/wasm.sum: go.mod and go.sum plus a replace of go-app by that copy,
// for `go build -modfile DIR/wasm.mod`. The server build and go.mod are
// untouched; nothing of go-app is committed.
//
// Usage: go run ./tools/wasmgoapp DIR
package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const goApp = "github.com/maxence-charriere/go-app/v10"

// edits are the exact replacements made in pkg/app; each must apply once,
// so that a go-app that moved things fails loudly here.
var edits = map[string][][2]string{
	"http.go": nil, // emptied
	"resource.go": {
		{"import (\n\t\"net/http\"\n\t\"strings\"\n)", "import (\n\t\"strings\"\n)"},
		{"\t\tHandler:   http.FileServer(http.Dir(directory)),\n", ""},
		{"type localResourceResolver struct {\n\thttp.Handler\n", "type localResourceResolver struct {\n"},
	},
	// Render as soon as the dispatch queue is empty, rather than at the
	// next tick of go-app's 120 Hz frame timer: a keystroke's verdict
	// reaches the DOM up to 8.3 ms sooner (make bench).
	"engine.go": {
		{"\t\t\tdispatch()\n\n\t\tcase <-frames.C:", "\t\t\tdispatch()\n\t\t\tif len(e.dispatches) == 0 {\n\t\t\t\te.processFrame()\n\t\t\t\tframes.Reset(iddleFrameDuration)\n\t\t\t\tcurrentFrameDuration = iddleFrameDuration\n\t\t\t}\n\n\t\tcase <-frames.C:"},
	},
	"wasm.go": {
		{"func GenerateStaticWebsite(dir string, h *Handler, pages ...string) error {\n\tpanic(errors.New(\"unsupported instruction\").\n\t\tWithTag(\"architecture\", runtime.GOARCH))\n}\n", ""},
		{"import (\n\t\"runtime\"\n\n\t\"github.com/maxence-charriere/go-app/v10/pkg/errors\"\n)\n", ""},
	},
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasmgoapp DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "wasmgoapp:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", goApp).Output()
	if err != nil {
		return fmt.Errorf("locating %s: %v", goApp, err)
	}
	src := strings.TrimSpace(string(out))
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	dst := filepath.Join(dir, "go-app")
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := copyModule(src, dst); err != nil {
		return err
	}
	for name, reps := range edits {
		p := filepath.Join(dst, "pkg", "app", name)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := string(data)
		if reps == nil {
			text = "package app\n"
		}
		for _, r := range reps {
			if strings.Count(text, r[0]) != 1 {
				return fmt.Errorf("%s: the text to replace is not there once; go-app changed, review tools/wasmgoapp:\n%s", name, r[0])
			}
			text = strings.Replace(text, r[0], r[1], 1)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		return err
	}
	mod = append(mod, fmt.Sprintf("\nreplace %s => %s\n", goApp, dst)...)
	if err := os.WriteFile(filepath.Join(dir, "wasm.mod"), mod, 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "wasm.sum"), sum, 0o644)
}

// copyModule copies go.mod and the non-test Go files under pkg/.
func copyModule(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel != "." && rel != "pkg" && !strings.HasPrefix(rel, "pkg"+string(filepath.Separator)) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if rel != "go.mod" && (!strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go")) {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		o, err := os.Create(filepath.Join(dst, rel))
		if err != nil {
			return err
		}
		if _, err := io.Copy(o, in); err != nil {
			o.Close()
			return err
		}
		return o.Close()
	})
}
