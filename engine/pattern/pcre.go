package pattern

import (
	"fmt"
	"strconv"
	"strings"
)

// PCRE2 10.42 as nginx and Apache httpd compile it (8-bit, no UTF, the C
// locale's tables: ASCII classes and ASCII case folding), read into Go's
// syntax. A subject is searched one character per byte: MatchPCRE widens
// each byte above 0x7F to the rune of the same value, and a pattern holding
// a byte above 0x7F is not emulated.

// PCREError is a pattern PCRE2 refuses, in its words; Offset is where it
// stopped, in bytes (len(pattern) when at the end).
type PCREError struct {
	Offset  int
	Message string
}

func (e *PCREError) Error() string { return e.Message }

// PCREUnsupportedError is a construct PCRE2 has and Go's regexp lacks.
type PCREUnsupportedError struct{ Pattern, Feature string }

func (e *PCREUnsupportedError) Error() string {
	return fmt.Sprintf("%q uses %s, which PCRE supports and Go's regexp (RE2) does not: corsplay does not emulate this pattern rather than guess", e.Pattern, e.Feature)
}

type pcreParser struct {
	src   string
	i     int
	out   strings.Builder
	depth int
	last  int // pyItem*: what a quantifier would apply to
}

// TranslatePCRE returns the Go pattern for a PCRE2 pattern (caseless: the
// PCRE2_CASELESS option), a *PCREError or a *PCREUnsupportedError.
func TranslatePCRE(expr string, caseless bool) (goSrc string, err error) {
	p := &pcreParser{src: expr}
	if caseless {
		p.out.WriteString("(?i)")
	}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*PCREUnsupportedError); ok {
				e.Pattern = expr
			}
			if e, ok := r.(error); ok {
				goSrc, err = "", e
				return
			}
			panic(r)
		}
	}()
	for p.i < len(p.src) {
		p.item()
	}
	if p.depth > 0 {
		p.fail(len(p.src), "missing closing parenthesis")
	}
	return p.out.String(), nil
}

func (p *pcreParser) fail(at int, msg string) { panic(&PCREError{at, msg}) }
func (p *pcreParser) unsupported(what string) { panic(&PCREUnsupportedError{p.src, what}) }

func (p *pcreParser) accept(s string) bool {
	if strings.HasPrefix(p.src[p.i:], s) {
		p.i += len(s)
		return true
	}
	return false
}

func (p *pcreParser) item() {
	c := p.src[p.i]
	p.i++
	switch c {
	case '|':
		p.out.WriteByte('|')
		p.last = pyItemNone
	case '(':
		p.group()
	case ')':
		if p.depth == 0 {
			p.fail(p.i-1, "unmatched closing parenthesis")
		}
		p.depth--
		p.out.WriteByte(')')
		p.last = pyItemAtom
	case '*', '+', '?':
		p.quantifier(p.i-1, string(c))
	case '{':
		if q, ok := p.braces(); ok {
			p.quantifier(p.i-1, q)
		} else {
			p.literal('{')
		}
	case '[':
		p.class()
	case '\\':
		p.escape(false)
	case '^', '$':
		p.out.WriteByte(c) // no newline in a header, a method or a path: $ is \z
		p.last = pyItemAt
	case '.':
		p.out.WriteByte('.')
		p.last = pyItemAtom
	default:
		p.literal(c)
	}
}

func (p *pcreParser) literal(c byte) {
	p.out.WriteString(pcreChar(c))
	p.last = pyItemAtom
}

