// Package nginx emulates nginx 1.22.1 (Debian 12's nginx-light) answering
// with a CORS configuration ("nginx"). The option config is the text of
// the location that serves the API, read in this server:
//
//	http {
//	    map … { … }              # the text's map blocks, which live here
//	    server {
//	        listen 127.0.0.1:8080;
//	        location / {
//	            …                # the rest of the text
//	            return 200 "ok"; # the application
//	        }
//	    }
//	}
//
// The answer is the status and every header line nginx writes, in order,
// except its Server and Date lines and the Connection line of the
// transport: Content-Type, Content-Length and Location as nginx writes
// them, then the add_header lines. Within the subset it reads (add_header,
// if, set, return, map) the emulation is exact; any other directive is an
// *server.OptionError naming it and its line.
package nginx

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/webfix"
)

const name = "nginx"

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "1.22.1", Default: true, Title: "nginx", Language: "Web server",
	Call: "location / { … }", OriginsOption: "config",
	Options: []server.Option{{Name: "config", Type: "string", Default: `""`,
		Doc: `The inside of the location that serves the API (add_header, if, set, return, and map blocks, which nginx keeps at http level); the location ends with return 200 "ok".`}},
	Quirks: []string{
		"add_header inside an if block replaces every add_header of the location: a preflight answered from `if ($request_method = OPTIONS) { add_header …; return 204; }` gets only the if's headers.",
		"Without always, add_header adds nothing to statuses other than 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308: a 4xx or 5xx loses its CORS headers.",
		"A header whose value is empty is not sent: map an origin to \"\" to leave Access-Control-Allow-Origin out.",
		"add_header Access-Control-Allow-Origin $http_origin reflects every origin, null included, and with Access-Control-Allow-Credentials: true lets any site read with the user's cookies.",
		"if ($http_origin ~ …) and map regexes are PCRE searches: unanchored, so a.example.com also matches https://a.example.com.evil.net and https://aXexample.com.",
		"map compares exact origins case-insensitively, then tries its regexes in order; an absent Origin gets the default.",
		"$http_origin is the first Origin line of the request.",
		"nginx answers 400 Bad Request, without any add_header, to a method in lower case (patch) and 405 to TRACE, before the location runs.",
		"return 204 answers with no Content-Type or Content-Length; return 200 without text answers text/plain with Content-Length: 0.",
		"more_set_headers needs the headers-more module, which nginx-light does not have: nginx refuses it as an unknown directive.",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return newConf(o) },
	Export:    export,
	Import:    importText,
	Summarize: summarize,
	Fixer:     fixer,
	Matching: server.Matching{
		Regex:   "nginx matches a ~ (or ~*, ignoring case) regular expression with PCRE, which finds it anywhere in $http_origin.",
		Literal: webfix.PCRE,
	},
}

func init() {
	server.Register(&library)
}

// block is the location or one of its if blocks: a level of the headers
// filter's configuration.
type block struct {
	headers []addHeader
	own     bool // it has add_header lines: the outer ones are not inherited
	code    []*stmt
	open    int // where its inside starts in the text
}

type addHeader struct {
	name, raw  string
	value      value
	always     bool
	line       int
	start, end int // the directive's bytes in the text
}

// stmt is one rewrite-module directive: set, if or return.
type stmt struct {
	kind       byte // 's', 'i', 'r'
	varName    string
	val        value // set's value, return's text, the if's right operand
	code       int   // return's status
	hasText    bool
	line       int
	start, end int // a return's bytes in the text
	// if
	left  value
	op    string // "", "=", "!=", "~", "~*", "!~", "!~*"
	re    *pattern.Regexp
	inner *block
	cond  string // as written
}

// nmap is a map block.
type nmap struct {
	source value
	out    string
	exact  map[string]value // keys lower-cased
	res    []*pattern.Regexp
	resVal []value
	def    value
	open   int // where its inside starts in the text
	// for the summary
	written []mapEntry
}

type mapEntry struct {
	key, val string
	re       bool
	caseless bool
}

