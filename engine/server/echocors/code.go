package echocors

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// Export writes a Go program serving route (declared as echo's router reads
// the path) on :8080 with Echo and the middleware configured as options
// say. In echo's router a ":" starts a parameter and "*" is a wildcard.
func Export(options map[string]json.RawMessage, route string) (string, error) {
	route, err := server.CheckRoute(routerPath(message.RouteOr(route)), ":*", "Echo")
	if err != nil {
		return "", err
	}
	c, err := Decode(options)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`// Echo v4.16.6 and its CORS middleware, serving one route (written by corsplay).
// go mod init example && go get github.com/labstack/echo/v4@v4.16.6 && go run .
package main

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func main() {
	e := echo.New()
	`)
	b.WriteString(strings.ReplaceAll(call(c), "\n", "\n\t"))
	b.WriteString(`
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		e.Add(m, ` + strconv.Quote(route) + `, ok)
	}
	e.Logger.Fatal(e.Start(":8080"))
}
`)
	return b.String(), nil
}

// call is the configuration as the user writes it: the middleware's
// e.Use line, with the fields in CORSConfig's order, as gofmt lays them
// out. Export writes it in its program, and the fixes print it.
func call(c Config) string {
	var fields [][2]string
	list := func(name string, v []string) {
		if len(v) > 0 {
			fields = append(fields, [2]string{name, gostack.GoStrings(v)})
		}
	}
	list("AllowOrigins", c.AllowOrigins)
	list("AllowMethods", c.AllowMethods)
	list("AllowHeaders", c.AllowHeaders)
	if c.AllowCredentials {
		fields = append(fields, [2]string{"AllowCredentials", "true"})
	}
	if c.UnsafeWildcardOriginWithAllowCredentials {
		fields = append(fields, [2]string{"UnsafeWildcardOriginWithAllowCredentials", "true"})
	}
	list("ExposeHeaders", c.ExposeHeaders)
	if c.MaxAge != 0 {
		fields = append(fields, [2]string{"MaxAge", strconv.Itoa(c.MaxAge)})
	}
	s := "e.Use(middleware.CORSWithConfig(middleware.CORSConfig{"
	if len(fields) > 0 {
		s += "\n" + gostack.GoFields(fields, "\t")
	}
	return s + "}))"
}

var defaults = `{"AllowOrigins":["*"],"AllowMethods":["GET","HEAD","PUT","PATCH","POST","DELETE"]}`

var dialect = &gostack.Dialect{
	Type: "middleware.CORSConfig",
	Fields: map[string]string{"Skipper": "func", "AllowOrigins": "strings", "AllowOriginFunc": "func", "AllowMethods": "strings",
		"AllowHeaders": "strings", "AllowCredentials": "bool", "UnsafeWildcardOriginWithAllowCredentials": "bool",
		"ExposeHeaders": "strings", "MaxAge": "int"},
	Starts: map[string]gostack.Start{
		"middleware.DefaultCORSConfig": {Options: defaults, Values: defaults},
		"middleware.CORS()":            {Options: defaults, Values: defaults, Handler: true},
	},
	Wraps:  []string{"middleware.CORSWithConfig"},
	Consts: constant,
}

// headerNames are the values of echo's Header* constants that a CORS
// configuration names; each constant is "Header" and the name without
// dashes (HeaderXRealIP is "X-Real-Ip").
const headerNames = "Accept Accept-Encoding Allow Authorization Content-Disposition Content-Encoding Content-Length Content-Type Cookie Set-Cookie If-Modified-Since Last-Modified Location Retry-After Upgrade Vary WWW-Authenticate X-Forwarded-For X-Forwarded-Proto X-Forwarded-Protocol X-Forwarded-Ssl X-Url-Scheme X-HTTP-Method-Override X-Real-Ip X-Request-Id X-Correlation-Id X-Requested-With Server Origin Cache-Control Connection X-CSRF-Token Referrer-Policy Sec-Fetch-Site"

// constant is the value of an echo constant: echo.GET…, echo.Header….
func constant(name string) (string, bool) {
	if m, ok := strings.CutPrefix(name, "echo."); ok && strings.Contains(" CONNECT DELETE GET HEAD OPTIONS PATCH POST PUT TRACE ", " "+m+" ") {
		return m, true
	}
	h, ok := strings.CutPrefix(name, "echo.Header")
	for _, v := range strings.Fields(headerNames) {
		if ok && strings.EqualFold(strings.ReplaceAll(v, "-", ""), h) {
			return v, true
		}
	}
	return "", false
}

