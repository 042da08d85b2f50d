package server

import (
	"encoding/json"
	"fmt"
	"slices"

	"corsplay/engine/message"
)

// Options reads a library's JSON options by name and remembers which were
// read, so that the others can be refused (or ignored) the way the library
// does.
type Options struct {
	m    map[string]json.RawMessage
	read map[string]bool
	err  error
}

// NewOptions reads m.
func NewOptions(m map[string]json.RawMessage) *Options {
	return &Options{m: m, read: map[string]bool{}}
}

// Get decodes option name into v when present, and reports whether it was.
// A value of the wrong type is an *OptionError naming the option and the
// types wanted; after one, Get reports false.
func (o *Options) Get(name, want string, v any) bool {
	raw, ok := o.Raw(name)
	if !ok || o.err != nil {
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		o.Fail(name, fmt.Sprintf("%s is not %s", message.BriefJSON(raw), want))
		return false
	}
	return true
}

// Raw returns option name as written, and whether it is present.
func (o *Options) Raw(name string) (json.RawMessage, bool) {
	o.read[name] = true
	raw, ok := o.m[name]
	return raw, ok
}

// Has reports whether option name is present (and marks it read).
func (o *Options) Has(name string) bool {
	_, ok := o.Raw(name)
	return ok
}

// Fail records an *OptionError at path (the first one wins).
func (o *Options) Fail(path, problem string) {
	if o.err == nil {
		o.err = &OptionError{Path: path, Problem: problem}
	}
}

// Err is the first problem Get or Fail met.
func (o *Options) Err() error { return o.err }

// Unknown lists the options nobody read, sorted.
func (o *Options) Unknown() []string {
	var out []string
	for k := range o.m {
		if !o.read[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// StringOrList is a JSON string or array of strings; List tells which.
type StringOrList struct {
	Values []string
	List   bool
}

func (s *StringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = StringOrList{Values: []string{one}}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings")
	}
	*s = StringOrList{Values: many, List: true}
	return nil
}
