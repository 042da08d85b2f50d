package engine_test

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"corsplay/engine"
)

// req is a scenario whose request object has the members members (JSON, after
// the URL's).
func req(members string) string {
	return `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/"` + members + `}}`
}

// srv is a scenario whose server is server (JSON).
func srv(server string) string {
	return `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/"},"server":` + server + `}`
}

// strictTests: each input and the exact message DecodeOne gives.
var strictTests = []struct {
	name, in, want string
}{
	// Types, in JSON's terms.
	{"repeat of strings", req(`,"repeat":["1"]`), `request.repeat[0]: want a number, got a string`},
	{"repeat not a list", req(`,"repeat":5`), `request.repeat: want an array, got a number`},
	{"v a string", `{"v":"1","page":"null","request":{"url":"https://a.example/"}}`, `v: want a number, got a string`},
	{"v a fraction", `{"v":1.5,"page":"null","request":{"url":"https://a.example/"}}`, `v: want a whole number, got 1.5`},
	{"v too large", `{"v":99999999999999999999,"page":"null","request":{"url":"https://a.example/"}}`, `v: the number 99999999999999999999 is out of range`},
	{"page null", `{"v":1,"page":null,"request":{"url":"https://a.example/"}}`, `page: want a string, got null`},
	{"page a number", `{"v":1,"page":1,"request":{"url":"https://a.example/"}}`, `page: want a string, got a number`},
	{"request an array", `{"v":1,"page":"null","request":[]}`, `request: want an object, got an array`},
	{"request null", `{"v":1,"page":"null","request":null}`, `request: want an object, got null`},
	{"credentials true", req(`,"credentials":true`), `request.credentials: want a string, got true`},
	{"body an object", req(`,"body":{"a":1}`), `request.body: want a string, got an object`},
	{"status a string", srv(`{"raw":{"actual":{"status":"200","headers":[]}}}`), `server.raw.actual.status: want a number, got a string`},
	{"maxAge a fraction", srv(`{"policy":{"maxAge":1.5}}`), `server.policy.maxAge: want a whole number, got 1.5`},
	{"maxAge 1e3", srv(`{"policy":{"maxAge":1e3}}`), `server.policy.maxAge: want a whole number, got 1e3`},
	{"vary a string", srv(`{"policy":{"vary":"false"}}`), `server.policy.vary: want true or false, got a string`},
	{"origins a string", srv(`{"policy":{"origins":"https://app.example.com"}}`), `server.policy.origins: want an array, got a string`},
	{"repeat huge", req(`,"repeat":[1e999]`), `request.repeat[0]: the number 1e999 is out of range`},
	{"top-level null", `null`, `want an object, got null`},
	{"top-level array for one", `[]`, `want an object, got an array`},
	{"top-level string", `"x"`, `want an object, got a string`},
	// Headers.
	{"header of one", req(`,"headers":[["a"]]`), `request.headers[0]: a header is a [name, value] pair, got ["a"]`},
	{"header of three", req(`,"headers":[["X-A","1"],["a", "b", "c"]]`), `request.headers[1]: a header is a [name, value] pair, got ["a","b","c"]`},
	{"header with a number", req(`,"headers":[["X-A", 1]]`), `request.headers[0]: a header is a [name, value] pair, got ["X-A",1]`},
	{"header as a line", req(`,"headers":["X-A: 1"]`), `request.headers[0]: a header is a [name, value] pair, got "X-A: 1"`},
	{"header as an object", req(`,"headers":[{"X-A":"1"}]`), `request.headers[0]: a header is a [name, value] pair, got {"X-A":"1"}`},
	{"header null", req(`,"headers":[null]`), `request.headers[0]: a header is a [name, value] pair, got null`},
	{"headers an object", req(`,"headers":{"X-A":"1"}`), `request.headers: want an array, got an object`},
	{"long header cut", req(`,"headers":[["` + strings.Repeat("é", 40) + `"]]`), `request.headers[0]: a header is a [name, value] pair, got ["` + strings.Repeat("é", 29) + `…`},
	{"response header", srv(`{"raw":{"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin"]]}}}`), `server.raw.preflight.headers[0]: a header is a [name, value] pair, got ["Access-Control-Allow-Origin"]`},
	// Keys.
	{"unknown key", req(`,"methd":"PUT"`), `request.methd: unknown field: use url, method, headers, body, credentials, mode, redirect or repeat`},
	{"unknown top-level key", `{"v":1,"pgae":"null"}`, `pgae: unknown field: use v, title, lesson, look, predict, browser, page, request, server, elsewhere or challenge`},
	{"unknown key in policy", srv(`{"policy":{"origin":["https://app.example.com"]}}`), `server.policy.origin: unknown field: use origins, anyOrigin, allowNull, credentials, methods, requestHeaders, exposeHeaders, maxAge, preflightStatus or vary`},
	{"odd unknown key", req(`,"max age":1`), `request["max age"]: unknown field: use url, method, headers, body, credentials, mode, redirect or repeat`},
	{"key in another case", req(`,"Credentials":"include"`), `request.Credentials: unknown field: keys are case-sensitive, write "credentials"`},
	{"top-level key in another case", `{"V":1}`, `V: unknown field: keys are case-sensitive, write "v"`},
	{"policy key in another case", srv(`{"policy":{"maxage":600}}`), `server.policy.maxage: unknown field: keys are case-sensitive, write "maxAge"`},
	// encoding/json would take ſ (U+017F) for s: refused all the same.
	{"long s folds to s", `{"v":1,"page":"null","request":{"url":"https://a.example/"},"\u017Ferver":{}}`, `["ſerver"]: unknown field: keys are case-sensitive, write "server"`},
	{"key twice", req(`,"credentials":"omit","credentials":"include"`), `request.credentials: given twice in one object`},
	{"key and its other case", req(`,"credentials":"omit","Credentials":"include"`), `request.Credentials: repeats "credentials" in another case: keys are case-sensitive`},
	{"other case first", req(`,"Credentials":"omit","credentials":"include"`), `request.Credentials: unknown field: keys are case-sensitive, write "credentials"`},
	{"top-level key twice", `{"v":1,"v":1}`, `v: given twice in one object`},
	{"escaped key twice", req(`,"mode":"cors","m\u006fde":"no-cors"`), `request.mode: given twice in one object`},
	{"option twice", srv(`{"library":{"name":"flask-cors","options":{"origins":"a","origins":"b"}}}`), `server.library.options.origins: given twice in one object`},
	{"key twice inside an option", srv(`{"library":{"name":"express-cors","options":{"origin":{"regexp":"a","regexp":"b"}}}}`), `server.library.options.origin.regexp: given twice in one object`},
	{"key twice deep inside an option", srv(`{"library":{"name":"express-cors","options":{"origin":[1,{"a":[{"b":1,"b":2}]}]}}}`), `server.library.options.origin[1].a[0].b: given twice in one object`},
	{"options not an object", srv(`{"library":{"name":"flask-cors","options":[]}}`), `server.library.options: want an object, got an array`},
	// Syntax.
	{"empty", ``, `empty input: want a JSON object`},
	{"blank", " \n", `empty input: want a JSON object`},
	{"truncated", `{"v":1,`, `empty or truncated JSON`},
	{"data after", `{"v":1} {"v":1}`, `unexpected data after the JSON value, at line 1, column 9`},
	{"junk after", "{\"v\":1}\n]", `unexpected data after the JSON value, at line 2, column 1`},
	{"bad JSON", "{\"v\": 1,\n\"page\": }", `invalid JSON at line 2, column 9: invalid character '}' looking for beginning of value`},
}

