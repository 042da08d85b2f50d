package engine

import (
	"encoding/json"
	"go/format"
	"maps"
	"slices"
	"strings"
	"testing"
)

var exportPolicy = Policy{
	Origins:        []string{"https://app.example.com", "https://*.example.com", "http://localhost:*"},
	Credentials:    true,
	Methods:        []string{"PUT", "DELETE"},
	RequestHeaders: []string{"Content-Type", "Authorization"},
	ExposeHeaders:  []string{"X-Request-Id"},
	MaxAge:         new(int64(600)),
}

var exportTests = []struct {
	target string
	p      Policy
	want   []string // fragments of the code
	lost   string   // a fragment of a Lost entry, "" for none
}{
	{TargetFlask, exportPolicy, []string{
		"from flask_cors import CORS",
		`origins=['https://app.example.com', r'^https://([a-z0-9_-]+\.)+example\.com$', r'^http://localhost(:\d+)?$'],`,
		"methods=['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],", "allow_headers=['Content-Type', 'Authorization'],",
		"expose_headers=['X-Request-Id'],", "supports_credentials=True,", "max_age=600,", "always_send=False,",
		"    app.run(host='localhost', port=8080)\n",
	}, "preflightStatus 204"},
	{TargetRSCors, exportPolicy, []string{
		`"github.com/rs/cors"`, `AllowedOrigins:   []string{"https://app.example.com", "https://*.example.com", "http://localhost:*", "http://localhost"},`,
		`AllowedMethods:   []string{"GET", "HEAD", "POST", "PUT", "DELETE"},`, "AllowCredentials: true,", "MaxAge:           600,",
	}, ""},
	{TargetJub0bs, exportPolicy, []string{
		`"github.com/jub0bs/cors"`, `Origins:         []string{"https://app.example.com", "https://*.example.com", "http://localhost:*"},`,
		"Credentialed:    true,", `Methods:         []string{"PUT", "DELETE"},`, "MaxAgeInSeconds: 600,", `ResponseHeaders: []string{"X-Request-Id"},`,
	}, ""},
	{TargetExpress, exportPolicy, []string{
		"require('cors')", `origin: ['https://app.example.com', /^https:\/\/([a-z0-9_-]+\.)+example\.com$/, /^http:\/\/localhost(:\d+)?$/],`,
		"credentials: true,", "maxAge: 600,", "app.listen(8080, 'localhost');",
	}, ""},
	{TargetNginx, exportPolicy, []string{
		`"https://app.example.com" $http_origin;`, `"~^https://([a-z0-9_-]+\\.)+example\\.com$" $http_origin;`,
		"map $cors_origin $cors_allow_methods {\n    \"\" \"\";\n    default \"PUT, DELETE\";\n}",
		"add_header Access-Control-Allow-Methods $cors_allow_methods always;", "return 204;",
		`"~^OPTIONS \S+ \S" 1;`, "if ($cors_preflight) {",
	}, ""},
	{TargetJub0bs, Policy{Origins: []string{`re:^https://a\.example\.com$`}, AllowNull: true}, nil, "no regular expressions"},
	{TargetJub0bs, Policy{Origins: []string{`re:^https://a\.example\.com$`}}, nil, "cors: at least one origin must be allowed"},
	{TargetJub0bs, Policy{AnyOrigin: AnyOriginReflect}, nil, "cannot reflect"},
	{TargetJub0bs, Policy{Origins: []string{"https://a.example.com"}, Vary: new(false)}, nil, "always sends Vary"},
	{TargetJub0bs, Policy{AnyOrigin: AnyOriginWildcard, Credentials: true}, []string{`Origins: []string{"*"},`}, "Credentialed is left out"},
	{TargetJub0bs, Policy{Origins: []string{"http://intranet.example.com", "https://*.github.io"}, Credentials: true},
		[]string{"DangerouslyTolerateInsecureOrigins: true, // the policy allows http://intranet.example.com",
			"DangerouslyTolerateSubdomainsOfPublicSuffixes: true, // the policy allows https://*.github.io"}, ""},
	{TargetJub0bs, Policy{Origins: []string{"https://a.example.com"}, Credentials: true, ExposeHeaders: []string{"*", "X-Total"}},
		[]string{`ResponseHeaders: []string{"X-Total"},`}, "exposeHeaders * with credentials"},
	{TargetFlask, Policy{AnyOrigin: AnyOriginWildcard, Credentials: true}, []string{"origins=['*'],", "send_wildcard=True,"}, "ValueError"},
	{TargetFlask, Policy{Origins: []string{`re:https://(a|b)\.example\.org`, `re:^https://x\.example\.org$`}, MaxAge: new(int64(0)), PreflightStatus: 200},
		[]string{`origins=[r'.*(?:https://(a|b)\.example\.org)', r'^https://x\.example\.org$'],`, "max_age='0',"}, ""},
	{TargetFlask, Policy{Origins: []string{`re:^https://\pL+\.example\.org$`}}, nil, `Python's re has no Unicode classes`},
	{TargetFlask, Policy{Origins: []string{"https://a.example.com"}, RequestHeaders: []string{"*"}}, []string{"allow_headers='*',"}, "Authorization included"},
	{TargetRSCors, Policy{Origins: []string{`re:^https://(a|b)\.example\.org$`, "https://*.example.com", "null"}, RequestHeaders: []string{"Content-Type"}},
		[]string{"AllowOriginFunc: allowOrigin,", "regexp.MustCompile(`^https://(a|b)\\.example\\.org$`)",
			"regexp.MustCompile(`^https://([a-z0-9_-]+\\.)+example\\.com$`)", `allowedOrigins  = []string{"null"}`}, ""},
	{TargetRSCors, Policy{AnyOrigin: AnyOriginReflect, Credentials: true}, []string{"AllowOriginFunc:  func(string) bool { return true }, // reflects every origin"}, "requestHeaders empty"},
	{TargetRSCors, Policy{Origins: []string{"https://a.example.com"}, RequestHeaders: []string{"Content-Type"}, MaxAge: new(int64(0)), PreflightStatus: 200},
		[]string{"MaxAge:               -1, // rs/cors: 0 leaves the header out, a negative value sends 0", "OptionsSuccessStatus: 200,"}, ""},
	{TargetRSCors, Policy{RequestHeaders: []string{"Content-Type"}}, []string{`AllowedOrigins: []string{"https://no-origin.invalid"}, // the policy allows no origin`}, ""},
	{TargetExpress, Policy{Methods: []string{"*"}, RequestHeaders: []string{"*"}}, []string{"origin: false,", "methods: ['GET', 'HEAD', 'POST', '*'],", "allowedHeaders: ['*'],"}, ""},
	{TargetExpress, Policy{Origins: []string{"https://a.example.com"}, Credentials: true, Methods: []string{"*"}, RequestHeaders: []string{"*"}},
		[]string{"methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],"}, "methods * (any method)"},
	{TargetExpress, Policy{Origins: []string{`re:^https://a/b\/c$`}}, []string{`origin: [/^https:\/\/a\/b\/c$/],`}, ""},
	{TargetExpress, Policy{Origins: []string{`re:(?i)^https://a\.example\.org$`}}, nil, "JavaScript's RegExp has no flags"},
	{TargetNginx, Policy{AnyOrigin: AnyOriginReflect, Credentials: true, Methods: []string{"*"}, RequestHeaders: []string{"*"}},
		[]string{`"~." $http_origin;`, "default $http_access_control_request_method;", "default $http_access_control_request_headers;",
			`add_header Vary "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" always;`}, ""},
	{TargetNginx, Policy{Origins: []string{"~tilde", "default"}, AllowNull: true, PreflightStatus: 200}, []string{`"\\~tilde" $http_origin;`, `"\\default" $http_origin;`, `"null" $http_origin;`, "return 200;"}, ""},
	{TargetNginx, Policy{Origins: []string{"https://a.example.com"}, Methods: []string{"PUT", "$x"}}, nil, "reads the $ of a string as a variable"},
}

