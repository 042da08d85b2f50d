//go:build !wasm

package expresscors

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"corsplay/engine/server/jsconfig"
)

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{`app.use(cors({ origin: [/^https:\/\/a\.example\.com$/i, 'https://b.example.com'], credentials: true }));`,
			`{"credentials":true,"origin":[{"flags":"i","regexp":"^https:\\/\\/a\\.example\\.com$"},"https://b.example.com"]}`},
		{`cors()`, `{}`},
		{"{\n  origin: true, // every origin\n  maxAge: 600,\n}", `{"maxAge":600,"origin":true}`},
	} {
		got, err := importText(tt.text)
		if err != nil {
			t.Errorf("%s: %v", tt.text, err)
			continue
		}
		if b, _ := json.Marshal(got); string(b) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.text, b, tt.want)
		}
	}
	for _, tt := range []struct {
		text         string
		line, column int
		problem      string
	}{
		{`app.use('/api', cors())`, 1, 9, "without a path"},
		{"cors({\n  credentials: true,\n  origin: /a/g,\n})", 3, 3, "the g or y flag"},
		{`cors({ origin: allowed })`, 1, 16, "variable"},
	} {
		_, err := importText(tt.text)
		var je *jsconfig.Error
		if !errors.As(err, &je) || je.Line != tt.line || je.Column != tt.column || !strings.Contains(je.Problem, tt.problem) {
			t.Errorf("%s: %v, want line %d, column %d: …%s…", tt.text, err, tt.line, tt.column, tt.problem)
		}
	}
	if _, err := importText(`cors({ origin: /(/ })`); err == nil || !strings.Contains(err.Error(), "Unterminated group") {
		t.Errorf("an invalid RegExp: %v, want V8's SyntaxError", err)
	}
}
