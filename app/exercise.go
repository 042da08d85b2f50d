package app

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// exercise is what the learner did with the exercise on screen: a lesson's
// predictions and a scenario's challenge. What counts for a lesson's
// progress (answers, a challenge solved) is kept too (app/progress.go).
type exercise struct {
	key       string          // the lesson's ID, or the linked challenge's goal: a new key starts afresh
	start     engine.Scenario // a challenge's start when it is no lesson: the scenario as loaded
	picked    map[int]string  // the choice selected in each question, not yet given
	predicted map[int]answer  // the answers given, by question
	skipped   bool            // the learner skipped the predictions
	hints     int             // how many hints are shown
	solution  bool            // the solution is shown
	left      bool            // the learner left the challenge to experiment freely
}

// answer is a prediction the learner gave.
type answer struct {
	choice string // the choice given
	right  string // the right choice when it was given
}

// exState is the exercise state of the scenario on screen, started afresh
// when another lesson or challenge is loaded.
func (p *Playground) exState() *exercise {
	key := "lesson " + p.lesson
	if p.lesson == "" && p.scenario.Challenge != nil {
		key = "challenge " + p.scenario.Challenge.Goal
	}
	if p.ex.key != key {
		p.ex = exercise{key: key, start: p.scenario.Clone(), picked: map[int]string{}, predicted: map[int]answer{}}
	}
	return &p.ex
}

// predictions are the lesson's questions: the learner's version's, or the
// course's if the learner's dropped them. A scenario that is no lesson asks
// none.
func (p *Playground) predictions() []engine.Prediction {
	switch {
	case p.lesson == "":
		return nil
	case len(p.scenario.Predict) > 0:
		return p.scenario.Predict
	}
	return p.lessonStart.Predict
}

// challenge is the challenge on screen and the start it is checked
// against: the lesson as the course has it, or the scenario as loaded.
func (p *Playground) challenge() (*engine.Challenge, engine.Scenario) {
	ex := p.exState()
	c, start := p.scenario.Challenge, ex.start
	if p.lesson != "" {
		start = p.lessonStart
		if c == nil {
			c = p.lessonStart.Challenge
		}
	}
	return c, start
}

// predicting: a question is still unanswered, and not skipped.
func (p *Playground) predicting() bool {
	ex := p.exState()
	return !ex.skipped && len(ex.predicted) < len(p.predictions())
}

// veiled: the answer (verdict, fixes, the exchange past its first step,
// what the page reads) waits for the learner's predictions. An incomplete
// scenario gives nothing away and shows its problem.
func (p *Playground) veiled() bool {
	return p.bad.Path == "" && p.predicting()
}

// locked: the challenge on screen does not let the learner change part.
func (p *Playground) locked(part string) bool {
	c, _ := p.challenge()
	return p.challenging() && !slices.Contains(c.Change, part)
}

// challenging: the learner is taking the challenge on screen. The fixes
// wait meanwhile: they would give the solution away, and could change a
// locked part.
func (p *Playground) challenging() bool {
	c, _ := p.challenge()
	return c != nil && !p.exState().left
}

// recordSolved keeps in the lesson's progress that its challenge is met by
// the learner's own edits: not with the solution shown, not after leaving
// the challenge, not before the predictions.
func (p *Playground) recordSolved(ctx app.Context) {
	c, start := p.challenge()
	ex := p.exState()
	if p.lesson == "" || !p.challenging() || ex.solution || p.predicting() || p.bad.Path != "" {
		return
	}
	if c.Check(start, p.scenario, p.out).Met {
		recordProgress(ctx, p.lesson, func(lp *lessonProgress) { lp.Solved = true })
	}
}

// exercise is the lesson's predictions and the challenge.
func (p *Playground) exercise() app.UI {
	preds := p.predictions()
	c, start := p.challenge()
	if len(preds) == 0 && c == nil {
		return nil
	}
	return app.Div().ID("exercise").Class("exercise").Body(
		app.If(len(preds) > 0, func() app.UI { return p.predictPanel(preds) }),
		app.If(c != nil, func() app.UI { return p.challengePanel(c, start) }),
	)
}

// veilClass marks what the predictions veil.
func veilClass(veiled bool) string {
	if veiled {
		return " veiled"
	}
	return ""
}
