package engine

import "corsplay/engine/server"

// commandOnly describes the libraries libraries.go registers for the
// command, the lab and the tests but the page does not carry yet
// (app.wasm's size budget; README, Performance and size): the page names
// them, so that a link to one, or a user who looks for one, learns where it
// is answered rather than that corsplay does not know it. In the command
// every one of them is registered, and the registry answers.
// TestCommandOnlyLibraries keeps this list equal to libraries.go's.
var commandOnly = []LibraryDoc{
	{Name: "echo-cors", Version: "v4.16.6", Language: "Go",
		Title: "Echo CORS middleware v4.16.6 (Go): e.Use(middleware.CORSWithConfig(middleware.CORSConfig{…}))"},
	{Name: "fastify-cors", Version: "11.4.3", Language: "JavaScript",
		Title: "@fastify/cors 11.4.3 (JavaScript): fastify.register(cors, {…})"},
	{Name: "gin-cors", Version: "v1.7.7", Language: "Go",
		Title: "gin-contrib/cors v1.7.7 (Go): r.Use(cors.New(cors.Config{…}))"},
	{Name: "go-chi-cors", Version: "v1.2.2", Language: "Go",
		Title: "go-chi/cors v1.2.2 (Go): cors.Handler(cors.Options{…})"},
	{Name: "gorilla-handlers", Version: "v1.5.2", Language: "Go",
		Title: "gorilla/handlers CORS v1.5.2 (Go): handlers.CORS(handlers.AllowedOrigins(…), …)"},
	{Name: "hono-cors", Version: "4.13.23", Language: "JavaScript",
		Title: "hono/cors 4.13.23 (JavaScript): app.use('*', cors({…}))"},
	{Name: "koa-cors", Version: "5.0.0", Language: "JavaScript",
		Title: "@koa/cors 5.0.0 (JavaScript): app.use(cors({…}))"},
	{Name: "rack-cors", Version: "1.1.1", Language: "Ruby",
		Title: "rack-cors 1.1.1 (Ruby): Rack::Cors.new(app) { allow { origins …; resource … } }"},
}

// commandOnlyDoc is the library named name when the page does not carry
// it.
func commandOnlyDoc(name string) (LibraryDoc, bool) {
	if _, ok := server.Lookup(name, ""); ok {
		return LibraryDoc{}, false
	}
	for _, d := range commandOnly {
		if d.Name == name {
			d.Default, d.CommandOnly = true, true
			return d, true
		}
	}
	return LibraryDoc{}, false
}
