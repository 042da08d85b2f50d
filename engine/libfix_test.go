package engine

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Fixes for library servers: each blocked scenario's fix changes the
// library's own options, and its code after is what a developer would write
// in that library's language (written here by hand, from the library's
// documented options), and the fixed scenario passes.

const devOrigin = "http://localhost:3000"

// libFixTest is a blocked request to a library server and the call its
// library fix must end with.
type libFixTest struct {
	name    string
	lib     string
	options string // JSON
	method  string
	headers Headers
	creds   string
	after   string // the fix's Code.After
	title   string // "" means the usual "Allow exactly this request in the … options"
	why     string // a substring of one of the fix's why-lines
}

var jsonCT = Headers{{Name: "Content-Type", Value: "application/json"}}

var libFixTests = []libFixTest{
	// Flask-CORS: CORS(app, **options).
	{name: "flask: wrong origin", lib: "flask-cors", options: `{"origins": ["https://app.example.com"]}`, method: "GET",
		after: `CORS(app, origins=['https://app.example.com', 'http://localhost:3000'])`,
		why:   "origins does not include http://localhost:3000"},
	{name: "flask: allow_headers lacks a header", lib: "flask-cors", options: `{"origins": "http://localhost:3000", "allow_headers": ["Content-Type"]}`,
		method: "PUT", headers: Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}},
		after: "CORS(\n    app,\n    origins='http://localhost:3000',\n    allow_headers=['Content-Type', 'X-Api-Key'],\n)",
		why:   "allow_headers does not include X-Api-Key"},
	{name: "flask: send_wildcard with credentials", lib: "flask-cors", options: `{"send_wildcard": true}`, method: "GET", creds: CredentialsInclude,
		after: `CORS(app, origins=['http://localhost:3000'], supports_credentials=True)`,
		why:   "send_wildcard goes too"},
	{name: "flask: the tutorial's headers=", lib: "flask-cors", options: `{"headers": ["Content-Type"]}`, method: "POST", headers: jsonCT, creds: CredentialsInclude,
		after: "CORS(\n    app,\n    origins=['http://localhost:3000'],\n    allow_headers=['Content-Type'],\n    supports_credentials=True,\n)",
		why:   "headers is not a Flask-CORS option"},
	{name: "flask: misspelled supports_credential", lib: "flask-cors", options: `{"origins": "http://localhost:3000", "supports_credential": true}`, method: "GET", creds: CredentialsInclude,
		after: `CORS(app, origins='http://localhost:3000', supports_credentials=True)`,
		title: "Spell the options as Flask-CORS does", why: "The option is supports_credentials."},
	{name: "flask: methods lacks DELETE", lib: "flask-cors", options: `{"origins": ["http://localhost:3000"], "methods": ["GET", "POST"]}`, method: "DELETE",
		after: `CORS(app, origins=['http://localhost:3000'], methods=['GET', 'POST', 'DELETE'])`,
		why:   "methods does not include DELETE"},
	{name: "flask: methods as a string", lib: "flask-cors", options: `{"origins": "http://localhost:3000", "methods": "GET, POST"}`, method: "PATCH",
		after: `CORS(app, origins='http://localhost:3000', methods='GET, POST, PATCH')`},
	{name: "flask: a custom header on GET needs GET in methods", lib: "flask-cors", options: `{"origins": "http://localhost:3000", "methods": ["PUT"]}`,
		method: "GET", headers: Headers{{Name: "X-Api-Key", Value: "k1"}},
		after: `CORS(app, origins='http://localhost:3000', methods=['PUT', 'GET'])`,
		why:   "even for GET, HEAD or POST"},

	// rs/cors: cors.New(cors.Options{…}).
	{name: "rs: wrong origin", lib: "rs-cors", options: `{"AllowedOrigins": ["https://app.example.com"]}`, method: "GET",
		after: "cors.New(cors.Options{\n\tAllowedOrigins: []string{\"https://app.example.com\", \"http://localhost:3000\"},\n})"},
	{name: "rs: the defaults lack the method and a header", lib: "rs-cors", options: `{"AllowedOrigins": ["http://localhost:3000"]}`,
		method: "PUT", headers: Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}},
		after: "cors.New(cors.Options{\n\tAllowedOrigins: []string{\"http://localhost:3000\"},\n\tAllowedMethods: []string{\"GET\", \"POST\", \"HEAD\", \"PUT\"},\n\tAllowedHeaders: []string{\"Accept\", \"Content-Type\", \"X-Requested-With\", \"X-Api-Key\"},\n})",
		why:   "rs/cors allows only its defaults Accept, Content-Type and X-Requested-With"},
	{name: "rs: * with credentials", lib: "rs-cors", options: `{"AllowedOrigins": ["*"], "AllowCredentials": true}`, method: "GET", creds: CredentialsInclude,
		after: "cors.New(cors.Options{\n\tAllowedOrigins:   []string{\"http://localhost:3000\"},\n\tAllowCredentials: true,\n})",
		why:   `AllowedOrigins "*" makes rs/cors answer *`},
	{name: "rs: credentials missing", lib: "rs-cors", options: `{"AllowedOrigins": ["http://localhost:3000"]}`, method: "GET", creds: CredentialsInclude,
		after: "cors.New(cors.Options{\n\tAllowedOrigins:   []string{\"http://localhost:3000\"},\n\tAllowCredentials: true,\n})"},
	{name: "rs: methods lack DELETE", lib: "rs-cors", options: `{"AllowedOrigins": ["http://localhost:3000"], "AllowedMethods": ["GET", "POST"]}`, method: "DELETE",
		after: "cors.New(cors.Options{\n\tAllowedOrigins: []string{\"http://localhost:3000\"},\n\tAllowedMethods: []string{\"GET\", \"POST\", \"DELETE\"},\n})"},
	{name: "rs: GET unlisted", lib: "rs-cors", options: `{"AllowedOrigins": ["http://localhost:3000"], "AllowedMethods": ["PUT"]}`, method: "GET",
		after: "cors.New(cors.Options{\n\tAllowedOrigins: []string{\"http://localhost:3000\"},\n\tAllowedMethods: []string{\"PUT\", \"GET\"},\n})",
		why:   "rs/cors checks the method of actual requests too"},
	{name: "rs: preflight status 401", lib: "rs-cors", options: `{"AllowedOrigins": ["http://localhost:3000"], "AllowedMethods": ["PUT"], "OptionsSuccessStatus": 401}`, method: "PUT",
		after: "cors.New(cors.Options{\n\tAllowedOrigins: []string{\"http://localhost:3000\"},\n\tAllowedMethods: []string{\"PUT\"},\n})",
		why:   "OptionsSuccessStatus 401 is not an ok status"},
	{name: "rs: lower-case patch", lib: "rs-cors", options: `{"AllowedOrigins": ["http://localhost:3000"], "AllowedMethods": ["GET", "PATCH"]}`, method: "patch",
		after: "fetch(\"https://api.example.com/items\", {\n  method: \"PATCH\",\n})", title: "Send the method in upper case"},

	// jub0bs/cors: cors.NewMiddleware(cors.Config{…}).
	{name: "jub0bs: wrong origin", lib: "jub0bs-cors", options: `{"Origins": ["https://app.example.com"]}`, method: "GET",
		after: "cors.NewMiddleware(cors.Config{\n\tOrigins: []string{\"https://app.example.com\", \"http://localhost:3000\"},\n})"},
	{name: "jub0bs: request header missing", lib: "jub0bs-cors", options: `{"Origins": ["http://localhost:3000"], "Methods": ["PUT"]}`, method: "PUT", headers: jsonCT,
		after: "cors.NewMiddleware(cors.Config{\n\tOrigins:        []string{\"http://localhost:3000\"},\n\tMethods:        []string{\"PUT\"},\n\tRequestHeaders: []string{\"Content-Type\"},\n})",
		why:   "RequestHeaders does not include Content-Type"},
	{name: "jub0bs: * with credentials", lib: "jub0bs-cors", options: `{"Origins": ["*"]}`, method: "GET", creds: CredentialsInclude,
		after: "cors.NewMiddleware(cors.Config{\n\tOrigins:      []string{\"http://localhost:3000\"},\n\tCredentialed: true,\n})"},
	{name: "jub0bs: method missing", lib: "jub0bs-cors", options: `{"Origins": ["http://localhost:3000"], "RequestHeaders": ["Content-Type"]}`, method: "DELETE", headers: jsonCT,
		after: "cors.NewMiddleware(cors.Config{\n\tOrigins:        []string{\"http://localhost:3000\"},\n\tMethods:        []string{\"DELETE\"},\n\tRequestHeaders: []string{\"Content-Type\"},\n})"},

	// express cors: cors({…}).
	{name: "express: one origin string", lib: "express-cors", options: `{"origin": "https://app.example.com"}`, method: "GET",
		after: `cors({ origin: ['https://app.example.com', 'http://localhost:3000'] })`,
		why:   "is a single string"},
	{name: "express: allowedHeaders lacks a header", lib: "express-cors", options: `{"origin": ["http://localhost:3000"], "allowedHeaders": "Content-Type"}`,
		method: "PUT", headers: Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}},
		after: "cors({\n  origin: ['http://localhost:3000'],\n  allowedHeaders: 'Content-Type,X-Api-Key',\n})"},
	{name: "express: the default * with credentials", lib: "express-cors", options: `{}`, method: "GET", creds: CredentialsInclude,
		after: `cors({ origin: ['http://localhost:3000'], credentials: true })`,
		why:   "origin is not set, so cors answers *"},
	{name: "express: origin true gains credentials", lib: "express-cors", options: `{"origin": true}`, method: "GET", creds: CredentialsInclude,
		after: `cors({ origin: ['http://localhost:3000'], credentials: true })`,
		why:   "origin: true echoes every origin"},
	{name: "express: misspelled origins", lib: "express-cors", options: `{"origins": ["http://localhost:3000"], "credentials": true}`, method: "GET", creds: CredentialsInclude,
		after: `cors({ origin: ['http://localhost:3000'], credentials: true })`,
		title: "Spell the options as express cors does", why: "origins is not a cors option"},
	{name: "express: methods lack DELETE", lib: "express-cors", options: `{"origin": "http://localhost:3000", "methods": ["GET", "POST"]}`, method: "DELETE",
		after: `cors({ origin: 'http://localhost:3000', methods: ['GET', 'POST', 'DELETE'] })`},
	{name: "express: the default methods lack PURGE", lib: "express-cors", options: `{"origin": "http://localhost:3000"}`, method: "PURGE",
		after: "cors({\n  origin: 'http://localhost:3000',\n  methods: 'GET,HEAD,PUT,PATCH,POST,DELETE,PURGE',\n})",
		why:   "methods is not set, so cors sends its default"},
	{name: "express: optionsSuccessStatus 401", lib: "express-cors", options: `{"origin": "http://localhost:3000", "optionsSuccessStatus": 401}`, method: "PUT",
		after: `cors({ origin: 'http://localhost:3000' })`},
	{name: "express: a RegExp origin", lib: "express-cors", options: `{"origin": {"regexp": "^https://app\\.example\\.com$"}}`, method: "GET",
		after: `cors({ origin: [/^https:\/\/app\.example\.com$/, 'http://localhost:3000'] })`},
}

