package nginx

import (
	"strconv"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// The configuration text, read as nginx's ngx_conf_read_token does, then
// into the rewrite module's program and the headers filter's lists.

// directive is one directive of the text, with its block when it has one.
type directive struct {
	name       string
	args       []string
	line       int
	block      []*directive
	isBlock    bool
	start, end int // its bytes in the text
	open       int // where its block's inside starts
}

// refused is nginx refusing the text at start-up, in its words.
func refused(line int, msg string) error {
	if line > 0 {
		msg += " in line " + strconv.Itoa(line)
	}
	return &server.ConfigError{Library: name, Message: "[emerg] " + msg}
}

// outside is a directive corsplay does not emulate.
func outside(line int, problem string) error {
	return &server.OptionError{Path: "config", Problem: "nginx: line " + strconv.Itoa(line) + ": " + problem}
}

// parse reads the text into directives.
func parse(text string) ([]*directive, error) {
	p := &tokenizer{s: text, line: 1}
	list, err := p.block(0)
	return list, err
}

type tokenizer struct {
	s    string
	i    int
	line int
	tok  int // where the last word started
}

// maxDepth bounds how deep blocks nest: block recurses, and the page's
// WebAssembly stack must not overflow.
const maxDepth = 50

// block reads directives until the "}" that closes the block (depth > 0)
// or the end of the text.
func (p *tokenizer) block(depth int) ([]*directive, error) {
	var list []*directive
	var d *directive
	for {
		word, quoted, c, err := p.token()
		if err != nil {
			return nil, err
		}
		if word != "" || quoted {
			if d == nil {
				d = &directive{name: word, start: p.tok}
			} else {
				d.args = append(d.args, word)
			}
			continue
		}
		switch c {
		case 0:
			if d != nil {
				return nil, refused(0, `unexpected end of file, expecting ";" or "}"`)
			}
			if depth > 0 {
				return nil, refused(0, `unexpected end of file, expecting "}"`)
			}
			return list, nil
		case ';':
			if d == nil {
				return nil, refused(p.line, `unexpected ";"`)
			}
			d.line = p.line
		case '{':
			if d == nil {
				return nil, refused(p.line, `unexpected "{"`)
			}
			if depth >= maxDepth {
				return nil, outside(p.line, "blocks nested more than "+strconv.Itoa(maxDepth)+" deep")
			}
			d.line, d.isBlock, d.open = p.line, true, p.i
			if d.block, err = p.block(depth + 1); err != nil {
				return nil, err
			}
		case '}':
			if d != nil || depth == 0 {
				if depth == 0 {
					return nil, outside(p.line, `unexpected "}": paste the inside of the location, with its braces balanced`)
				}
				return nil, refused(p.line, `unexpected "}"`)
			}
			return list, nil
		}
		d.end = p.i
		list = append(list, d)
		d = nil
	}
}

// token reads one word (unescaped as nginx does), or returns the
// punctuation c (";", "{", "}", 0 at the end) that ends a directive.
func (p *tokenizer) token() (word string, quoted bool, c byte, err error) {
	for p.i < len(p.s) {
		ch := p.s[p.i]
		switch ch {
		case '\n':
			p.line++
			fallthrough
		case ' ', '\t', '\r':
			p.i++
			continue
		case '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
			continue
		case ';', '{', '}':
			p.i++
			return "", false, ch, nil
		}
		break
	}
	if p.i >= len(p.s) {
		return "", false, 0, nil
	}
	start := p.i
	p.tok = start
	q := p.s[p.i]
	if q == '"' || q == '\'' {
		p.i++
		for p.i < len(p.s) && p.s[p.i] != q {
			if p.s[p.i] == '\\' {
				p.i++
			}
			if p.i < len(p.s) && p.s[p.i] == '\n' {
				p.line++
			}
			p.i++
		}
		if p.i >= len(p.s) {
			return "", false, 0, refused(0, `unexpected end of file, expecting ";" or "}"`)
		}
		p.i++
		if p.i < len(p.s) && !strings.ContainsRune(" \t\r\n;{)", rune(p.s[p.i])) {
			return "", false, 0, refused(p.line, `unexpected "`+p.s[p.i:p.i+1]+`"`)
		}
		return unescape(p.s[start+1 : p.i-1]), true, 0, nil
	}
	for p.i < len(p.s) {
		ch := p.s[p.i]
		if ch == '\\' && p.i+1 < len(p.s) {
			p.i += 2
			continue
		}
		if ch == '{' && p.i > start && p.s[p.i-1] == '$' {
			p.i++
			continue
		}
		if strings.IndexByte(" \t\r\n;{", ch) >= 0 {
			break
		}
		p.i++
	}
	return unescape(p.s[start:p.i]), false, 0, nil
}

// unescape undoes \" \' \\ \t \r \n; any other backslash stays.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '"', '\'', '\\':
				i++
			case 't', 'r', 'n':
				b.WriteByte(map[byte]byte{'t': '\t', 'r': '\r', 'n': '\n'}[s[i+1]])
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// A value is a complex value: literal parts and variables, "$1".."$9"
// being the last regular expression's captures.
type value []part

type part struct {
	lit     string
	varName string // "" for a literal
	capture int    // 1..9 for $1..$9
}

// compileValue reads a complex value as ngx_http_script_compile does.
func (c *conf) compileValue(s string, line int) (value, error) {
	var v value
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '$')
		if j != 0 {
			if j < 0 {
				j = len(s) - i
			}
			v = append(v, part{lit: s[i : i+j]})
			i += j
			continue
		}
		i++
		if i < len(s) && s[i] >= '1' && s[i] <= '9' {
			v = append(v, part{capture: int(s[i] - '0')})
			i++
			continue
		}
		bracket := i < len(s) && s[i] == '{'
		if bracket {
			i++
		}
		k := i
		for k < len(s) && (s[k]|0x20 >= 'a' && s[k]|0x20 <= 'z' || s[k] >= '0' && s[k] <= '9' || s[k] == '_') {
			k++
		}
		name := s[i:k]
		if bracket {
			if k >= len(s) || s[k] != '}' {
				return nil, refused(line, `the closing bracket in "`+s[i:]+`" variable is missing`)
			}
			k++
		}
		if name == "" {
			return nil, refused(line, "invalid variable name")
		}
		name = strings.ToLower(name)
		c.used = append(c.used, usedVar{name, line})
		v = append(v, part{varName: name})
		i = k
	}
	return v, nil
}

