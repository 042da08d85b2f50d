// Package apache emulates Apache httpd 2.4.71 (Debian 12's apache2, with
// mod_headers, mod_setenvif and mod_rewrite) answering with a CORS
// configuration ("apache"). The option config is the text read inside the
// <Directory> of the document root (as a .htaccess is), in this server:
//
//	LoadModule headers_module, setenvif_module, rewrite_module, lua_module
//	DocumentRoot htdocs
//	LuaMapHandler ^/ app.lua handle     # the application: 200 "ok", text/plain, to every method and path
//	<Directory htdocs>
//	    Options FollowSymLinks
//	    …                               # the text
//	</Directory>
//
// The answer is the status and every header line httpd writes, in order,
// except its Date and Server lines and the Connection line of the
// transport: the Header always lines (err_headers_out), then the others
// (headers_out: Vary from <If> and RewriteCond, the Header lines), one
// Vary line merged as httpd's fixup_vary does, then Content-Length and
// Content-Type. Within the subset it reads the emulation is exact; any
// other directive is an *server.OptionError naming it and its line.
package apache

import (
	"encoding/json"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/webfix"
)

const name = "apache"

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "2.4.71", Default: true, Title: "Apache httpd", Language: "Web server",
	Call: "<Directory …> … </Directory>", OriginsOption: "config",
	Options: []server.Option{{Name: "config", Type: "string", Default: `""`,
		Doc: "The lines read inside the <Directory> of the document root, as a .htaccess: Header, SetEnvIf, SetEnvIfNoCase, RewriteEngine, RewriteCond, RewriteRule, <IfModule>, and <If>/<ElseIf>/<Else> holding Header lines; the application answers 200 \"ok\"."}},
	Quirks: []string{
		"Header set (onsuccess) lines are not sent with httpd's own answers, the RewriteRule [R=200] or [R=204] preflight and 4xx/5xx included: only Header always lines are.",
		"Header always set and Header set write two tables: the same name set in both is sent twice, the always line first.",
		"RewriteRule … [R=200,L] answers 200 with httpd's HTML error page (\"The server encountered an internal error…\", 533 bytes).",
		"SetEnvIf regexes are PCRE searches: unanchored, so a.example.com also matches https://a.example.com.evil.net, and $0 is only the matched part.",
		"A SetEnvIf pattern without unescaped metacharacters (https://a\\.example\\.com) is searched as plain text, and its $0 is sent as the two characters $0.",
		"%{VAR}e of an unset variable is written (null): guard the line with env=VAR.",
		"%{HTTP_ORIGIN}e is unset unless a CGI or PHP handler sets the CGI variables (this application does not), and %{HTTP_ORIGIN} in RewriteCond is empty: mod_rewrite knows %{HTTP:Origin}.",
		"mod_headers has no %{Origin}i: %i is the server's idle percentage.",
		"httpd merges repeated request headers: two Origin lines are read as \"a, b\".",
		"An <If> reading a request header adds it to Vary, whatever the answer; a RewriteCond does when its rule applies and the header was sent.",
		"httpd writes a single Vary line, its names deduplicated and joined with \",\".",
		"httpd passes any method to the application, patch in lower case included; RewriteCond %{REQUEST_METHOD} OPTIONS is case-sensitive without [NC].",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return newConf(o) },
	Export:    export,
	Import:    importText,
	Summarize: summarize,
	Fixer:     fixer,
	Matching: server.Matching{
		Regex:   "Apache matches a SetEnvIf, RewriteCond or <If> pattern with PCRE, which finds it anywhere in the Origin.",
		Literal: webfix.PCRE,
	},
}

func init() {
	server.Register(&library)
}

type hdr struct {
	always       bool
	action, name string
	val          []vpart
	env          string // "VAR", "!VAR" or ""
	echo         *pattern.Regexp
	line         int
	text         string // as written
	start, end   int    // its bytes in the text
}

type vpart struct {
	lit, env string
	isEnv    bool
}

type setenvif struct {
	attr, regex string
	re          *pattern.Regexp
	plain       string
	isPlain     bool
	nocase      bool
	sets        []envSet
	line, end   int
}

type envSet struct {
	name, val string
	unset     bool
}

type cond struct {
	test         string
	re           *pattern.Regexp
	eq           string
	isEq, negate bool
	nc, or, nv   bool
	line         int
}

type rule struct {
	re         *pattern.Regexp
	negate     bool
	subst      string
	conds      []*cond
	status     int
	last       bool
	env        []envSet
	line       int
	start, end int
}

type ifSec struct {
	kind      string // "if", "elseif", "else"
	expr      *node
	headers   []*hdr
	line, end int
}

