package app

import (
	"encoding/json"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// LibraryForm edits a real library's configuration with the library's own
// option names, as JSON. Text that is not valid JSON yet stays as typed and
// the server keeps the last valid options.
type LibraryForm struct {
	app.Compo
	Library engine.Library
	Bad     fieldProblem // the field that is not what it must be, if any

	options typedText
	problem string
}

// libraryDocs say, per library, what it is and which options it reads.
var libraryDocs = map[string]struct{ title, options, defaults, quirks string }{
	"flask-cors": {"Flask-CORS 3.0.10 (Python), as Debian 12 ships it: CORS(app, **options)",
		"origins, methods, allow_headers, expose_headers, supports_credentials, max_age, send_wildcard, vary_header, always_send, automatic_options, resources, intercept_exceptions",
		`origins "*", methods ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"], allow_headers "*", expose_headers none, supports_credentials false, max_age none, send_wildcard false, vary_header true, always_send true, resources "/*"`,
		"Defaults to origins \"*\", which echoes any origin — with supports_credentials that is any site reading with cookies. A string with * \\ ] ? $ ^ [ ( ) is a regex matched with re.match: a prefix match, so anchor it with $. Unknown options (a tutorial's headers=) are ignored with only a log warning. Preflights always get 200."},
	"rs-cors": {"rs/cors v1.11.1 (Go): cors.New(cors.Options{...})",
		"AllowedOrigins, AllowedMethods, AllowedHeaders, ExposedHeaders, MaxAge, AllowCredentials, AllowPrivateNetwork, OptionsPassthrough, OptionsSuccessStatus",
		`AllowedOrigins [] (every origin, answered *), AllowedMethods ["GET", "POST", "HEAD"], AllowedHeaders ["accept", "content-type", "x-requested-with"], ExposedHeaders [], MaxAge 0 (header omitted), AllowCredentials false, OptionsSuccessStatus 204`,
		"No validation: an empty AllowedOrigins or a \"*\" allows every origin; one * per entry matches any text (\"h*\" matches almost everything). A refused preflight gets 204 without CORS headers, so browsers report a missing Access-Control-Allow-Origin."},
	"jub0bs-cors": {"jub0bs/cors v1.0.1 (Go): cors.NewMiddleware(cors.Config{...})",
		"Origins, Credentialed, Methods, RequestHeaders, MaxAgeInSeconds, ResponseHeaders, DangerouslyTolerateInsecureOrigins, DangerouslyTolerateSubdomainsOfPublicSuffixes",
		"none by design: Origins must list at least one origin; Credentialed false; no method or header beyond the safelisted ones; MaxAgeInSeconds 0 (browsers' 5 s; -1 disables caching)",
		"Validates everything up front and refuses dangerous or useless settings (null, * with credentials, http origins with credentials, *.com…) with its own error: the server does not start. A refused preflight gets 403."},
	"express-cors": {"expressjs/cors 2.8.6 in Express 5: app.use(cors({...}))",
		"origin, methods, allowedHeaders (alias headers), exposedHeaders, credentials, maxAge, preflightContinue, optionsSuccessStatus; a RegExp origin is written {\"regexp\": \"...\", \"flags\": \"i\"}",
		`origin "*", methods "GET,HEAD,PUT,PATCH,POST,DELETE", allowedHeaders omitted (echo the request's), credentials false, maxAge omitted, preflightContinue false, optionsSuccessStatus 204`,
		"origin: true reflects every origin; a string is sent as is to everyone. A refused origin still gets the other CORS headers. Without allowedHeaders the requested headers are echoed. RegExp tests are unanchored searches."},
}

func (f *LibraryForm) OnInit() {
	f.options.text = optionsText(f.Library.Options)
	f.options.last = f.options.text
}

// OnUpdate shows options changed elsewhere (a preset, a fix) and keeps the
// text being typed.
func (f *LibraryForm) OnUpdate(ctx app.Context) {
	shown, ok := optionsMeaning(f.options.text)
	if f.options.sync(optionsText(f.Library.Options), optionsText(f.Library.Options), shown, ok) {
		f.problem = ""
	}
}

// optionsMeaning is what options text says, written canonically.
func optionsMeaning(text string) (string, bool) {
	var opts map[string]json.RawMessage
	if engine.Unmarshal([]byte(text), &opts) != nil {
		return "", false
	}
	return optionsText(opts), true
}

// optionsText writes options as indented JSON, keys sorted.
func optionsText(opts map[string]json.RawMessage) string {
	if len(opts) == 0 {
		return "{}"
	}
	b, err := json.MarshalIndent(opts, "", "  ")
	if err != nil {
		return "{}"
	}
	return string(b)
}

func (f *LibraryForm) Render() app.UI {
	doc := libraryDocs[f.Library.Name]
	names := engine.LibraryNames()
	bad := f.Bad
	if f.problem != "" {
		// Text that is not JSON yet never reaches the scenario: the form
		// marks it itself.
		bad = fieldProblem{Path: "server.library.options", ID: "library-options", Words: f.problem}
	}
	return app.Div().Class("library").Body(
		fieldOf("library-name", "Library", doc.title,
			markInput(app.Select().ID("library-name").OnChange(f.onName), "library-name", bad).Body(app.Range(names).Slice(func(i int) app.UI {
				return app.Option().Value(names[i]).Selected(names[i] == f.Library.Name).Text(names[i])
			})), bad),
		fieldOf("library-options", "Options (JSON, the library's own names)", "Options: "+doc.options+".",
			markInput(app.Textarea().ID("library-options").Class("mono").Rows(8).Attr("spellcheck", "false").
				Text(live("library-options", f.options.text)).Body(app.Text(f.options.text)).OnInput(f.onOptions), "library-options", bad), bad),
		app.Elem("p").Class("defaults").ID("library-defaults").Body(app.Elem("strong").Text("Defaults: "), app.Text(doc.defaults)),
		app.Elem("p").Class("quirks").Body(app.Elem("strong").Text("Quirks: "), app.Text(doc.quirks)),
		f.imported(),
	)
}

// imported offers the library's configuration as a neutral policy, with
// what does not carry over, and its export to the other libraries.
func (f *LibraryForm) imported() app.UI {
	p, notes, err := f.Library.ToPolicy()
	if err != nil {
		return app.Elem("p").Class("hint").Text("No policy equivalent: " + err.Error())
	}
	return app.Div().Class("import").Body(
		app.Div().Class("import-head").Body(
			app.Button().ID("import-policy").Class("small").OnClick(f.onImport).Text("Convert to a policy"),
			app.Elem("span").Class("hint").Text("the closest neutral policy; then export it to another library"),
		),
		app.If(len(notes) > 0, func() app.UI {
			return app.Div().Class("note").ID("import-notes").Body(
				app.Elem("strong").Text("What does not carry over: "),
				app.Elem("ul").Body(app.Range(notes).Slice(func(i int) app.UI { return app.Elem("li").Text(notes[i]) })),
			)
		}),
		&ExportView{Policy: p},
	)
}

func (f *LibraryForm) onImport(ctx app.Context, e app.Event) {
	p, _, err := f.Library.ToPolicy()
	if err != nil {
		return
	}
	edit(ctx, func(s *engine.Scenario) { s.Server = engine.Server{Policy: &p, Layers: s.Server.Layers} })
}

func (f *LibraryForm) onName(ctx app.Context, e app.Event) {
	name := value(ctx)
	if !slices.Contains(engine.LibraryNames(), name) {
		return
	}
	edit(ctx, func(s *engine.Scenario) {
		if s.Server.Library != nil {
			s.Server.Library.Name = name
		}
	})
}

func (f *LibraryForm) onOptions(ctx app.Context, e app.Event) {
	text := value(ctx)
	var opts map[string]json.RawMessage
	err := engine.Unmarshal([]byte(text), &opts)
	f.problem = ""
	if err != nil {
		f.problem = "Not valid yet (" + err.Error() + "): the server keeps the last valid options."
	}
	if !f.options.typed(text, optionsText(opts), err == nil) {
		return
	}
	edit(ctx, func(s *engine.Scenario) {
		if s.Server.Library != nil {
			s.Server.Library.Options = opts
		}
	})
}
