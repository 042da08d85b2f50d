package engine

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// Probe is one origin of the attacker's view: would the browser let script
// on that origin read the server's response?
type Probe struct {
	Origin string `json:"origin"`
	// Kind names how the origin was derived: "trusted", "page",
	// "http-downgrade", "null", "sibling-subdomain", "deeper-subdomain",
	// "apex", "suffix", "prefix", "unescaped-dot", "other-port",
	// "public-suffix", "unrelated" or, for a library, "pattern" (an
	// attacker's origin the library's own pattern matching lets in).
	Kind string `json:"kind"`
	// Why says in words what the origin is.
	Why string `json:"why"`
	// Readable: script there reads the response of a request without
	// cookies; WithCookies: of a request with the user's cookies.
	Readable    bool `json:"readable"`
	WithCookies bool `json:"withCookies"`
	// Risk is "expected" (an origin the policy means to trust), "danger"
	// (anyone can own that origin and reads), "warning" (a weaker origin of
	// the same site reads) or "ok" (refused).
	Risk string `json:"risk"`
}

// Exposure evaluates the server against origins derived from its policy,
// the way CORS scanners probe a live server, but before deployment. For a
// library server the origins come from the policy its configuration
// imports to (plus those the library's own pattern matching lets in), and
// each is sent to the library's emulation, so the view is what that
// library does. It is empty for raw responses.
func Exposure(s Scenario) []Probe {
	s = s.metered()
	return analyse(s, newLibView(s)).probes
}

// exposure derives the probes from the policy's trusted hosts; readable
// says what script on each origin reads (nil: the policy's answer), and
// extra are more origins to try (for a library, the ones its own matching
// lets in). The probing stops where s's meter runs out.
func (c *compiledPolicy) exposure(s Scenario, readable func(Origin) (bool, bool), extra []Probe) []Probe {
	var probes []Probe
	seen := map[string]bool{}
	add := func(origin, kind, why string) {
		if seen[origin] || len(probes) >= maxProbes || s.meter.Exceeded() {
			return
		}
		o, err := ParseOrigin(origin)
		if err != nil {
			return
		}
		seen[origin] = true
		p := Probe{Origin: origin, Kind: kind, Why: why}
		if readable != nil {
			p.Readable, p.WithCookies = readable(o)
		} else {
			p.Readable, p.WithCookies = c.readableFrom(o, s.meter)
		}
		if s.meter.Exceeded() {
			return // an answer cut short by the budget
		}
		p.Risk = probeRisk(p)
		probes = append(probes, p)
	}
	if s.Page != "null" && s.Page != "" {
		add(s.Page, "page", "the page of this scenario")
	}
	for _, t := range trustedHosts(c) {
		base := t.scheme + "://"
		port := ""
		if t.port != "" {
			port = ":" + t.port
		}
		reg := registrableDomain(t.host)
		switch t.kind {
		case "subdomains":
			add(base+"app."+t.host+port, "trusted", "a subdomain the pattern "+t.raw+" is meant to allow")
			add(base+t.host+port, "apex", "the bare domain, which *. does not include")
			add(base+"evil.deep."+t.host+port, "deeper-subdomain", "a deeper subdomain: any forgotten or taken-over host under "+t.host)
		default:
			add(base+t.host+port, "trusted", "an origin the policy lists")
			add(base+"evil."+t.host+port, "deeper-subdomain", "a subdomain of "+t.host+": any forgotten or taken-over host there")
			if reg != t.host {
				add(base+"evil."+reg+port, "sibling-subdomain", "another subdomain of "+reg)
			}
		}
		if t.scheme == "https" {
			add("http://"+t.host+port, "http-downgrade", "the plain-http version of "+t.host+", which anyone on the network path can tamper with")
		}
		add(base+t.host+".evil-attacker.net"+port, "suffix", "an attacker's domain that starts with "+t.host)
		add(base+"evil"+reg+port, "prefix", "an attacker's domain that ends with "+reg)
		if i := strings.IndexByte(t.host, '.'); i >= 0 && strings.Count(t.host, ".") > 1 {
			add(base+t.host[:i]+"x"+t.host[i+1:]+port, "unescaped-dot", "an attacker's domain with a letter where "+t.host+" has a dot")
		}
		if t.kind != "anyPort" {
			add(base+t.host+":8443", "other-port", "another port on "+t.host)
		}
	}
	for _, p := range extra {
		add(p.Origin, p.Kind, p.Why)
	}
	add("null", "null", "the opaque origin any page can take on with a sandboxed iframe")
	add("https://attacker.github.io", "public-suffix", "a page anyone can publish on a shared hosting domain")
	add("https://evil-attacker.net", "unrelated", "an unrelated site")
	return probes
}

