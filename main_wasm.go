//go:build wasm

package main

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/app"
)

// main runs the playground in the browser; the server lives in server.go.
func main() {
	app.Register()
	goapp.RunWhenOnBrowser()
}
