package flaskcors

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/message"
)

// Python's semantics on the values Flask-CORS handles (truthiness of the
// JSON options is flaskfix.Truthy), and the strings werkzeug's development
// server hands to WSGI.

// floatRepr is Python's repr() of a float: the shortest round-tripping
// digits, in positional notation when the decimal exponent is in [-4, 16).
func floatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	switch decpt := exp + 1; {
	case decpt <= -4 || decpt > 16:
		return sign + mant + "e" + expStr // Go, like Python, writes 2 digits or more
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

// sendable: werkzeug refuses CR and LF in a header value, and corsplay only
// emulates ASCII values (werkzeug would send Latin-1 bytes).
func sendable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == '\r' || c == '\n' || c == 0 {
			return false
		}
	}
	return true
}

// requestPath is werkzeug's request.path: the percent-decoded PATH_INFO
// with leading slashes collapsed to one.
func requestPath(rawURL string) string {
	p := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		p = u.EscapedPath()
	} else if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return "/" + strings.TrimLeft(unquote(p), "/")
}

// unquote percent-decodes s and decodes the bytes as UTF-8 with Python's
// errors="replace": one U+FFFD for each maximal invalid subpart.
func unquote(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			n = invalidSubpart(b)
		}
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// invalidSubpart is the length of the maximal subpart of an ill-formed
// UTF-8 sequence starting at b[0] (Unicode §3.9).
func invalidSubpart(b []byte) int {
	lo, hi, need := byte(0x80), byte(0xBF), 0
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		lo, need = 0xA0, 2
	case c == 0xED:
		hi, need = 0x9F, 2
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		lo, need = 0x90, 3
	case c == 0xF4:
		hi, need = 0x8F, 3
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	}
	n := 1
	for ; n <= need && n < len(b) && b[n] >= lo && b[n] <= hi; n++ {
		lo, hi = 0x80, 0xBF
	}
	return n
}

// wsgiHeader is request.headers.get(name) under werkzeug's development
// server: names compared upper-cased with "-" and "_" alike, repeated
// headers joined with ",", each value stripped of leading SP and HTAB only
// (http.client keeps trailing ones), the bytes read as Latin-1 (PEP 3333).
func wsgiHeader(hs message.Headers, name string) string {
	var sb strings.Builder
	n := 0
	for _, h := range hs {
		if wsgiSame(h.Name, name) {
			if n++; n > 1 {
				sb.WriteByte(',')
			}
			sb.WriteString(strings.TrimLeft(h.Value, " \t"))
		}
	}
	return latin1Decode(sb.String())
}

// wsgiSame: a and b are the same environ key: HTTP_ + the name read as
// Latin-1 and upper-cased ("ß" is "SS"), "-" read as "_".
func wsgiSame(a, b string) bool {
	if !sendable(a) || !sendable(b) {
		key := func(s string) string { return strings.ReplaceAll(upper(latin1Decode(s)), "-", "_") }
		return key(a) == key(b)
	}
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if wsgiByte(a[i]) != wsgiByte(b[i]) {
			return false
		}
	}
	return true
}

func wsgiByte(c byte) byte {
	switch {
	case c == '-':
		return '_'
	case 'a' <= c && c <= 'z':
		return c - 'a' + 'A'
	}
	return c
}

// latin1Decode turns each byte into the code point of the same value;
// latin1Encode is its inverse, as werkzeug writes header values.
func latin1Decode(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			r := make([]rune, len(s))
			for j := range len(s) {
				r[j] = rune(s[j])
			}
			return string(r)
		}
	}
	return s
}

func latin1Encode(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// isSpace is str.isspace() for the Latin-1 range (what str.strip() drops).
func isSpace(r rune) bool {
	return (r >= '\t' && r <= '\r') || (r >= 0x1C && r <= ' ') || r == 0x85 || r == 0xA0
}

// upper is str.upper() for the Latin-1 range: "ß" becomes "SS".
func upper(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "ß", "SS")) }

// casefoldEqual is a.casefold() == b.casefold(): the full case folds
// (ß is ss), then simple folding, which strings.EqualFold does.
func casefoldEqual(a, b string) bool { return strings.EqualFold(fullFold(a), fullFold(b)) }

func fullFold(s string) string {
	var sb strings.Builder
	for _, r := range s {
		i := -1
		if r >= 0xDF {
			i = strings.Index(fullFolds, "|"+string(r))
		}
		if i < 0 {
			sb.WriteRune(r)
			continue
		}
		f := fullFolds[i+1+utf8.RuneLen(r):]
		sb.WriteString(f[:strings.IndexByte(f, '|')])
	}
	return sb.String()
}

