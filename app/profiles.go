package app

import (
	"strings"

	"corsplay/engine"
)

// The browser profiles as the page names them. Edge is Chromium: it shares
// Chrome's entry in the picker, and a link holding "edge" keeps it.

// pickerProfiles are the picker's options, in order.
var pickerProfiles = []struct{ value, label string }{
	{engine.Chrome, "Chrome / Edge"},
	{engine.Firefox, "Firefox"},
	{engine.Safari, "Safari"},
	{engine.Spec, "Fetch standard"},
}

// pickerValue is the option that shows profile.
func pickerValue(profile string) string {
	if profile == engine.Edge {
		return engine.Chrome
	}
	return profile
}

var profileNames = map[string]string{
	engine.Chrome:  "Chrome",
	engine.Edge:    "Edge",
	engine.Firefox: "Firefox",
	engine.Safari:  "Safari",
	engine.Spec:    "the Fetch standard",
}

// profileName names profile in a sentence: "Firefox", "the Fetch standard".
func profileName(profile string) string {
	if n, ok := profileNames[profile]; ok {
		return n
	}
	return profile
}

// userAgentProfile is the profile of the browser whose navigator.userAgent
// is ua: Firefox, WebKit without Chromium (Safari, and every iOS browser),
// else Chromium.
func userAgentProfile(ua string) string {
	switch {
	case strings.Contains(ua, "Firefox/"):
		return engine.Firefox
	case strings.Contains(ua, "AppleWebKit/") && !strings.Contains(ua, "Chrome/") && !strings.Contains(ua, "Chromium/"):
		return engine.Safari
	}
	return engine.Chrome
}
