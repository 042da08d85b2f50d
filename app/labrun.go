package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// LabRun runs the scenario for real: this browser makes the fetch() to the
// lab, a second origin that answers as the scenario's server says, and the
// page shows the engine's prediction and what really happened side by side.
type LabRun struct {
	app.Compo
	Scenario engine.Scenario

	lab     string // the lab's origin, "" when the page is served without one
	here    bool   // this page's own origin answers /lab/ too (same-origin runs)
	profile string // the profile of the browser running the page
	running bool
	problem string
	result  *labResult
}

// labResult is a run: the prediction for the relocated scenario, what the
// page's script saw, and what the lab received.
type labResult struct {
	Profile   string // the profile of the prediction
	Predicted engine.Outcome
	Actual    labActual
	Diffs     []string
}

// labActual is what web/lab.js reports.
type labActual struct {
	State        string   `json:"state"`
	Type         string   `json:"type"`
	Status       int      `json:"status"`
	Headers      []string `json:"headers"`
	Message      string   `json:"message"`
	UserAgent    string   `json:"userAgent"`
	ReceivedErr  string   `json:"receivedError"`
	Received     labRun   `json:"received"`
	verdict      string
	preflightHit bool
}

// labRun is the lab's record of a run.
type labRun struct {
	Requests []labRequest `json:"requests"`
}

// labRequest is one request the lab received.
type labRequest struct {
	Method    string `json:"method"`
	Preflight bool   `json:"preflight"`
	Status    int    `json:"status"` // what the lab answered
}

func (l *LabRun) OnMount(ctx app.Context) {
	l.lab, l.here = app.Getenv("CORSPLAY_LAB"), app.Getenv("CORSPLAY_LAB_HERE") == "1"
	l.profile = userAgentProfile(app.Window().Get("navigator").Get("userAgent").String())
}

func (l *LabRun) OnUpdate(ctx app.Context) { l.result, l.problem = nil, "" }

func (l *LabRun) Render() app.UI {
	return app.Elem("section").Class("panel lab").Attr("aria-labelledby", "lab-title").Body(
		app.Elem("h2").ID("lab-title").Text("Check it in your own browser"),
		app.If(l.lab == "", func() app.UI {
			return app.Elem("p").ID("lab-off").Class("hint").Text("This page is served without the live lab, which enacts the scenario's server on a second origin so that your browser can run the fetch() for real. Start corsplay yourself (make run) and it serves the lab on the next port; -no-lab turns it off.")
		}).Else(func() app.UI {
			return app.Div().Body(
				app.Elem("p").ID("lab-profile").Class("hint").Text("Your browser makes this fetch() to the lab at "+l.lab+", which answers exactly as the scenario's server, and the result is compared with the engine's prediction for "+profileName(l.profile)+", which your browser's user agent says it is. JavaScript cannot read the console message, so only the outcome is compared."),
				app.Button().ID("lab-run").Class("primary").Disabled(l.running).OnClick(l.onRun).Text(runLabel(l.running)),
			)
		}),
		app.If(l.problem != "", func() app.UI {
			return app.Elem("p").ID("lab-problem").Class("problem").Attr("role", "status").Text(l.problem)
		}),
		app.If(l.result != nil, func() app.UI { return l.resultView() }),
	)
}

func runLabel(running bool) string {
	if running {
		return "Running…"
	}
	return "Run in my browser"
}

