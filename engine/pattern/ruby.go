package pattern

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Ruby's regular expressions (Onigmo, as in Ruby 3.1), read into Go's
// syntax: the patterns of Ruby libraries (rack-cors's origins written as a
// Regexp, and the regexp it makes of a resource path) mean in corsplay what
// they mean in Ruby, on the ASCII or binary strings a Rack server hands them.
//
// What the translation keeps:
//   - ^ and $ are LINE anchors in Ruby: (?m:^) and (?m:$). One difference is
//     left: Ruby's ^ does not match at the very end of a text that ends with
//     "\n" (Go's does), so /^$/ does not match "a\n" in Ruby and does in Go.
//   - \A, \z, \G (\A for a search from the start); \Z (the end, or before a
//     final "\n") where nothing can follow it.
//   - \d \w \s \h and their negations are ASCII-only; \s includes \v; POSIX
//     brackets; unknown letter escapes (\y, \q, \N) are the letter.
//   - Ruby's m flag is Go's s; an isolated option applies to the rest of its
//     group, alternatives included: a(?i)b|c is a(?i:b|c).
//   - nested quantifiers (a**, a{2}{3}), {,n}, {n}? (an optional {n}, not a
//     lazy one), and a "{" that starts no interval is a literal.
//   - Ruby's RegexpError for the mistakes people make, with its message.
//
// Refused with a *RubyUnsupportedError: lookaround, atomic groups, the absent
// operator, conditionals, backreferences, subexpression calls, possessive
// quantifiers, \R \X \p{...}, extended mode (?x), class intersection and negated nested classes,
// and non-ASCII letters under ignore-case (Ruby folds ß to ss).

// RubySyntaxError is the RegexpError Ruby raises for the pattern; Message is
// its message ("target of repeat operator is not specified: /*/").
type RubySyntaxError struct{ Message string }

func (e *RubySyntaxError) Error() string { return e.Message }

// RubyUnsupportedError is a construct Ruby has and Go's RE2 lacks.
type RubyUnsupportedError struct{ pattern, feature string }

func (e *RubyUnsupportedError) Error() string {
	return fmt.Sprintf("%q uses %s, which Ruby's Regexp supports and Go's regexp (RE2) does not: corsplay does not emulate this pattern rather than guess", e.pattern, e.feature)
}

// Kinds of the previous item, for quantifiers.
const (
	rbNone   = iota // start of a branch: nothing to repeat
	rbAnchor        // zero-width: repeated inside (?:...)
	rbAtom
	rbRepeat // already repeated: nested inside (?:...)
)

type rbLevel struct {
	start  int // offset of the group in out
	closes int // isolated options to close with the group
	icase  bool
}

type rbTranslator struct {
	src     []rune
	i       int
	out     strings.Builder
	levels  []rbLevel
	last    int
	lastAt  int
	groups  int
	named   []string
	backref int // highest numbered backreference
	fixed   bool
	unsup   string
	icase   bool
}

// TranslateRuby returns the Go pattern of Regexp.new(source) (with
// Regexp::IGNORECASE when ignoreCase), and whether the Regexp has a fixed
// encoding (a non-ASCII character): Ruby then raises
// Encoding::CompatibilityError on a binary string with non-ASCII bytes. Errors
// are a *RubySyntaxError or a *RubyUnsupportedError.
func TranslateRuby(source string, ignoreCase bool) (expr string, fixed bool, err error) {
	t := &rbTranslator{src: []rune(source), icase: ignoreCase, levels: []rbLevel{{icase: ignoreCase}}}
	if ignoreCase {
		t.out.WriteString("(?i)")
	}
	if err := t.preprocess(); err != nil {
		return "", false, err
	}
	for t.i < len(t.src) {
		if err := t.item(); err != nil {
			return "", false, err
		}
	}
	if len(t.levels) > 1 {
		return "", false, t.syntax("end pattern with unmatched parenthesis")
	}
	t.out.WriteString(strings.Repeat(")", t.levels[0].closes))
	if t.backref > 0 {
		if len(t.named) > 0 {
			return "", false, t.syntax("numbered backref/call is not allowed. (use name)")
		}
		if t.backref > t.groups {
			return "", false, t.syntax("invalid backref number/name")
		}
	}
	if t.unsup != "" {
		return "", false, &RubyUnsupportedError{source, t.unsup}
	}
	return t.out.String(), t.fixed, nil
}

