package evidence_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// goWords are Go's, not the reader's: no error may show them.
var goWords = regexp.MustCompile(`\bu?int(8|16|32|64)?\b|float64|\[\]string|map\[|json\.|reflect\.|Go (struct|value)|evidence\.`)

// FuzzImport: any text imports without panicking; what is imported is a
// valid scenario, within a scenario's bounds, that reads back the same and
// evaluates; what is refused says why in the reader's words.
func FuzzImport(f *testing.F) {
	for _, tt := range consoleTests {
		f.Add(tt.text)
	}
	for _, tt := range fetchTests {
		f.Add(tt.text)
	}
	for _, tt := range curlTests {
		f.Add(tt.text)
	}
	for _, tt := range harErrors {
		f.Add(tt.text)
	}
	files, _ := filepath.Glob("testdata/*.har")
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(text))
	}
	f.Add("*   Trying 127.0.0.1:8080...\n> GET /x HTTP/1.1\n> Host: 127.0.0.1:8080\n> Origin: null\n>\n< HTTP/1.1 200 OK\n< Access-Control-Allow-Origin: null\n<\n")
	f.Add("HTTP/2 204 \naccess-control-allow-origin: *\n\n")
	f.Add("curl $'\\x41\\u00e9\\101' -H $'X: \\'' --json '{}' -sSLX PUT")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := evidence.Import([]byte(text), evidence.Options{})
		if err != nil {
			var e *evidence.Error
			if !errors.As(err, &e) && !errors.Is(err, evidence.ErrUnrecognised) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if err.Error() == "" || goWords.MatchString(err.Error()) {
				t.Fatalf("error %q", err)
			}
			return
		}
		if !slices.Contains([]string{engine.Chrome, engine.Firefox, engine.Safari}, r.Browser) || r.Scenario.Browser != r.Browser {
			t.Fatalf("browser %q, scenario's %q", r.Browser, r.Scenario.Browser)
		}
		if !slices.Contains([]string{evidence.SourceConsole, evidence.SourceHAR, evidence.SourceFetch, evidence.SourceCurl, evidence.SourceCurlOutput}, r.Source) {
			t.Fatalf("source %q", r.Source)
		}
		if r.Assumed == nil {
			t.Fatal("assumed is nil")
		}
		for _, a := range r.Assumed {
			if a.Field == "" || a.Why == "" {
				t.Fatalf("assumption %+v", a)
			}
		}
		raw, err := json.Marshal(r.Scenario)
		if err != nil {
			t.Fatal(err)
		}
		back, err := engine.DecodeOne(raw)
		if err != nil {
			t.Fatalf("the imported scenario does not read back: %v\n%s", err, raw)
		}
		engine.Evaluate(back)
	})
}
