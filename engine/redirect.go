package engine

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"corsplay/engine/console"
)

// Redirect modes: what fetch() does with a redirect response.
// https://fetch.spec.whatwg.org/#concept-request-redirect-mode
const (
	RedirectFollow = "follow"
	RedirectError  = "error"
	RedirectManual = "manual"
)

// MaxRedirects is how many redirects a fetch follows: the next one is a
// network error. https://fetch.spec.whatwg.org/#http-redirect-fetch (step 5)
const MaxRedirects = 20

// MaxElsewhere is how many other servers a scenario may name.
const MaxElsewhere = 10

// Elsewhere is another server that a redirect may reach: it answers every
// URL that starts with URL, unless another entry's URL is a longer prefix.
type Elsewhere struct {
	URL    string `json:"url"`
	Server Server `json:"server"`
}

// Hop is one request as it goes on the wire, with its response, and who
// answered it.
type Hop struct {
	// Preflight marks a CORS-preflight request.
	Preflight bool        `json:"preflight,omitempty"`
	Request   HTTPRequest `json:"request"`
	Response  *Response   `json:"response"`
	// Server is "server" (the scenario's server), "elsewhere[i]", or ""
	// when no server answers that URL (404, no CORS header).
	Server string `json:"server"`
	// By names, for a server with layers, who wrote each header line of
	// the response (ByServer or a layer's name), and StatusBy who wrote
	// the status.
	By       []string `json:"by,omitempty"`
	StatusBy string   `json:"statusBy,omitempty"`
}

// Who answers a URL (Scenario.answerer), besides an index into Elsewhere.
const (
	byServer = -1
	byNobody = -2
)

// answerer says who answers rawURL: the Elsewhere entry whose URL is the
// longest prefix of rawURL without its fragment, else the scenario's
// server when rawURL has request.url's origin, else nobody.
func (s Scenario) answerer(rawURL string) int {
	u, _, _ := strings.Cut(rawURL, "#")
	best, bestLen := byNobody, -1
	for i, x := range s.Elsewhere {
		if strings.HasPrefix(u, x.URL) && len(x.URL) > bestLen {
			best, bestLen = i, len(x.URL)
		}
	}
	if best >= 0 {
		return best
	}
	at, err1 := url.Parse(u)
	home, err2 := url.Parse(s.Request.URL)
	if err1 == nil && err2 == nil && OriginOf(at).SameOrigin(OriginOf(home)) {
		return byServer
	}
	return byNobody
}

// nobody is the server at a URL no scenario server answers: it has no CORS
// support and no such resource.
var nobody = Server{Raw: &RawServer{Actual: &Response{Status: 404, Headers: Headers{}}}}

// ServerAt returns the server that answers rawURL in s (see Elsewhere), and
// its name in Hop.Server.
func (s Scenario) ServerAt(rawURL string) (Server, string) {
	switch i := s.answerer(rawURL); i {
	case byServer:
		return s.Server, "server"
	case byNobody:
		return nobody, ""
	default:
		return s.Elsewhere[i].Server, fmt.Sprintf("elsewhere[%d]", i)
	}
}

func (s Scenario) validateElsewhere() error {
	if len(s.Elsewhere) > MaxElsewhere {
		return &FieldError{"elsewhere", fmt.Sprintf("%d servers, at most %d", len(s.Elsewhere), MaxElsewhere)}
	}
	for i, x := range s.Elsewhere {
		field := fmt.Sprintf("elsewhere[%d]", i)
		if x.URL == "" {
			return &FieldError{field + ".url", "missing: the URL (or the start of the URLs) this server answers, such as \"https://login.example.com/\""}
		}
		u, err := parseRequestURL(x.URL)
		if err != nil {
			return &FieldError{field + ".url", err.Error()}
		}
		if u.Fragment != "" || strings.Contains(x.URL, "#") {
			return &FieldError{field + ".url", "a fragment never reaches a server: remove the part from #"}
		}
		if err := x.Server.validate(); err != nil {
			fe := err.(*FieldError)
			return &FieldError{field + "." + fe.Field, fe.Problem}
		}
	}
	return nil
}

// Response tainting: how much of a response the page may see.
// https://fetch.spec.whatwg.org/#concept-request-response-tainting
const (
	taintingBasic  = "basic"
	taintingCORS   = "cors"
	taintingOpaque = "opaque"
)

