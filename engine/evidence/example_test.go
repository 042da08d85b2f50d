package evidence_test

import (
	"errors"
	"fmt"
	"strings"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

func ExampleImport() {
	pasted := `app.js:12 Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.
app.js:12  PUT https://api.example.com/items net::ERR_FAILED`
	r, err := evidence.Import([]byte(pasted), evidence.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Source, r.Browser, r.Scenario.Page, r.Scenario.Request.Method, r.Scenario.Request.URL)
	for _, a := range r.Assumed {
		fmt.Println("assumed:", a.Field)
	}
	fmt.Println(engine.Evaluate(r.Scenario).Console == "Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.")
	// Output:
	// console chrome http://localhost:3000 PUT https://api.example.com/items
	// assumed: server.raw.preflight
	// assumed: request.credentials
	// true
}

func ExampleImport_firefox() {
	pasted := "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."
	r, _ := evidence.Import([]byte(pasted), evidence.Options{})
	fmt.Println(r.Assumed[0].Field+":", r.Assumed[0].Why)
	// Output:
	// page: Firefox does not print the page's origin: where does your page run? corsplay assumed http://localhost:3000.
}

func ExampleImport_curl() {
	command := `curl -i https://api.example.com/items -H 'Origin: https://app.example.com'
HTTP/2 200
access-control-allow-origin: https://app.example.com
content-type: application/json
`
	r, _ := evidence.Import([]byte(command), evidence.Options{})
	fmt.Println(r.Source, r.Scenario.Page)
	for _, h := range r.Scenario.Server.Raw.Actual.Headers {
		fmt.Printf("%s: %s\n", h.Name, h.Value)
	}
	fmt.Println(engine.Evaluate(r.Scenario).Verdict)
	// Output:
	// curl https://app.example.com
	// access-control-allow-origin: https://app.example.com
	// content-type: application/json
	// allowed
}

func ExampleOptions() {
	har := `{"log": {"creator": {"name": "Firefox"}, "entries": [
  {"request": {"method": "GET", "url": "https://api.example.com/a", "headers": [{"name": "Origin", "value": "https://app.example.com"}]},
   "response": {"status": 200, "headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}]}},
  {"request": {"method": "GET", "url": "https://api.example.com/b", "headers": [{"name": "Origin", "value": "https://app.example.com"}]},
   "response": {"status": 200, "headers": []}}
]}}`
	failing, _ := evidence.Import([]byte(har), evidence.Options{})
	first, _ := evidence.Import([]byte(har), evidence.Options{Entry: 1})
	fmt.Println(failing.Scenario.Request.URL, first.Scenario.Request.URL)
	// Output:
	// https://api.example.com/b https://api.example.com/a
}

func ExampleError() {
	_, err := evidence.Import([]byte("curl 'https://api.example.com/items' \\\n  -H 'Origin: https://app.example.com"), evidence.Options{})
	var e *evidence.Error
	fmt.Println(errors.As(err, &e), e.Line)
	fmt.Println(err)
	// Output:
	// true 2
	// line 2: a quote ' that is never closed
}

func ExampleAssumption() {
	r, _ := evidence.Import([]byte(`fetch("https://api.example.com/items", {"method": "DELETE"})`), evidence.Options{})
	for _, a := range r.Assumed {
		fmt.Println(a.Field)
	}
	// Output:
	// browser
	// page
	// server
}

func ExampleResult() {
	r, _ := evidence.Import([]byte("[Error] Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."), evidence.Options{})
	fmt.Println(r.Source, r.Browser, r.Scenario.Request.Credentials)
	// Output:
	// console safari include
}

func ExampleErrUnrecognised() {
	_, err := evidence.Import([]byte("Uncaught TypeError: Cannot read properties of undefined"), evidence.Options{})
	fmt.Println(errors.Is(err, evidence.ErrUnrecognised))
	// Output:
	// true
}

func ExampleAcceptedForms() {
	fmt.Println(len(evidence.AcceptedForms), "forms; the first:")
	first, _, _ := strings.Cut(evidence.AcceptedForms[0], ":")
	fmt.Println(strings.TrimSpace(first))
	// Output:
	// 5 forms; the first:
	// - console output of Chrome or Edge, Firefox or Safari
}

func ExampleResult_From() {
	r, err := evidence.Import([]byte("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."), evidence.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.From())
	// Output: Firefox's console
}
