package server

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestRegistry(t *testing.T) {
	saved := registry
	defer func() { registry = saved }()
	registry = map[string][]*Library{}
	Register(&Library{Name: "x", Version: "2", Default: true})
	Register(&Library{Name: "x", Version: "1"})
	for _, tt := range []struct {
		name, version, want string // want "": not found
	}{
		{"x", "", "2"}, {"x", "1", "1"}, {"x", "2", "2"}, {"x", "3", ""}, {"y", "", ""},
	} {
		l, ok := Lookup(tt.name, tt.version)
		if got := ""; ok {
			got = l.Version
			if got != tt.want {
				t.Errorf("Lookup(%q, %q) = %q, want %q", tt.name, tt.version, got, tt.want)
			}
		} else if tt.want != "" {
			t.Errorf("Lookup(%q, %q) found nothing, want %q", tt.name, tt.version, tt.want)
		}
	}
	if got := Versions("x"); !slices.Equal(got, []string{"2", "1"}) {
		t.Errorf("Versions = %q, want the default first", got)
	}
	for _, again := range []*Library{{Name: "x", Version: "1"}, {Name: "x", Version: "0", Default: true}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%s %s) again did not panic", again.Name, again.Version)
				}
			}()
			Register(again)
		}()
	}
}

func TestOptions(t *testing.T) {
	o := NewOptions(map[string]json.RawMessage{"a": json.RawMessage(`["x"]`), "b": json.RawMessage(`1`), "c": json.RawMessage(`true`)})
	var a StringOrList
	if !o.Get("a", "a list", &a) || !a.List || !slices.Equal(a.Values, []string{"x"}) {
		t.Errorf("a = %+v", a)
	}
	var b []string
	if o.Get("b", "a list of strings", &b) {
		t.Error("b decoded as a list")
	}
	if err := o.Err(); err == nil || err.Error() != "b: 1 is not a list of strings" {
		t.Errorf("Err() = %v", err)
	}
	if got := o.Unknown(); !slices.Equal(got, []string{"c"}) {
		t.Errorf("Unknown() = %q, want [c]", got)
	}
}
