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
	{Name: "fastify-cors", Version: "11.4.3", Language: "JavaScript",
		Title: "@fastify/cors 11.4.3 (JavaScript): fastify.register(cors, {…})"},
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
