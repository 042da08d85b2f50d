package engine

// The libraries of engine/server's registry the page carries too (each
// registers itself): what the users of FastAPI, Django and Flask meet
// first. The others serve the command, the lab and the tests
// (libraries.go) until app.wasm has room for them: TestWasmBudget judges.
import (
	_ "corsplay/engine/server/djangocors"
	_ "corsplay/engine/server/flaskcors"
	_ "corsplay/engine/server/starlette"
)
