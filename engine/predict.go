package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxPredictions bounds a scenario's predictions: a lesson asks a few.
const MaxPredictions = 5

// What a prediction may ask.
const (
	AskPreflight   = "preflight"   // is a preflight sent (first send)?
	AskSent        = "sent"        // does the request itself reach the server?
	AskVerdict     = "verdict"     // what does fetch() do?
	AskReadable    = "readable"    // can script read Header?
	AskCachedSends = "cachedSends" // how many sends reuse a cached preflight?
)

// Asks are what a prediction may ask, in the order they are documented.
var Asks = []string{AskPreflight, AskSent, AskVerdict, AskReadable, AskCachedSends}

// Prediction asks the learner to foresee one decision of the browser before
// stepping through the exchange. It holds only the question's kind: the
// engine answers it from the outcome (Reveal), so the answer follows the
// scenario as the learner edits it and switches browsers.
type Prediction struct {
	// Ask is one of Asks.
	Ask string `json:"ask"`
	// Header is the response header AskReadable asks about.
	Header string `json:"header,omitempty"`
}

// Reveal is a prediction put as a question and answered by an outcome.
type Reveal struct {
	Question string   `json:"question"`
	Choices  []string `json:"choices"`
	// Answer is the index of the right choice.
	Answer int `json:"answer"`
	// Step is the index in Outcome.Steps of the step that decides the
	// answer, -1 when the outcome has no steps.
	Step int `json:"step"`
}

// Verdict choices, in the order AskVerdict offers them.
var verdictChoices = []struct{ verdict, text string }{
	{Allowed, "It resolves, and script reads the response"},
	{Blocked, "It rejects with a TypeError: blocked by CORS"},
	{Opaque, "It resolves with an opaque response: status 0, nothing readable"},
	{Error, "It throws before anything is sent"},
}

// Reveal puts p as a question about s and answers it from out, the outcome
// of s.
func (p Prediction) Reveal(s Scenario, out Outcome) Reveal {
	yes := func(q string, answer bool, steps ...string) Reveal {
		r := Reveal{Question: q, Choices: []string{"Yes", "No"}, Step: decidingStep(out, steps...)}
		if !answer {
			r.Answer = 1
		}
		return r
	}
	switch p.Ask {
	case AskPreflight:
		return yes("Will the browser send a preflight (an OPTIONS request) before the request?", out.Preflight != nil, "preflight-needed")
	case AskSent:
		return yes("Will the request itself reach the server, so that the server runs it?", out.Actual != nil, "actual", fail)
	case AskReadable:
		readable := slices.Contains(out.ReadableHeaders, strings.ToLower(p.Header))
		return yes(fmt.Sprintf("Can the page's script read the %s response header?", p.Header), readable, "expose", fail, "verdict")
	case AskCachedSends:
		n := len(out.Sends)
		r := Reveal{Question: fmt.Sprintf("The request is sent %d times. How many of those sends reuse a cached preflight, with no OPTIONS of their own?", n),
			Step: decidingStep(out, "preflight-cache", "preflight-needed")}
		for i := range max(n, 1) {
			r.Choices = append(r.Choices, strconv.Itoa(i))
		}
		for _, send := range out.Sends {
			if send.Preflight == "cached" {
				r.Answer++
			}
		}
		return r
	}
	r := Reveal{Question: "What will fetch() do?", Step: decidingStep(out, fail, "verdict")}
	for i, c := range verdictChoices {
		r.Choices = append(r.Choices, c.text)
		if c.verdict == out.Verdict {
			r.Answer = i
		}
	}
	return r
}

// fail, among decidingStep's IDs, is the first failed step.
const fail = "(failed)"

// decidingStep is the index of the first step with the first of ids that
// any step has (fail: the first failed step), else the last step.
func decidingStep(out Outcome, ids ...string) int {
	for _, id := range ids {
		if i := slices.IndexFunc(out.Steps, func(st Step) bool {
			return st.ID == id || id == fail && st.Status == StepFail
		}); i >= 0 {
			return i
		}
	}
	return len(out.Steps) - 1
}

// validatePredictions checks s.Predict.
func (s Scenario) validatePredictions() error {
	if len(s.Predict) > MaxPredictions {
		return &FieldError{"predict", fmt.Sprintf("%d predictions, at most %d", len(s.Predict), MaxPredictions)}
	}
	for i, p := range s.Predict {
		field := fmt.Sprintf("predict[%d]", i)
		switch {
		case !slices.Contains(Asks, p.Ask):
			return &FieldError{field + ".ask", fmt.Sprintf("%q is not a question: use %s", p.Ask, orList(quoteAll(Asks)))}
		case p.Ask == AskReadable && !IsToken(p.Header):
			return &FieldError{field + ".header", fmt.Sprintf("%q is not a header name: \"readable\" asks about one response header", p.Header)}
		case p.Ask != AskReadable && p.Header != "":
			return &FieldError{field + ".header", fmt.Sprintf("only \"readable\" asks about a header, not %q", p.Ask)}
		case p.Ask == AskCachedSends && len(s.Request.Repeat) < 2:
			return &FieldError{field + ".ask", "\"cachedSends\" needs a request sent more than once (request.repeat)"}
		}
	}
	return nil
}
