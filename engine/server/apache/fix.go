package apache

import (
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/webfix"
)

// The fixes edit the text itself. A header the page's request lacks is
// written with Header always set, which httpd sends with every answer
// (mod_rewrite's R= and F included), in place of every Header line for
// that header (a second line would send it twice); an origin is set by
// SetEnvIf and sent with env=.

var fixer = webfix.Fixer("apache", fixHeader, fixStatus)

func fixHeader(e *server.Edit, n server.Need, name string) {
	var text string
	e.Value("config", &text)
	for i, req := range webfix.Requests(n) {
		c, err := compile(text)
		if err != nil {
			return
		}
		resp, x := c.respond(req)
		pre := n.Preflight && i == 0
		got := resp.Headers.Values(name)
		have := got
		var lines []*hdr
		for _, h := range append(append([]*hdr(nil), c.headers...), c.ifHeaders()...) {
			if strings.EqualFold(h.name, name) {
				lines = append(lines, h)
				if len(got) == 0 && strings.HasSuffix(name, "s") && len(h.val) == 1 && !h.val[0].isEnv && h.action != "unset" {
					have = append(have, h.val[0].lit) // a line httpd left out
				}
			}
		}
		want := webfix.Missing(n, name, have, pre)
		if want == "" {
			continue
		}
		why := "httpd answers the " + map[bool]string{true: "preflight", false: "request"}[pre] + " " + itoa(resp.Status) + " with "
		if len(got) == 0 {
			why += "no " + name
		} else {
			why += name + ": " + strings.Join(got, ", ")
		}
		if x.rule != nil {
			why += " (the RewriteRule of line " + itoa(x.rule.line) + " answers it: only Header always lines are sent then)"
		}
		var edits []webfix.Edit
		for _, h := range lines {
			edits = append(edits, webfix.Edit{At: h.start, End: h.end})
		}
		line := "Header always set " + name + ` "` + want + `"`
		if name == webfix.ACAO {
			var add []webfix.Edit
			line, add = c.originLine(text, lines, n, e)
			edits = append(edits, add...)
		}
		if !strings.HasSuffix(text, "\n") && text != "" {
			line = "\n" + line
		}
		edits = append(edits, webfix.Edit{At: len(text), End: len(text), S: line + "\n"})
		text = webfix.Apply(text, edits)
		e.Set("config", text)
		e.Note(webfix.Allow(n, name), "", why+". Header always set sends it with every answer, once.")
	}
}

func (c *conf) ifHeaders() []*hdr {
	var out []*hdr
	for _, s := range c.ifs {
		out = append(out, s.headers...)
	}
	return out
}

// originLine is the Header line that lets the page in: through the
// variable the old line sent, set by SetEnvIf Origin, with a line for the
// page; or through a new CORS_ORIGIN (with the one origin the old line
// sent).
func (c *conf) originLine(text string, lines []*hdr, n server.Need, e *server.Edit) (string, []webfix.Edit) {
	v, after := "CORS_ORIGIN", -1
	set := func(origin string) string { return `SetEnvIf Origin "^` + regexpQuote(origin) + `$" ` + v + "=$0\n" }
	for _, h := range lines {
		env := ""
		for _, p := range h.val {
			if p.isEnv && env == "" {
				env = p.env
			} else if p.isEnv || p.lit != "" {
				env = "-"
			}
		}
		if env != "" && env != "-" && h.action != "unset" {
			for _, s := range c.envs {
				for _, es := range s.sets {
					if s.attr == "origin" && strings.EqualFold(es.name, env) {
						v, after = es.name, s.end
					}
				}
			}
		}
	}
	line := `Header always set Access-Control-Allow-Origin "%{` + v + `}e" env=` + v
	if after >= 0 && after < len(text) {
		return line, []webfix.Edit{{At: after, End: after, S: set(n.Page)}}
	}
	pre := set(n.Page)
	for _, h := range lines {
		switch {
		case after >= 0:
		case len(h.val) == 1 && h.val[0].lit == "*":
			e.Narrowed = true
		case len(h.val) == 1 && strings.Contains(h.val[0].lit, "://") && h.val[0].lit != n.Page:
			pre += set(h.val[0].lit)
		case len(h.val) > 1 && !strings.Contains(h.text, "%{"+v+"}"):
			e.Narrowed = true // a variable of the request: it may have let every origin in
		}
	}
	return pre + line, nil
}

// fixStatus answers the preflight 204 where a RewriteRule on the method
// answers it with another status.
func fixStatus(e *server.Edit, n server.Need) {
	var text string
	e.Value("config", &text)
	c, err := compile(text)
	if err != nil {
		return
	}
	resp, x := c.respond(webfix.Requests(n)[0])
	if x.rule == nil || resp.Status >= 200 && resp.Status < 300 {
		return
	}
	for _, cd := range x.rule.conds {
		if strings.EqualFold(cd.test, "%{REQUEST_METHOD}") {
			e.Set("config", webfix.Apply(text, []webfix.Edit{{At: x.rule.start, End: x.rule.end, S: "RewriteRule ^ - [R=204,L]\n"}}))
			e.Note("", "answer the preflight 204", "The RewriteRule of line "+itoa(x.rule.line)+" answers the preflight "+itoa(resp.Status)+": browsers need a 2xx status.")
			return
		}
	}
}
