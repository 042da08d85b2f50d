# corsplay: `make test` checks everything, `make run` serves the playground.
GO       ?= go
CHROMIUM ?= /usr/bin/chromium
ADDR     ?= localhost:8080
WASMEXEC := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
FUZZTIME ?= 10s
# make test fuzzes the engine's targets (FUZZENGINE); make fuzz every one.
# The readers' targets (FUZZREADERS) run their seeds in every go test.
FUZZENGINE := engine:FuzzDecode engine:FuzzChallenge engine:FuzzHeaderValue engine:FuzzPolicy engine:FuzzPermalink engine:FuzzLabServer engine:FuzzStream engine/deflate:FuzzEncode engine/deflate:FuzzInflate engine/evidence:FuzzImport engine/pattern:FuzzCompile
FUZZREADERS := engine/pattern:FuzzTranslatePCRE engine/pattern:FuzzTranslateRuby \
	engine/server/jsconfig:FuzzRead engine/server/pyconfig:FuzzRead engine/server/gostack:FuzzRead \
	engine/server/apache:FuzzConfig engine/server/nginx:FuzzConfig \
	engine/server/djangocors:FuzzImport engine/server/echocors:FuzzImport engine/server/fastifycors:FuzzImport \
	engine/server/flaskcors:FuzzImport engine/server/gincors:FuzzImport engine/server/gochicors:FuzzImport \
	engine/server/gorillahandlers:FuzzImport engine/server/honocors:FuzzImport engine/server/koacors:FuzzImport \
	engine/server/rackcors:FuzzImport engine/server/starlette:FuzzImport
FUZZ     ?= $(FUZZENGINE) $(FUZZREADERS)

.PHONY: run wasm wasmbuild hello static test vet unit wasmtest fuzz bench deps npm loadtest screens

# Build the page and serve it on http://$(ADDR).
run: wasm
	$(GO) run . -addr $(ADDR)

# app.wasm and its brotli and gzip twins (served by Accept-Encoding).
# tools/wasmgoapp leaves go-app's HTTP server out of the browser build
# (-343 KB brotli), and its states and encryption (-60 KB); without inlining (-l) the binary is larger but
# compresses 11% better; tools/wasmdata joins the 100,000 data segments Go's
# linker writes into one (-104 KB brotli, +1 MB of zeros raw), then minifies
# the runtime's function table (file:line, traceback arguments and unsafe
# points dropped, function names shortened to one a kind, all the runtime
# runs on kept: -180 KB brotli; tracebacks print "?:0" and short names;
# tools/wasmdata/pclntab.go says why it is safe, and it fails the build on a
# Go it was not checked for); its -overlay gives the runtime's findfunc a
# js/wasm lookup that needs no findfunctab, which the pass then zeroes
# (-14.7 KB brotli; tools/wasmdata/findfunc.go). Figures in the README.
# BUILD names the build in the page's footer; WASMOUT is where wasmbuild
# writes (the update test builds a second app.wasm elsewhere), WASMPKG what
# it builds; WASMDATAFLAGS=-minify=false keeps file:line and names (for a
# readable traceback), -names=false the names only. The tag corsplaypage
# leaves the Public Suffix List out of app.wasm (-29.6 KB brotli): the page
# reads it from web/psl.js, which make wasm writes (tools/psljs) beside it.
BUILD    ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
WASMOUT  ?= web/app.wasm
WASMPKG  ?= .
WASMDATAFLAGS ?=
WASMFLAGS = -modfile=build/wasm.mod -overlay=build/overlay.json -tags=corsplaypage -trimpath -ldflags='-s -w -X corsplay/app.Build=$(BUILD)' -gcflags=all=-l
# The page's collector: Go 1.25's (nogreenteagc), not Green Tea, the
# default since Go 1.26, whose span-by-span marking pays off on many cores
# and large heaps, neither of which a page has: −6.6 KB brotli (make
# bench's keystroke → verdict with it: median 6.2 ms, p95 11.1 ms; README).
WASMGC ?= nogreenteagc
wasm: wasmbuild
	$(GO) run ./tools/psljs
	$(GO) run ./tools/precompress $(WASMOUT) web/psl.js

wasmbuild:
	$(GO) run ./tools/wasmgoapp build
	$(GO) run ./tools/wasmdata -overlay build
	@# go build leaves an up-to-date binary alone, and wasmdata rewrites it in place
	rm -f $(WASMOUT)
	GOOS=js GOARCH=wasm GOEXPERIMENT=$(WASMGC) $(GO) build $(WASMFLAGS) -o $(WASMOUT) $(WASMPKG)
	$(GO) run ./tools/wasmdata $(WASMDATAFLAGS) $(WASMOUT)