type usedVar struct {
	name string
	line int
}

// builtins are the variables corsplay answers from the request.
func builtin(name string) bool {
	return strings.HasPrefix(name, "http_") || strings.Contains(" request_method scheme host request_uri args query_string is_args ", " "+name+" ")
}

// fixed are the variables set, map and named captures cannot take:
// nginx's own, but $args and the $http_NAME ones, which they override.
func fixed(name string) bool {
	return builtin(name) && name != "args" && !strings.HasPrefix(name, "http_") || strings.Contains(nginxOwn, " "+name+" ")
}

// nginxOwn are nginx 1.22 variables corsplay does not emulate; any other
// unknown name is one nginx refuses.
const nginxOwn = " arg_ cookie_ sent_http_ sent_trailer_ upstream_ remote_addr remote_port remote_user binary_remote_addr server_addr server_port server_name server_protocol request request_id request_length request_time request_body request_body_file request_completion request_filename uri document_uri document_root realpath_root content_type content_length status body_bytes_sent bytes_sent connection connection_requests connection_time msec time_local time_iso8601 nginx_version hostname pid pipe https tcpinfo_rtt proxy_protocol_addr proxy_protocol_port realip_remote_addr realip_remote_port proxy_host proxy_port proxy_add_x_forwarded_for invalid_referer secure_link gzip_ratio date_local date_gmt fastcgi_script_name "

// checkVars refuses the variables nginx does not know, as nginx does once
// the configuration is read.
func (c *conf) checkVars() error {
	for _, u := range c.used {
		prefix := u.name + "_"
		prefix = prefix[:strings.IndexByte(prefix, '_')+1]
		switch {
		case builtin(u.name), c.userVars[u.name]:
		case strings.Contains(nginxOwn, " "+u.name+" "), strings.Contains(nginxOwn, " "+prefix+" "):
			return outside(u.line, "the variable $"+u.name+" is nginx's, and outside what corsplay emulates (it answers $http_NAME, $request_method, $scheme, $host, $request_uri, $args, $is_args and the variables the text sets or maps)")
		default:
			return refused(0, `unknown "`+u.name+`" variable`)
		}
	}
	return nil
}

// compileRegex compiles a PCRE pattern as nginx does (caseless for ~*).
func (c *conf) compileRegex(re string, caseless bool, line int) (*pattern.Regexp, error) {
	src, err := pattern.TranslatePCRE(re, caseless)
	if pe, ok := err.(*pattern.PCREError); ok {
		msg := "pcre2_compile() failed: " + pe.Message + ` in "` + re + `"`
		if pe.Offset < len(re) {
			msg += ` at "` + re[pe.Offset:] + `"`
		}
		return nil, refused(line, msg)
	}
	if err == nil {
		var r *pattern.Regexp
		if r, err = c.set.Compile(src); err == nil {
			for _, n := range r.SubexpNames() {
				switch n = strings.ToLower(n); {
				case n == "":
				case fixed(n):
					return nil, refused(line, `the duplicate "`+n+`" variable`)
				case builtin(n):
					return nil, outside(line, "the named group "+n+" replaces nginx's $"+n+" with the capture, which corsplay does not emulate")
				default:
					c.userVars[n] = true
				}
			}
			return r, nil
		}
	}
	return nil, outside(line, "the regular expression "+strconv.Quote(re)+": "+err.Error())
}
