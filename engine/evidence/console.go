package evidence

import (
	"fmt"
	"strconv"
	"strings"

	"corsplay/engine"
	"corsplay/engine/console"
	"corsplay/internal/lazyre"
)

// This file reads what a browser's console printed for a failed fetch():
// the line that says why (the main line), and the lines around it that
// add a method, a status, a URL or the fact that a preflight failed. A
// redirect shows in the main line (Chrome's "redirected from", Safari's
// "Cross-origin redirection to", a refused redirect's own text, Origin
// null) or in the lines after it (Firefox's "did not succeed"): redirect.go
// rebuilds the chain. The message texts are the engine's catalogues
// (engine/console), which the differential suite proves against the real
// browsers.

// failureSeen is what a console says of one failed fetch().
type failureSeen struct {
	browser string
	// kind is the failure as Chromium's CorsError names it (console.…),
	// Preflight… for a preflight's; for Firefox and Safari, the kind their
	// message stands for.
	kind    string
	line    int    // of the main line, from 1
	printed string // the main line as pasted, decorations removed
	url     string // "" when the text does not say
	// origin is the page's origin, "" when the text does not say.
	origin    string
	hint      string // what the message quotes
	hintKnown bool
	status    int    // the failing response's status, 0 when not said
	method    string // the request's method, "" when not said
	// preflight: the failure is the preflight's (yes), the request's
	// (no), or the text does not say (unknown).
	preflight int
	// initialURL is the URL fetch() was called with, when the text says
	// redirects led from it to url (Chrome's "redirected from").
	initialURL string
	// location is where the response that failed redirected to, when the
	// text says (Safari's "Cross-origin redirection to …", Firefox's and
	// Chrome's URL of another scheme), or what was assumed for it.
	location string
	// requestOrigin is the Origin the request carried when the text says
	// it was not the page's: "null", after a redirect tainted it.
	requestOrigin string
	// didNotSucceed: Firefox followed the reason with "CORS request did
	// not succeed" for the same URL.
	didNotSucceed bool
	// allowAs is the origin the failing server's assumed headers allow
	// ("" for the page's): "null" behind a tainting redirect.
	allowAs string
	notes   []string
}

const (
	preflightUnknown = iota
	preflightYes
	preflightNo
)

// consoleLine is one line of a paste with DevTools' decorations removed.
type consoleLine struct {
	n    int // line number, from 1
	text string
}

var (
	// DevTools' prefixes: Chrome's source link ("app.js:12 ", "(index):1 ",
	// "VM123:1 ") after an optional timestamp.
	chromeSource = lazyre.New(`^(?:\d{1,2}:\d{2}:\d{2}\.\d{3} )?(?:[^\s:]+:\d+(?::\d+)? +)`)
	// Safari's network line ends with the resource and its line.
	safariSource = lazyre.New(` \([^()]*, line \d+\)$`)
)

// safariLevels are the levels Safari's console writes before a line.
var safariLevels = []string{"[Error]", "[Warning]", "[Log]", "[Info]", "[Debug]"}

// cleanLines splits a paste into lines without DevTools' decorations.
func cleanLines(text string) []consoleLine {
	var out []consoleLine
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(strings.TrimSuffix(l, "\r"))
		l = strings.TrimPrefix(l, "\ufeff")
		// (Each pattern only where it may apply: a paste can be long.)
		if strings.HasPrefix(l, "[") {
			for _, level := range safariLevels {
				if rest, ok := strings.CutPrefix(l, level); ok {
					l = strings.TrimLeft(rest, " ")
					break
				}
			}
		}
		if sp := strings.IndexByte(l, ' '); sp > 0 && strings.IndexByte(l[:sp], ':') > 0 {
			if m := chromeSource.FindString(l); m != "" && !strings.Contains(m, "://") {
				l = strings.TrimSpace(l[len(m):])
			}
		}
		if strings.HasSuffix(l, ")") && strings.Contains(l, ", line ") {
			l = safariSource.ReplaceAllString(l, "")
		}
		// Firefox's console links each reason to MDN.
		l = strings.TrimSpace(strings.TrimSuffix(l, "[Learn More]"))
		if l != "" {
			out = append(out, consoleLine{i + 1, l})
		}
	}
	return out
}