// syntax is Ruby's RegexpError: the message, then the pattern as
// Regexp#inspect shows it.
func (t *rbTranslator) syntax(msg string) error {
	var b strings.Builder
	for i := 0; i < len(t.src); i++ {
		switch c := t.src[i]; {
		case c == '\\' && i+1 < len(t.src):
			b.WriteRune(c)
			i++
			b.WriteRune(t.src[i])
		case c == '/':
			b.WriteString(`\/`)
		case c < 0x20 && !strings.ContainsRune("\t\n\v\f\r", c), c == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('/')
	if t.icase {
		b.WriteByte('i')
	}
	return &RubySyntaxError{msg + ": /" + b.String()}
}

// preprocess finds the first error of Ruby's own pass over the escapes
// (rb_reg_preprocess), which comes before Onigmo parses the pattern.
func (t *rbTranslator) preprocess() error {
	src := t.src
	for i := 0; i < len(src); i++ {
		if src[i] != '\\' {
			continue
		}
		i++
		if i == len(src) {
			return t.syntax("too short escape sequence")
		}
		next := func(k int) rune {
			if i+k < len(src) {
				return src[i+k]
			}
			return -1
		}
		switch c := src[i]; c {
		case 'u':
			save := t.i
			t.i = i + 1
			_, err := t.unicodeEscape()
			i, t.i = t.i-1, save
			if err != nil {
				return err
			}
		case 'x', '0', 'c', 'C', 'M', '1', '2', '3', '4', '5', '6', '7':
			if c >= '1' && c <= '7' { // a backreference, or 7-bit octal: Onigmo's
				v := 0
				for n := 0; n < 3 && next(n) >= '0' && next(n) <= '7'; n++ {
					v = v*8 + int(next(n)-'0')
				}
				if v < 0o200 {
					continue
				}
			}
			_, end, _, msg := escapedChar(src, i-1)
			if msg != "" {
				return t.syntax(msg)
			}
			i = end - 1
		}
	}
	return nil
}

func isHexDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
}

// escapedByte is Ruby's read_escaped_byte at the "\" src[i]: the byte, the
// index after its escape, or Ruby's message.
func escapedByte(src []rune, i int) (code, next int, msg string) {
	if i >= len(src) || src[i] != '\\' {
		return 0, i, "too short escaped multibyte character"
	}
	i++
	meta, ctrl := false, false
	for done := false; !done; {
		if i >= len(src) {
			return 0, i, "too short escape sequence"
		}
		c := src[i]
		i++
		done = true
		switch c {
		case '0', '1', '2', '3', '4', '5', '6', '7':
			i--
			for n := 0; n < 3 && i < len(src) && src[i] >= '0' && src[i] <= '7'; n++ {
				code = code*8 + int(src[i]-'0')
				i++
			}
		case 'x':
			n := 0
			for ; n < 2 && i < len(src) && isHexDigit(src[i]); n++ {
				d, _ := strconv.ParseUint(string(src[i]), 16, 8)
				code = code*16 + int(d)
				i++
			}
			if n == 0 {
				return 0, i, "invalid hex escape"
			}
		case 'M', 'C', 'c':
			what := "control"
			if c == 'M' {
				what = "meta"
			}
			if c == 'M' && meta || c != 'M' && ctrl {
				return 0, i, "duplicate " + what + " escape"
			}
			if c != 'c' && (i >= len(src) || src[i] != '-') {
				return 0, i, "too short " + what + " escape"
			}
			if c != 'c' {
				i++
			}
			meta, ctrl = meta || c == 'M', ctrl || c != 'M'
			if i >= len(src) || src[i] >= utf8.RuneSelf {
				return 0, i, "too short " + what + " escape"
			}
			if src[i] == '\\' {
				i++
				done = false
				continue
			}
			code = int(src[i])
			i++
		default:
			if s, ok := rbSimpleEscape(c); ok || c == '\\' {
				code = int(s)
				if c == '\\' {
					code = '\\'
				}
				break
			}
			return 0, i, "unexpected escape sequence"
		}
	}
	if code > 0xff {
		return 0, i, "invalid escape code"
	}
	if ctrl {
		code &= 0x1f
	}
	if meta {
		code |= 0x80
	}
	return code, i, ""
}

// escapedChar is Ruby's unescape_escaped_nonascii at the "\" src[i]: one
// character of one or more escaped bytes.
func escapedChar(src []rune, i int) (r rune, next int, multi bool, msg string) {
	b, i, msg := escapedByte(src, i)
	if msg != "" || b < 0x80 {
		return rune(b), i, false, msg
	}
	buf := []byte{byte(b)}
	for len(buf) < utf8.UTFMax && !utf8.FullRune(buf) {
		if b, i, msg = escapedByte(src, i); msg != "" {
			return 0, i, false, msg
		}
		buf = append(buf, byte(b))
	}
	if r, n := utf8.DecodeRune(buf); r != utf8.RuneError && n == len(buf) {
		return r, i, true, ""
	}
	return 0, i, false, "invalid multibyte escape"
}

// rbSimpleEscapes stand for one control character.
func rbSimpleEscape(c rune) (rune, bool) {
	i := strings.IndexRune("aefnrtv", c)
	if i < 0 {
		return 0, false
	}
	return rune("\a\x1b\f\n\r\t\v"[i]), true
}

// unsupported notes the first construct Go lacks; a syntax error found later
// still wins, as Ruby raises it.
func (t *rbTranslator) unsupported(feature string) {
	if t.unsup == "" {
		t.unsup = feature
	}
}

func (t *rbTranslator) peek() rune {
	if t.i < len(t.src) {
		return t.src[t.i]
	}
	return -1
}

func (t *rbTranslator) accept(r rune) bool {
	if t.peek() == r {
		t.i++
		return true
	}
	return false
}

func (t *rbTranslator) level() *rbLevel { return &t.levels[len(t.levels)-1] }

// atom starts an item at the current end of out.
func (t *rbTranslator) atom(kind int, s string) {
	t.lastAt, t.last = t.out.Len(), kind
	t.out.WriteString(s)
}

func (t *rbTranslator) item() error {
	c := t.src[t.i]
	t.i++
	switch c {
	case '|':
		t.out.WriteByte('|')
		t.last = rbNone
	case '(':
		return t.group()
	case ')':
		if len(t.levels) == 1 {
			return t.syntax("unmatched close parenthesis")
		}
		l := t.levels[len(t.levels)-1]
		t.levels = t.levels[:len(t.levels)-1]
		t.out.WriteString(strings.Repeat(")", l.closes) + ")")
		t.lastAt, t.last = l.start, rbAtom
	case '*', '+', '?':
		if err := t.quantify(string(c)); err != nil {
			return err
		}
		if t.accept('?') {
			t.out.WriteByte('?')
		} else if t.accept('+') {
			t.unsupported("a possessive quantifier")
		}
	case '{':
		return t.interval()
	case '[':
		s, err := t.class()
		if err != nil {
			return err
		}
		t.atom(rbAtom, s)
	case '\\':
		return t.escape()
	case '^':
		t.atom(rbAnchor, "(?m:^)")
	case '$':
		t.atom(rbAnchor, "(?m:$)")
	case '.':
		t.atom(rbAtom, ".")
	default:
		t.literal(c)
	}
	return nil
}

func (t *rbTranslator) literal(r rune) {
	if r >= utf8.RuneSelf {
		t.fixed = true
		if t.level().icase {
			t.unsupported("a non-ASCII character under ignore-case (Ruby folds some to several letters, as ß to ss)")
		}
	}
	t.atom(rbAtom, rbChar(r))
}

func rbChar(r rune) string {
	if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
		return string(r)
	}
	return `\x{` + strconv.FormatInt(int64(r), 16) + `}`
}

