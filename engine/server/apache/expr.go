package apache

import (
	"strconv"
	"strings"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// The ap_expr subset of <If> conditions: comparisons (==, !=, =~, !~, in,
// -n, -z) of %{REQUEST_METHOD}, %{REQUEST_URI}, %{QUERY_STRING},
// %{HTTP_HOST} and the like, %{HTTP:Name}, req('Name'), http('Name') and
// 'strings', joined with &&, || and !, in parentheses.

// node is an expression; a word (op "w") evaluates to its string, a
// condition to "1" or "".
type node struct {
	op     string
	l, r   *node
	list   []*node
	re     *pattern.Regexp
	lit    string // a string, or the variable of a word
	header bool   // lit names a request header (read into Vary)
}

type exprParser struct {
	c     *conf
	s     string
	line  int
	err   error
	depth int // of ! and ( being read, at most maxDepth
}

func (c *conf) parseExpr(s string, line int) (*node, error) {
	p := &exprParser{c: c, s: s, line: line}
	n := p.or()
	if p.err == nil && strings.TrimSpace(p.s) != "" {
		p.fail("")
	}
	return n, p.err
}

// fail records what corsplay cannot read; a refusal is httpd's.
func (p *exprParser) fail(refusal string) *node {
	if p.err == nil {
		if refusal != "" {
			p.err = refused(p.line, "Cannot parse condition clause: "+refusal)
		} else {
			p.err = outside(p.line, "corsplay cannot read this <If> condition: it reads ==, !=, =~, !~, in, -n and -z on %{REQUEST_METHOD}, %{HTTP:Name}, req('Name') and 'strings', with &&, || and !")
		}
	}
	return &node{op: "w"}
}

func (p *exprParser) eat(tok string) bool {
	p.s = strings.TrimLeft(p.s, " \t")
	if strings.HasPrefix(p.s, tok) {
		p.s = p.s[len(tok):]
		return true
	}
	return false
}

func (p *exprParser) or() *node {
	n := p.and()
	for p.eat("||") {
		n = &node{op: "||", l: n, r: p.and()}
	}
	return n
}

func (p *exprParser) and() *node {
	n := p.not()
	for p.eat("&&") {
		n = &node{op: "&&", l: n, r: p.not()}
	}
	return n
}

func (p *exprParser) not() *node {
	if p.depth >= maxDepth {
		if p.err == nil {
			p.err = outside(p.line, "a condition nested more than "+strconv.Itoa(maxDepth)+" deep")
		}
		return &node{op: "w"}
	}
	p.depth++
	defer func() { p.depth-- }()
	switch {
	case p.eat("!"):
		return &node{op: "!", l: p.not()}
	case p.eat("("):
		n := p.or()
		if !p.eat(")") {
			return p.fail("")
		}
		return n
	case p.eat("-n "):
		return &node{op: "-n", l: p.word()}
	case p.eat("-z "):
		return &node{op: "-z", l: p.word()}
	case p.eat("true"):
		return &node{op: "w", lit: "1"}
	case p.eat("false"):
		return &node{op: "w"}
	}
	l := p.word()
	for _, op := range []string{"==", "!=", "=~", "!~", "in"} {
		if !p.eat(op) {
			continue
		}
		n := &node{op: op, l: l}
		switch op {
		case "=~", "!~":
			n.re = p.regex()
		case "in":
			if !p.eat("{") {
				return p.fail("")
			}
			for {
				n.list = append(n.list, p.word())
				if p.eat("}") {
					break
				}
				if !p.eat(",") {
					return p.fail("")
				}
			}
		default:
			n.r = p.word()
		}
		return n
	}
	return p.fail("")
}

// exprVars are the ap_expr variables corsplay answers (the header ones
// without adding to Vary).
const exprVars = " REQUEST_METHOD REQUEST_URI QUERY_STRING "

func (p *exprParser) word() *node {
	p.s = strings.TrimLeft(p.s, " \t")
	switch {
	case p.eat("'"):
		j := strings.IndexByte(p.s, '\'')
		if j < 0 || strings.Contains(p.s[:j], "%{") || strings.Contains(p.s[:j], `\`) {
			return p.fail("")
		}
		n := &node{op: "w", lit: p.s[:j]}
		p.s = p.s[j+1:]
		return n
	case p.eat("%{"):
		j := strings.IndexByte(p.s, '}')
		if j < 0 {
			return p.fail("")
		}
		v := p.s[:j]
		p.s = p.s[j+1:]
		up := strings.ToUpper(v)
		switch {
		case strings.HasPrefix(up, "HTTP:"):
			return &node{op: "v", lit: v[5:], header: true}
		case knownHeaders[up] != "":
			return &node{op: "v", lit: knownHeaders[up]}
		case strings.Contains(exprVars, " "+up+" "):
			return &node{op: "v", lit: up}
		case strings.HasPrefix(up, "HTTP_"):
			return p.fail("Variable '" + v + "' does not exist")
		}
		return p.fail("")
	case p.eat("req('"), p.eat("http('"):
		j := strings.Index(p.s, "')")
		if j < 0 {
			return p.fail("")
		}
		n := &node{op: "v", lit: p.s[:j], header: true}
		p.s = p.s[j+2:]
		return n
	}
	return p.fail("")
}

// regex reads /…/ or m#…# (any delimiter), with an i flag or none.
func (p *exprParser) regex() *pattern.Regexp {
	p.s = strings.TrimLeft(p.s, " \t")
	d := byte('/')
	if strings.HasPrefix(p.s, "m") && len(p.s) > 1 {
		d, p.s = p.s[1], p.s[1:]
	}
	if len(p.s) == 0 || p.s[0] != d {
		p.fail("")
		return nil
	}
	j := strings.IndexByte(p.s[1:], d)
	if j < 0 {
		p.fail("")
		return nil
	}
	src := p.s[1 : j+1]
	p.s = p.s[j+2:]
	caseless := p.eat("i")
	re, err := p.c.compile(src, caseless, p.line, "Cannot parse condition clause: Failed to compile regular expression")
	if err != nil && p.err == nil {
		p.err = err
	}
	return re
}

// eval evaluates n for x: "" is false.
func (x *exchange) eval(n *node) string {
	t := func(b bool) string {
		if b {
			return "1"
		}
		return ""
	}
	switch n.op {
	case "w":
		return n.lit
	case "v":
		if !n.header {
			if n.lit == "REQUEST_METHOD" || n.lit == "REQUEST_URI" || n.lit == "QUERY_STRING" {
				return x.variable(n.lit, nil)
			}
			v, _ := x.header(n.lit)
			return v
		}
		if !server.ContainsFold(x.vary, n.lit) {
			x.vary = append(x.vary, n.lit)
		}
		v, _ := x.header(n.lit)
		return v
	case "||":
		return t(x.eval(n.l) != "" || x.eval(n.r) != "")
	case "&&":
		return t(x.eval(n.l) != "" && x.eval(n.r) != "")
	case "!":
		return t(x.eval(n.l) == "")
	case "-n", "-z":
		return t((x.eval(n.l) == "") == (n.op == "-z"))
	case "==", "!=":
		return t((x.eval(n.l) == x.eval(n.r)) == (n.op == "=="))
	case "=~", "!~":
		return t((n.re.MatchPCRE(x.eval(n.l), x.meter) != nil) == (n.op == "=~"))
	case "in":
		v := x.eval(n.l)
		for _, w := range n.list {
			if x.eval(w) == v {
				return "1"
			}
		}
	}
	return ""
}