// Chrome's lines (engine/console/chrome.go, browser-messages.md §1-3).
var (
	chromeAccess   = lazyre.New(`^Access to (fetch|XMLHttpRequest|[A-Za-z ]+?) at '(.+?)' (?:\(redirected from '(.+?)'\) )?from origin '(.*?)' has been blocked by CORS policy: (.*)$`)
	chromeSameMode = lazyre.New(`^Fetch API cannot load (.+)\. Request mode is "same-origin" but the URL's origin is not same as the request origin (.+)\.$`)
	// fetch_manager.cc: no-cors with a redirect mode other than "follow".
	chromeNoCORSRedirect = lazyre.New(`^Fetch API cannot load (.+)\. Request mode is "no-cors" but the redirect mode is not "follow"\.$`)
	// A same-origin mode fetch redirected to another origin: the frame's
	// URL is the page's address.
	chromeUnsafeRedirect = lazyre.New(`^Unsafe attempt to load URL (\S+) from frame with URL (\S+)\. Domains, protocols and ports must match\.$`)
	// DevTools' rendering of the failed load: "GET https://… net::ERR_FAILED 200 (OK)".
	chromeNetLine = lazyre.New(`^([A-Za-z!#$%&'*+.^_` + "`" + `|~-]+) (\S+) (net::ERR_[A-Z_]+)(?: (\d{3})(?: \((.*)\))?)?$`)
	chromeNetErr  = lazyre.New(`net::(ERR_[A-Z_]+)`)
)

// chromeBodies map the text after "blocked by CORS policy: " to a kind.
// Each pattern holds the hint, if any, in its first group.
var chromeBodies = []struct {
	re   *lazyre.Regexp
	kind string
}{
	{lazyre.New(`^No 'Access-Control-Allow-Origin' header is present on the requested resource\.`), console.MissingAllowOriginHeader},
	{lazyre.New(`^The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '\*' when the request's credentials mode is 'include'\.`), console.WildcardOriginNotAllowed},
	{lazyre.New(`^The 'Access-Control-Allow-Origin' header contains multiple values '(.*)', but only one is allowed\.`), console.MultipleAllowOriginValues},
	{lazyre.New(`^The 'Access-Control-Allow-Origin' header contains the invalid value '(.*)'\.`), console.InvalidAllowOriginValue},
	{lazyre.New(`^The 'Access-Control-Allow-Origin' header has a value '(.*)' that is not equal to the supplied origin\.`), console.AllowOriginMismatch},
	{lazyre.New(`^The value of the 'Access-Control-Allow-Credentials' header in the response is '(.*)' which must be 'true' when the request's credentials mode is 'include'\.`), console.InvalidAllowCredentials},
	{lazyre.New(`^It does not have HTTP ok status\.$`), "InvalidStatus"},
	{lazyre.New(`^Redirect is not allowed for a preflight request\.$`), "DisallowedRedirect"},
	{lazyre.New(`^Cannot parse Access-Control-Allow-Methods response header field in preflight response\.$`), console.InvalidAllowMethodsPreflightResponse},
	{lazyre.New(`^Cannot parse Access-Control-Allow-Headers response header field in preflight response\.$`), console.InvalidAllowHeadersPreflightResponse},
	{lazyre.New(`^Method (\S+) is not allowed by Access-Control-Allow-Methods in preflight response\.$`), console.MethodDisallowedByPreflightResponse},
	{lazyre.New(`^Request header field (\S+) is not allowed by Access-Control-Allow-Headers in preflight response\.$`), console.HeaderDisallowedByPreflightResponse},
	{lazyre.New(`^Cross origin requests are not allowed by request mode\.$`), console.DisallowedByMode},
	// A redirect's Location with a user name or password (Chromium prints
	// the location as '').
	{lazyre.New(`^Redirect location '(.*)' contains a username and password, which is disallowed for cross-origin requests\.$`), console.RedirectContainsCredentials},
	// A redirect to a URL of another scheme (with "redirected from").
	{lazyre.New(`^Cross origin requests are only supported for protocol schemes: `), console.RedirectNotHTTP},
}

// chromeNetRedirects are the network errors Chromium prints alone for a
// redirect it refuses, and the kind each stands for.
var chromeNetRedirects = map[string]string{
	"ERR_TOO_MANY_REDIRECTS": console.TooManyRedirects,
	"ERR_UNSAFE_REDIRECT":    console.RedirectNotHTTP, // a data: Location
	"ERR_INVALID_REDIRECT":   console.RedirectBadLocation,
	// net::ERR_FAILED alone, without a CORS message: a redirect met by
	// redirect "error" (only when no status or a redirect's is shown).
	"ERR_FAILED": console.RedirectModeError,
}

