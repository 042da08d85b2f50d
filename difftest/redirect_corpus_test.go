package difftest

import (
	"fmt"
	"strings"

	"corsplay/engine"
)

// The suite must keep at least this many redirect scenarios.
const minRedirectScenarios = 60

// Two more origins redirects reach: one another host (localhost, like the
// API's, on the wire) and one another port of the page's host.
const (
	genLogin = "https://login.example.com"
	genCDN   = "https://cdn.example.net"
)

// redirectTargets are where the API's redirect sends the request.
var redirectTargets = []struct {
	name, location string
	elsewhere      string // the origin of the server that answers it ("" the API's)
}{
	{"the API itself", "/next", ""},
	{"another origin", genLogin + "/next", genLogin},
	{"back to the page's origin", genPage + "/next", genPage},
	{"a third origin", genCDN + "/next", genCDN},
}

// redirectScenario is a GET (unless req says otherwise) from genPage to
// genAPI/r, answered by api, with servers elsewhere.
func redirectScenario(title string, req engine.Request, api engine.Server, elsewhere ...engine.Elsewhere) engine.Scenario {
	if req.URL == "" {
		req.URL = genAPI + "/r"
	}
	return engine.Scenario{V: engine.Version, Title: "redirect: " + title, Page: genPage, Request: req, Server: api, Elsewhere: elsewhere}
}

func raw(preflight, actual *engine.Response) engine.Server {
	return engine.Server{Raw: &engine.RawServer{Preflight: preflight, Actual: actual}}
}

func at(origin string, s engine.Server) engine.Elsewhere {
	return engine.Elsewhere{URL: origin + "/", Server: s}
}

// redirect is a redirect response with Location and, unless acao is "", an
// Access-Control-Allow-Origin.
func redirect(status int, location, acao string, more ...string) *engine.Response {
	r := resp(status, "Location", location)
	if acao != "" {
		r.Headers = append(r.Headers, engine.Header{Name: "Access-Control-Allow-Origin", Value: acao})
	}
	r.Headers = append(r.Headers, hdrs(more...)...)
	return r
}

