package pyconfig

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// value reads text as one literal; braces turns on floats, sets and dicts.
func value(text string, braces bool) (string, error) {
	p := New(text, false)
	p.Floats, p.Braces = braces, braces
	v, err := p.Value("o")
	if err == nil && p.Peek().Kind != 0 {
		err = p.Fail(p.Peek(), "more after the value")
	}
	return v, err
}

func TestValue(t *testing.T) {
	for _, tt := range []struct {
		text   string
		braces bool
		want   string // JSON, or "!" and a part of the error
	}{
		{`"a" 'b' """c""" '''d'''`, false, `"abcd"`},
		{`'\x41\101\u00e9\U0001F600\n\t\\\'\"\q'`, false, `"AAé😀\n\t\\'\"\\q"`},
		{`r"\d\.\'" R'\n' u"x"`, false, `"\\d\\.\\'\\nx"`},
		{"\"con\\\ntinued\"", false, `"continued"`},
		{`"\0\7\777"`, false, `"\u0000\u0007ǿ"`},
		{`["a", 'b',]`, false, `["a","b"]`},
		{`("a",)`, false, `["a"]`},
		{`("a")`, false, `"a"`},
		{`()`, false, `[]`},
		{`[("a", ["b", (True, None, False)])]`, false, `[["a",["b",[true,null,false]]]]`},
		{"[\"a\", # comment\n \"b\"]", false, `["a","b"]`},
		{`0x1F`, false, `31`},
		{`0o17`, false, `15`},
		{`0b101`, false, `5`},
		{`1_000`, false, `1000`},
		{`12345678901234567890123`, false, `12345678901234567890123`},
		{`-5`, false, `-5`},
		{`+5`, false, `5`},
		{`-0`, false, `0`},
		{`00`, false, `0`},
		{`017`, false, "!line 1, column 1: o: 017 is not an integer literal"},
		{`1__0`, false, "!1__0 is not an integer literal"},
		{`1_`, false, "!1_ is not an integer literal"},
		{`1.5`, false, "!1.5 is not an integer literal"},
		{`1.5`, true, `1.5`},
		{`-1.5e3`, true, `-1500.0`},
		{`1.`, true, `1.0`},
		{`.5e-3`, true, `0.0005`},
		{`1e400`, true, `1e999`},
		{`-0.0`, true, `-0.0`},
		{`1j`, true, "!1j is not a number corsplay reads"},
		{`{"a"}`, false, "!line 1, column 1: o: a set or a dict"},
		{`{"b", "a", "b"}`, true, `["b","a"]`},
		{`{"b": 1, "a": {"x": [2]}, "b": 3}`, true, `{"b":3,"a":{"x":[2]}}`},
		{`{}`, true, `{}`},
		{`{1: 2}`, true, "!o: dict keys must be strings"},
		{`{"a": x}`, true, `!line 1, column 7: o["a"]=x: a variable`},
		{`{"a" 1}`, true, `!o: expected , or }, got "1"`},
		{`ORIGINS`, false, "!line 1, column 1: o=ORIGINS: a variable"},
		{`get()`, false, "!o=get: a call"},
		{`a.b`, false, "!o=a: an attribute"},
		{`b"x"`, false, "!o: a b-string"},
		{`"a" Rb"x"`, false, "!line 1, column 5: o: a rb-string"},
		{`f"x"`, false, "!o: a f-string"},
		{`ur"x"`, false, "!o=ur: a variable"},
		{`"\N{EM DASH}"`, false, `!o: a \N{...} escape`},
		{`"\ud800"`, false, `!o: a lone surrogate (\ud800) has no JSON form`},
		{`"\x4"`, false, `!line 1, column 1: a truncated \x escape`},
		{`'\u12'`, false, `!a truncated \u escape`},
		{`"\U00110000"`, false, `!an illegal Unicode character`},
		{"[\n  'x)", false, "!line 2, column 3: an unterminated string literal"},
		{`"a" + "b"`, false, `!more after the value`},
		{`["a" 1]`, false, `!o: expected , or ], got "1"`},
		{`["a"`, false, `!line 1, column 5: the call is not closed: o: expected , or ], got the end of the text`},
		{`é`, false, `!line 1, column 1: o=é: a variable`},
		{strings.Repeat("[", 60) + strings.Repeat("]", 60), false, "!nested too deeply"},
	} {
		got, err := value(tt.text, tt.braces)
		if want, ok := strings.CutPrefix(tt.want, "!"); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %s, %v; want an error with %q", tt.text, got, err, want)
			}
		} else if err != nil || got != tt.want {
			t.Errorf("%s: %s, %v; want %s", tt.text, got, err, tt.want)
		}
	}
}

