//go:build !wasm

package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"corsplay/engine"
)

// TestLibraryPanel: the Flask-CORS tutorial preset shows the library tab,
// its ignored option as a warning and a finding; switching the library and
// typing options a library refuses says the server would not start; tabs
// keep each kind of server.
func TestLibraryPanel(t *testing.T) {
	p := openLibraryTab(t)
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
	// Once the page's request sends cookies, the fix names its origin.
	p.choose("#credentials", engine.CredentialsInclude)
	p.waitJS(`!!document.querySelector("#fix-0-after")`, "a fix for the refused configuration")
	if got := p.text("#fix-0-after"); !strings.Contains(got, `Origins:        []string{"https://app.example.com"}`) || !strings.HasPrefix(got, "cors.NewMiddleware(cors.Config{") {
		t.Errorf("the fix's code reads %q", got)
	}

	// Invalid JSON keeps the last valid options and says so.
	p.appendTo("#library-options", ",")
	p.waitJS(`!!document.querySelector("#library-options-error") && document.querySelector("#library-options").getAttribute("aria-invalid") === "true"`, "the JSON problem at the field")
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

// TestLibraryFixInThePage: a blocked Flask-CORS scenario shows its fix in
// the user's own terms — plain words, the CORS(app, …) call before and
// after, one line per change saying why — and Apply changes the library's
// options so that the request passes.
func TestLibraryFixInThePage(t *testing.T) {
	srv := newServer(t)
	s := engine.Scenario{V: engine.Version, Page: "http://localhost:3000",
		Request: engine.Request{URL: "http://localhost:5000/api/items", Method: "POST", Credentials: engine.CredentialsInclude,
			Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}}, Body: new(`{"name":"x"}`)},
		Server: engine.Server{Library: &engine.Library{Name: "flask-cors", Options: map[string]json.RawMessage{"headers": json.RawMessage(`["Content-Type"]`)}}}}
	out := engine.Evaluate(s)
	if out.Verdict != engine.Blocked || len(out.Fixes) == 0 || out.Fixes[0].Code == nil {
		t.Fatalf("the scenario is %s with fixes %+v", out.Verdict, out.Fixes)
	}
	fx := out.Fixes[0]
	p := open(t, newBrowser(t), srv.URL+"/#"+mustEncode(t, s))
	p.waitVerdict("Blocked by CORS")
	p.waitJS(`!!document.querySelector("#fix-0-after")`, "the fix's code")
	if got := p.text("#fixes-title ~ ol li:first-child .fix-plain"); got != fx.Plain {
		t.Errorf("plain words %q, want %q", got, fx.Plain)
	}
	if got := p.text("#fix-0-before"); got != fx.Code.Before {
		t.Errorf("code before %q, want %q", got, fx.Code.Before)
	}
	if got := p.text("#fix-0-after"); got != fx.Code.After {
		t.Errorf("code after %q, want %q", got, fx.Code.After)
	}
	if got := evalAs[int](p, `document.querySelectorAll("#fixes-title ~ ol li:first-child .why li").length`); got != len(fx.Why) {
		t.Errorf("%d why-lines shown, want %d", got, len(fx.Why))
	}
	// The plain words come before the code, the code before the fields.
	if !evalAs[bool](p, `(() => { const li = document.querySelector("#fixes-title ~ ol li:first-child");
		const a = li.querySelector(".fix-plain"), b = li.querySelector(".fix-code"), c = li.querySelector(".diff");
		return !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) && !!(b.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING); })()`) {
		t.Error("the fix does not read plain words, then code, then fields")
	}
	// The page-side fix says what it breaks.
	if got := evalAs[string](p, `[...document.querySelectorAll(".fixes .breaks")].map(e => e.textContent).join("|")`); !strings.Contains(got, "cookie") {
		t.Errorf("no fix says it breaks login by cookie: %q", got)
	}
	p.click("#apply-fix-0")
	p.waitVerdict("Allowed")
	got := p.waitScenario("the fixed options", func(s engine.Scenario) bool {
		l := s.Server.Library
		return l != nil && l.Name == "flask-cors" && l.Options["allow_headers"] != nil && l.Options["headers"] == nil
	})
	if string(got.Server.Library.Options["supports_credentials"]) != "true" {
		t.Errorf("after Apply the options are %s", got.Server.Library.Options)
	}
	if v := p.value("#library-options"); !strings.Contains(v, "allow_headers") || strings.Contains(v, `"headers"`) {
		t.Errorf("the options editor shows %q", v)
	}
}