func TestStrictDecode(t *testing.T) {
	for _, tt := range strictTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.DecodeOne([]byte(tt.in))
			if err == nil || err.Error() != tt.want {
				t.Errorf("DecodeOne(%s)\n got  %v\n want %s", tt.in, err, tt.want)
			}
			if _, ok := errors.AsType[*engine.FieldError](err); !ok {
				t.Errorf("DecodeOne(%s) error %T, want a *FieldError", tt.in, err)
			}
		})
	}
}

// A library's own option names are compared exactly: two spellings are two
// options (the library reports the unknown one), and a decoded scenario
// keeps both.
func TestLibraryOptionsKeepTheirCase(t *testing.T) {
	s, err := engine.DecodeOne([]byte(srv(`{"library":{"name":"flask-cors","options":{"origins":["https://app.example.com"],"Origins":"*"}}}`)))
	if err != nil {
		t.Fatal(err)
	}
	if o := s.Server.Library.Options; len(o) != 2 || string(o["Origins"]) != `"*"` {
		t.Errorf("options %s, want origins and Origins both", o)
	}
}

// Every path that reads a scenario is strict: the CLI's (Decode, and
// DecodeOne per element), a preset's (DecodeOne) and a link's
// (DecodePermalink).
func TestEveryDecodePathIsStrict(t *testing.T) {
	in := req(`,"Mode":"no-cors"`)
	const want = `request.Mode: unknown field: keys are case-sensitive, write "mode"`
	link := func(data string) string {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.BestCompression)
		w.Write([]byte(data))
		w.Close()
		return engine.PermalinkPrefix + base64.RawURLEncoding.EncodeToString(b.Bytes())
	}
	for name, decode := range map[string]func() error{
		"Decode":          func() error { _, _, err := engine.Decode([]byte(in)); return err },
		"Decode of array": func() error { _, _, err := engine.Decode([]byte("[" + goodScenario + "," + in + "]")); return err },
		"DecodeOne":       func() error { _, err := engine.DecodeOne([]byte(in)); return err },
		"DecodePermalink": func() error { _, err := engine.DecodePermalink(link(in)); return err },
	} {
		err := decode()
		w := want
		if name == "Decode of array" {
			w = "[1]." + want
		}
		if err == nil || err.Error() != w {
			t.Errorf("%s: %v, want %s", name, err, w)
		}
	}
}

