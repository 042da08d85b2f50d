package pyconfig

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
)

// width is the longest line Call and Assign write on one line (PEP 8).
const width = 79

// Str writes s as a Python str literal. ascii: "..." in ASCII, as Go's
// strconv.QuoteToASCII writes it (each of its escapes means the same in
// Python). Else r"..." when s holds a backslash and needs no escape (a
// regular expression reads as written), else "..." with repr()'s escapes.
func Str(s string, ascii bool) string {
	switch {
	case ascii:
		return strconv.QuoteToASCII(s)
	case strings.Contains(s, `\`) && !strings.Contains(s, `"`) && (len(s)-len(strings.TrimRight(s, `\`)))%2 == 0 &&
		strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7F || r > 0x7F && !unicode.IsPrint(r) }) < 0:
		return `r"` + s + `"`
	}
	return quote(s, `"`)
}

// Repr is Python's repr() of a str.
func Repr(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return quote(s, `"`)
	}
	return quote(s, "'")
}

// quote writes s between quotes q with repr()'s escapes.
func quote(s, q string) string {
	var b strings.Builder
	b.WriteString(q)
	for _, r := range s {
		switch {
		case string(r) == q || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r >= ' ' && r < 0x7F || r > 0x7F && unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xFF:
			b.WriteString(`\x` + strconv.FormatUint(uint64(r)|0x100, 16)[1:])
		case r <= 0xFFFF:
			b.WriteString(`\u` + strconv.FormatUint(uint64(r)|0x10000, 16)[1:])
		default:
			b.WriteString(`\U` + strconv.FormatUint(uint64(r)|0x100000000, 16)[1:])
		}
	}
	b.WriteString(q)
	return b.String()
}

// Literal writes a JSON value as the Python literal json.loads reads it as:
// numbers as written, objects as dicts in their key order; strings as Str
// writes them.
func Literal(raw json.RawMessage, ascii bool) (string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var b strings.Builder
	var write func() error
	write = func() error {
		t, err := d.Token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case string:
			b.WriteString(Str(t, ascii))
		case json.Number:
			b.WriteString(t.String()) // JSON's number syntax is Python's
		case bool:
			if t {
				b.WriteString("True")
			} else {
				b.WriteString("False")
			}
		case nil:
			b.WriteString("None")
		case json.Delim:
			b.WriteString(t.String())
			for i := 0; d.More(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				if t == '{' {
					k, _ := d.Token()
					b.WriteString(Str(k.(string), ascii) + ": ")
				}
				if err := write(); err != nil {
					return err
				}
			}
			end, _ := d.Token()
			b.WriteString(end.(json.Delim).String())
		}
		return nil
	}
	err := write()
	return b.String(), err
}

// Ident reports whether s can be a keyword argument's name as written: an
// ASCII identifier (Python would NFKC-normalize others), no keyword.
func Ident(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != "" && !strings.Contains(" False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield ", " "+s+" ")
}

// Keywords writes name=value for each name and its value (Python source);
// the names Python cannot take as keywords go last, in **{...}.
func Keywords(names, values []string, ascii bool) []string {
	var out, odd []string
	for i, n := range names {
		if Ident(n) {
			out = append(out, n+"="+values[i])
		} else {
			odd = append(odd, Str(n, ascii)+": "+values[i])
		}
	}
	if len(odd) > 0 {
		out = append(out, "**{"+strings.Join(odd, ", ")+"}")
	}
	return out
}

// Call writes fn(args...): on one line when it fits in 79 columns, else one
// argument a line, each with its comma.
func Call(fn string, args []string) string {
	if line := fn + "(" + strings.Join(args, ", ") + ")"; len(line) <= width {
		return line
	}
	return fn + "(\n    " + strings.Join(args, ",\n    ") + ",\n)"
}

// Assign writes the statement name = value: a list that does not fit in
// 79 columns one item a line.
func Assign(name string, raw json.RawMessage, ascii bool) (string, error) {
	lit, err := Literal(raw, ascii)
	var items []json.RawMessage
	if line := name + " = " + lit; err != nil || len(line) <= width || json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		return line, err
	}
	s := name + " = [\n"
	for _, it := range items {
		lit, _ = Literal(it, ascii)
		s += "    " + lit + ",\n"
	}
	return s + "]", nil
}

// Pattern writes a regular expression as a Python configuration does: a
// str, raw when it holds a backslash (server.Matching.Literal).
func Pattern(pattern, _ string) string { return Str(pattern, false) }
