package apache

import (
	"encoding/json"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// App is the application's mod_lua handler (app.lua next to httpd.conf).
const App = `function handle(r)
  r.content_type = "text/plain"
  r:puts("ok")
  return apache2.OK
end
`

// export writes a complete httpd.conf serving the text inside the
// <Directory> of the document root on 127.0.0.1:8080, its files under the
// server root (-d). A text httpd refuses is written all the same. Its
// application answers every path, the route included.
func export(options map[string]json.RawMessage, _ string) (string, error) {
	if _, err := newConf(options); err != nil {
		if _, isRefusal := err.(*server.ConfigError); !isRefusal {
			return "", err
		}
	}
	var text string
	json.Unmarshal(options["config"], &text)
	var b strings.Builder
	for _, l := range strings.Split(strings.Trim(text, "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString("    " + strings.TrimRight(l, " \t\r"))
		}
		b.WriteByte('\n')
	}
	return `# Apache httpd 2.4.71 (Debian 12's apache2) serving every path with this CORS configuration, as corsplay emulates it.
# The application is a mod_lua handler answering 200 "ok" (text/plain) to every method on every path; in the server root:
#   mkdir -p htdocs && printf '%s\n' 'function handle(r)' '  r.content_type = "text/plain"' '  r:puts("ok")' '  return apache2.OK' 'end' > app.lua
# Run: apache2 -X -d "$PWD" -f "$PWD/httpd.conf"
ServerName api.example.com
Listen 127.0.0.1:8080
PidFile httpd.pid
ErrorLog /dev/stderr
LogLevel warn
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule setenvif_module /usr/lib/apache2/modules/mod_setenvif.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule lua_module /usr/lib/apache2/modules/mod_lua.so
DocumentRoot htdocs
LuaMapHandler ^/ app.lua handle

<Directory htdocs>
    Options FollowSymLinks
    AllowOverride None
    Require all granted

` + b.String() + `</Directory>
`, nil
}

// importText reads the pasted text: the options are the text itself, once
// corsplay can read it (a text httpd refuses is kept: the emulation says
// so).
func importText(text string) (map[string]json.RawMessage, error) {
	if _, err := compile(text); err != nil {
		if _, isRefusal := err.(*server.ConfigError); !isRefusal {
			return nil, err
		}
	}
	b, _ := json.Marshal(text)
	return map[string]json.RawMessage{"config": b}, nil
}

// probeOrigin is an origin no configuration lists.
const probeOrigin = "https://corsplay-probe.invalid"

// summarize lists the patterns and strings the text compares the Origin
// with (SetEnvIf, RewriteCond, <If>), asks the emulation whether it
// answers an unlisted origin (every origin, then: "reflect" or
// "wildcard"), and reads credentials off the Header lines.
func summarize(options map[string]json.RawMessage) server.Summary {
	var sum server.Summary
	c, err := newConf(options)
	if err != nil {
		return sum
	}
	add := func(written, policy string, regex bool) {
		sum.Origins = append(sum.Origins, server.Entry{Written: written, Policy: policy, Regex: regex})
	}
	for _, s := range c.envs {
		switch {
		case s.attr != "origin":
		case s.isPlain:
			p := "re:" + regexpQuote(s.plain)
			if s.nocase {
				p = "re:(?i)" + regexpQuote(s.plain)
			}
			add(s.regex, p, true)
			for _, e := range s.sets {
				if strings.Contains(e.val, "$") {
					sum.Notes = append(sum.Notes, "SetEnvIf "+s.regex+" has no unescaped metacharacter: httpd searches it as plain text and sets "+e.name+" to "+e.val+" as written, without substituting $0.")
				}
			}
		default:
			add(s.regex, "re:"+s.re.String(), true)
		}
	}
	for _, r := range c.rules {
		for _, cd := range r.conds {
			if !strings.EqualFold(cd.test, "%{HTTP:Origin}") || cd.negate {
				continue
			}
			if cd.isEq {
				add(cd.eq, cd.eq, false)
			} else {
				add(cd.re.String(), "re:"+cd.re.String(), true)
			}
		}
	}
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if n.l != nil && n.l.op == "v" && strings.EqualFold(n.l.lit, "Origin") {
			switch {
			case n.op == "==" && n.r.op == "w":
				add(n.r.lit, n.r.lit, false)
			case n.op == "=~":
				add(n.re.String(), "re:"+n.re.String(), true)
			case n.op == "in":
				for _, w := range n.list {
					add(w.lit, w.lit, false)
				}
			}
		}
		walk(n.l)
		walk(n.r)
	}
	hs := c.headers
	for _, s := range c.ifs {
		walk(s.expr)
		hs = append(hs, s.headers...)
	}
	var acao []string
	always, onsuccess := false, false
	for _, h := range hs {
		switch strings.ToLower(h.name) {
		case "access-control-allow-credentials":
			sum.Credentials = sum.Credentials || len(h.val) == 1 && h.val[0].lit == "true" && h.action != "unset"
		case "access-control-allow-origin":
			always, onsuccess = always || h.always, onsuccess || !h.always
			acao = append(acao, h.text)
		}
	}
	for _, r := range c.rules {
		if r.status != 0 && onsuccess && !always {
			sum.Notes = append(sum.Notes, "RewriteRule line "+itoa(r.line)+" answers with httpd's own "+itoa(r.status)+", which gets only the Header always lines: its Access-Control-Allow-Origin is missing.")
			break
		}
	}
	for _, req := range []message.Request{
		{Method: "GET", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: probeOrigin}}},
		{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{{Name: "Origin", Value: probeOrigin}, {Name: "Access-Control-Request-Method", Value: "PUT"}}},
	} {
		got, _ := c.Respond(req).Headers.Get("Access-Control-Allow-Origin")
		switch {
		case got == "*" && sum.AnyOrigin == "":
			sum.AnyOrigin = "wildcard"
		case strings.Contains(got, probeOrigin):
			sum.AnyOrigin = "reflect"
		default:
			continue
		}
		if len(acao) > 0 {
			sum.AnyEntry = acao[0]
		}
	}
	return sum
}

func regexpQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.+*?()|[]{}^$`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
