package pattern

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// JavaScript's RegExp, read into Go's syntax: the patterns of Node.js
// libraries (express cors, @fastify/cors) mean in corsplay what they mean
// in V8.

// TranslateJavaScript reads new RegExp(source, flags) (without the u and v
// flags: fold is i, dotAll s, multiline m) into Go's syntax, whose
// unanchored search is RegExp.prototype.test. syntaxError is V8's
// SyntaxError message when V8 refuses the pattern; unsupported names what
// it uses that RE2 lacks (a backreference, a lookaround).
func TranslateJavaScript(source string, fold, dotAll, multiline bool) (goSrc, syntaxError, unsupported string) {
	p := &jsReParser{src: utf16.Encode([]rune(source)), fold: fold, dotAll: dotAll, multiline: multiline, names: map[string]bool{}}
	goSrc, syntaxError = p.translate()
	return goSrc, syntaxError, p.unsupported
}

// jsReParser parses a pattern in UTF-16 code units, as V8 does.
type jsReParser struct {
	src                     []uint16
	pos                     int
	fold, dotAll, multiline bool
	ncaps                   int  // capturing groups in the whole pattern
	hasNamed                bool // a named group anywhere: \k is a reference
	names                   map[string]bool
	refs                    []string
	unsupported             string
}

// jsReSyntaxError carries V8's message through panic.
type jsReSyntaxError string

func (p *jsReParser) fail(msg string) { panic(jsReSyntaxError(msg)) }

func (p *jsReParser) unsupport(what string) {
	if p.unsupported == "" {
		p.unsupported = what
	}
}

// translate returns the Go pattern, or V8's message.
func (p *jsReParser) translate() (goSrc, msg string) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(jsReSyntaxError)
			if !ok {
				panic(r)
			}
			goSrc, msg = "", string(e)
		}
	}()
	p.prescan()
	out := p.disjunction()
	if p.pos < len(p.src) { // only a ')' stops the top-level disjunction
		p.fail("Unmatched ')'")
	}
	for _, r := range p.refs {
		if !p.names[r] {
			p.fail("Invalid named capture referenced")
		}
	}
	return out, ""
}

// prescan counts capturing groups and notices named ones, as V8's
// ScanForCaptures: a decimal escape is a backreference only up to that
// count, and \k a named reference only when a named group exists.
func (p *jsReParser) prescan() {
	s := p.src
	inClass := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			if i+1 < len(s) && s[i+1] != '?' {
				p.ncaps++
			} else if i+3 < len(s) && s[i+1] == '?' && s[i+2] == '<' && s[i+3] != '=' && s[i+3] != '!' {
				p.ncaps++
				p.hasNamed = true
			}
		}
	}
}

func (p *jsReParser) peek(off int) int {
	if p.pos+off < len(p.src) {
		return int(p.src[p.pos+off])
	}
	return -1
}

// disjunction: Alternative ( | Alternative )*, up to a ')' or the end.
func (p *jsReParser) disjunction() string {
	var b strings.Builder
	for {
		b.WriteString(p.alternative())
		if p.peek(0) != '|' {
			return b.String()
		}
		p.pos++
		b.WriteByte('|')
	}
}

// Kinds of term, for what may follow them.
const (
	reAtom       = iota // quantifiable
	reAssertion         // ^ $ \b \B: "Nothing to repeat"
	reLookahead         // quantifiable (Annex B)
	reLookbehind        // "Invalid quantifier"
)

// alternative: Term*, each optionally quantified.
func (p *jsReParser) alternative() string {
	var b strings.Builder
	for p.pos < len(p.src) && p.peek(0) != '|' && p.peek(0) != ')' {
		term, kind := p.term()
		q, ok := p.quantifier()
		if ok {
			switch kind {
			case reAssertion:
				p.fail("Nothing to repeat")
			case reLookbehind:
				p.fail("Invalid quantifier")
			}
			term = "(?:" + term + ")" + q
		}
		b.WriteString(term)
	}
	return b.String()
}

// quantifier reads * + ? {n} {n,} {n,m}, each optionally followed by ?
// (lazy, which does not change whether a match exists).
func (p *jsReParser) quantifier() (string, bool) {
	var q string
	switch p.peek(0) {
	case '*', '+', '?':
		q = string(rune(p.peek(0)))
		p.pos++
	case '{':
		lo, hi, end, ok := p.braced()
		if !ok {
			return "", false
		}
		p.pos = end
		if hi >= 0 && lo > hi {
			p.fail("numbers out of order in {} quantifier")
		}
		if lo > 1000 || hi > 1000 {
			p.unsupport("a repetition count above 1000")
		}
		q = fmt.Sprintf("{%d,}", min(lo, 1000))
		if hi >= 0 {
			q = fmt.Sprintf("{%d,%d}", min(lo, 1000), min(hi, 1000))
		}
	default:
		return "", false
	}
	if p.peek(0) == '?' {
		p.pos++
	}
	return q, true
}

