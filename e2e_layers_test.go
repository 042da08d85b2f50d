//go:build !wasm

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"corsplay/presets"
)

// TestLayersInTheExchange: a server with an authentication layer in front
// of its CORS middleware: the preflight's row names the layer that
// answered, its raw answer marks the lines the layer wrote, the server
// panel lists the layer; the layout holds and axe-core finds nothing
// serious; screenshots at 375 and 1280 px go to test-output/.
func TestLayersInTheExchange(t *testing.T) {
	s, ok := presets.Lesson("auth-before-cors")
	if !ok {
		t.Fatal("no lesson auth-before-cors")
	}
	s.Title, s.Lesson, s.Look, s.Predict, s.Challenge = "", "", "", nil, nil
	srv := newServer(t)
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	p.waitVerdict("Blocked by CORS")
	for _, width := range []int64{375, 1280} {
		p.emulate(width, 900, "light")
		p.waitJS(`!!document.querySelector("#msg-preflight-response")`, "the preflight's answer")
		if probs := p.diagramLayoutProblems(); len(probs) > 0 {
			t.Errorf("%d px:\n  %s", width, strings.Join(probs, "\n  "))
		}
		dir := evalAs[string](p, `(document.querySelector("#msg-preflight-response .dir")?.textContent ?? "").trim()`)
		if !strings.Contains(dir, "the login filter") {
			t.Errorf("%d px: the preflight's answer reads %q, want it from the login filter", width, dir)
		}
		p.eval(`document.querySelector("#layer-0 details").open = true`)
		if got := evalAs[string](p, `document.querySelector("#layers")?.textContent ?? ""`); !strings.Contains(got, "In front of the server") || !strings.Contains(got, `"allowOptions"`) && !strings.Contains(got, `"auth"`) {
			t.Errorf("%d px: the server panel lists %q", width, got)
		}
		p.checkAxe(fmt.Sprintf("layers, %d px", width))
		p.screenshot(filepath.Join("test-output", fmt.Sprintf("layers-exchange-%d-light.png", width)), "section.exchange")
	}
	raw := evalAs[string](p, `(() => { const b = document.querySelector("#msg-preflight-response .arrow, #msg-preflight-response button"); b && b.click();
		return [...document.querySelectorAll("pre")].map(e => e.textContent).join("\n"); })()`)
	if !strings.Contains(raw, "401 Unauthorized   ← the login filter") {
		t.Errorf("the raw answer does not mark the login filter's lines:\n%s", raw)
	}
}
