package gostack

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

var testDialect = &Dialect{
	Type:    "pkg.Config",
	Fields:  map[string]string{"Origins": "strings", "On": "bool", "N": "int", "Age": "seconds", "Fn": "func"},
	Starts:  map[string]Start{"pkg.Defaults()": {Options: `{"Defaults":true}`, Values: `{"Origins":["d"]}`}, "pkg.Handler()": {Options: `{"H":true}`, Handler: true}},
	Wraps:   []string{"pkg.New"},
	Appends: map[string]string{"AddOrigins": "Origins"},
	Consts:  func(n string) (string, bool) { return "C", n == "pkg.C" },
}

func TestRead(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{`pkg.Config{Origins: []string{"a", ` + "`b`" + `}, On: true, N: -3 * 2}`, `{"N":-6,"On":true,"Origins":["a","b"]}`},
		{`&pkg.Config{Age: 12 * time.Hour, Fn: nil}`, `{"Age":43200}`},
		{`pkg.Config{Age: time.Duration(90) * time.Second, Origins: nil}`, `{"Age":90,"Origins":null}`},
		{"r.Use(pkg.New(pkg.Config{\n\tOrigins: []string{\n\t\t\"a\", // one\n\t\tpkg.C, http.MethodPatch,\n\t},\n}))", `{"Origins":["a","C","PATCH"]}`},
		{"c := pkg.Defaults()\nc.AddOrigins(\"x\", \"y\")\nc.On = true; c.Origins = append(c.Origins, \"z\")\nr.Use(pkg.New(c))", `{"Defaults":true,"On":true,"Origins":["d","x","y","z"]}`},
		{"var c = pkg.Config{}\n/* a\ncomment */ c.N = 0x10", `{"N":16}`},
		{`r.Use(pkg.Handler())`, `{"H":true}`},
		{`pkg.Config{Origins: []string{}}`, `{"Origins":[]}`},
	} {
		got, err := testDialect.Read(tt.text)
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		if b, _ := json.Marshal(got); string(b) != tt.want {
			t.Errorf("%q: %s, want %s", tt.text, b, tt.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{`pkg.Config{Origin: nil}`, "line 1, column 12: pkg.Config has no field Origin"},
		{"pkg.Config{\n  Fn: func(s string) bool { return true },\n}", "line 2, column 7: Fn is a Go func"},
		{`pkg.Config{Age: 600}`, "line 1, column 17: Age is a time.Duration: 600 is 600ns; write 600 * time.Second"},
		{`pkg.Config{Age: 1500 * time.Millisecond}`, "line 1, column 22: Age is 1500000000ns, not a whole number of seconds"},
		{`pkg.Config{N: time.Second}`, "line 1, column 15: N is an int (seconds), not a time.Duration"},
		{`pkg.Config{N: 1.5}`, "line 1, column 15: 1.5 is not an integer"},
		{`pkg.Config{N: 99999999999 * 99999999999}`, "overflows int64"},
		{`pkg.Config{Origins: []string{x}}`, "line 1, column 30: Origins: expected a string, found x"},
		{`pkg.Config{Origins: "a"}`, "line 1, column 21: Origins: expected a []string literal, found the string \"a\""},
		{`pkg.Config{On: 1}`, "line 1, column 16: On: expected true or false"},
		{`pkg.Config{"a"}`, "literal without field names"},
		{`pkg.Config{On: true, On: false}`, "line 1, column 22: duplicate field On"},
		{`other.Config{}`, "line 1, column 1: expected a pkg.Config literal (or pkg.Defaults(), pkg.Handler()), found a other.Config literal"},
		{`c := pkg.Handler()`, "is the middleware, not a configuration"},
		{"pkg.Config{}\nx := 1", "line 2, column 1: nothing can follow"},
		{`d.On = true`, "line 1, column 1: d is not a configuration this text defines"},
		{`pkg.Config{Origins: []string{"a}}`, "line 1, column 30: string literal not terminated"},
		{`pkg.Config{} % 2`, "line 1, column 14: unexpected '%'"},
		{`/* open`, "comment not terminated"},
		{`pkg.Config{On: true`, "expected , or }, found the end of the text"},
		{`pkg.Config{} pkg.Config{}`, "line 1, column 14: expected the end of the statement"},
		{``, "line 1, column 1: no pkg.Config found"},
		{`a.b.c = 1`, "corsplay reads assignments to a configuration variable or to one of its fields only"},
	} {
		_, err := testDialect.Read(tt.text)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.text, err, tt.want)
		}
	}
}