func TestExportPolicy(t *testing.T) {
	for _, tt := range exportTests {
		x, err := ExportPolicy(tt.p, tt.target)
		if err != nil {
			t.Fatalf("%s: %v", tt.target, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(x.Code, w) {
				t.Errorf("%s code lacks %s:\n%s", tt.target, w, x.Code)
			}
		}
		hasLost := slices.ContainsFunc(x.Lost, func(l string) bool { return tt.lost != "" && strings.Contains(l, tt.lost) })
		if tt.lost != "" && !hasLost {
			t.Errorf("%s: lost %q, want one mentioning %q", tt.target, x.Lost, tt.lost)
		}
		if tt.lost == "" && len(x.Lost) > 0 {
			t.Errorf("%s: unexpected losses %q", tt.target, x.Lost)
		}
	}
	if _, err := ExportPolicy(exportPolicy, "spring"); err == nil {
		t.Error("an unknown target exports")
	}
	if _, err := ExportPolicy(Policy{Methods: []string{"PUT\nX"}}, TargetFlask); err == nil {
		t.Error("a policy that does not validate exports")
	}
}

// TestExportLibrary: Export.Library holds the options the code passes,
// with the same names and values.
func TestExportLibrary(t *testing.T) {
	want := map[string]string{
		TargetFlask: `{"allow_headers":["Content-Type","Authorization"],"always_send":false,"expose_headers":["X-Request-Id"],"max_age":600,` +
			`"methods":["GET","HEAD","POST","PUT","DELETE"],"origins":["https://app.example.com","^https://([a-z0-9_-]+\\.)+example\\.com$","^http://localhost(:\\d+)?$"],"supports_credentials":true}`,
		TargetRSCors: `{"AllowCredentials":true,"AllowedHeaders":["Content-Type","Authorization"],"AllowedMethods":["GET","HEAD","POST","PUT","DELETE"],` +
			`"AllowedOrigins":["https://app.example.com","https://*.example.com","http://localhost:*","http://localhost"],"ExposedHeaders":["X-Request-Id"],"MaxAge":600}`,
		TargetJub0bs: `{"Credentialed":true,"MaxAgeInSeconds":600,"Methods":["PUT","DELETE"],"Origins":["https://app.example.com","https://*.example.com","http://localhost:*"],` +
			`"RequestHeaders":["Content-Type","Authorization"],"ResponseHeaders":["X-Request-Id"]}`,
		TargetExpress: `{"allowedHeaders":["Content-Type","Authorization"],"credentials":true,"exposedHeaders":["X-Request-Id"],"maxAge":600,` +
			`"methods":["GET","HEAD","POST","PUT","DELETE"],"origin":["https://app.example.com",{"regexp":"^https://([a-z0-9_-]+\\.)+example\\.com$"},{"regexp":"^http://localhost(:\\d+)?$"}]}`,
	}
	for _, target := range ExportTargets {
		x, err := ExportPolicy(exportPolicy, target)
		if err != nil {
			t.Fatal(err)
		}
		if target == TargetNginx {
			if x.Library != nil {
				t.Errorf("nginx has a Library: %v", x.Library)
			}
			continue
		}
		if x.Library == nil || x.Library.Name != target {
			t.Fatalf("%s: Library %v", target, x.Library)
		}
		b, _ := json.Marshal(x.Library.Options)
		if string(b) != want[target] {
			t.Errorf("%s: options\n  %s\nwant\n  %s", target, b, want[target])
		}
		if _, err := (Server{Library: x.Library}).Responder(); err != nil {
			t.Errorf("%s: %v", target, err)
		}
	}
	for _, p := range []Policy{{Origins: []string{`re:^https://a\.example\.org$`}}, {AnyOrigin: AnyOriginReflect}} {
		if x, _ := ExportPolicy(p, TargetRSCors); x.Library != nil {
			t.Errorf("rs-cors code with an AllowOriginFunc has a Library: %v", x.Library)
		}
	}
}

// exportVariety is policies of every shape, for the properties below.
var exportVariety = []Policy{
	exportPolicy, {},
	{AnyOrigin: AnyOriginReflect, Credentials: true, Methods: []string{"*"}, RequestHeaders: []string{"*"}, ExposeHeaders: []string{"*"}},
	{AnyOrigin: AnyOriginWildcard, MaxAge: new(int64(0)), PreflightStatus: 200, Vary: new(false)},
	{Origins: []string{`re:^https://(a|b)\.example\.org$`, "http://x.test", "https://*.github.io", "https://*.example.com:8443"}, AllowNull: true,
		Credentials: true, Methods: []string{"*"}, MaxAge: new(int64(0)), RequestHeaders: []string{"*"}, ExposeHeaders: []string{"*"}, PreflightStatus: 200},
	{Origins: []string{"re:a`b", `re:'\\`, "https://o'neil.example"}},
}

// TestExportGofmt: the Go code is as gofmt writes it.
func TestExportGofmt(t *testing.T) {
	for _, p := range exportVariety {
		for _, target := range []string{TargetRSCors, TargetJub0bs} {
			x, err := ExportPolicy(p, target)
			if err != nil {
				t.Fatal(err)
			}
			b, err := format.Source([]byte(x.Code))
			if err != nil || string(b) != x.Code {
				t.Errorf("%s: gofmt (%v):\n%s\nwant\n%s", target, err, x.Code, b)
			}
		}
	}
}

// TestExportLostRefusal: a configuration the library refuses at start-up
// is in Lost, in the library's words.
func TestExportLostRefusal(t *testing.T) {
	for _, p := range exportVariety {
		for _, target := range ExportTargets {
			x, err := ExportPolicy(p, target)
			if err != nil || x.Library == nil {
				continue
			}
			_, err = Server{Library: x.Library}.Responder()
			if ce, ok := err.(*ConfigError); ok && !slices.ContainsFunc(x.Lost, func(l string) bool { return strings.Contains(l, ce.Message) }) {
				t.Errorf("%s refuses %+v (%s), Lost %q", target, p, ce.Message, x.Lost)
			} else if err != nil && !ok {
				t.Errorf("%s: %+v: %v", target, p, err)
			}
		}
	}
}

func TestExportLiterals(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.example.com": `'https://a.example.com'`,
		`^https://a\.b$`:        `r'^https://a\.b$'`,
		`it's`:                  `'it\'s'`,
		`a\`:                    `'a\\'`,
		"a\nb":                  `'a\U0000000ab'`,
	} {
		if got := pyString(in); got != want {
			t.Errorf("pyString(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestExportListenLines: each program listens on exactly one line a test
// can replace.
func TestExportListenLines(t *testing.T) {
	listen := map[string]string{TargetFlask: ExportListenFlask, TargetRSCors: ExportListenGo, TargetJub0bs: ExportListenGo,
		TargetExpress: ExportListenExpress, TargetNginx: ExportListenNginx}
	for _, p := range exportVariety {
		for _, target := range slices.Sorted(maps.Keys(listen)) {
			x, err := ExportPolicy(p, target)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(x.Code, listen[target]); n != 1 {
				t.Errorf("%s: %d listen lines %q in\n%s", target, n, listen[target], x.Code)
			}
		}
	}
}
