package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPageLeavesOutPackages: with go-app as wasmgoapp edits it, the page's
// build links none of the packages the edits are there to leave out.
func TestPageLeavesOutPackages(t *testing.T) {
	t.Chdir("../..")
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-modfile="+filepath.Join(dir, "wasm.mod"), "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["github.com/maxence-charriere/go-app/v10/pkg/app"] {
		t.Fatalf("go-app is not among the page's packages:\n%s", out)
	}
	for _, p := range []string{
		"net/http",                  // http.go, resource.go, wasm.go
		"crypto/aes", "crypto/rand", // state.go, crypto.go
		"github.com/google/uuid", // context.go
		"html",                   // node.go (and app/topbar.go): its entity table
	} {
		if deps[p] {
			t.Errorf("the page links %s", p)
		}
	}
}
