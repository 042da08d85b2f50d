package engine_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
)

// fixtureDir holds scenario fixtures NAME.json, each with a hand-written
// expectation NAME.want.json.
const fixtureDir = "../testdata/engine"

// fixtureWant is the expectation of one fixture, derived from the Fetch
// standard and the reference notes, not from the engine.
type fixtureWant struct {
	Verdict                     string   `json:"verdict"`
	CORSError                   string   `json:"corsError"`
	PreflightSent               bool     `json:"preflightSent"`
	AccessControlRequestHeaders string   `json:"accessControlRequestHeaders"` // "" means absent
	ReadableHeaders             []string `json:"readableHeaders"`
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".want.json") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			scenarios, many, err := engine.Decode(data)
			if err != nil || many || len(scenarios) != 1 {
				t.Fatalf("Decode(%s) = %d scenarios, many %v, error %v; want one scenario", file, len(scenarios), many, err)
			}
			s := scenarios[0]
			checkCanonical(t, data, s)

			wantData, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".want.json")
			if err != nil {
				t.Fatalf("every fixture needs a .want.json: %v", err)
			}
			var want fixtureWant
			dec := json.NewDecoder(bytes.NewReader(wantData))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&want); err != nil {
				t.Fatalf("%s.want.json: %v", name, err)
			}

			out := engine.Evaluate(s)
			if out.Verdict != want.Verdict {
				t.Errorf("Evaluate(%s): verdict %q, want %q (console %q)", name, out.Verdict, want.Verdict, out.Console)
			}
			if out.CORSError != want.CORSError {
				t.Errorf("Evaluate(%s): corsError %q, want %q", name, out.CORSError, want.CORSError)
			}
			if (out.Preflight != nil) != want.PreflightSent {
				t.Errorf("Evaluate(%s): preflight sent %v, want %v", name, out.Preflight != nil, want.PreflightSent)
			}
			var acrh string
			if out.Preflight != nil {
				acrh, _ = out.Preflight.Request.Headers.Get("Access-Control-Request-Headers")
			}
			if acrh != want.AccessControlRequestHeaders {
				t.Errorf("Evaluate(%s): Access-Control-Request-Headers %q, want %q", name, acrh, want.AccessControlRequestHeaders)
			}
			if !slices.Equal(out.ReadableHeaders, want.ReadableHeaders) {
				t.Errorf("Evaluate(%s): readable headers %q, want %q", name, out.ReadableHeaders, want.ReadableHeaders)
			}
		})
	}
	if n < 12 {
		t.Errorf("%d fixtures in %s, want at least 12", n, fixtureDir)
	}
}

// checkCanonical checks that a fixture is written the way engine.Scenario
// marshals: the same JSON tree, so no field is misspelt or defaulted away.
func checkCanonical(t *testing.T, data []byte, s engine.Scenario) {
	t.Helper()
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var fromFile, fromGo any
	if err := json.Unmarshal(data, &fromFile); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &fromGo); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFile, fromGo) {
		t.Errorf("fixture is not in the form engine.Scenario marshals:\nfile %s\nGo   %s", data, out)
	}
}
