//go:build !wasm

package engine

// The libraries of engine/server's registry the page does not carry yet
// (each registers itself): they serve the command, the lab and the tests.
// Each adds 25 to 47 KB to app.wasm.br, which has 60 KB left under its
// budget with libraries_page.go's (README, Performance and size).
import (
	_ "corsplay/engine/server/apache"
	_ "corsplay/engine/server/echocors"
	_ "corsplay/engine/server/fastifycors"
	_ "corsplay/engine/server/gincors"
	_ "corsplay/engine/server/gochicors"
	_ "corsplay/engine/server/gorillahandlers"
	_ "corsplay/engine/server/honocors"
	_ "corsplay/engine/server/koacors"
	_ "corsplay/engine/server/nginx"
	_ "corsplay/engine/server/rackcors"
)
