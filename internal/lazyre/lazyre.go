// Package lazyre is a regular expression compiled on first use. A package
// level regexp.MustCompile runs when the program starts: in the page,
// compiled to WebAssembly, the engine's and the importer's 70 patterns
// took a fifth of a second before the first render, for a paste most
// visitors never make. A lazyre.Regexp is declared the same way and
// compiled (once, safely from several goroutines) when first matched; a
// bad pattern still panics, at that first use, and each package's tests
// use them all.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is regexp.MustCompile(expr), compiled on first use.
type Regexp struct {
	expr string
	re   func() *regexp.Regexp
}

// New is a Regexp of expr, not compiled yet.
func New(expr string) *Regexp {
	return &Regexp{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// String is the source text, without compiling it.
func (r *Regexp) String() string { return r.expr }

func (r *Regexp) MatchString(s string) bool                { return r.re().MatchString(s) }
func (r *Regexp) FindString(s string) string               { return r.re().FindString(s) }
func (r *Regexp) FindStringSubmatch(s string) []string     { return r.re().FindStringSubmatch(s) }
func (r *Regexp) ReplaceAllString(src, repl string) string { return r.re().ReplaceAllString(src, repl) }
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.re().FindAllStringSubmatch(s, n)
}
