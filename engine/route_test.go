//go:build !wasm

package engine_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
)

// routeOptions are options that let https://app.example.com in, for every
// library of engine/server's registry: libraryExchanges' and the stand-in's.
func routeOptions(t *testing.T, l *server.Library) map[string]json.RawMessage {
	raw := `{"origins": ["https://app.example.com"]}` // test-list-cors
	if i := slices.IndexFunc(libraryExchanges, func(e struct{ name, version, options string }) bool { return e.name == l.Name }); i >= 0 {
		raw = libraryExchanges[i].options
	} else if l.Name != "test-list-cors" {
		t.Fatalf("%s has no row in libraryExchanges", l.Name)
	}
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &opts); err != nil {
		t.Fatal(err)
	}
	return opts
}

// TestLibraryAppServesTheRequestPath: the app behind each registered
// library has its route at the path the browser asks for, so an allowed
// GET to /items or /api/v1/items?x=1 gets what one to /r (libtest's route)
// gets, not the framework's 404.
func TestLibraryAppServesTheRequestPath(t *testing.T) {
	for _, l := range server.All() {
		t.Run(l.Name+"@"+l.Version, func(t *testing.T) {
			srv := engine.Server{Library: &engine.Library{Name: l.Name, Version: l.Version, Options: routeOptions(t, l)}}
			get := func(path string) engine.Response {
				resp, err := srv.Respond(engine.HTTPRequest{Method: "GET", URL: "https://api.example.com" + path,
					Headers: engine.Headers{{Name: "Origin", Value: "https://app.example.com"}}})
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			r := get("/r")
			acao, _ := r.Headers.Get("Access-Control-Allow-Origin")
			if r.Status != 200 || acao != "https://app.example.com" {
				t.Fatalf("GET /r: %d, Access-Control-Allow-Origin %q; want 200 and the origin", r.Status, acao)
			}
			for _, path := range []string{"/items", "/api/v1/items?x=1", "/", "/search/a%20b", "/caf%C3%A9", "/o'clock", "/%72"} {
				got := get(path)
				if a, _ := got.Headers.Get("Access-Control-Allow-Origin"); got.Status != r.Status || a != acao {
					t.Errorf("GET %s: %d, Access-Control-Allow-Origin %q; want %d and %q as /r", path, got.Status, a, r.Status, acao)
				}
			}
		})
	}
}

// declaresRoute are the libraries whose program declares the app's one
// route, with a route their router reads as a pattern; the others' app
// answers every path.
var declaresRoute = map[string]string{
	"starlette": "/items/{id}", "django-cors-headers": "/items/<int:id>", "fastify-cors": "/items/:id",
	"hono-cors": "/items/:id", "echo-cors": "/items/*", "gin-cors": "/items/*rest", "rack-cors": "", "koa-cors": "",
}

// TestProgramRoute: Program writes the app's route at the path it is
// given, or refuses a route the framework's router reads as a pattern,
// naming request.url; a program whose app answers every path does not
// change.
func TestProgramRoute(t *testing.T) {
	oldRoute := regexp.MustCompile(`/r\b|"r"`) // Django's path("r")
	for _, l := range server.All() {
		if l.Export == nil || strings.HasPrefix(l.Name, "test-") {
			continue // no program, or the stand-in (TestRegisteredLibraryConfigText)
		}
		t.Run(l.Name+"@"+l.Version, func(t *testing.T) {
			lib := engine.Library{Name: l.Name, Version: l.Version, Options: routeOptions(t, l)}
			items, err := lib.Program("/items")
			if err != nil {
				t.Fatal(err)
			}
			r, err := lib.Program("")
			if err != nil {
				t.Fatal(err)
			}
			pattern, declares := declaresRoute[l.Name]
			if !declares {
				if items != r {
					t.Errorf("the program changes with the route, but %s is not in declaresRoute", l.Name)
				}
				return
			}
			if !strings.Contains(items, `/items'`) && !strings.Contains(items, `/items"`) && !strings.Contains(items, `"items"`) || oldRoute.MatchString(items) {
				t.Errorf("Program(/items) does not declare /items alone:\n%s", items)
			}
			if !oldRoute.MatchString(r) {
				t.Errorf("Program(\"\") does not declare /r:\n%s", r)
			}
			if pattern == "" {
				return
			}
			var fe *engine.FieldError
			if _, err := lib.Program(pattern); !errors.As(err, &fe) || fe.Field != "request.url" {
				t.Errorf("Program(%s) = %v, want a request.url error", pattern, err)
			}
		})
	}
}