func (l *LabRun) resultView() app.UI {
	r := l.result
	agree := len(r.Diffs) == 0
	class, verdict := "agree", "Your browser agrees with the prediction for "+profileName(r.Profile)+"."
	if !agree {
		class, verdict = "disagree", "Your browser disagrees with the prediction for "+profileName(r.Profile)+": either an engine bug or a real browser difference worth knowing."
	}
	row := func(what, predicted, actual string) app.UI {
		return app.Elem("tr").Body(app.Elem("th").Attr("scope", "row").Text(what), app.Elem("td").Text(predicted), app.Elem("td").Text(actual))
	}
	return app.Div().ID("lab-result").Class("lab-result "+class).Body(
		app.Elem("p").ID("lab-verdict").Attr("role", "status").Text(verdict),
		app.Elem("table").Body(
			app.Elem("thead").Body(app.Elem("tr").Body(app.Elem("th").Attr("scope", "col").Text(""), app.Elem("th").Attr("scope", "col").Text("Predicted for "+profileName(r.Profile)), app.Elem("th").Attr("scope", "col").Text("Your browser"))),
			app.Elem("tbody").Body(
				row("Verdict", r.Predicted.Verdict, r.Actual.verdict),
				row("Preflight sent", yes(r.Predicted.Preflight != nil), yes(r.Actual.preflightHit)),
				row("Readable headers", strings.Join(r.Predicted.ReadableHeaders, ", "), strings.Join(r.Actual.Headers, ", ")),
			),
		),
		app.If(!agree, func() app.UI {
			return app.Elem("ul").ID("lab-diffs").Body(app.Range(r.Diffs).Slice(func(i int) app.UI { return app.Elem("li").Text(r.Diffs[i]) }))
		}),
		app.Elem("p").Class("hint").Text("Browser: "+r.Actual.UserAgent),
	)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// labScenario is the scenario moved onto this page's origin and the lab's:
// the URL carries the server, so the lab needs no state to answer it.
func (l *LabRun) labScenario(page, run string) (engine.Scenario, string, error) {
	s := l.Scenario.Clone()
	s.Request.Repeat = nil
	s.Browser = l.profile // the browser that runs it, not the one on screen
	if s.Page == "null" {
		s.Page = page // the lab runs it from this page, which has a real origin
	}
	s = engine.Relocate(s, page, l.lab)
	u, err := url.Parse(s.Request.URL)
	if err != nil {
		return s, "", err
	}
	target := engine.OriginOf(u).String()
	if target == page && !l.here {
		return s, "", errors.New("the request is same-origin with this page, whose server does not answer /lab/ (run corsplay's own server for that)")
	}
	labPaths(s.Server.Raw, target)
	enc, err := engine.EncodeLabServer(s.Server)
	if err != nil {
		return s, "", err
	}
	u.Path = "/lab/" + run + "/" + enc + u.Path
	u.RawPath = ""
	s.Request.URL = u.String()
	if err := engine.LabCheck(s); err != nil {
		return s, "", err
	}
	return s, l.lab + "/runs/" + run, nil
}

// labPaths writes each Location on the target origin as its path: the lab
// serves it under the run's prefix (engine.LabLocation).
func labPaths(raw *engine.RawServer, target string) {
	if raw == nil {
		return
	}
	for _, resp := range []*engine.Response{raw.Preflight, raw.Actual} {
		if resp == nil {
			continue
		}
		for i, h := range resp.Headers {
			if path, ok := strings.CutPrefix(h.Value, target); ok && strings.EqualFold(h.Name, "Location") && strings.HasPrefix(path, "/") {
				resp.Headers[i].Value = path
			}
		}
	}
}

func (l *LabRun) onRun(ctx app.Context, e app.Event) {
	page := app.Window().Get("location").Get("origin").String()
	run := fmt.Sprintf("%016x%08x", rand.Uint64(), rand.Uint32())
	s, runsURL, err := l.labScenario(page, run)
	if err != nil {
		l.problem = "The lab cannot run this scenario: " + err.Error()
		return
	}
	predicted := engine.Evaluate(s)
	init := map[string]any{"method": methodOf(s.Request), "credentials": credentialsOf(s.Request), "mode": modeOf(s.Request)}
	hs := [][2]string{}
	for _, h := range s.Request.Headers {
		hs = append(hs, [2]string{h.Name, h.Value})
	}
	init["headers"] = hs
	if s.Request.Body != nil {
		init["body"] = *s.Request.Body
	}
	initJSON, _ := json.Marshal(init)
	l.running, l.problem, l.result = true, "", nil
	var done app.Func
	done = app.FuncOf(func(this app.Value, args []app.Value) any {
		raw := app.Window().Get("JSON").Call("stringify", args[0]).String()
		ctx.Dispatch(func(ctx app.Context) { l.finish(s.Browser, predicted, raw) })
		done.Release()
		return nil
	})
	app.Window().Call("corsplayLabRun", s.Request.URL, string(initJSON), runsURL).Call("then", done)
}

// finish compares what happened with the prediction for profile.
func (l *LabRun) finish(profile string, predicted engine.Outcome, raw string) {
	l.running = false
	var a labActual
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		l.problem = "The lab run returned something unreadable: " + err.Error()
		return
	}
	a.verdict = engine.ObservedVerdict(a.State == "resolved", a.Type, a.Message)
	a.preflightHit = slices.ContainsFunc(a.Received.Requests, func(r labRequest) bool { return r.Preflight })
	// The lab adds headers of its own (nosniff, chunked framing), which an
	// Access-Control-Expose-Headers: * makes readable too.
	a.Headers = slices.DeleteFunc(a.Headers, func(h string) bool { return slices.Contains(engine.LabAddedHeaders, h) })
	slices.Sort(a.Headers)
	r := &labResult{Profile: profile, Predicted: predicted, Actual: a}
	if a.verdict != predicted.Verdict {
		r.Diffs = append(r.Diffs, fmt.Sprintf("verdict: predicted %s, your browser %s %s", predicted.Verdict, a.verdict, a.Message))
	}
	if a.ReceivedErr != "" {
		r.Diffs = append(r.Diffs, "the lab's record could not be read: "+a.ReceivedErr)
	} else if a.preflightHit != (predicted.Preflight != nil) {
		r.Diffs = append(r.Diffs, fmt.Sprintf("preflight: predicted %s, the lab received %s", yes(predicted.Preflight != nil), yes(a.preflightHit)))
	}
	for _, req := range a.Received.Requests {
		x, what := predicted.Actual, "the request"
		if req.Preflight {
			x, what = predicted.Preflight, "the preflight"
		}
		if x != nil && x.Response != nil && req.Status != x.Response.Status {
			r.Diffs = append(r.Diffs, fmt.Sprintf("status: the lab answered %s %d, the scenario's server %d", what, req.Status, x.Response.Status))
		}
	}
	if predicted.Verdict == engine.Allowed && a.verdict == engine.Allowed && !slices.Equal(a.Headers, predicted.ReadableHeaders) {
		r.Diffs = append(r.Diffs, fmt.Sprintf("readable headers: predicted %s, your browser %s", strings.Join(predicted.ReadableHeaders, ", "), strings.Join(a.Headers, ", ")))
	}
	l.result = r
}
