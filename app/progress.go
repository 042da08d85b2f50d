package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Progress through the course is kept in the browser only (localStorage,
// progressKey): nothing leaves it.
const progressKey = "corsplay.progress"

// progressAction tells the Playground that the progress kept changed.
const progressAction = "corsplay/progress"

// lessonProgress is what the browser remembers of one lesson.
type lessonProgress struct {
	// Seen: opened and stepped to the exchange's last step, or left with Next.
	Seen bool `json:"seen,omitempty"`
	// Solved: its challenge met.
	Solved bool `json:"solved,omitempty"`
	// Predicted holds the predictions answered, by index in the lesson's
	// Predict: true when the answer was right. recordProgress makes the map.
	Predicted map[int]bool `json:"predicted,omitempty"`
}

// progress is the course's progress, by lesson ID.
type progress map[string]lessonProgress

// recordProgress changes what the browser remembers of the lesson with the
// ID id, and has the page show it:
//
//	recordProgress(ctx, p.lesson, func(lp *lessonProgress) { lp.Solved = true })
func recordProgress(ctx app.Context, id string, fn func(*lessonProgress)) {
	if lessonTitles()[id] == "" {
		return
	}
	all := loadProgress(ctx)
	lp := all[id]
	if lp.Predicted == nil {
		lp.Predicted = map[int]bool{}
	}
	fn(&lp)
	all[id] = lp
	ctx.LocalStorage().Set(progressKey, all)
	ctx.NewAction(progressAction)
}

// loadProgress reads the progress kept, of the lessons corsplay has; what
// it cannot read is forgotten.
func loadProgress(ctx app.Context) progress {
	var kept progress
	if app.IsClient {
		ctx.LocalStorage().Get(progressKey, &kept)
	}
	all := progress{}
	for id, lp := range kept {
		if lessonTitles()[id] == "" {
			continue
		}
		for i := range lp.Predicted {
			if i < 0 || i >= engine.MaxPredictions {
				delete(lp.Predicted, i)
			}
		}
		all[id] = lp
	}
	return all
}

// forgetProgress forgets the progress kept.
func forgetProgress(ctx app.Context) {
	ctx.LocalStorage().Del(progressKey)
	ctx.NewAction(progressAction)
}

// seen counts the lessons of ids seen, and the challenges solved.
func (pr progress) seen(ids []string) (seen, solved int) {
	for _, id := range ids {
		if pr[id].Seen {
			seen++
		}
		if pr[id].Solved {
			solved++
		}
	}
	return seen, solved
}
