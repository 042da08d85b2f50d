//go:build !wasm

package jub0bscors

import (
	"encoding/json"
	"strings"
	"testing"

	"corsplay/engine/server/emutest"
)

// TestImportText: the ways a Go program configures jub0bs/cors read into
// the options, and what corsplay cannot read refused with line and column.
func TestImportText(t *testing.T) {
	emutest.Import(t, importText, [][2]string{
		{"cors.Config{}", `{}`},
		{`mw, err := cors.NewMiddleware(cors.Config{
	Origins:         []string{"https://a.example", "https://*.a.example"},
	Credentialed:    true,
	Methods:         []string{http.MethodPut},
	RequestHeaders:  []string{"Authorization"},
	MaxAgeInSeconds: -1,
})`, `{"Credentialed":true,"MaxAgeInSeconds":-1,"Methods":["PUT"],"Origins":["https://a.example","https://*.a.example"],"RequestHeaders":["Authorization"]}`},
		{"cors.Config{Origins: []string{\"*\"}, ResponseHeaders: []string{\"X-Total\"}, DangerouslyTolerateInsecureOrigins: true, DangerouslyTolerateSubdomainsOfPublicSuffixes: false}",
			`{"DangerouslyTolerateInsecureOrigins":true,"DangerouslyTolerateSubdomainsOfPublicSuffixes":false,"Origins":["*"],"ResponseHeaders":["X-Total"]}`},
		{"cors.Config{AllowedOrigins: nil}", "error: line 1, column 13: cors.Config has no field AllowedOrigins"},
		{"cors.Config{origins: nil}", "error: line 1, column 13: cors.Config has no field origins: a Go program setting it would not compile (did you mean Origins?"},
		{"cors.Config{Credentialed: 1}", "error: line 1, column 27: Credentialed wants true or false"},
		{"cors.New(cors.Options{})", "error: line 1, column 6: expected Config or NewMiddleware, found New"},
	})
}

// TestExportReadsBack: the program's cors.Config literal is one importText
// reads back into the same options.
func TestExportReadsBack(t *testing.T) {
	for _, text := range []string{`{}`,
		`{"Origins": ["https://a.example"], "Credentialed": true, "Methods": ["PUT"], "RequestHeaders": ["*"], "MaxAgeInSeconds": 600, "ResponseHeaders": ["X-Total"], "DangerouslyTolerateInsecureOrigins": true, "DangerouslyTolerateSubdomainsOfPublicSuffixes": true}`,
	} {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(text), &opts); err != nil {
			t.Fatal(err)
		}
		prog, err := export(opts, "/r")
		if err != nil {
			t.Fatal(err)
		}
		start := strings.Index(prog, "cors.NewMiddleware(")
		end := strings.Index(prog, ")\n\tif err != nil")
		if start < 0 || end < start {
			t.Fatalf("no cors.NewMiddleware(…) in\n%s", prog)
		}
		back, err := importText(prog[start : end+1])
		if err != nil {
			t.Fatalf("%v\n%s", err, prog)
		}
		want, _ := json.Marshal(opts)
		if got, _ := json.Marshal(back); string(got) != string(want) {
			t.Errorf("read back %s, want %s\n%s", got, want, prog)
		}
	}
}