func (tt libFixTest) scenario(t *testing.T) Scenario {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(tt.options), &opts); err != nil {
		t.Fatal(err)
	}
	return Scenario{V: Version, Page: devOrigin,
		Request: Request{URL: apiURL, Method: tt.method, Headers: tt.headers, Credentials: tt.creds},
		Server:  Server{Library: &Library{Name: tt.lib, Options: opts}}}
}

// libraryFixOf is the fix that changes the library's options (or, for a
// page-only case, the one titled so).
func libraryFixOf(out Outcome, title string) (Fix, bool) {
	for _, f := range out.Fixes {
		if (title == "" && f.Server != nil && f.Server.Library != nil) || (title != "" && f.Title == title) {
			return f, true
		}
	}
	return Fix{}, false
}

func TestLibraryFixes(t *testing.T) {
	languages := map[string]string{"flask-cors": "python", "rs-cors": "go", "jub0bs-cors": "go", "express-cors": "javascript"}
	covered := map[string]int{}
	for _, tt := range libFixTests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.scenario(t)
			out := Evaluate(s)
			if out.Verdict != Blocked {
				t.Fatalf("verdict %s (%s), want blocked", out.Verdict, out.Console+out.ConfigError)
			}
			checkFixes(t, s, out)
			f, ok := libraryFixOf(out, tt.title)
			if !ok {
				t.Fatalf("no library fix among %d fixes (noSafeFix %q)", len(out.Fixes), out.NoSafeFix)
			}
			if f.Code == nil {
				t.Fatal("the fix has no code")
			}
			if f.Code.After != tt.after {
				t.Errorf("code after:\n%s\nwant:\n%s", f.Code.After, tt.after)
			}
			if f.Server != nil && f.Code.Language != languages[tt.lib] {
				t.Errorf("language %q, want %q", f.Code.Language, languages[tt.lib])
			}
			if f.Code.Before == f.Code.After {
				t.Errorf("the code does not change: %s", f.Code.Before)
			}
			if want := "Allow exactly this request in the " + libraryTitle(tt.lib) + " options"; tt.title == "" && f.Title != want {
				t.Errorf("title %q, want %q", f.Title, want)
			}
			if tt.why != "" && !slices.ContainsFunc(f.Why, func(w string) bool { return strings.Contains(w, tt.why) }) {
				t.Errorf("no why-line says %q: %q", tt.why, f.Why)
			}
			// One why-line per change: a renamed option is two changed
			// fields for one reason.
			renamed := 0
			for _, c := range f.Changes {
				if c.To == "" {
					renamed++
				}
			}
			if len(f.Why) < len(f.Changes)-renamed-1 || len(f.Why) == 0 {
				t.Errorf("%d why-lines for %d changes: %q", len(f.Why), len(f.Changes), f.Why)
			}
			fixed := Evaluate(f.Apply(s))
			if fixed.Verdict != Allowed {
				t.Errorf("fixed: %s (%s)", fixed.Verdict, fixed.Console)
			}
			if len(fixed.LibraryWarnings) > len(out.LibraryWarnings) {
				t.Errorf("the fix brings library warnings: %q", fixed.LibraryWarnings)
			}
			covered[tt.lib]++
		})
	}
	for name, n := range covered { // every library: TestEveryRegisteredLibraryIsComplete
		if n < 4 {
			t.Errorf("%s: %d fix cases, want at least 4 (every library plugs into the fixes)", name, n)
		}
	}
}

