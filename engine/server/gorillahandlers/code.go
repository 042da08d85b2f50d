package gorillahandlers

import (
	"encoding/json"
	"strconv"
	"strings"

	"corsplay/engine/server/gostack"
)

// export writes a Go program serving the options with gorilla/handlers.
// Its app serves every path, the route included.
func export(m map[string]json.RawMessage, _ string) (string, error) {
	if _, err := newCors(m); err != nil {
		return "", err
	}
	return "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t\"github.com/gorilla/handlers\"\n)\n\nfunc main() {\n\tcors := " +
		call(m, "\t") + "\n\t// The app answers \"ok\" to every method on every path.\n" +
		"\tok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Write([]byte(\"ok\"))\n\t})\n" +
		"\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", cors(ok)))\n}\n", nil
}

// call writes handlers.CORS(…) with one option function a line for each
// present key, in the order of keys, the lines indented by indent.
func call(m map[string]json.RawMessage, indent string) string {
	b := "handlers.CORS("
	for _, k := range keys {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var arg string
		switch k {
		case "AllowCredentials", "IgnoreOptions":
			if string(raw) != "true" {
				continue
			}
		case "MaxAge", "OptionStatusCode":
			var n int
			json.Unmarshal(raw, &n)
			arg = strconv.Itoa(n)
		case "AllowedOriginValidator":
			arg = "nil"
		default:
			var l []string
			json.Unmarshal(raw, &l)
			arg = "nil"
			if l != nil {
				q := make([]string, len(l))
				for i, s := range l {
					q[i] = strconv.Quote(s)
				}
				arg = "[]string{" + strings.Join(q, ", ") + "}"
			}
		}
		b += "\n" + indent + "\thandlers." + k + "(" + arg + "),"
	}
	if b[len(b)-1] == ',' {
		b += "\n" + indent
	}
	return b + ")"
}

// importText reads a handlers.CORS(…) call, as written in Go, maybe
// assigned and maybe applied to a handler: each argument a handlers option
// function with literal arguments.
func importText(text string) (map[string]json.RawMessage, error) {
	s := gostack.NewScanner(text)
	s.Assignment() // cors := …
	if s.Tok != "handlers" || !s.FollowedBy(".") {
		s.Fail("expected handlers.CORS(…) of github.com/gorilla/handlers, found " + s.Describe())
	}
	s.Want("handlers", ".", "CORS", "(")
	out := map[string]json.RawMessage{}
	var headers []string
	for s.Err == nil && s.Tok != ")" {
		s.Want("handlers", ".")
		name, at := s.Tok, s.At
		if s.Kind != 'i' {
			s.Fail("expected a handlers option function, found " + s.Describe())
			break
		}
		s.Next()
		s.Want("(")
		var v any
		switch name {
		case "AllowedOrigins", "AllowedMethods", "ExposedHeaders":
			v = s.Strings(name)
		case "AllowedHeaders":
			// An append: two calls add both lists.
			l := s.Strings(name)
			if l != nil || headers == nil {
				headers = append(headers, l...)
			}
			if headers == nil {
				headers = []string{}
			}
			v = headers
		case "AllowCredentials", "IgnoreOptions":
			v = true
		case "MaxAge", "OptionStatusCode":
			if s.Tok == "http" && name == "OptionStatusCode" {
				s.Next()
				s.Want(".")
				v = map[string]int{"StatusOK": 200, "StatusNoContent": 204}[s.Tok]
				if v == 0 {
					s.Fail("corsplay knows http.StatusOK and http.StatusNoContent only, not http." + s.Describe())
				}
				s.Next()
				break
			}
			v = s.Int(name)
		case "AllowedOriginValidator":
			if s.Tok != "nil" {
				s.FailAt(at, "AllowedOriginValidator takes a Go function: corsplay cannot run it; list the origins in handlers.AllowedOrigins instead")
				break
			}
			s.Next()
			v = nil
		default:
			hint := ""
			for _, k := range keys {
				if strings.EqualFold(k, name) {
					hint = " (did you mean " + k + "?)"
				}
			}
			s.FailAt(at, "gorilla/handlers has no CORS option "+name+hint+"; its options: "+strings.Join(keys, ", "))
		}
		s.Want(")")
		if s.Err != nil {
			break
		}
		out[name], _ = json.Marshal(v)
		s.Sep(")")
	}
	s.Want(")")
	if s.Tok == "(" { // …(router)
		s.Next()
		if s.Kind != 'i' {
			s.Fail("expected the handler CORS wraps, found " + s.Describe())
		}
		s.Next()
		s.Want(")")
	}
	return out, s.End()
}
