package gincors

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// Export writes a Go program serving route (declared as gin reads the
// path) on :8080 with gin and the middleware configured as options say: a
// cors.Config literal, or cors.DefaultConfig() and the fields that differ
// from it. In gin's router a ":" starts a parameter and "*" a catch-all.
func Export(options map[string]json.RawMessage, route string) (string, error) {
	route = message.RouteOr(route)
	if _, ok := gostack.Unescape(route, false); !ok {
		return "", &server.RouteError{Route: route, Problem: "the path " + strconv.Quote(route) + " has a malformed escape: net/http answers 400 to it"}
	}
	route, err := server.CheckRoute(declared(route), ":*", "gin")
	if err != nil {
		return "", err
	}
	c, err := Decode(options)
	if err != nil {
		return "", err
	}
	cfg := call(c)
	imports := "\t\"net/http\"\n"
	if strings.Contains(cfg, "time.") {
		imports += "\t\"time\"\n"
	}
	return `// gin v1.12.0 and gin-contrib/cors v1.7.7, serving one route (written by corsplay).
// go mod init example && go get github.com/gin-gonic/gin@v1.12.0 github.com/gin-contrib/cors@v1.7.7 && go run .
package main

import (
` + imports + `
	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	` + strings.ReplaceAll(cfg, "\n", "\n\t") + `
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		r.Handle(m, ` + strconv.Quote(route) + `, ok)
	}
	r.Run(":8080")
}
`, nil
}

// call is the configuration as the user writes it: r.Use(cors.New(…))
// of a cors.Config literal, or cors.DefaultConfig() and assignments to the
// fields that differ from it, as gofmt lays them out. Export writes it in
// its program, and the fixes print it.
func call(c Config) string {
	var d Config
	var cfg strings.Builder
	if c.DefaultConfig {
		d = defaultConfig()
		cfg.WriteString("config := cors.DefaultConfig()\n")
	} else {
		cfg.WriteString("r.Use(cors.New(cors.Config{")
	}
	var fields [][2]string
	field := func(name, v, zero string, same bool) {
		switch {
		case same:
		case c.DefaultConfig && v == "":
			cfg.WriteString("config." + name + " = " + zero + "\n")
		case c.DefaultConfig:
			cfg.WriteString("config." + name + " = " + v + "\n")
		case v != "":
			fields = append(fields, [2]string{name, v})
		}
	}
	list := func(name string, v, dv []string) {
		s := ""
		if v != nil {
			s = gostack.GoStrings(v)
		}
		field(name, s, "nil", slices.Equal(v, dv) && (v == nil) == (dv == nil))
	}
	when := func(ok bool, s string) string {
		if ok {
			return s
		}
		return ""
	}
	flag := func(name string, v, dv bool) { field(name, when(v, "true"), "false", v == dv) }
	flag("AllowAllOrigins", c.AllowAllOrigins, d.AllowAllOrigins)
	list("AllowOrigins", c.AllowOrigins, d.AllowOrigins)
	list("AllowMethods", c.AllowMethods, d.AllowMethods)
	flag("AllowPrivateNetwork", c.AllowPrivateNetwork, d.AllowPrivateNetwork)
	list("AllowHeaders", c.AllowHeaders, d.AllowHeaders)
	flag("AllowCredentials", c.AllowCredentials, d.AllowCredentials)
	list("ExposeHeaders", c.ExposeHeaders, d.ExposeHeaders)
	age, unit := c.MaxAge, " * time.Second"
	if age%60 == 0 {
		age, unit = c.MaxAge/60, " * time.Minute"
	}
	if c.MaxAge%3600 == 0 {
		age, unit = c.MaxAge/3600, " * time.Hour"
	}
	field("MaxAge", when(age != 0, strconv.FormatInt(age, 10)+unit), "0", c.MaxAge == d.MaxAge)
	flag("AllowWildcard", c.AllowWildcard, d.AllowWildcard)
	flag("AllowBrowserExtensions", c.AllowBrowserExtensions, d.AllowBrowserExtensions)
	list("CustomSchemas", c.CustomSchemas, d.CustomSchemas)
	flag("AllowWebSockets", c.AllowWebSockets, d.AllowWebSockets)
	flag("AllowFiles", c.AllowFiles, d.AllowFiles)
	field("OptionsResponseStatusCode", when(c.OptionsResponseStatusCode != 0, strconv.Itoa(c.OptionsResponseStatusCode)), "0", c.OptionsResponseStatusCode == d.OptionsResponseStatusCode)
	if c.DefaultConfig {
		cfg.WriteString("r.Use(cors.New(config))")
	} else {
		if len(fields) > 0 {
			cfg.WriteString("\n" + gostack.GoFields(fields, "\t"))
		}
		cfg.WriteString("}))")
	}
	return cfg.String()
}

var dialect = &gostack.Dialect{
	Type: "cors.Config",
	Fields: map[string]string{"AllowAllOrigins": "bool", "AllowOrigins": "strings", "AllowOriginFunc": "func",
		"AllowOriginWithContextFunc": "func", "AllowMethods": "strings", "AllowPrivateNetwork": "bool", "AllowHeaders": "strings",
		"AllowCredentials": "bool", "ExposeHeaders": "strings", "MaxAge": "seconds", "AllowWildcard": "bool",
		"AllowBrowserExtensions": "bool", "CustomSchemas": "strings", "AllowWebSockets": "bool", "AllowFiles": "bool",
		"OptionsResponseStatusCode": "int"},
	Starts: map[string]gostack.Start{
		"cors.DefaultConfig()": {Options: `{"DefaultConfig":true}`, Values: `{"AllowMethods":["GET","POST","PUT","PATCH","DELETE","HEAD","OPTIONS"],"AllowHeaders":["Origin","Content-Length","Content-Type"]}`},
		"cors.Default()":       {Options: `{"DefaultConfig":true,"AllowAllOrigins":true}`, Handler: true},
	},
	Wraps:   []string{"cors.New"},
	Appends: map[string]string{"AddAllowMethods": "AllowMethods", "AddAllowHeaders": "AllowHeaders", "AddExposeHeaders": "ExposeHeaders"},
}

