package pattern

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python's re, read into Go's syntax: the patterns of Python libraries
// (Flask-CORS, Starlette, django-cors-headers) mean in corsplay what they
// mean in Python 3.11.

// ErrPythonRejects stands for the re.error Python's re.compile raises:
// every *PythonError is ErrPythonRejects (errors.Is).
var ErrPythonRejects = errors.New("Python's re rejects this pattern")

// PythonError is the re.error Python's re.compile raises, with its message
// and position (in characters) as sre_parse computes them.
type PythonError struct {
	Msg     string
	Pos     int
	pattern []rune
	at      int // where the translator stood when it failed
}

// Error is str(re.error): "msg at position N", with "(line L, column C)"
// when the pattern holds a newline.
func (e *PythonError) Error() string {
	s := e.Msg + " at position " + strconv.Itoa(e.Pos)
	if slices.Contains(e.pattern, '\n') {
		line, nl := 1, -1
		for k, r := range e.pattern[:e.Pos] {
			if r == '\n' {
				line, nl = line+1, k
			}
		}
		s += " (line " + strconv.Itoa(line) + ", column " + strconv.Itoa(e.Pos-nl) + ")"
	}
	return s
}

// Is makes every *PythonError ErrPythonRejects.
func (e *PythonError) Is(target error) bool { return target == ErrPythonRejects }

// pyRegexTranslator rewrites a Python re pattern (3.11 syntax, str pattern)
// into Go RE2 syntax with the same meaning, following sre_parse. Literals are
// written as \x{...}; \d, \w and \s become their Unicode classes as in
// Python (Go's are ASCII-only). \b and \B stay Go's ASCII word boundaries.
type pyRegexTranslator struct {
	pattern  string
	dollar   string // what "$" becomes
	src      []rune
	i        int
	out      strings.Builder
	open     []int // the start of each open group
	groups   []int // the number of each open group (0: not capturing)
	closed   []bool
	topItems bool  // an item came before, so global flags are misplaced
	unsup    error // the first construct RE2 lacks; Python parses on, and so does the translator
	last     int   // the kind of the previous item, for "nothing to repeat"
	names    map[string]int
}

// Kinds of the previous item.
const (
	pyItemNone   = iota // start of a branch: nothing to repeat
	pyItemAt            // ^ $ \A \Z \b \B: nothing to repeat
	pyItemAtom          // repeatable
	pyItemRepeat        // already repeated: multiple repeat
)

// PythonUnsupportedError is a construct Python's re has and Go's RE2 lacks.
type PythonUnsupportedError struct {
	pattern, feature string
}

func (e *PythonUnsupportedError) Error() string {
	return fmt.Sprintf("%q uses %s, which Python's re supports and Go's regexp (RE2) does not: corsplay does not emulate this pattern rather than guess", e.pattern, e.feature)
}

// Python's \s for str patterns (str.isspace()) and \w (alphanumerics and _),
// as the inside of a Go character class.
const (
	pySpaceClass = `\t\n\x0B\f\r\x1C-\x1F \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`
	pyWordClass  = `\p{L}\p{N}_`
)

// TranslatePython returns the Go pattern, with each "$" written as dollar,
// a *PythonError when Python rejects the pattern, or a
// *PythonUnsupportedError.
func TranslatePython(pattern, dollar string) (string, error) {
	src := []rune(pattern)
	// sre_parse's tokenizer reads one token ahead: a lone backslash at the
	// end fails as soon as the token before it is taken, so only what
	// fails before that (or on a ")" it only peeks at) comes first.
	n := 0
	for n < len(src) && src[len(src)-1-n] == '\\' {
		n++
	}
	if n%2 == 1 {
		last := 0 // where the token before the backslash starts
		for i := 0; i < len(src)-1; {
			last = i
			if i++; src[last] == '\\' {
				i++
			}
		}
		_, err := translatePython(string(src[:len(src)-1]), dollar)
		var pe *PythonError
		if errors.As(err, &pe) && (pe.Msg == "unbalanced parenthesis" || pe.at <= last) {
			pe.pattern = src
			return "", pe
		}
		return "", &PythonError{Msg: "bad escape (end of pattern)", Pos: len(src) - 1, pattern: src}
	}
	return translatePython(pattern, dollar)
}