const chromePreflightPrefix = "Response to preflight request doesn't pass access control check: "

// The sentences Chromium appends that corsplay's lines leave out: for
// XMLHttpRequest, and those of Chrome 2024 and before (browser-messages.md §2.1).
var chromeSuffixes = []string{
	" The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
	" If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
	" Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
}

// Firefox's lines (engine/console/firefox.go; security.properties). The
// quotes are typographic; a paste that straightened them is read too.
var (
	firefoxBlocked  = lazyre.New(`^Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at [‘']?(.+?)[’']?\. \(Reason: (.*?)\)(?:\. Status code: (\S+))?\.$`)
	firefoxSameMode = lazyre.New(`^Security Error: Content at (\S+) may not load data from (\S+)\.$`)
)

const (
	lq = `[‘']` // Firefox's opening quote
	rq = `[’']` // and closing quote
)

var firefoxReasons = []struct {
	re   *lazyre.Regexp
	kind string
}{
	{lazyre.New(`^CORS header ` + lq + `Access-Control-Allow-Origin` + rq + ` missing$`), console.MissingAllowOriginHeader},
	{lazyre.New(`^Multiple CORS header ` + lq + `Access-Control-Allow-Origin` + rq + ` not allowed$`), console.MultipleAllowOriginValues},
	{lazyre.New(`^CORS header ` + lq + `Access-Control-Allow-Origin` + rq + ` does not match ` + lq + `(.*)` + rq + `$`), console.AllowOriginMismatch},
	{lazyre.New(`^Credential is not supported if the CORS header ` + lq + `Access-Control-Allow-Origin` + rq + ` is ` + lq + `\*` + rq + `$`), console.WildcardOriginNotAllowed},
	{lazyre.New(`^expected ` + lq + `true` + rq + ` in CORS header ` + lq + `Access-Control-Allow-Credentials` + rq + `$`), console.InvalidAllowCredentials},
	{lazyre.New(`^CORS preflight (?:response|channel) did not succeed$`), console.PreflightInvalidStatus},
	{lazyre.New(`^CORS request external redirect not allowed$`), console.PreflightDisallowedRedirect},
	{lazyre.New(`^invalid token ` + lq + `(.*)` + rq + ` in CORS header ` + lq + `Access-Control-Allow-Methods` + rq + `$`), console.InvalidAllowMethodsPreflightResponse},
	{lazyre.New(`^invalid token ` + lq + `(.*)` + rq + ` in CORS header ` + lq + `Access-Control-Allow-Headers` + rq + `$`), console.InvalidAllowHeadersPreflightResponse},
	{lazyre.New(`^Did not find method in CORS header ` + lq + `Access-Control-Allow-Methods` + rq + `$`), console.MethodDisallowedByPreflightResponse},
	{lazyre.New(`^header ` + lq + `(.*)` + rq + ` is not allowed according to header ` + lq + `Access-Control-Allow-Headers` + rq + ` from CORS preflight response$`), console.HeaderDisallowedByPreflightResponse},
	// Firefox before 2020 (security.properties' older key).
	{lazyre.New(`^missing token ` + lq + `(.*)` + rq + ` in CORS header ` + lq + `Access-Control-Allow-Headers` + rq + ` from CORS preflight channel$`), console.HeaderDisallowedByPreflightResponse},
}

// firefoxDidNotSucceed is the reason Firefox adds after a failed
// preflight or a redirect it refused, and prints alone when no response
// came at all.
var firefoxDidNotSucceed = lazyre.New(`^CORS request did not succeed$`)

// firefoxNotHTTP is the reason for a URL of another scheme than http or
// https: a redirect's Location (named), or a file:// page's request.
var firefoxNotHTTP = lazyre.New(`^CORS request not (?i:http)$`)

// Safari's lines (engine/console/webkit.go; CrossOriginAccessControl.cpp).
var (
	safariCannotLoad = lazyre.New(`^(?:Fetch API|XMLHttpRequest) cannot load (.+) due to access control checks\.$`)
	safariSameMode   = lazyre.New(`^Fetch API cannot load (\S+)\.$`)
	safariLoadFailed = "Failed to load resource: "
	// safariStarts are the first words of WebKit's lines, to try its
	// patterns only on lines that may match.
	safariStarts = lazyre.New(`^(?:Failed to load resource: )?(?:Origin |Access-Control-Allow-Origin |Cannot use |Credentials |Preflight |Header |Method |Request header |Fetch API |Cross-origin redirection to |Load cannot |Not allowed to follow |FTP URLs |Unsafe attempt |No-Cors mode )`)
	// A redirect's response failed: where it led, and the reason.
	safariRedirection = lazyre.New(`^Cross-origin redirection to (.*?) denied by Cross-Origin Resource Sharing policy: (.*)$`)
)

