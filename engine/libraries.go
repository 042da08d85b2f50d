package engine

// Every library of engine/server's registry (each registers itself), in
// the page and the command alike: TestPageCarriesEveryLibrary keeps the
// list whole. Their programs and the readers of their own code the page
// leaves to the command where app.wasm has no room for them (each
// library's command.go); TestWasmBudget judges.
import (
	_ "corsplay/engine/server/apache"
	_ "corsplay/engine/server/djangocors"
	_ "corsplay/engine/server/echocors"
	_ "corsplay/engine/server/expresscors"
	_ "corsplay/engine/server/fastifycors"
	_ "corsplay/engine/server/flaskcors"
	_ "corsplay/engine/server/gincors"
	_ "corsplay/engine/server/gochicors"
	_ "corsplay/engine/server/gorillahandlers"
	_ "corsplay/engine/server/honocors"
	_ "corsplay/engine/server/jub0bscors"
	_ "corsplay/engine/server/koacors"
	_ "corsplay/engine/server/nginx"
	_ "corsplay/engine/server/rackcors"
	_ "corsplay/engine/server/rscors"
	_ "corsplay/engine/server/starlette"
)
