package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// challengePanel shows the challenge: its goal, the parts the learner may
// change, the check of the scenario on screen on every edit, the hints one
// at a time and the solution. While a prediction is unanswered only the
// goal shows: the check would give the answer away.
func (p *Playground) challengePanel(c *engine.Challenge, start engine.Scenario) app.UI {
	ex := p.exState()
	predicting := p.predicting()
	return app.Elem("section").ID("challenge").Class("panel challenge").Attr("aria-labelledby", "challenge-title").Body(
		app.Elem("h2").ID("challenge-title").Text("Challenge"),
		app.P().ID("challenge-goal").Class("goal").Text(c.Goal),
		app.P().ID("challenge-parts").Text(partsSentence(c.Change, ex.left)),
		app.Div().ID("challenge-check").Class("check-result").Attr("role", "status").Body(p.checkResult(c, start, predicting)),
		app.If(!predicting && !ex.left, func() app.UI {
			return app.Div().Body(p.hintLadder(c), p.solutionView(c, start))
		}),
		app.Div().Class("challenge-actions").Body(
			app.Button().ID("leave-challenge").Class("small").Attr("aria-pressed", ex.left).OnClick(p.onLeave).Text(leaveText(ex.left)),
		),
	)
}

// partsSentence says what the learner may change and what is locked.
func partsSentence(change []string, left bool) string {
	if left {
		return "Every part is unlocked: you are experimenting freely."
	}
	var locked []string
	for _, part := range engine.ChallengeParts {
		if !slices.Contains(change, part) {
			locked = append(locked, "the "+part)
		}
	}
	var may []string
	for _, part := range change {
		may = append(may, "the "+part)
	}
	s := "You may change: " + andList(may) + "."
	if len(locked) > 0 {
		s += " Locked: " + andList(locked) + "."
	}
	return s
}

// andList writes "a", "a and b" or "a, b and c".
func andList(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

func leaveText(left bool) string {
	if left {
		return "Back to the challenge"
	}
	return "Experiment freely"
}

// checkResult is the engine's check of the scenario on screen against the
// challenge: "Solved", or "Not yet" with why.
func (p *Playground) checkResult(c *engine.Challenge, start engine.Scenario, predicting bool) app.UI {
	switch {
	case p.exState().left:
		return app.P().Class("left").Text("You left the challenge: nothing is checked. Press Back to the challenge to check your scenario again.")
	case predicting:
		return app.P().Text("The check starts once you have answered (or skipped) the predictions.")
	}
	res := c.Check(start, p.scenario, p.out)
	if res.Met {
		return app.P().Class("solved").Body(app.Elem("strong").Text("Solved."), app.Text(" Your scenario meets the goal."))
	}
	return app.Div().Class("unmet").Body(
		app.P().Body(app.Elem("strong").Text("Not yet:")),
		app.Ul().ID("challenge-unmet").Body(app.Range(res.Unmet).Slice(func(i int) app.UI {
			return app.Li().Text(sentence(res.Unmet[i].Why))
		})),
	)
}

// hintLadder shows the hints given so far and offers the next one.
func (p *Playground) hintLadder(c *engine.Challenge) app.UI {
	n := min(p.exState().hints, len(c.Hints))
	if len(c.Hints) == 0 {
		return nil
	}
	return app.Div().Class("hints").Body(
		app.If(n > 0, func() app.UI {
			return app.Ol().ID("hints").Attr("aria-label", "Hints").Body(app.Range(c.Hints[:n]).Slice(func(i int) app.UI {
				return app.Li().ID(fmt.Sprintf("hint-%d", i+1)).Attr("tabindex", -1).Text(c.Hints[i])
			}))
		}),
		app.If(n < len(c.Hints), func() app.UI {
			return app.Button().ID("hint-next").Class("small").OnClick(p.onHint).Textf("Hint %d of %d", n+1, len(c.Hints))
		}),
	)
}

// onHint shows the next hint and moves the focus to it.
func (p *Playground) onHint(ctx app.Context, e app.Event) {
	ex := p.exState()
	ex.hints++
	n := ex.hints
	ctx.Defer(func(app.Context) { focusByID(fmt.Sprintf("hint-%d", n)) })
}

// solutionView offers the solution: first a button, then what it changes,
// field by field, and a button to apply it.
func (p *Playground) solutionView(c *engine.Challenge, start engine.Scenario) app.UI {
	if len(c.Solution) == 0 {
		return nil
	}
	if !p.exState().solution {
		return app.Button().ID("show-solution").Class("small").OnClick(p.onShowSolution).Text("Show the solution")
	}
	fields := solutionFields(c.Solution)
	return app.Div().ID("solution").Class("solution").Attr("tabindex", -1).Body(
		app.Elem("h3").Text("The solution changes"),
		app.Ul().Class("solution-fields").Body(app.Range(fields).Slice(func(i int) app.UI {
			f := fields[i]
			return app.Li().Body(app.Elem("code").Text(f.Path), app.Text(" → "), app.If(f.Value == "", func() app.UI {
				return app.Text("removed")
			}).Else(func() app.UI { return app.Elem("code").Text(f.Value) }))
		})),
		app.Button().ID("apply-solution").Class("small primary").OnClick(p.onApplySolution(c, start)).Text("Apply the solution"),
	)
}

func (p *Playground) onShowSolution(ctx app.Context, e app.Event) {
	p.exState().solution = true
	ctx.Defer(func(app.Context) { focusByID("solution") })
}

// onApplySolution makes the start with the solution merged in the
// learner's version, with the challenge kept on it to check.
func (p *Playground) onApplySolution(c *engine.Challenge, start engine.Scenario) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		s := start.Clone()
		s.Challenge = c
		solved, err := s.Solved()
		if err != nil {
			return // TestPresetChallenges proves each lesson's solution merges
		}
		solved.Challenge = s.Clone().Challenge
		p.exState().left = false
		edit(ctx, func(sc *engine.Scenario) { *sc = solved })
	}
}

