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
// add a method, a status, a URL or the fact that a preflight failed. The
// message texts are the engine's catalogues (engine/console), which the
// differential suite proves against the real browsers.

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
	notes     []string
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
// preflight, and prints alone when no response came at all.
var firefoxDidNotSucceed = lazyre.New(`^CORS request did not succeed$`)

// Safari's lines (engine/console/webkit.go; CrossOriginAccessControl.cpp).
var (
	safariCannotLoad = lazyre.New(`^(?:Fetch API|XMLHttpRequest) cannot load (.+) due to access control checks\.$`)
	safariSameMode   = lazyre.New(`^Fetch API cannot load (\S+)\.$`)
	safariLoadFailed = "Failed to load resource: "
	// safariStarts are the first words of WebKit's lines, to try its
	// patterns only on lines that may match.
	safariStarts = lazyre.New(`^(?:Failed to load resource: )?(?:Origin |Access-Control-Allow-Origin |Cannot use |Credentials |Preflight |Header |Method |Request header |Fetch API )`)
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
}

// unsupported are CORS messages of features corsplay does not model, and
// what to tell the reader.
var unsupported = []struct {
	re  *lazyre.Regexp
	why string
}{
	{lazyre.New("address space|Private-Network|Local Network|private network request"), "this is Chrome's Private/Local Network Access check (a public page calling a private or loopback address), which corsplay does not model yet: serve the page from the same kind of address as the API, or answer the preflight with Access-Control-Allow-Private-Network: true"},
	{lazyre.New(`Cross origin requests are only supported for protocol schemes|CORS request not HTTP`), "the page was opened from a file:// URL, and browsers do not let such a page fetch with CORS: serve it over http://localhost instead (for example python3 -m http.server)"},
	{lazyre.New(`\(Reason: CORS disabled\)`), "CORS is turned off in this Firefox (content.cors.disable in about:config): turn it back on"},
	{lazyre.New(`\(Reason: CORS header ` + lq + `Origin` + rq + ` cannot be added\)`), "Firefox could not add the Origin header (an extension or a proxy got in the way), which no server can fix"},
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
	var netErr *consoleLine
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
		if netErr == nil && strings.Contains(l.text, "net::ERR_") && !strings.Contains(l.text, "ERR_FAILED") && chromeNetErr.MatchString(l.text) {
			netErr = &lines[i]
		}
	}
	if netErr != nil {
		code := chromeNetErr.FindStringSubmatch(netErr.text)[1]
		return failureSeen{}, errorAt(netErr.n, "Chrome failed with net::%s and printed no CORS message: the request got no response (%s), which no CORS header can fix. Check that the server runs and that the URL is right (curl -i URL)", code, netErrorWords(code))
	}
	return failureSeen{}, ErrUnrecognised
}

// mainAt reads lines[i] as a main line, if it is one.
func mainAt(lines []consoleLine, i int) (failureSeen, bool, error) {
	l := lines[i]
	if strings.HasPrefix(l.text, "Access to ") || strings.HasPrefix(l.text, "Cross-Origin Request Blocked: ") {
		for _, u := range unsupported {
			if u.re.MatchString(l.text) {
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
	case strings.HasPrefix(l.text, "Cross-Origin Request Blocked: "):
		f, ok = readFirefox(l, lines[i+1:min(len(lines), i+3)])
		if !ok && firefoxReason(l.text) == "CORS request did not succeed" {
			return failureSeen{}, false, errorAt(l.n, "Firefox printed \"CORS request did not succeed\" alone: the request got no response at all (the server is down, the port or host is wrong, a certificate or the network failed). That is not a CORS rule the server can fix with headers: check that the URL answers (curl -i URL). If another \"Cross-Origin Request Blocked\" line came before it, paste that one")
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
	f := failureSeen{browser: engine.Chrome, url: m[2], origin: m[4]}
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
		case isPreflightKind(b.kind):
			f.preflight = preflightYes
		default:
			f.preflight = preflightNo
		}
		if m[1] != "fetch" {
			f.notes = append(f.notes, "Chrome names the request \""+m[1]+"\": corsplay models fetch(), whose CORS rules and messages are the same, so its line says \"Access to fetch\".")
		}
		if m[3] != "" {
			f.notes = append(f.notes, "The request was redirected from "+m[3]+": corsplay does not follow redirects yet, so the scenario fetches "+m[2]+" directly.")
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
				f.preflight = preflightYes
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
			f.status, _ = strconv.Atoi(h[2])
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
	// The URL is on the javascript line, next to it.
	for _, a := range near {
		if m := safariCannotLoad.FindStringSubmatch(a.text); m != nil {
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
