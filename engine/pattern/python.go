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

// ErrPythonRejects stands for the re.error Python's re.compile raises: the
// library catches it, so the pattern never matches.
var ErrPythonRejects = errors.New("Python's re rejects this pattern")

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
	depth    int
	topItems bool // an item came before, so global flags are misplaced
	last     int  // the kind of the previous item, for "nothing to repeat"
	names    map[string]bool
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

// TranslatePython returns the Go pattern, with each "$" written as dollar, ErrPythonRejects when Python rejects
// the pattern, or a *PythonUnsupportedError.
func TranslatePython(pattern, dollar string) (string, error) {
	t := &pyRegexTranslator{pattern: pattern, src: []rune(pattern), dollar: dollar}
	for t.i < len(t.src) {
		if err := t.item(); err != nil {
			return "", err
		}
	}
	if t.depth > 0 {
		return "", ErrPythonRejects // missing ), unterminated subpattern
	}
	return t.out.String(), nil
}

func (t *pyRegexTranslator) unsupported(feature string) error {
	return &PythonUnsupportedError{t.pattern, feature}
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
		return t.group()
	case ')':
		if t.depth == 0 {
			return ErrPythonRejects // unbalanced parenthesis
		}
		t.depth--
		t.out.WriteByte(')')
		t.last = pyItemAtom
	case '*', '+', '?':
		return t.repeat(string(c))
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

// repeat checks what a quantifier applies to, as sre_parse does.
func (t *pyRegexTranslator) repeat(q string) error {
	switch t.last {
	case pyItemNone, pyItemAt:
		return ErrPythonRejects // nothing to repeat
	case pyItemRepeat:
		return ErrPythonRejects // multiple repeat
	}
	t.out.WriteString(q)
	return t.repeatSuffix()
}

// repeatSuffix reads a lazy "?" or refuses a possessive "+" (Python 3.11).
func (t *pyRegexTranslator) repeatSuffix() error {
	if t.accept('?') {
		t.out.WriteByte('?')
	} else if c, ok := t.peek(); ok && c == '+' {
		return t.unsupported("a possessive quantifier")
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
		return ErrPythonRejects // min repeat greater than max repeat
	}
	if t.last != pyItemAtom {
		return ErrPythonRejects // nothing to repeat, multiple repeat
	}
	if min > 1000 || max > 1000 {
		return t.unsupported("a repetition count above 1000")
	}
	q := "{" + strconv.FormatInt(min, 10)
	if comma {
		q += ","
		if max >= 0 {
			q += strconv.FormatInt(max, 10)
		}
	}
	return t.repeat(q + "}")
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

// group is "(": a capturing group, or a (?...) extension.
func (t *pyRegexTranslator) group() error {
	if !t.accept('?') {
		t.topItems = true
		return t.open("(")
	}
	c, ok := t.get()
	if !ok {
		return ErrPythonRejects
	}
	switch c {
	case ':':
		t.topItems = true
		return t.open("(?:")
	case 'P':
		return t.namedGroup()
	case '=', '!':
		return t.unsupported("a lookahead assertion")
	case '<':
		if d, ok := t.get(); ok && (d == '=' || d == '!') {
			return t.unsupported("a lookbehind assertion")
		}
		return ErrPythonRejects // (?<name>...) is not Python 3.11 syntax
	case '>':
		return t.unsupported("an atomic group")
	case '(':
		return t.unsupported("a conditional group")
	case '#':
		for {
			d, ok := t.get()
			if !ok {
				return ErrPythonRejects // missing ), unterminated comment
			}
			if d == ')' {
				return nil
			}
		}
	}
	if strings.ContainsRune("aiLmsux-", c) {
		return t.flags(c)
	}
	return ErrPythonRejects // unknown extension
}

func (t *pyRegexTranslator) open(s string) error {
	t.depth++
	t.out.WriteString(s)
	t.last = pyItemNone
	return nil
}

// namedGroup is (?P<name>...), written as a plain group (names do not change
// what matches); (?P=name) is a backreference.
func (t *pyRegexTranslator) namedGroup() error {
	t.topItems = true
	c, _ := t.get()
	if c == '=' {
		return t.unsupported("a backreference")
	}
	if c != '<' {
		return ErrPythonRejects
	}
	var name []rune
	for {
		d, ok := t.get()
		if !ok {
			return ErrPythonRejects // missing >, unterminated name
		}
		if d == '>' {
			break
		}
		name = append(name, d)
	}
	if !pyIsIdentifier(name) || t.names[string(name)] {
		return ErrPythonRejects // bad character in group name, or redefinition
	}
	if t.names == nil {
		t.names = map[string]bool{}
	}
	t.names[string(name)] = true
	return t.open("(")
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

// flags mirrors sre_parse._parse_flags: global (?aiLmsux) only at the start
// of the pattern, scoped (?flags-flags:...) anywhere.
func (t *pyRegexTranslator) flags(c rune) error {
	const all = "aiLmsux"
	var add, del []rune
	var ok bool
	if c != '-' {
		for {
			if c == 'L' {
				return ErrPythonRejects // cannot use 'L' flag with a str pattern
			}
			add = append(add, c)
			if slices.Contains(add, 'a') && slices.Contains(add, 'u') {
				return ErrPythonRejects // flags 'a', 'u' and 'L' are incompatible
			}
			if c, ok = t.get(); !ok {
				return ErrPythonRejects
			}
			if strings.ContainsRune(")-:", c) {
				break
			}
			if !strings.ContainsRune(all, c) {
				return ErrPythonRejects
			}
		}
	}
	if c == ')' {
		if t.depth > 0 || t.topItems {
			return ErrPythonRejects // global flags not at the start of the expression
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
	if c == '-' {
		if c, ok = t.get(); !ok || !strings.ContainsRune(all, c) {
			return ErrPythonRejects // missing flag, unknown flag
		}
		for {
			if strings.ContainsRune("auL", c) {
				return ErrPythonRejects // cannot turn off flags 'a', 'u' and 'L'
			}
			del = append(del, c)
			if c, ok = t.get(); !ok {
				return ErrPythonRejects // missing :
			}
			if c == ':' {
				break
			}
			if !strings.ContainsRune(all, c) {
				return ErrPythonRejects
			}
		}
	}
	for _, f := range add {
		if slices.Contains(del, f) {
			return ErrPythonRejects // flag turned on and off
		}
	}
	if err := t.flagSupport(add); err != nil {
		return err
	}
	s := goFlags(add)
	if d := goFlags(del); d != "" {
		s += "-" + d
	}
	return t.open("(?" + s + ":")
}

func (t *pyRegexTranslator) flagSupport(add []rune) error {
	switch {
	case slices.Contains(add, 'x'):
		return t.unsupported("verbose mode (?x)")
	case slices.Contains(add, 'a'):
		return t.unsupported("ASCII mode (?a)")
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

// escape mirrors sre_parse._escape (outside a character class).
func (t *pyRegexTranslator) escape() error {
	c, ok := t.get()
	if !ok {
		return ErrPythonRejects // bad escape (end of pattern)
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
	r, err := t.literalEscape(c)
	if err != nil {
		return err
	}
	t.literal(r)
	return nil
}

// groupRefOrOctal is \1..\99 (a backreference) or three octal digits.
func (t *pyRegexTranslator) groupRefOrOctal(c rune) error {
	if d, ok := t.peek(); ok && d >= '0' && d <= '9' {
		if e := t.i + 1; isOctal(c) && isOctal(d) && e < len(t.src) && isOctal(t.src[e]) {
			t.i += 2
			v, _ := strconv.ParseUint(string([]rune{c, d, t.src[e]}), 8, 32)
			if v > 0o377 {
				return ErrPythonRejects
			}
			t.literal(rune(v))
			return nil
		}
	}
	return t.unsupported("a backreference")
}

func isOctal(r rune) bool { return r >= '0' && r <= '7' }

// literalEscape is an escape standing for one character, shared by both
// contexts: \a \f \n \r \t \v \\, \xhh, \uhhhh, \Uhhhhhhhh, \0oo octal, and
// a backslash before anything but an ASCII letter or digit.
func (t *pyRegexTranslator) literalEscape(c rune) (rune, error) {
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
		return t.hexEscape(2)
	case 'u':
		return t.hexEscape(4)
	case 'U':
		return t.hexEscape(8)
	case 'N':
		return 0, t.unsupported(`a named character \N{...}`)
	case '0':
		return rune(t.octal("0")), nil
	}
	if c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
		return 0, ErrPythonRejects // bad escape
	}
	return c, nil
}

func (t *pyRegexTranslator) hexEscape(n int) (rune, error) {
	if t.i+n > len(t.src) {
		return 0, ErrPythonRejects // incomplete escape
	}
	s := string(t.src[t.i : t.i+n])
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil || strings.ContainsAny(s, "+-") {
		return 0, ErrPythonRejects // incomplete escape
	}
	if v > unicode.MaxRune {
		return 0, ErrPythonRejects // bad escape
	}
	t.i += n
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
	negate := t.accept('^')
	var items []string
	negatedCategory := ""
	for first := true; ; first = false {
		c, ok := t.get()
		if !ok {
			return ErrPythonRejects // unterminated character set
		}
		if c == ']' && !first {
			break
		}
		a, err := t.classAtom(c)
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
		d, ok := t.get()
		if !ok {
			return ErrPythonRejects
		}
		if d == ']' {
			items = append(items, a.String(), `\x{2D}`)
			break
		}
		b, err := t.classAtom(d)
		if err != nil {
			return err
		}
		if a.category != "" || b.category != "" || b.r < a.r {
			return ErrPythonRejects // bad character range
		}
		items = append(items, fmt.Sprintf(`\x{%X}-\x{%X}`, a.r, b.r))
	}
	if negatedCategory != "" {
		if len(items) > 1 {
			return t.unsupported(`\S or \W inside a character class with other items`)
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

// classAtom mirrors sre_parse._class_escape for "\" and takes any other
// character literally ("[" included: Go would read "[:alpha:]").
func (t *pyRegexTranslator) classAtom(c rune) (classItem, error) {
	if c != '\\' {
		return classItem{r: c}, nil
	}
	e, ok := t.get()
	if !ok {
		return classItem{}, ErrPythonRejects
	}
	switch e {
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
	if isOctal(e) && e != '0' {
		v := t.octal(string(e))
		if v > 0o377 {
			return classItem{}, ErrPythonRejects
		}
		return classItem{r: rune(v)}, nil
	}
	r, err := t.literalEscape(e)
	return classItem{r: r}, err
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
