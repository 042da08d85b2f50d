// Package evidence turns what a developer holds after a CORS failure into
// a scenario that reproduces it: the lines a browser's console printed
// (Chrome or Edge, Firefox, Safari), a HAR file exported from DevTools,
// DevTools' "Copy as fetch" and "Copy as cURL", or the output of curl -v
// and curl -i. The form is detected from the text.
//
// It never executes or fetches anything: every form is parsed as literal
// text, within MaxInputBytes. What the text does not say is filled with the
// most likely value and listed in Result.Assumed, so that a reader can be
// asked for exactly those fields.
//
// The package uses the standard library and the engine only; the engine
// does not import it.
package evidence

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"corsplay/engine"
)

// MaxInputBytes is the most Import reads: the CLI's bound on all its input
// (engine.MaxStreamBytes), enough for a HAR of a long session with bodies.
const MaxInputBytes = engine.MaxStreamBytes

// Sources: the forms Import recognises.
const (
	SourceConsole    = "console"     // lines a browser's console printed
	SourceHAR        = "har"         // a HAR 1.2 file
	SourceFetch      = "fetch"       // DevTools' "Copy as fetch"
	SourceCurl       = "curl"        // DevTools' "Copy as cURL" (bash), or any curl command, maybe with its output
	SourceCurlOutput = "curl-output" // what curl -v or curl -i printed
)

// Result is an imported scenario and what was assumed to build it.
type Result struct {
	// Source is the form recognised: one of the Source… constants.
	Source string `json:"source"`
	// Browser is the browser that printed or recorded the text ("chrome",
	// "firefox", "safari"); the scenario is evaluated with its profile.
	Browser  string          `json:"browser"`
	Scenario engine.Scenario `json:"scenario"`
	// Assumed lists the fields the text did not give, each with why in
	// plain words, so that they can be asked for. Never nil.
	Assumed []Assumption `json:"assumed"`
	// Notes say what else a reader should know: which entry of several was
	// picked, what corsplay does not model.
	Notes []string `json:"notes,omitempty"`
}

// Assumption is one field of the scenario the text did not give.
type Assumption struct {
	// Field is the scenario's JSON path: "page", "request.method",
	// "request.headers", "request.credentials", "server.raw.preflight"…
	Field string `json:"field"`
	// Why says what was assumed and why, as a question a page can ask.
	Why string `json:"why"`
}

// Options tune Import.
type Options struct {
	// Entry picks the HAR entry to import, counted from 1 as DevTools
	// lists them (log.entries[Entry-1]); 0 picks the first cross-origin
	// exchange that fails.
	Entry int
}

// Error is a problem with the text at a line (0 when it concerns no line).
type Error struct {
	Line    int
	Problem string
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return e.Problem
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Problem)
}

func errorAt(line int, format string, args ...any) *Error {
	return &Error{Line: line, Problem: fmt.Sprintf(format, args...)}
}

// ErrUnrecognised is returned for a text in none of the accepted forms.
var ErrUnrecognised = errors.New("nothing recognised: corsplay import reads\n" + strings.Join(AcceptedForms, "\n"))

// AcceptedForms describe what Import recognises, one line each.
var AcceptedForms = []string{
	"  - console output of Chrome or Edge, Firefox or Safari: the CORS error line, or the whole block as pasted (\"Access to fetch at … has been blocked by CORS policy: …\", \"Cross-Origin Request Blocked: …\", \"[Error] Origin … is not allowed by Access-Control-Allow-Origin …\")",
	"  - a HAR file saved from the Network panel of Chrome, Firefox or Safari (--entry N picks an entry)",
	"  - DevTools' \"Copy as fetch\": fetch(\"https://…\", {…})",
	"  - DevTools' \"Copy as cURL\" (bash), or any curl command with an Origin header",
	"  - the output of curl -v or curl -i for a request with an Origin header",
}

// Import recognises the form of text and builds the scenario it describes.
// It fails with an *Error naming the line for a text it recognises but
// cannot read, and with ErrUnrecognised for anything else.
func Import(text []byte, opts Options) (Result, error) {
	if len(text) > MaxInputBytes {
		return Result{}, &Error{Problem: fmt.Sprintf("input is %d bytes, more than the %d (%d MiB) corsplay reads", len(text), MaxInputBytes, MaxInputBytes>>20)}
	}
	if opts.Entry < 0 {
		return Result{}, &Error{Problem: fmt.Sprintf("entry %d: entries are counted from 1", opts.Entry)}
	}
	var (
		r   Result
		err error
	)
	f := detect(text)
	if opts.Entry > 0 && f != SourceHAR {
		return Result{}, &Error{Problem: fmt.Sprintf("--entry picks an entry of a HAR file; this is %s", orDefault(sourceTitles[f], "not one"))}
	}
	switch f {
	case SourceHAR:
		r, err = importHAR(text, opts)
	case SourceFetch:
		r, err = importFetch(string(text))
	case SourceCurl:
		r, err = importCurl(string(text))
	case SourceCurlOutput:
		r, err = importCurlOutput(string(text))
	case SourceConsole:
		r, err = importConsole(string(text))
	case sourceCmdCurl:
		return Result{}, &Error{Line: 1, Problem: "this is DevTools' \"Copy as cURL (cmd)\", quoted for Windows' cmd.exe: copy it with \"Copy as cURL (bash)\" instead, which corsplay reads"}
	case sourcePowerShell:
		return Result{}, &Error{Line: 1, Problem: "this is DevTools' \"Copy as PowerShell\": copy the request with \"Copy as cURL (bash)\" or \"Copy as fetch\" instead, which corsplay reads"}
	default:
		return Result{}, ErrUnrecognised
	}
	if err != nil && f != SourceConsole && f != SourceHAR {
		// A console paste may start with what was typed in the console
		// (> fetch(…)): the failure it holds is what counts.
		if rc, errc := importConsole(string(text)); errc == nil {
			r, err = rc, nil
		}
	}
	if err != nil {
		return Result{}, err
	}
	if err := r.Scenario.Validate(); err != nil {
		return Result{}, &Error{Problem: "the scenario read from " + sourceTitles[r.Source] + " is not valid: " + err.Error()}
	}
	// The scenario is held to the bound of any other.
	if b, err := json.Marshal(r.Scenario); err != nil || len(b) > engine.MaxInputBytes {
		return Result{}, &Error{Problem: fmt.Sprintf("the scenario read from %s would be %d bytes, more than the %d a scenario may have: its headers or body are too long", sourceTitles[r.Source], len(b), engine.MaxInputBytes)}
	}
	if r.Assumed == nil {
		r.Assumed = []Assumption{}
	}
	return r, nil
}

// sourceTitles name the forms in sentences.
var sourceTitles = map[string]string{
	SourceConsole:    "console output",
	SourceHAR:        "a HAR file",
	SourceFetch:      "a copied fetch()",
	SourceCurl:       "a curl command",
	SourceCurlOutput: "curl's output",
}

// browserTitles name the browsers in sentences.
var browserTitles = map[string]string{engine.Chrome: "Chrome", engine.Firefox: "Firefox", engine.Safari: "Safari"}
