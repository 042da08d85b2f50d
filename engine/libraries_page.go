package engine

// The libraries of engine/server's registry the page carries too (each
// registers itself): what the users of FastAPI, Django, Flask, Express,
// the Go frameworks, nginx and Apache meet first. The others serve the
// command, the lab and the tests (libraries.go) until app.wasm has room
// for them: TestWasmBudget judges, and libraries_command.go names them in
// the page.
import (
	_ "corsplay/engine/server/apache"
	_ "corsplay/engine/server/djangocors"
	_ "corsplay/engine/server/echocors"
	_ "corsplay/engine/server/expresscors"
	_ "corsplay/engine/server/flaskcors"
	_ "corsplay/engine/server/gincors"
	_ "corsplay/engine/server/gochicors"
	_ "corsplay/engine/server/gorillahandlers"
	_ "corsplay/engine/server/honocors"
	_ "corsplay/engine/server/jub0bscors"
	_ "corsplay/engine/server/koacors"
	_ "corsplay/engine/server/nginx"
	_ "corsplay/engine/server/rscors"
	_ "corsplay/engine/server/starlette"
)
