package flaskcors

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// optionDocs are CORS()'s keyword arguments in its docstring's order.
var optionDocs = []server.Option{
	{Name: "resources", Type: "string, list of strings, or object {path regex: options}", Default: `r"/*"`,
		Doc: "Path regular expressions (re.match on the decoded path, case-sensitive) and, in the object form, each one's own options; literal paths are tried first, then those with more \"/\", then longer ones."},
	{Name: "origins", Type: "string or list of strings", Default: `"*"`,
		Doc: "Allowed origins: a string holding any of * \\ ] ? $ ^ [ ( ) is a regular expression (re.match, ignoring case), any other is compared with casefold; \"*\" allows every origin by echoing it."},
	{Name: "methods", Type: "string or list of strings", Default: "[GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE]",
		Doc: "Sent whole, sorted and upper-cased, as Access-Control-Allow-Methods when the requested method is a substring of it."},
	{Name: "expose_headers", Type: "string, list of strings or null", Default: "None",
		Doc: "Sent as Access-Control-Expose-Headers (a list sorted and joined) on every answer with Access-Control-Allow-Origin."},
	{Name: "allow_headers", Type: "string or list of strings", Default: `"*"`,
		Doc: "Regular expressions or names; the requested headers that match are echoed, sorted, in Access-Control-Allow-Headers, the others silently dropped."},
	{Name: "supports_credentials", Type: "any (Python truthiness)", Default: "False",
		Doc: "Sends Access-Control-Allow-Credentials: true."},
	{Name: "max_age", Type: "number or string", Default: "None",
		Doc: "Sent as is (str()) as Access-Control-Max-Age on preflights; 0 or \"\" sends nothing."},
	{Name: "send_wildcard", Type: "any (Python truthiness)", Default: "False",
		Doc: "With \"*\" in origins, answers Access-Control-Allow-Origin: * instead of echoing the origin."},
	{Name: "vary_header", Type: "any (Python truthiness)", Default: "True",
		Doc: "Sends Vary: Origin when the answer echoes an origin and origins has several entries or a regular expression."},
	{Name: "allow_private_network", Type: "any (Python truthiness)", Default: "False",
		Doc: "Answers Access-Control-Request-Private-Network: true with Access-Control-Allow-Private-Network: true, or false when off (the docstring says the default is True; the code says False)."},
	{Name: "always_send", Type: "any (Python truthiness)", Default: "True",
		Doc: "Also answers requests without Origin: * (unless supports_credentials) or the first literal origin in sorted order."},
	{Name: "intercept_exceptions", Type: "any (Python truthiness)", Default: "True",
		Doc: "Also adds the headers to error answers; Flask's 404 and 405 get them anyway."},
	{Name: "automatic_options", Type: "any (Python truthiness)", Default: "True",
		Doc: "Used by the @cross_origin decorator only: CORS(app) leaves OPTIONS to Flask."},
}

// options are the version's options: allow_private_network only where it
// exists.
func (v *version) options() []server.Option {
	return slices.DeleteFunc(slices.Clone(optionDocs), func(o server.Option) bool { return !v.known(o.Name) })
}

// quirkDocs say what Flask-CORS does that its options do not; the last is
// private network access's.
var quirkDocs = []string{
	"By default every origin is let in by echoing it back, and supports_credentials=True then lets every site read answers with the user's cookies.",
	`An origins string is a regular expression as soon as it holds * \ ] ? $ ^ [ ( or ): "https://*.example.com" is the regex "https:/" + "/*" + ".example.com", which refuses https://sub.example.com and lets https://xexample.com in.`,
	`Regular expressions are matched with re.match, anchored at the start only: "https://.*\.example\.com" also lets https://a.example.com.evil.net in.`,
	`The preflight's method is checked as a substring of the methods string ("ATC" passes with PATCH); a refused method still gets Access-Control-Allow-Origin, without Access-Control-Allow-Methods.`,
	"Requested headers that allow_headers does not match are silently left out of Access-Control-Allow-Headers rather than refused.",
	"A refused origin gets no CORS header at all, and the request still reaches the view.",
	"Vary: Origin is sent only with several origins or a regular expression among them: one literal origin gets none.",
	`A request without Origin still gets Access-Control-Allow-Origin (always_send): "*", or the first literal origin in sorted order.`,
	`"*" with supports_credentials and send_wildcard makes CORS() raise a ValueError; "*" with supports_credentials alone echoes every origin with credentials.`,
	`Unknown option names (the tutorials' headers=) are only logged as a warning and do nothing.`,
	`resources patterns are regular expressions matched with re.match: r"/api/*" also covers /apiary, and the first matching resource wins (literal paths first).`,
	"allow_private_network defaults to False, so a request asking for private network access gets Access-Control-Allow-Private-Network: false, on any method, not only preflights.",
}

func (v *version) quirks() []string {
	if v.privateNetwork {
		return quirkDocs
	}
	return quirkDocs[:len(quirkDocs)-1]
}

// summarize reads the first resource's origins in the policy's words.
func (v *version) summarize(opts map[string]json.RawMessage) server.Summary {
	var s server.Summary
	c, err := v.new(opts)
	if err != nil {
		return s
	}
	if len(c.resources) == 0 {
		s.Notes = append(s.Notes, "resources lists no path: Flask-CORS adds CORS headers nowhere.")
		return s
	}
	r := c.resources[0]
	if !r.path.match("/", false, nil) || !r.path.match("/api/v1/items/42", false, nil) {
		s.Notes = append(s.Notes, "These options apply only to paths matching "+strconv.Quote(r.path.raw)+"; other paths get no CORS headers.")
	}
	if len(c.resources) > 1 {
		s.Notes = append(s.Notes, "resources has "+strconv.Itoa(len(c.resources))+" path patterns: this is the first Flask-CORS tries, "+strconv.Quote(r.path.raw)+"; paths matching the others get their own options.")
	}
	o := r.o
	s.Credentials = o.credentials
	if o.wildcard {
		s.AnyOrigin = "reflect"
		if o.sendWildcard {
			s.AnyOrigin = "wildcard"
		}
		var list []string
		if raw, ok := opts["origins"]; ok {
			list, _, _, _ = stringList(raw, "", "")
			s.AnyEntry = `"*"`
			if !slices.Contains(list, "*") {
				s.AnyEntry = `".*"`
			}
		}
	}
	for _, p := range o.origins {
		switch {
		case p.raw == ".*":
		case !p.regex && strings.HasPrefix(p.raw, "re:"):
			s.Origins = append(s.Origins, server.Entry{Written: p.raw, Policy: `re:(?i)\A` + regexp.QuoteMeta(p.raw) + `\z`})
		case !p.regex:
			s.Origins = append(s.Origins, server.Entry{Written: p.raw, Policy: strings.ToLower(p.raw)})
		case p.re == nil:
			s.Notes = append(s.Notes, "The origins entry "+strconv.Quote(p.raw)+" is not a valid Python regular expression: Flask-CORS swallows the error and it never matches.")
		default:
			g, _ := pattern.TranslatePython(p.raw, "$")
			s.Origins = append(s.Origins, server.Entry{Written: p.raw, Policy: `re:(?i)\A(?:` + g + ")", Regex: true})
		}
	}
	return s
}
