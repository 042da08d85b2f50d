package nginx

import (
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/webfix"
)

// The fixes edit the text itself. nginx sends the add_header lines of one
// block only: the location's, or those of the last if block that holds
// any. So each header the page's request lacks is written, always, into
// the block that answers it (its preflight's, its own), in place of that
// block's lines for the header; an origin goes through a map.

var fixer = webfix.Fixer("nginx", fixHeader, fixStatus)

// where names the block nginx took the add_header lines from.
func (c *conf) where(b *block) string {
	for _, s := range c.ifs {
		if s.inner == b {
			return "the block of if " + s.cond
		}
	}
	return "the location"
}

func fixHeader(e *server.Edit, n server.Need, name string) {
	var text string
	e.Value("config", &text)
	for i, req := range webfix.Requests(n) {
		c, err := compile(text)
		if err != nil {
			return
		}
		a := c.respond(req)
		pre := n.Preflight && i == 0
		got := a.resp.Headers.Values(name)
		have := got
		var old *addHeader
		for j, h := range a.level.headers {
			if strings.EqualFold(h.name, name) && old == nil {
				old = &a.level.headers[j]
				if !strings.Contains(h.raw, "$") && len(got) == 0 && strings.HasSuffix(name, "s") {
					have = append(have, h.raw) // a line nginx left out for the status
				}
			}
		}
		want := webfix.Missing(n, name, have, pre)
		if a.level == nil || want == "" {
			continue
		}
		why := "nginx answers the " + map[bool]string{true: "preflight", false: "request"}[pre] + " with the add_header lines of " + c.where(a.level) + ", which send "
		if len(got) == 0 {
			why += "no " + name + "."
		} else {
			why += name + ": " + strings.Join(got, ", ") + "."
		}
		var edits []webfix.Edit
		value := `"` + want + `"`
		if name == webfix.ACAO {
			value, edits = c.originValue(text, a, old, n, e)
		}
		line := "add_header " + name + " " + value + " always;"
		first := true
		for _, h := range a.level.headers {
			if strings.EqualFold(h.name, name) {
				s := ""
				if first {
					s, first = line, false
				}
				edits = append(edits, webfix.Edit{At: h.start, End: h.end, S: s})
			}
		}
		if hs := a.level.headers; first && len(hs) > 0 { // after the block's last line
			at := hs[len(hs)-1].end
			edits = append(edits, webfix.Edit{At: at, End: at, S: "\n" + webfix.Indent(text, hs[len(hs)-1].start) + line})
		} else if first && a.level == &c.loc {
			edits = append(edits, webfix.Edit{S: line + "\n"})
		} else if first {
			edits = append(edits, webfix.Edit{At: a.level.open, End: a.level.open, S: "\n" + webfix.Indent(text, a.level.open) + "    " + line})
		}
		text = webfix.Apply(text, edits)
		e.Set("config", text)
		e.Note(webfix.Allow(n, name), "", why+" Written with always, nginx sends it whatever the status.")
	}
}

// originValue is the value that lets the page in: the one of the
// location's line when it does (an if block that dropped it), the map
// $http_origin the line goes through with the page added, or a new map
// $cors_origin holding the page (and the one origin the line sent).
func (c *conf) originValue(text string, a answer, old *addHeader, n server.Need, e *server.Edit) (string, []webfix.Edit) {
	if old == nil && a.level != &c.loc {
		for _, h := range c.loc.headers {
			if strings.EqualFold(h.name, webfix.ACAO) && a.st.eval(h.value) == n.Page {
				return quote(h.raw), nil
			}
		}
	}
	if old != nil && old.raw == n.Page {
		return quote(old.raw), nil // the line lacked always
	}
	entry := `"` + n.Page + `" $http_origin;`
	if old != nil && len(old.value) == 1 {
		if m := c.maps[old.value[0].varName]; m != nil && len(m.source) == 1 && m.source[0].varName == "http_origin" {
			return "$" + m.out, []webfix.Edit{{At: m.open, End: m.open, S: "\n" + webfix.Indent(text, m.open) + "    " + entry}}
		}
	}
	v := "cors_origin"
	for c.userVars[v] {
		v += "_"
	}
	m := "map $http_origin $" + v + " {\n    default \"\";\n    " + entry + "\n"
	if old != nil && (old.raw == "*" || strings.Contains(old.raw, "$http_origin")) {
		e.Narrowed = true
	} else if old != nil && strings.Contains(old.raw, "://") && !strings.Contains(old.raw, "$") {
		m += `    "` + old.raw + "\" $http_origin;\n"
	}
	return "$" + v, []webfix.Edit{{S: m + "}\n"}}
}

// fixStatus answers the preflight 204 where a return of an if on the
// method answers it with another status.
func fixStatus(e *server.Edit, n server.Need) {
	var text string
	e.Value("config", &text)
	c, err := compile(text)
	if err != nil {
		return
	}
	a := c.respond(webfix.Requests(n)[0])
	if a.ret == nil || a.resp.Status >= 200 && a.resp.Status < 300 {
		return
	}
	for _, s := range c.ifs {
		if len(s.left) == 1 && s.left[0].varName == "request_method" && contains(s.inner.code, a.ret) {
			e.Set("config", webfix.Apply(text, []webfix.Edit{{At: a.ret.start, End: a.ret.end, S: "return 204;"}}))
			e.Note("", "answer the preflight 204", "The block of if "+s.cond+" answers the preflight "+itoa(a.resp.Status)+": browsers need a 2xx status.")
			return
		}
	}
}

// quote writes a value between double quotes.
func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func contains(code []*stmt, s *stmt) bool {
	for _, x := range code {
		if x == s {
			return true
		}
	}
	return false
}