// quantify appends a quantifier to the previous item, nesting a repeated
// item or an anchor in (?:...) as Ruby repeats them.
func (t *rbTranslator) quantify(q string) error {
	switch t.last {
	case rbNone:
		return t.syntax("target of repeat operator is not specified")
	case rbAnchor, rbRepeat:
		s := t.out.String()
		t.out.Reset()
		t.out.WriteString(s[:t.lastAt] + "(?:" + s[t.lastAt:] + ")")
	}
	t.out.WriteString(q)
	t.last = rbRepeat
	return nil
}

// number reads decimal digits: ok false when none; n saturates.
func (t *rbTranslator) number() (n int, ok bool) {
	for t.i < len(t.src) && t.src[t.i] >= '0' && t.src[t.i] <= '9' {
		if n < 1<<30 {
			n = n*10 + int(t.src[t.i]-'0')
		}
		t.i++
		ok = true
	}
	return n, ok
}

// interval is "{": {n}, {n,}, {,n} or {n,m} repeat; anything else is a
// literal "{" (Onigmo's fetch_range_quantifier).
func (t *rbTranslator) interval() error {
	const maxRepeat = 100000
	start := t.i
	lo, hasLo := t.number()
	if hasLo && lo > maxRepeat {
		return t.syntax("too big number for repeat range")
	}
	hi, hasHi, comma := lo, hasLo, t.accept(',')
	if comma {
		hi, hasHi = t.number()
		if hasHi && hi > maxRepeat {
			return t.syntax("too big number for repeat range")
		}
	}
	if !hasLo && (!comma || !hasHi) || !t.accept('}') {
		t.i = start
		t.literal('{')
		return nil
	}
	if comma && hasHi && hi < lo {
		return t.syntax("upper is smaller than lower in repeat range")
	}
	q := "{" + strconv.Itoa(lo)
	if comma {
		q += ","
		if hasHi {
			q += strconv.Itoa(hi)
		}
	}
	if err := t.quantify(q + "}"); err != nil {
		return err
	}
	if comma && t.accept('?') { // {n}? is {n} made optional: the next item
		t.out.WriteByte('?')
	}
	return nil
}