// braced reads {n}, {n,} or {n,m} at pos; hi is -1 when unbounded. Anything
// else is no quantifier, and its { a literal (Annex B).
func (p *jsReParser) braced() (lo, hi, end int, ok bool) {
	i := p.pos + 1
	digits := func() (int, bool) {
		start, n := i, 0
		for i < len(p.src) && '0' <= p.src[i] && p.src[i] <= '9' {
			n = min(n*10+int(p.src[i]-'0'), math.MaxInt32)
			i++
		}
		return n, i > start
	}
	lo, ok = digits()
	if !ok || i >= len(p.src) {
		return 0, 0, 0, false
	}
	hi = lo
	if p.src[i] == ',' {
		i++
		var has bool
		if hi, has = digits(); !has {
			hi = -1
		}
	}
	if i >= len(p.src) || p.src[i] != '}' {
		return 0, 0, 0, false
	}
	return lo, hi, i + 1, true
}

// term reads one assertion or atom.
func (p *jsReParser) term() (string, int) {
	c := p.peek(0)
	switch c {
	case '^', '$':
		p.pos++
		if p.multiline {
			return "(?m:" + string(rune(c)) + ")", reAssertion
		}
		return string(rune(c)), reAssertion
	case '\\':
		switch p.peek(1) {
		case 'b', 'B':
			p.pos += 2
			return `\` + string(rune(p.peek(-1))), reAssertion
		}
		p.pos++
		return p.set(p.atomEscape()), reAtom
	case '(':
		return p.group()
	case '[':
		return p.set(p.class()), reAtom
	case '.':
		p.pos++
		return p.set(jsDot(p.dotAll)), reAtom
	case '*', '+', '?':
		p.fail("Nothing to repeat")
	case '{':
		if _, _, _, ok := p.braced(); ok {
			p.fail("Nothing to repeat")
		}
	}
	p.pos++
	return p.set(jsChar(c)), reAtom
}

// set emits a character set, case-folded under the i flag.
func (p *jsReParser) set(s jsCharSet) string {
	if p.fold {
		s = s.folded()
	}
	return s.goClass()
}

// group reads ( ... ), (?: ... ), (?<name> ... ) and the lookarounds.
func (p *jsReParser) group() (string, int) {
	p.pos++ // (
	kind := reAtom
	if p.peek(0) == '?' {
		switch {
		case p.peek(1) == ':':
			p.pos += 2
		case p.peek(1) == '=' || p.peek(1) == '!':
			p.pos += 2
			kind = reLookahead
			p.unsupport("a lookahead (?= or (?!")
		case p.peek(1) == '<' && (p.peek(2) == '=' || p.peek(2) == '!'):
			p.pos += 3
			kind = reLookbehind
			p.unsupport("a lookbehind (?<= or (?<!")
		case p.peek(1) == '<':
			p.pos += 2
			name := p.groupName()
			if p.names[name] {
				p.fail("Duplicate capture group name")
			}
			p.names[name] = true
		default:
			p.fail("Invalid group")
		}
	}
	inner := p.disjunction()
	if p.pos >= len(p.src) {
		p.fail("Unterminated group")
	}
	p.pos++ // )
	return "(?:" + inner + ")", kind
}

// groupName reads a capture group name up to its '>'. ASCII names are
// checked as V8 checks them; a name with an escape or a non-ASCII character
// is left unsupported.
func (p *jsReParser) groupName() string {
	start, escaped := p.pos, false
	for ; p.pos < len(p.src); p.pos++ {
		c := rune(p.src[p.pos])
		switch {
		case c == '>' && p.pos > start:
			name := string(utf16.Decode(p.src[start:p.pos]))
			p.pos++
			return name
		case c >= utf8.RuneSelf || c == '\\':
			escaped = true
			p.unsupport("a group name with an escape or a non-ASCII character")
		case c == '$' || c == '_' || 'a' <= c|0x20 && c|0x20 <= 'z' || p.pos > start && '0' <= c && c <= '9':
		case !escaped:
			p.fail("Invalid capture group name")
		}
	}
	p.fail("Invalid capture group name")
	return ""
}

// atomEscape reads what follows a \ outside a class (Annex B: identity
// escapes, legacy octal, \c without a letter is a backslash).
func (p *jsReParser) atomEscape() jsCharSet {
	c := p.peek(0)
	switch {
	case c < 0:
		p.fail(`\ at end of pattern`)
	case '1' <= c && c <= '9':
		start := p.pos
		n := 0
		for p.pos < len(p.src) && '0' <= p.src[p.pos] && p.src[p.pos] <= '9' {
			n = min(n*10+int(p.src[p.pos]-'0'), math.MaxInt32)
			p.pos++
		}
		if n <= p.ncaps {
			p.unsupport("a backreference")
			return jsCharSet{}
		}
		p.pos = start
		if c >= '8' {
			p.pos++
			return jsChar(c)
		}
		return jsChar(p.octal())
	case c == '0':
		return jsChar(p.octal())
	case c == 'k' && p.hasNamed:
		p.pos++
		if p.peek(0) != '<' {
			p.fail("Invalid named reference")
		}
		p.pos++
		p.refs = append(p.refs, p.groupName())
		p.unsupport("a backreference")
		return jsCharSet{}
	case c == 'c':
		if l := p.peek(1); 'a' <= l|0x20 && l|0x20 <= 'z' {
			p.pos += 2
			return jsChar(l % 32)
		}
		return jsChar('\\') // the c is read next, as a literal
	}
	return p.characterEscape()
}

// characterEscape reads the escapes shared with classes: \d \D \s \S \w
// \W, \f \n \r \t \v, \xHH, \uHHHH, and identity escapes.
func (p *jsReParser) characterEscape() jsCharSet {
	c := p.peek(0)
	p.pos++
	switch c {
	case 'd', 'D', 's', 'S', 'w', 'W':
		return jsClassEscape(c)
	case 'f':
		return jsChar('\f')
	case 'n':
		return jsChar('\n')
	case 'r':
		return jsChar('\r')
	case 't':
		return jsChar('\t')
	case 'v':
		return jsChar('\v')
	case 'x', 'u':
		n := 2
		if c == 'u' {
			n = 4
		}
		v := 0
		for i := range n {
			d := strings.IndexRune("0123456789abcdef", rune(p.peek(i))|0x20)
			if p.peek(i) < '0' || d < 0 {
				return jsChar(c) // not an escape: the letter itself
			}
			v = v*16 + d
		}
		p.pos += n
		return jsChar(v)
	}
	return jsChar(c)
}

// octal reads a legacy octal escape: up to three digits, at most \377.
func (p *jsReParser) octal() int {
	v := p.peek(0) - '0'
	p.pos++
	if d := p.peek(0); '0' <= d && d <= '7' {
		v = v*8 + d - '0'
		p.pos++
		if d := p.peek(0); v < 32 && '0' <= d && d <= '7' {
			v = v*8 + d - '0'
			p.pos++
		}
	}
	return v
}

// class reads [...] or [^...] (Annex B: a range with a class escape at
// either end is the union of its parts and a '-').
func (p *jsReParser) class() jsCharSet {
	p.pos++ // [
	negate := p.peek(0) == '^'
	if negate {
		p.pos++
	}
	var s jsCharSet
	for {
		switch p.peek(0) {
		case -1:
			p.fail("Unterminated character class")
		case ']':
			p.pos++
			if p.fold {
				s = s.folded()
			}
			if negate {
				s = s.complement()
			}
			return s
		}
		a, aSingle := p.classAtom()
		if p.peek(0) != '-' || p.peek(1) == ']' || p.peek(1) < 0 {
			s = s.union(a)
			continue
		}
		p.pos++ // -
		b, bSingle := p.classAtom()
		if !aSingle || !bSingle {
			s = s.union(a).union(jsChar('-')).union(b)
			continue
		}
		if a.single > b.single {
			p.fail("Range out of order in character class")
		}
		s = s.union(jsRange(a.single, b.single))
	}
}

// classAtom reads one class atom; single tells a character from a class
// escape.
func (p *jsReParser) classAtom() (jsCharSet, bool) {
	c := p.peek(0)
	if c < 0 {
		p.fail("Unterminated character class")
	}
	if c != '\\' {
		p.pos++
		return jsChar(c), true
	}
	p.pos++
	c = p.peek(0)
	switch {
	case c < 0:
		p.fail(`\ at end of pattern`)
	case c == 'b':
		p.pos++
		return jsChar('\b'), true
	case '0' <= c && c <= '7':
		return jsChar(p.octal()), true
	case c == 'k' && p.hasNamed:
		p.fail("Invalid escape")
	case c == 'c':
		if l := p.peek(1); 'a' <= l|0x20 && l|0x20 <= 'z' || '0' <= l && l <= '9' || l == '_' {
			p.pos += 2
			return jsChar(l % 32), true
		}
		return jsChar('\\'), true // the c is read next
	}
	s := p.characterEscape()
	return s, !strings.ContainsRune("dDsSwW", rune(c))
}

// jsCharSet is a set of UTF-16 code units, exact on U+0000..U+00FF (all
// Node can deliver) and on the three others that case-fold onto that range
// (U+0178, U+039C, U+03BC); rest stands for every other code unit above
// U+00FF, which no input contains.
type jsCharSet struct {
	lo     [256]bool
	extra  [3]bool // jsFoldExtras
	rest   bool
	single int // the character, for a one-character set
}

var jsFoldExtras = [3]int{0x178, 0x39c, 0x3bc}

func jsRange(a, b int) jsCharSet {
	s := jsCharSet{single: a}
	for x := a; x <= b && x < 256; x++ {
		s.lo[x] = true
	}
	for i, e := range jsFoldExtras {
		s.extra[i] = a <= e && e <= b
	}
	return s
}

func jsChar(c int) jsCharSet { return jsRange(c, c) }

func (s jsCharSet) has(c int) bool {
	if c < 256 {
		return s.lo[c]
	}
	if i := slices.Index(jsFoldExtras[:], c); i >= 0 {
		return s.extra[i]
	}
	return s.rest
}

func (s jsCharSet) union(t jsCharSet) jsCharSet {
	for i := range s.lo {
		s.lo[i] = s.lo[i] || t.lo[i]
	}
	for i := range s.extra {
		s.extra[i] = s.extra[i] || t.extra[i]
	}
	s.rest = s.rest || t.rest
	return s
}

func (s jsCharSet) complement() jsCharSet {
	for i := range s.lo {
		s.lo[i] = !s.lo[i]
	}
	for i := range s.extra {
		s.extra[i] = !s.extra[i]
	}
	s.rest = !s.rest
	return s
}

// folded is the set the i flag matches (non-Unicode Canonicalize: an input
// character matches when its toUpperCase equals that of a member, except
// that nothing above U+007F folds onto ASCII). For Latin-1 input the
// classes of equal Canonicalize values are ASCII letter pairs, À-Þ/à-þ
// pairs (not ×/÷), {µ, U+039C, U+03BC} and {ÿ, U+0178}; checked against
// V8 for every Latin-1 character and every BMP code unit.
func (s jsCharSet) folded() jsCharSet {
	out := s
	for x := range 256 {
		for _, y := range jsOrbit(x) {
			if s.has(y) {
				out.lo[x] = true
			}
		}
	}
	return out
}

// jsOrbit lists the code units whose Canonicalize equals x's.
func jsOrbit(x int) []int {
	switch {
	case 'a' <= x && x <= 'z', 0xe0 <= x && x <= 0xfe && x != 0xf7:
		return []int{x, x - 0x20}
	case 'A' <= x && x <= 'Z', 0xc0 <= x && x <= 0xde && x != 0xd7:
		return []int{x, x + 0x20}
	case x == 0xb5:
		return []int{x, 0x39c, 0x3bc}
	case x == 0xff:
		return []int{x, 0x178}
	}
	return []int{x}
}

// jsDot is . : everything but the line terminators \n \r U+2028 U+2029,
// or everything with the s flag.
func jsDot(dotAll bool) jsCharSet {
	s := jsCharSet{}.complement()
	if !dotAll {
		s.lo['\n'], s.lo['\r'] = false, false
	}
	return s
}

// jsClassEscape is \d \D \s \S \w \W: ASCII digits and word characters;
// \s is WhiteSpace and LineTerminator (on Latin-1: \t \n \v \f \r, space,
// U+00A0).
func jsClassEscape(c int) jsCharSet {
	var s jsCharSet
	switch c | 0x20 {
	case 'd':
		s = jsRange('0', '9')
	case 'w':
		s = jsRange('0', '9').union(jsRange('A', 'Z')).union(jsRange('a', 'z')).union(jsChar('_'))
	case 's':
		s = jsRange('\t', '\r').union(jsChar(' ')).union(jsChar(0xa0))
	}
	if 'A' <= c && c <= 'Z' {
		s = s.complement()
	}
	return s
}

// goClass writes the set as a Go character class.
func (s jsCharSet) goClass() string {
	var b strings.Builder
	for x := 0; x < 256; x++ {
		if !s.lo[x] {
			continue
		}
		y := x
		for y+1 < 256 && s.lo[y+1] {
			y++
		}
		fmt.Fprintf(&b, `\x{%x}`, x)
		if y > x {
			fmt.Fprintf(&b, `-\x{%x}`, y)
		}
		x = y
	}
	if s.rest {
		b.WriteString(`\x{100}-\x{10ffff}`)
	} else {
		for i, e := range jsFoldExtras {
			if s.extra[i] {
				fmt.Fprintf(&b, `\x{%x}`, e)
			}
		}
	}
	if b.Len() == 0 {
		return `[^\x{0}-\x{10ffff}]`
	}
	return "[" + b.String() + "]"
}
