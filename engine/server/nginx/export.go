package nginx

import (
	"encoding/json"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// export writes a complete nginx.conf serving the text in location /, its
// map blocks at http level, on 127.0.0.1:8080, its files under the prefix
// (-p). A text nginx refuses is written all the same: nginx then refuses
// it, as corsplay says. Location / answers every path, the route included.
func export(options map[string]json.RawMessage, _ string) (string, error) {
	_, err := newConf(options)
	if _, isRefusal := err.(*server.ConfigError); err != nil && !isRefusal {
		return "", err
	}
	var maps, rest strings.Builder
	text, at := "", 0
	json.Unmarshal(options["config"], &text)
	list, _ := parse(text)
	for _, d := range list {
		if d.name == "map" {
			maps.WriteString(indent(text[d.start:d.end], "    "))
			rest.WriteString(text[at:d.start])
			at = d.end
		}
	}
	rest.WriteString(text[at:])
	return `# nginx 1.22.1 (Debian 12's nginx-light) serving every path with this CORS configuration, as corsplay emulates it.
# Run: mkdir -p /tmp/cors && nginx -p /tmp/cors/ -c "$PWD/nginx.conf"
daemon off;
master_process off;
pid nginx.pid;
error_log stderr;

events {
}

http {
    access_log off;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
` + maps.String() + `
    server {
        listen 127.0.0.1:8080;

        location / {
` + indent(rest.String(), "            ") + `
            return 200 "ok";
        }
    }
}
`, nil
}

// indent writes each non-blank line of s after in.
func indent(s, in string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.Trim(s, "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString(in + strings.TrimRight(l, " \t\r"))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// importText reads the pasted text: the options are the text itself, once
// corsplay can read it (a text nginx refuses is kept: the emulation says
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

// summarize lists the origins the text compares $http_origin with (if and
// map), asks the emulation whether it answers an unlisted origin (every
// origin, then: "reflect" or "wildcard"), and reads credentials off the
// add_header lines.
func summarize(options map[string]json.RawMessage) server.Summary {
	var sum server.Summary
	c, err := newConf(options)
	if err != nil {
		return sum
	}
	entry := func(written, op string, re *pattern.Regexp) {
		e := server.Entry{Written: written, Policy: written}
		if re != nil {
			e.Policy, e.Regex = "re:"+re.String(), true
		} else if op == "" {
			e.Policy = strings.ToLower(written)
		}
		sum.Origins = append(sum.Origins, e)
	}
	isOrigin := func(v value) bool { return len(v) == 1 && v[0].varName == "http_origin" }
	for _, s := range c.ifs {
		if isOrigin(s.left) && s.op != "" && len(s.val) == 1 && s.val[0].varName == "" {
			entry(s.val[0].lit, s.op, s.re)
		}
	}
	for _, m := range c.mapOrder {
		if !isOrigin(m.source) {
			continue
		}
		i := 0
		for _, e := range m.written {
			switch {
			case e.key == "default" && !e.re:
			case e.re:
				if e.val != "" {
					entry(e.key, "~", m.res[i])
				}
				i++
			case e.val != "":
				entry(e.key, "", nil)
			}
		}
	}
	blocks := []*block{&c.loc}
	for _, s := range c.ifs {
		blocks = append(blocks, s.inner)
		if s.inner.own && c.loc.own {
			sum.Notes = append(sum.Notes, "The if block of line "+itoa(s.line)+" has its own add_header lines, so where its condition holds nginx sends none of the location's.")
		}
	}
	var acao []string
	for _, b := range blocks {
		for _, h := range b.headers {
			switch strings.ToLower(h.name) {
			case "access-control-allow-credentials":
				sum.Credentials = sum.Credentials || h.raw == "true"
			case "access-control-allow-origin":
				acao = append(acao, "add_header "+h.name+" "+h.raw)
			}
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

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
