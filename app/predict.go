package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// predictPanel asks the lesson's questions before the answer is shown. The
// engine words each question and answers it from the outcome on screen
// (engine.Prediction.Reveal), so a reveal follows the learner's edits and
// browser switches.
func (p *Playground) predictPanel(preds []engine.Prediction) app.UI {
	return app.Elem("section").ID("predict").Class("panel predict").Attr("aria-labelledby", "predict-title").Body(
		app.Elem("h2").ID("predict-title").Text("Predict, then step through"),
		app.P().Class("hint").Text("Answer before you look: the verdict and the exchange past its first step wait for your answers."),
		app.Range(preds).Slice(func(i int) app.UI { return p.question(i, preds[i].Reveal(p.scenario, p.out)) }),
	)
}

// question is prediction i as a radio group, then, once answered, its
// reveal.
func (p *Playground) question(i int, r engine.Reveal) app.UI {
	ex := p.exState()
	a, answered := ex.predicted[i]
	picked := ex.picked[i]
	if answered {
		picked = a.choice
	}
	id := fmt.Sprintf("predict-%d", i)
	return app.Form().ID(id).Class("question").OnSubmit(p.onAnswer(i)).Body(
		app.FieldSet().Body(
			app.Legend().Text(r.Question),
			app.Div().Class("choices").Body(app.Range(r.Choices).Slice(func(j int) app.UI {
				c := r.Choices[j]
				return app.Label().Class("choice").Body(
					app.Input().Type("radio").ID(fmt.Sprintf("%s-%d", id, j)).Name(id).Value(c).
						Checked(c == picked).Disabled(answered).OnChange(p.onPick(i)),
					app.Text(" "+c),
				)
			})),
			app.If(!answered, func() app.UI {
				return app.Button().ID(id + "-answer").Type("submit").Class("small primary").Disabled(picked == "").Text("Answer")
			}),
		),
		app.Div().ID(fmt.Sprintf("reveal-%d", i)).Class("reveal").Attr("tabindex", -1).Attr("aria-live", "polite").Body(
			app.If(answered, func() app.UI { return p.reveal(i, r, a) }),
		),
	)
}

// reveal says whether the answer given is right, the right choice, and the
// step that decides it, in its own words.
func (p *Playground) reveal(i int, r engine.Reveal, a answer) app.UI {
	if p.bad.Path != "" {
		return app.P().Text("The answer shows once the scenario is complete: see the field marked in your setup.")
	}
	right := r.Choices[r.Answer]
	verdict, class := "Not quite.", "wrong"
	if a.choice == right {
		verdict, class = "Right.", "right"
	}
	return app.Div().Class(class).Body(
		app.P().Body(app.Elem("strong").Class("mark").Text(verdict), app.Text(" The answer: "+right+".")),
		app.If(a.right != right, func() app.UI {
			return app.P().Class("note").Text("Your edits changed the answer: when you answered, it was " + a.right + ".")
		}),
		app.If(r.Step >= 0, func() app.UI {
			st := p.out.Steps[r.Step]
			return app.P().Class("deciding").Body(
				app.Elem("strong").Textf("Step %d — %s: ", r.Step+1, st.Title), app.Text(st.Detail+" "),
				app.If(!p.veiled(), func() app.UI {
					return app.Button().ID(fmt.Sprintf("reveal-%d-step", i)).Class("link").
						OnClick(func(ctx app.Context, e app.Event) { ctx.NewActionWithValue(stepAction, r.Step) }).Textf("See step %d", r.Step+1)
				}),
			)
		}),
	)
}

// onPick selects a choice of question i; the learner gives it with Answer,
// so that the arrow keys move through the choices without answering.
func (p *Playground) onPick(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) { p.exState().picked[i] = value(ctx) }
}

// onAnswer gives the choice selected in question i. The last answer lifts
// the veil, and the exchange goes to the step that decides it; an earlier
// one is read out where it is.
func (p *Playground) onAnswer(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		ex := p.exState()
		preds := p.predictions()
		choice := ex.picked[i]
		if choice == "" || i >= len(preds) {
			return
		}
		r := preds[i].Reveal(p.scenario, p.out)
		ex.predicted[i] = answer{choice: choice, right: r.Choices[r.Answer]}
		delete(ex.picked, i)
		recordProgress(ctx, p.lesson, func(lp *lessonProgress) { lp.Predicted[i] = choice == r.Choices[r.Answer] })
		if p.predicting() || r.Step < 0 {
			ctx.Defer(func(app.Context) { focusByID(fmt.Sprintf("reveal-%d", i)) })
			return
		}
		ctx.Defer(func(ctx app.Context) { ctx.NewActionWithValue(stepAction, r.Step) })
	}
}

// predictVeil stands in for the verdict while a prediction is unanswered:
// it says so, shows the exchange's first step only, and lets the learner
// skip the predictions.
func (p *Playground) predictVeil() app.UI {
	left := len(p.predictions()) - len(p.exState().predicted)
	return app.Elem("section").Class("panel verdict").Attr("aria-labelledby", "verdict-title").Body(
		app.Div().ID("verdict").Class("banner veiled").Attr("role", "status").Body(
			app.Elem("h2").ID("verdict-title").Text("Predict first: what will the browser do?"),
			app.P().ID("verdict-summary").Textf("Answer the lesson's %s above; the verdict, the fixes and the exchange past its first step show once you have.",
				plural(left, "question")),
			app.Div().Class("veil-actions").Body(
				app.Button().ID("go-predict").Class("small primary").OnClick(p.onGoPredict).Text("Go to the question"),
				app.Button().ID("skip-predictions").Class("small").OnClick(p.onSkipPredictions).Text("Skip the predictions"),
			),
		),
		app.If(len(p.out.Steps) > 0, func() app.UI {
			st := p.out.Steps[0]
			return app.Div().ID("veil-step").Class("step").Body(
				app.Elem("h3").Textf("The exchange, step 1 — %s", st.Title),
				app.P().Text(st.Detail),
			)
		}),
	)
}

// onGoPredict takes the learner to the first unanswered question.
func (p *Playground) onGoPredict(ctx app.Context, e app.Event) {
	for i := range p.predictions() {
		if _, ok := p.exState().predicted[i]; !ok {
			if el := app.Window().GetElementByID(fmt.Sprintf("predict-%d", i)); el.Truthy() {
				el.Call("scrollIntoView", map[string]any{"block": "center"})
				if r := el.Call("querySelector", "input"); r.Truthy() {
					r.Call("focus")
				}
			}
			return
		}
	}
}

// onSkipPredictions shows the answer without predicting.
func (p *Playground) onSkipPredictions(ctx app.Context, e app.Event) {
	p.exState().skipped = true
	ctx.Defer(func(app.Context) { focusByID("answer") })
}

// focusByID moves the focus to the element with the id, if it is there.
func focusByID(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}