type conf struct {
	text     string
	loc      block
	maps     map[string]*nmap
	mapOrder []*nmap
	userVars map[string]bool
	used     []usedVar
	set      pattern.Set
	ifs      []*stmt // every if, for the summary
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
	list, err := parse(text)
	if err != nil {
		return nil, err
	}
	c := &conf{text: text, maps: map[string]*nmap{}, userVars: map[string]bool{}}
	for _, d := range list {
		if d.name == "map" {
			if err := c.mapBlock(d); err != nil {
				return nil, err
			}
		}
	}
	if err := c.block(&c.loc, list, false); err != nil {
		return nil, err
	}
	return c, c.checkVars()
}

// block reads the directives of the location (inIf false) or of an if.
func (c *conf) block(b *block, list []*directive, inIf bool) error {
	for _, d := range list {
		n := len(d.args)
		switch d.name {
		case "map":
			if inIf {
				return refused(d.line, `"map" directive is not allowed here`)
			}
			continue
		case "add_header":
			if d.isBlock {
				return refused(d.line, `directive "add_header" has no opening "{"`)
			}
			if n < 2 || n > 3 {
				return refused(d.line, `invalid number of arguments in "add_header" directive`)
			}
			if n == 3 && d.args[2] != "always" {
				return refused(d.line, `invalid parameter "`+d.args[2]+`"`)
			}
			if l := strings.ToLower(d.args[0]); l == "last-modified" || l == "etag" {
				return outside(d.line, "add_header "+d.args[0]+" replaces nginx's own "+d.args[0]+" line, which corsplay does not emulate")
			}
			v, err := c.compileValue(d.args[1], d.line)
			if err != nil {
				return err
			}
			b.headers = append(b.headers, addHeader{d.args[0], d.args[1], v, n == 3, d.line, d.start, d.end})
			b.own = true
		case "set":
			if n != 2 {
				return refused(d.line, `invalid number of arguments in "set" directive`)
			}
			if !strings.HasPrefix(d.args[0], "$") {
				return refused(d.line, `invalid variable name "`+d.args[0]+`"`)
			}
			vn := strings.ToLower(d.args[0][1:])
			if fixed(vn) {
				return refused(d.line, `the duplicate "`+vn+`" variable`)
			}
			v, err := c.compileValue(d.args[1], d.line)
			if err != nil {
				return err
			}
			c.userVars[vn] = true
			b.code = append(b.code, &stmt{kind: 's', varName: vn, val: v})
		case "return":
			s, err := c.returnStmt(d)
			if err != nil {
				return err
			}
			b.code = append(b.code, s)
		case "if":
			if inIf {
				return refused(d.line, `"if" directive is not allowed here`)
			}
			if !d.isBlock {
				return refused(d.line, `directive "if" has no opening "{"`)
			}
			s, err := c.ifStmt(d)
			if err != nil {
				return err
			}
			if err := c.block(s.inner, d.block, true); err != nil {
				return err
			}
			b.code = append(b.code, s)
			c.ifs = append(c.ifs, s)
		case "more_set_headers", "more_clear_headers":
			return outside(d.line, `directive "`+d.name+`" comes from the headers-more module, which Debian's nginx-light does not have (nginx refuses it: unknown directive "`+d.name+`"); write add_header … always`)
		case "location":
			return outside(d.line, `directive "location": paste the inside of the location that serves the API (corsplay reads the text as the inside of location /)`)
		default:
			return outside(d.line, `directive "`+d.name+`" is outside what corsplay emulates: it reads add_header, if, set, return and map`)
		}
	}
	return nil
}

// statusPages are the Content-Length of nginx's own pages: the redirects'
// and the errors' that have one (others send Content-Length: 0 only).
var statusPages = map[int]int{301: 169, 302: 145, 303: 153, 307: 171, 308: 171,
	400: 157, 401: 179, 402: 167, 403: 153, 404: 153, 405: 157, 406: 163, 409: 151, 410: 143, 411: 165,
	412: 173, 413: 183, 414: 177, 415: 179, 416: 197, 421: 173, 429: 169, 498: 153,
	500: 177, 501: 165, 502: 157, 503: 197, 504: 167, 505: 187, 507: 175}

