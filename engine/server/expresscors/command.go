//go:build !wasm

package expresscors

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
)

func init() { lib.Export, lib.Import = export, importText }

// export writes the app libtest runs (expresscors_server.js): cors() with
// these options, then a route answering 200 to every method on every path
// but OPTIONS, which Express's router answers itself. The route answers
// every path, so route changes nothing.
func export(options map[string]json.RawMessage, _ string) (string, error) {
	if _, err := newCors(options); err != nil {
		return "", err
	}
	var names, rest []string
	for _, name := range expressCorsOptions {
		if _, ok := options[name]; ok {
			names = append(names, name)
		}
	}
	for name := range options {
		if !slices.Contains(expressCorsOptions, name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	arg := ""
	if len(options) > 0 {
		parts := make([]string, 0, len(options))
		for _, name := range append(names, rest...) {
			key := jsKey(name)
			if name == "__proto__" { // an own property, as JSON.parse makes it, not the prototype
				key = "['__proto__']"
			}
			parts = append(parts, "  "+key+": "+jsLiteral(server.ParseNode(options[name])))
		}
		arg = "{\n" + strings.Join(parts, ",\n") + ",\n}"
	}
	return `// Express 5 with cors 2.8.6: every path answers 200 to every method but
// OPTIONS, which Express's router answers itself.
const http = require('http');
const express = require('express');
const cors = require('cors');

const app = express();
app.use(cors(` + arg + `));
const ok = (req, res) => res.status(200).end();
for (const m of http.METHODS) {
  const name = m.toLowerCase();
  if (name !== 'options' && name !== 'connect' && typeof app[name] === 'function') app[name]('/{*path}', ok);
}
app.listen(Number(process.env.PORT) || 8080, 'localhost');
`, nil
}

// syntax reads a RegExp literal as the {"regexp": ..., "flags": ...} form.
var jsSyntax = jsconfig.Syntax{RegExps: true}

// importText reads `app.use(cors({...}))`, `cors({...})` or `{...}`.
func importText(text string) (map[string]json.RawMessage, error) {
	opts, call, err := jsSyntax.Read(text)
	if err != nil {
		return nil, err
	}
	if call.HasPath {
		return nil, &jsconfig.Error{Line: call.PathLine, Column: call.PathColumn, Problem: "corsplay emulates cors() on every path: write app.use(cors(...)) without a path"}
	}
	if _, err := newCors(opts); err != nil {
		return nil, call.Locate(err)
	}
	return opts, nil
}
