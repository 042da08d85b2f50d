package pattern

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// TestTranslateRuby checks the Ruby-to-RE2 rewriting: Ruby's RegexpError
// message where Ruby raises (libtest's rack-cors test checks them against
// Ruby 3.1), an error for what RE2 lacks.
func TestTranslateRuby(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		icase   bool
		want    string // the Go pattern, "unsupported", or Ruby's message
	}{
		{`^https:\/\/.*\.a\.example$`, false, `(?m:^)https\x{3a}\x{2f}\x{2f}.*\x{2e}a\x{2e}example(?m:$)`},
		{`\Aa\z`, true, `(?i)\Aa\z`},
		{`a\Z`, false, `a(?:\n?\z)`},
		{`a\Z|b`, false, `a(?:\n?\z)|b`},
		{`\d\w\s\h`, false, `[0-9][0-9A-Za-z_][\t\n\v\f\r ][0-9A-Fa-f]`},
		{`a(?i)b|c`, false, `a(?i:b|c)`},
		{`(?m:.)(?-i)x`, true, `(?i)(?s:.)(?-i:x)`},
		{`a**`, false, `(?:a*)*`},
		{`a{2}{3}`, false, `(?:a{2}){3}`},
		{`a{2}?`, false, `(?:a{2})?`},
		{`a{2,3}?`, false, `a{2,3}?`},
		{`a{,3}`, false, `a{0,3}`},
		{`a{,}`, false, `a\x{7b}\x{2c}\x{7d}`},
		{`^*`, false, `(?:(?m:^))*`},
		{`[]a-]`, false, `[\x{5d}a\x{2d}]`},
		{`[[:alpha:]\d]`, false, `[[:alpha:]0-9]`},
		{`[a[bc]]`, false, `[bca]`},
		{`[+[\w.]-a]`, false, `[0-9A-Za-z_\x{2e}\x{2b}-a]`},
		{`\y\-\/`, false, `y\x{2d}\x{2f}`},
		{`\x41\101\u0041\u{41}\cA`, false, `AAAA\x{1}`},
		{`\xc3\xa9`, false, `\x{e9}`},
		{`(?#c)a(?<n>b)`, false, `a(b)`},
		{`\Ga\K`, false, `\Aa(?:)`},
		{`*`, false, "target of repeat operator is not specified: /*/"},
		{`(?i)*`, false, "target of repeat operator is not specified: /(?i)*/"},
		{`a/(`, true, `end pattern with unmatched parenthesis: /a\/(/i`},
		{`)`, false, "unmatched close parenthesis: /)/"},
		{`[`, false, "premature end of char-class: /[/"},
		{`[]`, false, "empty char-class: /[]/"},
		{`[]\]`, false, `premature end of char-class: /[]\]/`},
		{`a{2,1}`, false, "upper is smaller than lower in repeat range: /a{2,1}/"},
		{`a{100001}`, false, "too big number for repeat range: /a{100001}/"},
		{`(*)\`, false, `too short escape sequence: /(*)\/`},
		{`[z-a]`, false, "empty range in char class: /[z-a]/"},
		{`[a-\d]`, false, `char-class value at end of range: /[a-\d]/`},
		{`[\w-a]`, false, `unmatched range specifier in char-class: /[\w-a]/`},
		{`(?z)`, false, "undefined group option: /(?z)/"},
		{`(?i`, false, "end pattern in group: /(?i/"},
		{`[[:ALPHA:]]`, false, "invalid POSIX bracket type: /[[:ALPHA:]]/"},
		{`\1`, false, "invalid backref number/name: /\\1/"},
		{`(?<n>a)\1`, false, "numbered backref/call is not allowed. (use name): /(?<n>a)\\1/"},
		{`\k<n>`, false, "undefined name <n> reference: /\\k<n>/"},
		{`(?<>a)`, false, "group name is empty: /(?<>a)/"},
		{`\x`, false, "invalid hex escape: /\\x/"},
		{`\xff`, false, "invalid multibyte escape: /\\xff/"},
		{`\400`, false, "invalid escape code: /\\400/"},
		{`\u12`, false, "invalid Unicode escape: /\\u12/"},
		{`\u{110000}`, false, "invalid Unicode range: /\\u{110000}/"},
		{`\M-a`, false, "too short escaped multibyte character: /\\M-a/"},
		{`\c\G`, false, "unexpected escape sequence: /\\c\\G/"},
		{`\p{1,}`, false, "invalid character property name {1,}: /\\p{1,}/"},
		{"\x01(", false, `end pattern with unmatched parenthesis: /\x01(/`},
		{`(?=a)`, false, "unsupported"},
		{`(?<!a)b`, false, "unsupported"},
		{`(a)\1`, false, "unsupported"},
		{`a*+`, false, "unsupported"},
		{`(?>a)`, false, "unsupported"},
		{`\p{Alpha}`, false, "unsupported"},
		{`\R`, false, "unsupported"},
		{`(?x)a`, false, "unsupported"},
		{`[a&&b]`, false, "unsupported"},
		{`[a[^b]]`, false, "unsupported"},
		{`\Z\n`, false, "unsupported"},
		{`ß`, true, "unsupported"},
		{`(?=a`, false, "end pattern with unmatched parenthesis: /(?=a/"}, // Ruby's error wins
	} {
		got, _, err := TranslateRuby(tt.pattern, tt.icase)
		var se *RubySyntaxError
		var ue *RubyUnsupportedError
		switch {
		case errors.As(err, &se):
			got = se.Message
		case errors.As(err, &ue):
			got = "unsupported"
		case err != nil:
			got = err.Error()
		default:
			if _, err := regexp.Compile(got); err != nil {
				t.Errorf("%s: %q does not compile in Go: %v", tt.pattern, got, err)
			}
		}
		if got != tt.want {
			t.Errorf("TranslateRuby(%q, %v) = %q, want %q", tt.pattern, tt.icase, got, tt.want)
		}
	}
}

// TestRubyMatches checks what translated patterns match, and which have a
// fixed (UTF-8) encoding.
func TestRubyMatches(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		icase      bool
		want       bool
	}{
		{`^b$`, "a\nb\nc", false, true},   // line anchors
		{`a$`, "a\n", false, true},        // $ before a newline
		{`\Aa\Z`, "a\n", false, true},     // \Z before a final newline
		{`\Aa\z`, "a\n", false, false},    //
		{`a(?i)b|c`, "c", false, false},   // the option takes the alternative in
		{`a(?i)b|c`, "aC", false, true},   //
		{`\W`, "s", true, false},          // Go folds ſ (in \W) to s: left out
		{`[^a]`, "A", true, false},        //
		{`a{2}?b`, "b", false, true},      // {n}? is optional
		{`\s`, "\v", false, true},         // Ruby's \s has \v
		{`[[:punct:]]`, "~", false, true}, //
		{`.`, "\n", false, false},         //
		{`(?m).`, "\n", false, true},      // Ruby's m is Go's s
		{`https://app.example.com`, "https://appXexample.com", false, true},
	} {
		expr, _, err := TranslateRuby(tt.pattern, tt.icase)
		if err != nil {
			t.Errorf("%s: %v", tt.pattern, err)
			continue
		}
		if got := regexp.MustCompile(expr).MatchString(tt.s); got != tt.want {
			t.Errorf("/%s/ (%s) =~ %q: %v, want %v", tt.pattern, expr, tt.s, got, tt.want)
		}
	}
	for p, want := range map[string]bool{`a`: false, `\u0041`: false, `\u00e9`: true, `é`: true, `[é]`: true, `\xc3\xa9`: true, `[[:alpha:]]`: false} {
		if _, fixed, _ := TranslateRuby(p, false); fixed != want {
			t.Errorf("%s: fixed encoding %v, want %v", p, fixed, want)
		}
	}
}

// FuzzTranslateRuby: TranslateRuby never panics, and what it accepts is Go
// syntax.
func FuzzTranslateRuby(f *testing.F) {
	for _, p := range []string{`^https:\/\/.*\.a\.example$`, `[a-z&&[^q]]`, `\xc3\xa9(?i)x{2}{3}`, `(?<n>a)\k<n>`, `[[:alpha:]-]\Z`, `\c\M-a\u{41 42}`} {
		f.Add(p, false)
	}
	f.Fuzz(func(t *testing.T, p string, icase bool) {
		expr, _, err := TranslateRuby(p, icase)
		if err != nil {
			return
		}
		if _, err := regexp.Compile(expr); err != nil && !strings.Contains(err.Error(), "repeat count") && !strings.Contains(err.Error(), "nesting depth") && !strings.Contains(err.Error(), "too large") {
			t.Fatalf("TranslateRuby(%q) = %q, which Go rejects: %v", p, expr, err)
		}
	})
}