// fullFolds are the characters whose str.casefold() is several characters
// (CaseFolding.txt status F, Unicode 14 as in Python 3.11), each followed by
// its fold.
const fullFolds = "|\u00dfss|\u0130i\u0307|\u0149\u02bcn|\u01f0j\u030c|\u0390\u03b9\u0308\u0301|\u03b0\u03c5\u0308\u0301|\u0587\u0565\u0582|\u1e96h\u0331|\u1e97t\u0308|\u1e98w\u030a|\u1e99y\u030a|\u1e9aa\u02be|\u1e9ess|\u1f50\u03c5\u0313|\u1f52\u03c5\u0313\u0300|\u1f54\u03c5\u0313\u0301|\u1f56\u03c5\u0313\u0342|\u1f80\u1f00\u03b9|\u1f81\u1f01\u03b9|\u1f82\u1f02\u03b9|\u1f83\u1f03\u03b9|\u1f84\u1f04\u03b9|\u1f85\u1f05\u03b9|\u1f86\u1f06\u03b9|\u1f87\u1f07\u03b9|\u1f88\u1f00\u03b9|\u1f89\u1f01\u03b9|\u1f8a\u1f02\u03b9|\u1f8b\u1f03\u03b9|\u1f8c\u1f04\u03b9|\u1f8d\u1f05\u03b9|\u1f8e\u1f06\u03b9|\u1f8f\u1f07\u03b9|\u1f90\u1f20\u03b9|\u1f91\u1f21\u03b9|\u1f92\u1f22\u03b9|\u1f93\u1f23\u03b9|\u1f94\u1f24\u03b9|\u1f95\u1f25\u03b9|\u1f96\u1f26\u03b9|\u1f97\u1f27\u03b9|\u1f98\u1f20\u03b9|\u1f99\u1f21\u03b9|\u1f9a\u1f22\u03b9|\u1f9b\u1f23\u03b9|\u1f9c\u1f24\u03b9|\u1f9d\u1f25\u03b9|\u1f9e\u1f26\u03b9|\u1f9f\u1f27\u03b9|\u1fa0\u1f60\u03b9|\u1fa1\u1f61\u03b9|\u1fa2\u1f62\u03b9|\u1fa3\u1f63\u03b9|\u1fa4\u1f64\u03b9|\u1fa5\u1f65\u03b9|\u1fa6\u1f66\u03b9|\u1fa7\u1f67\u03b9|\u1fa8\u1f60\u03b9|\u1fa9\u1f61\u03b9|\u1faa\u1f62\u03b9|\u1fab\u1f63\u03b9|\u1fac\u1f64\u03b9|\u1fad\u1f65\u03b9|\u1fae\u1f66\u03b9|\u1faf\u1f67\u03b9|\u1fb2\u1f70\u03b9|\u1fb3\u03b1\u03b9|\u1fb4\u03ac\u03b9|\u1fb6\u03b1\u0342|\u1fb7\u03b1\u0342\u03b9|\u1fbc\u03b1\u03b9|\u1fc2\u1f74\u03b9|\u1fc3\u03b7\u03b9|\u1fc4\u03ae\u03b9|\u1fc6\u03b7\u0342|\u1fc7\u03b7\u0342\u03b9|\u1fcc\u03b7\u03b9|\u1fd2\u03b9\u0308\u0300|\u1fd3\u03b9\u0308\u0301|\u1fd6\u03b9\u0342|\u1fd7\u03b9\u0308\u0342|\u1fe2\u03c5\u0308\u0300|\u1fe3\u03c5\u0308\u0301|\u1fe4\u03c1\u0313|\u1fe6\u03c5\u0342|\u1fe7\u03c5\u0308\u0342|\u1ff2\u1f7c\u03b9|\u1ff3\u03c9\u03b9|\u1ff4\u03ce\u03b9|\u1ff6\u03c9\u0342|\u1ff7\u03c9\u0342\u03b9|\u1ffc\u03c9\u03b9|\ufb00ff|\ufb01fi|\ufb02fl|\ufb03ffi|\ufb04ffl|\ufb05st|\ufb06st|\ufb13\u0574\u0576|\ufb14\u0574\u0565|\ufb15\u0574\u056b|\ufb16\u057e\u0576|\ufb17\u0574\u056d|"
