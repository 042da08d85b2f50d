package server

import "strings"

// RegexShape is what a regular expression's source says about the origin
// it was written for, so that a library can flag one it reads otherwise
// than it looks (Summary.Flagged) and name the origins to try.
type RegexShape struct {
	Scheme     string // "https", or "http" when only http is spelled
	HasScheme  bool   // the pattern begins with its scheme and ://
	Host       string // the host it spells, lower-cased, escapes removed; "" when none
	Dot        int    // index in Host of the first dot written unescaped; -1 when none
	Start, End bool   // anchored at the start, at the end
}

// ReadRegex reads the source of a regular expression; starts and ends are
// the anchors the library's dialect honours ("^", `\A`; "$", `\z`).
func ReadRegex(src string, starts, ends []string) RegexShape {
	r := RegexShape{Scheme: "https", Dot: -1}
	s := strings.TrimPrefix(src, "(?i)")
	for _, a := range starts {
		if strings.HasPrefix(s, a) {
			r.Start, s = true, s[len(a):]
			break
		}
	}
	for _, a := range ends {
		pre := strings.TrimSuffix(s, a)
		if len(pre) < len(s) && (len(pre)-len(strings.TrimRight(pre, `\`)))%2 == 0 {
			r.End, s = true, pre
			break
		}
	}
	// The pattern as characters: an escaped punctuation is itself (esc),
	// an escaped letter or digit is a class or an anchor (0).
	var cs []byte
	var esc []bool
	for i := 0; i < len(s); i++ {
		c, e := s[i], false
		if c == '\\' && i+1 < len(s) {
			i, c, e = i+1, s[i+1], true
			if isAlnum(c) {
				c = 0
			}
		}
		cs, esc = append(cs, c), append(esc, e)
	}
	start := 0
	if i := strings.Index(string(cs), "://"); i >= 0 {
		scheme := string(cs[:i])
		r.HasScheme = strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz?") == "" && scheme != ""
		if scheme == "http" {
			r.Scheme = "http"
		}
		start = i + 3
	}
	var host []byte
	for i := start; i < len(cs) && (isAlnum(cs[i]) || cs[i] == '-' || cs[i] == '.'); i++ {
		if cs[i] == '.' && !esc[i] && r.Dot < 0 {
			r.Dot = len(host)
		}
		host = append(host, cs[i])
	}
	if strings.Contains(string(host), ".") {
		r.Host = strings.ToLower(string(host))
	} else {
		r.Dot = -1
	}
	return r
}

// Misread: the pattern lets in more than the origin it spells (an open
// end, an open start without the scheme, a dot that matches any
// character); false when it spells no host to tell.
func (r RegexShape) Misread() bool {
	return r.Host != "" && (!r.End || r.Dot >= 0 || !r.Start && !r.HasScheme)
}

// Intended is the origin the pattern spells.
func (r RegexShape) Intended() string {
	if r.Host == "" {
		return ""
	}
	return r.Scheme + "://" + r.Host
}

// Candidates are origins the pattern may let in beyond the one it spells,
// a stranger's first: the host with the attacker's domain after it, a
// letter for the unescaped dot, the attacker's name before it, plain http.
func (r RegexShape) Candidates() []string {
	if r.Host == "" {
		return nil
	}
	var out []string
	sch := r.Scheme + "://"
	if !r.End {
		out = append(out, sch+r.Host+".evil-attacker.net")
	}
	if r.Dot >= 0 {
		out = append(out, sch+r.Host[:r.Dot]+"x"+r.Host[r.Dot+1:])
	}
	if !r.Start && !r.HasScheme {
		out = append(out, sch+"evil-attacker"+r.Host, "http://"+r.Host)
	}
	return out
}

// Says is what the misreading lets in, in words, for a Detail.
func (r RegexShape) Says() string {
	var out []string
	if !r.End {
		out = append(out, "nothing anchors its end, so "+r.Scheme+"://"+r.Host+".evil-attacker.net matches")
	}
	if !r.Start && !r.HasScheme {
		out = append(out, "nothing anchors its start, so any scheme and any host that merely ends with "+r.Host+" match")
	}
	if r.Dot >= 0 {
		out = append(out, "an unescaped . matches any character, so "+r.Scheme+"://"+r.Host[:r.Dot]+"x"+r.Host[r.Dot+1:]+" matches")
	}
	return strings.Join(out, "; ")
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// HostOf is the host of an origin-like entry ("https://*.a.example" →
// "*.a.example"), without a port.
func HostOf(entry string) string {
	if _, rest, ok := strings.Cut(entry, "://"); ok {
		entry = rest
	}
	entry, _, _ = strings.Cut(entry, "/")
	if i := strings.LastIndexByte(entry, ':'); i >= 0 {
		entry = entry[:i]
	}
	return strings.ToLower(entry)
}

// WildcardIntended is the origin an entry with a * was surely written
// for: the * as a subdomain "app", or as a last label "com".
func WildcardIntended(entry string) string {
	i := strings.IndexByte(entry, '*')
	if i < 0 {
		return entry
	}
	fill := "app"
	if rest := entry[i+1:]; rest == "" || rest[0] == ':' || rest[0] == '/' {
		fill = "com"
	}
	return entry[:i] + fill + strings.ReplaceAll(entry[i+1:], "*", "app")
}

// WildcardTame: the entry's only * is a whole first label
// ("https://*.a.example") or the whole port ("http://localhost:*"), where
// a * that matches any text still means what it looks like.
func WildcardTame(entry string) bool {
	if strings.Count(entry, "*") != 1 {
		return false
	}
	return strings.Contains(entry, "://*.") || strings.HasSuffix(entry, ":*") && !strings.HasSuffix(entry, "://*")
}

// WildcardCandidates are origins a * matching any text may let in, a
// stranger's first: the attacker's name in place of the *, then the
// attacker's domain after the text it was written for.
func WildcardCandidates(entry string) []string {
	i := strings.IndexByte(entry, '*')
	if i < 0 {
		return nil
	}
	pre, post := entry[:i], strings.ReplaceAll(entry[i+1:], "*", "")
	fills := []string{"evil-attacker", "com.evil-attacker.net", "evil-attacker.net"}
	if post == "" || post[0] == ':' || post[0] == '/' { // the * ends the host
		fills = fills[1:]
	}
	var out []string
	for _, f := range fills {
		out = append(out, pre+f+post)
	}
	return out
}
