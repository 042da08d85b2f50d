package engine

import (
	"slices"

	"corsplay/engine/console"
	"corsplay/engine/pattern"
)

// Verdicts.
const (
	// Allowed: the fetch() promise resolves with a readable response.
	Allowed = "allowed"
	// Blocked: the fetch() promise rejects with "TypeError: Failed to fetch".
	Blocked = "blocked"
	// Opaque: a no-cors fetch() resolves with an opaque response (status 0,
	// no headers, no body).
	Opaque = "opaque"
	// Error: fetch() throws a TypeError before anything is sent.
	Error = "error"
	// OpaqueRedirect: with redirect "manual", fetch() resolves with an
	// opaque-redirect response (status 0, no headers) for a redirect.
	OpaqueRedirect = "opaqueredirect"
)

// Outcome is everything the browser decides for a scenario.
type Outcome struct {
	Verdict string `json:"verdict"`
	// Preflight is nil when no preflight is sent.
	Preflight *Exchange `json:"preflight"`
	// Actual is nil when the request never leaves the browser. After
	// redirects, Preflight and Actual are the last request's.
	Actual *Exchange `json:"actual"`
	// Hops are every request the browser sends, preflights and redirects
	// included, with their responses, in order.
	Hops []Hop `json:"hops,omitempty"`
	// ReadableHeaders are the lower-cased, sorted names response.headers
	// shows; empty unless allowed.
	ReadableHeaders []string `json:"readableHeaders"`
	// Console is the one line that states why the fetch failed, as the
	// profile's browser prints it, or the TypeError's message for verdict
	// "error".
	Console string `json:"console"`
	// ConsoleLines are every line the browser logs for this fetch, in
	// order (for a repeated request, its first send).
	ConsoleLines []ConsoleLine `json:"consoleLines"`
	// Cookies says which of the API's cookies a credentialed request from
	// another site carries: "samesite-none" (those marked SameSite=None;
	// Secure) or "none"; "" when the request is not credentialed or not
	// cross-site.
	Cookies string `json:"cookies,omitempty"`
	// TypeError is the message of the TypeError script sees when fetch()
	// rejects, or throws before sending; "" when it resolves.
	TypeError string `json:"typeError,omitempty"`
	// CORSError is Chromium's CorsError name, "" when none applies.
	CORSError string `json:"corsError"`
	// Sends has one entry per time in request.repeat.
	Sends []Send   `json:"sends,omitempty"`
	Steps []Step   `json:"steps"`
	Notes []string `json:"notes,omitempty"`
	// Browsers are the verdicts of Chrome, Firefox and Safari for the same
	// scenario, this profile's browser included.
	Browsers []BrowserVerdict `json:"browsers,omitempty"`
	// Lint lists what is broken or dangerous in the server's policy.
	Lint []Finding `json:"lint,omitempty"`
	// Exposure is the attacker's view: which origins can read responses.
	Exposure []Probe `json:"exposure,omitempty"`
	// Fixes are the smallest changes that make a blocked request pass (or
	// a library start that refuses its configuration, so that it passes),
	// safest first.
	Fixes []Fix `json:"fixes,omitempty"`
	// NoSafeFix explains a blocked request that only a dangerous change
	// would let through.
	NoSafeFix string `json:"noSafeFix,omitempty"`
	// ConfigError is the library's own error for a configuration it
	// refuses: the server would not start (verdict "error").
	ConfigError string `json:"configError,omitempty"`
	// LibraryWarnings are what the library logs about its configuration,
	// such as an unknown option it ignores.
	LibraryWarnings []string `json:"libraryWarnings,omitempty"`
	// Challenge is the check of the scenario against its challenge, set by
	// the caller (corsplay check) with Challenge.Check; nil otherwise.
	Challenge *ChallengeResult `json:"challenge,omitempty"`
	// Predictions are the scenario's predictions, asked and answered by
	// this outcome (Prediction.Reveal), set by the caller (corsplay check).
	Predictions []Reveal `json:"predictions,omitempty"`
}

// ConsoleLine is one line of a browser's console: its source, level and
// text.
type ConsoleLine = console.Line

// Severities of lint findings.
const (
	SeverityError   = "error"   // browsers reject it, or it can never work
	SeverityDanger  = "danger"  // an attacker can exploit it
	SeverityWarning = "warning" // likely a mistake
	SeverityInfo    = "info"    // worth knowing
)

// Finding is one lint result, written for a learner: what happens, who can
// exploit it, what to change.
type Finding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Detail   string `json:"detail"`
	Fix      string `json:"fix"`
}

// Exchange is one HTTP request and its response.
type Exchange struct {
	// Reasons say why a preflight is needed.
	Reasons  []string    `json:"reasons,omitempty"`
	Request  HTTPRequest `json:"request"`
	Response *Response   `json:"response"`
}

// HTTPRequest is a request as it goes on the wire.
type HTTPRequest struct {
	Method  string  `json:"method"`
	URL     string  `json:"url"`
	Headers Headers `json:"headers"`
	// meter pays for the server's pattern matching (Server.Responder).
	meter *pattern.Meter
	// cookies: the request carries the API's session cookies.
	cookies bool
}

// Send is one send of a repeated request.
type Send struct {
	At float64 `json:"at"`
	// Preflight is "sent", "cached" (served from the preflight cache) or
	// "none" (the request needs no preflight).
	Preflight string `json:"preflight"`
	Verdict   string `json:"verdict"`
	Detail    string `json:"detail"`
}

// Step statuses.
const (
	StepPass = "pass"
	StepFail = "fail"
	StepInfo = "info"
)

// Step is one decision, explained.
type Step struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	// Spec links the Fetch standard section that mandates the decision.
	Spec string `json:"spec"`
	// Differs says how the browsers (and the standard) disagree here, if
	// they do.
	Differs string `json:"differs,omitempty"`
	// Message names the exchange the step belongs to: "request",
	// "preflight", "preflight-response", "actual", "actual-response" or "".
	Message string `json:"message,omitempty"`
	// Hop is the index in Outcome.Hops of the exchange a preflight… or
	// actual… step is about.
	Hop int `json:"hop,omitempty"`
}

// ObservedVerdict reads a verdict off what a page's script saw: whether the
// fetch() promise resolved (and the response's type) or rejected (and the
// TypeError's message). A browser rejects a blocked request with its one
// network error (networkErrors) and an invalid one with a message of its
// own.
// networkErrors are the messages of the TypeError a blocked fetch()
// rejects with: Chromium's, Firefox's and WebKit's.
var networkErrors = []string{"Failed to fetch", "NetworkError when attempting to fetch resource.", "Load failed"}

func ObservedVerdict(resolved bool, responseType, message string) string {
	switch {
	case resolved && responseType == "opaque":
		return Opaque
	case resolved && responseType == "opaqueredirect":
		return OpaqueRedirect
	case resolved:
		return Allowed
	case slices.Contains(networkErrors, message):
		return Blocked
	}
	return Error
}