type conf struct {
	headers      []*hdr
	ifs          []*ifSec
	envs         []*setenvif
	rewriteOn    bool
	rules        []*rule
	pendingConds []*cond
	set          pattern.Set
}

func (c *conf) Warnings() []string { return nil }

// PatternInsts sizes the compiled regular expressions.
func (c *conf) PatternInsts() int { return c.set.Insts() }

func newConf(options map[string]json.RawMessage) (*conf, error) {
	o := server.NewOptions(options)
	var text string
	o.Get("config", "a string", &text)
	if err := o.Err(); err != nil {
		return nil, err
	}
	if u := o.Unknown(); len(u) > 0 {
		return nil, &server.OptionError{Path: u[0], Problem: `not an option: the configuration is one string, {"config": "…"}`}
	}
	return compile(text)
}

func compile(text string) (*conf, error) {
	c := &conf{}
	ls := splitLines(text)
	i, err := c.read(ls, 0, "", nil, 0)
	if err == nil && i < len(ls) {
		err = outside(ls[i].n, "unexpected "+ls[i].text)
	}
	return c, err
}

// ---- Answers ----

// exchange is one request going through httpd.
type exchange struct {
	c     *conf
	req   message.Request
	in    [][2]string // headers_in: repeated names merged with ", "
	env   map[string]string
	out   [][2]string // headers_out
	vary  []string    // <If>'s
	meter *pattern.Meter
	rule  *rule // the rule that answered
}

func (c *conf) Respond(req message.Request) message.Response {
	r, _ := c.respond(req)
	return r
}

// respond answers req, with what the fixes need to know of the exchange.
func (c *conf) respond(req message.Request) (message.Response, *exchange) {
	x := &exchange{c: c, req: req, env: map[string]string{}, meter: req.Meter}
	hs := req.Headers
	if !hs.Has("Host") { // the client's first line, from the URL
		host, _, _ := strings.Cut(x.path2(), "/")
		hs = append(message.Headers{{Name: "Host", Value: host}}, hs...)
	}
	for _, h := range hs {
		merged := false
		for i := range x.in {
			if strings.EqualFold(x.in[i][0], h.Name) {
				x.in[i][1] += ", " + h.Value
				merged = true
			}
		}
		if !merged {
			x.in = append(x.in, [2]string{h.Name, h.Value})
		}
	}
	// ap_if_walk, then mod_setenvif's header parser, then mod_rewrite's fixup.
	var extra []*hdr
	prev := false
	for _, s := range c.ifs {
		switch {
		case s.kind == "if":
			prev = x.eval(s.expr) != ""
		case prev:
			continue
		case s.kind == "elseif":
			prev = x.eval(s.expr) != ""
		default:
			prev = true
		}
		if prev {
			extra = append(extra, s.headers...)
		}
	}
	if len(x.vary) > 0 {
		merge(&x.out, "Vary", strings.Join(x.vary, ","))
	}
	last, val := "", ""
	for _, s := range c.envs {
		if s.attr != last { // match_headers reads an attribute once for a run of lines naming it
			last, val = s.attr, x.attribute(s.attr)
		}
		x.setEnvIf(s, val)
	}
	status := 0
	if c.rewriteOn {
		status = x.rewrite()
	}
	headers := append(append([]*hdr(nil), c.headers...), extra...)
	var tail [][2]string
	if status != 0 && status != 204 {
		x.out = nil // ap_send_error_response: headers_out is dropped (not for a 204)
		if req.Method != "HEAD" {
			tail = append(tail, [2]string{"Content-Length", strconv.Itoa(redirectCodes[status])})
		}
		tail = append(tail, [2]string{"Content-Type", "text/html; charset=iso-8859-1"})
	}
	var errOut [][2]string
	for _, h := range headers {
		if h.always {
			x.apply(&errOut, h)
		}
	}
	if status == 0 {
		status = 200
		for _, h := range headers {
			if !h.always {
				x.apply(&x.out, h)
			}
		}
		tail = [][2]string{{"Content-Length", "2"}, {"Content-Type", "text/plain"}}
	}
	all := append(append(errOut, x.out...), tail...)
	fixupVary(&all)
	resp := message.Response{Status: status}
	for _, kv := range all {
		resp.Headers = append(resp.Headers, message.Header{Name: kv[0], Value: kv[1]})
	}
	return resp, x
}

func (x *exchange) header(n string) (string, bool) {
	for _, kv := range x.in {
		if strings.EqualFold(kv[0], n) {
			return kv[1], true
		}
	}
	return "", false
}

