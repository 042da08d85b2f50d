package flaskcors

import (
	"encoding/json"
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

// summarize reads the first resource's options in the policy's words; the
// notes say what a policy cannot.
func (v *version) summarize(opts map[string]json.RawMessage) server.Summary {
	c, err := v.new(opts)
	if err != nil {
		return server.Summary{}
	}
	return c.summary("")
}

// SummaryAt summarizes the options of the resource cors_after_request
// picks for rawURL's path.
func (c *cors) SummaryAt(rawURL string) server.Summary { return c.summary(rawURL) }

// summary reads the resource rawURL's path picks (the first one for "") in
// the policy's words; the notes say what a policy cannot.
func (c *cors) summary(rawURL string) server.Summary {
	var s server.Summary
	note := s.Note
	if len(c.resources) == 0 {
		s.Note("resources lists no path: Flask-CORS adds CORS headers nowhere, so the policy allows nothing.")
		return s
	}
	r := c.resources[0]
	if rawURL != "" {
		path := unquote(requestPath(rawURL))
		i := slices.IndexFunc(c.resources, func(r resource) bool { return r.path.match(path, false, nil) })
		if i < 0 {
			s.Note("No resources pattern matches the path %s: Flask-CORS adds no CORS header there, so the policy allows nothing.", path)
			return s
		}
		r = c.resources[i]
	}
	for _, path := range []string{"/", "/items", "/api/v1/items/42", "/a.b/c-d"} {
		if rawURL == "" && !r.path.match(path, false, nil) {
			s.Note("Flask-CORS applies these options only to paths matching %q and adds no CORS header elsewhere; the policy applies them to every path.", r.path.raw)
			break
		}
	}
	if rawURL == "" && len(c.resources) > 1 {
		var others []string
		for _, o := range c.resources[1:] {
			others = append(others, strconv.Quote(o.path.raw))
		}
		s.Note("resources has %d path patterns: the policy uses the options of %q, the first Flask-CORS tries; paths matching %s get their own options, which one policy cannot tell apart.", len(c.resources), r.path.raw, strings.Join(others, ", "))
	}
	o := r.o
	s.Credentials = o.credentials
	s.PreflightStatus = 200 // Flask answers OPTIONS itself
	if o.wildcard {
		s.AnyOrigin = "reflect"
		if o.sendWildcard {
			s.AnyOrigin = "wildcard"
		}
		if raw, ok := c.opts["origins"]; ok {
			list, _, _, _ := stringList(raw, "", "")
			s.AnyEntry = `"*"`
			if slices.Contains(list, ".*") && !slices.Contains(list, "*") {
				s.AnyEntry = `".*"`
			}
		}
	}
	for _, p := range o.origins {
		switch {
		case p.raw == ".*":
		case !p.regex:
			s.Origins = append(s.Origins, server.Entry{Written: p.raw, Policy: server.ExactEntry(asciiLower(p.raw))})
		case p.re == nil:
			s.Origins = append(s.Origins, server.Entry{Written: p.raw, Regex: true})
			s.Note("The origins entry %q is not a valid Python regular expression: Flask-CORS swallows the error and the entry never matches, so the policy leaves it out.", p.raw)
		default:
			g, _ := pattern.TranslatePython(p.raw, "$") // compiled by new
			s.Origins = append(s.Origins, server.Entry{Written: p.raw, Policy: "re:(?i)^(?:" + readableGo(g) + ")", Regex: true})
		}
	}
	// Vary: Origin only with several origins or a regex among them.
	if !o.wildcard && (!o.vary || len(o.origins) < 2 && !slices.ContainsFunc(o.origins, func(p pyPattern) bool { return p.regex })) {
		s.NoVary = "Flask-CORS adds Vary: Origin only when origins has several entries or a regular expression among them, and never with vary_header=False"
		s.VaryFix = "Keep vary_header on and add Vary: Origin yourself in an after_request handler (response.vary.add(\"Origin\")), or write the origin as an anchored regular expression, which makes Flask-CORS send it."
		if !o.vary {
			s.VaryFix = "Remove vary_header=False: Flask-CORS then sends Vary: Origin with several origins or a regular expression; with a single literal origin, also add it in an after_request handler (response.vary.add(\"Origin\"))."
		}
	}

	methods := server.SplitList(o.methods)
	if slices.Contains(methods, "*") {
		s.Note(`methods "*" is no wildcard in Flask-CORS: it checks the requested method as a substring of the methods string, which "*" never contains, so the policy leaves "*" out.`)
		methods = slices.DeleteFunc(methods, func(m string) bool { return m == "*" })
	}
	s.Methods = server.Tokens(note, "methods", methods, "Access-Control-Allow-Methods")
	note("Flask-CORS checks the requested method as a substring of the methods list, and answers a preflight for a method it does not find without Access-Control-Allow-Methods, -Allow-Headers or -Max-Age; the policy checks the method exactly and always sends its lists.")
	var unlisted []string
	for _, m := range []string{"GET", "HEAD", "POST"} {
		if !strings.Contains(o.methods, m) {
			unlisted = append(unlisted, m)
		}
	}
	if len(unlisted) > 0 {
		or := unlisted[len(unlisted)-1]
		if len(unlisted) > 1 {
			or = strings.Join(unlisted[:len(unlisted)-1], ", ") + " or " + or
		}
		s.Note("Flask-CORS allows request headers only for a method in methods, even GET, HEAD and POST, which need no permission themselves: a %s request with a custom header fails its preflight here, while the policy allows it.", or)
	}

	var names, regexes []string
	star := false
	for _, h := range o.allowHeaders {
		switch {
		case h.raw == ".*":
			star = true
		case h.regex:
			regexes = append(regexes, strconv.Quote(h.raw))
		default:
			names = append(names, h.raw)
		}
	}
	switch {
	case star && o.credentials: // echoes what is asked
		s.RequestHeaders = []string{"*"}
	case star: // "*" without credentials does not cover Authorization
		s.RequestHeaders = []string{"*", "Authorization"}
	default:
		s.RequestHeaders = server.Tokens(note, "allow_headers", names, "")
		if len(regexes) > 0 {
			s.Note("allow_headers %s: Flask-CORS matches each requested header against these regular expressions; a policy lists names, so they were left out and the policy refuses a header only they allow.", strings.Join(regexes, ", "))
		}
	}
	expose := server.SplitList(o.expose)
	if slices.Contains(expose, "*") && o.credentials {
		s.Note(`expose_headers "*" with supports_credentials: Flask-CORS sends * as is, which browsers read as a header named * on a credentialed request (nothing is exposed); the policy lists the response's headers instead.`)
	}
	s.ExposeHeaders = server.Tokens(note, "expose_headers", expose, "")
	if o.maxAge != "" {
		if n, err := strconv.ParseInt(o.maxAge, 10, 64); err == nil {
			s.MaxAge = &n
		} else {
			s.Note("max_age %q is sent as is; browsers ignore an Access-Control-Max-Age that is not a whole number (and cache for 5 seconds), so the policy leaves it out.", o.maxAge)
		}
	}
	return s
}

// asciiLower lower-cases an ASCII origin (browsers send lower case and
// casefold compares); one with other characters stays as written.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return s
		}
	}
	return strings.ToLower(s)
}

// readableGo writes the translator's \x{..} literals of printable ASCII as
// plain or backslash-escaped characters: the same pattern, easier to read.
func readableGo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == 'x' && i+2 < len(s) && s[i+2] == '{' {
			if end := strings.IndexByte(s[i+3:], '}'); end >= 0 {
				if v, err := strconv.ParseUint(s[i+3:i+3+end], 16, 32); err == nil && v >= 0x20 && v < 0x7f {
					c := byte(v)
					if !isAlphaNum(c) && !strings.ContainsRune("/:,;'\"<>=@#%&~!_` ", rune(c)) {
						b.WriteByte('\\')
					}
					b.WriteByte(c)
					i += 3 + end
					continue
				}
			}
		}
		b.WriteString(s[i : i+2])
		i++
	}
	return b.String()
}

func isAlphaNum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
