package engine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"corsplay/engine"
)

// A JSON POST needs a preflight; the server's preflight answer does not allow
// Content-Type, so the request itself is never sent.
func ExampleEvaluate() {
	body := `{"name":"x"}`
	s := engine.Scenario{
		V:    engine.Version,
		Page: "https://app.example.com",
		Request: engine.Request{
			URL: "https://api.example.com/items", Method: "POST", Body: &body,
			Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}},
		},
		Server: engine.Server{Raw: &engine.RawServer{
			Preflight: &engine.Response{Status: 204, Headers: engine.Headers{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"},
				{Name: "Access-Control-Allow-Methods", Value: "POST"},
			}},
		}},
	}
	out := engine.Evaluate(s)
	acrh, _ := out.Preflight.Request.Headers.Get("Access-Control-Request-Headers")
	fmt.Println(out.Verdict, out.CORSError)
	fmt.Println(out.Preflight.Request.Method, acrh)
	fmt.Println("actual sent:", out.Actual != nil)
	fmt.Println(out.Console)
	// Output:
	// blocked HeaderDisallowedByPreflightResponse
	// OPTIONS content-type
	// actual sent: false
	// Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response.
}

// The same request once the server allows Content-Type and exposes X-Total.
func ExampleEvaluate_allowed() {
	body := `{"name":"x"}`
	s := engine.Scenario{
		V:    engine.Version,
		Page: "https://app.example.com",
		Request: engine.Request{
			URL: "https://api.example.com/items", Method: "POST", Body: &body,
			Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}},
		},
		Server: engine.Server{Raw: &engine.RawServer{
			Preflight: &engine.Response{Status: 204, Headers: engine.Headers{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"},
				{Name: "Access-Control-Allow-Headers", Value: "Content-Type"},
			}},
			Actual: &engine.Response{Status: 201, Headers: engine.Headers{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"},
				{Name: "Access-Control-Expose-Headers", Value: "X-Total"},
				{Name: "Content-Type", Value: "application/json"},
				{Name: "X-Total", Value: "3"},
				{Name: "X-Internal", Value: "1"},
			}},
		}},
	}
	out := engine.Evaluate(s)
	fmt.Println(out.Verdict, out.ReadableHeaders)
	// Output:
	// allowed [content-type x-total]
}

func ExampleDecode() {
	scenarios, many, err := engine.Decode([]byte(`{"v": 1, "page": "https://app.example.com",
		"request": {"url": "https://api.example.com/items", "method": "put"}}`))
	fmt.Println(len(scenarios), many, err, scenarios[0].Request.Method)

	_, _, err = engine.Decode([]byte(`[
		{"v": 1, "page": "https://app.example.com", "request": {"url": "https://api.example.com/a"}},
		{"v": 1, "page": "https://app.example.com/", "request": {"url": "https://api.example.com/b"}}
	]`))
	var fe *engine.FieldError
	fmt.Println(errors.As(err, &fe), fe.Field)
	// Output:
	// 1 false <nil> put
	// true [1].page
}

func ExampleCORSCheck() {
	origin, _ := engine.ParseOrigin("https://app.example.com")
	star := engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}}
	slash := engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com/"}}
	exact := engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"}, {Name: "Access-Control-Allow-Credentials", Value: "True"}}
	fmt.Printf("%+v\n", engine.CORSCheck(origin, "omit", star))
	fmt.Printf("%+v\n", engine.CORSCheck(origin, "include", star))
	fmt.Printf("%+v\n", engine.CORSCheck(origin, "omit", slash))
	fmt.Printf("%+v\n", engine.CORSCheck(origin, "include", exact))
	// Output:
	// {OK:true CORSError: Hint:}
	// {OK:false CORSError:WildcardOriginNotAllowed Hint:}
	// {OK:false CORSError:AllowOriginMismatch Hint:https://app.example.com/}
	// {OK:false CORSError:InvalidAllowCredentials Hint:True}
}

