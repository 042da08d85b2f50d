//go:build !wasm

package rscors

import (
	"encoding/json"
	"strings"
	"testing"

	"corsplay/engine/server/emutest"
)

// TestImportText: the ways a Go program configures rs/cors read into the
// options, and what corsplay cannot read refused with line and column.
func TestImportText(t *testing.T) {
	emutest.Import(t, importText, [][2]string{
		{"cors.Options{}", `{}`},
		{`c := cors.New(cors.Options{
	AllowedOrigins:   []string{"https://a.example", "https://*.a.example"},
	AllowedMethods:   []string{http.MethodGet, "PUT"},
	AllowCredentials: true,
	MaxAge:           -1,
	AllowOriginFunc:  nil,
})`, `{"AllowCredentials":true,"AllowedMethods":["GET","PUT"],"AllowedOrigins":["https://a.example","https://*.a.example"],"MaxAge":-1}`},
		{"handler := cors.AllowAll().Handler", `{"AllowCredentials":false,"AllowedHeaders":["*"],"AllowedMethods":["HEAD","GET","POST","PUT","PATCH","DELETE"],"AllowedOrigins":["*"]}`},
		{"cors.Default()", `{}`},
		{"cors.New(cors.Options{OptionsSuccessStatus: 200, OptionsPassthrough: true, AllowPrivateNetwork: true, Debug: false})", `{"AllowPrivateNetwork":true,"Debug":false,"OptionsPassthrough":true,"OptionsSuccessStatus":200}`},
		{"cors.Options{Origins: []string{}}", "error: line 1, column 14: cors.Options has no field Origins"},
		{"cors.Options{allowedOrigins: nil}", "error: line 1, column 14: cors.Options has no field allowedOrigins: a Go program setting it would not compile (did you mean AllowedOrigins?"},
		{"cors.Options{AllowOriginFunc: allow}", "error: line 1, column 14: AllowOriginFunc is Go code"},
		{"cors.Options{MaxAge: 10, MaxAge: 20}", "error: line 1, column 26: duplicate field name MaxAge"},
		{"handlers.CORS()", "error: line 1, column 1: expected cors.Options{…}"},
	})
}

// TestExportReadsBack: the program's cors.Options literal is one
// importText reads back into the same options.
func TestExportReadsBack(t *testing.T) {
	for _, text := range []string{`{}`,
		`{"AllowedOrigins": ["https://a.example"], "AllowedHeaders": ["*"], "ExposedHeaders": ["X-Total"], "MaxAge": 600, "AllowCredentials": true, "AllowPrivateNetwork": true, "OptionsPassthrough": true, "OptionsSuccessStatus": 200, "Debug": true}`,
	} {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(text), &opts); err != nil {
			t.Fatal(err)
		}
		prog, err := export(opts, "/r")
		if err != nil {
			t.Fatal(err)
		}
		start := strings.Index(prog, "cors.New(")
		end := strings.Index(prog, ")\n\t// The app")
		if start < 0 || end < start {
			t.Fatalf("no cors.New(…) in\n%s", prog)
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
