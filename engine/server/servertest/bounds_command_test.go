//go:build !wasm

package servertest_test

import (
	"strings"

	"corsplay/engine/server/servertest"
)

// The Go libraries' readers (gostack's), hono's and koa's are the
// command's: the page's build leaves them out
// (engine/server/gincors/command.go…).
func init() {
	commandReaders = []servertest.Syntax{
		{Library: "echo-cors",
			Text: func(v string) string { return "middleware.CORSConfig{AllowOrigins: " + v + "}" },
			Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*",
			Deep: []string{"middleware.CORSConfig{MaxAge: " + strings.Repeat("-", 51) + "1}", "middleware.CORSConfig{MaxAge: " + strings.Repeat("(", 51) + "1" + strings.Repeat(")", 51) + "}"}},
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
		// Deep and many blocks, many directives.
	}
}