const (
	specHTTPFetch     = specBase + "#http-fetch"
	specRedirectFetch = specBase + "#http-redirect-fetch"
	specTaintedOrigin = specBase + "#concept-request-tainted-origin"
	specRedirectMode  = specBase + "#concept-request-redirect-mode"
)

// What a response does to the fetch (redirected).
const (
	redirectNone     = iota // the response is the final one
	redirectFollowed        // the browser fetches the next URL
	redirectEnded           // the fetch ended on it: verdict set
)

// redirected handles a response of the current hop: a redirect status is
// refused, returned as an opaque redirect or followed, as request.redirect
// says; following it moves the request to the Location URL.
// https://fetch.spec.whatwg.org/#http-fetch (step 7) and #http-redirect-fetch
func (e *evaluation) redirected(resp Response) int {
	if !IsRedirectStatus(resp.Status) {
		return redirectNone
	}
	location, hasLocation := resp.Headers.Get("Location")
	switch {
	case e.s.Request.Redirect == RedirectError && !hasLocation && profileOf(e.profile).redirectErrorNeedsLocation:
		return redirectNone
	case e.s.Request.Redirect == RedirectError:
		e.redirectFailed(console.Failure{Kind: console.RedirectModeError, Status: resp.Status}, fmt.Sprintf("The server answered %d, a redirect, and the request's redirect mode is \"error\": the fetch fails on any redirect.", resp.Status), specRedirectMode)
		if !hasLocation && !e.brief {
			e.out.Steps[len(e.out.Steps)-1].Differs = "Chrome and Safari take a redirect status without Location as the response itself, even in redirect mode \"error\"; Firefox and the standard fail."
		}
		return redirectEnded
	case e.s.Request.Redirect == RedirectManual:
		e.out.Verdict = OpaqueRedirect
		e.step(Step{ID: "redirect", Title: "Redirect", Status: StepInfo, Spec: specRedirectMode, Message: "actual-response",
			Detail: fmt.Sprintf("The server answered %d and the request's redirect mode is \"manual\": fetch() resolves with an opaque-redirect response (type \"opaqueredirect\", status 0, no headers, no Location), which script can only tell apart from success by its type.", resp.Status)})
		return redirectEnded
	}
	if !hasLocation {
		return redirectNone
	}
	next, err := e.url.Parse(location)
	if err != nil || next.Host == "" && (next.Scheme == "http" || next.Scheme == "https") {
		e.redirectFailed(console.Failure{Kind: console.RedirectBadLocation, Status: resp.Status, Location: location}, fmt.Sprintf("The server answered %d with Location: %s, which is not a URL.", resp.Status, location), specRedirectFetch)
		return redirectEnded
	}
	if next.Fragment == "" && next.RawFragment == "" && !strings.Contains(location, "#") {
		next.Fragment, next.RawFragment = e.url.Fragment, e.url.RawFragment
	}
	if s := strings.ToLower(next.Scheme); s != "http" && s != "https" {
		e.redirectFailed(console.Failure{Kind: console.RedirectNotHTTP, Status: resp.Status, Location: next.String()}, fmt.Sprintf("The server answered %d with Location: %s; a fetch only follows a redirect to an http or https URL.", resp.Status, location), specRedirectFetch)
		return redirectEnded
	}
	if _, err := canonicalPort(next.Port()); err != nil {
		e.redirectFailed(console.Failure{Kind: console.RedirectBadLocation, Status: resp.Status, Location: location}, fmt.Sprintf("The server answered %d with Location: %s, which is not a URL: its %v.", resp.Status, location, err), specRedirectFetch)
		return redirectEnded
	}
	if e.redirects == MaxRedirects {
		e.redirectFailed(console.Failure{Kind: console.TooManyRedirects, Status: resp.Status}, fmt.Sprintf("This is redirect number %d: a fetch follows at most %d.", e.redirects+1, MaxRedirects), specRedirectFetch)
		return redirectEnded
	}
	nextOrigin := OriginOf(next)
	if next.User != nil && (e.s.Request.Mode == ModeCORS && !e.origin.SameOrigin(nextOrigin) || e.tainting == taintingCORS) {
		e.redirectFailed(console.Failure{Kind: console.RedirectContainsCredentials, Status: resp.Status, Hint: next.String(), Location: serializeURL(next)},
			fmt.Sprintf("The server answered %d with Location: %s, a URL with a user name or password: a CORS request never follows one.", resp.Status, location), specRedirectFetch)
		e.out.CORSError = ErrRedirectContainsCredentials
		return redirectEnded
	}
	from := OriginOf(e.url)
	var changes []string
	if (resp.Status == 301 || resp.Status == 302) && e.method == "POST" || resp.Status == 303 && e.method != "GET" && e.method != "HEAD" {
		changes = append(changes, fmt.Sprintf("%d turns %s into GET without a body", resp.Status, e.method))
		e.method = "GET"
		e.headers = slices.DeleteFunc(slices.Clone(e.headers), func(h Header) bool { return isRequestBodyHeader(h.Name) })
	}
	if !from.SameOrigin(nextOrigin) && e.headers.Has("Authorization") {
		changes = append(changes, "Authorization is removed because the redirect goes to another origin")
		e.droppedAuthorization = true
		e.headers = slices.DeleteFunc(slices.Clone(e.headers), func(h Header) bool { return strings.EqualFold(h.Name, "Authorization") })
	}
	// https://fetch.spec.whatwg.org/#concept-request-tainted-origin
	taints := !nextOrigin.SameOrigin(from) && !e.origin.SameOrigin(from)
	detail := fmt.Sprintf("The server answered %d with Location: %s, so the browser now fetches %s (redirect %d of at most %d).", resp.Status, location, serializeURL(next), e.redirects+1, MaxRedirects)
	if len(changes) > 0 {
		detail += " " + upperFirst(strings.Join(changes, "; ")) + "."
	}
	if taints && !e.taintedOrigin {
		e.taintedOrigin = true
		detail += fmt.Sprintf(" A server of another origin (%s) sent the page on to yet another origin, so from now on the request's Origin is null: the next server must allow null or *.", from)
	}
	var differs string
	switch {
	case e.preflighted && e.taintedOrigin:
		differs = "Firefox and Safari preflight the redirected request again whether it needs it or not; Firefox's preflight carries the page's origin, not null."
	case e.preflighted:
		differs = "Firefox and Safari preflight the redirected request again whether it needs it or not; Chrome and the standard only when it does."
	}
	e.step(Step{ID: "redirect", Title: "Follow the redirect", Status: StepInfo, Detail: detail, Spec: specRedirectFetch, Message: "actual-response", Differs: differs})
	e.redirects++
	e.url, e.urlString = next, serializeURL(next)
	e.consoleURL = e.urlString
	if next.Fragment != "" {
		e.consoleURL += "#" + next.EscapedFragment()
	}
	e.out.Preflight = nil
	return redirectFollowed
}

