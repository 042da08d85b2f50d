package engine

import (
	"corsplay/engine/server"
	"strings"
)

// BrowserVerdict is what one browser does with a scenario, in brief.
type BrowserVerdict struct {
	Browser   string `json:"browser"` // a profile name
	Title     string `json:"title"`   // "Chrome", "Firefox", "Safari"
	Verdict   string `json:"verdict"`
	Preflight bool   `json:"preflight"` // a preflight is sent
	Console   string `json:"console"`   // the line that says why
}

// realBrowsers are the browsers compared, in the order the page shows them.
var realBrowsers = []string{Chrome, Firefox, Safari}

// browsers evaluates s in each real browser; out is s's own outcome, lib
// its library server's emulation (nil for another server), which answers
// every browser alike.
func browsers(s Scenario, out Outcome, lib *libView) []BrowserVerdict {
	own := profileOf(s.withDefaults().Browser).name
	vs := make([]BrowserVerdict, 0, len(realBrowsers))
	for _, b := range realBrowsers {
		o := out
		if b != own {
			other := s
			other.Browser = b
			o = verdictOnly(other, lib)
		}
		vs = append(vs, BrowserVerdict{Browser: b, Title: profileOf(b).title, Verdict: o.Verdict, Preflight: o.Preflight != nil, Console: o.Console})
	}
	return vs
}

// BrowsersDiffer says, in one sentence, how the browsers' verdicts
// differ, such as "Allowed in Chrome · Blocked in Firefox and Safari"; ""
// when they agree.
func BrowsersDiffer(vs []BrowserVerdict) string {
	var order []string
	by := map[string][]string{}
	for _, v := range vs {
		if _, ok := by[v.Verdict]; !ok {
			order = append(order, v.Verdict)
		}
		by[v.Verdict] = append(by[v.Verdict], v.Title)
	}
	if len(order) < 2 {
		return ""
	}
	var parts []string
	for _, verdict := range order {
		parts = append(parts, verdictTitle(verdict)+" in "+andList(by[verdict]))
	}
	return strings.Join(parts, " · ")
}

func verdictTitle(v string) string {
	switch v {
	case Allowed:
		return "Allowed"
	case Blocked:
		return "Blocked"
	case Opaque:
		return "Opaque"
	}
	return "A TypeError"
}

// andList joins "a", "a and b", "a, b and c".
var andList = server.AndList