const maxProbes = 48

// readableFrom: would script on origin o read the answer to a GET, without
// and with cookies? It is the
// CORS check of what respond answers (Access-Control-Allow-Origin from
// allows, Access-Control-Allow-Credentials: true when Credentials), without
// building the response; m pays for patterns.
// https://fetch.spec.whatwg.org/#concept-cors-check
func (c *compiledPolicy) readableFrom(o Origin, m *pattern.Meter) (withoutCookies, withCookies bool) {
	acao, ok := c.allows(o.String(), m)
	switch {
	case !ok:
		return false, false
	case acao == "*":
		return true, false
	}
	return acao == o.String(), acao == o.String() && c.Credentials
}

// probeRisk classifies what a probe's readability means.
func probeRisk(p Probe) string {
	switch {
	case !p.Readable && !p.WithCookies:
		return "ok"
	case p.Kind == "trusted" || p.Kind == "page":
		return "expected"
	case p.Kind == "deeper-subdomain" || p.Kind == "sibling-subdomain" || p.Kind == "apex" || p.Kind == "other-port" || p.Kind == "http-downgrade":
		if p.Kind == "http-downgrade" && p.WithCookies {
			return "danger"
		}
		return "warning"
	}
	return "danger"
}

// trustedHost is a host the policy means to trust.
type trustedHost struct {
	raw, kind          string
	scheme, host, port string
}

// trustedHosts lists the hosts named by the policy's rules; for a regular
// expression, the host its literal text spells.
func trustedHosts(c *compiledPolicy) []trustedHost {
	var out []trustedHost
	for _, r := range c.rules {
		switch r.kind {
		case "exact":
			u, err := url.Parse(r.raw)
			if err != nil || u.Host == "" {
				continue
			}
			out = append(out, trustedHost{raw: r.raw, kind: "exact", scheme: u.Scheme, host: strings.ToLower(u.Hostname()), port: u.Port()})
		case "subdomains":
			out = append(out, trustedHost{raw: r.raw, kind: r.kind, scheme: r.scheme, host: r.host, port: r.port})
		case "anyPort":
			out = append(out, trustedHost{raw: r.raw, kind: r.kind, scheme: r.scheme, host: r.host})
		case "regex":
			for _, h := range patternHosts(r) {
				out = append(out, trustedHost{raw: r.raw, kind: "regex", scheme: cmp.Or(h.scheme, "https"), host: h.host})
			}
		}
	}
	return slices.CompactFunc(out, func(a, b trustedHost) bool { return a.scheme == b.scheme && a.host == b.host && a.port == b.port })
}

// multiLabelSuffixes are public suffixes of two labels common enough to get
// right without the whole Public Suffix List.
var multiLabelSuffixes = []string{
	"co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp", "ne.jp", "or.jp",
	"com.br", "com.cn", "co.in", "co.nz", "co.za", "com.mx", "com.tr", "github.io", "gitlab.io",
	"herokuapp.com", "vercel.app", "netlify.app", "pages.dev", "azurewebsites.net", "cloudfront.net",
	"appspot.com", "firebaseapp.com", "web.app", "blogspot.com", "s3.amazonaws.com",
}

