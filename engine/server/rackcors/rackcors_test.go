package rackcors

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// libtest/rackcors_test.go proves the answers against the real rack-cors;
// these tests cover what corsplay adds: reading options, Import, Export and
// Summarize.

func options(t testing.TB, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

func TestOptionErrors(t *testing.T) {
	for _, tt := range []struct{ options, path string }{
		{`{"origins": "*"}`, "origins"},
		{`{"debug": "yes"}`, "debug"},
		{`{"allow": {}}`, "allow"},
		{`{"allow": [{"origin": "*"}]}`, "allow[0].origin"},
		{`{"allow": [{"origins": 5}]}`, "allow[0].origins"},
		{`{"allow": [{"resources": [{}]}]}`, "allow[0].resources[0].path"},
		{`{"allow": [{"resources": [{"path": "/r", "method": "get"}]}]}`, "allow[0].resources[0].method"},
		{`{"allow": [{"resources": [{"path": "/r", "max_age": 1.5}]}]}`, "allow[0].resources[0].max_age"},
		{`{"allow": [{"resources": [{"path": "/r", "credentials": "true"}]}]}`, "allow[0].resources[0].credentials"},
		{`{"allow": [{"resources": [{"path": "/r", "if": true}]}]}`, "allow[0].resources[0].if"},
		{`{"allow": [{"resources": [{"path": "/r", "headers": null}]}]}`, "allow[0].resources[0].headers"},
		{`{"allow": [{"resources": [{"path": "/r", "methods": ["gét"]}]}]}`, "allow[0].resources[0].methods"},
		{`{"allow": [{"origins": ["/(?=a)/"]}]}`, "allow[0].origins"},
		{`{"allow": [{"origins": ["/a{300}/"]}]}`, "allow[0].origins"},
		{`{"allow": [{"resources": [{"path": "/[a&&b]"}]}]}`, "allow[0].resources[0].path"},
	} {
		_, err := parse(options(t, tt.options))
		var oe *server.OptionError
		if !errors.As(err, &oe) || oe.Path != tt.path {
			t.Errorf("%s: got %v, want an OptionError at %s", tt.options, err, tt.path)
		}
	}
	for _, tt := range []struct{ options, msg string }{
		{`{"allow": [{"origins": "*", "resources": [{"path": "/r", "credentials": true}]}]}`, misconfig},
		{`{"allow": [{"origins": "/[/"}]}`, "premature end of char-class: /[/"},
		{`{"allow": [{"resources": [{"path": "/r["}]}]}`, `premature end of char-class: /^\/r[$/`},
	} {
		_, err := parse(options(t, tt.options))
		var ce *server.ConfigError
		if !errors.As(err, &ce) || ce.Message != tt.msg || ce.Library != "rack-cors" {
			t.Errorf("%s: got %v, want the ConfigError %q", tt.options, err, tt.msg)
		}
	}
}

func TestGlobRegexp(t *testing.T) {
	for glob, want := range map[string]string{
		"/r": "^/r$", "*": "^(.*?)$", "/api/*": `^/api\/?(.*?)$`, "/:id/x.json": `^/([^/?&#]+)/x\.json$`,
		"/a+(b)": `^/a\+\(b\)$`, "/r?": "^/r?$", "/:": "^/:$",
	} {
		if got := globRegexp(glob); got != want {
			t.Errorf("globRegexp(%q) = %q, want %q", glob, got, want)
		}
	}
}

func TestRespond(t *testing.T) {
	c, err := parse(options(t, `{"allow": [{"origins": ["https://a.example", "b.example"], "resources": [{"path": "/r", "methods": ["get", "put"], "headers": "any"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		method, url string
		headers     []string
		want        string
	}{
		{"OPTIONS", "https://api/r", []string{"Origin", "https://a.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "X-A"},
			"200 Access-Control-Allow-Origin: https://a.example|Access-Control-Allow-Methods: GET, PUT|Access-Control-Expose-Headers: |Access-Control-Max-Age: 7200|Access-Control-Allow-Headers: X-A"},
		{"OPTIONS", "https://api/r", []string{"Origin", "https://c.example", "Access-Control-Request-Method", "PUT"}, "200"},
		{"OPTIONS", "https://api/r%00", []string{"Origin", "https://a.example", "Access-Control-Request-Method", "PUT"}, "400"},
		{"GET", "https://api/x/../r/", []string{"Origin", "ftp://b.example"},
			"404 Access-Control-Allow-Origin: ftp://b.example|Access-Control-Allow-Methods: GET, PUT|Access-Control-Expose-Headers: |Access-Control-Max-Age: 7200|Content-Type: text/plain|Vary: Origin"},
		{"get", "https://api/r", []string{"X-Origin", "https://a.example"},
			"405 Access-Control-Allow-Origin: https://a.example|Access-Control-Allow-Methods: GET, PUT|Access-Control-Expose-Headers: |Access-Control-Max-Age: 7200|Content-Type: text/plain|Allow: GET, POST, PUT, DELETE, PATCH|Vary: Origin"},
		{"GET", "https://api/r", nil, "200 Content-Type: text/plain|Vary: Origin"},
	} {
		req := message.Request{Method: tt.method, URL: tt.url}
		for i := 0; i < len(tt.headers); i += 2 {
			req.Headers = append(req.Headers, message.Header{Name: tt.headers[i], Value: tt.headers[i+1]})
		}
		resp := c.Respond(req)
		var lines []string
		for _, h := range resp.Headers {
			lines = append(lines, h.Name+": "+h.Value)
		}
		got := strings.TrimSpace(strings.Join(append([]string{itoa(resp.Status)}, strings.Join(lines, "|")), " "))
		if got != tt.want {
			t.Errorf("%s %s %q:\n  got  %s\n  want %s", tt.method, tt.url, tt.headers, got, tt.want)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

const dslRails = `# config/initializers/cors.rb
Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins 'https://a.example', /\Ahttps:\/\/.*\.a\.example\z/i,
            "localhost:3000"   # a host
    resource '/api/*',
      headers: :any,
      methods: [:get, :post, :patch],
      credentials: true,
      expose: %w[X-Total X-Page],
      max_age: 600
  end

  allow do
    origins '*'
    resource '/public/*', :headers => 'any', :methods => :get, if: nil
    resource '/r', { vary: ['Accept'], methods: 'any' }
  end
end
`

func TestImport(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{dslRails, `{"allow":[{"origins":["https://a.example","/\\Ahttps:\\/\\/.*\\.a\\.example\\z/i","localhost:3000"],"resources":[{"credentials":true,"expose":["X-Total","X-Page"],"headers":"any","max_age":600,"methods":["get","post","patch"],"path":"/api/*"}]},{"origins":"*","resources":[{"headers":["any"],"if":null,"methods":"get","path":"/public/*"},{"methods":["any"],"path":"/r","vary":["Accept"]}]}]}`},
		{"use Rack::Cors, debug: true, logger: (-> { Rails.logger }) do\n allow { origins %r{https://x\\.example}; resource('*') }\nend\nrun App", `{"allow":[{"origins":"/https://x\\.example/","resources":[{"path":"*"}]}],"debug":true}`},
		{"Rack::Cors.new(app, debug: false) do\n  allow do\n    origins ['a.example']\n    resource '/r', methods: %i[get put], headers: ['X-A']\n  end\nend", `{"allow":[{"origins":["a.example"],"resources":[{"headers":["X-A"],"methods":["get","put"],"path":"/r"}]}],"debug":false}`},
		{"allow do\n  origins Regexp.new('^a$', Regexp::IGNORECASE), \"b\\tc\"\nend", `{"allow":[{"origins":["/^a$/i","b\tc"]}]}`},
		{"config.middleware.insert_before 0, 'Rack::Cors' do\nend", `{}`},
	} {
		got, err := importDSL(tt.text)
		if err != nil {
			t.Errorf("Import(%q): %v", tt.text, err)
			continue
		}
		if b, _ := json.Marshal(got); string(b) != tt.want {
			t.Errorf("Import(%q)\n  got  %s\n  want %s", tt.text, b, tt.want)
		}
	}
	for _, tt := range []struct{ text, want string }{
		{"use Rack::Cors do\n  allow do\n    origins ENV['ORIGINS']\n  end\nend", "line 3: `ENV` is not a literal value"},
		{"use Rack::Cors do\n  allow do\n    origins '*'\n    resource '*', if: proc { |env| true }\n  end\nend", "line 4: a Proc has no JSON form"},
		{"use Rack::Cors do\n  allow do |a|\n  end\nend", "line 2: a block parameter"},
		{"use Rack::Cors do\n  allow do\n    origins \"#{host}\"\n  end\nend", "line 3: a string or regexp with interpolation"},
		{"use Rack::Cors do\n  allow do\n    origins 'a'\n    resource '/r', 'headers' => :any\n  end\nend", `line 4: "headers" => is a String key`},
		{"use Rack::Cors do\n  allow do\n    resource '/r', header: :any\n  end\nend", "line 3: resource has no option header:"},
		{"use Rack::Cors do\n  allow do\n    origins 'a'\n    origins 'b'\n  end\nend", "line 4: a second origins call"},
		{"use Rack::Cors do\n  allow do\n    resource '/r'\n    origins '*'\n  end\nend", "line 4: origins '*' after a resource"},
		{"use Rack::Cors do\n  allow do\n    origins '/a/'\n  end\nend", "line 3: the String \"/a/\" would read as a Regexp"},
		{"use Rack::Cors do\n  allow do\n    origins /a/m\n  end\nend", `line 3: regexp flags "m"`},
		{"use Rack::Cors do\n  allow do\n    resource '/r', max_age: 10.minutes\n  end\nend", "line 3: \"10.minutes\""},
		{"use Rack::Cors do\n  puts 'x'\nend", "line 2: `puts`: corsplay reads only allow blocks here"},
		{"use Rack::Cors do\n  allow do\n    origins 'a'\n", "the block is not closed"},
		{"use Rack::Cors do\nend\nuse Rack::Cors do\nend", "line 3: a second Rack::Cors"},
		{"x = 1", "line 1: no Rack::Cors and no allow block"},
		{"use Rack::Cors do\n  allow do\n    origins :a\n  end\nend", "line 3: origins takes strings and regexps"},
	} {
		_, err := importDSL(tt.text)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Import(%q) = %v, want an error %q", tt.text, err, tt.want)
		}
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	for _, s := range []string{
		`{}`,
		`{"debug": true, "allow": []}`,
		`{"allow": [{"origins": ["https://a.example", "/^https:\\/\\/.*\\.a\\.example$/i", "*", "/a/b/", "/[/", "it's"], "resources": [{"path": "/r", "headers": "any", "methods": ["get", "PUT", "x y"], "credentials": true, "expose": ["X-Total-Count"], "max_age": 600, "vary": ["Accept"], "if": null}]}], "debug": false}`,
		`{"allow": [{"origins": "a.example", "resources": [{"path": "*", "headers": "x", "methods": "any", "expose": "", "vary": "Accept", "max_age": -1}]}, {"origins": [], "resources": []}, {}]}`,
		`{"allow": [{"origins": ["one"], "resources": [{"path": "/\\\\r\n", "headers": ["any"], "methods": ["any"], "credentials": false, "max_age": 123456789012345678901234567890}]}]}`,
		`{"allow": [{"origins": ["/#{x}/", "/a\\/b/i", "//"]}]}`,
	} {
		o := options(t, s)
		prog, err := export(o, "/r")
		if err != nil {
			t.Errorf("Export(%s): %v", s, err)
			continue
		}
		back, err := importDSL(prog)
		if err != nil {
			t.Errorf("Import(Export(%s)): %v\n%s", s, err, prog)
			continue
		}
		a, _ := json.Marshal(withoutEmpty(o))
		b, _ := json.Marshal(back)
		var va, vb any
		json.Unmarshal(a, &va)
		json.Unmarshal(b, &vb)
		if a, b = must(json.Marshal(va)), must(json.Marshal(vb)); string(a) != string(b) {
			t.Errorf("Import(Export(x)) != x\n  x    %s\n  back %s\n%s", a, b, prog)
		}
	}
	if _, err := export(options(t, `{"allow": 1}`), "/r"); err == nil {
		t.Error("Export of unreadable options did not fail")
	}
}

func must(b []byte, _ error) []byte { return b }

// withoutEmpty drops "allow": [] and "resources": [], which the DSL writes
// as no call at all.
func withoutEmpty(o map[string]json.RawMessage) map[string]json.RawMessage {
	var f map[string]any
	b, _ := json.Marshal(o)
	json.Unmarshal(b, &f)
	if a, ok := f["allow"].([]any); ok {
		for _, blk := range a {
			if m, ok := blk.(map[string]any); ok {
				if r, ok := m["resources"].([]any); ok && len(r) == 0 {
					delete(m, "resources")
				}
			}
		}
		if len(a) == 0 {
			delete(f, "allow")
		}
	}
	out := map[string]json.RawMessage{}
	for k, v := range f {
		out[k] = must(json.Marshal(v))
	}
	return out
}

func FuzzImport(f *testing.F) {
	f.Add(dslRails)
	f.Add("use Rack::Cors do\n allow { origins %w[a b], /c/i; resource '*', methods: :any }\nend")
	f.Add("Rack::Cors.new(app, debug: true) { allow do origins \"a\\\"b\" end }")
	f.Add("=begin\nx\n=end\nallow do origins('a') end")
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		o, err := importDSL(text)
		if err == nil {
			if _, err := parse(o); err != nil {
				var oe *server.OptionError
				if errors.As(err, &oe) && !strings.Contains(oe.Problem, "pattern") && !strings.Contains(oe.Problem, "RE2") && !strings.Contains(oe.Problem, "ASCII") {
					t.Errorf("Import(%q) = %v, which New cannot read: %v", text, o, err)
				}
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Import took %v", d)
		}
	})
}

func TestSummarize(t *testing.T) {
	s := summarize(options(t, `{"allow": [{"origins": ["https://a.example", "b.example", "/^https:\\/\\/c$/i"], "resources": [{"path": "/r", "credentials": true, "methods": ["GET"]}]}, {"origins": "*", "resources": [{"path": "/p/*"}]}]}`))
	if s.AnyOrigin != "wildcard" || !s.Credentials || len(s.Origins) != 3 || !s.Origins[2].Regex || s.Origins[0].Policy != "https://a.example" ||
		!strings.HasPrefix(s.Origins[1].Policy, "re:") || len(s.Notes) != 3 {
		t.Errorf("Summarize = %+v", s)
	}
}

// BenchmarkRespond: a preflight and an actual request on a typical
// configuration.
func BenchmarkRespond(b *testing.B) {
	c, err := parse(options(b, `{"allow": [{"origins": ["https://a.example", "/^https:\\/\\/[a-z0-9-]+\\.b\\.example$/", "localhost:3000"], "resources": [{"path": "/api/*", "headers": ["X-Token", "Content-Type"], "methods": ["get", "post", "put"], "credentials": true, "max_age": 600}, {"path": "/r", "headers": "any", "methods": "any"}]}]}`))
	if err != nil {
		b.Fatal(err)
	}
	pf := message.Request{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: message.Headers{
		{Name: "Origin", Value: "https://x.b.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type,x-token"}}}
	get := message.Request{Method: "GET", URL: "https://api.example.com/r?q=1", Headers: message.Headers{{Name: "Origin", Value: "https://x.b.example"}, {Name: "Accept", Value: "*/*"}}}
	for b.Loop() {
		c.Respond(pf)
		c.Respond(get)
	}
}