var safariReasons = []struct {
	re   *lazyre.Regexp
	kind string
}{
	// Missing, mismatched or invalid: one text (status 0 or none in older Safari).
	{lazyre.New(`^Origin (\S+) is not allowed by Access-Control-Allow-Origin\.(?: Status code: (\d+))?$`), console.MissingAllowOriginHeader},
	{lazyre.New(`^Access-Control-Allow-Origin cannot contain more than one origin\.$`), console.MultipleAllowOriginValues},
	{lazyre.New(`^Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true\.$`), console.WildcardOriginNotAllowed},
	{lazyre.New(`^Credentials flag is true, but Access-Control-Allow-Credentials is not "true"\.$`), console.InvalidAllowCredentials},
	{lazyre.New(`^Preflight response is not successful\.(?: Status code: (\d+))?$`), console.PreflightInvalidStatus},
	{lazyre.New(`^Header Access-Control-Allow-Methods has an invalid value: (.*)$`), console.InvalidAllowMethodsPreflightResponse},
	{lazyre.New(`^Header Access-Control-Allow-Headers has an invalid value: (.*)$`), console.InvalidAllowHeadersPreflightResponse},
	{lazyre.New(`^Method (\S+) is not allowed by Access-Control-Allow-Methods\.$`), console.MethodDisallowedByPreflightResponse},
	{lazyre.New(`^Request header field (\S+) is not allowed by Access-Control-Allow-Headers\.$`), console.HeaderDisallowedByPreflightResponse},
	// Redirects of the request.
	{lazyre.New(`^Load cannot follow more than 20 redirections$`), console.TooManyRedirects},
	{lazyre.New(`^Not allowed to follow a redirection while loading (\S+)$`), console.RedirectModeError},
	{lazyre.New(`^redirection URL (\S+) has credentials$`), console.RedirectContainsCredentials},
	{lazyre.New(`^not allowed to follow a cross-origin CORS redirection with non CORS scheme$`), console.RedirectNotHTTP},
	{lazyre.New(`^FTP URLs are disabled$`), console.RedirectNotHTTP},
	{lazyre.New(`^Unsafe attempt to load URL (\S+) from origin (\S+)\. Domains, protocols and ports must match\.$`), console.RedirectDisallowedByMode},
	{lazyre.New(`^No-Cors mode requires follow redirect mode$`), console.NoCORSRedirectMode},
}

// unsupported are CORS messages of features corsplay does not model, and
// what to tell the reader.
var unsupported = []struct {
	re  *lazyre.Regexp
	why string
	// redirect, when set, tells the same message about a redirect, which
	// corsplay does model.
	redirect func(text string) bool
}{
	{lazyre.New("address space|Private-Network|Local Network|private network request"), "this is Chrome's Private/Local Network Access check (a public page calling a private or loopback address), which corsplay does not model yet: serve the page from the same kind of address as the API, or answer the preflight with Access-Control-Allow-Private-Network: true", nil},
	{lazyre.New(`Cross origin requests are only supported for protocol schemes|CORS request not (?i:http)`), "the page was opened from a file:// URL, and browsers do not let such a page fetch with CORS: serve it over http://localhost instead (for example python3 -m http.server)", redirectToScheme},
	{lazyre.New(`\(Reason: CORS disabled\)`), "CORS is turned off in this Firefox (content.cors.disable in about:config): turn it back on", nil},
	{lazyre.New(`\(Reason: CORS header ` + lq + `Origin` + rq + ` cannot be added\)`), "Firefox could not add the Origin header (an extension or a proxy got in the way), which no server can fix", nil},
}

// redirectToScheme tells a redirect to a URL of another scheme from a
// file:// page's request: Chrome says where the request was redirected
// from; Firefox names the redirect's Location, which is no file: URL.
func redirectToScheme(text string) bool {
	if strings.HasPrefix(text, "Access to ") {
		m := chromeAccess.FindStringSubmatch(text)
		return m != nil && m[3] != ""
	}
	m := firefoxBlocked.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	scheme, _, ok := strings.Cut(m[1], ":")
	return ok && scheme != "" && !strings.EqualFold(scheme, "file") && !strings.ContainsAny(scheme, "/ ")
}

