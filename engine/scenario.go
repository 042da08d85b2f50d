package engine

import (
	"slices"

	"corsplay/engine/pattern"
)

// Version is the scenario format version this package reads and writes.
const Version = 1

// Scenario is the one data model: the page's state, a permalink's content,
// the CLI's input and a test fixture. Field names are part of the format.
type Scenario struct {
	V int `json:"v"`
	// Title names the scenario in lists, tests and presets.
	Title string `json:"title,omitempty"`
	// Lesson explains what the scenario teaches, for presets.
	Lesson string `json:"lesson,omitempty"`
	// Look says what to look at in the exchange, for lessons.
	Look string `json:"look,omitempty"`
	// Predict lists what a lesson asks the learner to foresee before
	// stepping through the exchange (see Prediction).
	Predict []Prediction `json:"predict,omitempty"`
	// Browser is the profile: "chrome" (default), "edge" (Chrome's rules),
	// "firefox" or "spec".
	Browser string `json:"browser,omitempty"`
	// Page is the serialized origin of the page calling fetch(), or "null"
	// for an opaque origin (sandboxed iframe, data: URL).
	Page    string  `json:"page"`
	Request Request `json:"request"`
	Server  Server  `json:"server"`
	// Elsewhere are the other servers a redirect may reach (see
	// Elsewhere); a URL none of them answers, off the server's origin, is
	// answered 404 without CORS headers.
	Elsewhere []Elsewhere `json:"elsewhere,omitempty"`
	// Challenge, when given, makes the scenario the start of an exercise
	// (see Challenge).
	Challenge *Challenge `json:"challenge,omitempty"`
	// meter pays for the pattern matching of the evaluation this copy is
	// part of (metered); nil outside one.
	meter *pattern.Meter
}

// Request is the fetch(url, init) call the page makes.
type Request struct {
	URL     string  `json:"url"`
	Method  string  `json:"method,omitempty"` // default GET
	Headers Headers `json:"headers,omitempty"`
	// Body is the string body; nil means no body.
	Body *string `json:"body,omitempty"`
	// Credentials is "omit", "same-origin" (default) or "include".
	Credentials string `json:"credentials,omitempty"`
	// Mode is "cors" (default), "no-cors" or "same-origin".
	Mode string `json:"mode,omitempty"`
	// Redirect is "follow" (default), "error" or "manual".
	Redirect string `json:"redirect,omitempty"`
	// Repeat lists the seconds at which the same request is sent; empty
	// means once, at 0.
	Repeat []float64 `json:"repeat,omitempty"`
}

// Server is what answers the request: at most one of its fields is set.
// None means a server without CORS support.
type Server struct {
	// Raw gives the responses as they arrive on the wire.
	Raw *RawServer `json:"raw,omitempty"`
	// Policy configures a correctly written CORS middleware.
	Policy *Policy `json:"policy,omitempty"`
	// Library configures a real CORS library with its own options.
	Library *Library `json:"library,omitempty"`
	// Layers stand in front of it, from the network inwards (see Layer).
	Layers []Layer `json:"layers,omitempty"`
}

// RawServer holds the responses exactly as they arrive on the wire.
type RawServer struct {
	// Preflight answers OPTIONS; nil means a server with no CORS support
	// that answers OPTIONS with 404 and no CORS header.
	Preflight *Response `json:"preflight,omitempty"`
	// Actual answers the request itself; nil means 200 with no header.
	Actual *Response `json:"actual,omitempty"`
}

// Response is an HTTP response as it arrives: a status and header lines in
// wire order.
type Response struct {
	Status  int     `json:"status"`
	Headers Headers `json:"headers"`
	// by names the writer of each header line and statusBy the status's,
	// for a server with layers ("server" or a layer's name).
	by       []string
	statusBy string
}

// Credentials modes. https://fetch.spec.whatwg.org/#concept-request-credentials-mode
const (
	CredentialsOmit       = "omit"
	CredentialsSameOrigin = "same-origin"
	CredentialsInclude    = "include"
)

// Request modes. https://fetch.spec.whatwg.org/#concept-request-mode
const (
	ModeCORS       = "cors"
	ModeNoCORS     = "no-cors"
	ModeSameOrigin = "same-origin"
)

// withDefaults returns s with every omitted optional field filled in.
func (s Scenario) withDefaults() Scenario {
	if s.Browser == "" {
		s.Browser = Chrome
	}
	if s.Request.Method == "" {
		s.Request.Method = "GET"
	}
	if s.Request.Credentials == "" {
		s.Request.Credentials = CredentialsSameOrigin
	}
	if s.Request.Mode == "" {
		s.Request.Mode = ModeCORS
	}
	if s.Request.Redirect == "" {
		s.Request.Redirect = RedirectFollow
	}
	return s
}

// parsed is the response as the browser's HTTP parser hands it over: each
// value without its leading and trailing whitespace.
// https://httpwg.org/specs/rfc9112.html#field.syntax
func (r Response) parsed() Response {
	hs := make(Headers, len(r.Headers))
	for i, h := range r.Headers {
		hs[i] = Header{Name: h.Name, Value: trimOWS(h.Value)}
	}
	return Response{Status: r.Status, Headers: hs, by: r.by, statusBy: r.statusBy}
}

// Clone returns a deep copy of s: editing it never changes s.
func (s Scenario) Clone() Scenario {
	s.Request.Headers = slices.Clone(s.Request.Headers)
	s.Request.Repeat = slices.Clone(s.Request.Repeat)
	if s.Request.Body != nil {
		s.Request.Body = new(*s.Request.Body)
	}
	s.Server = s.Server.clone()
	s.Elsewhere = slices.Clone(s.Elsewhere)
	for i := range s.Elsewhere {
		s.Elsewhere[i].Server = s.Elsewhere[i].Server.clone()
	}
	s.Predict = slices.Clone(s.Predict)
	if s.Challenge != nil {
		c := s.Challenge.clone()
		s.Challenge = &c
	}
	return s
}

// clone returns a deep copy of s: editing it never changes s. A library's
// options are shared: nothing edits them in place.
func (s Server) clone() Server {
	if p := s.Policy; p != nil {
		c := *p
		c.Origins = slices.Clone(p.Origins)
		c.Methods = slices.Clone(p.Methods)
		c.RequestHeaders = slices.Clone(p.RequestHeaders)
		c.ExposeHeaders = slices.Clone(p.ExposeHeaders)
		if p.MaxAge != nil {
			c.MaxAge = new(*p.MaxAge)
		}
		if p.Vary != nil {
			c.Vary = new(*p.Vary)
		}
		s.Policy = &c
	}
	s.Layers = slices.Clone(s.Layers)
	if raw := s.Raw; raw != nil {
		c := *raw
		for _, r := range []**Response{&c.Preflight, &c.Actual} {
			if *r != nil {
				x := **r
				x.Headers = slices.Clone(x.Headers)
				*r = &x
			}
		}
		s.Raw = &c
	}
	return s
}