// group is "(": a capture, or a (?...) extension.
func (t *rbTranslator) group() error {
	if !t.accept('?') {
		t.groups++
		return t.open("(", t.level().icase)
	}
	c := t.peek()
	if c < 0 {
		return t.syntax("end pattern in group")
	}
	t.i++
	switch c {
	case ':':
		return t.open("(?:", t.level().icase)
	case '=', '!':
		t.unsupported("a lookahead")
		return t.open("(?:", t.level().icase)
	case '>':
		t.unsupported("an atomic group")
		return t.open("(?:", t.level().icase)
	case '~':
		t.unsupported("the absent operator")
		return t.open("(?:", t.level().icase)
	case '(':
		t.unsupported("a conditional")
		for t.i < len(t.src) && t.src[t.i] != ')' {
			t.i++
		}
		t.i++
		return t.open("(?:", t.level().icase)
	case '#':
		for {
			d := t.peek()
			if d < 0 {
				return t.syntax("end pattern in group")
			}
			t.i++
			if d == ')' {
				return nil
			}
		}
	case '<', '\'':
		if c == '<' && (t.peek() == '=' || t.peek() == '!') {
			t.i++
			t.unsupported("a lookbehind")
			return t.open("(?:", t.level().icase)
		}
		return t.namedGroup(c)
	}
	t.i--
	return t.options()
}