// generatedRedirects returns the redirect chains: each target with each
// answer on the way, then methods and statuses, preflights, credentials,
// redirect modes, Location forms and the redirect limit.
func generatedRedirects() []engine.Scenario {
	var out []engine.Scenario
	add := func(s engine.Scenario) { out = append(out, s) }
	acaos := []string{"", "*", genPage}
	finals := []string{"*", genPage, "null"}
	for _, t := range redirectTargets {
		for _, via := range acaos {
			for _, final := range finals {
				last := raw(nil, resp(200, "Access-Control-Allow-Origin", final, "Content-Type", "text/plain"))
				title := fmt.Sprintf("to %s, redirect ACAO %q, final ACAO %q", t.name, via, final)
				if t.elsewhere == "" {
					add(redirectScenario(title, engine.Request{}, raw(nil, redirect(302, t.location, via)),
						engine.Elsewhere{URL: genAPI + "/next", Server: last}))
					continue
				}
				add(redirectScenario(title, engine.Request{}, raw(nil, redirect(302, t.location, via)), at(t.elsewhere, last)))
			}
		}
	}
	// Credentials across a tainting redirect.
	for _, final := range [][]string{{"null", "true"}, {genPage, "true"}, {"*", "true"}, {"null", ""}} {
		last := resp(200, "Access-Control-Allow-Origin", final[0])
		if final[1] != "" {
			last.Headers = append(last.Headers, engine.Header{Name: "Access-Control-Allow-Credentials", Value: final[1]})
		}
		add(redirectScenario(fmt.Sprintf("credentialed, to another origin answering ACAO %q ACAC %q", final[0], final[1]),
			engine.Request{Credentials: "include"},
			raw(nil, redirect(302, genLogin+"/next", genPage, "Access-Control-Allow-Credentials", "true")),
			at(genLogin, raw(nil, last))))
	}
	// Methods and statuses: what reaches the next server.
	body := "a=1"
	allowAll := resp(204, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "PUT, DELETE", "Access-Control-Allow-Headers", "*")
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, m := range []string{"POST", "PUT"} {
			req := engine.Request{Method: m, Body: &body, Headers: hdrs("Content-Type", "text/plain", "Content-Language", "en")}
			add(redirectScenario(fmt.Sprintf("%s with a body, %d to another origin", m, status), req,
				raw(allowAll, redirect(status, genLogin+"/next", "*")),
				at(genLogin, raw(allowAll, resp(200, "Access-Control-Allow-Origin", "*")))))
		}
		add(redirectScenario(fmt.Sprintf("HEAD, %d to the API itself", status), engine.Request{Method: "HEAD"},
			raw(nil, redirect(status, "/next", "*")), engine.Elsewhere{URL: genAPI + "/next", Server: raw(nil, resp(200, "Access-Control-Allow-Origin", "*"))}))
	}
	// Preflights on the way.
	add(redirectScenario("PUT, 307 to another origin that has no preflight answer", engine.Request{Method: "PUT"},
		raw(allowAll, redirect(307, genLogin+"/next", "*")), at(genLogin, raw(nil, resp(200, "Access-Control-Allow-Origin", "*")))))
	add(redirectScenario("PUT, 307 to the API itself: a second preflight", engine.Request{Method: "PUT"},
		raw(allowAll, redirect(307, "/next", "*")), engine.Elsewhere{URL: genAPI + "/next", Server: raw(allowAll, resp(200, "Access-Control-Allow-Origin", "*"))}))
	add(redirectScenario("PUT, 303 to the API itself: GET, preflighted or not", engine.Request{Method: "PUT"},
		raw(allowAll, redirect(303, "/next", "*")), engine.Elsewhere{URL: genAPI + "/next", Server: raw(nil, resp(200, "Access-Control-Allow-Origin", "*"))}))
	add(redirectScenario("X-Token, 302 to another origin allowing it", engine.Request{Headers: hdrs("X-Token", "1")},
		raw(allowAll, redirect(302, genLogin+"/next", "*")), at(genLogin, raw(allowAll, resp(200, "Access-Control-Allow-Origin", "*")))))
	add(redirectScenario("Authorization, 302 to another origin: dropped, no second preflight", engine.Request{Headers: hdrs("Authorization", "Bearer t")},
		raw(allowAll, redirect(302, genLogin+"/next", "*")), at(genLogin, raw(nil, resp(200, "Access-Control-Allow-Origin", "*")))))
	add(redirectScenario("Authorization, 302 to another origin that allows it", engine.Request{Headers: hdrs("Authorization", "Bearer t")},
		raw(allowAll, redirect(302, genLogin+"/next", "*")), at(genLogin, raw(allowAll, resp(200, "Access-Control-Allow-Origin", "*")))))
	add(redirectScenario("Authorization, 302 to the API itself: kept", engine.Request{Headers: hdrs("Authorization", "Bearer t")},
		raw(allowAll, redirect(302, "/next", "*")), engine.Elsewhere{URL: genAPI + "/next", Server: raw(allowAll, resp(200, "Access-Control-Allow-Origin", "*"))}))
	add(redirectScenario("PUT with a preflight that allows the page, 307 to another origin: Origin null in its preflight", engine.Request{Method: "PUT"},
		raw(resp(204, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Methods", "PUT"), redirect(307, genLogin+"/next", genPage)),
		at(genLogin, raw(resp(204, "Access-Control-Allow-Origin", genPage, "Access-Control-Allow-Methods", "PUT"), resp(200, "Access-Control-Allow-Origin", "*")))))
	// Starting on the page's own origin.
	for _, acao := range []string{"", genPage, "*"} {
		add(redirectScenario(fmt.Sprintf("same-origin GET to the API answering ACAO %q", acao), engine.Request{URL: genPage + "/r"},
			raw(nil, redirect(302, genAPI+"/next", "")), at(genAPI, raw(nil, resp(200, "Access-Control-Allow-Origin", acao)))))
	}
	add(redirectScenario("same-origin POST, 307 to the API", engine.Request{URL: genPage + "/r", Method: "POST", Body: &body},
		raw(nil, redirect(307, genAPI+"/next", "")), at(genAPI, raw(nil, resp(200, "Access-Control-Allow-Origin", genPage)))))
	add(redirectScenario("same-origin, to the API, back to the page", engine.Request{URL: genPage + "/r"},
		raw(nil, redirect(302, genAPI+"/next", "")), at(genAPI, raw(nil, redirect(302, genPage+"/last", "*"))),
		engine.Elsewhere{URL: genPage + "/last", Server: raw(nil, resp(200, "Access-Control-Allow-Origin", "*"))}))
	for _, acac := range []string{"", "true"} {
		add(redirectScenario(fmt.Sprintf("same-origin, to the API redirecting with ACAO page and ACAC %q", acac), engine.Request{URL: genPage + "/r"},
			raw(nil, redirect(302, genAPI+"/next", "")), at(genAPI, raw(nil, redirect(302, genLogin+"/last", genPage, "Access-Control-Allow-Credentials", acac))),
			at(genLogin, raw(nil, resp(200, "Access-Control-Allow-Origin", "*")))))
	}
	add(redirectScenario("same-origin, redirected on the page's origin", engine.Request{URL: genPage + "/r"},
		raw(nil, redirect(301, "/next", "")), engine.Elsewhere{URL: genPage + "/next", Server: raw(nil, resp(200, "X-Seen", "1"))}))
	add(redirectScenario("mode same-origin, redirected to the API", engine.Request{URL: genPage + "/r", Mode: "same-origin"},
		raw(nil, redirect(302, genAPI+"/next", "")), at(genAPI, raw(nil, resp(200, "Access-Control-Allow-Origin", "*")))))
	// Redirect modes.
	for _, mode := range []string{"error", "manual"} {
		for _, acao := range []string{"", "*"} {
			add(redirectScenario(fmt.Sprintf("redirect %s, the API's redirect with ACAO %q", mode, acao), engine.Request{Redirect: mode},
				raw(nil, redirect(302, genLogin+"/next", acao)), at(genLogin, raw(nil, resp(200, "Access-Control-Allow-Origin", "*")))))
		}
		add(redirectScenario(fmt.Sprintf("redirect %s, on the page's origin", mode), engine.Request{URL: genPage + "/r", Redirect: mode},
			raw(nil, redirect(302, "/next", ""))))
		add(redirectScenario(fmt.Sprintf("redirect %s, a 302 without Location", mode), engine.Request{Redirect: mode},
			raw(nil, resp(302, "Access-Control-Allow-Origin", "*"))))
		add(redirectScenario(fmt.Sprintf("no-cors, redirect %s", mode), engine.Request{Mode: "no-cors", Redirect: mode},
			raw(nil, redirect(302, genLogin+"/next", ""))))
	}
	add(redirectScenario("no-cors, to another origin", engine.Request{Mode: "no-cors"},
		raw(nil, redirect(302, genLogin+"/next", "")), at(genLogin, raw(nil, resp(200)))))
	add(redirectScenario("no-cors POST, 307 to another origin, to a third", engine.Request{Mode: "no-cors", Method: "POST", Body: &body},
		raw(nil, redirect(307, genLogin+"/next", "")), at(genLogin, raw(nil, redirect(307, genCDN+"/last", ""))), at(genCDN, raw(nil, resp(200)))))
	// Location forms.
	for _, loc := range []struct{ name, location string }{
		{"a relative path", "next"},
		{"dot segments", "./a/../next?x=1"},
		{"a fragment", "/next#frag"},
		{"spaces around it", "  /next  "},
		{"a user name and password, same origin", "https://user:pw@" + strings.TrimPrefix(genAPI, "https://") + "/next"},
		{"a user name and password, another origin", "https://user:pw@" + strings.TrimPrefix(genLogin, "https://") + "/next"},
		{"a data: URL", "data:text/plain,hi"},
		{"an ftp: URL", "ftp://ftp.example.com/next"},
		{"a mailto: URL", "mailto:someone@example.com"},
		{"no host", "http://"},
	} {
		add(redirectScenario("Location with "+loc.name, engine.Request{},
			raw(nil, redirect(302, loc.location, "*")),
			engine.Elsewhere{URL: genAPI + "/next", Server: raw(nil, resp(200, "Access-Control-Allow-Origin", "*"))}, at(genLogin, raw(nil, resp(200, "Access-Control-Allow-Origin", "*")))))
	}
	add(redirectScenario("a fragment in the URL, kept across the redirect", engine.Request{URL: genAPI + "/r#top"},
		raw(nil, redirect(302, genLogin+"/next", "*")), at(genLogin, raw(nil, resp(200, "Access-Control-Allow-Origin", "*", "Content-Type", "text/plain")))))
	add(redirectScenario("a 302 without Location is the final response", engine.Request{}, raw(nil, resp(302, "Access-Control-Allow-Origin", "*"))))
	add(redirectScenario("a 300 with Location is not a redirect", engine.Request{}, raw(nil, redirect(300, genLogin+"/next", "*"))))
	add(redirectScenario("to a URL no server answers", engine.Request{}, raw(nil, redirect(302, genLogin+"/next", "*"))))
	add(redirectScenario("to another origin that fails with 500 and no CORS", engine.Request{},
		raw(nil, redirect(302, genLogin+"/next", "*")), at(genLogin, raw(nil, resp(500, "Content-Type", "text/plain")))))
	add(redirectScenario("another origin redirects on to a third", engine.Request{},
		raw(nil, redirect(302, genLogin+"/next", "*")), at(genLogin, raw(nil, redirect(302, genCDN+"/last", "*"))),
		at(genCDN, raw(nil, resp(200, "Access-Control-Allow-Origin", "null")))))
	add(redirectScenario("another origin redirects on to a third that allows only the page", engine.Request{},
		raw(nil, redirect(302, genLogin+"/next", "*")), at(genLogin, raw(nil, redirect(302, genCDN+"/last", "*"))),
		at(genCDN, raw(nil, resp(200, "Access-Control-Allow-Origin", genPage)))))
	// The redirect limit: a relative "x/" adds one segment per redirect, so
	// the server at x/ twenty times (or twenty-one) answers after twenty
	// redirects (or would after twenty-one).
	for _, n := range []int{20, 21} {
		add(redirectScenario(fmt.Sprintf("%d redirects", n), engine.Request{URL: genAPI + "/r/"},
			raw(nil, redirect(302, "x/", "*")),
			engine.Elsewhere{URL: genAPI + "/r/" + strings.Repeat("x/", n), Server: raw(nil, resp(200, "Access-Control-Allow-Origin", "*"))}))
	}
	add(redirectScenario("a redirect to itself, forever", engine.Request{}, raw(nil, redirect(302, genAPI+"/r", "*"))))
	return out
}
