package fastifycors_test

import (
	"encoding/json"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
	"corsplay/engine/server/servertest"
)

// The fixes in @fastify/cors's own options, from testdata/fixes.json (which
// libtest's TestFastifyCorsFixes runs with the real library): each blocked
// scenario gets a fix that changes the plugin's options, shows the user's
// fastify.register(cors, {…}) before and the call to write after (Import
// reads both back), says why for each change, and lets the request through.
var suite = servertest.FixSuite{Library: "fastify-cors", Version: "11.4.3",
	Page: "http://localhost:3000", URL: "https://api.example.com/r", Body: true, Language: "javascript",
	Title: "Allow exactly this request in the @fastify/cors options",
	// A configuration the plugin refuses is an error: the server would
	// not start. One why-line per change: a renamed option is two changed
	// fields for one reason, the method written in upper case one more.
	Refused: true, WhyCount: "fields",
	// Before is the user's call and after the fixed one: each is what
	// Library.Call prints of the options, and Import reads it back into
	// options printed alike (it refuses an option the plugin would ignore,
	// as a misspelled one).
	Check: func(t *testing.T, c servertest.FixCase, s engine.Scenario, f engine.Fix) {
		lib, _ := server.Lookup("fastify-cors", "")
		for _, side := range []struct {
			code string
			opts map[string]json.RawMessage
		}{{f.Code.Before, s.Server.Library.Options}, {f.Code.After, f.Apply(s).Server.Library.Options}} {
			if call := lib.Fixer.Call(ordered(side.opts)); call != side.code {
				t.Errorf("code %q, the call of %s is %q", side.code, jsonOf(side.opts), call)
			}
			if !servertest.CommandParts(t, lib) {
				continue // the reader is the command's
			}
			got, err := lib.Import(side.code)
			if err != nil && len(lib.Fixer.Unknown(side.opts)) == 0 || err == nil && lib.Fixer.Call(ordered(got)) != side.code {
				t.Errorf("Import(%q) = %s, %v", side.code, jsonOf(got), err)
			}
		}
	},
	Kind:  servertest.FirstWord,
	Kinds: map[string]int{"origin:": 1, "credentials:": 1, "method:": 1, "header:": 1, "misspelled:": 1, "upper-case method": 1, "refused": 1, "status:": 1}}

func TestFixes(t *testing.T) {
	t.Logf("%d cases", suite.Fixes(t, servertest.ReadCases(t, "testdata/fixes.json")))
}

// No fix when nothing safe would let the request through.
func TestNoSafeFix(t *testing.T) {
	suite.NoSafeFix(t, `{"origin": ["https://app.example.com"]}`, `{"credentials": true}`, `{"origin": false}`)
}

// ordered lists the options in the call's order: the plugin's, then the
// others, sorted.
func ordered(m map[string]json.RawMessage) []server.Opt {
	lib, _ := server.Lookup("fastify-cors", "")
	var out []server.Opt
	for _, name := range lib.Fixer.Options {
		if raw, ok := m[name]; ok {
			out = append(out, server.Opt{Name: name, Raw: raw})
		}
	}
	for _, name := range lib.Fixer.Unknown(m) {
		out = append(out, server.Opt{Name: name, Raw: m[name]})
	}
	return out
}

func jsonOf(m map[string]json.RawMessage) []byte {
	b, _ := json.Marshal(m)
	return b
}
