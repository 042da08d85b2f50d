package gincors

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// fields lists Config's fields in cors.Config's order, with their values.
func (c *Config) fields() []struct {
	name string
	v    any
} {
	return []struct {
		name string
		v    any
	}{{"AllowAllOrigins", c.AllowAllOrigins}, {"AllowOrigins", c.AllowOrigins}, {"AllowMethods", c.AllowMethods},
		{"AllowPrivateNetwork", c.AllowPrivateNetwork}, {"AllowHeaders", c.AllowHeaders}, {"AllowCredentials", c.AllowCredentials},
		{"ExposeHeaders", c.ExposeHeaders}, {"MaxAge", c.MaxAge}, {"AllowWildcard", c.AllowWildcard},
		{"AllowBrowserExtensions", c.AllowBrowserExtensions}, {"CustomSchemas", c.CustomSchemas}, {"AllowWebSockets", c.AllowWebSockets},
		{"AllowFiles", c.AllowFiles}, {"OptionsResponseStatusCode", c.OptionsResponseStatusCode}}
}

// goValue writes a field's value in Go; "" for the zero value.
func goValue(v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return "true"
		}
	case []string:
		if v != nil {
			return gostack.GoStrings(v)
		}
	case int:
		if v != 0 {
			return strconv.Itoa(v)
		}
	case int64: // MaxAge, seconds
		switch {
		case v != 0 && v%3600 == 0:
			return strconv.FormatInt(v/3600, 10) + " * time.Hour"
		case v != 0 && v%60 == 0:
			return strconv.FormatInt(v/60, 10) + " * time.Minute"
		case v != 0:
			return strconv.FormatInt(v, 10) + " * time.Second"
		}
	}
	return ""
}

// Export writes a Go program serving /r on :8080 with gin and the
// middleware configured as options say: a cors.Config literal, or
// cors.DefaultConfig() and the fields that differ from it.
func Export(options map[string]json.RawMessage) (string, error) {
	c, err := Decode(options)
	if err != nil {
		return "", err
	}
	var cfg strings.Builder
	if c.DefaultConfig {
		d := defaultConfig()
		cfg.WriteString("\tconfig := cors.DefaultConfig()\n")
		for i, f := range c.fields() {
			if g := d.fields()[i]; !equal(f.v, g.v) {
				v := goValue(f.v)
				switch f.v.(type) {
				case []string:
					v = map[bool]string{true: "nil", false: v}[v == ""]
				case bool:
					v = map[bool]string{true: "false", false: v}[v == ""]
				default:
					v = map[bool]string{true: "0", false: v}[v == ""]
				}
				cfg.WriteString("\tconfig." + f.name + " = " + v + "\n")
			}
		}
		cfg.WriteString("\tr.Use(cors.New(config))\n")
	} else {
		cfg.WriteString("\tr.Use(cors.New(cors.Config{\n")
		for _, f := range c.fields() {
			if v := goValue(f.v); v != "" {
				cfg.WriteString("\t\t" + f.name + ": " + v + ",\n")
			}
		}
		cfg.WriteString("\t}))\n")
	}
	imports := "\t\"net/http\"\n"
	if strings.Contains(cfg.String(), "time.") {
		imports += "\t\"time\"\n"
	}
	return `// gin v1.12.0 and gin-contrib/cors v1.7.7, serving /r (written by corsplay).
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
` + cfg.String() + `	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		r.Handle(m, "/r", ok)
	}
	r.Run(":8080")
}
`, nil
}

// equal compares two field values; nil and empty lists are the same.
func equal(a, b any) bool {
	if la, ok := a.([]string); ok {
		return slices.Equal(la, b.([]string)) && (la == nil) == (b.([]string) == nil)
	}
	return a == b
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
		case strings.Contains(o, "*") && c.AllowWildcard:
			i := strings.IndexByte(o, '*')
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: "re:^" + gostack.QuoteMeta(o[:i]) + ".*" + gostack.QuoteMeta(o[i+1:]) + "$"})
		case strings.Contains(o, "*"):
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: "re:^" + gostack.QuoteMeta(v) + "$"})
			s.Notes = append(s.Notes, "AllowWildcard is false: "+strconv.Quote(o)+" is compared as it is and lets no browser origin in.")
		default:
			s.Origins = append(s.Origins, server.Entry{Written: o, Policy: v})
		}
	}
	s.Notes = append(s.Notes, "A refused origin gets 403 with no CORS header; an allowed preflight gets every configured method and header, whatever it asks for.")
	return s
}
