package jsconfig

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"corsplay/engine/server"
)

// canon decodes JSON options for comparison.
func canon(t *testing.T, m map[string]json.RawMessage) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range m {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			t.Fatalf("%s: %s is not JSON: %v", k, v, err)
		}
		out[k] = x
	}
	return out
}

func TestRead(t *testing.T) {
	for _, tt := range []struct {
		text, want string
		call       Call
	}{
		{`{}`, `{}`, Call{}},
		{`cors()`, `{}`, Call{}},
		{`cors({})`, `{}`, Call{}},
		{`app.use(cors())`, `{}`, Call{Use: "app"}},
		{"app.use('*', cors({ origin: ['https://a.example'], credentials: true }));", `{"origin": ["https://a.example"], "credentials": true}`,
			Call{Use: "app", Path: "*", HasPath: true, PathLine: 1, PathColumn: 9}},
		{"app.use(\n  '/api/*',\n  cors({origin: 'x',},),\n)", `{"origin": "x"}`, Call{Use: "app", Path: "/api/*", HasPath: true, PathLine: 2, PathColumn: 3}},
		{`router.use(cors({ "allowMethods": "GET,PUT", 'maxAge': 600 }))`, `{"allowMethods": "GET,PUT", "maxAge": 600}`, Call{Use: "router"}},
		{"// CORS for the API\n{ /* every origin */ origin: '*', // trailing\n credentials: false }", `{"origin": "*", "credentials": false}`, Call{}},
		{`{ maxAge: 0x10, a: 1e3, b: .5, c: -2, d: +3, e: 1_000, f: 0b11, g: 0o17, h: -0, i: 5e-324 }`,
			`{"maxAge": 16, "a": 1000, "b": 0.5, "c": -2, "d": 3, "e": 1000, "f": 3, "g": 15, "h": -0, "i": 5e-324}`, Call{}},
		{`{ a: null, b: true, c: [], d: [1, 'two', [null]], e: { nested: { deep: "x" } }, }`, `{"a": null, "b": true, "c": [], "d": [1, "two", [null]], "e": {"nested": {"deep": "x"}}}`, Call{}},
		{`{ a: 'it\'s', b: "say \"hi\"", c: '\x41\u0042\u{43}\n\t\\', d: ` + "`tmpl \\` ok`" + `, e: 'caf\u00e9', f: '\uD83D\uDE00', g: 'line\
cont' }`, `{"a": "it's", "b": "say \"hi\"", "c": "ABC\n\t\\", "d": "tmpl ` + "`" + ` ok", "e": "café", "f": "😀", "g": "linecont"}`, Call{}},
		{`{ a: 1, a: 2 }`, `{"a": 2}`, Call{}},
		{`{ 1: 'x', 'with space': 'y', if: 'z' }`, `{"1": "x", "with space": "y", "if": "z"}`, Call{}},
	} {
		got, call, err := Read(tt.text)
		if err != nil {
			t.Errorf("Read(%q): %v", tt.text, err)
			continue
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(canon(t, got), canon(t, want)) {
			t.Errorf("Read(%q) = %v, want %v", tt.text, canon(t, got), canon(t, want))
		}
		opts := call.Options
		call.Options = nil
		if len(opts) != len(got) {
			t.Errorf("Read(%q) located %v", tt.text, opts)
		}
		if !reflect.DeepEqual(call, tt.call) {
			t.Errorf("Read(%q) call = %+v, want %+v", tt.text, call, tt.call)
		}
		if h, ok := got["h"]; ok && string(h) != "-0" {
			t.Errorf("-0 became %s", h)
		}
	}
}

func TestLocate(t *testing.T) {
	_, call, err := Read("cors({\n  credentials: true,\n    'maxAge': 'x',\n})")
	if err != nil {
		t.Fatal(err)
	}
	for e, want := range map[error]string{
		&server.OptionError{Path: "maxAge", Problem: "\"x\" is not a number"}: `line 3, column 5 (option maxAge): "x" is not a number`,
		&server.OptionError{Path: "credentials", Problem: "no"}:               `line 2, column 3 (option credentials): no`,
		&server.OptionError{Path: "origin[0]", Problem: "not found"}:          `line 1, column 1 (option origin[0]): not found`,
		&server.ConfigError{Library: "x", Message: "refused"}:                 `x refuses this configuration: refused`,
	} {
		if got := call.Locate(e).Error(); got != want {
			t.Errorf("Locate(%v) = %q, want %q", e, got, want)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	for _, tt := range []struct {
		text         string
		line, column int
		option, says string
	}{
		{`{ origin: (origin) => origin }`, 1, 11, "origin", "a function or a parenthesised expression"},
		{`{ origin: o => o }`, 1, 11, "origin", "a function has no JSON form"},
		{"{\n  origin: function (o) { return o },\n}", 2, 11, "origin", "a function has no JSON form"},
		{`{ origin: async (o) => o }`, 1, 11, "origin", "a function"},
		{`{ origin: allowed }`, 1, 11, "origin", "allowed is a variable"},
		{`{ origin: process.env.ORIGIN }`, 1, 11, "origin", "reads a property"},
		{`{ origin: getOrigins() }`, 1, 11, "origin", "is a call"},
		{`{ origin: /a\.example/ }`, 1, 11, "origin", "a regular expression"},
		{`{ origin: [/a/] }`, 1, 12, "origin", "a regular expression"},
		{"{ origin: `https://${host}` }", 1, 11, "origin", "${...}"},
		{`{ origin }`, 1, 3, "origin", "shorthand"},
		{`{ ...defaults, origin: 'x' }`, 1, 3, "", "spread"},
		{`{ origin: [...list] }`, 1, 12, "origin", "spread"},
		{`{ [key]: 'x' }`, 1, 3, "", "computed key"},
		{`{ origin: 'a' + suffix }`, 1, 15, "origin", "`+` makes an expression"},
		{`{ origin: 'a' || 'b' }`, 1, 15, "origin", "`||` makes an expression"},
		{`{ credentials: !0 }`, 1, 16, "credentials", "expected a value"},
		{`{ origin: undefined }`, 1, 11, "origin", "undefined has no JSON form"},
		{`{ maxAge: NaN }`, 1, 11, "maxAge", "NaN has no JSON form"},
		{`{ maxAge: 10n }`, 1, 11, "maxAge", "BigInt"},
		{`{ maxAge: 010 }`, 1, 11, "maxAge", "legacy octal"},
		{`{ maxAge: 1e999 }`, 1, 11, "maxAge", "no JSON form"},
		{`{ origin: ['a', , 'b'] }`, 1, 17, "origin", "hole"},
		{`{ origin() { return '*' } }`, 1, 3, "origin", "a method is a function"},
		{`{ get origin() { return '*' } }`, 1, 3, "get", "a method is a function"},
		{`{ __proto__: { origin: 'x' } }`, 1, 3, "__proto__", "prototype"},
		{`{ origin: new RegExp('x') }`, 1, 11, "origin", "`new` starts an expression"},
		{`{ origin: 'never ends }`, 1, 11, "origin", "never ends"},
		{"{ origin: 'a\nb' }", 1, 11, "origin", "line break"},
		{`{ origin: '\uD800' }`, 1, 11, "origin", "lone surrogate"},
		{`{ origin: '\07' }`, 1, 12, "origin", "octal escape"},
		{`{ origin: '\u{}' }`, 1, 12, "origin", "invalid escape"},
		{`/* open`, 1, 1, "", "comment that never ends"},
		{`{ origin: 'x' } extra`, 1, 17, "", "after the options"},
		{`cors({}) cors({})`, 1, 10, "", "after the options"},
		{`app.get('/r', cors())`, 1, 5, "", "expected use"},
		{`app.use(helmet())`, 1, 9, "", "expected cors(...)"},
		{`helmet({})`, 1, 7, "", "expected `.`"},
		{`cors({ origin: 'x' }`, 1, 21, "", "expected `)`"},
		{``, 1, 1, "", "expected an options object"},
		{`{ a: ` + strings.Repeat("[", 100), 1, 22, "a", "nested more than 16 deep"},
		{`{ origin: 'x' credentials: true }`, 1, 15, "origin", "expected `,`"},
	} {
		_, _, err := Read(tt.text)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Read(%q) = %v, want an *Error", tt.text, err)
			continue
		}
		if e.Line != tt.line || e.Column != tt.column || e.Option != tt.option || !strings.Contains(e.Problem, tt.says) {
			t.Errorf("Read(%q) = %v (line %d, column %d, option %q), want line %d, column %d, option %q, saying %q",
				tt.text, err, e.Line, e.Column, e.Option, tt.line, tt.column, tt.option, tt.says)
		}
	}
}

// TestLiteral writes options as JavaScript that Read reads back.
func TestLiteral(t *testing.T) {
	opts := map[string]json.RawMessage{
		"origin":      json.RawMessage(`["https://a.example", "it's \"q\" \\ \n\u2028\u0001 é 😀"]`),
		"maxAge":      json.RawMessage(`1e21`),
		"credentials": json.RawMessage(`true`),
		"zeta":        json.RawMessage(`{"inner": [null, -0.5], "with space": false}`),
		"with-dash":   json.RawMessage(`""`),
		"":            json.RawMessage(`null`),
	}
	lit := Literal(opts, []string{"credentials", "origin", "absent"}, "")
	if !strings.HasPrefix(lit, "{\n  credentials: true,\n  origin: ['https://a.example', ") {
		t.Errorf("Literal does not keep the order given:\n%s", lit)
	}
	for _, text := range []string{lit, "cors(" + lit + ")", "app.use('*', cors(" + Literal(opts, nil, "  ") + "))"} {
		back, _, err := Read(text)
		if err != nil {
			t.Fatalf("Read(Literal) = %v\n%s", err, text)
		}
		if !reflect.DeepEqual(canon(t, back), canon(t, opts)) {
			t.Errorf("Read(Literal(%v)) = %v\n%s", canon(t, opts), canon(t, back), text)
		}
	}
	if got := Literal(nil, nil, ""); got != "{}" {
		t.Errorf("Literal(nil) = %q", got)
	}
}

// TestNumber: the values were printed by node v20 (String(x)).
func TestNumber(t *testing.T) {
	for _, tt := range []struct {
		x    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-1, "-1"}, {1.5, "1.5"}, {0.1, "0.1"}, {1e21, "1e+21"},
		{1e20, "100000000000000000000"}, {123456789012345680000, "123456789012345680000"}, {1e-6, "0.000001"}, {1e-7, "1e-7"},
		{1.2345e-7, "1.2345e-7"}, {5e-324, "5e-324"}, {math.MaxFloat64, "1.7976931348623157e+308"}, {600, "600"}, {-0.5, "-0.5"},
		{1 << 53, "9007199254740992"}, {123.456, "123.456"}, {1.0 / 3, "0.3333333333333333"}, {math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"},
	} {
		if got := Number(tt.x); got != tt.want {
			t.Errorf("Number(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
	for raw, want := range map[string]float64{"600": 600, "-1e999": math.Inf(-1), " 1.5 ": 1.5} {
		if got, ok := ParseNumber(json.RawMessage(raw)); !ok || got != want {
			t.Errorf("ParseNumber(%s) = %v, %v", raw, got, ok)
		}
	}
	for _, raw := range []string{`"600"`, `true`, `null`, `[1]`, ``, `1x`} {
		if _, ok := ParseNumber(json.RawMessage(raw)); ok {
			t.Errorf("ParseNumber(%s) is a number", raw)
		}
	}
}

// FuzzRead: Read never panics, answers quickly, and what it reads is
// written back by Literal into text it reads the same.
func FuzzRead(f *testing.F) {
	for _, s := range []string{`{}`, `cors({ origin: ['a', "b"], maxAge: 1e3, credentials: true })`, "app.use('*', cors({ o: `t`, /* c */ n: -0x1F, x: { y: [null] } }))",
		`{ origin: (o) => o }`, `{ a: '\u{1F600}\x41\
' }`, `{ a: 'unterminated`, `/*`, `{ a: [,] }`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		opts, _, err := Read(text)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Read took %v on %d bytes", d, len(text))
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Read(%q) = %T %v", text, err, err)
			}
			return
		}
		back, _, err := Read(Literal(opts, nil, ""))
		if err != nil {
			t.Fatalf("Read(Literal(Read(%q))) = %v\n%s", text, err, Literal(opts, nil, ""))
		}
		a, _ := json.Marshal(canon(t, opts))
		b, _ := json.Marshal(canon(t, back))
		if string(a) != string(b) {
			t.Fatalf("Read(%q) = %s, read back as %s", text, a, b)
		}
	})
}

// TestSyntax: a library's own syntax (fastify's, here): register(...) in a
// program, regex literals, its option names, its layout.
func TestSyntax(t *testing.T) {
	s := Syntax{RegExps: true, Register: true, Width: 80, NoTrailingComma: true,
		Option: func(k string) string {
			if k != "origin" && k != "maxAge" {
				return "not an option"
			}
			return ""
		}}
	got, _, err := s.Read("import cors from 'x'\napp.register(helmet, { a: 1 })\napp.register(require('@fastify/cors'), {\n  origin: [/^https:\\/\\/a\\.example$/i, 'b', /[/]/],\n}).then(() => {})")
	if err != nil {
		t.Fatal(err)
	}
	if o := string(got["origin"]); o != `[{"flags":"i","regexp":"^https:\\/\\/a\\.example$"},"b",{"regexp":"[/]"}]` || len(got) != 1 {
		t.Errorf("Read = %v", canon(t, got))
	}
	// On one line within Width, else one option a line, no trailing comma.
	opts := []server.Opt{{Name: "origin", Raw: got["origin"]}}
	for _, want := range []string{"fastify.register(cors, { origin: [/^https:\\/\\/a\\.example$/i, 'b', /[/]/] })",
		"fastify.register(cors, {\n  origin: [/^https:\\/\\/a\\.example$/i, 'b', /[/]/],\n  maxAge: 600\n})"} {
		call := s.Call("fastify.register", []string{"cors"}, opts)
		if call != want {
			t.Errorf("Call = %q, want %q", call, want)
		}
		back, _, err := s.Read(call)
		if err != nil || len(back) != len(opts) || string(back["origin"]) != string(got["origin"]) {
			t.Errorf("Read(%q) = %v, %v", call, back, err)
		}
		opts = append(opts, server.Opt{Name: "maxAge", Raw: json.RawMessage("600")})
	}
	if call := s.Call("fastify.register", []string{"cors"}, nil); call != "fastify.register(cors)" {
		t.Errorf("Call without options = %q", call)
	}
	if lit := RegExp("a/b\n", "g"); lit != `/a\/b\n/g` || RegExp("", "") != "/(?:)/" {
		t.Errorf("RegExp = %s", lit)
	}
	for _, tt := range []struct {
		text         string
		line, column int
		at           [2]int
		says         string
	}{
		{"register(cors, { origin: `x${y}` })", 1, 26, [2]int{1, 28}, "template literal"},
		{"{ origin: { regexp: 'a' } }", 1, 11, [2]int{}, "an object has no JSON form"},
		{"{ origins: 'a' }", 1, 3, [2]int{}, "not an option"},
		{"{ origin: /a\n/ }", 1, 11, [2]int{}, "unterminated regular expression"},
		{"register(cors, opts)", 1, 16, [2]int{}, "must be an object literal"},
		{"cors({})", 1, 1, [2]int{}, "expected fastify.register(cors"},
		{"{ origin: allowed }", 1, 11, [2]int{}, "allowed is a variable"},
	} {
		_, _, err := s.Read(tt.text)
		var e *Error
		if !errors.As(err, &e) || e.Line != tt.line || e.Column != tt.column || e.At != tt.at || !strings.Contains(e.Problem, tt.says) {
			t.Errorf("Read(%q) = %#v, want line %d, column %d, at %v, saying %q", tt.text, err, tt.line, tt.column, tt.at, tt.says)
		}
	}
}
