// Package pastes renders what a browser logged for a fetch() the way a
// developer pastes it from each browser's DevTools, for the tests of
// corsplay import: the bare lines, the main line alone, and the lines
// with each console's decorations.
package pastes

import (
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"corsplay/engine"
)

// Paste is one way of pasting an outcome's console lines.
type Paste struct {
	Name string
	Text string
}

// Of returns the pastes of o, evaluated with browser's profile: the lines
// joined ("block"), the main line alone ("main"), and the lines as that
// browser's DevTools shows them with what surrounds them ("devtools").
func Of(browser string, o engine.Outcome) []Paste {
	var lines []string
	for _, l := range o.ConsoleLines {
		lines = append(lines, l.Text)
	}
	return []Paste{
		{"block", strings.Join(lines, "\n")},
		{"main", o.Console},
		{"devtools", devtools(browser, o)},
	}
}

// devtools decorates the lines as each console shows them.
func devtools(browser string, o engine.Outcome) string {
	var b strings.Builder
	switch browser {
	case engine.Chrome, engine.Edge:
		// Chrome: the source link before each line, the failed load as
		// "METHOD URL net::ERR_FAILED STATUS (TEXT)", then the rejection.
		b.WriteString("Download the React DevTools for a better development experience: https://react.dev/link/react-devtools\n")
		for _, l := range o.ConsoleLines {
			text := l.Text
			if text == "Failed to load resource: net::ERR_FAILED" {
				text = netLine(o)
			}
			b.WriteString("api.js:12 " + text + "\n")
		}
		b.WriteString("api.js:12 Uncaught (in promise) TypeError: Failed to fetch\n    at load (api.js:12:5)\n")
	case engine.Firefox:
		// Firefox: each reason with its "[Learn More]" link.
		b.WriteString("Uncaught (in promise) TypeError: NetworkError when attempting to fetch resource.\n")
		for _, l := range o.ConsoleLines {
			b.WriteString(l.Text + " [Learn More]\n")
		}
	case engine.Safari:
		// Safari: the level before each line, the resource after the
		// network one.
		for _, l := range o.ConsoleLines {
			text := "[Error] " + l.Text
			if l.Source == "network" {
				text += " (" + resource(o) + ", line 0)"
			}
			b.WriteString(text + "\n")
		}
		b.WriteString("[Error] Unhandled Promise Rejection: TypeError: Load failed\n")
	}
	return b.String()
}

// netLine is DevTools' line for a failed load: the request's method and
// URL, and the status of its response when one came.
func netLine(o engine.Outcome) string {
	switch {
	case o.Actual != nil && o.Actual.Response != nil:
		st := o.Actual.Response.Status
		return o.Actual.Request.Method + " " + o.Actual.Request.URL + " net::ERR_FAILED " + strconv.Itoa(st) + " (" + http.StatusText(st) + ")"
	case o.Preflight != nil:
		m, _ := o.Preflight.Request.Headers.Get("Access-Control-Request-Method")
		return m + " " + o.Preflight.Request.URL + " net::ERR_FAILED"
	}
	return "Failed to load resource: net::ERR_FAILED"
}

// resource is the name Safari shows for the request: its last path
// segment.
func resource(o engine.Outcome) string {
	var raw string
	switch {
	case o.Actual != nil:
		raw = o.Actual.Request.URL
	case o.Preflight != nil:
		raw = o.Preflight.Request.URL
	}
	u, err := url.Parse(raw)
	if err != nil || path.Base(u.Path) == "/" || path.Base(u.Path) == "." {
		return "api"
	}
	return path.Base(u.Path)
}