// TestName: a reader's own names (flask-cors's timedelta, for one).
func TestName(t *testing.T) {
	p := New(`[timedelta(minutes=2), 5]`, false)
	p.Name = func(n Token, key string) (string, error) {
		if n.Text != "timedelta" || !p.Accept("(") || p.Next().Text != "minutes" || !p.Accept("=") {
			return "", p.Fail(n, key+": not a timedelta")
		}
		v, err := p.Value(key)
		if err != nil || !p.Accept(")") {
			return "", p.Fail(n, key+": not a timedelta")
		}
		return `"` + v + `m"`, nil
	}
	if v, err := p.Value("max_age"); err != nil || v != `["2m",5]` {
		t.Errorf("%s, %v", v, err)
	}
}

// call reads the arguments of the first call in text: keyword=JSON lines.
func call(text string) (string, error) {
	p := New(text, false)
	p.Braces = true
	for i := range p.Toks {
		if p.IsCall(i) {
			p.I = i + 2
			var out []string
			err := p.Args(func(t Token, key string) error {
				if key == "" || key == "*" {
					p.Skip()
					out = append(out, key+"_")
					return nil
				}
				v, err := p.Value(key)
				out = append(out, key+"="+v)
				return err
			})
			return strings.Join(out, " "), err
		}
	}
	return "", p.Err
}

func TestArgs(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{`def CORS(x): pass` + "\nCORS(app.x[1], a=[1], b='x',)", `_ a=[1] b="x"`},
		{`f(g(1, 2), *h)`, `_ *_`},
		{`f()`, ``},
		{`f(a=1, a=2)`, "!line 1, column 8: keyword argument repeated: a"},
		{`f(a=1, 2)`, "!line 1, column 8: positional argument follows keyword argument"},
		{`f(**{"a": 1}, 2)`, "!positional argument follows keyword argument"},
		{`f(a=1 2)`, `!line 1, column 7: a: expected , or ) after the value, got "2"`},
		{`f(a=1`, "!line 1, column 6: the call is not closed: a: expected , or ) after the value, got the end of the text"},
		{`f(a="x`, "!line 1, column 5: an unterminated string literal"},
		{"x = 'a\nf(a=1)", "!line 1, column 5: an unterminated string literal"},
	} {
		got, err := call(tt.text)
		if want, ok := strings.CutPrefix(tt.want, "!"); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %s, %v; want an error with %q", tt.text, got, err, want)
			}
		} else if err != nil || got != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}
}