func translatePython(pattern, dollar string) (string, error) {
	t := &pyRegexTranslator{pattern: pattern, src: []rune(pattern), dollar: dollar}
	for t.i < len(t.src) {
		if err := t.item(); err != nil {
			return "", err
		}
	}
	if len(t.open) > 0 {
		return "", t.failAt("missing ), unterminated subpattern", t.open[len(t.open)-1])
	}
	if t.unsup != nil {
		return "", t.unsup
	}
	return t.out.String(), nil
}

// fail is sre_parse's source.error(msg, offset): the position is offset
// characters before the next token.
func (t *pyRegexTranslator) fail(msg string, offset int) error {
	return t.failAt(msg, t.i-offset)
}

func (t *pyRegexTranslator) failAt(msg string, pos int) error {
	return &PythonError{Msg: msg, Pos: pos, pattern: t.src, at: t.i}
}

func (t *pyRegexTranslator) unsupported(feature string) error {
	return &PythonUnsupportedError{t.pattern, feature}
}

// later notes a construct RE2 lacks and goes on reading: a re.error
// further on is still Python's answer.
func (t *pyRegexTranslator) later(feature string) {
	if t.unsup == nil {
		t.unsup = t.unsupported(feature)
	}
}

func (t *pyRegexTranslator) peek() (rune, bool) {
	if t.i < len(t.src) {
		return t.src[t.i], true
	}
	return 0, false
}

func (t *pyRegexTranslator) get() (rune, bool) {
	r, ok := t.peek()
	if ok {
		t.i++
	}
	return r, ok
}

// token takes sre_parse's next token: a character, or a backslash and the
// character after it.
func (t *pyRegexTranslator) token() (string, bool) {
	c, ok := t.get()
	if c == '\\' && t.i < len(t.src) {
		t.i++
		return string(t.src[t.i-2 : t.i]), true
	}
	return string(c), ok
}

func (t *pyRegexTranslator) accept(r rune) bool {
	if c, ok := t.peek(); ok && c == r {
		t.i++
		return true
	}
	return false
}

// item translates one token of sre_parse._parse.
func (t *pyRegexTranslator) item() error {
	c, _ := t.get()
	if c != '(' {
		t.topItems = true
	}
	switch c {
	case '|':
		t.out.WriteByte('|')
		t.last = pyItemNone
	case '(':
		return t.group(t.i - 1)
	case ')':
		if len(t.open) == 0 {
			return t.fail("unbalanced parenthesis", 1)
		}
		if g := t.groups[len(t.groups)-1]; g > 0 {
			t.closed[g] = true
		}
		t.open, t.groups = t.open[:len(t.open)-1], t.groups[:len(t.groups)-1]
		t.out.WriteByte(')')
		t.last = pyItemAtom
	case '*', '+', '?':
		return t.repeat(string(c), t.i-1)
	case '{':
		return t.brace()
	case '[':
		return t.class()
	case '\\':
		return t.escape()
	case '^':
		t.out.WriteByte('^')
		t.last = pyItemAt
	case '$':
		t.out.WriteString(t.dollar)
		t.last = pyItemAt
	case '.':
		t.out.WriteByte('.')
		t.last = pyItemAtom
	default:
		t.literal(c)
	}
	return nil
}

func (t *pyRegexTranslator) literal(r rune) {
	if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		t.out.WriteRune(r)
	} else {
		fmt.Fprintf(&t.out, `\x{%X}`, r)
	}
	t.last = pyItemAtom
}