// TestLibraryFixBeforeIsTheUsersCall: the code before is the scenario's own
// configuration, printed in the library's language.
func TestLibraryFixBeforeIsTheUsersCall(t *testing.T) {
	for _, tt := range []struct {
		lib, options, before string
	}{
		{"flask-cors", `{"headers": ["Content-Type"]}`, `CORS(app, headers=['Content-Type'])`},
		{"flask-cors", `{"max-age": 600, "origins": "https://app.example.com"}`, `CORS(app, origins='https://app.example.com', **{'max-age': 600})`},
		{"rs-cors", `{"AllowedOrigins": ["https://app.example.com"], "MaxAge": 600}`, "cors.New(cors.Options{\n\tAllowedOrigins: []string{\"https://app.example.com\"},\n\tMaxAge:         600,\n})"},
		{"jub0bs-cors", `{"Origins": ["*"]}`, "cors.NewMiddleware(cors.Config{\n\tOrigins: []string{\"*\"},\n})"},
		{"express-cors", `{}`, `cors()`},
		{"express-cors", `{"origin": [{"regexp": "\\.example\\.com$", "flags": "i"}], "maxAge": 600}`, `cors({ origin: [/\.example\.com$/i], maxAge: 600 })`},
	} {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tt.options), &opts); err != nil {
			t.Fatal(err)
		}
		fx := fixerOf(&Library{Name: tt.lib})
		if got := fx.Call(fixOrdered(fx, opts)); got != tt.before {
			t.Errorf("%s %s:\n%s\nwant\n%s", tt.lib, tt.options, got, tt.before)
		}
	}
}