func (x *exchange) getEnv(n string) (string, bool) {
	v, ok := x.env[strings.ToLower(n)]
	return v, ok
}

// apply is do_headers_fixup for one Header line on table t.
func (x *exchange) apply(t *[][2]string, h *hdr) {
	if h.env != "" {
		_, set := x.getEnv(strings.TrimPrefix(h.env, "!"))
		if set == strings.HasPrefix(h.env, "!") {
			return
		}
	}
	v := ""
	for _, p := range h.val {
		if !p.isEnv {
			v += p.lit
		} else if e, ok := x.getEnv(p.env); ok {
			v += e
		} else {
			v += "(null)"
		}
	}
	i := index(*t, h.name)
	switch h.action {
	case "add":
		*t = append(*t, [2]string{h.name, v})
	case "append":
		merge(t, h.name, v)
	case "merge":
		if i < 0 || !hasToken((*t)[i][1], v) {
			merge(t, h.name, v)
		}
	case "set":
		set(t, h.name, v)
	case "setifempty":
		if i < 0 {
			*t = append(*t, [2]string{h.name, v})
		}
	case "unset":
		unset(t, h.name, -1)
	case "echo": // always to headers_out, even for Header always echo
		for _, kv := range x.in {
			if h.echo.MatchPCRE(kv[0], x.meter) != nil {
				x.out = append(x.out, kv)
			}
		}
	}
}

// hasToken is mod_headers' merge test: v is one of the comma-separated
// tokens of val (quoted strings kept whole), compared exactly.
func hasToken(val, v string) bool {
	for val != "" {
		val = strings.TrimLeft(val, " \t")
		i := 0
		for i < len(val) && val[i] != ',' {
			if val[i] == '"' {
				if j := strings.IndexByte(val[i+1:], '"'); j >= 0 {
					i += j + 1
				} else {
					i = len(val) - 1
				}
			}
			i++
		}
		if val[:i] == v {
			return true
		}
		val = val[min(i+1, len(val)):]
	}
	return false
}

func index(t [][2]string, n string) int {
	for i, kv := range t {
		if strings.EqualFold(kv[0], n) {
			return i
		}
	}
	return -1
}

// merge is apr_table_merge: appended to the first line of that name.
func merge(t *[][2]string, n, v string) {
	if i := index(*t, n); i >= 0 {
		(*t)[i][1] += ", " + v
		return
	}
	*t = append(*t, [2]string{n, v})
}

// set is apr_table_set: the first line of that name gets v (its name
// kept), the others go.
func set(t *[][2]string, n, v string) {
	i := index(*t, n)
	if i < 0 {
		*t = append(*t, [2]string{n, v})
		return
	}
	(*t)[i][1] = v
	unset(t, n, i)
}

// unset removes the lines named n but the one at keep.
func unset(t *[][2]string, n string, keep int) {
	out := (*t)[:0]
	for i, kv := range *t {
		if i == keep || !strings.EqualFold(kv[0], n) {
			out = append(out, kv)
		}
	}
	*t = out
}

// fixupVary is ap_http_header_filter's: the names of every Vary line,
// deduplicated case-insensitively, joined with "," in the first.
func fixupVary(t *[][2]string) {
	var names []string
	for _, kv := range *t {
		if !strings.EqualFold(kv[0], "Vary") {
			continue
		}
		for _, f := range strings.FieldsFunc(kv[1], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if !server.ContainsFold(names, f) {
				names = append(names, f)
			}
		}
	}
	if len(names) > 0 {
		set(t, "Vary", strings.Join(names, ","))
	}
}

// attribute is what SetEnvIf tests: a special name, a request header, or
// else a variable.
func (x *exchange) attribute(attr string) string {
	switch attr {
	case "request_method":
		return x.req.Method
	case "request_uri":
		return x.path()
	}
	val, ok := x.header(attr)
	if !ok {
		val, _ = x.getEnv(attr)
	}
	return val
}

// setEnvIf is mod_setenvif's match_headers for one line.
func (x *exchange) setEnvIf(s *setenvif, val string) {
	var groups []string
	if s.isPlain {
		hay, needle := val, s.plain
		if s.nocase {
			hay, needle = strings.ToLower(hay), strings.ToLower(needle)
		}
		if !strings.Contains(hay, needle) {
			return
		}
	} else if groups = s.re.MatchPCRE(val, x.meter); groups == nil {
		return
	}
	for _, e := range s.sets {
		switch {
		case e.unset:
			delete(x.env, strings.ToLower(e.name))
		case s.isPlain:
			x.env[strings.ToLower(e.name)] = e.val
		default:
			x.env[strings.ToLower(e.name)] = pregsub(e.val, groups)
		}
	}
}