// TestGoAndJavaScriptLibrariesInThePage: gin, Echo, go-chi and
// gorilla/handlers are in the page's Go group, hono and koa in its
// JavaScript one; a gin-contrib/cors link that leaves the page's origin out
// is blocked with gin's own fix (AllowOrigins), which Apply makes pass; its
// panel is axe-clean at 320 px light and 1280 px dark.
func TestGoAndJavaScriptLibrariesInThePage(t *testing.T) {
	srv := newServer(t)
	s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/items", Method: "PUT"},
		Server: engine.Server{Library: &engine.Library{Name: "gin-cors", Options: map[string]json.RawMessage{
			"AllowOrigins": json.RawMessage(`["https://admin.example.com"]`), "AllowMethods": json.RawMessage(`["GET", "PUT"]`)}}}}
	out := engine.Evaluate(s)
	if out.Verdict != engine.Blocked || len(out.Fixes) == 0 || out.Fixes[0].Code == nil || !strings.Contains(out.Fixes[0].Code.After, "AllowOrigins") {
		t.Fatalf("the scenario is %s with fixes %+v", out.Verdict, out.Fixes)
	}
	p := open(t, newBrowser(t), srv.URL+"/#"+mustEncode(t, s))
	p.waitVerdict("Blocked by CORS")
	p.click("#tab-library")
	p.waitJS(`!!document.querySelector("#library-proven") && document.querySelector("#library-proven").textContent.includes("v1.7.7")`, "gin-contrib/cors's panel")
	for group, names := range map[string][]string{
		"Go":         {"echo-cors", "gin-cors", "go-chi-cors", "gorilla-handlers"},
		"JavaScript": {"express-cors", "fastify-cors", "hono-cors", "koa-cors"},
	} {
		got := evalAs[[]string](p, `Array.from(document.querySelectorAll('#library-name optgroup[label="`+group+`"] option:not([disabled])')).map(o => o.value)`)
		for _, name := range names {
			if !slices.Contains(got, name) {
				t.Errorf("the %s group's libraries are %q, want %s among them", group, got, name)
			}
		}
	}
	if got := p.text("#library-config-command"); !strings.Contains(got, "corsplay import --library gin-cors FILE") {
		t.Errorf("the panel says %q, want where gin's own code is read", got)
	}
	p.lookAtLibraryPanel("gin", panelView{320, 720, "light"}, panelView{1280, 800, "dark"})
	p.waitJS(`!!document.querySelector("#fix-0-after")`, "the fix's code")
	if got := p.text("#fix-0-after"); got != out.Fixes[0].Code.After {
		t.Errorf("code after %q, want %q", got, out.Fixes[0].Code.After)
	}
	p.click("#apply-fix-0")
	p.waitVerdict("Allowed")
	p.waitScenario("the fixed options", func(s engine.Scenario) bool {
		l := s.Server.Library
		return l != nil && l.Name == "gin-cors" && strings.Contains(string(l.Options["AllowOrigins"]), "https://app.example.com")
	})
}

// TestRubyAndFastifyInThePage: the page carries every library corsplay
// emulates, rack-cors and @fastify/cors included: each is offered in its
// group, answers a link with the engine's verdict and its own fix (in its
// own code), and the fix applied lets the request through. jub0bs/cors's
// check of a credentialed subdomain pattern against the Public Suffix List
// answers as the command does, from the list the page loads beside app.wasm
// (web/psl.js).
func TestRubyAndFastifyInThePage(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	for _, c := range []struct{ name, options, after string }{
		{"rack-cors", `{"allow": [{"origins": "https://admin.example.com", "resources": [{"path": "*", "headers": "any", "methods": ["get", "post"]}]}]}`, "origins 'https://admin.example.com', 'https://app.example.com'"},
		{"fastify-cors", `{"origin": ["https://admin.example.com"]}`, "origin: ['https://admin.example.com', 'https://app.example.com']"},
	} {
		s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
			Request: engine.Request{URL: "https://api.example.com/items", Method: "GET"},
			Server:  engine.Server{Library: &engine.Library{Name: c.name, Options: map[string]json.RawMessage{}}}}
		if err := json.Unmarshal([]byte(c.options), &s.Server.Library.Options); err != nil {
			t.Fatal(err)
		}
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked || len(out.Fixes) == 0 || out.Fixes[0].Code == nil || !strings.Contains(out.Fixes[0].Code.After, c.after) {
			t.Fatalf("%s: the scenario is %s with fixes %+v", c.name, out.Verdict, out.Fixes)
		}
		p.navigate(srv.URL + "/#" + mustEncode(t, s))
		p.waitVerdict("Blocked by CORS")
		p.waitJS(`!!document.querySelector("#fix-0-after")`, c.name+"'s fix")
		if got := p.text("#fix-0-after"); got != out.Fixes[0].Code.After {
			t.Errorf("%s: code after %q, want %q", c.name, got, out.Fixes[0].Code.After)
		}
		p.click("#apply-fix-0")
		p.waitVerdict("Allowed")
		if c.name == "rack-cors" {
			p.click("#tab-library")
			p.waitJS(`!!document.querySelector("#library-proven") && document.querySelector("#library-proven").textContent.includes("rack-cors 1.1.1")`, "rack-cors's panel")
			offered := evalAs[[]string](p, `Array.from(document.querySelectorAll('#library-name option:not([disabled])')).map(o => o.value.split("@")[0])`)
			for _, name := range engine.LibraryNames() {
				if !slices.Contains(offered, name) {
					t.Errorf("the picker offers %q, not %s", offered, name)
				}
			}
			p.lookAtLibraryPanel("rack", panelView{375, 800, "light"}, panelView{1280, 900, "dark"})
		}
	}

	p.waitPublicSuffixCheck(srv.URL)
}

