//go:build wasm

package main

import (
	"syscall/js"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	// Marks the moment Go starts, as the page's main does (make bench).
	js.Global().Get("performance").Call("mark", "hello-main")
	route()
	app.RunWhenOnBrowser()
}