// onLeave leaves the challenge, unlocking every part, or comes back to it.
func (p *Playground) onLeave(ctx app.Context, e app.Event) {
	ex := p.exState()
	ex.left = !ex.left
}

// solutionField is one field a solution sets: its path in the scenario
// and its value as JSON, "" when the solution removes it.
type solutionField struct {
	Path, Value string
}

// solutionFields lists the fields a solution (a JSON merge patch) sets,
// in the order it gives them: objects are walked member by member, any
// other value is one field.
func solutionFields(patch json.RawMessage) []solutionField {
	var fields []solutionField
	var walk func(path string, raw json.RawMessage)
	walk = func(path string, raw json.RawMessage) {
		raw = bytes.TrimSpace(raw)
		if string(raw) == "null" {
			fields = append(fields, solutionField{path, ""})
			return
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		if t, err := d.Token(); err != nil || t != json.Delim('{') {
			fields = append(fields, solutionField{path, compactJSON(raw)})
			return
		}
		n := 0
		for d.More() {
			k, err := d.Token()
			key, _ := k.(string)
			var v json.RawMessage
			if err != nil || d.Decode(&v) != nil {
				return
			}
			walk(strings.TrimPrefix(path+"."+key, "."), v)
			n++
		}
		if n == 0 && path != "" {
			fields = append(fields, solutionField{path, "{}"})
		}
	}
	walk("", patch)
	return fields
}

func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// lockable holds a part's fields. When the challenge on screen locks the
// part, they are disabled, and, with note, a note says so.
func lockable(locked, note bool, body ...app.UI) app.UI {
	return app.FieldSet().Class("lock").Disabled(locked).Body(
		append([]app.UI{app.If(locked && note, func() app.UI {
			return app.P().Class("locked-note").Text("Locked in this challenge")
		})}, body...)...,
	)
}
