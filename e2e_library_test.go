//go:build !wasm

package main

import (
	"strings"
	"testing"

	"corsplay/engine"
)

// TestLibraryPanel: the Flask-CORS tutorial preset shows the library tab,
// its ignored option as a warning and a finding; switching the library and
// typing options a library refuses says the server would not start; tabs
// keep each kind of server.
func TestLibraryPanel(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")

	p.choosePreset("Flask-CORS: a popular tutorial's three mistakes")
	p.waitVerdict("Allowed")
	p.waitJS(`document.querySelector("#tab-library").getAttribute("aria-selected") === "true"`, "the library tab")
	if got := p.value("#library-name"); got != "flask-cors" {
		t.Errorf("library %q, want flask-cors", got)
	}
	if got := p.text("#library-warnings"); !strings.Contains(got, "Unknown option passed to Flask-CORS: headers") {
		t.Errorf("library warnings %q", got)
	}
	if got := p.text("#lint-title"); got == "" || !strings.Contains(evalAs[string](p, `document.querySelector(".lint").textContent`), "LIB-001") {
		t.Errorf("no LIB-001 finding shown")
	}

	// jub0bs/cors refuses null and credentials with *: its own error.
	p.choose("#library-name", "jub0bs-cors")
	p.typeInto("#library-options", `{"Origins": ["*"], "Credentialed": true}`)
	p.waitScenario("the typed options", func(s engine.Scenario) bool {
		return s.Server.Library != nil && s.Server.Library.Name == "jub0bs-cors" && string(s.Server.Library.Options["Credentialed"]) == "true"
	})
	p.waitVerdict("The server would not start")
	if got := p.text("#console"); !strings.Contains(got, "you cannot both allow all origins and enable credentialed access") {
		t.Errorf("jub0bs error %q", got)
	}

	// Invalid JSON keeps the last valid options and says so.
	p.appendTo("#library-options", ",")
	p.waitJS(`!!document.querySelector("#library-problem")`, "the JSON problem")
	if got := p.value("#library-options"); got != `{"Origins": ["*"], "Credentialed": true},` {
		t.Errorf("the invalid text was not kept as typed: %q", got)
	}
	if got := p.text("#verdict-title"); got != "The server would not start" {
		t.Errorf("verdict changed on invalid JSON: %q", got)
	}

	// Switching tabs loses nothing.
	p.click("#tab-policy")
	p.waitJS(`!!document.querySelector("#policy-origins")`, "the policy form")
	p.click("#tab-library")
	p.waitJS(`document.querySelector("#library-name") && document.querySelector("#library-name").value === "jub0bs-cors"`, "the library back")
}

// TestExportTab: the policy's export shows code for each target, and what
// a target cannot express.
func TestExportTab(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.eval(`document.querySelector("#export").open = true`)
	p.waitJS(`document.querySelector("#export-code").textContent.includes("from flask_cors import CORS")`, "the Flask export")
	for target, want := range map[string]string{
		"rs-cors":      `"github.com/rs/cors"`,
		"jub0bs-cors":  "cors.NewMiddleware(cors.Config{",
		"express-cors": "require('cors')",
		"nginx":        "map $http_origin $cors_origin",
	} {
		p.choose("#export-target", target)
		p.waitJS(`document.querySelector("#export-code").textContent.includes(`+jsString(want)+`)`, target+" code")
	}
	p.typeInto("#policy-origins", "null-or-not\nre:^https://(a|b)\\.example\\.org$")
	p.choose("#export-target", "jub0bs-cors")
	p.waitJS(`!!document.querySelector("#export-lost") && document.querySelector("#export-lost").textContent.includes("no regular expressions")`, "the jub0bs loss")
}

// TestLibraryToPolicy: a library configuration converts to a policy, saying
// what does not carry over, and the verdict stays the same.
func TestLibraryToPolicy(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.choosePreset("Flask-CORS: a popular tutorial's three mistakes")
	p.waitVerdict("Allowed")
	p.waitJS(`!!document.querySelector("#import-policy")`, "the convert button")
	p.click("#import-policy")
	p.waitJS(`document.querySelector("#tab-policy").getAttribute("aria-selected") === "true"`, "the policy tab")
	p.waitVerdict("Allowed")
	if got := p.value("#policy-origins"); !strings.Contains(got, "https://app.example.com") {
		t.Errorf("imported origins %q", got)
	}
}