// FuzzRead: any text reads without panicking, quickly.
func FuzzRead(f *testing.F) {
	for _, s := range []string{`pkg.Config{Origins: []string{"a"}, Age: 12 * time.Hour}`, "c := pkg.Defaults()\nc.AddOrigins(`x`)\nr.Use(pkg.New(c))",
		`pkg.Config{Fn: func(a, b int) { x := map[string]int{"a": 1}; _ = x }}`, "((((", "}}}", `"\`, "-&-&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		testDialect.Read(text)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%q took %v", text, d)
		}
	})
}

func TestParseRequest(t *testing.T) {
	r, _, ok := ParseRequest(message.Request{Method: "GET", URL: "https://api.example.com:8443/a%2Fb?x=1&pretty#frag",
		Headers: message.Headers{{Name: "origin", Value: " https://a.example \t"}, {Name: "Origin", Value: "b"}}})
	if !ok || r.Host != "api.example.com:8443" || r.RawPath != "/a%2Fb" || r.Path != "/a/b" || r.RawQuery != "x=1&pretty" ||
		r.Get("Origin") != "https://a.example" || !r.QueryHas("pretty") || r.QueryHas("x=1") {
		t.Errorf("%+v", r)
	}
	for _, req := range []message.Request{{Method: "GE T", URL: "/"}, {Method: "GET", URL: "/%zz"}, {Method: "GET", URL: "/\x7f"},
		{Method: "GET", URL: "/", Headers: message.Headers{{Name: "Bad Name", Value: "x"}}},
		{Method: "GET", URL: "/", Headers: message.Headers{{Name: "X", Value: "a\x00b"}}}} {
		if _, bad, ok := ParseRequest(req); ok || bad.Status != 400 {
			t.Errorf("%+v: accepted", req)
		}
	}
	if r, _, _ := ParseRequest(message.Request{Method: "GET", URL: "?q"}); r.Path != "/" || !r.Query || r.RawQuery != "q" {
		t.Errorf("%+v", r)
	}
}

func TestWire(t *testing.T) {
	w := Response{Status: 200, Header: Header{"Vary": {"Origin", "X"}, "Access-Control-Allow-Origin": {" * \n"}, "Content-Type": {"text/plain"}}, Body: 2}
	got := w.Wire("GET")
	want := message.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}, {Name: "Content-Type", Value: "text/plain"},
		{Name: "Vary", Value: "Origin"}, {Name: "Vary", Value: "X"}, {Name: "Content-Length", Value: "2"}}
	if got.Status != 200 || len(got.Headers) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i := range want {
		if got.Headers[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i, got.Headers[i], want[i])
		}
	}
	for _, tt := range []struct {
		status, body int
		method       string
		cl           bool
	}{{204, 0, "GET", false}, {304, 0, "GET", false}, {404, 0, "HEAD", false}, {404, 18, "HEAD", true}, {403, 0, "GET", true}} {
		got := Response{Status: tt.status, Header: Header{"Content-Type": {"x"}}, Body: tt.body}.Wire(tt.method)
		if has := got.Headers.Has("Content-Length"); has != tt.cl {
			t.Errorf("%+v: Content-Length %v", tt, has)
		}
		if tt.status == 304 && got.Headers.Has("Content-Type") {
			t.Errorf("304 keeps Content-Type")
		}
	}
	if got := (Response{Status: 1000, Header: Header{}}).Wire("GET"); got.Status != 0 || got.Headers != nil {
		t.Errorf("status 1000: %+v", got)
	}
}

// TestDecodeStruct compares DecodeStruct with encoding/json decoding the
// same object into the same struct.
func TestDecodeStruct(t *testing.T) {
	type Config struct {
		List []string
		On   bool
		N    int
		Fn   func()
	}
	for _, text := range []string{`{"List": ["a"], "on": true, "N": 3}`, `{"LIST": null, "oN": false}`, `{"List": "a"}`, `{"List": [1]}`,
		`{"N": 1.5}`, `{"N": "1"}`, `{"On": 1}`, `{"Fn": null}`, `{"Fn": "x"}`, `{"Fn": 1}`, `{"Fn": [1]}`, `{"Fn": {}}`, `{"Fn": true}`,
		`{"Nope": 1}`, "{\"Li\u017ft\": [\"k\"], \"\u212a\": 1}", `{"N": 1e2}`, `{"N": 99999999999999999999}`} {
		var real Config
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		realErr := dec.Decode(&real)
		var m map[string]json.RawMessage
		json.Unmarshal([]byte(text), &m)
		var got Config
		err := DecodeStruct("Config", []Field{{"List", "[]string", &got.List}, {"On", "bool", &got.On}, {"N", "int", &got.N}, {"Fn", "func()", nil}}, m)
		var oe *server.OptionError
		switch {
		case realErr == nil && err == nil:
			if b1, _ := json.Marshal(real.List); string(b1) != func() string { b, _ := json.Marshal(got.List); return string(b) }() || real.On != got.On || real.N != got.N {
				t.Errorf("%s: %+v, want %+v", text, got, real)
			}
		case realErr != nil && errors.As(err, &oe):
			if !strings.HasPrefix(oe.Problem, realErr.Error()) {
				t.Errorf("%s:\n  got  %s\n  want %s", text, oe.Problem, realErr)
			}
		default:
			t.Errorf("%s: %v, encoding/json: %v", text, err, realErr)
		}
	}
}
