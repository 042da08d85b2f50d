//go:build !wasm

package main

import (
	"strings"
	"testing"
)

// TestTypingLosesNothing types fast into fields that re-evaluate the whole
// scenario on every keystroke; what ends up in each field, and in the
// scenario, is exactly what was typed, even when the page re-renders
// between keystrokes.
func TestTypingLosesNothing(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	for sel, text := range map[string]string{
		"#url":            "https://api.example.com/a/very/long/path/with/many/segments?and=a&query=string",
		"#method":         "PROPFIND",
		"#policy-methods": "PUT, DELETE, PATCH, PROPFIND, MKCOL",
	} {
		p.typeInto(sel, text)
		p.waitJS(`document.querySelector(`+jsString(sel)+`).value === `+jsString(text), "the typed text in "+sel)
	}
	p.waitVerdict("Allowed")
	if got := p.text("#fetch-code"); !strings.Contains(got, "/a/very/long/path/with/many/segments?and=a&query=string") || !strings.Contains(got, `method: "PROPFIND"`) {
		t.Errorf("the scenario lost keystrokes: %s", got)
	}
}
