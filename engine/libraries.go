//go:build !wasm

package engine

// The libraries of engine/server's registry: each registers itself. They
// serve the command, the lab and the tests; the page does not carry them
// yet: each adds 25 to 47 KB to app.wasm.br, some 300 KB in all, and 145 KB
// are left under its budget (README, Performance and size).
import (
	_ "corsplay/engine/server/apache"
	_ "corsplay/engine/server/djangocors"
	_ "corsplay/engine/server/echocors"
	_ "corsplay/engine/server/fastifycors"
	_ "corsplay/engine/server/flaskcors"
	_ "corsplay/engine/server/gincors"
	_ "corsplay/engine/server/gochicors"
	_ "corsplay/engine/server/gorillahandlers"
	_ "corsplay/engine/server/honocors"
	_ "corsplay/engine/server/koacors"
	_ "corsplay/engine/server/nginx"
	_ "corsplay/engine/server/rackcors"
	_ "corsplay/engine/server/starlette"
)