func (t *rbTranslator) open(s string, icase bool) error {
	t.levels = append(t.levels, rbLevel{start: t.out.Len(), icase: icase})
	t.out.WriteString(s)
	t.last = rbNone
	return nil
}

func (t *rbTranslator) namedGroup(open rune) error {
	end := '>'
	if open == '\'' {
		end = '\''
	}
	start := t.i
	for t.i < len(t.src) && t.src[t.i] != end {
		t.i++
	}
	name := string(t.src[start:t.i])
	if t.i == len(t.src) {
		return t.syntax("invalid group name <" + name + ">")
	}
	t.i++
	if name == "" {
		return t.syntax("group name is empty")
	}
	if name[0] >= '0' && name[0] <= '9' {
		return t.syntax("invalid group name <" + name + ">")
	}
	t.named = append(t.named, name)
	return t.open("(", t.level().icase)
}

// options is (?imx-imx) or (?imx-imx:...); a, d and u only turn on (and
// change nothing on ASCII and binary strings).
func (t *rbTranslator) options() error {
	icase, on, flags := t.level().icase, true, ""
	for {
		c := t.peek()
		if c < 0 {
			return t.syntax("end pattern in group")
		}
		t.i++
		switch c {
		case '-':
			on = false
		case 'i', 'm':
			f := "s"
			if c == 'i' {
				icase, f = on, "i"
			}
			if !on {
				f = "-" + f
			}
			flags += f
		case 'x':
			if on {
				t.unsupported("extended mode (?x)")
			}
		case 'a', 'd', 'u':
			if !on {
				return t.syntax("undefined group option")
			}
		case ':':
			return t.open("(?"+goFlagString(flags)+":", icase)
		case ')':
			l := t.level()
			l.icase = icase
			if f := goFlagString(flags); f != "" {
				t.out.WriteString("(?" + f + ":")
				l.closes++
			}
			t.last = rbNone
			return nil
		default:
			return t.syntax("undefined group option")
		}
	}
}

// goFlagString folds "i-s-i" into Go's "(?flags-flags)" form: the last
// setting of each flag wins.
func goFlagString(fs string) string {
	on, off := "", ""
	for _, f := range "is" {
		switch i := strings.LastIndexByte(fs, byte(f)); {
		case i > 0 && fs[i-1] == '-':
			off += string(f)
		case i >= 0:
			on += string(f)
		}
	}
	if off != "" {
		return on + "-" + off
	}
	return on
}

// Ruby's classes (ASCII), as the inside of a Go class, and their negations.
// The negations leave out U+017F and U+212A, which Go's (?i) folds to s and
// k (they never occur in an ASCII or binary string).
const rbHigh = `\x{80}-\x{17E}\x{180}-\x{2129}\x{212B}-\x{10FFFF}`

func rbClass(c rune) (string, bool) {
	switch c {
	case 'd':
		return `0-9`, true
	case 'w':
		return `0-9A-Za-z_`, true
	case 's':
		return `\t\n\v\f\r `, true
	case 'h':
		return `0-9A-Fa-f`, true
	case 'D':
		return `\x00-/:-\x7F` + rbHigh, true
	case 'W':
		return "\\x00-/:-@\\[-^`{-\\x7F" + rbHigh, true
	case 'S':
		return `\x00-\x08\x0E-\x1F!-\x7F` + rbHigh, true
	case 'H':
		return "\\x00-/:-@G-`g-\\x7F" + rbHigh, true
	}
	return "", false
}

