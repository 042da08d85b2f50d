//go:build wasm

package main

import (
	"runtime/debug"
	"syscall/js"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/app"
)

// main runs the playground in the browser; the server lives in server.go.
func main() {
	// Marks the moment Go starts, for make bench: app.wasm fetched,
	// compiled and instantiated, the runtime and every package initialised.
	js.Global().Get("performance").Call("mark", "corsplay-main")
	// Collect garbage a quarter as often as Go's default (the heap may grow
	// to five times what is live, 16 MB at least): each collection, and
	// the goroutine stacks it shrinks and the next keystroke grows again,
	// lands on whichever keystroke is being handled, on the one thread.
	debug.SetGCPercent(400)
	app.Register()
	goapp.RunWhenOnBrowser()
}