// repeat checks what the quantifier starting at position at applies to,
// as sre_parse does.
func (t *pyRegexTranslator) repeat(q string, at int) error {
	switch t.last {
	case pyItemNone, pyItemAt:
		return t.failAt("nothing to repeat", at)
	case pyItemRepeat:
		return t.failAt("multiple repeat", at)
	}
	t.out.WriteString(q)
	return t.repeatSuffix()
}

// repeatSuffix reads a lazy "?" or refuses a possessive "+" (Python 3.11).
func (t *pyRegexTranslator) repeatSuffix() error {
	if t.accept('?') {
		t.out.WriteByte('?')
	} else if c, ok := t.peek(); ok && c == '+' {
		t.i++
		t.later("a possessive quantifier")
	}
	t.last = pyItemRepeat
	return nil
}

func (t *pyRegexTranslator) digits() string {
	start := t.i
	for t.i < len(t.src) && t.src[t.i] >= '0' && t.src[t.i] <= '9' {
		t.i++
	}
	return string(t.src[start:t.i])
}

// brace is "{": {m}, {m,}, {,n}, {m,n} and {,} repeat; anything else is a
// literal "{".
func (t *pyRegexTranslator) brace() error {
	start := t.i
	if c, ok := t.peek(); ok && c == '}' {
		t.literal('{')
		return nil
	}
	lo := t.digits()
	hi, comma := lo, t.accept(',')
	if comma {
		hi = t.digits()
	}
	if !t.accept('}') {
		t.i = start
		t.literal('{')
		return nil
	}
	min, max := repeatCount(lo, 0), repeatCount(hi, -1)
	if min >= math.MaxUint32 || max >= math.MaxUint32 { // sre's MAXREPEAT: OverflowError, not re.error
		return t.unsupported("a repetition count Python cannot compile either (OverflowError)")
	}
	if max >= 0 && max < min {
		return t.failAt("min repeat greater than max repeat", start)
	}
	if t.last != pyItemAtom {
		return t.repeat("", start-1)
	}
	if min > 1000 || max > 1000 {
		t.later("a repetition count above 1000")
	}
	q := "{" + strconv.FormatInt(min, 10)
	if comma {
		q += ","
		if max >= 0 {
			q += strconv.FormatInt(max, 10)
		}
	}
	return t.repeat(q+"}", start-1)
}

// repeatCount reads a repetition count, def when empty, saturating at
// math.MaxInt64.
func repeatCount(digits string, def int64) int64 {
	if digits == "" {
		return def
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return math.MaxInt64
	}
	return n
}

// group is "(" at position start: a capturing group, or a (?...)
// extension.
func (t *pyRegexTranslator) group(start int) error {
	if !t.accept('?') {
		t.topItems = true
		return t.openGroup("(", start, t.newGroup())
	}
	if t.i >= len(t.src) {
		return t.fail("unexpected end of pattern", 0)
	}
	c, _ := t.token()
	switch c {
	case ":":
		t.topItems = true
		return t.openGroup("(?:", start, 0)
	case "P":
		return t.namedGroup(start)
	case "=", "!":
		t.later("a lookahead assertion")
		return t.openGroup("(?:", start, 0)
	case "<":
		if t.i >= len(t.src) {
			return t.fail("unexpected end of pattern", 0)
		}
		d, _ := t.token()
		if d == "=" || d == "!" {
			t.later("a lookbehind assertion")
			return t.openGroup("(?:", start, 0)
		}
		return t.fail("unknown extension ?<"+d, utf8.RuneCountInString(d)+2) // (?<name>...) is not Python 3.11 syntax
	case ">":
		t.later("an atomic group")
		return t.openGroup("(?:", start, 0)
	case "(":
		return t.unsupported("a conditional group")
	case "#":
		for {
			d, ok := t.token()
			if !ok {
				return t.failAt("missing ), unterminated comment", start)
			}
			if d == ")" {
				return nil
			}
		}
	}
	if len(c) == 1 && strings.Contains(pyFlags+"-", c) {
		return t.flags(rune(c[0]), start)
	}
	return t.fail("unknown extension ?"+c, utf8.RuneCountInString(c)+1)
}

