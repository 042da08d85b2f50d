//go:build !wasm

package jub0bscors

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

// export writes a Go program serving the options with jub0bs/cors; one
// NewMiddleware refuses stops at start-up, with the library's error. Its
// app, like the emulation's next handler, answers 200 with no header to
// every method on every path, the route included.
func export(m map[string]json.RawMessage, _ string) (string, error) {
	cfg, err := decode(m)
	if err != nil {
		return "", err
	}
	return gostack.Program("github.com/jub0bs/cors", "\tmw, err := cors.NewMiddleware("+literal(cfg)+")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n", "mw.Wrap(ok)"), nil
}

// literal writes the configuration as a cors.Config literal inside main:
// the fields set, one a line, aligned as gofmt aligns them.
func literal(c jubConfig) string {
	var fields gostack.Literal
	fields.List("Origins", c.Origins)
	fields.Set("Credentialed", c.Credentialed, "true")
	fields.List("Methods", c.Methods)
	fields.List("RequestHeaders", c.RequestHeaders)
	fields.Set("MaxAgeInSeconds", c.MaxAgeInSeconds != 0, strconv.Itoa(c.MaxAgeInSeconds))
	fields.List("ResponseHeaders", c.ResponseHeaders)
	fields.Set("DangerouslyTolerateInsecureOrigins", c.DangerouslyTolerateInsecureOrigins, "true")
	fields.Set("DangerouslyTolerateSubdomainsOfPublicSuffixes", c.DangerouslyTolerateSubdomainsOfPublicSuffixes, "true")
	return fields.Text("cors.Config")
}

// importText reads a cors.Config literal, as written in Go, optionally
// inside cors.NewMiddleware(…) and an assignment (mw, err := …).
func importText(text string) (map[string]json.RawMessage, error) {
	s := gostack.NewScanner(text)
	if s.Kind == 'i' && s.FollowedBy(",") { // mw, err :=
		s.Next()
		s.Want(",")
	}
	s.Assignment()
	if s.Tok != "cors" || !s.FollowedBy(".") {
		s.Fail("expected cors.Config{…} or cors.NewMiddleware(…) of github.com/jub0bs/cors, found " + s.Describe())
	}
	s.Want("cors", ".")
	out := map[string]json.RawMessage{}
	switch s.Tok {
	case "NewMiddleware":
		s.Next()
		s.Want("(", "cors", ".", "Config")
		literalInto(s, out)
		s.Sep(")")
		s.Want(")")
	case "Config":
		s.Next()
		literalInto(s, out)
	default:
		s.Fail("expected Config or NewMiddleware, found " + s.Describe())
	}
	return out, s.End()
}

// literalInto reads {Field: value, …} into out.
func literalInto(s *gostack.Scanner, out map[string]json.RawMessage) {
	s.Want("{")
	for s.Err == nil && s.Tok != "}" {
		name, at := s.Tok, s.At
		if s.Kind != 'i' {
			s.Fail("expected a field name of cors.Config, found " + s.Describe())
			return
		}
		s.Next()
		if s.Tok != ":" {
			s.FailAt(at, "write each field as Name: value (cors.Config has fields of several types)")
			return
		}
		s.Next()
		if _, dup := out[name]; dup {
			s.FailAt(at, "duplicate field name "+name+" in struct literal")
			return
		}
		var v any
		switch name {
		case "Credentialed", "DangerouslyTolerateInsecureOrigins", "DangerouslyTolerateSubdomainsOfPublicSuffixes":
			v = s.Bool(name)
		case "MaxAgeInSeconds":
			v = s.Int(name)
		case "Origins", "Methods", "RequestHeaders", "ResponseHeaders":
			if l := s.Strings(name); l != nil {
				v = l
			}
		default:
			s.FailAt(at, server.UnknownGoField("cors.Config", name, jubConfigFields, nil).(*server.OptionError).Problem)
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