func (c *conf) returnStmt(d *directive) (*stmt, error) {
	if d.isBlock {
		return nil, refused(d.line, `directive "return" has no opening "{"`)
	}
	if len(d.args) < 1 || len(d.args) > 2 {
		return nil, refused(d.line, `invalid number of arguments in "return" directive`)
	}
	s := &stmt{kind: 'r', start: d.start, end: d.end}
	a := d.args[0]
	code, err := strconv.Atoi(a)
	text := ""
	switch {
	case err == nil && code >= 0 && a[0] != '+':
		if code > 999 {
			return nil, refused(d.line, `invalid return code "`+a+`"`)
		}
		if len(d.args) == 2 {
			text, s.hasText = d.args[1], true
		}
	case len(d.args) == 1 && (strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://") || strings.HasPrefix(a, "$scheme")):
		code, text, s.hasText = 302, a, true
	default:
		return nil, refused(d.line, `invalid return code "`+a+`"`)
	}
	switch {
	case code < 200 || code > 599 || code == 408 || code == 444 || code >= 494 && code <= 497 || code == 499:
		return nil, outside(d.line, "return "+a+": corsplay emulates final statuses from 200 to 599, except those nginx answers by closing the connection (408, 444, 499) or with another status (494 to 497)")
	case statusPages[code] > 0 && code < 400 && strings.HasPrefix(text, "/"):
		return nil, outside(d.line, "return "+a+" "+text+": nginx makes the path absolute with the port it listens on, which corsplay does not emulate; write the whole URL")
	}
	s.code = code
	s.val, err = c.compileValue(text, d.line)
	return s, err
}

func (c *conf) ifStmt(d *directive) (*stmt, error) {
	args := append([]string(nil), d.args...)
	bad := func(v string) error { return refused(d.line, `invalid condition "`+v+`"`) }
	if len(args) == 0 || !strings.HasPrefix(args[0], "(") {
		return nil, bad(strings.Join(args[:min(len(args), 1)], ""))
	}
	if args[0] = args[0][1:]; args[0] == "" {
		args = args[1:]
	}
	last := len(args) - 1
	if last < 0 || !strings.HasSuffix(args[last], ")") {
		return nil, bad(d.args[len(d.args)-1])
	}
	if args[last] = args[last][:len(args[last])-1]; args[last] == "" {
		args = args[:last]
	}
	s := &stmt{kind: 'i', inner: &block{open: d.open}, line: d.line, cond: strings.Join(d.args, " ")}
	if len(args) == 0 {
		return nil, bad("")
	}
	v := args[0]
	if len(v) < 2 || v[0] != '$' {
		if strings.HasPrefix(v, "-") || strings.HasPrefix(v, "!-") {
			return nil, outside(d.line, "if ("+v+" …) tests a file, which corsplay does not emulate")
		}
		return nil, bad(v)
	}
	if len(args) != 1 && len(args) != 3 {
		return nil, bad(v)
	}
	var err error
	if s.left, err = c.compileValue(v, d.line); err != nil {
		return nil, err
	}
	if len(args) == 1 {
		return s, nil
	}
	s.op = args[1]
	switch s.op {
	case "=", "!=":
		s.val, err = c.compileValue(args[2], d.line)
	case "~", "~*", "!~", "!~*":
		s.re, err = c.compileRegex(args[2], strings.HasSuffix(s.op, "*"), d.line)
		s.val = value{{lit: args[2]}}
	default:
		return nil, refused(d.line, `unexpected "`+s.op+`" in condition`)
	}
	return s, err
}

func (c *conf) mapBlock(d *directive) error {
	if !d.isBlock {
		return refused(d.line, `directive "map" has no opening "{"`)
	}
	if len(d.args) != 2 {
		return refused(d.line, `invalid number of arguments in "map" directive`)
	}
	if !strings.HasPrefix(d.args[1], "$") || len(d.args[1]) < 2 {
		return refused(d.line, `invalid variable name "`+d.args[1]+`"`)
	}
	m := &nmap{out: strings.ToLower(d.args[1][1:]), exact: map[string]value{}, open: d.open}
	if fixed(m.out) {
		return refused(d.line, `the duplicate "`+m.out+`" variable`)
	}
	var err error
	if m.source, err = c.compileValue(d.args[0], d.line); err != nil {
		return err
	}
	hasDefault := false
	for _, e := range d.block {
		if e.isBlock {
			return refused(e.line, `unexpected "{"`)
		}
		if len(e.args) == 0 && (e.name == "hostnames" || e.name == "volatile") {
			if e.name == "hostnames" {
				return outside(e.line, "map … hostnames is outside what corsplay emulates")
			}
			continue
		}
		if e.name == "include" {
			return outside(e.line, "include is outside what corsplay emulates: paste the included text")
		}
		if len(e.args) != 1 {
			return refused(e.line, `invalid number of the map parameters`)
		}
		v, err := c.compileValue(e.args[0], e.line)
		if err != nil {
			return err
		}
		key := e.name
		switch {
		case key == "default":
			if hasDefault {
				return refused(e.line, `duplicate default map parameter`)
			}
			m.def, hasDefault = v, true
			m.written = append(m.written, mapEntry{key: key, val: e.args[0]})
			continue
		case len(key) > 1 && key[0] == '~':
			caseless := key[1] == '*'
			re, err := c.compileRegex(key[1+b2i(caseless):], caseless, e.line)
			if err != nil {
				return err
			}
			m.res, m.resVal = append(m.res, re), append(m.resVal, v)
			m.written = append(m.written, mapEntry{key[1+b2i(caseless):], e.args[0], true, caseless})
			continue
		case strings.HasPrefix(key, `\`):
			key = key[1:]
		}
		lk := strings.ToLower(key)
		if _, dup := m.exact[lk]; dup {
			return refused(e.line, `conflicting parameter "`+key+`"`)
		}
		m.exact[lk] = v
		m.written = append(m.written, mapEntry{key: key, val: e.args[0]})
	}
	if old := c.maps[m.out]; old != nil { // a second map of the variable replaces the first
		c.mapOrder = slices.DeleteFunc(c.mapOrder, func(x *nmap) bool { return x == old })
	}
	c.maps[m.out], c.userVars[m.out] = m, true
	c.mapOrder = append(c.mapOrder, m)
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ---- Answers ----

// state is one request going through the location.
type state struct {
	c    *conf
	req  message.Request
	vars map[string]string
	caps []string
}

var okStatuses = " 200 201 204 206 301 302 303 304 307 308 "

func (c *conf) Respond(req message.Request) message.Response {
	return c.respond(req).resp
}

// answer is an answer, with the block whose add_header lines nginx sent,
// the return that gave the status (nil for the application's) and the
// request's variables: what the fixes need to know.
type answer struct {
	resp  message.Response
	level *block
	ret   *stmt
	st    *state
}

func (c *conf) respond(req message.Request) answer {
	if strings.Trim(req.Method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-") != "" || req.Method == "" {
		return answer{resp: page(400)}
	}
	if req.Method == "TRACE" {
		return answer{resp: page(405)}
	}
	st := &state{c: c, req: req, vars: map[string]string{}}
	level := &c.loc
	ret := st.run(&c.loc, &level)
	a := answer{level: level, ret: ret, st: st}
	if ret == nil {
		ret = &stmt{kind: 'r', code: 200, hasText: true, val: value{{lit: "ok"}}}
	}
	text := st.eval(ret.val)
	code := ret.code
	var hs message.Headers
	add := func(n, v string) { hs = append(hs, message.Header{Name: n, Value: v}) }
	switch {
	case code == 204:
	case statusPages[code] > 0 && code < 400:
		add("Content-Type", "text/html")
		add("Content-Length", strconv.Itoa(statusPages[code]))
		add("Location", text)
	case code < 400 || len(ret.val) > 0: // a text, even one that evaluates to ""
		add("Content-Type", "text/plain")
		add("Content-Length", strconv.Itoa(len(text)))
	case statusPages[code] > 0:
		add("Content-Type", "text/html")
		add("Content-Length", strconv.Itoa(statusPages[code]))
	default:
		add("Content-Length", "0")
	}
	headers := level.headers
	if !level.own {
		headers = c.loc.headers
	}
	ok := strings.Contains(okStatuses, " "+strconv.Itoa(code)+" ")
	for _, h := range headers {
		if h.always || ok {
			if v := st.eval(h.value); v != "" {
				add(h.name, v)
			}
		}
	}
	if !a.level.own {
		a.level = &c.loc
	}
	a.resp = message.Response{Status: code, Headers: hs}
	return a
}

// page is nginx's own answer before the location runs.
func page(code int) message.Response {
	return message.Response{Status: code, Headers: message.Headers{{Name: "Content-Type", Value: "text/html"}, {Name: "Content-Length", Value: strconv.Itoa(statusPages[code])}}}
}

// run executes the rewrite program of b; level becomes each true if's
// block. It returns the return that ends it, nil when none does.
func (st *state) run(b *block, level **block) *stmt {
	for _, s := range b.code {
		switch s.kind {
		case 's':
			st.vars[s.varName] = st.eval(s.val)
		case 'r':
			return s
		case 'i':
			if st.test(s) {
				*level = s.inner
				if r := st.run(s.inner, level); r != nil {
					return r
				}
			}
		}
	}
	return nil
}

func (st *state) test(s *stmt) bool {
	v := st.eval(s.left)
	switch s.op {
	case "":
		return v != "" && v != "0"
	case "=", "!=":
		return (v == st.eval(s.val)) == (s.op == "=")
	}
	return st.match(s.re, v) == (s.op[0] == '~')
}

// match searches v with re as ngx_http_regex_exec does: the captures
// change only when re has groups and matches; named groups set variables.
func (st *state) match(re *pattern.Regexp, v string) bool {
	g := re.MatchPCRE(v, st.req.Meter)
	if g == nil {
		return false
	}
	if len(g) > 1 {
		st.caps = g
		for i, n := range re.SubexpNames() {
			if n != "" {
				st.vars[strings.ToLower(n)] = g[i]
			}
		}
	}
	return true
}

func (st *state) eval(v value) string {
	if len(v) == 1 && v[0].varName == "" && v[0].capture == 0 {
		return v[0].lit
	}
	var b strings.Builder
	for _, p := range v {
		switch {
		case p.capture > 0:
			if p.capture < len(st.caps) {
				b.WriteString(st.caps[p.capture])
			}
		case p.varName != "":
			b.WriteString(st.variable(p.varName))
		default:
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

func (st *state) variable(n string) string {
	if v, ok := st.vars[n]; ok {
		return v
	}
	if m := st.c.maps[n]; m != nil {
		v := st.mapValue(m)
		st.vars[n] = v
		return v
	}
	r := st.req
	u := r.URL
	scheme, rest, _ := strings.Cut(u, "://")
	hostport, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hostport, path = rest[:i], rest[i:]
	}
	path, args, isArgs := strings.Cut(path, "?")
	switch n {
	case "request_method":
		return r.Method
	case "scheme":
		return scheme
	case "host":
		if h, ok := header(r, "host"); ok {
			hostport = h
		}
		if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.HasSuffix(hostport, "]") {
			hostport = hostport[:i]
		}
		return strings.ToLower(hostport)
	case "request_uri":
		if isArgs {
			return path + "?" + args
		}
		return path
	case "args", "query_string":
		return args
	case "is_args":
		if isArgs {
			return "?"
		}
		return ""
	}
	if h, ok := strings.CutPrefix(n, "http_"); ok {
		v, _ := header(r, h)
		return v
	}
	return "" // a variable set where the request did not pass
}

// header is $http_NAME: the first line whose name, lower-cased with "-"
// read as "_", is NAME (nginx ignores names holding anything but letters,
// digits and "-"); Cookie and X-Forwarded-For lines are joined.
func header(r message.Request, n string) (string, bool) {
	var vals []string
	for _, h := range r.Headers {
		k := strings.ToLower(h.Name)
		if strings.Trim(k, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			continue
		}
		if strings.ReplaceAll(k, "-", "_") == n {
			vals = append(vals, h.Value)
		}
	}
	switch {
	case len(vals) == 0 && n == "host": // the client's Host line, from the URL
		_, rest, _ := strings.Cut(r.URL, "://")
		h, _, _ := strings.Cut(rest, "/")
		return h, h != ""
	case len(vals) == 0:
		return "", false
	case n == "cookie":
		return strings.Join(vals, "; "), true
	case n == "x_forwarded_for":
		return strings.Join(vals, ", "), true
	}
	return vals[0], true
}

// mapValue is ngx_http_map_find: the exact keys (case-insensitively), then
// the regexes in order, for a non-empty source; else the default.
func (st *state) mapValue(m *nmap) string {
	src := st.eval(m.source)
	if src != "" {
		if v, ok := m.exact[strings.ToLower(src)]; ok {
			return st.eval(v)
		}
		for i, re := range m.res {
			if st.match(re, src) {
				return st.eval(m.resVal[i])
			}
		}
	}
	return st.eval(m.def)
}