// Import reads cors.Config{…}, cors.DefaultConfig() and assignments to
// its fields, or the call that takes them, into options.
func Import(text string) (map[string]json.RawMessage, error) {
	o, err := dialect.Read(text)
	if err != nil {
		return nil, err
	}
	var oe *server.OptionError
	if _, err := New(o); errors.As(err, &oe) {
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
	if c.AllowAllOrigins {
		s.AnyOrigin, s.AnyEntry = "wildcard", "AllowAllOrigins: true"
	}
	for _, o := range c.AllowOrigins {
		v := normalize([]string{o})[0]
		inner, re := regexInner(v)
		switch {
		case o == "*":
			s.AnyOrigin, s.AnyEntry = "wildcard", `"*"`
		case re:
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: "re:" + inner, Regex: true})
			flagRegex(&s, o, inner)
		case strings.Contains(o, "*") && c.AllowWildcard:
			i := strings.IndexByte(o, '*')
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: "re:^" + gostack.QuoteMeta(o[:i]) + ".*" + gostack.QuoteMeta(o[i+1:]) + "$"})
			if !server.WildcardTame(o) {
				s.Flagged = append(s.Flagged, server.Flagged{Entry: o, Title: "A * in AllowOrigins matches any text, dots included: " + o,
					Detail:     "With AllowWildcard, gin-contrib/cors lets in any Origin that starts with the text before the * and ends with the text after it: the * stands for any text, dots included, so only https://*.example.com (any subdomain) or http://localhost:* (any port) mean what they look like.",
					Fix:        "List the origins themselves (https://app.example.com), or write subdomains as https://*.example.com.",
					Candidates: server.WildcardCandidates(o), Host: strings.TrimPrefix(server.HostOf(strings.ReplaceAll(o, "*", "")), ".")})
			}
		case strings.Contains(o, "*"):
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: "re:^" + gostack.QuoteMeta(v) + "$"})
			s.Notes = append(s.Notes, "AllowWildcard is false: "+strconv.Quote(o)+" is compared as it is and lets no browser origin in.")
			s.Flagged = append(s.Flagged, server.Flagged{Entry: o, Title: "A * in AllowOrigins is plain text without AllowWildcard: " + o,
				Detail:   "gin-contrib/cors reads a * in an AllowOrigins entry as a wildcard only with AllowWildcard: true. Without it, " + strconv.Quote(o) + " is compared with the Origin as it is, and no browser sends a *: it lets nobody in.",
				Fix:      "Set AllowWildcard: true (the * then stands for any text, dots included, so write subdomains as https://*.example.com), or list the origins themselves.",
				Intended: server.WildcardIntended(v), Host: strings.TrimPrefix(server.HostOf(v), "*.")})
		default:
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: v})
		}
	}
	s.Notes = append(s.Notes, "A refused origin gets 403 with no CORS header; an allowed preflight gets every configured method and header, whatever it asks for.")
	return s
}

// flagRegex flags a /…/ entry that lets in more than the origin it spells
// (regexp.MatchString finds it anywhere), or that lower-casing breaks (\A
// becomes \a, \D becomes \d).
func flagRegex(s *server.Summary, written, inner string) {
	orig, _ := regexInner(strings.TrimSpace(written))
	r := server.ReadRegex(orig, []string{"^", `\A`}, []string{"$", `\z`})
	broken := ""
	for i := 0; i+1 < len(orig); i++ {
		if orig[i] == '\\' {
			if c := orig[i+1]; c >= 'A' && c <= 'Z' && broken == "" {
				broken = orig[i : i+2]
			}
			i++
		}
	}
	if !r.Misread() && broken == "" {
		return
	}
	f := server.Flagged{Entry: written, Title: "A regular expression in AllowOrigins is matched anywhere in the Origin: " + written,
		Detail:   "gin-contrib/cors lower-cases every AllowOrigins entry, a /…/ pattern included, and tests the pattern with regexp.MatchString, which finds it anywhere in the Origin unless ^ and $ anchor it; in it, . is any character.",
		Fix:      "Anchor it at both ends and escape every dot, in lower case: /^" + r.Scheme + "://" + strings.ReplaceAll(r.Host, ".", `\.`) + "$/; or list the origin itself.",
		Intended: r.Intended(), Candidates: r.Candidates(), Host: r.Host}
	if r.Host == "" {
		f.Fix = "Write the pattern in lower case, anchored with ^ and $, or list the origins themselves."
	}
	if says := r.Says(); says != "" {
		f.Detail += " In " + written + ", " + says + "."
	}
	if broken != "" {
		f.Title = "A regular expression in AllowOrigins is lower-cased first: " + written
		f.Detail += " Lower-casing turns " + broken + " into " + strings.ToLower(broken) + ", which means something else (\\a is a bell character, \\d the opposite of \\D), so " + inner + " is what runs."
	} else if r.End && (r.Start || r.HasScheme) {
		f.Title = "An unescaped dot in a regular expression in AllowOrigins matches any character: " + written
	}
	s.Flagged = append(s.Flagged, f)
}