// newGroup opens a capturing group and returns its number.
func (t *pyRegexTranslator) newGroup() int {
	if t.closed == nil {
		t.closed = []bool{false}
	}
	t.closed = append(t.closed, false)
	return len(t.closed) - 1
}

func (t *pyRegexTranslator) openGroup(s string, start, group int) error {
	t.open = append(t.open, start)
	t.groups = append(t.groups, group)
	t.out.WriteString(s)
	t.last = pyItemNone
	return nil
}

// name is Tokenizer.getuntil(terminator, "group name"): the characters up
// to terminator; Python's error when there are none or no terminator.
func (t *pyRegexTranslator) name(terminator string) (string, error) {
	var name []string
	for {
		c, ok := t.token()
		switch {
		case !ok && len(name) == 0:
			return "", t.fail("missing group name", 0)
		case !ok:
			return "", t.fail("missing "+terminator+", unterminated name", utf8.RuneCountInString(strings.Join(name, "")))
		case c == terminator && len(name) == 0:
			return "", t.fail("missing group name", 1)
		case c == terminator:
			return strings.Join(name, ""), nil
		}
		name = append(name, c)
	}
}

// namedGroup is (?P<name>...), written as a plain group (names do not change
// what matches); (?P=name) is a backreference.
func (t *pyRegexTranslator) namedGroup(start int) error {
	t.topItems = true
	switch {
	case t.accept('<'):
		name, err := t.name(">")
		if err != nil {
			return err
		}
		n := utf8.RuneCountInString(name) + 1
		if !pyIsIdentifier([]rune(name)) {
			return t.fail("bad character in group name "+pyRepr(name), n)
		}
		g := t.newGroup()
		if was, ok := t.names[name]; ok {
			return t.fail(fmt.Sprintf("redefinition of group name %s as group %d; was group %d", pyRepr(name), g, was), n)
		}
		if t.names == nil {
			t.names = map[string]int{}
		}
		t.names[name] = g
		return t.openGroup("(", start, g)
	case t.accept('='):
		name, err := t.name(")")
		if err != nil {
			return err
		}
		n := utf8.RuneCountInString(name) + 1
		g, ok := t.names[name]
		switch {
		case !pyIsIdentifier([]rune(name)):
			return t.fail("bad character in group name "+pyRepr(name), n)
		case !ok:
			return t.fail("unknown group name "+pyRepr(name), n)
		case !t.closed[g]:
			return t.fail("cannot refer to an open group", n)
		}
		t.later("a backreference")
		t.literal('?')
		return nil
	}
	if t.i >= len(t.src) {
		return t.fail("unexpected end of pattern", 0)
	}
	c, _ := t.token()
	return t.fail("unknown extension ?P"+c, utf8.RuneCountInString(c)+2)
}

// pyIsIdentifier approximates str.isidentifier().
func pyIsIdentifier(name []rune) bool {
	if len(name) == 0 || unicode.IsDigit(name[0]) {
		return false
	}
	for _, r := range name {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) && !unicode.Is(unicode.Nl, r) {
			return false
		}
	}
	return true
}

