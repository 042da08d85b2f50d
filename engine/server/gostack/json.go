package gostack

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"corsplay/engine/server"
)

// A Field is one field of a Go configuration struct.
type Field struct {
	Name string // the Go field name, which is its JSON name
	// Type is the field's type as Go prints it, for messages.
	Type string
	// Ptr is where its value is decoded; nil for a func-valued field,
	// which JSON can only leave nil (null).
	Ptr any
}

// DecodeStruct decodes options into the fields of the Go struct typeName
// ("CORSConfig") as a json.Decoder with DisallowUnknownFields does: each
// key goes to the field of that exact name, or else to one whose name
// matches it case-insensitively (bytes.EqualFold); null leaves a field as
// it is (a slice becomes nil); the errors are encoding/json's. Two keys
// meaning one field are refused: encoding/json keeps the later in the
// text, and the options' order is not kept. ignore lists keys that are
// not fields (read by the caller).
func DecodeStruct(typeName string, fields []Field, options map[string]json.RawMessage, ignore ...string) error {
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	taken := map[string]string{}
	for _, k := range keys {
		if ignoreKey(k, ignore) {
			continue
		}
		f := findField(fields, k)
		if f == nil {
			var names []string
			for _, f := range fields {
				names = append(names, f.Name)
			}
			return &server.OptionError{Path: k, Problem: `json: unknown field "` + k + `": ` + typeName + " has no such field (its fields: " + strings.Join(names, ", ") + ")"}
		}
		if other, ok := taken[f.Name]; ok {
			return &server.OptionError{Path: k, Problem: other + " and " + k + " are both field " + f.Name + " to encoding/json, which keeps the later in the text; corsplay does not keep the options' order: write one of them"}
		}
		taken[f.Name] = k
		if err := decodeField(typeName, f, options[k]); err != nil {
			return &server.OptionError{Path: k, Problem: err.Error()}
		}
	}
	return nil
}

func ignoreKey(k string, ignore []string) bool {
	for _, i := range ignore {
		if i == k {
			return true
		}
	}
	return false
}

// findField is encoding/json's field lookup: the exact name first, then a
// case-insensitive match.
func findField(fields []Field, key string) *Field {
	for i := range fields {
		if fields[i].Name == key {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].Name, key) {
			return &fields[i]
		}
	}
	return nil
}

func decodeField(typeName string, f *Field, raw json.RawMessage) error {
	if f.Ptr == nil {
		kind := "number"
		switch raw[0] {
		case '"':
			kind = "string"
		case '{':
			kind = "object"
		case '[':
			kind = "array"
		case 't', 'f':
			kind = "bool"
		case 'n':
			kind = ""
		}
		if kind != "" {
			return errors.New("json: cannot unmarshal " + kind + " into Go struct field " + typeName + "." + f.Name + " of type " + f.Type)
		}
		return nil
	}
	err := json.Unmarshal(raw, f.Ptr)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		typ := f.Type
		if raw[0] == '[' && strings.HasPrefix(typ, "[]") {
			typ = te.Type.String() // an element's
		}
		return errors.New("json: cannot unmarshal " + te.Value + " into Go struct field " + typeName + "." + f.Name + " of type " + typ)
	}
	return err
}