// TestMisspelledOptions: the names people write for an option.
func TestMisspelledOptions(t *testing.T) {
	for _, tt := range []struct{ lib, name, want string }{
		{"flask-cors", "headers", "allow_headers"},
		{"flask-cors", "CORS_ORIGINS", "origins"},
		{"flask-cors", "max-age", "max_age"},
		{"flask-cors", "maxAge", "max_age"},
		{"flask-cors", "supports_credential", "supports_credentials"},
		{"flask-cors", "origin", "origins"},
		{"flask-cors", "credentials", "supports_credentials"},
		{"flask-cors", "expose_header", "expose_headers"},
		{"flask-cors", "foo", ""},
		{"flask-cors", "path", ""},
		{"express-cors", "allowHeaders", "allowedHeaders"},
		{"express-cors", "origins", "origin"},
		{"express-cors", "maxage", "maxAge"},
		{"express-cors", "credential", "credentials"},
		{"express-cors", "exposeHeaders", "exposedHeaders"},
		{"express-cors", "allowedMethods", "methods"},
		{"express-cors", "optionSuccessStatus", "optionsSuccessStatus"},
		{"express-cors", "debug", ""},
	} {
		if got := fixRealName(fixerOf(&Library{Name: tt.lib}), tt.name); got != tt.want {
			t.Errorf("%s: %s stands for %q, want %q", tt.lib, tt.name, got, tt.want)
		}
	}
}

