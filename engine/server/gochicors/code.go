package gochicors

import (
	"encoding/json"
	"strconv"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// export writes a Go program serving the options with go-chi/cors.
// Its app serves every path, the route included.
func export(m map[string]json.RawMessage, _ string) (string, error) {
	o, err := decode(m)
	if err != nil {
		return "", err
	}
	return "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t\"github.com/go-chi/cors\"\n)\n\nfunc main() {\n\tc := cors.New(" +
		literal(o, "\t") + ")\n\t// The app answers \"ok\" to every method on every path.\n" +
		"\tok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Write([]byte(\"ok\"))\n\t})\n" +
		"\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", c.Handler(ok)))\n}\n", nil
}

// call is the configuration as a program writes it, for the fixes:
// cors.Handler(cors.Options{…}).
func call(opts []server.Opt) string {
	m := map[string]json.RawMessage{}
	for _, o := range opts {
		m[o.Name] = o.Raw
	}
	o, _ := decode(m)
	return "cors.Handler(" + literal(o, "") + ")"
}

// literal writes the options as a cors.Options literal: the fields set, one
// a line, aligned as gofmt aligns them, the lines indented by indent.
func literal(o options, indent string) string {
	type kv struct{ k, v string }
	var set []kv
	list := func(k string, l []string) {
		if l != nil {
			q := make([]string, len(l))
			for i, s := range l {
				q[i] = strconv.Quote(s)
			}
			set = append(set, kv{k, "[]string{" + strings.Join(q, ", ") + "}"})
		}
	}
	list("AllowedOrigins", o.AllowedOrigins)
	list("AllowedMethods", o.AllowedMethods)
	list("AllowedHeaders", o.AllowedHeaders)
	list("ExposedHeaders", o.ExposedHeaders)
	if o.AllowCredentials {
		set = append(set, kv{"AllowCredentials", "true"})
	}
	if o.MaxAge != 0 {
		set = append(set, kv{"MaxAge", strconv.Itoa(o.MaxAge)})
	}
	if o.OptionsPassthrough {
		set = append(set, kv{"OptionsPassthrough", "true"})
	}
	if o.Debug {
		set = append(set, kv{"Debug", "true"})
	}
	if len(set) == 0 {
		return "cors.Options{}"
	}
	width := 0
	for _, f := range set {
		width = max(width, len(f.k))
	}
	b := "cors.Options{\n"
	for _, f := range set {
		b += indent + "\t" + f.k + ":" + strings.Repeat(" ", width-len(f.k)+1) + f.v + ",\n"
	}
	return b + indent + "}"
}

// importText reads a cors.Options literal, as written in Go, optionally
// inside cors.New(…) or cors.Handler(…), r.Use(…) and an assignment; or
// cors.AllowAll().
func importText(text string) (map[string]json.RawMessage, error) {
	s := gostack.NewScanner(text)
	s.Assignment() // c := … or c = …

	use := s.Tok != "cors" && s.Kind == 'i' && s.FollowedBy(".Use(") // r.Use(
	if use {
		s.Next()
		s.Want(".", "Use", "(")
	}
	if s.Tok != "cors" || !s.FollowedBy(".") {
		s.Fail("expected cors.Options{…}, cors.New(…), cors.Handler(…) or cors.AllowAll() of github.com/go-chi/cors, found " + s.Describe())
	}
	s.Want("cors", ".")
	out := map[string]json.RawMessage{}
	switch s.Tok {
	case "AllowAll":
		s.Next()
		s.Want("(", ")")
		for _, f := range [][2]string{{"AllowedOrigins", `["*"]`}, {"AllowedMethods", `["HEAD","GET","POST","PUT","PATCH","DELETE"]`},
			{"AllowedHeaders", `["*"]`}, {"AllowCredentials", "false"}} {
			out[f[0]] = json.RawMessage(f[1])
		}
		if s.Tok == "." {
			s.Next()
			s.Want("Handler")
		}
	case "New", "Handler":
		call := s.Tok
		s.Next()
		s.Want("(", "cors", ".", "Options")
		literalInto(s, out)
		s.Sep(")")
		s.Want(")")
		if call == "Handler" {
			break
		}
		if s.Tok == "." { // cors.New(…).Handler
			s.Next()
			s.Want("Handler")
		}
	case "Options":
		s.Next()
		literalInto(s, out)
	default:
		s.Fail("expected Options, New, Handler or AllowAll, found " + s.Describe())
	}
	if use {
		s.Want(")")
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
		f := name
		if field(name) != name {
			hint := " (its fields: " + strings.Join(fields, ", ") + ")"
			if g := field(name); g != "" {
				hint = " (did you mean " + g + "? Go field names are case-sensitive)"
			} else if strings.Contains("|AllowPrivateNetwork|OptionsSuccessStatus|AllowOriginRequestFunc|AllowOriginVaryRequestFunc|Logger|", "|"+name+"|") {
				hint = " (rs/cors's cors.Options has it: is this rs/cors code?)"
			}
			s.FailAt(at, "cors.Options has no field "+name+hint)
			return
		}
		if _, dup := out[f]; dup {
			s.FailAt(at, "duplicate field name "+f+" in struct literal")
			return
		}
		var v any
		switch f {
		case "AllowOriginFunc":
			if s.Tok != "nil" {
				s.FailAt(at, "AllowOriginFunc is a Go function: corsplay cannot run it; list the origins in AllowedOrigins instead")
				return
			}
			s.Next()
		case "AllowCredentials", "OptionsPassthrough", "Debug":
			v = s.Bool(f)
		case "MaxAge":
			v = s.Int(f)
		default:
			if l := s.Strings(f); l != nil {
				v = l
			}
		}
		if s.Err != nil {
			return
		}
		if v != nil {
			out[f], _ = json.Marshal(v)
		}
		s.Sep("}")
	}
	s.Want("}")
}