// importConsole reads console output: the first failure it names.
func importConsole(text string) (Result, error) {
	lines := cleanLines(text)
	f, err := readFailure(lines)
	if err != nil {
		return Result{}, err
	}
	return reproduce(f)
}

// readFailure finds the first main line and reads the lines of the same
// fetch() around it; a note counts the failures after it.
func readFailure(lines []consoleLine) (failureSeen, error) {
	var netErr, netFailed *consoleLine
	for i, l := range lines {
		f, ok, err := mainAt(lines, i)
		if err != nil {
			return failureSeen{}, err
		}
		if ok {
			f.addChromeNetLine(lines[i+1 : min(len(lines), i+6)])
			if n, first := othersAfter(lines, i, f); n > 0 {
				more := fmt.Sprint(n)
				if n == maxOthers {
					more = fmt.Sprintf("%d or more", n)
				}
				f.notes = append(f.notes, fmt.Sprintf("The paste holds %s other CORS failures (the next at line %d): corsplay imported the first. Paste another alone to import it.", more, first))
			}
			return f, nil
		}
		if strings.Contains(l.text, "net::ERR_") && chromeNetErr.MatchString(l.text) {
			switch {
			case !strings.Contains(l.text, "ERR_FAILED"):
				if netErr == nil {
					netErr = &lines[i]
				}
			case netFailed == nil:
				netFailed = &lines[i]
			}
		}
	}
	if netErr != nil {
		code := chromeNetErr.FindStringSubmatch(netErr.text)[1]
		if f, ok := chromeNetFailure(*netErr, code); ok {
			return f, nil
		}
		return failureSeen{}, errorAt(netErr.n, "Chrome failed with net::%s and printed no CORS message: the request got no response (%s), which no CORS header can fix. Check that the server runs and that the URL is right (curl -i URL)", code, netErrorWords(code))
	}
	if netFailed != nil {
		if f, ok := chromeNetFailure(*netFailed, "ERR_FAILED"); ok {
			return f, nil
		}
	}
	return failureSeen{}, ErrUnrecognised
}

// chromeNetFailure reads a network error Chromium prints alone for a
// redirect it refused ("Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
// or DevTools' "GET https://… net::ERR_TOO_MANY_REDIRECTS"). net::ERR_FAILED
// counts only bare or with a redirect's status: with another, it is the
// failed load of a CORS failure whose message was not pasted.
func chromeNetFailure(l consoleLine, code string) (failureSeen, bool) {
	kind, ok := chromeNetRedirects[code]
	if !ok {
		return failureSeen{}, false
	}
	f := failureSeen{browser: engine.Chrome, kind: kind, line: l.n, printed: l.text, preflight: preflightNo}
	m := chromeNetLine.FindStringSubmatch(l.text)
	if m != nil {
		f.method, f.url = m[1], m[2]
		f.status, _ = strconv.Atoi(m[4])
	}
	if code == "ERR_FAILED" && (m == nil && l.text != "Failed to load resource: net::ERR_FAILED" || m != nil && !IsRedirectStatus(f.status)) {
		return failureSeen{}, false
	}
	return f, true
}

