//go:build !wasm

package servertest_test

import (
	"strings"

	"corsplay/engine/server/servertest"
)

// The Go libraries' readers (gostack's), fastify's, hono's, koa's and
// rack-cors's are the command's: the page's build leaves them out
// (engine/server/gincors/command.go…).
func init() {
	commandReaders = []servertest.Syntax{
		{Library: "echo-cors",
			Text: func(v string) string { return "middleware.CORSConfig{AllowOrigins: " + v + "}" },
			Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*",
			Deep: []string{"middleware.CORSConfig{MaxAge: " + strings.Repeat("-", 51) + "1}", "middleware.CORSConfig{MaxAge: " + strings.Repeat("(", 51) + "1" + strings.Repeat(")", 51) + "}"}},
		{Library: "fastify-cors",
			Text: func(v string) string { return "fastify.register(cors, { origin: " + v + " })" },
			Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: "/*",
			Deep: []string{"fastify.register(cors, { origin: " + strings.Repeat("[", 17) + strings.Repeat("]", 17) + " })"}},
		{Library: "gin-cors",
			Text: func(v string) string { return "cors.Config{AllowOrigins: " + v + "}" },
			Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*",
			Deep: []string{"cors.Config{MaxAge: " + strings.Repeat("-", 51) + "1}", "cors.Config{MaxAge: " + strings.Repeat("(", 51) + "1" + strings.Repeat(")", 51) + "}"}},
		{Library: "go-chi-cors",
			Text: func(v string) string { return "cors.Options{AllowedOrigins: " + v + "}" },
			Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*"},
		{Library: "gorilla-handlers",
			Text: func(v string) string { return "handlers.CORS(handlers.AllowedOrigins(" + v + "))" },
			Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*"},
		{Library: "hono-cors",
			Text: func(v string) string { return "app.use('*', cors({ origin: " + v + " }))" },
			Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: "/*",
			Deep: []string{"app.use('*', cors({ origin: " + strings.Repeat("[", 17) + strings.Repeat("]", 17) + " })"}},
		{Library: "koa-cors",
			Text: func(v string) string { return "app.use(cors({ origin: " + v + " }))" },
			Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: "/*",
			Deep: []string{"app.use(cors({ origin: " + strings.Repeat("[", 17) + strings.Repeat("]", 17) + " })"}},
		{Library: "rack-cors",
			Text: func(v string) string {
				return "use Rack::Cors do\n  allow do\n    origins " + v + "\n    resource '*', headers: :any, methods: [:get]\n  end\nend\n"
			},
			Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: "=begin\n",
			Deep: []string{"use Rack::Cors do\n  allow do\n    origins " + strings.Repeat("[", 51) + strings.Repeat("]", 51) + "\n  end\nend\n"}},
	}
}
