//go:build !wasm

package engine

// The libraries of engine/server's registry the page does not carry yet
// (each registers itself): they serve the command, the lab and the tests;
// libraries_command.go names them in the page. Together they would add
// about 60 KB to app.wasm.br, which has 9 KB left under its budget with
// libraries_page.go's (README, Performance and size).
import (
	_ "corsplay/engine/server/fastifycors"
	_ "corsplay/engine/server/rackcors"
)