// IsPublicSuffix reports whether domain is one where anyone can register a
// subdomain: a top-level domain or a known shared suffix.
func IsPublicSuffix(domain string) bool {
	if domain == "localhost" {
		return false // loopback, nobody else's
	}
	return !strings.Contains(domain, ".") || slices.Contains(multiLabelSuffixes, domain)
}

// registrableDomain approximates eTLD+1: the public suffix and one label.
func registrableDomain(host string) string {
	labels := strings.Split(host, ".")
	if len(labels) <= 2 || net4(host) {
		return host
	}
	last2 := strings.Join(labels[len(labels)-2:], ".")
	if slices.Contains(multiLabelSuffixes, last2) {
		return strings.Join(labels[len(labels)-3:], ".")
	}
	return last2
}

// net4 reports a dotted IPv4 address, which has no registrable domain.
func net4(host string) bool {
	for _, l := range strings.Split(host, ".") {
		if !allDigits(l) {
			return false
		}
	}
	return true
}

// libView is a library server as the lint and the attacker's view see it:
// its emulation answers, and its configuration read as a policy names the
// origins to try and the entries to talk about.
type libView struct {
	name  string
	reg   *server.Library
	em    emulation
	url   string // where the probes are sent: the scenario's request URL
	imp   *imported
	meter *pattern.Meter // the evaluation's
}

// newLibView builds the emulation and imports its configuration; nil when
// the server is no library or the library refuses the configuration.
func newLibView(s Scenario) *libView {
	v := newLibEmulation(s)
	if v != nil {
		v.imp = importLibrary(*s.Server.Library, v.em, v.url, s.meter)
	}
	return v
}

// newLibEmulation is newLibView without the import, which only the lint
// and the attacker's view need.
func newLibEmulation(s Scenario) *libView {
	if s.Server.Library == nil {
		return nil
	}
	l := *s.Server.Library
	if len(l.Options) > MaxPolicyEntries {
		return nil // what validate refuses before building the emulation
	}
	em, err := l.emulation()
	if err != nil {
		return nil
	}
	target := s.Request.URL
	if u, err := url.Parse(target); err == nil && u.IsAbs() && u.Host != "" {
		target = serializeURL(u)
	}
	return &libView{name: l.Name, reg: l.registered(), em: em, url: target, meter: s.meter}
}

// title names the library in sentences.
func (v *libView) title() string { return libraryTitle(v.name) }

// readable asks the library itself: would script on origin o read its
// answer to a GET, without and with cookies? It is the CORS check of what
// the emulation answers. https://fetch.spec.whatwg.org/#concept-cors-check
func (v *libView) readable(o Origin) (withoutCookies, withCookies bool) {
	req := HTTPRequest{Method: "GET", URL: v.url, Headers: Headers{{Name: "Accept", Value: "*/*"}, {Name: "Origin", Value: o.String()}}, meter: v.meter}
	hs := v.em.respond(req).parsed().Headers
	return CORSCheck(o, CredentialsOmit, hs).OK, CORSCheck(o, CredentialsInclude, hs).OK
}

// readableOrigin is readable for a serialized origin; false when it is none.
func (v *libView) readableOrigin(s string) (withoutCookies, withCookies bool) {
	o, err := ParseOrigin(s)
	if err != nil {
		return false, false
	}
	return v.readable(o)
}

// extraProbes are the attacker's origins that the library's reading of
// its flagged entries lets in: one a stranger can register per entry.
func (v *libView) extraProbes() []Probe {
	var out []Probe
	for _, fe := range v.imp.flagged {
		for _, c := range fe.candidates {
			if strangerOwns(c, fe.host) {
				out = append(out, Probe{Origin: c, Kind: "pattern", Why: fmt.Sprintf("an origin anyone can register that the entry %q lets in, the way %s reads it", fe.entry, v.title())})
				break
			}
		}
	}
	return out
}
