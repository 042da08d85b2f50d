package koacors_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
)

// fixCase is a blocked request to koa-cors with these options, and the
// call the library fix writes.
type fixCase struct {
	options, method, header string
	creds                   bool
	after, why              string
}

func TestFixes(t *testing.T) {
	for _, tt := range []fixCase{
		{options: `{}`, method: "GET", creds: true, after: `app.use(cors({ origin: 'https://app.example.com', credentials: true }))`, why: "with credentials: true"},
		{options: `{"origin": ["https://app.example.com", "https://other.example"]}`, method: "GET", after: `app.use(cors({ origin: 'https://app.example.com' }))`, why: "one Access-Control-Allow-Origin line per element"},
		{options: `{"origin": "https://other.example"}`, method: "GET", after: `app.use(cors({ origin: 'https://app.example.com' }))`, why: "is sent as it is to every caller"},
		{options: `{"allowMethods": "GET,POST"}`, method: "DELETE", after: `app.use(cors({ allowMethods: 'GET,POST,DELETE' }))`, why: "allowMethods does not include DELETE"},
		{options: `{"allowMethods": ["GET"]}`, method: "PURGE", after: `app.use(cors({ allowMethods: ['GET', 'PURGE'] }))`},
		{options: `{"allowHeaders": ["Content-Type"]}`, method: "PUT", header: "X-Api-Key: k", after: `app.use(cors({ allowHeaders: ['Content-Type', 'X-Api-Key'] }))`, why: "allowHeaders does not include X-Api-Key"},
		{options: `{"origin": "https://app.example.com", "credential": true}`, method: "GET", creds: true, after: `app.use(cors({ origin: 'https://app.example.com', credentials: true }))`, why: "credential is not an option of @koa/cors"},
		{options: `{"allowMethods": ""}`, method: "PUT", after: `app.use(cors())`, why: "allowMethods is empty"},
	} {
		checkFix(t, "koa-cors", tt)
	}
}

func checkFix(t *testing.T, lib string, tt fixCase) {
	t.Helper()
	req := map[string]any{"url": "https://api.example.com/r", "method": tt.method}
	if tt.creds {
		req["credentials"] = "include"
	}
	if name, value, ok := strings.Cut(tt.header, ": "); ok {
		req["headers"] = [][2]string{{name, value}}
	}
	b, _ := json.Marshal(map[string]any{"v": 1, "page": "https://app.example.com", "request": req,
		"server": map[string]any{"library": map[string]any{"name": lib, "options": json.RawMessage(tt.options)}}})
	var s engine.Scenario
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("%s: %v", tt.options, err)
	}
	out := engine.Evaluate(s)
	if out.Verdict != "blocked" {
		t.Fatalf("%s %s: %s, want blocked", tt.options, tt.method, out.Verdict)
	}
	i := slices.IndexFunc(out.Fixes, func(f engine.Fix) bool { return f.Server != nil && f.Server.Library != nil })
	if i < 0 {
		t.Fatalf("%s %s: no library fix among %d (%q)", tt.options, tt.method, len(out.Fixes), out.NoSafeFix)
	}
	f := out.Fixes[i]
	if f.Code == nil || f.Code.After != tt.after || f.Code.Language != "javascript" {
		t.Errorf("%s %s: code %+v, want after %s", tt.options, tt.method, f.Code, tt.after)
	}
	if tt.why != "" && !slices.ContainsFunc(f.Why, func(w string) bool { return strings.Contains(w, tt.why) }) {
		t.Errorf("%s %s: no why-line says %q: %q", tt.options, tt.method, tt.why, f.Why)
	}
	if v := engine.Evaluate(f.Apply(s)).Verdict; v != "allowed" {
		t.Errorf("%s %s: fixed: %s", tt.options, tt.method, v)
	}
}
