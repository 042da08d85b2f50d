package app

import (
	"encoding/json"

	"corsplay/engine"
)

// defaultScenario is what the page shows first: a JSON PUT with cookies
// that a policy allows, so every part of the exchange is on screen.
func defaultScenario() engine.Scenario {
	body := `{"name":"corsplay"}`
	return engine.Scenario{
		V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{
			URL: "https://api.example.com/items/42", Method: "PUT", Body: &body, Credentials: engine.CredentialsInclude,
			Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}},
		},
		Server: engine.Server{Policy: &engine.Policy{
			Origins:        []string{"https://app.example.com"},
			Credentials:    true,
			Methods:        []string{"PUT", "DELETE"},
			RequestHeaders: []string{"Content-Type"},
			ExposeHeaders:  []string{"X-Request-Id"},
			MaxAge:         new(int64(600)),
		}},
	}
}

// defaultPolicy and defaultRaw are what the server panel switches to when
// the scenario has none of that kind yet.
func defaultPolicy(page string) *engine.Policy {
	return &engine.Policy{Origins: []string{page}}
}

func defaultRaw(page string) *engine.RawServer {
	return &engine.RawServer{
		Preflight: &engine.Response{Status: 204, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: page}}},
		Actual:    &engine.Response{Status: 200, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: page}, {Name: "Content-Type", Value: "application/json"}}},
	}
}

// defaultLibrary is Flask-CORS allowing the page, with cookies: the
// configuration most tutorials start from.
func defaultLibrary(page string) *engine.Library {
	origins, _ := json.Marshal([]string{page})
	return &engine.Library{Name: "flask-cors", Options: map[string]json.RawMessage{
		"origins":              origins,
		"supports_credentials": json.RawMessage("true"),
	}}
}
