// Command wasmgoapp prepares the wasm build of go-app without its HTTP
// server.
//
// go-app v10 compiles its server side (app.Handler, and with it net/http
// and its crypto) into the browser build too: about 340 KB of brotli that
// the page never runs. For the wasm build only, this copies go-app v10.1.11
// from the module cache into DIR/go-app, leaves the server out of three of
// its files (http.go becomes empty, resource.go loses its http.FileServer,
// wasm.go loses GenerateStaticWebsite), leaves out the states and the
// encryption the page does not use (state.go and crypto.go become empty,
// context.go and engine.go lose what used them), renders as soon as the
// event queue is empty instead of at the next frame tick (engine.go), and
// writes DIR/wasm.mod and DIR/wasm.sum: go.mod and go.sum plus a replace of
// go-app by that copy, for `go build -modfile DIR/wasm.mod`. The server
// build and go.mod are untouched; nothing of go-app is committed.
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
	// go-app's states (Context.ObserveState, GetState, SetState, DelState,
	// their persistence in localStorage and broadcast to other tabs) and
	// Context.Encrypt, Decrypt and DeviceID (AES-GCM keyed by a UUID, for
	// State.PersistWithEncryption) bring crypto/aes, crypto/cipher,
	// crypto/rand, crypto/md5, crypto/sha1 and github.com/google/uuid into
	// the browser build: with the state manager itself, 60 KB of brotli
	// (1,500,275 -> 1,440,129 B). The page uses none of them (no state, no
	// localStorage, no encryption: grep app/), but go-app's engine wires the
	// state manager into every Context, so they stayed in. They are removed
	// from the browser build rather than stubbed: a page that calls one of
	// them no longer compiles with `make wasm` (ctx.SetState undefined)
	// instead of failing at run time. The only other thing that goes is
	// go-app's housekeeping of those states: at start it deleted its own
	// expired persisted states from localStorage, and after each frame it
	// dropped the observers of unmounted components; with no state there is
	// nothing to delete or drop.
	"state.go":  nil, // emptied
	"crypto.go": nil, // emptied
	"context.go": {
		{"import (\n\t\"context\"\n\t\"encoding/json\"\n\t\"net/url\"\n\t\"strings\"\n\t\"time\"\n\n\t\"github.com/google/uuid\"\n", "import (\n\t\"context\"\n\t\"net/url\"\n\t\"time\"\n\n"},
		{"\tobserveState          func(Context, string, any) Observer\n\tgetState              func(Context, string, any)\n\tsetState              func(Context, string, any) State\n\tdelState              func(Context, string)\n", ""},
		{contextDeviceID, ""},
		{contextEncryption, ""},
		{contextStates, ""},
	},
	"resource.go": {
		{"import (\n\t\"net/http\"\n\t\"strings\"\n)", "import (\n\t\"strings\"\n)"},
		{"\t\tHandler:   http.FileServer(http.Dir(directory)),\n", ""},
		{"type localResourceResolver struct {\n\thttp.Handler\n", "type localResourceResolver struct {\n"},
	},
	"engine.go": {
		// The state manager, see state.go above.
		{"\tstates                     stateManager\n", ""},
		{"\t\tobserveState:          e.states.Observe,\n\t\tgetState:              e.states.Get,\n\t\tsetState:              e.states.Set,\n\t\tdelState:              e.states.Delete,\n", ""},
		{"\te.states.CleanupExpiredPersistedStates(e.baseContext())\n\n", ""},
		{"\te.states.Cleanup()\n", ""},
		// Render as soon as the dispatch queue is empty, rather than at the
		// next tick of go-app's 120 Hz frame timer: a keystroke's verdict
		// reaches the DOM up to 8.3 ms sooner (make bench).
		{"\t\t\tdispatch()\n\n\t\tcase <-frames.C:", "\t\t\tdispatch()\n\t\t\tif len(e.dispatches) == 0 {\n\t\t\t\te.processFrame()\n\t\t\t\tframes.Reset(iddleFrameDuration)\n\t\t\t\tcurrentFrameDuration = iddleFrameDuration\n\t\t\t}\n\n\t\tcase <-frames.C:"},
	},
	// html.EscapeString, go-app's only use of package html, links html's
	// entity table (2,231 names for UnescapeString, built at start-up
	// whether or not it is read): the same five escapes without it,
	// -15.7 KB brotli.
	"node.go": {
		{"\t\"html\"\n", "\t\"strings\"\n"},
		{"w.WriteString(html.EscapeString(v.value))", "w.WriteString(textEscaper.Replace(v.value))"},
		{"func (m nodeManager) encodeIndent(", "// textEscaper escapes as html.EscapeString does.\nvar textEscaper = strings.NewReplacer(`&`, \"&amp;\", `'`, \"&#39;\", `<`, \"&lt;\", `>`, \"&gt;\", `\"`, \"&#34;\")\n\nfunc (m nodeManager) encodeIndent("},
	},
	"wasm.go": {
		{"func GenerateStaticWebsite(dir string, h *Handler, pages ...string) error {\n\tpanic(errors.New(\"unsupported instruction\").\n\t\tWithTag(\"architecture\", runtime.GOARCH))\n}\n", ""},
		{"import (\n\t\"runtime\"\n\n\t\"github.com/maxence-charriere/go-app/v10/pkg/errors\"\n)\n", ""},
	},
}

// The parts of go-app v10.1.11's context.go that the edits above remove.
const (
	contextDeviceID = `// DeviceID fetches a distinct identifier for the app on the present device.
func (ctx Context) DeviceID() string {
	var id string
	if err := ctx.localStorage.Get("/go-app/deviceID", &id); err != nil {
		panic(errors.New("retrieving device id failed").Wrap(err))
	}
	if id != "" {
		return id
	}

	id = uuid.NewString()
	if err := ctx.localStorage.Set("/go-app/deviceID", id); err != nil {
		panic(errors.New("creating device id failed").Wrap(err))
	}
	return id
}

`
	contextEncryption = `// Encrypt enciphers a value using AES encryption.
func (ctx Context) Encrypt(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, errors.New("encoding value failed").Wrap(err)
	}

	b, err = encrypt(ctx.cryptoKey(), b)
	if err != nil {
		return nil, errors.New("encrypting value failed").Wrap(err)
	}
	return b, nil
}

// Decrypt deciphers encrypted data into a given reference value.
func (ctx Context) Decrypt(crypted []byte, v any) error {
	b, err := decrypt(ctx.cryptoKey(), crypted)
	if err != nil {
		return errors.New("decrypting value failed").Wrap(err)
	}

	if err := json.Unmarshal(b, v); err != nil {
		return errors.New("decoding value failed").Wrap(err)
	}
	return nil
}

func (ctx Context) cryptoKey() string {
	return strings.ReplaceAll(ctx.DeviceID(), "-", "")
}

`
	contextStates = `// ObserveState establishes an observer for a state, tracking its changes.
func (ctx Context) ObserveState(state string, recv any) Observer {
	return ctx.observeState(ctx, state, recv)
}

// GetState fetches the value of a particular state.
func (ctx Context) GetState(state string, recv any) {
	ctx.getState(ctx, state, recv)
}

// SetState modifies a state with the provided value.
func (ctx Context) SetState(state string, v any) State {
	return ctx.setState(ctx, state, v)
}

// DelState erases a state, halting all associated observations.
func (ctx Context) DelState(state string) {
	ctx.delState(ctx, state)
}

`
)

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