// isRequestBodyHeader: the headers a redirect that drops the body removes.
// https://fetch.spec.whatwg.org/#request-body-header-name
func isRequestBodyHeader(name string) bool {
	switch strings.ToLower(name) {
	case "content-encoding", "content-language", "content-location", "content-type":
		return true
	}
	return false
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// redirectFailed ends the fetch with a network error on a redirect: f is
// a console.Redirect… failure, with what its message quotes.
func (e *evaluation) redirectFailed(f console.Failure, detail, spec string) {
	e.out.Verdict = Blocked
	e.failed(e.failure(f))
	e.step(Step{ID: "redirect", Title: "Follow the redirect", Status: StepFail, Detail: detail + " fetch() rejects with a network error.", Spec: spec, Message: "actual-response"})
}

// sentOrigin is the Origin header's value: null once a redirect tainted
// the request's origin. https://fetch.spec.whatwg.org/#serializing-a-request-origin
func (e *evaluation) sentOrigin() string {
	if e.taintedOrigin {
		return "null"
	}
	return e.originText
}

// redirects reports whether a response of s may be a redirect: another
// server is named, or a raw server's answer has a redirect status and
// Location. Policies and libraries never redirect.
func (s Scenario) redirects() bool {
	if len(s.Elsewhere) > 0 {
		return true
	}
	for _, r := range []*RawServer{s.Server.Raw} {
		if r != nil && r.Actual != nil && IsRedirectStatus(r.Actual.Status) && r.Actual.Headers.Has("Location") {
			return true
		}
	}
	return false
}

// preflightOrigin is the origin a preflight carries and is checked
// against: the request's, or the page's where the profile's browser does
// not taint preflights (preflightUntainted).
func (e *evaluation) preflightOrigin() Origin {
	if profileOf(e.profile).preflightUntainted {
		return e.origin
	}
	return e.requestOrigin()
}

// preflightOriginText is preflightOrigin serialized.
func (e *evaluation) preflightOriginText() string {
	if profileOf(e.profile).preflightUntainted {
		return e.originText
	}
	return e.sentOrigin()
}
