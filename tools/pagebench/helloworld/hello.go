// Command helloworld is go-app's hello world: one component, a text input
// whose value is echoed into a heading. make bench measures the playground
// against it in the same run, built (make's wasm flags, tools/wasmgoapp's
// go-app) and served (by a go-app Handler, app.wasm precompressed) the way
// the page is: the floor of any go-app page on the machine of the day.
//
//	make hello && build/helloworld/helloworld -addr localhost:8090 -web build/helloworld/web
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// interactiveMark is the User Timing mark set once the app has mounted and
// rendered (the page's is corsplay-interactive).
const interactiveMark = "hello-interactive"

// hello greets whoever is named in its input, on every keystroke.
type hello struct {
	app.Compo
	name string
}

func (h *hello) OnMount(ctx app.Context) {
	ctx.Defer(func(app.Context) { app.Window().Get("performance").Call("mark", interactiveMark) })
}

func (h *hello) Render() app.UI {
	return app.Div().Body(
		app.H1().ID("greeting").Body(
			app.Text("Hello, "),
			app.If(h.name != "", func() app.UI { return app.Text(h.name) }).
				Else(func() app.UI { return app.Text("World!") }),
		),
		app.P().Body(
			app.Input().ID("name").Type("text").Value(h.name).Placeholder("What is your name?").OnInput(h.ValueTo(&h.name)),
		),
	)
}

func route() {
	app.Route("/", func() app.Composer { return &hello{} })
}