// TestLibraryNoSafeFix: where only a dangerous or refused configuration
// would let the request through, no server fix is offered.
func TestLibraryNoSafeFix(t *testing.T) {
	// jub0bs/cors refuses an http origin (not localhost) with credentials.
	s := libFixTest{lib: "jub0bs-cors", options: `{"Origins": ["http://192.168.1.20:3000"]}`, method: "GET", creds: CredentialsInclude}.scenario(t)
	s.Page = "http://192.168.1.20:3000"
	out := Evaluate(s)
	if out.Verdict != Blocked {
		t.Fatalf("verdict %s", out.Verdict)
	}
	for _, f := range out.Fixes {
		if f.Side != "page" {
			t.Errorf("offered %q (%s): jub0bs/cors refuses an insecure origin with credentials", f.Title, f.Side)
		}
	}
	// A null page is never allowed.
	s = libFixTest{lib: "express-cors", options: `{"origin": ["https://app.example.com"]}`, method: "GET"}.scenario(t)
	s.Page = "null"
	out = Evaluate(s)
	if len(out.Fixes) != 0 || !strings.Contains(out.NoSafeFix, "null") {
		t.Errorf("null page: fixes %v, noSafeFix %q", out.Fixes, out.NoSafeFix)
	}
}

// TestLibraryFixKeepsOnlyWhatIsNeeded: an edit the request does not need is
// left out (here the origin, already allowed by the default "*").
func TestLibraryFixKeepsOnlyWhatIsNeeded(t *testing.T) {
	s := libFixTest{lib: "flask-cors", options: `{"allow_headers": ["Content-Type"]}`, method: "PUT", headers: Headers{{Name: "X-Api-Key", Value: "k1"}}}.scenario(t)
	out := Evaluate(s)
	f, ok := libraryFixOf(out, "")
	if !ok {
		t.Fatalf("no library fix: %+v", out.Fixes)
	}
	if len(f.Changes) != 1 || f.Changes[0].Field != "server.library.options.allow_headers" || f.Changes[0].To != `["Content-Type","X-Api-Key"]` {
		t.Errorf("changes %+v, want only allow_headers gaining X-Api-Key", f.Changes)
	}
	if f.Plain != "Allow the request header X-Api-Key." {
		t.Errorf("plain %q", f.Plain)
	}
}

// TestLibraryConfigErrorFixes: a configuration the library refuses (the
// server would not start) is mended for the request at hand.
func TestLibraryConfigErrorFixes(t *testing.T) {
	for _, tt := range []libFixTest{
		{name: "jub0bs: * with Credentialed", lib: "jub0bs-cors", options: `{"Origins": ["*"], "Credentialed": true}`, method: "GET", creds: CredentialsInclude,
			after: "cors.NewMiddleware(cors.Config{\n\tOrigins:      []string{\"http://localhost:3000\"},\n\tCredentialed: true,\n})",
			why:   `jub0bs/cors refuses to start with "*" and Credentialed together`},
		{name: "jub0bs: * with Credentialed, a JSON PUT", lib: "jub0bs-cors", options: `{"Origins": ["*"], "Credentialed": true, "Methods": ["PUT"]}`, method: "PUT", headers: jsonCT, creds: CredentialsInclude,
			after: "cors.NewMiddleware(cors.Config{\n\tOrigins:        []string{\"http://localhost:3000\"},\n\tCredentialed:   true,\n\tMethods:        []string{\"PUT\"},\n\tRequestHeaders: []string{\"Content-Type\"},\n})"},
		{name: "flask: send_wildcard with supports_credentials", lib: "flask-cors", options: `{"send_wildcard": true, "supports_credentials": true}`, method: "GET", creds: CredentialsInclude,
			after: `CORS(app, origins=['http://localhost:3000'], supports_credentials=True)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.scenario(t)
			out := Evaluate(s)
			if out.Verdict != Error || out.ConfigError == "" {
				t.Fatalf("verdict %s, configError %q: want the library to refuse the configuration", out.Verdict, out.ConfigError)
			}
			checkFixes(t, s, out)
			f, ok := libraryFixOf(out, "")
			if !ok {
				t.Fatalf("no fix for %q", out.ConfigError)
			}
			if f.Code.After != tt.after {
				t.Errorf("code after:\n%s\nwant:\n%s", f.Code.After, tt.after)
			}
			if tt.why != "" && !slices.ContainsFunc(f.Why, func(w string) bool { return strings.Contains(w, tt.why) }) {
				t.Errorf("no why-line says %q: %q", tt.why, f.Why)
			}
		})
	}
	// Without cookies on the request, nothing tells which of the two the
	// configuration should lose: no fix is guessed.
	s := libFixTest{lib: "jub0bs-cors", options: `{"Origins": ["*"], "Credentialed": true}`, method: "GET"}.scenario(t)
	if out := Evaluate(s); len(out.Fixes) != 0 || out.NoSafeFix != "" {
		t.Errorf("fixes %+v, noSafeFix %q", out.Fixes, out.NoSafeFix)
	}
}