func ExampleCORSUnsafeRequestHeaderNames() {
	hs := engine.Headers{
		{Name: "X-Request-Id", Value: "1"},
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Accept", Value: "*/*"},
		{Name: "DPR", Value: "2"},
	}
	fmt.Println(strings.Join(engine.CORSUnsafeRequestHeaderNames("chrome", hs), ","))
	fmt.Println(strings.Join(engine.CORSUnsafeRequestHeaderNames("spec", hs), ","))
	// Output:
	// content-type,x-request-id
	// content-type,dpr,x-request-id
}

func ExampleSafelistedRequestHeader() {
	fmt.Println(engine.SafelistedRequestHeader("spec", "Content-Type", "text/plain;charset=UTF-8"))
	fmt.Println(engine.SafelistedRequestHeader("spec", "Content-Type", "application/json"))
	fmt.Println(engine.SafelistedRequestHeader("spec", "Range", "bytes=0-"))
	fmt.Println(engine.SafelistedRequestHeader("spec", "Range", "bytes=-500"))
	fmt.Println(engine.SafelistedRequestHeader("spec", "Accept", strings.Repeat("a", 129)))
	fmt.Println(engine.SafelistedRequestHeader("spec", "Save-Data", "on"))
	fmt.Println(engine.SafelistedRequestHeader("chrome", "Save-Data", "on"))
	// Output:
	// true
	// false
	// true
	// false
	// false
	// false
	// true
}

func ExampleNormalizeMethod() {
	for _, m := range []string{"get", "Put", "delete", "patch", "PATCH", "chicken"} {
		fmt.Println(m, "->", engine.NormalizeMethod(m))
	}
	// Output:
	// get -> GET
	// Put -> PUT
	// delete -> DELETE
	// patch -> patch
	// PATCH -> PATCH
	// chicken -> chicken
}

func ExampleReadableHeaders() {
	resp := engine.Headers{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "X-Total", Value: "3"},
		{Name: "X-Secret", Value: "s"},
		{Name: "Set-Cookie", Value: "a=1"},
	}
	listed := append(resp, engine.Header{Name: "Access-Control-Expose-Headers", Value: "X-Total, Set-Cookie"})
	star := append(resp[:len(resp):len(resp)], engine.Header{Name: "Access-Control-Expose-Headers", Value: "*"})
	fmt.Println(engine.ReadableHeaders("omit", resp))
	fmt.Println(engine.ReadableHeaders("omit", listed))
	fmt.Println(engine.ReadableHeaders("omit", star))
	fmt.Println(engine.ReadableHeaders("include", star))
	// Output:
	// [content-type]
	// [content-type x-total]
	// [access-control-expose-headers content-type x-secret x-total]
	// [content-type]
}

func ExampleMaxAge() {
	for _, v := range []string{"600", "86400", "-1", "abc"} {
		hs := engine.Headers{{Name: "Access-Control-Max-Age", Value: v}}
		chrome, _ := engine.MaxAge("chrome", hs)
		spec, _ := engine.MaxAge("spec", hs)
		fmt.Printf("%s: chrome %d, spec %d\n", v, chrome, spec)
	}
	chrome, _ := engine.MaxAge("chrome", nil)
	spec, _ := engine.MaxAge("spec", nil)
	fmt.Printf("absent: chrome %d, spec %d\n", chrome, spec)
	// Output:
	// 600: chrome 600, spec 600
	// 86400: chrome 7200, spec 86400
	// -1: chrome 0, spec 5
	// abc: chrome 5, spec 5
	// absent: chrome 5, spec 5
}

func ExampleParseOrigin() {
	o, err := engine.ParseOrigin("https://app.example.com:8443")
	fmt.Println(o.Scheme, o.Host, o.Port, err)
	o, _ = engine.ParseOrigin("null")
	fmt.Println(o.Opaque, o)
	for _, s := range []string{"https://app.example.com/", "https://app.example.com:443", "https://APP.example.com"} {
		_, err := engine.ParseOrigin(s)
		fmt.Println(s, "refused:", err != nil)
	}
	// Output:
	// https app.example.com 8443 <nil>
	// true null
	// https://app.example.com/ refused: true
	// https://app.example.com:443 refused: true
	// https://APP.example.com refused: true
}

// A Flask app restricts request headers with the tutorial's headers=, which
// Flask-CORS does not know, and the page sends cookies. The fix is the
// user's own CORS(...) call, corrected, with one line per change saying
// why; Server holds the fixed scenario's server, verified by evaluating it.
func ExampleFixes() {
	body := `{"name":"x"}`
	s := engine.Scenario{
		V:    engine.Version,
		Page: "http://localhost:3000",
		Request: engine.Request{
			URL: "http://localhost:5000/api/items", Method: "POST", Body: &body, Credentials: "include",
			Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}},
		},
		Server: engine.Server{Library: &engine.Library{Name: "flask-cors", Options: map[string]json.RawMessage{
			"headers": json.RawMessage(`["Content-Type"]`),
		}}},
	}
	out := engine.Evaluate(s)
	f := out.Fixes[0]
	fmt.Println(f.Title)
	fmt.Println(f.Plain)
	fmt.Println(f.Code.Before)
	fmt.Println(f.Code.After)
	for _, why := range f.Why {
		fmt.Println("-", why)
	}
	// Output:
	// Allow exactly this request in the Flask-CORS options
	// Rename the option headers to allow_headers; allow the origin http://localhost:3000 and credentials (cookies).
	// CORS(app, headers=['Content-Type'])
	// CORS(
	//     app,
	//     origins=['http://localhost:3000'],
	//     allow_headers=['Content-Type'],
	//     supports_credentials=True,
	// )
	// - headers is not a Flask-CORS option: Flask-CORS logs "Unknown option passed to Flask-CORS: headers" and goes on without it. It was removed in 2.0, so allow_headers stayed "*" and nothing was restricted. The option is allow_headers.
	// - origins is not set, so it is "*": Flask-CORS then echoes every origin, and with supports_credentials any site the user visits could read with their cookies. Name the page's origin instead.
	// - fetch() sends cookies (credentials: "include"): Flask-CORS sends Access-Control-Allow-Credentials: true only with supports_credentials=True.
}

// FetchCall writes the page's call as a developer writes it: only the
// options that differ from fetch()'s defaults.
func ExampleFetchCall() {
	fmt.Println(engine.FetchCall(engine.Request{URL: "https://api.example.com/me"}))
	fmt.Println(engine.FetchCall(engine.Request{URL: "https://api.example.com/me", Method: "PUT", Credentials: "include",
		Redirect: "manual", Headers: engine.Headers{{Name: "X-Api-Key", Value: "k1"}}}))
	// Output:
	// fetch("https://api.example.com/me")
	// fetch("https://api.example.com/me", {
	//   method: "PUT",
	//   credentials: "include",
	//   redirect: "manual",
	//   headers: {"X-Api-Key": "k1"},
	// })
}

// The API sends the page on to a login server, another origin: from then on
// the request's Origin is null, and the login server must allow it.
func ExampleEvaluate_redirect() {
	s := engine.Scenario{
		V:       engine.Version,
		Page:    "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/me"},
		Server: engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 302, Headers: engine.Headers{
			{Name: "Location", Value: "https://login.example.com/sso"},
			{Name: "Access-Control-Allow-Origin", Value: "*"},
		}}}},
		Elsewhere: []engine.Elsewhere{{URL: "https://login.example.com/", Server: engine.Server{Raw: &engine.RawServer{
			Actual: &engine.Response{Status: 200, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"}}},
		}}}},
	}
	out := engine.Evaluate(s)
	for _, h := range out.Hops {
		origin, _ := h.Request.Headers.Get("Origin")
		fmt.Println(h.Request.Method, h.Request.URL, origin, h.Response.Status)
	}
	fmt.Println(out.Verdict)
	fmt.Println(out.Console)
	// Output:
	// GET https://api.example.com/me https://app.example.com 302
	// GET https://login.example.com/sso null 200
	// blocked
	// Access to fetch at 'https://login.example.com/sso' (redirected from 'https://api.example.com/me') from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com' that is not equal to the supplied origin. Have the server send the header with a valid value.
}

// A redirect reaches the server whose elsewhere URL is the longest prefix
// of the URL; the scenario's server answers the rest of its origin.
func ExampleScenario_ServerAt() {
	s := engine.Scenario{
		Request:   engine.Request{URL: "https://api.example.com/items"},
		Elsewhere: []engine.Elsewhere{{URL: "https://login.example.com/"}, {URL: "https://api.example.com/v2/"}},
	}
	for _, u := range []string{"https://api.example.com/items/1", "https://api.example.com/v2/items", "https://login.example.com/sso", "https://cdn.example.net/x"} {
		_, name := s.ServerAt(u)
		fmt.Printf("%s: %q\n", u, name)
	}
	// Output:
	// https://api.example.com/items/1: "server"
	// https://api.example.com/v2/items: "elsewhere[1]"
	// https://login.example.com/sso: "elsewhere[0]"
	// https://cdn.example.net/x: ""
}
