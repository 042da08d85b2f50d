//go:build !wasm

package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
	"corsplay/presets"
)

// A lesson's predictions and a scenario's challenge in the page. The tests
// take the lessons from presets.All(), whatever the course holds.

// skipPredictions skips the predictions of the lesson on screen, if it
// asks any and the test leaves them to the page (p.predict false), so that
// the verdict shows.
func (p *page) skipPredictions() {
	p.t.Helper()
	if p.predict || !evalAs[bool](p, `!!document.querySelector("#skip-predictions")`) {
		return
	}
	p.eval(`document.querySelector("#skip-predictions").click()`)
	p.waitJS(`!document.querySelector("#skip-predictions")`, "the predictions skipped")
}

// openExercise picks a lesson in the menu and waits for its exercise.
func (p *page) openExercise(s engine.Scenario) {
	p.t.Helper()
	p.choosePreset(s.Title)
	p.waitJS(`!!document.querySelector("#exercise")`, "the lesson's exercise")
}

// lessonsWith are the lessons of presets.All() that have what has says.
func lessonsWith(t *testing.T, what string, has func(engine.Scenario) bool) []engine.Scenario {
	t.Helper()
	var out []engine.Scenario
	for _, s := range presets.All() {
		if has(s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no lesson in presets.All() has %s: the course needs some (presets/*.json)", what)
	}
	return out
}

func hasPredictions(s engine.Scenario) bool { return len(s.Predict) > 0 }
func hasChallenge(s engine.Scenario) bool   { return s.Challenge != nil }

// capitalized is s with its first letter upper-cased, as the page writes
// the engine's whys.
func capitalized(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// A learner walks the course from "Start with the first lesson" with Next,
// chapter after chapter: every lesson with predictions asks its questions
// before it shows the verdict; each answer (one wrong, the others right,
// one by keyboard) reveals right or wrong, the right choice and the step
// that decides it in its own words, and the last one takes the exchange to
// that step. The progress keeps every answer, and a reload keeps it.
func TestPredictionsRevealWithTheDecidingStep(t *testing.T) {
	lessons := lessonsWith(t, "predictions", hasPredictions)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.predict = true
	wrongDone, keyboardDone := false, false
	ids := presets.IDs()
	prev := -1 // the course index of the lesson on screen
	for _, s := range lessons {
		out := engine.Evaluate(s)
		at := slices.Index(ids, presets.IDOf(s.Title))
		switch {
		case at == 0:
			p.click("#start-lessons")
			p.waitJS(`!!document.querySelector("#exercise")`, "the first lesson's exercise")
		case at == prev+1 && prev >= 0:
			p.click("#lesson-next")
			p.waitText("#lesson-title", s.Title)
			p.waitJS(`!!document.querySelector("#exercise")`, "the lesson's exercise")
		default:
			p.openExercise(s)
		}
		prev = at
		// The question first: the verdict, its pill, the fixes and the
		// exchange wait.
		p.waitText("#verdict-title", "Predict first: what will the browser do?")
		if !evalAs[bool](p, `!!(document.querySelector("#predict-0").compareDocumentPosition(document.querySelector("#verdict")) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
			t.Errorf("%q: the question is not before the verdict", s.Title)
		}
		if got := evalAs[string](p, `[...document.querySelectorAll(".answer-grid .exchange, #fixes-title, #console, .more")].filter(e => e.getClientRects().length).map(e => e.id || e.className).join(", ")`); got != "" {
			t.Errorf("%q: before the predictions the page shows %s", s.Title, got)
		}
		if got := p.text("#setup-verdict"); got != "Predict first ↑" {
			t.Errorf("%q: the setup's verdict button reads %q before the predictions", s.Title, got)
		}
		if len(out.Steps) > 0 && !strings.Contains(p.text("#veil-step"), out.Steps[0].Title) {
			t.Errorf("%q: the veil shows %q, not the exchange's first step %q", s.Title, p.text("#veil-step"), out.Steps[0].Title)
		}
		var last engine.Reveal
		wrongAt := -1 // the question of this lesson answered wrong
		for i, pr := range s.Predict {
			r := pr.Reveal(s, out)
			last = r
			form := fmt.Sprintf("#predict-%d", i)
			if got := p.text(form + " legend"); got != r.Question {
				t.Errorf("%q: question %d reads %q, want %q", s.Title, i+1, got, r.Question)
			}
			choice, mark := r.Answer, "Right."
			if !wrongDone && len(r.Choices) > 1 {
				choice, mark, wrongDone, wrongAt = (r.Answer+1)%len(r.Choices), "Not quite.", true, i
			}
			radio := fmt.Sprintf("%s-%d", form, choice)
			if !keyboardDone {
				// The keyboard: arrows move through the choices without
				// answering; Tab reaches Answer.
				keyboardDone = true
				p.eval(`document.querySelector(` + jsString(form+"-0") + `).focus()`)
				for range choice {
					p.press(kb.ArrowDown)
				}
				if choice == 0 {
					p.press(" ")
				}
				p.waitJS(`document.querySelector(`+jsString(radio)+`).checked && !document.querySelector(`+jsString(form+"-answer")+`).disabled`, "the choice selected")
				if got := p.text(fmt.Sprintf("#reveal-%d", i)); got != "" {
					t.Errorf("%q: selecting a choice with the arrows answered it: %q", s.Title, got)
				}
				p.press(kb.Tab)
				p.waitJS(`document.activeElement.id === `+jsString(form[1:]+"-answer"), "the focus on Answer")
				p.press(kb.Enter)
			} else {
				p.click(radio)
				p.click(form + "-answer")
			}
			want := mark + " The answer: " + r.Choices[r.Answer] + "."
			p.waitJS(`(document.querySelector("#reveal-`+fmt.Sprint(i)+` p")?.textContent ?? "").trim() === `+jsString(want), fmt.Sprintf("%q: the reveal of question %d", s.Title, i+1))
			if r.Step >= 0 {
				st := out.Steps[r.Step]
				if got, want := p.text(fmt.Sprintf("#reveal-%d .deciding", i)), fmt.Sprintf("Step %d — %s: %s", r.Step+1, st.Title, st.Detail); !strings.HasPrefix(got, want) {
					t.Errorf("%q: question %d reveals\n  %q\nwant the deciding step\n  %q", s.Title, i+1, got, want)
				}
			}
			if i < len(s.Predict)-1 && p.text("#verdict-title") != "Predict first: what will the browser do?" {
				t.Errorf("%q: the verdict shows with %d questions unanswered", s.Title, len(s.Predict)-i-1)
			}
		}
		// All answered: the verdict, and the exchange on the step that
		// decides the last answer; each reveal shows its own.
		p.waitVerdict(verdictTitles[out.Verdict])
		if last.Step >= 0 {
			p.expectStepIn(out, last.Step, fmt.Sprintf("%q: the last answer", s.Title))
		}
		// The course's progress keeps each answer, right or not.
		js := `JSON.parse(localStorage.getItem("corsplay.progress") || "{}")[` + jsString(presets.IDOf(s.Title)) + `]?.predicted ?? {}`
		p.waitJS(`Object.keys(`+js+`).length === `+fmt.Sprint(len(s.Predict)), fmt.Sprintf("%q: the answers kept", s.Title))
		kept := evalAs[map[string]bool](p, js)
		for i := range s.Predict {
			if kept[fmt.Sprint(i)] != (i != wrongAt) {
				t.Errorf("%q: the progress keeps answer %d as right: %v, want %v", s.Title, i+1, kept[fmt.Sprint(i)], i != wrongAt)
			}
		}
		for i, pr := range s.Predict {
			if r := pr.Reveal(s, out); r.Step >= 0 {
				p.click(fmt.Sprintf("#reveal-%d-step", i))
				p.expectStepIn(out, r.Step, fmt.Sprintf("%q: See step of question %d", s.Title, i+1))
			}
		}
	}
	if !wrongDone {
		t.Error("no question had two choices to answer one wrong")
	}
	// The walk is kept: after a reload every lesson's answers are there.
	p.eval(`window.beforeReload = true; location.reload()`)
	p.waitReloaded(`!window.beforeReload && document.getElementById("app-wasm-loader") === null && !!document.querySelector("#course-overview-open") && !document.querySelector("#rest-pending")`, "the page reloaded")
	p.click("#course-overview-open")
	p.waitJS(`!!document.querySelector("#course-overview")`, "the course overview")
	if n := evalAs[int](p, `Object.values(JSON.parse(localStorage.getItem("corsplay.progress") || "{}")).filter(l => Object.keys(l.predicted ?? {}).length).length`); n != len(lessons) {
		t.Errorf("after a reload the progress keeps the answers of %d lessons, want %d", n, len(lessons))
	}
}

// A reveal follows the scenario on screen: switching the browser of a
// lesson whose answer differs in another browser re-reveals it.
func TestPredictionsFollowTheBrowser(t *testing.T) {
	for _, s := range lessonsWith(t, "predictions", hasPredictions) {
		if s.Challenge != nil && !slices.Contains(s.Challenge.Change, engine.PartBrowser) {
			continue // the browser is locked
		}
		out := engine.Evaluate(s)
		for _, b := range []string{engine.Firefox, engine.Safari, engine.Chrome} {
			other := s.Clone()
			other.Browser = b
			oout := engine.Evaluate(other)
			for i, pr := range s.Predict {
				r, o := pr.Reveal(s, out), pr.Reveal(other, oout)
				if r.Choices[r.Answer] == o.Choices[o.Answer] || b == s.Browser {
					continue
				}
				srv := newServer(t)
				p := open(t, newBrowser(t), srv.URL+"/")
				p.predict = true
				p.openExercise(s)
				p.click(fmt.Sprintf("#predict-%d-%d", i, r.Answer))
				p.click(fmt.Sprintf("#predict-%d-answer", i))
				p.waitJS(`document.querySelector("#reveal-`+fmt.Sprint(i)+`").textContent.includes("The answer: `+r.Choices[r.Answer]+`.")`, "the reveal")
				p.choose("#browser", b)
				want := "The answer: " + o.Choices[o.Answer] + "."
				p.waitJS(`document.querySelector("#reveal-`+fmt.Sprint(i)+`").textContent.includes(`+jsString(want)+`)`, "the reveal in "+b)
				if got := p.text(fmt.Sprintf("#reveal-%d", i)); !strings.Contains(got, "when you answered, it was "+r.Choices[r.Answer]) {
					t.Errorf("%q in %s: the reveal does not say the answer changed: %q", s.Title, b, got)
				}
				return
			}
		}
	}
	t.Log("no lesson's answer differs in another browser: nothing to switch")
}

// partFields are a field of each part, to see it locked or not.
var partFields = map[string]string{
	engine.PartPage:    "#page",
	engine.PartRequest: "#url",
	engine.PartServer:  "#tab-policy",
	engine.PartBrowser: "#browser",
}

// Every lesson with a challenge starts "Not yet" with the engine's whys;
// the parts it locks are disabled, with a note; the hints come one at a
// time, in order; Experiment freely unlocks them and leaves the check;
// Apply the solution solves it.
func TestChallengesLockHintAndSolve(t *testing.T) {
	lessons := lessonsWith(t, "a challenge", hasChallenge)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	for _, s := range lessons {
		c := *s.Challenge
		out := engine.Evaluate(s)
		p.openExercise(s)
		p.waitText("#challenge-goal", c.Goal)
		var whys []string
		for _, u := range c.Check(s, s, out).Unmet {
			whys = append(whys, capitalized(u.Why))
		}
		p.waitJS(`document.querySelector("#challenge-check").textContent.trim().startsWith("Not yet:")`, fmt.Sprintf("%q: Not yet", s.Title))
		if got := evalAs[[]string](p, `[...document.querySelectorAll("#challenge-unmet li")].map(e => e.textContent.trim())`); !slices.Equal(got, whys) {
			t.Errorf("%q: the check says\n  %q\nwant the engine's whys\n  %q", s.Title, got, whys)
		}
		checkLocks(t, p, s.Title, c.Change, false)
		// The fixes wait: they would give the solution away.
		if evalAs[bool](p, `!!document.querySelector("#fixes-title")`) || !evalAs[bool](p, `!!document.querySelector("#fixes-wait")`) {
			t.Errorf("%q: the smallest fix shows during the challenge", s.Title)
		}

		for k, hint := range c.Hints {
			p.waitText("#hint-next", fmt.Sprintf("Hint %d of %d", k+1, len(c.Hints)))
			if n := evalAs[int](p, `document.querySelectorAll("#hints li").length`); n != k {
				t.Errorf("%q: %d hints shown before hint %d", s.Title, n, k+1)
			}
			p.click("#hint-next")
			p.waitText(fmt.Sprintf("#hint-%d", k+1), hint)
		}
		if evalAs[bool](p, `!!document.querySelector("#hint-next")`) {
			t.Errorf("%q: a next hint is offered past the last", s.Title)
		}

		p.click("#leave-challenge")
		p.waitJS(`document.querySelector("#challenge-check").textContent.includes("You left the challenge")`, "the challenge left")
		checkLocks(t, p, s.Title, engine.ChallengeParts, true)
		if len(out.Fixes) > 0 || out.NoSafeFix != "" {
			p.waitJS(`!!document.querySelector("#fixes-title")`, fmt.Sprintf("%q: the fixes, out of the challenge", s.Title))
		}
		p.click("#leave-challenge")
		p.waitJS(`document.querySelector("#challenge-check").textContent.trim().startsWith("Not yet:")`, "back to the challenge")

		solved, err := s.Solved()
		if err != nil {
			t.Fatalf("%q: %v", s.Title, err)
		}
		p.click("#show-solution")
		p.waitJS(`!!document.querySelector("#apply-solution")`, "the solution")
		if got := p.text(".solution-fields"); got == "" {
			t.Errorf("%q: the solution lists no field", s.Title)
		}
		p.click("#apply-solution")
		p.waitText("#challenge-check", "Solved. Your scenario meets the goal.")
		// The address is written a frame after the check shows: wait for
		// it to hold the solution (on timeout, waitScenario says what it
		// holds).
		solved.Challenge = nil
		want := string(mustJSON(t, solved))
		p.waitScenario("the solution merged in, "+want, func(got engine.Scenario) bool {
			got.Challenge = nil
			return string(mustJSON(t, got)) == want
		})
		if role := evalAs[string](p, `document.querySelector("#challenge-check").getAttribute("role")`); role != "status" {
			t.Errorf("%q: the check's role is %q, want status (announced politely)", s.Title, role)
		}
	}
}

// checkLocks checks that each part's field is disabled unless change
// lists the part (all is every part unlocked), and that a locked panel
// says so.
func checkLocks(t *testing.T, p *page, title string, change []string, all bool) {
	t.Helper()
	for _, part := range engine.ChallengeParts {
		sel := partFields[part]
		if part == engine.PartServer {
			sel = `.tabs [role=tab]`
		}
		locked := !all && !slices.Contains(change, part)
		p.waitJS(`document.querySelector(`+jsString(sel)+`).matches(":disabled") === `+fmt.Sprint(locked), fmt.Sprintf("%q: the %s locked %v", title, part, locked))
		if locked && part != engine.PartBrowser {
			if !evalAs[bool](p, `(() => { const n = document.querySelector(`+jsString(sel)+`).closest("section").querySelector(".locked-note"); return !!n && n.getClientRects().length > 0 && n.textContent === "Locked in this challenge"; })()`) {
				t.Errorf("%q: the locked %s has no visible note", title, part)
			}
		}
	}
}

// solutionShape is a kind of solution a learner can type: the fields it
// may set, and how to type them.
type solutionShape struct {
	name   string
	fields []string // the solution's fields, each one of these
	need   string   // a field it must set
	part   string   // the part it changes
}

var solutionShapes = []solutionShape{
	{"a policy server's origins", []string{"server.policy.origins", "server.raw", "server.library"}, "server.policy.origins", engine.PartServer},
	{"a request header or credentials", []string{"request.headers", "request.credentials", "request.method"}, "", engine.PartRequest},
	{"the browser or the page", []string{"browser", "page"}, "", ""},
}

// fits reports whether the challenge's solution is of the shape, with its
// fields.
func (sh solutionShape) fits(c engine.Challenge) (map[string]json.RawMessage, bool) {
	fields := map[string]json.RawMessage{}
	var walk func(path string, raw json.RawMessage) bool
	walk = func(path string, raw json.RawMessage) bool {
		var obj map[string]json.RawMessage
		if slices.Contains(sh.fields, path) || json.Unmarshal(raw, &obj) != nil || obj == nil {
			fields[path] = raw
			return slices.Contains(sh.fields, path)
		}
		for k, v := range obj {
			if !walk(strings.TrimPrefix(path+"."+k, "."), v) {
				return false
			}
		}
		return true
	}
	if len(c.Solution) == 0 || !walk("", c.Solution) {
		return nil, false
	}
	if sh.need != "" {
		if _, ok := fields[sh.need]; !ok {
			return nil, false
		}
	}
	if sh.name == "a request header or credentials" && fields["request.headers"] == nil && fields["request.credentials"] == nil {
		return nil, false
	}
	return fields, true
}

// For three kinds of solution (a policy server's origins, a request header
// or credentials, the browser or the page), a challenge whose solution is
// of that kind is solved by typing into the page's own fields, key by key.
func TestChallengesSolvedByTyping(t *testing.T) {
	lessons := lessonsWith(t, "a challenge", hasChallenge)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	for _, sh := range solutionShapes {
		t.Run(sh.name, func(t *testing.T) {
			p.t = t
			var s engine.Scenario
			var fields map[string]json.RawMessage
			for _, l := range lessons {
				if f, ok := sh.fits(*l.Challenge); ok {
					s, fields = l, f
					break
				}
			}
			if fields == nil {
				t.Fatalf("no challenge in presets.All() has a solution that changes only %s (of %d challenges): the course needs one", sh.name, len(lessons))
			}
			t.Logf("typing the solution of %q", s.Title)
			p.openExercise(s)
			p.waitJS(`document.querySelector("#challenge-check").textContent.trim().startsWith("Not yet:")`, "Not yet")
			keys := slices.Sorted(func(yield func(string) bool) {
				for k := range fields {
					if !yield(k) {
						return
					}
				}
			})
			for _, k := range keys {
				p.typeField(k, fields[k], s)
			}
			p.waitJS(`document.querySelector("#challenge-check").textContent.trim().startsWith("Solved.")`, fmt.Sprintf("%q solved by typing", s.Title))
			// The course's progress keeps it, in this browser only.
			id := presets.IDOf(s.Title)
			p.waitJS(`JSON.parse(localStorage.getItem("corsplay.progress") || "{}")[`+jsString(id)+`]?.solved === true`, id+" kept as solved in the progress")
		})
	}
}

// typeField types the value a solution gives a field into the page, as a
// learner would.
func (p *page) typeField(field string, raw json.RawMessage, start engine.Scenario) {
	p.t.Helper()
	var str string
	_ = json.Unmarshal(raw, &str)
	switch field {
	case "server.raw", "server.library":
		// Removed by switching to a policy server (server.policy.origins).
	case "server.policy.origins":
		if start.Server.Policy == nil {
			p.click("#tab-policy")
			p.waitJS(`!!document.querySelector("#policy-origins")`, "the policy form")
		}
		var origins []string
		if err := json.Unmarshal(raw, &origins); err != nil {
			p.t.Fatal(err)
		}
		p.typeInto("#policy-origins", strings.Join(origins, "\n"))
	case "request.method":
		p.typeInto("#method", str)
	case "page":
		p.typeInto("#page", str)
	case "request.credentials":
		p.typeSelect("#credentials", str)
	case "browser":
		label := evalAs[string](p, `[...document.querySelector("#browser").options].find(o => o.value === `+jsString(str)+`)?.text ?? ""`)
		if label == "" {
			p.t.Fatalf("the browser menu has no %q", str)
		}
		p.typeSelect("#browser", label)
	case "request.headers":
		var hs []engine.Header
		if err := json.Unmarshal(raw, &hs); err != nil {
			p.t.Fatal(err)
		}
		p.typeHeaders(hs)
	default:
		p.t.Fatalf("no way to type %s", field)
	}
}

// typeSelect picks an option of a select by typing its text on the
// focused select, as the keyboard does.
func (p *page) typeSelect(sel, text string) {
	p.t.Helper()
	p.eval(`document.querySelector(` + jsString(sel) + `).focus()`)
	p.press(text)
	p.waitJS(`(() => { const s = document.querySelector(`+jsString(sel)+`); return s.options[s.selectedIndex].text === `+jsString(text)+`; })()`, sel+" showing "+text)
}

// typeHeaders makes the request's headers hs: each row typed, rows added
// with "+ add header" and the extra ones removed.
func (p *page) typeHeaders(hs []engine.Header) {
	p.t.Helper()
	const rows = `section[aria-labelledby="request-title"] .headers tbody tr`
	for evalAs[int](p, `document.querySelectorAll(`+jsString(rows)+`).length`) > len(hs) {
		n := evalAs[int](p, `document.querySelectorAll(`+jsString(rows)+`).length`)
		p.click(fmt.Sprintf(`%s:nth-child(%d) button.icon`, rows, n))
		p.waitJS(fmt.Sprintf(`document.querySelectorAll(%s).length === %d`, jsString(rows), n-1), "a header removed")
	}
	for i, h := range hs {
		name := fmt.Sprintf(`input[aria-label="request header %d name"]`, i+1)
		if !evalAs[bool](p, `!!document.querySelector(`+jsString(name)+`)`) {
			p.click(`section[aria-labelledby="request-title"] button.add`)
			p.waitJS(`!!document.querySelector(`+jsString(name)+`)`, "a new header row")
		}
		p.typeInto(name, h.Name)
		p.typeInto(fmt.Sprintf(`input[aria-label="request header %d value"]`, i+1), h.Value)
	}
}

// At 320, 375, 768 and 1280 px, light and dark, a lesson with a challenge
// and predictions has no sideways overflow and no serious axe violation,
// with the questions asked, answered, and the solution shown.
func TestExerciseLayout(t *testing.T) {
	lessons := lessonsWith(t, "a challenge and predictions", func(s engine.Scenario) bool { return hasChallenge(s) && hasPredictions(s) })
	s := lessons[0]
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.predict = true
	p.openExercise(s)
	check := func(stage string) {
		for _, w := range layoutWidths {
			for _, scheme := range []string{"light", "dark"} {
				name := fmt.Sprintf("%s, %s, %d px %s", s.Title, stage, w.width, scheme)
				p.emulate(w.width, w.height, scheme)
				if over := p.sidewaysOverflow(); over != "" {
					t.Errorf("%s: the page scrolls sideways: %s", name, over)
				}
				p.checkAxe(name)
			}
		}
	}
	check("predicting")
	out := engine.Evaluate(s)
	for i, pr := range s.Predict {
		r := pr.Reveal(s, out)
		p.click(fmt.Sprintf("#predict-%d-%d", i, (r.Answer+1)%len(r.Choices)))
		p.click(fmt.Sprintf("#predict-%d-answer", i))
	}
	p.waitVerdict(verdictTitles[out.Verdict])
	p.click("#hint-next")
	p.click("#show-solution")
	p.waitJS(`!!document.querySelector("#apply-solution")`, "the solution")
	check("answered, with a hint and the solution")
}
