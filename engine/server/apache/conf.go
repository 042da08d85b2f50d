package apache

import (
	"strconv"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// The text, read as httpd reads a configuration file: logical lines
// (a trailing backslash continues one), words as ap_getword_conf cuts
// them, sections, then each directive into the modules' lists.

type cline struct {
	n          int
	text       string
	start, end int // its bytes in the text, continued lines and newline included
}

func splitLines(text string) []cline {
	var out []cline
	var cur strings.Builder // a builder: += on continued lines is quadratic
	start, at := 0, 0
	for i, l := range strings.SplitAfter(text, "\n") {
		at += len(l)
		l = strings.TrimRight(l, "\r\n")
		if strings.HasSuffix(l, `\`) && at < len(text) {
			cur.WriteString(l[:len(l)-1])
			continue
		}
		cur.WriteString(l)
		if t := strings.TrimSpace(cur.String()); t != "" && t[0] != '#' {
			out = append(out, cline{i + 1, t, start, at})
		}
		cur.Reset()
		start = at
	}
	return out
}

// words cuts a line as ap_getword_conf does: a word starting with a quote
// runs to the same quote (\\ and \" unescaped inside); other words run to
// a space (\\ unescaped).
func words(s string) []string {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out
		}
		q := s[0]
		var b strings.Builder
		i := 0
		if q == '"' || q == '\'' {
			for i = 1; i < len(s) && s[i] != q; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == q || s[i+1] == '\\') {
					i++
				}
				b.WriteByte(s[i])
			}
			if i < len(s) {
				i++
			}
		} else {
			for ; i < len(s) && s[i] != ' ' && s[i] != '\t'; i++ {
				if s[i] == '\\' && i+1 < len(s) && s[i+1] == '\\' {
					i++
				}
				b.WriteByte(s[i])
			}
		}
		out = append(out, b.String())
		s = s[i:]
	}
}

// refused is httpd refusing the text at start-up, in its words.
func refused(line int, msg string) error {
	return &server.ConfigError{Library: name, Message: "AH00526: Syntax error on line " + strconv.Itoa(line) + ": " + msg}
}

// outside is a directive corsplay does not emulate.
func outside(line int, problem string) error {
	return &server.OptionError{Path: "config", Problem: "Apache: line " + strconv.Itoa(line) + ": " + problem}
}

// loaded are the modules of the server the text is read in.
const loaded = " core so watchdog http_core log_config logio version unixd mpm_prefork authz_core headers setenvif rewrite lua "

// maxDepth bounds how deep sections and <If> conditions nest: their
// readers recurse, and the page's WebAssembly stack must not overflow.
const maxDepth = 50

// read reads lines[i:] into c until the end of the enclosing section
// (end, "" at the top, depth sections deep); in an <If> (ifs non-nil) only
// Header is allowed.
func (c *conf) read(ls []cline, i int, end string, sec *ifSec, depth int) (int, error) {
	for ; i < len(ls); i++ {
		l := ls[i]
		w := words(l.text)
		dir := strings.ToLower(w[0])
		args := w[1:]
		if strings.HasPrefix(dir, "</") {
			if dir != end {
				return i, refused(l.n, "Expected <"+strings.TrimPrefix(end, "</")+" but saw "+w[0])
			}
			return i, nil
		}
		if strings.HasPrefix(dir, "<") {
			arg := strings.TrimSpace(strings.TrimPrefix(l.text, w[0]))
			if !strings.HasSuffix(arg, ">") && !(dir == "<else>" && arg == "") {
				return i, refused(l.n, w[0]+"> directive missing closing '>'")
			}
			arg = strings.TrimSpace(strings.TrimSuffix(arg, ">"))
			dir = strings.TrimSuffix(dir, ">")
			if depth >= maxDepth {
				return i, outside(l.n, "sections nested more than "+strconv.Itoa(maxDepth)+" deep")
			}
			var err error
			switch dir {
			case "<ifmodule":
				m := strings.TrimPrefix(arg, "!")
				m = strings.TrimSuffix(strings.TrimPrefix(m, "mod_"), ".c")
				m = strings.TrimSuffix(m, "_module")
				if strings.Contains(loaded, " "+m+" ") == strings.HasPrefix(arg, "!") {
					i, err = skip(ls, i, "</ifmodule>")
				} else {
					i, err = c.read(ls, i+1, "</ifmodule>", sec, depth+1)
				}
			case "<if", "<elseif", "<else":
				if sec != nil {
					return i, outside(l.n, "an <If> inside an <If> is outside what corsplay emulates")
				}
				s := &ifSec{kind: dir[1:], line: l.n}
				if dir != "<if" && (len(c.ifs) == 0 || c.ifs[len(c.ifs)-1].kind == "else" || c.ifs[len(c.ifs)-1].end != i-1) {
					return i, refused(l.n, "<Else> or <ElseIf> section without previous <If> or <ElseIf> section in same scope")
				}
				if dir != "<else" {
					ew := words(arg)
					if len(ew) != 1 {
						return i, refused(l.n, dir[1:]+" condition must be quoted") // never mind the wording: httpd refuses it
					}
					if s.expr, err = c.parseExpr(ew[0], l.n); err != nil {
						return i, err
					}
				}
				i, err = c.read(ls, i+1, "</"+dir[1:]+">", s, depth+1)
				s.end = i
				c.ifs = append(c.ifs, s)
			default:
				return i, outside(l.n, "the section "+w[0]+"> is outside what corsplay emulates: the text is read inside <Directory> (it reads <IfModule>, and <If>, <ElseIf> and <Else> holding Header lines)")
			}
			if err != nil {
				return i, err
			}
			if i >= len(ls) {
				return i, refused(l.n, w[0]+"> directive missing closing '>'") // never closed
			}
			continue
		}
		if sec != nil && dir != "header" {
			return i, outside(l.n, "directive \""+w[0]+"\" inside <"+sec.kind+">: corsplay emulates only Header lines there")
		}
		var err error
		switch dir {
		case "header":
			err = c.header(args, l, sec)
		case "setenvif", "setenvifnocase":
			err = c.setEnvIf(args, dir == "setenvifnocase", w[0], l)
		case "rewriteengine":
			if len(args) != 1 {
				return i, refused(l.n, "RewriteEngine takes one argument, 'on' or 'off'")
			}
			switch strings.ToLower(args[0]) {
			case "on", "off":
				c.rewriteOn = strings.EqualFold(args[0], "on")
			default:
				return i, refused(l.n, "RewriteEngine must be On or Off")
			}
		case "rewritecond":
			err = c.rewriteCond(args, l.n)
		case "rewriterule":
			err = c.rewriteRule(args, l)
		case "requestheader", "setenv", "unsetenv", "passenv":
			err = outside(l.n, "directive \""+w[0]+"\" is outside what corsplay emulates (it reads Header, SetEnvIf, SetEnvIfNoCase, RewriteEngine, RewriteCond and RewriteRule)")
		default:
			err = outside(l.n, "directive \""+w[0]+"\" is outside what corsplay emulates: it reads Header, SetEnvIf, SetEnvIfNoCase, RewriteEngine, RewriteCond, RewriteRule, <IfModule> and <If>")
		}
		if err != nil {
			return i, err
		}
	}
	return i, nil
}

// skip passes a section whose module is not loaded, nested ones included.
func skip(ls []cline, i int, end string) (int, error) {
	depth := 0
	for i++; i < len(ls); i++ {
		w := strings.ToLower(words(ls[i].text)[0])
		switch {
		case w == "<ifmodule" || strings.HasPrefix(w, "<ifmodule>"):
			depth++
		case w == end && depth == 0:
			return i, nil
		case w == end:
			depth--
		}
	}
	return i, nil
}

// compile compiles a PCRE pattern as httpd does (ap_pregcomp).
func (c *conf) compile(re string, caseless bool, line int, refusal string) (*pattern.Regexp, error) {
	src, err := pattern.TranslatePCRE(re, caseless)
	if _, ok := err.(*pattern.PCREError); ok {
		return nil, refused(line, refusal)
	}
	if err == nil {
		var r *pattern.Regexp
		if r, err = c.set.Compile(src); err == nil {
			return r, nil
		}
	}
	return nil, outside(line, "the regular expression "+strconv.Quote(re)+": "+err.Error())
}

// ---- mod_headers ----

func (c *conf) header(a []string, l cline, sec *ifSec) error {
	line := l.n
	h := &hdr{line: line, text: l.text, start: l.start, end: l.end}
	if len(a) > 0 && (strings.EqualFold(a[0], "always") || strings.EqualFold(a[0], "onsuccess")) {
		h.always = strings.EqualFold(a[0], "always")
		a = a[1:]
	}
	if len(a) == 0 {
		return refused(line, "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.")
	}
	h.action = strings.ToLower(a[0])
	switch h.action {
	case "add", "set", "setifempty", "append", "merge", "unset", "echo":
	case "note", "edit", "edit*":
		return outside(line, "Header "+a[0]+" is outside what corsplay emulates")
	default:
		return refused(line, "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.")
	}
	if len(a) < 2 {
		return refused(line, "Header requires three arguments")
	}
	h.name = a[1]
	rest := a[2:]
	if h.action != "unset" && h.action != "echo" {
		if len(rest) == 0 {
			return refused(line, "Header requires three arguments")
		}
		v, err := headerValue(rest[0], line)
		if err != nil {
			return err
		}
		h.val, rest = v, rest[1:]
		if l := strings.ToLower(h.name); strings.Contains(" content-type content-length date server connection transfer-encoding keep-alive ", " "+l+" ") {
			return outside(line, "Header "+a[0]+" "+h.name+": httpd writes that line itself, which corsplay does not emulate")
		}
	}
	if len(rest) > 0 {
		cond := rest[0]
		switch {
		case len(rest) > 1:
			return refused(line, "Unknown parameter: "+rest[1])
		case strings.EqualFold(cond, "early"):
			return outside(line, "Header … early is outside what corsplay emulates")
		case strings.HasPrefix(cond, "expr="):
			return outside(line, "Header … expr= is outside what corsplay emulates: write <If>")
		case !strings.HasPrefix(strings.ToLower(cond), "env="):
			return refused(line, "Unknown parameter: "+cond)
		case len(cond) == 4:
			return refused(line, "error: missing environment variable name. envclause should be in the form env=envar ")
		}
		h.env = cond[4:]
	}
	if h.action == "echo" {
		re, err := c.compile(h.name, false, line, "Header echo regex could not be compiled")
		if err != nil {
			return err
		}
		h.echo = re
	}
	if sec != nil {
		sec.headers = append(sec.headers, h)
	} else {
		c.headers = append(c.headers, h)
	}
	return nil
}

// headerValue reads mod_headers' format: text, %{VAR}e and %%.
func headerValue(s string, line int) ([]vpart, error) {
	var out []vpart
	var lit strings.Builder // a builder: += byte by byte is quadratic
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '\\' {
			return nil, outside(line, "a backslash in a Header value: corsplay does not emulate mod_headers' escapes (\\t, \\n, \\r)")
		}
		if ch != '%' || i+1 >= len(s) {
			lit.WriteByte(ch)
			continue
		}
		i++
		arg := ""
		if s[i] == '{' {
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return nil, refused(line, "Unrecognized header format %"+s[i:i+1])
			}
			arg, i = s[i+1:i+j], i+j+1
		}
		f := byte(0)
		if i < len(s) {
			f = s[i]
		}
		switch {
		case f == '%' && arg == "":
			lit.WriteByte('%')
		case f == 'e':
			out = append(out, vpart{lit: lit.String()}, vpart{env: arg, isEnv: true})
			lit.Reset()
		case strings.IndexByte("tDlibs^", f) >= 0 && f != 0:
			return nil, outside(line, "%"+string(f)+" in a Header value: corsplay emulates only %{VAR}e and %% (mod_headers has no %{NAME}i: it writes the server's idle percentage)")
		default:
			return nil, refused(line, "Unrecognized header format %"+strings.TrimRight(string(f), "\x00"))
		}
	}
	return append(out, vpart{lit: lit.String()}), nil
}

// ---- mod_setenvif ----

func (c *conf) setEnvIf(a []string, nocase bool, cmd string, l cline) error {
	line := l.n
	if len(a) < 2 {
		return refused(line, "Missing regular expression for "+cmd)
	}
	if len(a) < 3 {
		return refused(line, "Missing envariable expression for "+cmd)
	}
	s := &setenvif{attr: strings.ToLower(a[0]), line: line, regex: a[1], nocase: nocase, end: l.end}
	switch {
	case s.attr == "request_method" || s.attr == "request_uri":
	case strings.Trim(s.attr, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" || strings.Contains(" remote_host remote_addr server_addr request_protocol ", " "+s.attr+" "):
		return outside(line, cmd+" "+a[0]+": corsplay emulates SetEnvIf on a request header, Request_Method or Request_URI")
	}
	if plain, ok := nonRegex(a[1]); ok {
		s.plain, s.isPlain = plain, true
	} else {
		re, err := c.compile(a[1], nocase, line, cmd+" regex could not be compiled.")
		if err != nil {
			return err
		}
		s.re = re
	}
	for _, v := range a[2:] {
		k, val, hasVal := strings.Cut(v, "=")
		e := envSet{name: strings.TrimPrefix(k, "!"), val: "1", unset: strings.HasPrefix(k, "!")}
		if hasVal {
			e.val = val
		}
		s.sets = append(s.sets, e)
	}
	c.envs = append(c.envs, s)
	return nil
}

// nonRegex is mod_setenvif's non_regex_pattern: a pattern without
// unescaped metacharacters is searched as a plain string (and its value's
// $0 is never substituted).
func nonRegex(s string) (string, bool) {
	var b strings.Builder
	esc := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case strings.IndexByte("^.$|()[]*+?{}", ch) >= 0:
			if !esc {
				return "", false
			}
			esc = false
		case ch == '\\':
			esc = !esc
			if esc {
				continue
			}
		case esc:
			return "", false
		}
		b.WriteByte(ch)
	}
	return b.String(), true
}

// ---- mod_rewrite ----

func (c *conf) rewriteCond(a []string, line int) error {
	if len(a) < 2 || len(a) > 3 {
		return refused(line, "RewriteCond: bad argument line '"+strings.Join(a, " ")+"'")
	}
	cd := &cond{test: a[0], line: line}
	if len(a) == 3 {
		for _, f := range strings.Split(strings.Trim(a[2], "[]"), ",") {
			switch strings.ToLower(strings.TrimSpace(f)) {
			case "nc", "nocase":
				cd.nc = true
			case "or", "ornext":
				cd.or = true
			case "nv", "novary":
				cd.nv = true
			default:
				return outside(line, "the RewriteCond flag "+f+" is outside what corsplay emulates (NC, OR, NV)")
			}
		}
	}
	if err := checkTest(a[0], line); err != nil {
		return err
	}
	p := a[1]
	if strings.HasPrefix(p, "!") {
		cd.negate, p = true, p[1:]
	}
	switch {
	case strings.HasPrefix(p, "="):
		cd.eq, cd.isEq = p[1:], true
	case strings.HasPrefix(p, "-") || strings.HasPrefix(p, "<") || strings.HasPrefix(p, ">"):
		return outside(line, "the RewriteCond test "+p+" is outside what corsplay emulates (regular expressions and =string)")
	default:
		re, err := c.compile(p, cd.nc, line, "RewriteCond: cannot compile regular expression '"+p+"'")
		if err != nil {
			return err
		}
		cd.re = re
	}
	c.pendingConds = append(c.pendingConds, cd)
	return nil
}

// rewriteVars are mod_rewrite's variables corsplay does not emulate; any
// other unknown name expands to "" as in httpd.
const rewriteVars = " REMOTE_ADDR REMOTE_HOST REMOTE_PORT REMOTE_USER REMOTE_IDENT PATH_INFO AUTH_TYPE DOCUMENT_ROOT SERVER_ADMIN SERVER_NAME SERVER_ADDR SERVER_PORT SERVER_PROTOCOL SERVER_SOFTWARE TIME_YEAR TIME_MON TIME_DAY TIME_HOUR TIME_MIN TIME_SEC TIME_WDAY TIME API_VERSION CONN_REMOTE_ADDR CONTEXT_PREFIX CONTEXT_DOCUMENT_ROOT IS_SUBREQ REQUEST_FILENAME SCRIPT_FILENAME THE_REQUEST IPV6 HTTPS REQUEST_SCHEME SCRIPT_USER SCRIPT_GROUP "

// checkTest refuses the parts of a test string corsplay does not emulate.
func checkTest(s string, line int) error {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 >= len(s) || s[i+1] != '{' {
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil
		}
		v := s[i+2 : i+j]
		if strings.Contains(rewriteVars, " "+strings.ToUpper(v)+" ") || strings.Contains(v, ":") && !strings.HasPrefix(strings.ToUpper(v), "HTTP:") && !strings.HasPrefix(strings.ToUpper(v), "ENV:") {
			return outside(line, "%{"+v+"} is outside what corsplay emulates (it answers %{REQUEST_METHOD}, %{REQUEST_URI}, %{QUERY_STRING}, %{HTTP:Name}, %{HTTP_HOST} and the like, and %{ENV:Name})")
		}
	}
	return nil
}

var redirectCodes = map[int]int{200: 533, 201: 543, 202: 545, 203: 587, 204: 0, 205: 555, 206: 559, 207: 553, 208: 561, 226: 543,
	401: 421, 403: 239, 404: 236, 410: 322, 429: 267, 500: 571, 503: 339}

func (c *conf) rewriteRule(a []string, l cline) error {
	line := l.n
	if len(a) < 2 || len(a) > 3 {
		return refused(line, "RewriteRule: bad argument line '"+strings.Join(a, " ")+"'")
	}
	r := &rule{conds: c.pendingConds, subst: a[1], line: line, start: l.start, end: l.end}
	c.pendingConds = nil
	nc := false
	if len(a) == 3 {
		if !strings.HasPrefix(a[2], "[") || !strings.HasSuffix(a[2], "]") {
			return refused(line, "RewriteRule: bad flag delimiters")
		}
		for _, f := range strings.Split(a[2][1:len(a[2])-1], ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
			switch strings.ToLower(k) {
			case "l", "last", "end":
				r.last = true
			case "nc", "nocase":
				nc = true
			case "f", "forbidden":
				r.status = 403
			case "g", "gone":
				r.status = 410
			case "r", "redirect":
				n, err := strconv.Atoi(v)
				switch {
				case v == "" || strings.EqualFold(v, "temp"):
					n = 302
				case strings.EqualFold(v, "permanent"):
					n = 301
				case strings.EqualFold(v, "seeother"):
					n = 303
				case err != nil || !strings.Contains(validCodes, " "+v+" "):
					return refused(line, "RewriteRule: invalid HTTP response code '"+v+"' for flag 'R'")
				}
				if _, ok := redirectCodes[n]; !ok {
					return outside(line, "RewriteRule … [R="+strconv.Itoa(n)+"]: corsplay emulates R= with 200 to 226, 401, 403, 404, 410, 429, 500 and 503 (a redirect's Location depends on the host and port)")
				}
				r.status = n
			case "e", "env":
				name, val, _ := strings.Cut(v, ":")
				r.env = append(r.env, envSet{name: strings.TrimPrefix(name, "!"), val: val, unset: strings.HasPrefix(name, "!")})
			default:
				if strings.Contains(" b bnp bctls bne c chain co cookie dpi discardpath h handler n next ne noescape nosubreq ns p proxy pt passthrough qsa qsappend qsd qsdiscard qsl qslast s skip t type unsafeallow3f unsafeprefixstat ", " "+strings.ToLower(k)+" ") {
					return outside(line, "the RewriteRule flag "+f+" is outside what corsplay emulates (R=, F, G, L, END, NC, E=)")
				}
				return refused(line, "RewriteRule: unknown flag '"+f+"'")
			}
		}
	}
	if r.status == 0 && r.subst != "-" {
		return outside(line, "RewriteRule "+a[0]+" "+a[1]+": corsplay emulates rules that answer (R=, F, G) or only set variables (substitution -), not rewrites")
	}
	p := a[0]
	if strings.HasPrefix(p, "!") {
		r.negate, p = true, p[1:]
	}
	re, err := c.compile(p, nc, line, "RewriteRule: cannot compile regular expression '"+p+"'")
	if err != nil {
		return err
	}
	for _, cd := range r.conds {
		if err := checkTest(cd.test, cd.line); err != nil {
			return err
		}
	}
	r.re = re
	c.rules = append(c.rules, r)
	return nil
}

// validCodes are the statuses httpd knows (mod_rewrite's R= takes these).
const validCodes = " 100 101 102 103 200 201 202 203 204 205 206 207 208 226 300 301 302 303 304 305 307 308 400 401 402 403 404 405 406 407 408 409 410 411 412 413 414 415 416 417 421 422 423 424 426 428 429 431 451 500 501 502 503 504 505 506 507 508 510 511 "
