package server

import (
	"encoding/json"
	"strconv"
	"strings"

	"corsplay/engine/message"
)

// A Go library's options are the fields of its options struct, written as
// a Go composite literal would set them: GoValue reads one field's JSON
// value as its Go type, UnknownGoField refuses a field the struct lacks.

// GoValue decodes option name into v, a *[]string, *int or *bool, when
// present (null leaves a list nil); a value a Go program could not write
// there is an *OptionError at the option's path (name[i] for an element).
func (o *Options) GoValue(name string, v any) {
	raw, ok := o.Raw(name)
	_, list := v.(*[]string)
	path, got := name, jsonKind(raw)
	var elems []json.RawMessage
	if list && json.Unmarshal(raw, &elems) == nil {
		for i, e := range elems {
			if k := jsonKind(e); k != "a string" { // encoding/json would take null for ""
				path, got = name+"["+strconv.Itoa(i)+"]", k
				break
			}
		}
	}
	_, isBool := v.(*bool)
	if !ok || o.err != nil || path == name && (got == "null" && list || got != "null" && json.Unmarshal(raw, v) == nil) {
		return
	}
	want := "a number"
	switch {
	case path != name:
		want = "a string"
	case list:
		want = "an array"
	case isBool:
		want = "true or false"
	case got == "a number" && strings.Trim(strings.TrimPrefix(string(raw), "-"), "0123456789") == "":
		o.Fail(path, message.BriefJSON(raw)+" is not the right type: the number "+string(raw)+" is out of range")
		return
	case got == "a number": // 1.5 or 1e3 for an int
		want, got = "a whole number", string(raw)
	}
	o.Fail(path, message.BriefJSON(raw)+" is not the right type: want "+want+", got "+got)
}

// jsonKind names a JSON value's type as the errors do.
func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "null", s == "true", s == "false":
		return s
	case s == "":
		return "nothing"
	case s[0] == '"':
		return "a string"
	case s[0] == '[':
		return "an array"
	case s[0] == '{':
		return "an object"
	}
	return "a number"
}

// UnknownGoField is the error for an option that is not a field of the Go
// struct typeName (a program setting it would not compile): known are the
// fields corsplay reads, funcs the fields JSON cannot express, with their
// Go types.
func UnknownGoField(typeName, name string, known []string, funcs [][2]string) error {
	problem := typeName + " has no field " + name + ": a Go program setting it would not compile ("
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return &OptionError{name, problem + "did you mean " + k + "? field names are case-sensitive here)"}
		}
	}
	for _, f := range funcs {
		if strings.EqualFold(f[0], name) {
			return &OptionError{name, problem + "did you mean " + f[0] + "?)"}
		}
	}
	return &OptionError{name, problem + "the fields corsplay accepts: " + strings.Join(known, ", ") + ")"}
}

// GoHeaderLines appends one header line per value, as Go's net/http writes
// a multi-valued http.Header entry.
func GoHeaderLines(hs message.Headers, name string, values []string) message.Headers {
	for _, v := range values {
		hs = append(hs, message.Header{Name: name, Value: v})
	}
	return hs
}