// Unmarshal serves other inputs than scenarios, such as corsplay respond's.
func TestUnmarshal(t *testing.T) {
	var x struct {
		Server  *engine.Server      `json:"server"`
		Request *engine.HTTPRequest `json:"request"`
	}
	for in, want := range map[string]string{
		`{"server":{},"request":{"method":"GET"}}`:                            "",
		`{"server":{},"request":null}`:                                        "",
		`{"server":{},"request":{"Method":"GET"}}`:                            `request.Method: unknown field: keys are case-sensitive, write "method"`,
		`{"server":{},"request":{"headers":[["Origin"]]}}`:                    `request.headers[0]: a header is a [name, value] pair, got ["Origin"]`,
		`{"server":{},"server":{}}`:                                           `server: given twice in one object`,
		`{"server":{"policy":{"methods":["PUT"],"methods":[]}},"request":{}}`: `server.policy.methods: given twice in one object`,
		`null`: `want an object, got null`,
		`{} x`: `unexpected data after the JSON value, at line 1, column 4`,
	} {
		err := engine.Unmarshal([]byte(in), &x)
		if got := ""; err != nil {
			got = err.Error()
			if got != want {
				t.Errorf("Unmarshal(%s) = %s, want %q", in, got, want)
			}
		} else if want != "" {
			t.Errorf("Unmarshal(%s) = nil, want %s", in, want)
		}
	}
}

// oneOrMany reads itself from a string or an array of strings.
type oneOrMany []string

func (o *oneOrMany) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*o = oneOrMany{one}
		return nil
	}
	if json.Unmarshal(b, (*[]string)(o)) != nil {
		return errors.New("want a string or an array of strings")
	}
	return nil
}

// A type with its own UnmarshalJSON judges its value; the error gets the
// path.
func TestUnmarshalSelfReading(t *testing.T) {
	var v struct {
		Origins []oneOrMany `json:"origins"`
	}
	if err := engine.Unmarshal([]byte(`{"origins":["a",["b","c"]]}`), &v); err != nil || len(v.Origins) != 2 || v.Origins[1][1] != "c" {
		t.Errorf("Unmarshal: %v, %v", v, err)
	}
	err := engine.Unmarshal([]byte(`{"origins":["a",[1]]}`), &v)
	if want := "origins[1]: want a string or an array of strings"; err == nil || err.Error() != want {
		t.Errorf("Unmarshal: %v, want %s", err, want)
	}
}

// Unmarshal, as json.Unmarshal, wants a non-nil pointer.
func TestUnmarshalWantsAPointer(t *testing.T) {
	var s engine.Scenario
	for _, v := range []any{s, (*engine.Scenario)(nil), nil} {
		if err := engine.Unmarshal([]byte(`{}`), v); err == nil {
			t.Errorf("Unmarshal into %T: no error", v)
		}
	}
}
