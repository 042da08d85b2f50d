package app

import (
	"encoding/json"
	"slices"
	"testing"

	"corsplay/engine"
)

// TestSolutionFields: a solution's merge patch, field by field, in its
// order: objects walked, lists and scalars whole, null removed.
func TestSolutionFields(t *testing.T) {
	for _, tt := range []struct {
		patch string
		want  []solutionField
	}{
		{`{"server": {"raw": null, "policy": {"origins": ["https://app.example.com"]}}}`,
			[]solutionField{{"server.raw", ""}, {"server.policy.origins", `["https://app.example.com"]`}}},
		{`{"request": {"credentials": "same-origin", "headers": [["X-A", "1"]]}}`,
			[]solutionField{{"request.credentials", `"same-origin"`}, {"request.headers", `[["X-A","1"]]`}}},
		{`{"browser": "firefox", "page": "https://app.example.com"}`,
			[]solutionField{{"browser", `"firefox"`}, {"page", `"https://app.example.com"`}}},
		{`{"server": {"policy": {}}}`, []solutionField{{"server.policy", "{}"}}},
		{`{}`, nil},
	} {
		if got := solutionFields(json.RawMessage(tt.patch)); !slices.Equal(got, tt.want) {
			t.Errorf("solutionFields(%s) = %q, want %q", tt.patch, got, tt.want)
		}
	}
}

// TestPartsSentence: what the learner may change, then what is locked, in
// the order of engine.ChallengeParts.
func TestPartsSentence(t *testing.T) {
	for _, tt := range []struct {
		change []string
		left   bool
		want   string
	}{
		{[]string{engine.PartServer}, false, "You may change: the server. Locked: the page, the request and the browser."},
		{[]string{engine.PartRequest, engine.PartPage}, false, "You may change: the request and the page. Locked: the server and the browser."},
		{engine.ChallengeParts, false, "You may change: the page, the request, the server and the browser."},
		{[]string{engine.PartServer}, true, "Every part is unlocked: you are experimenting freely."},
	} {
		if got := partsSentence(tt.change, tt.left); got != tt.want {
			t.Errorf("partsSentence(%q, %v) = %q, want %q", tt.change, tt.left, got, tt.want)
		}
	}
}