// waitPublicSuffixCheck opens a jub0bs/cors configuration whose
// credentialed pattern covers the subdomains of github.io, a public suffix
// of the list's private section, and waits for jub0bs/cors's refusal: the
// page read the Public Suffix List (web/psl.js).
func (p *page) waitPublicSuffixCheck(base string) {
	p.t.Helper()
	s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/items", Method: "GET", Credentials: "include"},
		Server: engine.Server{Library: &engine.Library{Name: "jub0bs-cors", Options: map[string]json.RawMessage{
			"Origins": json.RawMessage(`["https://*.github.io"]`), "Credentialed": json.RawMessage(`true`)}}}}
	const refusal = `origin patterns like "https://*.github.io" that encompass subdomains of a public suffix are by default prohibited`
	if out := engine.Evaluate(s); !strings.Contains(out.ConfigError, refusal) {
		p.t.Fatalf("the engine does not refuse the pattern: %q", out.ConfigError)
	}
	p.navigate(base + "/#" + mustEncode(p.t, s))
	p.waitJS(`document.body.textContent.includes(`+jsString(refusal)+`)`, "jub0bs/cors's refusal")
}

// openLibraryTab opens the page on a lesson with a library, out of its
// challenge (its locks and the fixes' wait), on the library tab.
func openLibraryTab(t *testing.T) *page {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.choosePreset("Flask-CORS: a popular tutorial's three mistakes")
	p.waitVerdict("Allowed")
	p.click("#leave-challenge")
	p.waitJS(`document.querySelector("#tab-library").getAttribute("aria-selected") === "true"`, "the library tab")
	return p
}

// readConfig pastes a library's own configuration and reads it.
func (p *page) readConfig(text string) {
	p.typeInto("#library-config", text)
	p.click("#library-config-read")
}

type panelView struct {
	w, h   int64
	scheme string
}

// lookAtLibraryPanel checks the library panel with axe at each view and
// writes its screenshot, test-output/layout/library-NAME-WIDTH-SCHEME.png,
// to be looked at.
func (p *page) lookAtLibraryPanel(name string, views ...panelView) {
	for _, v := range views {
		p.emulate(v.w, v.h, v.scheme)
		p.checkAxe(fmt.Sprintf("the %s panel at %d px, %s", name, v.w, v.scheme))
		p.screenshot(filepath.Join("test-output", "layout", fmt.Sprintf("library-%s-%d-%s.png", name, v.w, v.scheme)), ".library")
	}
}