# The playground as a folder for any static host or CDN (dist/); LAB=origin
# points the page at a live lab served elsewhere, DOMAIN=host names the
# public host for link previews.
static: wasm
	$(GO) run . static -out dist $(if $(LAB),-lab-origin $(LAB)) $(if $(DOMAIN),-domain $(DOMAIN))

# The suite: vet, deps and npm first; then tools/unit.sh builds the page
# (make wasm) while the other packages' tests run and runs the root
# package's tests in two workers, longest first; then wasmtest and fuzz.
# (tools/unit.sh wasmtest fuzz would run them in the other packages' lane,
# beside the root's tests: faster, but wasmtest starting in the middle of
# TestCostlyPatternsInThePage, which times a link against the page's own
# load, failed it in two runs of two on a busy machine.)
test: vet deps npm
	GO=$(GO) UNIT_WASM=1 tools/unit.sh
	$(MAKE) wasmtest fuzz FUZZ='$(FUZZENGINE)'

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt would change the files above" >&2; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./engine/... ./app ./presets
	GOOS=js GOARCH=wasm $(GO) vet -tags=corsplaypage ./app ./engine/server/jub0bscors

# Debian packages the tests run for real: the browser oracles (Chromium,
# Firefox ESR, WebKitGTK's MiniBrowser with its WebDriver, under Xvfb),
# the libraries the engine emulates (Flask-CORS 3.0.10, Starlette (and uvicorn, which runs its exported programs),
# django-cors-headers with Django, rack-cors with Rack and WEBrick), nginx and Apache
# (exported configurations and the web-server emulations are run), curl
# (corsplay import reads its real output). The tests never skip: without them they fail,
# so install what is missing (as root).
DEBS := chromium firefox-esr webkit2gtk-driver xvfb python3-flask-cors python3-starlette python3-uvicorn python3-django-cors-headers ruby-rack-cors ruby-webrick nginx-light apache2 curl
deps:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "make test needs Debian's $$missing: sudo apt-get install $$missing" >&2; exit 1; \
	  fi; \
	fi
	@$(CHROMIUM) --version 2>/dev/null
	@firefox-esr --version 2>/dev/null
	@dpkg-query -W -f='WebKitGTK $${Version} (webkit2gtk-driver)\n' webkit2gtk-driver

# axe-core, injected by the accessibility tests.
npm:
	npm ci --no-audit --no-fund --silent

unit:
	GO=$(GO) tools/unit.sh

# The page's screenshots in docs/screens: each width (320, 375, 768,
# 1280 px), light and dark, of four scenarios and of a lesson with the
# course overview, and the embed view (TestPageLayout, TestCourseLayout and
# TestEmbedScreenshot, which otherwise write them to test-output/layout). Look at them before you
# commit them.
screens: wasm npm
	CORSPLAY_WASM_BUILT=1 CORSPLAY_SHOTS=docs/screens $(GO) test -count=1 -run '^(TestPageLayout|TestCourseLayout|TestEmbedScreenshot)$$' .

# The engine runs in the page as WebAssembly: prove it there too (node).
wasmtest:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" ./engine/... ./presets
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" -tags=corsplaypage ./engine/server/jub0bscors

# Each fuzz target for a short, bounded time (FUZZTIME=5m for a long run).
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) tools/fuzz.sh $(FUZZ)

# go-app's hello world, built and served as the page is: the floor make
# bench measures the page against (tools/pagebench/helloworld).
HELLO := build/helloworld
hello:
	$(MAKE) wasmbuild WASMPKG=./tools/pagebench/helloworld WASMOUT=$(HELLO)/web/app.wasm
	$(GO) run ./tools/precompress $(HELLO)/web/app.wasm
	$(GO) build -o $(HELLO)/helloworld ./tools/pagebench/helloworld

# Prints one markdown table: engine benchmarks, app.wasm sizes, cold load and
# keystroke latency in Chromium for the page and go-app's hello world, measured
# in the same run, vs budgets.
bench: wasm hello
	$(GO) build -o build/corsplay .
	$(GO) run ./tools/pagebench -bin build/corsplay -floor $(HELLO)

# A bounded load test on loopback, not part of make test: Debian's wrk
# (apt-get install wrk), 200 connections for 20 s against the lab (a policy
# preflight) and the page (/web/app.css), both served by a go build of the
# project; any error fails it. Figures in the README.
loadtest: wasm
	$(GO) build -o build/corsplay .
	$(GO) run ./tools/loadtest -bin build/corsplay
