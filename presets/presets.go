// Package presets holds corsplay's lesson presets: small scenarios, each
// with a title and a lesson, that walk a learner through the CORS protocol
// from a same-origin fetch to the preflight cache. Each preset is one JSON
// file in this directory, in the engine's scenario format; the two-digit
// prefix of its file name gives its place in the list.
package presets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"corsplay/engine"
)

//go:embed *.json
var files embed.FS

// load decodes and validates every preset in file-name order. A file that
// fails is a programming error: it is reported in errs, which the tests
// check, and left out of the list.
func load() (list []engine.Scenario, errs []error) {
	for _, name := range names() {
		data, err := files.ReadFile(name)
		if err == nil {
			var s engine.Scenario
			if s, err = engine.DecodeOne(data); err == nil {
				list = append(list, s)
				continue
			}
		}
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return list, errs
}

// names are the embedded files in name order (embed.FS.ReadDir sorts, and
// the go:embed pattern holds only *.json), as fs.Glob(files, "*.json")
// gave. Not fs.Glob: it also compiles in what it needs for other file
// systems (io/fs.ReadDir's sort, path.Match, os's directory reading),
// 17 KB of brotli in app.wasm.
func names() []string {
	entries, _ := files.ReadDir(".")
	var ns []string
	for _, e := range entries {
		ns = append(ns, e.Name())
	}
	return ns
}

// All returns the presets in file-name order, freshly decoded: the caller may
// modify them.
func All() []engine.Scenario {
	list, _ := load()
	return list
}

// Titles lists the presets' titles in file-name order. It reads only the
// titles: the page shows them on its first render, where decoding and
// validating all 29 scenarios (All) took a tenth of its start in
// WebAssembly, and decoding each file whole for its title still 60 ms.
func Titles() []string {
	var titles []string
	for _, name := range names() {
		data, err := files.ReadFile(name)
		if err != nil {
			continue
		}
		if t, ok := title(data); ok {
			titles = append(titles, t)
		}
	}
	return titles
}

// title reads a scenario's top-level "title", and nothing after it (the
// files begin with their version and title).
func title(data []byte) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return "", false
		}
		if k, _ := key.(string); strings.EqualFold(k, "title") {
			var t string
			return t, d.Decode(&t) == nil
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}

// ByTitle returns the preset with the given title.
func ByTitle(title string) (engine.Scenario, bool) {
	for _, s := range All() {
		if s.Title == title {
			return s, true
		}
	}
	return engine.Scenario{}, false
}
