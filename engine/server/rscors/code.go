//go:build !wasm

package rscors

import (
	"encoding/json"
	"strconv"

	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// The program and the configuration text serve the command, the lab and
// libtest: the page does not carry them (app.wasm's size budget; README,
// Performance and size), as it does not carry gostack.
func init() { library.Export, library.Import = export, importText }

// export writes a Go program serving the options with rs/cors. Its app,
// like the emulation's next handler, answers 200 with no header to every
// method on every path, the route included.
func export(m map[string]json.RawMessage, _ string) (string, error) {
	o, err := decode(m)
	if err != nil {
		return "", err
	}
	return gostack.Program("github.com/rs/cors", "\tc := cors.New("+literal(o)+")\n", "c.Handler(ok)"), nil
}

// literal writes the options as a cors.Options literal inside main: the
// fields set, one a line, aligned as gofmt aligns them.
func literal(o rsOptions) string {
	var fields gostack.Literal
	fields.List("AllowedOrigins", o.AllowedOrigins)
	fields.List("AllowedMethods", o.AllowedMethods)
	fields.List("AllowedHeaders", o.AllowedHeaders)
	fields.List("ExposedHeaders", o.ExposedHeaders)
	fields.Set("MaxAge", o.MaxAge != 0, strconv.Itoa(o.MaxAge))
	fields.Set("AllowCredentials", o.AllowCredentials, "true")
	fields.Set("AllowPrivateNetwork", o.AllowPrivateNetwork, "true")
	fields.Set("OptionsPassthrough", o.OptionsPassthrough, "true")
	fields.Set("OptionsSuccessStatus", o.OptionsSuccessStatus != 0, strconv.Itoa(o.OptionsSuccessStatus))
	fields.Set("Debug", o.Debug, "true")
	return fields.Text("cors.Options")
}

// importText reads a cors.Options literal, as written in Go, optionally
// inside cors.New(…) and an assignment, or cors.AllowAll() or
// cors.Default() (cors.go), each maybe followed by .Handler.
func importText(text string) (map[string]json.RawMessage, error) {
	s := gostack.NewScanner(text)
	s.Assignment() // c := … or c = …
	if s.Tok != "cors" || !s.FollowedBy(".") {
		s.Fail("expected cors.Options{…}, cors.New(…), cors.AllowAll() or cors.Default() of github.com/rs/cors, found " + s.Describe())
	}
	s.Want("cors", ".")
	out := map[string]json.RawMessage{}
	switch s.Tok {
	case "AllowAll", "Default":
		if s.Tok == "AllowAll" {
			for _, f := range [][2]string{{"AllowedOrigins", `["*"]`}, {"AllowedMethods", `["HEAD","GET","POST","PUT","PATCH","DELETE"]`},
				{"AllowedHeaders", `["*"]`}, {"AllowCredentials", "false"}} {
				out[f[0]] = json.RawMessage(f[1])
			}
		}
		s.Next()
		s.Want("(", ")")
	case "New":
		s.Next()
		s.Want("(", "cors", ".", "Options")
		literalInto(s, out)
		s.Sep(")")
		s.Want(")")
	case "Options":
		s.Next()
		literalInto(s, out)
		return out, s.End()
	default:
		s.Fail("expected Options, New, AllowAll or Default, found " + s.Describe())
	}
	if s.Err == nil && s.Tok == "." { // c := cors.New(…).Handler
		s.Next()
		s.Want("Handler")
	}
	return out, s.End()
}

// literalInto reads {Field: value, …} into out.
func literalInto(s *gostack.Scanner, out map[string]json.RawMessage) {
	s.Want("{")
	for s.Err == nil && s.Tok != "}" {
		name, at := s.Tok, s.At
		if s.Kind != 'i' {
			s.Fail("expected a field name of cors.Options, found " + s.Describe())
			return
		}
		s.Next()
		if s.Tok != ":" {
			s.FailAt(at, "write each field as Name: value (cors.Options has fields of several types)")
			return
		}
		s.Next()
		if _, dup := out[name]; dup {
			s.FailAt(at, "duplicate field name "+name+" in struct literal")
			return
		}
		var v any
		switch name {
		case "AllowOriginFunc", "AllowOriginRequestFunc", "AllowOriginVaryRequestFunc", "Logger":
			if s.Tok != "nil" {
				s.FailAt(at, name+" is Go code: corsplay cannot run it; list the origins in AllowedOrigins instead")
				return
			}
			s.Next()
		case "AllowCredentials", "AllowPrivateNetwork", "OptionsPassthrough", "Debug":
			v = s.Bool(name)
		case "MaxAge", "OptionsSuccessStatus":
			v = s.Int(name)
		case "AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders":
			if l := s.Strings(name); l != nil {
				v = l
			}
		default:
			s.FailAt(at, server.UnknownGoField("cors.Options", name, optionNames, funcOptions).(*server.OptionError).Problem)
			return
		}
		if s.Err != nil {
			return
		}
		if v != nil {
			out[name], _ = json.Marshal(v)
		}
		s.Sep("}")
	}
	s.Want("}")
}
