package evidence_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
	"corsplay/internal/pastes"
)

// roundTripBrowsers are the browsers whose consoles are read.
var roundTripBrowsers = []string{engine.Chrome, engine.Firefox, engine.Safari}

// TestConsoleRoundTrip: for every hand-picked scenario of the differential
// suite (testdata/differential, where the engine agrees with Chromium,
// Firefox and WebKit, so its lines are what the browsers print) that a
// browser blocks, the lines that browser prints, pasted as a block, as the
// main line alone and with DevTools' decorations, import to a scenario
// that the same browser blocks with the same main line. difftest's
// TestImportRoundTrip runs the whole corpus, generated scenarios included.
func TestConsoleRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../../testdata/differential/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	total, same := 0, 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var ss []engine.Scenario
		if err := json.Unmarshal(data, &ss); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, s := range ss {
			for _, b := range roundTripBrowsers {
				s.Browser = b
				o := engine.Evaluate(s)
				if o.Verdict != engine.Blocked {
					continue
				}
				for _, p := range pastes.Of(b, o) {
					total++
					r, err := evidence.Import([]byte(p.Text), evidence.Options{})
					switch {
					case err != nil:
						t.Errorf("%s, %s, %s paste: %v\n%s", s.Title, b, p.Name, err, p.Text)
					case r.Browser != b || r.Source != evidence.SourceConsole:
						t.Errorf("%s, %s, %s paste: read as %s from %s", s.Title, b, p.Name, r.Browser, r.Source)
					default:
						got := engine.Evaluate(r.Scenario)
						if got.Console != o.Console {
							t.Errorf("%s, %s, %s paste: the import prints\n%s\nwant\n%s", s.Title, b, p.Name, got.Console, o.Console)
							continue
						}
						same++
					}
				}
			}
		}
	}
	t.Logf("%d of %d pastes round-trip", same, total)
}