func pcreChar(c byte) string {
	switch {
	case c >= 0x80:
		panic(&PCREUnsupportedError{"", "a byte above 0x7F"})
	case strings.IndexByte(`\.+*?()|[]{}^$-`, c) >= 0:
		return `\` + string(c)
	case c > ' ' && c < 0x7F:
		return string(c)
	}
	return `\x{` + strconv.FormatUint(uint64(c), 16) + `}`
}

// quantifier writes q after checking what it repeats, and its lazy "?";
// a possessive "+" is not emulated.
func (p *pcreParser) quantifier(at int, q string) {
	if p.last != pyItemAtom {
		p.fail(at, "quantifier does not follow a repeatable item")
	}
	p.out.WriteString(q)
	if p.accept("?") {
		p.out.WriteByte('?')
	} else if p.accept("+") {
		p.unsupported("a possessive quantifier")
	}
	p.last = pyItemRepeat
}

// braces reads {n}, {n,} or {n,m} after the "{"; anything else is a
// literal "{" (PCRE2 10.42 reads {,m} as literal too).
func (p *pcreParser) braces() (string, bool) {
	j := p.i
	num := func() (int, bool) {
		k := j
		for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(p.src[k:j])
		if err != nil && j > k || n > 65535 {
			n = 65536
		}
		return n, j > k
	}
	lo, ok := num()
	if !ok {
		return "", false
	}
	hi := lo
	if j < len(p.src) && p.src[j] == ',' {
		j++
		hi, ok = num()
		if !ok {
			hi = -1
		}
	}
	if j >= len(p.src) || p.src[j] != '}' {
		return "", false
	}
	p.i = j + 1
	switch {
	case lo > 65535 || hi > 65535:
		p.fail(j, "number too big in {} quantifier")
	case hi >= 0 && hi < lo:
		p.fail(j, "numbers out of order in {} quantifier")
	}
	q := "{" + strconv.Itoa(lo)
	if hi != lo {
		q += ","
		if hi >= 0 {
			q += strconv.Itoa(hi)
		}
	}
	return q + "}", true
}

func (p *pcreParser) group() {
	start := p.i - 1
	switch {
	case p.accept("?#"):
		end := strings.IndexByte(p.src[p.i:], ')')
		if end < 0 {
			p.fail(len(p.src), "missing ) after (?# comment")
		}
		p.i += end + 1
		return // a comment repeats nothing, and does not end the item before it
	case p.accept("?:"):
		p.out.WriteString("(?:")
	case p.accept("?<=") || p.accept("?<!") || p.accept("?=") || p.accept("?!"):
		p.unsupported("a lookaround")
	case p.accept("?P<"), p.accept("?<"), p.accept("?'"):
		end := strings.IndexAny(p.src[p.i:], ">'")
		name := ""
		if end >= 0 {
			name = p.src[p.i : p.i+end]
		}
		if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" || name[0] <= '9' {
			p.unsupported("this group name")
		}
		p.i += end + 1
		p.out.WriteString("(?P<" + name + ">")
	case p.accept("?"):
		j := p.i
		for j < len(p.src) && strings.IndexByte("imsU-", p.src[j]) >= 0 {
			j++
		}
		if j == len(p.src) {
			p.fail(len(p.src), "missing closing parenthesis")
		}
		if j == p.i || p.src[j] != ')' && p.src[j] != ':' {
			p.unsupported("the group (" + p.src[start:min(j+1, len(p.src))])
		}
		flags := p.src[p.i:j]
		p.i = j + 1
		if p.src[j] == ')' {
			p.out.WriteString("(?" + flags + ")")
			p.last = pyItemAt
			return
		}
		p.out.WriteString("(?" + flags + ":")
	case p.accept("*"):
		p.unsupported("a (*VERB)")
	default:
		p.out.WriteByte('(')
	}
	p.depth++
	p.last = pyItemNone
}

// escape reads what follows a backslash, inside a class or not.
func (p *pcreParser) escape(inClass bool) (lit int) {
	if p.i >= len(p.src) {
		p.fail(len(p.src), `\ at end of pattern`)
	}
	c := p.src[p.i]
	p.i++
	emit := func(s string, kind int) int {
		p.out.WriteString(s)
		p.last = kind
		return -1
	}
	switch c {
	case 'd', 'D', 'w', 'W':
		return emit(`\`+string(c), pyItemAtom)
	case 's', 'S', 'h', 'H', 'v', 'V':
		set := map[byte]string{'s': `\t\n\x0B\f\r\x20`, 'h': `\t\x20\x{A0}`, 'v': `\n\x0B\f\r\x{85}`}[c|0x20]
		if inClass && c >= 'a' {
			return emit(set, 0)
		}
		if inClass {
			p.unsupported(`\` + string(c) + " in a class")
		}
		if c < 'a' {
			return emit("[^"+set+"]", pyItemAtom)
		}
		return emit("["+set+"]", pyItemAtom)
	case 'b', 'B', 'A', 'z', 'Z', 'G':
		switch {
		case inClass && c == 'b':
			return 8
		case c == 'G' || inClass:
			p.unsupported(`\` + string(c))
		}
		return emit(strings.Replace(`\`+string(c), "Z", "z", 1), pyItemAt)
	case 'Q':
		if inClass {
			p.unsupported(`\Q in a class`)
		}
		end := strings.Index(p.src[p.i:], `\E`)
		if end < 0 {
			end = len(p.src) - p.i
		}
		for _, b := range []byte(p.src[p.i : p.i+end]) {
			p.literal(b)
		}
		p.i = min(p.i+end+2, len(p.src))
		return -1
	case 'E':
		return -1
	case 't':
		return p.char('\t', inClass)
	case 'n':
		return p.char('\n', inClass)
	case 'r':
		return p.char('\r', inClass)
	case 'f':
		return p.char('\f', inClass)
	case 'a':
		return p.char(7, inClass)
	case 'e':
		return p.char(27, inClass)
	case 'x':
		j := p.i
		if p.accept("{") {
			j = strings.IndexByte(p.src[p.i:], '}')
			n, err := strconv.ParseUint(p.src[p.i:p.i+max(j, 0)], 16, 8)
			if j < 0 || err != nil {
				p.unsupported(`this \x{…} escape`)
			}
			p.i += j + 1
			return p.char(byte(n), inClass)
		}
		for j < len(p.src) && j < p.i+2 && strings.IndexByte("0123456789abcdefABCDEF", p.src[j]) >= 0 {
			j++
		}
		n, _ := strconv.ParseUint("0"+p.src[p.i:j], 16, 8)
		p.i = j
		return p.char(byte(n), inClass)
	case '0':
		j := p.i
		for j < len(p.src) && j < p.i+2 && p.src[j] >= '0' && p.src[j] <= '7' {
			j++
		}
		n, _ := strconv.ParseUint("0"+p.src[p.i:j], 8, 8)
		p.i = j
		return p.char(byte(n), inClass)
	}
	switch {
	case c >= '1' && c <= '9' || c == 'g' || c == 'k':
		if inClass {
			p.unsupported(`\` + string(c) + " in a class")
		}
		p.unsupported("a back-reference")
	case c|0x20 >= 'a' && c|0x20 <= 'z':
		if strings.IndexByte("pPXRKCNco", c) >= 0 {
			p.unsupported(`\` + string(c))
		}
		p.fail(p.i-1, `unrecognized character follows \`)
	}
	return p.char(c, inClass)
}

// char is a literal byte: written now outside a class, returned inside one.
func (p *pcreParser) char(c byte, inClass bool) int {
	if inClass {
		return int(c)
	}
	p.literal(c)
	return -1
}

// class reads a character class after its "[".
func (p *pcreParser) class() {
	p.out.WriteByte('[')
	if p.accept("^") {
		p.out.WriteByte('^')
	}
	first := true
	for {
		if p.i >= len(p.src) {
			p.fail(len(p.src), "missing terminating ] for character class")
		}
		c := p.src[p.i]
		p.i++
		lo := int(c)
		switch {
		case c == ']' && !first:
			p.out.WriteByte(']')
			p.last = pyItemAtom
			return
		case c == '[' && p.i < len(p.src) && p.src[p.i] == ':':
			end := strings.Index(p.src[p.i:], ":]")
			if end < 0 {
				break
			}
			name := strings.TrimPrefix(p.src[p.i+1:p.i+end], "^")
			if !strings.Contains("|alpha|digit|alnum|upper|lower|space|punct|xdigit|word|blank|cntrl|graph|print|ascii|", "|"+name+"|") {
				p.fail(p.i+1, "unknown POSIX class name")
			}
			p.out.WriteString(p.src[p.i-1 : p.i+end+2])
			p.i += end + 2
			first = false
			continue
		case c == '\\':
			lo = p.escape(true)
		}
		first = false
		if lo < 0 {
			continue
		}
		if p.i+1 < len(p.src) && p.src[p.i] == '-' && p.src[p.i+1] != ']' {
			p.i++
			hc := p.src[p.i]
			p.i++
			hi := int(hc)
			if hc == '\\' {
				hi = p.escape(true)
			} else if hc == '[' && p.i < len(p.src) && p.src[p.i] == ':' {
				p.unsupported("a range ending in a POSIX class")
			}
			if hi < 0 {
				p.unsupported("a range ending in a class escape")
			}
			if hi < lo {
				p.fail(p.i-1, "range out of order in character class")
			}
			p.out.WriteString(pcreChar(byte(lo)) + "-" + pcreChar(byte(hi)))
			continue
		}
		p.out.WriteString(pcreChar(byte(lo)))
	}
}

// MatchPCRE searches s as PCRE2 does without UTF, paid from m as Match
// is. It returns the text of each group (the whole match first; "" for a
// group that did not take part), nil when s does not match or m cannot pay.
func (r *Regexp) MatchPCRE(s string, m *Meter) []string {
	w := s
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			rs := make([]rune, len(s))
			for j := range rs {
				rs[j] = rune(s[j])
			}
			w = string(rs)
			break
		}
	}
	if m != nil && !m.pay(r.cost(w)) {
		return nil
	}
	idx := r.re.FindStringSubmatchIndex(w)
	if idx == nil {
		return nil
	}
	out := make([]string, len(idx)/2)
	for i := range out {
		if idx[2*i] >= 0 {
			out[i] = w[idx[2*i]:idx[2*i+1]]
			if len(w) != len(s) {
				b := []byte{}
				for _, c := range out[i] {
					b = append(b, byte(c))
				}
				out[i] = string(b)
			}
		}
	}
	return out
}

// SubexpNames are the names of the groups (regexp.SubexpNames).
func (r *Regexp) SubexpNames() []string { return r.re.SubexpNames() }