// IsRedirectStatus reports a status that redirects with a Location.
// https://fetch.spec.whatwg.org/#redirect-status
func IsRedirectStatus(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// mainAt reads lines[i] as a main line, if it is one.
func mainAt(lines []consoleLine, i int) (failureSeen, bool, error) {
	l := lines[i]
	if strings.HasPrefix(l.text, "Access to ") || strings.HasPrefix(l.text, "Cross-Origin Request Blocked: ") {
		for _, u := range unsupported {
			if u.re.MatchString(l.text) && (u.redirect == nil || !u.redirect(l.text)) {
				return failureSeen{}, false, errorAt(l.n, "%s", u.why)
			}
		}
	}
	var (
		f  failureSeen
		ok bool
	)
	switch {
	case strings.HasPrefix(l.text, "Access to "):
		f, ok = readChrome(l)
	case strings.HasPrefix(l.text, "Fetch API cannot load ") && chromeSameMode.MatchString(l.text):
		m := chromeSameMode.FindStringSubmatch(l.text)
		f, ok = failureSeen{browser: engine.Chrome, kind: console.DisallowedByMode, url: m[1], origin: m[2], preflight: preflightNo}, true
	case strings.HasPrefix(l.text, "Fetch API cannot load ") && chromeNoCORSRedirect.MatchString(l.text):
		m := chromeNoCORSRedirect.FindStringSubmatch(l.text)
		f, ok = failureSeen{browser: engine.Chrome, kind: console.NoCORSRedirectMode, url: m[1], preflight: preflightNo}, true
	case strings.HasPrefix(l.text, "Unsafe attempt to load URL ") && chromeUnsafeRedirect.MatchString(l.text):
		m := chromeUnsafeRedirect.FindStringSubmatch(l.text)
		f, ok = failureSeen{browser: engine.Chrome, kind: console.RedirectDisallowedByMode, url: m[1], origin: originOfURL(m[2]), preflight: preflightNo}, true
	case strings.HasPrefix(l.text, "Cross-Origin Request Blocked: "):
		f, ok = readFirefox(l, lines[i+1:min(len(lines), i+3)])
		if !ok && firefoxReason(l.text) == "CORS request did not succeed" {
			// Alone: no response came, or Firefox refused a redirect
			// (more than 20, a Location with a user name or password, a
			// data: URL). Only the second can be reproduced.
			m := firefoxBlocked.FindStringSubmatch(l.text)
			f, ok = failureSeen{browser: engine.Firefox, kind: console.TooManyRedirects, url: m[1], preflight: preflightNo, didNotSucceed: true}, true
			f.notes = append(f.notes, "Firefox printed \"CORS request did not succeed\" alone. Most often the request got no response at all (the server is down, the port or host is wrong, a certificate or the network failed), which no CORS header can fix: check first that the URL answers (curl -i "+m[1]+"). If another \"Cross-Origin Request Blocked\" line came before it, paste that one. Firefox prints the same line when it refuses a redirect, which is what this scenario reproduces.")
		}
	case strings.HasPrefix(l.text, "Security Error: Content at "):
		if m := firefoxSameMode.FindStringSubmatch(l.text); m != nil {
			f, ok = failureSeen{browser: engine.Firefox, kind: console.DisallowedByMode, origin: originOfURL(m[1]), url: m[2], preflight: preflightNo}, true
		}
	case safariStarts.MatchString(l.text):
		f, ok = readSafari(l, lines[max(0, i-2):min(len(lines), i+4)])
	}
	f.line, f.printed = l.n, strings.TrimPrefix(l.text, safariLoadFailed)
	return f, ok, nil
}

// othersAfter counts the main lines after lines[i] that are not f's own:
// not its repeats, nor Safari's network line, nor Firefox's lines of the
// same URL. Each distinct text is read once, and counting stops at
// maxOthers.
func othersAfter(lines []consoleLine, i int, f failureSeen) (n, first int) {
	seen := map[string]bool{f.printed: true, safariLoadFailed + f.printed: true}
	for j := i + 1; j < len(lines) && n < maxOthers; j++ {
		if seen[lines[j].text] {
			continue
		}
		seen[lines[j].text] = true
		g, ok, err := mainAt(lines, j)
		if err != nil || !ok || g.printed == f.printed || g.browser == engine.Firefox && g.url == f.url {
			continue
		}
		if n == 0 {
			first = g.line
		}
		n++
	}
	return n, first
}

// maxOthers is where othersAfter stops counting.
const maxOthers = 100

// netErrorWords says what a network error of Chromium means.
func netErrorWords(code string) string {
	switch {
	case code == "ERR_CONNECTION_REFUSED":
		return "nothing listens on that host and port"
	case code == "ERR_NAME_NOT_RESOLVED":
		return "the host name does not resolve"
	case strings.HasPrefix(code, "ERR_CERT_") || strings.HasPrefix(code, "ERR_SSL_"):
		return "the TLS certificate or handshake failed"
	case code == "ERR_BLOCKED_BY_CLIENT":
		return "an extension such as an ad blocker stopped it"
	}
	return "a network failure"
}

// readChrome reads Chromium's "Access to fetch at …" line.
func readChrome(l consoleLine) (failureSeen, bool) {
	m := chromeAccess.FindStringSubmatch(l.text)
	if m == nil {
		return failureSeen{}, false
	}
	f := failureSeen{browser: engine.Chrome, url: m[2], origin: m[4], initialURL: m[3]}
	body := m[5]
	for _, s := range chromeSuffixes {
		body = strings.TrimSuffix(body, s)
	}
	if rest, ok := strings.CutPrefix(body, chromePreflightPrefix); ok {
		body, f.preflight = rest, preflightYes
	}
	for _, b := range chromeBodies {
		h := b.re.FindStringSubmatch(body)
		if h == nil {
			continue
		}
		f.kind = b.kind
		if len(h) > 1 {
			f.hint, f.hintKnown = decodeHint(h[1]), true
		}
		switch {
		case f.preflight == preflightYes:
			f.kind = console.Preflight + f.kind
		case b.kind == "InvalidStatus" || b.kind == "DisallowedRedirect":
			return failureSeen{}, false // only a preflight's
		case b.kind == console.RedirectNotHTTP:
			if m[3] == "" {
				return failureSeen{}, false // a file:// page's (unsupported)
			}
			// Chromium names the first URL and the Location: the URL
			// that answered the redirect is not said.
			f.url, f.location, f.initialURL, f.preflight = m[3], m[2], "", preflightNo
			f.hint, f.hintKnown = "", false
		case b.kind == console.RedirectContainsCredentials:
			f.preflight = preflightNo
			if f.hint == "" {
				f.hintKnown = false
			}
		case isPreflightKind(b.kind):
			f.preflight = preflightYes
		default:
			f.preflight = preflightNo
		}
		if m[1] != "fetch" {
			f.notes = append(f.notes, "Chrome names the request \""+m[1]+"\": corsplay models fetch(), whose CORS rules and messages are the same, so its line says \"Access to fetch\".")
		}
		return f, true
	}
	return failureSeen{}, false
}

// decodeHint undoes Chromium's EncodeHint: \uXXXX stands for one byte.
func decodeHint(s string) string {
	if !strings.Contains(s, `\u00`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' && s[i+2] == '0' && s[i+3] == '0' {
			if n, err := strconv.ParseUint(s[i+4:i+6], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 5
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isPreflightKind reports the kinds only a preflight fails with.
func isPreflightKind(kind string) bool {
	switch kind {
	case console.InvalidAllowMethodsPreflightResponse, console.InvalidAllowHeadersPreflightResponse,
		console.MethodDisallowedByPreflightResponse, console.HeaderDisallowedByPreflightResponse,
		console.PreflightInvalidStatus, console.PreflightDisallowedRedirect:
		return true
	}
	return strings.HasPrefix(kind, console.Preflight)
}

// addChromeNetLine reads DevTools' "GET https://… net::ERR_FAILED 200 (OK)"
// line of the same URL, which gives the method and the response's status.
func (f *failureSeen) addChromeNetLine(after []consoleLine) {
	if f.browser != engine.Chrome {
		return
	}
	for _, l := range after {
		if strings.HasPrefix(l.text, "Access to ") {
			return // the next failure's
		}
		m := chromeNetLine.FindStringSubmatch(l.text)
		if m == nil || m[3] != "net::ERR_FAILED" || !sameURL(m[2], f.url) {
			continue
		}
		f.method = m[1]
		// The status is the request's response; a failed preflight's
		// request has none.
		if n, err := strconv.Atoi(m[4]); err == nil && f.preflight == preflightNo {
			f.status = n
		}
		return
	}
}

// sameURL compares two printed URLs, the fragment aside (DevTools' network
// line drops it).
func sameURL(a, b string) bool {
	a, _, _ = strings.Cut(a, "#")
	b, _, _ = strings.Cut(b, "#")
	return a == b
}

// firefoxReason is the text between "(Reason: " and ")" of a Firefox line.
func firefoxReason(text string) string {
	if m := firefoxBlocked.FindStringSubmatch(text); m != nil {
		return m[2]
	}
	return ""
}

// readFirefox reads a "Cross-Origin Request Blocked" line and the lines of
// the same URL after it: a preflight's failure ends with "CORS request did
// not succeed".
func readFirefox(l consoleLine, after []consoleLine) (failureSeen, bool) {
	m := firefoxBlocked.FindStringSubmatch(l.text)
	if m == nil {
		return failureSeen{}, false
	}
	f := failureSeen{browser: engine.Firefox, url: m[1]}
	if firefoxNotHTTP.MatchString(m[2]) {
		// A redirect to another scheme: the line names the Location, and
		// "did not succeed" the URL that answered the redirect.
		f.kind, f.location, f.url, f.preflight = console.RedirectNotHTTP, m[1], "", preflightNo
		for _, a := range after {
			if n := firefoxBlocked.FindStringSubmatch(a.text); n != nil && firefoxDidNotSucceed.MatchString(n[2]) {
				f.url, f.didNotSucceed = n[1], true
				break
			}
		}
		return f, true
	}
	for _, r := range firefoxReasons {
		h := r.re.FindStringSubmatch(m[2])
		if h == nil {
			continue
		}
		f.kind = r.kind
		if len(h) > 1 {
			f.hint, f.hintKnown = h[1], true
		}
		if n, err := strconv.Atoi(m[3]); err == nil {
			f.status = n
		}
		if isPreflightKind(r.kind) {
			f.preflight = preflightYes
		}
		for _, a := range after {
			n := firefoxBlocked.FindStringSubmatch(a.text)
			if n == nil || n[1] != f.url {
				break
			}
			switch {
			case r.kind == console.PreflightDisallowedRedirect && strings.HasPrefix(n[2], "CORS preflight"):
				if s, err := strconv.Atoi(n[3]); err == nil {
					f.status = s
				}
			case firefoxDidNotSucceed.MatchString(n[2]):
				// A preflight failed, or a redirect (of status f.status).
				f.preflight, f.didNotSucceed = preflightYes, true
			}
		}
		if f.preflight == preflightUnknown {
			f.preflight = preflightNo
		}
		return f, true
	}
	return failureSeen{}, false
}

// readSafari reads WebKit's lines: the reason (security), "Fetch API cannot
// load URL due to access control checks." (javascript) and "Failed to load
// resource: " + the reason (network). The main line is the first reason; a
// network line alone stands for it. near are the lines around l.
func readSafari(l consoleLine, near []consoleLine) (failureSeen, bool) {
	text := strings.TrimPrefix(l.text, safariLoadFailed)
	f := failureSeen{browser: engine.Safari}
	if m := safariRedirection.FindStringSubmatch(text); m != nil {
		// The response was a redirect, and failed: the reason follows.
		f.location, text, f.preflight = m[1], m[2], preflightNo
	}
	matched := false
	for _, r := range safariReasons {
		h := r.re.FindStringSubmatch(text)
		if h == nil {
			continue
		}
		matched = true
		f.kind = r.kind
		switch r.kind {
		case console.MissingAllowOriginHeader:
			f.origin = h[1]
			if f.origin == "null" {
				// The Origin sent, not the page's: a redirect tainted it
				// (or the page's own origin is opaque).
				f.origin, f.requestOrigin = "", "null"
			}
			f.status, _ = strconv.Atoi(h[2])
		case console.RedirectModeError:
			f.url, f.preflight = h[1], preflightNo
		case console.RedirectDisallowedByMode:
			f.url, f.origin, f.preflight = h[1], h[2], preflightNo
		case console.TooManyRedirects, console.RedirectNotHTTP, console.NoCORSRedirectMode:
			f.preflight = preflightNo
		case console.RedirectContainsCredentials:
			f.hint, f.hintKnown, f.preflight = h[1], true, preflightNo
		case console.PreflightInvalidStatus:
			f.status, _ = strconv.Atoi(h[1])
			f.preflight = preflightYes
		default:
			if len(h) > 1 {
				f.hint, f.hintKnown = h[1], true
			}
			if isPreflightKind(r.kind) {
				f.preflight = preflightYes
			}
		}
		break
	}
	if !matched {
		m := safariSameMode.FindStringSubmatch(l.text)
		if m == nil || strings.HasSuffix(l.text, "due to access control checks.") {
			return failureSeen{}, false
		}
		f.kind, f.url, f.preflight = console.DisallowedByMode, m[1], preflightNo
		return f, true
	}
	if f.location != "" && f.preflight != preflightNo {
		return failureSeen{}, false // a preflight's reason: never a redirect's
	}
	// The URL is on the javascript line, next to it.
	for _, a := range near {
		if m := safariCannotLoad.FindStringSubmatch(a.text); m != nil && f.url == "" {
			f.url = m[1]
			break
		}
	}
	return f, true
}

// originOfURL is the serialized origin of an absolute URL, or s itself
// when it does not parse.
func originOfURL(s string) string {
	if o, ok := originOf(s); ok {
		return o
	}
	return strings.TrimSuffix(s, "/")
}