// Import reads middleware.CORSConfig{…} (or the call that takes it, or a
// variable built in steps) into options.
func Import(text string) (map[string]json.RawMessage, error) {
	o, err := dialect.Read(text)
	if err != nil {
		return nil, err
	}
	if _, err := New(o); err != nil {
		return nil, err
	}
	return o, nil
}

// Summarize reads the configuration in the policy's words.
func Summarize(options map[string]json.RawMessage) server.Summary {
	c, err := Decode(options)
	if err != nil {
		return server.Summary{}
	}
	s := server.Summary{Credentials: c.AllowCredentials}
	if len(c.AllowOrigins) == 0 {
		s.AnyOrigin = "wildcard"
	}
	for _, o := range c.AllowOrigins {
		switch {
		case o == "*":
			s.AnyOrigin, s.AnyEntry = "wildcard", `"*"`
			if c.AllowCredentials && c.UnsafeWildcardOriginWithAllowCredentials {
				s.AnyOrigin = "reflect"
			}
		case strings.ContainsAny(o, "*?"):
			p := strings.TrimSuffix(strings.TrimPrefix(originPattern(o), "^"), "$")
			if sub := subdomainPattern(o); sub != "" {
				p += "|" + sub
			}
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: "re:^(?:" + p + ")$"})
			flagPattern(&s, o)
		default:
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: o})
		}
	}
	if s.AnyOrigin == "wildcard" && c.AllowCredentials {
		s.Notes = append(s.Notes, "With AllowCredentials, \"*\" sends Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true: browsers refuse credentialed requests.")
	}
	s.Notes = append(s.Notes, "Every OPTIONS request gets 204 from the middleware, whatever its path.")
	return s
}

// subdomainPattern is what matchSubdomain lets in for pattern o, as a
// regular expression without anchors; "" when it lets nothing in.
func subdomainPattern(o string) string {
	i, j := strings.IndexByte(o, ':'), strings.Index(o, "://")
	if i < 0 || j < 0 {
		return ""
	}
	labels := strings.Split(o[j+3:], ".")
	for k := len(labels) - 1; k >= 0; k-- {
		if labels[k] == "*" {
			p := gostack.QuoteMeta(o[:i]) + `://(?s:.*)`
			if suffix := strings.Join(labels[k+1:], "."); suffix != "" {
				p += `\.` + gostack.QuoteMeta(suffix)
			}
			return p
		}
	}
	return ""
}

// flagPattern flags a pattern that lets in more than it looks: a * that is
// not a whole first label or port (it matches any text, dots included), a
// * label after the first (matchSubdomain lets in every host that ends
// with the labels right of it), a ? (any one character).
func flagPattern(s *server.Summary, o string) {
	if !strings.Contains(o, "*") || server.WildcardTame(o) {
		return // a ? alone is one character, as it looks
	}
	scheme, rest, _ := strings.Cut(o, "://")
	labels := strings.Split(rest, ".")
	var cands []string
	if i := slices.Index(labels, "*"); i > 0 { // every host ending with the labels right of it
		cands = append(cands, scheme+"://"+strings.Join(append([]string{"evil-attacker"}, labels[i+1:]...), "."))
		if i == len(labels)-1 {
			cands[0] += ".net"
		}
	}
	cands = append(cands, server.WildcardCandidates(strings.ReplaceAll(o, "?", "*"))...)
	s.Flagged = append(s.Flagged, server.Flagged{Entry: o, Title: "A pattern in AllowOrigins matches more than it seems: " + o,
		Detail:     "Echo's CORS middleware turns an AllowOrigins entry holding * or ? into the regular expression ^…$ where * is any text, dots and ports included, and ? any one character; it also compares the host's labels with the entry's from the right, and the first * label it meets lets in everything left of it (https://example.* lets in every https origin).",
		Fix:        "List the origins themselves, such as \"https://app.example.com\", or write subdomains as \"https://*.example.com\"; for anything finer, use AllowOriginFunc.",
		Candidates: cands, Host: strings.Trim(server.HostOf(strings.NewReplacer("*", "", "?", "").Replace(o)), ".")})
}