// pregsub is ap_pregsub: $0 to $9 are the groups (when not empty), a
// backslash takes the next character as it is.
func pregsub(s string, groups []string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			if n := int(s[i+1] - '0'); n < len(groups) {
				b.WriteString(groups[n])
			}
			i++
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// path is r->uri: the URL's path.
func (x *exchange) path() string {
	u := x.path2()
	if j := strings.IndexByte(u, '/'); j >= 0 {
		u = u[j:]
	} else {
		u = "/"
	}
	u, _, _ = strings.Cut(u, "?")
	return u
}

// path2 is the URL without its scheme: host, path and query.
func (x *exchange) path2() string {
	_, u, ok := strings.Cut(x.req.URL, "://")
	if !ok {
		return "/" + strings.TrimPrefix(x.req.URL, "/")
	}
	return u
}

// rewrite runs the rules as mod_rewrite's per-directory fixup does; it
// returns the status of the rule that answers, 0 when none does.
func (x *exchange) rewrite() int {
	subject := strings.TrimPrefix(x.path(), "/")
	for _, r := range x.c.rules {
		rg := r.re.MatchPCRE(subject, x.meter)
		if (rg != nil) == r.negate {
			continue
		}
		if r.negate {
			rg = nil
		}
		var cg []string
		var vary []string
		ok := true
		for i := 0; i < len(r.conds); i++ {
			cd := r.conds[i]
			var varyThis []string
			test := x.expand(cd.test, rg, cg, &varyThis)
			var g []string
			match := false
			if cd.isEq {
				match = test == cd.eq || cd.nc && strings.EqualFold(test, cd.eq)
			} else {
				g = cd.re.MatchPCRE(test, x.meter)
				match = g != nil
			}
			if cd.negate {
				match = !match
			} else if g != nil {
				cg = g
			}
			if cd.nv {
				varyThis = nil
			}
			if cd.or {
				if !match {
					continue
				}
				for i < len(r.conds) && r.conds[i].or {
					i++
				}
			} else if !match {
				ok = false
				break
			}
			vary = append(vary, varyThis...)
		}
		if !ok {
			continue
		}
		if len(vary) > 0 {
			merge(&x.out, "Vary", strings.Join(vary, ", "))
		}
		for _, e := range r.env {
			if e.unset {
				delete(x.env, strings.ToLower(e.name))
			} else {
				x.env[strings.ToLower(e.name)] = x.expand(e.val, rg, cg, nil)
			}
		}
		if r.status != 0 {
			x.rule = r
			return r.status
		}
		if r.last {
			break
		}
	}
	return 0
}

// knownHeaders are mod_rewrite's (and ap_expr's) %{HTTP_…} variables.
var knownHeaders = map[string]string{"HTTP_ACCEPT": "Accept", "HTTP_COOKIE": "Cookie", "HTTP_FORWARDED": "Forwarded",
	"HTTP_HOST": "Host", "HTTP_PROXY_CONNECTION": "Proxy-Connection", "HTTP_REFERER": "Referer", "HTTP_USER_AGENT": "User-Agent"}

// expand is mod_rewrite's do_expand: \c, $N, %N and %{VAR}; a header
// read (not Host) is added to vary when it was sent.
func (x *exchange) expand(s string, rg, cg []string, vary *[]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			g := rg
			if c == '%' {
				g = cg
			}
			if n := int(s[i+1] - '0'); n < len(g) {
				b.WriteString(g[n])
			}
			i++
		case c == '%' && i+1 < len(s) && s[i+1] == '{' && strings.IndexByte(s[i:], '}') > 0:
			j := strings.IndexByte(s[i:], '}')
			b.WriteString(x.variable(s[i+2:i+j], vary))
			i += j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (x *exchange) variable(v string, vary *[]string) string {
	up := strings.ToUpper(v)
	h := knownHeaders[up]
	switch {
	case strings.HasPrefix(up, "HTTP:"):
		h = v[5:]
	case strings.HasPrefix(up, "ENV:"):
		e, _ := x.getEnv(v[4:])
		return e
	case up == "REQUEST_METHOD":
		return x.req.Method
	case up == "REQUEST_URI":
		return x.path()
	case up == "QUERY_STRING":
		_, q, _ := strings.Cut(x.req.URL, "?")
		return q
	}
	if h == "" {
		return ""
	}
	val, ok := x.header(h)
	if ok && vary != nil && !strings.EqualFold(h, "Host") {
		*vary = append(*vary, h)
	}
	return val
}
