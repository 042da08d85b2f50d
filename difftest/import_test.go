package difftest

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
	"corsplay/internal/pastes"
)

// importExceptions are the corpus scenarios (by title and browser) whose
// console lines cannot round-trip through corsplay import, and why.
var importExceptions = map[[2]string]string{
	// Firefox logs no console line when it refuses a redirect for the
	// redirect mode: the paste is empty, or only the TypeError
	// "NetworkError when attempting to fetch resource.", which Firefox
	// throws for every fetch that fails, so nothing says what to reproduce.
	{"redirect: redirect error, the API's redirect with ACAO \"*\"", engine.Firefox}: "Firefox prints no console line for it, only the TypeError it throws for any failed fetch",
	{"redirect: redirect error, on the page's origin", engine.Firefox}:               "Firefox prints no console line for it, only the TypeError it throws for any failed fetch",
	{"redirect: redirect error, a 302 without Location", engine.Firefox}:             "Firefox prints no console line for it, only the TypeError it throws for any failed fetch",
	{"redirect: no-cors, redirect error", engine.Firefox}:                            "Firefox prints no console line for it, only the TypeError it throws for any failed fetch",
	{"redirect: no-cors, redirect manual", engine.Firefox}:                           "Firefox prints no console line for it, only the TypeError it throws for any failed fetch",
}

// TestImportRoundTrip: for every scenario of the corpus (the hand-picked
// ones and the generated ones, on which the engine agrees with the real
// browsers) that Chrome, Firefox or Safari blocks, the lines that browser
// prints, pasted as a block, as the main line alone and with DevTools'
// decorations, import (engine/evidence) to a scenario that the same
// browser blocks with the same main line. It needs no browser.
func TestImportRoundTrip(t *testing.T) {
	total, same := 0, 0
	for _, s := range loadCorpus(t) {
		for _, b := range []string{engine.Chrome, engine.Firefox, engine.Safari} {
			s.Browser = b
			o := engine.Evaluate(s)
			if o.Verdict != engine.Blocked {
				continue
			}
			why, excepted := importExceptions[[2]string{s.Title, b}]
			for _, p := range pastes.Of(b, o) {
				total++
				r, err := evidence.Import([]byte(p.Text), evidence.Options{})
				var got string
				if err == nil {
					got = engine.Evaluate(r.Scenario).Console
				}
				switch {
				case got == o.Console && r.Browser == b:
					same++
					if excepted {
						t.Errorf("%s, %s: listed as an exception (%s) but round-trips: remove it", s.Title, b, why)
					}
				case excepted:
				case err != nil:
					t.Errorf("%s, %s, %s paste: %v\n%s", s.Title, b, p.Name, err, p.Text)
				default:
					t.Errorf("%s, %s, %s paste: the import (%s) prints\n%s\nwant\n%s", s.Title, b, p.Name, r.Browser, got, o.Console)
				}
			}
		}
	}
	t.Logf("%d of %d pastes (%.1f%%) round-trip", same, total, 100*float64(same)/float64(max(total, 1)))
}