func TestAssignment(t *testing.T) {
	p := New("import os\nA = [\n  1,\n]  # c\nif x:\n    B = 2\nC == 3\nD = \\\n  4\n \\\nE = 5\n# x \\\nF = 6", true)
	var got []string
	for p.Peek().Kind != 0 {
		if n, ok := p.Assignment(); ok {
			v, err := p.Value(n.Text)
			got = append(got, n.Text+"="+v+" line "+itoa(p.Line(n.Pos)))
			if err != nil || p.Next().Kind != '\n' {
				t.Fatalf("%s: %v", n.Text, err)
			}
			continue
		}
		p.SkipLine()
	}
	if s := strings.Join(got, ", "); s != "A=[1] line 2, D=4 line 8, F=6 line 13" {
		t.Errorf("assignments %s", s)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestWrite(t *testing.T) {
	for _, tt := range []struct {
		raw         string
		ascii, repr string
	}{
		{`"a\"b"`, `"a\"b"`, `"a\"b"`},
		{`"^https://\\w+\\.a\\.example$"`, `"^https://\\w+\\.a\\.example$"`, `r"^https://\w+\.a\.example$"`},
		{`"a\\"`, `"a\\"`, `"a\\"`},
		{`"\\\\"`, `"\\\\"`, `r"\\"`},
		{`"tab\there\u00e9\u00a0\r\u2028\ud83d\ude00"`, `"tab\there\u00e9\u00a0\r\u2028\U0001f600"`, `"tab\thereé\xa0\r\u2028😀"`},
		{`[1.5e3, -7, true, false, null, {"b": [], "a": "x"}]`, `[1.5e3, -7, True, False, None, {"b": [], "a": "x"}]`, `[1.5e3, -7, True, False, None, {"b": [], "a": "x"}]`},
	} {
		a, err1 := Literal(json.RawMessage(tt.raw), true)
		r, err2 := Literal(json.RawMessage(tt.raw), false)
		if a != tt.ascii || r != tt.repr || err1 != nil || err2 != nil {
			t.Errorf("%s: %s, %s (%v %v); want %s, %s", tt.raw, a, r, err1, err2, tt.ascii, tt.repr)
		}
		for _, lit := range []string{a, r} { // what the printer writes, the reader reads back
			p := New(lit, false)
			p.Floats, p.Braces = true, true
			back, err := p.Value("x")
			var x, y any
			json.Unmarshal([]byte(tt.raw), &x)
			json.Unmarshal([]byte(back), &y)
			if err != nil || !strings.Contains(tt.raw, "1.5e3") && !equal(x, y) {
				t.Errorf("%s reads back as %s, %v", lit, back, err)
			}
		}
	}
	if _, err := Literal(json.RawMessage(`[1,`), true); err == nil {
		t.Error("Literal of bad JSON: no error")
	}
	if got := Repr("it's"); got != `"it's"` {
		t.Errorf("Repr: %s", got)
	}
	if got := Repr("a\n\x00é"); got != `'a\n\x00é'` {
		t.Errorf("Repr: %s", got)
	}
	if Ident("class") || Ident("1a") || Ident("max-age") || Ident("") || Ident("é") || !Ident("_a1") {
		t.Error("Ident")
	}
	args := Keywords([]string{"a", "class", "b"}, []string{"1", "2", "3"}, true)
	if got := Call("f", args); got != `f(a=1, b=3, **{"class": 2})` {
		t.Errorf("Call: %s", got)
	}
	if got := Call("f", []string{strings.Repeat("x", 75), "y"}); got != "f(\n    "+strings.Repeat("x", 75)+",\n    y,\n)" {
		t.Errorf("Call: %s", got)
	}
	if got, _ := Assign("A", json.RawMessage(`["a", "b"]`), false); got != `A = ["a", "b"]` {
		t.Errorf("Assign: %s", got)
	}
	long := `["` + strings.Repeat("a", 40) + `", "` + strings.Repeat("b", 40) + `"]`
	if got, _ := Assign("A", json.RawMessage(long), false); got != "A = [\n    \""+strings.Repeat("a", 40)+"\",\n    \""+strings.Repeat("b", 40)+"\",\n]" {
		t.Errorf("Assign: %s", got)
	}
}

func equal(x, y any) bool {
	a, _ := json.Marshal(x)
	b, _ := json.Marshal(y)
	return string(a) == string(b)
}

// FuzzRead: no panic, bounded time, JSON out.
func FuzzRead(f *testing.F) {
	for _, s := range []string{`f(a=[1, "b"], **{"c": {1.5, 'x'}})`, "A = (\n 'x' r'\\d')\nB = 0x_1F", `f(*a, b=-0.0, c=u"\N{X}")`, `"""a`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		p := New(s, strings.Contains(s, "="))
		p.Floats, p.Braces = len(s)%2 == 0, len(s)%3 == 0
		for p.Peek().Kind != 0 {
			if v, err := p.Value("k"); err == nil && !json.Valid([]byte(v)) {
				t.Fatalf("%q: %s is not JSON", s, v)
			}
			p.Next()
		}
		call(s)
		if d := time.Since(start); d > time.Second && len(s) < 10000 {
			t.Fatalf("%d bytes took %v", len(s), d)
		}
	})
}
