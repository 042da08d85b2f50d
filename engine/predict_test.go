package engine_test

import (
	"errors"
	"strings"
	"testing"

	"corsplay/engine"
)

func TestPredictionValidate(t *testing.T) {
	scenario := func(predict, repeat string) string {
		return `{"v":1,"page":"` + pageOrigin + `","request":{"url":"` + apiURL + `"` + repeat + `},"server":{},"predict":` + predict + `}`
	}
	for _, tt := range []struct {
		name, json     string
		field, problem string
	}{
		{"every ask", scenario(`[{"ask":"preflight"},{"ask":"sent"},{"ask":"verdict"},{"ask":"readable","header":"X-Id"},{"ask":"cachedSends"}]`, `,"repeat":[0,1]`), "", ""},
		{"unknown ask", scenario(`[{"ask":"cookies"}]`, ""), "predict[0].ask", `"cookies" is not a question`},
		{"readable without header", scenario(`[{"ask":"readable"}]`, ""), "predict[0].header", "is not a header name"},
		{"header on another ask", scenario(`[{"ask":"sent","header":"X-Id"}]`, ""), "predict[0].header", `only "readable"`},
		{"cachedSends sent once", scenario(`[{"ask":"cachedSends"}]`, ""), "predict[0].ask", "request.repeat"},
		{"at the limit", scenario(`[`+strings.Repeat(`{"ask":"sent"},`, engine.MaxPredictions-1)+`{"ask":"sent"}]`, ""), "", ""},
		{"over the limit", scenario(`[`+strings.Repeat(`{"ask":"sent"},`, engine.MaxPredictions)+`{"ask":"sent"}]`, ""), "predict", "6 predictions, at most 5"},
		{"unknown key", scenario(`[{"ask":"sent","choices":[]}]`, ""), "predict[0].choices", "unknown field"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.DecodeOne([]byte(tt.json))
			if tt.field == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var fe *engine.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Problem, tt.problem) {
				t.Fatalf("err = %v, want field %s with %q", err, tt.field, tt.problem)
			}
		})
	}
}

// TestPredictionReveal answers each kind of question for scenarios whose
// answers the Fetch standard gives, and checks that the deciding step is the
// one that says so.
func TestPredictionReveal(t *testing.T) {
	const (
		jsonPOST   = `"method":"POST","headers":[["Content-Type","application/json"]],"body":"{}"`
		allowPage  = `"policy":{"origins":["` + pageOrigin + `"]}`
		allowAll   = `"policy":{"anyOrigin":"wildcard","requestHeaders":["Content-Type"],"exposeHeaders":["X-Id"],"maxAge":600}`
		noCORS     = `"raw":{"actual":{"status":200,"headers":[["X-Id","1"]]}}`
		exposeNone = `"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["X-Id","1"],["Content-Type","text/plain"]]}}`
	)
	scenario := func(request, server string) engine.Scenario {
		s, err := engine.DecodeOne([]byte(`{"v":1,"page":"` + pageOrigin + `","request":{"url":"` + apiURL + `"` + request + `},"server":{` + server + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tt := range []struct {
		name           string
		s              engine.Scenario
		p              engine.Prediction
		answer, stepID string
	}{
		// A GET without headers is a simple request: no preflight (Fetch §4.1 "CORS-preflight flag" unset).
		{"simple GET: no preflight", scenario("", noCORS), engine.Prediction{Ask: "preflight"}, "No", "preflight-needed"},
		// application/json is not a CORS-safelisted Content-Type: preflight.
		{"JSON POST: preflight", scenario(","+jsonPOST, allowPage), engine.Prediction{Ask: "preflight"}, "Yes", "preflight-needed"},
		// A simple request is sent even when its response then fails the CORS check.
		{"blocked simple GET is sent", scenario("", noCORS), engine.Prediction{Ask: "sent"}, "Yes", "actual"},
		// A failed preflight stops the request: it never reaches the server.
		{"failed preflight: not sent", scenario(","+jsonPOST, noCORS), engine.Prediction{Ask: "sent"}, "No", "preflight-cors-check"},
		{"no ACAO: blocked", scenario("", noCORS), engine.Prediction{Ask: "verdict"}, "It rejects with a TypeError: blocked by CORS", "cors-check"},
		{"allowed", scenario("", allowPage), engine.Prediction{Ask: "verdict"}, "It resolves, and script reads the response", "verdict"},
		{"no-cors: opaque", scenario(`,"mode":"no-cors"`, noCORS), engine.Prediction{Ask: "verdict"}, "It resolves with an opaque response: status 0, nothing readable", "verdict"},
		// X-Id is not a CORS-safelisted response header: readable only when exposed.
		{"X-Id not exposed", scenario("", exposeNone), engine.Prediction{Ask: "readable", Header: "X-Id"}, "No", "expose"},
		{"X-Id exposed", scenario("", allowAll), engine.Prediction{Ask: "readable", Header: "x-id"}, "Yes", "expose"},
		{"Content-Type is safelisted", scenario("", exposeNone), engine.Prediction{Ask: "readable", Header: "Content-Type"}, "Yes", "expose"},
		{"blocked: nothing readable", scenario("", noCORS), engine.Prediction{Ask: "readable", Header: "X-Id"}, "No", "cors-check"},
		// Max-Age 600: the sends at 10 s and 20 s reuse the preflight of the first.
		{"cached sends", scenario(","+jsonPOST+`,"repeat":[0,10,20]`, allowAll), engine.Prediction{Ask: "cachedSends"}, "2", "preflight-cache"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := engine.Evaluate(tt.s)
			r := tt.p.Reveal(tt.s, out)
			if r.Question == "" || r.Answer < 0 || r.Answer >= len(r.Choices) {
				t.Fatalf("reveal %+v: no question, or the answer is not a choice", r)
			}
			if got := r.Choices[r.Answer]; got != tt.answer {
				t.Errorf("answer %q, want %q (verdict %s)", got, tt.answer, out.Verdict)
			}
			if r.Step < 0 || out.Steps[r.Step].ID != tt.stepID {
				t.Errorf("deciding step %d, want the %q step; steps %v", r.Step, tt.stepID, stepIDs(out))
			}
		})
	}
}

func stepIDs(out engine.Outcome) []string {
	var ids []string
	for _, st := range out.Steps {
		ids = append(ids, st.ID)
	}
	return ids
}