// pyRepr is repr() of a str.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	var b strings.Builder
	b.WriteString(q)
	for _, r := range s {
		switch {
		case r == '\\' || string(r) == q:
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String() + q
}

// pyFlags are the inline flags sre_parse knows (FLAGS).
const pyFlags = "aiLmstux"

// flags mirrors sre_parse._parse_flags: global (?aiLmsux) only at the start
// of the pattern, scoped (?flags-flags:...) anywhere. The group started at
// start; c is the first flag or "-".
func (t *pyRegexTranslator) flags(c rune, start int) error {
	var add, del []rune
	tok := string(c)
	if c != '-' {
		for {
			if c == 'L' {
				return t.fail("bad inline flags: cannot use 'L' flag with a str pattern", 0)
			}
			add = append(add, c)
			if slices.Contains(add, 'a') && slices.Contains(add, 'u') {
				return t.fail("bad inline flags: flags 'a', 'u' and 'L' are incompatible", 0)
			}
			var ok bool
			if tok, ok = t.token(); !ok {
				return t.fail("missing -, : or )", 0)
			}
			if tok == ")" || tok == "-" || tok == ":" {
				break
			}
			if c = rune(tok[0]); len(tok) > 1 || !strings.ContainsRune(pyFlags, c) {
				return t.fail(pyFlagProblem(tok, "missing -, : or )"), utf8.RuneCountInString(tok))
			}
		}
	}
	if tok == ")" {
		if len(t.open) > 0 || t.topItems {
			return t.failAt("global flags not at the start of the expression", start)
		}
		if err := t.flagSupport(add); err != nil {
			return err
		}
		if f := goFlags(add); f != "" {
			t.out.WriteString("(?" + f + ")")
		}
		return nil
	}
	t.topItems = true
	if slices.Contains(add, 't') {
		return t.fail("bad inline flags: cannot turn on global flag", 1)
	}
	if tok == "-" {
		var ok bool
		if tok, ok = t.token(); !ok {
			return t.fail("missing flag", 0)
		}
		if len(tok) > 1 || !strings.Contains(pyFlags, tok) {
			return t.fail(pyFlagProblem(tok, "missing flag"), utf8.RuneCountInString(tok))
		}
		for {
			if c = rune(tok[0]); strings.ContainsRune("auL", c) {
				return t.fail("bad inline flags: cannot turn off flags 'a', 'u' and 'L'", 0)
			}
			del = append(del, c)
			if tok, ok = t.token(); !ok {
				return t.fail("missing :", 0)
			}
			if tok == ":" {
				break
			}
			if len(tok) > 1 || !strings.Contains(pyFlags, tok) {
				return t.fail(pyFlagProblem(tok, "missing :"), utf8.RuneCountInString(tok))
			}
		}
	}
	if slices.Contains(del, 't') {
		return t.fail("bad inline flags: cannot turn off global flag", 1)
	}
	for _, f := range add {
		if slices.Contains(del, f) {
			return t.fail("bad inline flags: flag turned on and off", 1)
		}
	}
	if err := t.flagSupport(add); err != nil {
		return err
	}
	s := goFlags(add)
	if d := goFlags(del); d != "" {
		s += "-" + d
	}
	return t.openGroup("(?"+s+":", start, 0)
}

// pyFlagProblem is "unknown flag" for a letter, otherwise what is missing.
func pyFlagProblem(tok, missing string) string {
	if r, _ := utf8.DecodeRuneInString(tok); len(tok) == utf8.RuneLen(r) && unicode.IsLetter(r) {
		return "unknown flag"
	}
	return missing
}

func (t *pyRegexTranslator) flagSupport(add []rune) error {
	switch {
	case slices.Contains(add, 'x'):
		return t.unsupported("verbose mode (?x)") // it changes how the rest reads
	case slices.Contains(add, 'a'):
		t.later("ASCII mode (?a)")
	case slices.Contains(add, 't'):
		t.later("the template flag (?t)")
	}
	return nil
}

// goFlags keeps the flags Go has with the same meaning (i, m, s); u is
// Python's default for str patterns.
func goFlags(fs []rune) string {
	var out []rune
	for _, f := range "ims" {
		if slices.Contains(fs, f) {
			out = append(out, f)
		}
	}
	return string(out)
}

// escape mirrors sre_parse._escape (outside a character class); the
// backslash is taken.
func (t *pyRegexTranslator) escape() error {
	c, ok := t.get()
	if !ok {
		return t.failAt("bad escape (end of pattern)", t.i-1)
	}
	at := map[rune]string{'A': `\A`, 'Z': `\z`, 'b': `\b`, 'B': `\B`}
	cat := map[rune]string{'d': `\p{Nd}`, 'D': `\P{Nd}`, 'w': "[" + pyWordClass + "]", 'W': "[^" + pyWordClass + "]",
		's': "[" + pySpaceClass + "]", 'S': "[^" + pySpaceClass + "]"}
	if s, ok := at[c]; ok {
		t.out.WriteString(s)
		t.last = pyItemAt
		return nil
	}
	if s, ok := cat[c]; ok {
		t.out.WriteString(s)
		t.last = pyItemAtom
		return nil
	}
	if c >= '1' && c <= '9' {
		return t.groupRefOrOctal(c)
	}
	r, err := t.literalEscape(c, false)
	if err != nil {
		return err
	}
	t.literal(r)
	return nil
}

// groupRefOrOctal is \1..\99 (a backreference) or three octal digits.
func (t *pyRegexTranslator) groupRefOrOctal(c rune) error {
	start := t.i - 2
	digits := string(c)
	if d, ok := t.peek(); ok && d >= '0' && d <= '9' {
		t.i++
		digits += string(d)
		if e, ok := t.peek(); ok && isOctal(c) && isOctal(d) && isOctal(e) {
			t.i++
			v, _ := strconv.ParseUint(digits+string(e), 8, 32)
			if v > 0o377 {
				return t.failAt(`octal escape value \`+digits+string(e)+` outside of range 0-0o377`, start)
			}
			t.literal(rune(v))
			return nil
		}
	}
	g, _ := strconv.Atoi(digits)
	switch {
	case g >= len(t.closed):
		return t.failAt("invalid group reference "+digits, start+1)
	case !t.closed[g]:
		return t.failAt("cannot refer to an open group", start)
	}
	t.later("a backreference")
	t.literal('?')
	return nil
}

func isOctal(r rune) bool { return r >= '0' && r <= '7' }

// literalEscape is an escape standing for one character, shared by both
// contexts (inClass: sre_parse._class_escape): \a \f \n \r \t \v \\, \xhh,
// \uhhhh, \Uhhhhhhhh, \0oo octal, and a backslash before anything but an
// ASCII letter or digit. The escape started two characters back.
func (t *pyRegexTranslator) literalEscape(c rune, inClass bool) (rune, error) {
	start := t.i - 2
	switch c {
	case 'a':
		return '\a', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'v':
		return '\v', nil
	case 'x':
		return t.hexEscape(c, 2, start)
	case 'u':
		return t.hexEscape(c, 4, start)
	case 'U':
		return t.hexEscape(c, 8, start)
	case 'N':
		if !t.accept('{') {
			return 0, t.fail("missing {", 0)
		}
		name, err := t.name("}")
		if pe, ok := err.(*PythonError); ok {
			pe.Msg = strings.Replace(pe.Msg, "group name", "character name", 1)
			return 0, err
		}
		if strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -") != "" {
			return 0, t.failAt("undefined character name "+pyRepr(name), start) // no Unicode name has these
		}
		return 0, t.unsupported(`a named character \N{...}`)
	case '0':
		if !inClass {
			return rune(t.octal("0")), nil
		}
	}
	if inClass && isOctal(c) {
		v := t.octal(string(c))
		if v > 0o377 {
			return 0, t.failAt(`octal escape value \`+string(t.src[start+1:t.i])+` outside of range 0-0o377`, start)
		}
		return rune(v), nil
	}
	if c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
		return 0, t.failAt(`bad escape \`+string(c), start)
	}
	return c, nil
}

// hexEscape reads the n hex digits of \x, \u or \U.
func (t *pyRegexTranslator) hexEscape(c rune, n, start int) (rune, error) {
	j := t.i
	for j < len(t.src) && j < t.i+n && strings.ContainsRune("0123456789abcdefABCDEF", t.src[j]) {
		j++
	}
	esc := `\` + string(c) + string(t.src[t.i:j])
	if j < t.i+n {
		t.i = j
		return 0, t.failAt("incomplete escape "+esc, start)
	}
	v, _ := strconv.ParseUint(string(t.src[t.i:j]), 16, 32)
	t.i = j
	if v > unicode.MaxRune {
		return 0, t.failAt("bad escape "+esc, start)
	}
	return rune(v), nil
}

// classItem is one element of a character class: a character, or a category
// (\d \D \s \S \w \W) written as Go class contents.
type classItem struct {
	r        rune
	category string
	negated  bool // \S or \W: Go cannot add their complement inside a class
}

// class mirrors the "[" branch of sre_parse._parse.
func (t *pyRegexTranslator) class() error {
	here := t.i - 1
	negate := t.accept('^')
	var items []string
	negatedCategory := ""
	for first := true; ; first = false {
		this, ok := t.token()
		if !ok {
			return t.failAt("unterminated character set", here)
		}
		if this == "]" && !first {
			break
		}
		a, err := t.classAtom(this)
		if err != nil {
			return err
		}
		if !t.accept('-') {
			if a.negated {
				negatedCategory = a.category
			}
			items = append(items, a.String())
			continue
		}
		that, ok := t.token()
		if !ok {
			return t.failAt("unterminated character set", here)
		}
		if that == "]" {
			items = append(items, a.String(), `\x{2D}`)
			break
		}
		b, err := t.classAtom(that)
		if err != nil {
			return err
		}
		if a.category != "" || b.category != "" || b.r < a.r {
			return t.fail("bad character range "+this+"-"+that, utf8.RuneCountInString(this+that)+1)
		}
		items = append(items, fmt.Sprintf(`\x{%X}-\x{%X}`, a.r, b.r))
	}
	if negatedCategory != "" {
		if len(items) > 1 {
			t.later(`\S or \W inside a character class with other items`)
		}
		items, negate = []string{negatedCategory}, !negate
	}
	t.out.WriteString("[")
	if negate {
		t.out.WriteString("^")
	}
	t.out.WriteString(strings.Join(items, "") + "]")
	t.last = pyItemAtom
	return nil
}

func (a classItem) String() string {
	if a.category != "" {
		return a.category
	}
	return fmt.Sprintf(`\x{%X}`, a.r)
}

// classAtom mirrors sre_parse._class_escape for a token "\c" and takes any
// other character literally ("[" included: Go would read "[:alpha:]").
func (t *pyRegexTranslator) classAtom(tok string) (classItem, error) {
	r := []rune(tok)
	if len(r) == 1 {
		if r[0] == '\\' {
			return classItem{}, t.failAt("bad escape (end of pattern)", t.i-1)
		}
		return classItem{r: r[0]}, nil
	}
	switch r[1] {
	case 'b':
		return classItem{r: '\b'}, nil
	case 'd':
		return classItem{category: `\p{Nd}`}, nil
	case 'D':
		return classItem{category: `\P{Nd}`}, nil
	case 'w':
		return classItem{category: pyWordClass}, nil
	case 's':
		return classItem{category: pySpaceClass}, nil
	case 'W':
		return classItem{category: pyWordClass, negated: true}, nil
	case 'S':
		return classItem{category: pySpaceClass, negated: true}, nil
	}
	c, err := t.literalEscape(r[1], true)
	return classItem{r: c}, err
}

// octal reads the rest of an octal escape that starts with digits, up to
// three digits in all, as Python's sre_parse does.
func (t *pyRegexTranslator) octal(digits string) uint64 {
	for len(digits) < 3 {
		d, ok := t.peek()
		if !ok || !isOctal(d) {
			break
		}
		digits += string(d)
		t.i++
	}
	v, _ := strconv.ParseUint(digits, 8, 32)
	return v
}
