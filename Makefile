# corsplay: `make test` checks everything, `make run` serves the playground.
GO       ?= go
CHROMIUM ?= /usr/bin/chromium
WASMEXEC := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
FUZZTIME ?= 10s
FUZZ     := engine:FuzzDecode engine:FuzzHeaderValue engine:FuzzPolicy engine:FuzzPermalink

.PHONY: test vet unit wasmtest fuzz bench chromium

test: vet chromium unit wasmtest fuzz

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt would change the files above" >&2; exit 1; }
	$(GO) vet ./...

# The browser tests never skip: without Chromium they fail, so install it.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium (the browser tests' oracle)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "make test needs Debian's chromium at $(CHROMIUM): sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi
	@$(CHROMIUM) --version 2>/dev/null

unit:
	$(GO) test -count=1 ./...

# The engine runs in the page as WebAssembly: prove it there too (node).
wasmtest:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" ./engine

# Each fuzz target for a short, bounded time (FUZZTIME=5m for a long run).
fuzz:
	@for t in $(FUZZ); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz $$name for $(FUZZTIME)"; \
	  $(GO) test ./$$pkg -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

bench:
	$(GO) test ./engine -run '^$$' -bench . -benchmem -count 5