// escape is "\" outside a class.
func (t *rbTranslator) escape() error {
	c := t.peek()
	if c < 0 {
		return t.syntax("too short escape sequence")
	}
	t.i++
	if s, ok := rbClass(c); ok {
		t.atom(rbAtom, "["+s+"]")
		return nil
	}
	switch c {
	case 'A', 'G':
		t.atom(rbAnchor, `\A`)
	case 'z':
		t.atom(rbAnchor, `\z`)
	case 'Z':
		rest := string(t.src[t.i:])
		if strings.Trim(rest, ")") != "" && !(len(t.levels) == 1 && strings.HasPrefix(rest, "|")) {
			t.unsupported(`\Z followed by more pattern`)
		}
		t.atom(rbAnchor, `(?:\n?\z)`)
	case 'b':
		t.atom(rbAnchor, `\b`)
	case 'B':
		t.atom(rbAnchor, `\B`)
	case 'K':
		t.atom(rbAnchor, `(?:)`) // resets the match start: no change to whether it matches
	case 'R', 'X':
		t.unsupported(`\` + string(c))
		t.atom(rbAtom, ".")
	case 'k':
		return t.namedRef()
	case 'g':
		if t.peek() == '<' || t.peek() == '\'' {
			t.unsupported("a subexpression call")
			t.skipName()
			t.atom(rbAtom, "(?:)")
			return nil
		}
		t.literal('g')
	case 'p', 'P':
		if t.peek() == '{' {
			return t.property()
		}
		t.literal(c)
	default:
		if c >= '1' && c <= '9' {
			start := t.i - 1
			t.i = start
			n, _ := t.number()
			if n <= 9 || n <= t.groups {
				t.backref = max(t.backref, n)
				t.unsupported("a backreference")
				t.atom(rbAtom, "(?:)")
				return nil
			}
			t.i = start + 1
			if c >= '8' {
				t.literal(c)
				return nil
			}
		}
		r, err := t.charEscape(c)
		if err != nil {
			return err
		}
		t.literal(r)
	}
	return nil
}

// property is \p{...}: refused, or Ruby's error for a name that cannot be
// one (Ruby checks the others against its Unicode tables).
func (t *rbTranslator) property() error {
	end := strings.IndexRune(string(t.src[t.i:]), '}')
	name := ""
	if end >= 0 {
		name = string(t.src[t.i+1:])[:end-1]
	}
	if end < 0 || strings.Trim(strings.TrimPrefix(name, "^"), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_ -") != "" || name == "" {
		return t.syntax("invalid character property name {" + name + "}")
	}
	return &RubyUnsupportedError{string(t.src), `a character property \p{...}`}
}

// skipName skips <...> or '...' after \g or {...} after \p.
func (t *rbTranslator) skipName() {
	end := t.src[t.i] // ' closes '
	if end == '<' || end == '{' {
		end += 2 // > and }
	}
	for t.i++; t.i < len(t.src) && t.src[t.i] != end; t.i++ {
	}
	t.i++
}

// namedRef is \k<name>: Ruby refuses a name not defined before it.
func (t *rbTranslator) namedRef() error {
	open := t.peek()
	if open != '<' && open != '\'' {
		t.literal('k')
		return nil
	}
	start := t.i + 1
	t.skipName()
	name := string(t.src[start:min(t.i-1, len(t.src))])
	if !slices.Contains(t.named, name) && strings.Trim(name, "0123456789-+") != "" {
		return t.syntax("undefined name <" + name + "> reference")
	}
	t.unsupported("a backreference")
	t.atom(rbAtom, "(?:)")
	return nil
}

// charEscape is an escape standing for one character, in both contexts (c
// was read after the backslash): a control character, escaped bytes, or c
// itself.
func (t *rbTranslator) charEscape(c rune) (rune, error) {
	if r, ok := rbSimpleEscape(c); ok {
		return r, nil
	}
	switch c {
	case 'u':
		return t.unicodeEscape()
	case 'x', 'c', 'C', 'M', '0', '1', '2', '3', '4', '5', '6', '7':
		r, next, _, msg := escapedChar(t.src, t.i-2)
		if msg != "" {
			return 0, t.syntax(msg)
		}
		t.i = next
		return r, nil
	}
	return c, nil
}

// hex reads up to n hex digits.
func (t *rbTranslator) hex(n int) (v, read int) {
	for ; read < n && t.i < len(t.src); read++ {
		d, err := strconv.ParseUint(string(t.src[t.i]), 16, 8)
		if err != nil {
			break
		}
		v = v*16 + int(d)
		t.i++
	}
	return v, read
}

// unicodeEscape is \uHHHH or \u{H...} (one character; a list of several is
// refused).
func (t *rbTranslator) unicodeEscape() (rune, error) {
	if t.i >= len(t.src) {
		return 0, t.syntax("too short escape sequence")
	}
	var v int
	if t.accept('{') {
		count := 0
		for {
			for t.accept(' ') {
			}
			if t.accept('}') {
				break
			}
			w, n := t.hex(7)
			if n == 0 {
				return 0, t.syntax("invalid Unicode list")
			}
			if n > 6 || w > 0x10ffff || w >= 0xd800 && w <= 0xdfff {
				return 0, t.syntax("invalid Unicode range")
			}
			v, count = w, count+1
		}
		if count == 0 {
			return 0, t.syntax("invalid Unicode list")
		}
		if count > 1 {
			t.unsupported(`a \u{...} list of several characters`)
		}
	} else {
		w, n := t.hex(4)
		if n < 4 {
			return 0, t.syntax("invalid Unicode escape")
		}
		if w >= 0xd800 && w <= 0xdfff {
			return 0, t.syntax("invalid Unicode range")
		}
		v = w
	}
	if v >= 0x80 {
		t.fixed = true
	}
	return rune(v), nil
}

// A class value: a character, or a class (category, POSIX bracket, nested
// class) written as the inside of a Go class.
type rbValue struct {
	r     rune
	class string
}

func (v rbValue) String() string {
	if v.class != "" {
		return v.class
	}
	return rbChar(v.r)
}

// posixNames are Onigmo's POSIX bracket names, in its order.
var posixNames = []string{"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit", "word", "ascii"}

// class is "[" (Onigmo's parse_char_class), returned as a Go class.
func (t *rbTranslator) class() (string, error) {
	neg := t.accept('^')
	var items strings.Builder
	const (
		start = iota
		value
		rng
		complete
	)
	state := start
	var pending rbValue
	flush := func() {
		if state == value {
			items.WriteString(pending.String())
		}
	}
	set := func(v rbValue) error {
		if state == rng {
			if v.class != "" {
				return t.syntax("char-class value at end of range")
			}
			if v.r < pending.r {
				return t.syntax("empty range in char class")
			}
			items.WriteString(rbChar(pending.r) + "-" + rbChar(v.r))
			state = complete
			return nil
		}
		flush()
		pending, state = v, value
		return nil
	}
	if t.peek() == ']' {
		if !t.closeLater() {
			return "", t.syntax("empty char-class")
		}
		t.i++
		pending, state = rbValue{r: ']'}, value
	}
	for {
		c := t.peek()
		if c < 0 {
			return "", t.syntax("premature end of char-class")
		}
		t.i++
		var v rbValue
		switch {
		case c == ']':
			flush()
			s := items.String()
			if s == "" {
				t.unsupported("an empty class")
				s = `\x00`
			}
			if neg {
				return "[^" + s + "]", nil
			}
			return "[" + s + "]", nil
		case c == '-' && state == value:
			if t.peek() == ']' || strings.HasPrefix(string(t.src[t.i:min(t.i+2, len(t.src))]), "&&") {
				flush()
				pending, state = rbValue{r: '-'}, value
				continue
			}
			if pending.class != "" {
				return "", t.syntax("unmatched range specifier in char-class")
			}
			state = rng
			continue
		case c == '-':
			v = rbValue{r: '-'}
		case c == '&' && t.peek() == '&':
			t.i++
			t.unsupported("a class intersection &&")
			flush()
			state = start
			continue
		case c == '[':
			pv, kind, err := t.posix()
			if err != nil {
				return "", err
			}
			if kind != 0 { // a POSIX bracket, or "[:" that is none: a literal "["
				v = pv
				break
			}
			nested, err := t.class()
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(nested, "[^") || state == rng {
				t.unsupported("a negated class, or a range to a class, inside a class")
			}
			items.WriteString(nested[1 : len(nested)-1]) // Onigmo ORs it in, leaving the state as it was
			continue
		case c == '\\':
			e := t.peek()
			if e < 0 {
				return "", t.syntax("premature end of char-class")
			}
			t.i++
			if s, ok := rbClass(e); ok {
				v = rbValue{class: s}
				break
			}
			switch {
			case e == 'b':
				v = rbValue{r: '\b'}
			case (e == 'p' || e == 'P') && t.peek() == '{':
				return "", t.property()
			case e == '8' || e == '9':
				v = rbValue{r: e}
			default:
				r, err := t.charEscape(e)
				if err != nil {
					return "", err
				}
				v = rbValue{r: r}
			}
		default:
			v = rbValue{r: c}
		}
		if v.class == "" && v.r >= utf8.RuneSelf {
			t.fixed = true
			if t.level().icase {
				t.unsupported("a non-ASCII character under ignore-case (Ruby folds some to several letters, as ß to ss)")
			}
		}
		if err := set(v); err != nil {
			return "", err
		}
	}
}

// closeLater reports whether a "]" follows the one at t.i (Onigmo's
// code_exist_check, which counts an escaped "]" too).
func (t *rbTranslator) closeLater() bool {
	return strings.ContainsRune(string(t.src[t.i+1:]), ']')
}

// posix reads a POSIX bracket after "[" inside a class (parse_posix_bracket):
// kind 1, or 0 for a nested class, or 2 for a literal "[" (a "[:" that is no
// bracket).
func (t *rbTranslator) posix() (rbValue, int, error) {
	if t.peek() != ':' || !t.posixCloseBeforeEnd() {
		return rbValue{}, 0, nil
	}
	start := t.i
	t.i++
	neg := t.accept('^')
	rest := string(t.src[t.i:])
	if utf8.RuneCountInString(rest) >= 7 {
		for _, name := range posixNames {
			if strings.HasPrefix(rest, name) {
				if !strings.HasPrefix(rest[len(name):], ":]") {
					return rbValue{}, 0, t.syntax("invalid POSIX bracket type")
				}
				t.i += len(name) + 2
				if neg {
					return rbValue{class: "[:^" + name + ":]"}, 1, nil
				}
				return rbValue{class: "[:" + name + ":]"}, 1, nil
			}
		}
	}
	j := t.i
	for n := 0; j < len(t.src) && t.src[j] != ':' && t.src[j] != ']'; j++ {
		if n++; n > 20 {
			break
		}
	}
	if j+1 < len(t.src) && t.src[j] == ':' && t.src[j+1] == ']' {
		return rbValue{}, 0, t.syntax("invalid POSIX bracket type")
	}
	t.i = start
	return rbValue{r: '['}, 2, nil
}

// posixCloseBeforeEnd: ":]" comes after the ":" at t.i, before an unescaped
// "]" (str_exist_check_with_esc).
func (t *rbTranslator) posixCloseBeforeEnd() bool {
	for j := t.i + 1; j < len(t.src); j++ {
		switch t.src[j] {
		case '\\':
			j++
		case ':':
			if j+1 < len(t.src) && t.src[j+1] == ']' {
				return true
			}
		case ']':
			return false
		}
	}
	return false
}