// TestPythonLibrariesInThePage: the picker groups the libraries by
// language, with Starlette (FastAPI), django-cors-headers and Flask-CORS
// 6.0.2 among the Python ones; pasting a FastAPI add_middleware call reads
// it into Starlette's options, the panel says which version the answers
// are proven for and shows the server as a program; text it cannot read is
// refused at the field with its line.
func TestPythonLibrariesInThePage(t *testing.T) {
	p := openLibraryTab(t)
	python := evalAs[[]string](p, `Array.from(document.querySelectorAll('#library-name optgroup[label="Python"] option')).map(o => o.value)`)
	for _, want := range []string{"flask-cors", "flask-cors@6.0.2", "starlette", "django-cors-headers"} {
		if !slices.Contains(python, want) {
			t.Errorf("the Python group %q lacks %s", python, want)
		}
	}
	if groups := evalAs[[]string](p, `Array.from(document.querySelectorAll("#library-name optgroup")).map(g => g.label)`); !slices.Contains(groups, "Go") || !slices.Contains(groups, "JavaScript") {
		t.Errorf("picker groups %q", groups)
	}

	p.choose("#library-name", "starlette")
	p.waitScenario("Starlette chosen", func(s engine.Scenario) bool {
		return s.Server.Library != nil && s.Server.Library.Name == "starlette"
	})
	p.waitJS(`!!document.querySelector("#library-config")`, "the configuration paste box")
	if got := p.text("#library-proven"); !strings.Contains(got, "starlette 0.26.1") {
		t.Errorf("the panel says %q, want the version the answers are proven for", got)
	}

	p.readConfig(`CORSMiddleware(app, allow_origins=ORIGINS)`)
	p.waitJS(`!!document.querySelector("#library-config-problem")`, "the problem with the pasted text")
	if got := p.text("#library-config-problem"); !strings.Contains(got, "line 1") {
		t.Errorf("the refusal does not say where: %q", got)
	}

	p.readConfig(`app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])`)
	p.waitScenario("the pasted configuration", func(s engine.Scenario) bool {
		l := s.Server.Library
		return l != nil && l.Name == "starlette" && string(l.Options["allow_origins"]) == `["https://app.example.com"]` && string(l.Options["allow_credentials"]) == "true"
	})
	p.waitJS(`!document.querySelector("#library-config-problem")`, "the problem gone")
	if got := evalAs[string](p, `document.querySelector("#library-program") ? document.querySelector("#library-program").textContent : ""`); !strings.Contains(got, "CORSMiddleware") || !strings.Contains(got, "allow_credentials=True") {
		t.Errorf("the program reads %q", got)
	}

	// The panel at a phone's and a desktop's width, looked at, and axe-clean.
	p.lookAtLibraryPanel("starlette", panelView{375, 800, "dark"}, panelView{1280, 900, "light"})

	p.choose("#library-name", "flask-cors@6.0.2")
	p.waitScenario("Flask-CORS 6.0.2 chosen", func(s engine.Scenario) bool {
		return s.Server.Library != nil && s.Server.Library.Name == "flask-cors" && s.Server.Library.Version == "6.0.2"
	})
}

// TestWebServersInThePage: nginx and Apache are in the page's picker and
// answer as servers: a pasted nginx block becomes the server's
// configuration and decides the verdict, a directive outside what corsplay
// emulates is refused with its line.
func TestWebServersInThePage(t *testing.T) {
	p := openLibraryTab(t)
	web := evalAs[[]string](p, `Array.from(document.querySelectorAll('#library-name optgroup[label="Web server"] option')).map(o => o.value)`)
	if !slices.Equal(web, []string{"apache", "nginx"}) {
		t.Errorf("the Web server group is %q, want apache and nginx", web)
	}

	// Flask-CORS's options are no nginx configuration: the field says so
	// until a block is pasted.
	p.choose("#library-name", "nginx")
	p.waitJS(`!!document.querySelector("#library-config") && document.body.textContent.includes('the configuration is one string, {"config": "…"}')`, "nginx chosen, the options refused at their field")
	if got := p.text("#library-proven"); !strings.Contains(got, "nginx 1.22.1") {
		t.Errorf("the panel says %q, want the version the answers are proven for", got)
	}

	p.readConfig("proxy_pass http://backend;\nadd_header Access-Control-Allow-Origin * always;\n")
	p.waitJS(`!!document.querySelector("#library-config-problem")`, "the problem with the pasted block")
	if got := p.text("#library-config-problem"); !strings.Contains(got, "line 1") || !strings.Contains(got, "proxy_pass") {
		t.Errorf("the refusal does not say what and where: %q", got)
	}

	// Only the preflight's branch answers the request's headers: the
	// POST's own answer lacks Access-Control-Allow-Origin.
	preflightOnly := "if ($request_method = OPTIONS) {\n" +
		"    add_header Access-Control-Allow-Origin $http_origin always;\n" +
		"    add_header Access-Control-Allow-Methods $http_access_control_request_method always;\n" +
		"    add_header Access-Control-Allow-Headers $http_access_control_request_headers always;\n" +
		"    return 204;\n" +
		"}\n"
	p.readConfig(preflightOnly)
	p.waitScenario("the pasted block", func(s engine.Scenario) bool {
		l := s.Server.Library
		return l != nil && l.Name == "nginx" && string(l.Options["config"]) == strconv.Quote(preflightOnly)
	})
	p.waitVerdict("Blocked by CORS")
	if got := p.text("#console"); !strings.Contains(got, "No 'Access-Control-Allow-Origin' header") {
		t.Errorf("the console says %q, want the actual response's missing header", got)
	}
	p.readConfig(preflightOnly + "add_header Access-Control-Allow-Origin $http_origin always;\n")
	p.waitVerdict("Allowed")
	if got := evalAs[string](p, `document.querySelector("#library-program") ? document.querySelector("#library-program").textContent : ""`); !strings.Contains(got, "return 204;") {
		t.Errorf("the program reads %q", got)
	}

	p.choose("#library-name", "apache")
	p.waitJS(`document.querySelector("#library-proven").textContent.includes("apache 2.4.71")`, "Apache chosen")
	p.lookAtLibraryPanel("apache", panelView{320, 800, "light"}, panelView{768, 900, "dark"})
}
