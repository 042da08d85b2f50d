package rackcors

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// exportHead, exportApp and exportTail are the program around the
// configuration: the app the emulation puts behind the middleware, served
// by WEBrick.
const exportHead = `# rack-cors 1.1.1 on Rack 2.2, served by WEBrick (Debian: ruby-rack-cors,
# ruby-rack, ruby-webrick). Run: ruby app.rb [PORT]; it serves ROUTE on
# 127.0.0.1:PORT (8080; 0 picks a free port) and prints the URL.
require 'logger'
require 'rack'
require 'rack/cors'
require 'rack/handler/webrick'
`

// exportApp is the app, after the line that sets ROUTE.
const exportApp = `
# The app behind the middleware: ROUTE answers GET, POST, PUT, DELETE and PATCH.
APP = lambda do |env|
  if env['PATH_INFO'] != ROUTE
    [404, { 'Content-Type' => 'text/plain' }, ['Not Found']]
  elsif %w[GET POST PUT DELETE PATCH].include?(env['REQUEST_METHOD'])
    [200, { 'Content-Type' => 'text/plain' }, ['ok']]
  else
    [405, { 'Content-Type' => 'text/plain', 'Allow' => 'GET, POST, PUT, DELETE, PATCH' }, []]
  end
end

`

const exportTail = `
Rack::Handler::WEBrick.run(cors, Host: '127.0.0.1', Port: (ARGV[0] || 8080).to_i,
                           AccessLog: [], Logger: WEBrick::Log.new(File::NULL)) do |server|
  puts "listening on http://127.0.0.1:#{server.listeners[0].addr[1]}#{ROUTE}"
  $stdout.flush
end
`

// export writes the Ruby program: the DSL the JSON form stands for, in
// front of an app serving route (ROUTE, compared with PATH_INFO as it is).
func export(options map[string]json.RawMessage, route string) (string, error) {
	f, err := readForm(options)
	if err != nil {
		return "", err
	}
	debug := ""
	if d, ok := f.top["debug"].(bool); ok {
		debug = "debug: " + strconv.FormatBool(d) + ", "
	}
	route, err = server.CheckRoute(message.RouteOr(route), "", "Rack")
	if err != nil {
		return "", err
	}
	return exportHead + "\nROUTE = " + rubyString(route) + "\n" + exportApp + dsl(f, "cors = Rack::Cors.new(APP, "+debug+"logger: Logger.new(File::NULL))") + "\n" + exportTail, nil
}

// dsl prints `head do … end` around the allow blocks: the DSL the JSON
// form stands for (Export's program and the fixes' code).
func dsl(f *form, head string) string {
	var b strings.Builder
	b.WriteString(head + " do\n")
	for i, a := range f.blocks {
		b.WriteString("  allow do\n")
		if o, ok := a["origins"]; ok {
			vs, _ := strs(o)
			for k, s := range vs {
				vs[k] = rubyOrigin(s)
			}
			list := strings.Join(vs, ", ")
			if isList(o) && len(vs) <= 1 {
				list = "[" + list + "]"
			}
			b.WriteString("    origins " + list + "\n")
		}
		for _, r := range f.resources[i] {
			args := rubyString(r["path"].(string))
			for _, k := range strings.Fields("headers methods credentials expose max_age vary if") {
				v, ok := r[k]
				if !ok {
					continue
				}
				switch v := v.(type) {
				case bool:
					args += ", " + k + ": " + strconv.FormatBool(v)
				case json.Number:
					args += ", " + k + ": " + string(v)
				case nil:
					args += ", " + k + ": nil"
				default:
					args += ", " + k + ": " + rubyList(v, k == "methods")
				}
			}
			b.WriteString("    resource " + args + "\n")
		}
		b.WriteString("  end\n")
	}
	return b.String() + "end"
}

// rubyString is a single-quoted Ruby string.
func rubyString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

var plainSymbol = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// rubyList writes a string-or-list option: "any" is :any; methods are
// Symbols.
func rubyList(v any, symbols bool) string {
	if v == "any" {
		return ":any"
	}
	vs, _ := strs(v)
	for i, s := range vs {
		if vs[i] = rubyString(s); symbols && plainSymbol.MatchString(s) {
			vs[i] = ":" + s
		} else if symbols {
			vs[i] = ":" + vs[i]
		}
	}
	if !isList(v) {
		return vs[0]
	}
	return "[" + strings.Join(vs, ", ") + "]"
}

// rubyOrigin writes an origins argument: a String, or the Regexp of
// "/src/" or "/src/i" (a literal when it reads back the same, and when Ruby
// compiles it: a literal's error would stop the program parsing instead).
func rubyOrigin(s string) string {
	m := regexOrigin.FindStringSubmatch(s)
	if m == nil {
		return rubyString(s)
	}
	_, _, err := pattern.TranslateRuby(m[1], m[2] == "i")
	var se *pattern.RubySyntaxError
	if !errors.As(err, &se) && literalSafe(m[1]) {
		return "/" + m[1] + "/" + m[2]
	}
	if m[2] == "i" {
		return "Regexp.new(" + rubyString(m[1]) + ", Regexp::IGNORECASE)"
	}
	return "Regexp.new(" + rubyString(m[1]) + ")"
}

// literalSafe: /src/ has the source src (no unescaped "/", no
// interpolation, no line break, no trailing backslash).
func literalSafe(src string) bool {
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
			if i == len(src) || src[i] == '\n' {
				return false
			}
		case '/', '\n':
			return false
		case '#':
			if i+1 < len(src) && strings.IndexByte("{@$", src[i+1]) >= 0 {
				return false
			}
		}
	}
	return true
}
