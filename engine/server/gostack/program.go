package gostack

import (
	"strconv"
	"strings"

	"corsplay/engine/server"
)

// Program is a Go program whose main runs setup, then serves an app that
// answers 200 with no header to every method on every path, wrapped as
// wrap says ("c.Handler(ok)"), with the CORS library at importPath.
func Program(importPath, setup, wrap string) string {
	return "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t\"" + importPath + "\"\n)\n\nfunc main() {\n" + setup +
		"\t// The app answers 200 with no header to every method on every path.\n" +
		"\tok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})\n" +
		"\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", " + wrap + "))\n}\n"
}

// Literal is the fields a program's struct literal sets, in order.
type Literal []server.GoField

// List sets a []string field when the list is set (nil: left out).
func (l *Literal) List(name string, list []string) {
	if list == nil {
		return
	}
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	*l = append(*l, server.GoField{name, "[]string{" + strings.Join(q, ", ") + "}"})
}

// Set sets a field to value when on.
func (l *Literal) Set(name string, on bool, value string) {
	if on {
		*l = append(*l, server.GoField{name, value})
	}
}

// Text is the literal typ{…} inside main: its fields one a line, aligned
// as gofmt aligns them.
func (l Literal) Text(typ string) string {
	if len(l) == 0 {
		return typ + "{}"
	}
	return typ + "{\n" + server.GoFields(l, "\t\t") + "\t}"
}
