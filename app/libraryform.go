package app

import (
	"encoding/json"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// LibraryForm edits a real library's configuration with the library's own
// option names, as JSON. Text that is not valid JSON yet stays as typed and
// the server keeps the last valid options.
type LibraryForm struct {
	app.Compo
	Library engine.Library
	Route   string       // the request URL's path: the program's app serves it
	Bad     fieldProblem // the field that is not what it must be, if any

	options typedText
	problem string

	config        string // the library's own configuration text, as pasted
	configProblem string // why it could not be read

	// program is the runnable program for what programOf names (name,
	// version, route and options): written again only when they change,
	// not on every render.
	program, programOf string
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
	doc, _ := f.Library.Doc()
	docs := engine.LibraryDocs()
	bad := f.Bad
	if f.problem != "" {
		// Text that is not JSON yet never reaches the scenario: the form
		// marks it itself.
		bad = fieldProblem{Path: "server.library.options", ID: "library-options", Words: f.problem}
	}
	return app.Div().Class("library").Body(
		fieldOf("library-name", "Library", doc.Title,
			markInput(app.Select().ID("library-name").OnChange(f.onName), "library-name", bad).Body(libraryGroups(docs, doc)...), bad),
		fieldOf("library-options", "Options (JSON, the library's own names)", "Options: "+doc.Options+".",
			markInput(app.Textarea().ID("library-options").Class("mono").Rows(8).Attr("spellcheck", "false").
				Text(live("library-options", f.options.text)).Body(app.Text(f.options.text)).OnInput(f.onOptions), "library-options", bad), bad),
		app.Elem("p").Class("defaults").ID("library-defaults").Body(app.Elem("strong").Text("Defaults: "), app.Text(doc.Defaults)),
		libraryQuirks(doc.Quirks),
		app.Elem("p").Class("hint").ID("library-proven").Text(provenText(doc)),
		f.configText(doc),
		f.imported(),
	)
}

// configText reads the library's own configuration (a call, a settings
// block, an options object…) into the options, and shows the server as a
// runnable program in the library's language; for a library whose reader
// and program only the command carries (app.wasm's budget), it says how
// to get them there.
func (f *LibraryForm) configText(doc engine.LibraryDoc) app.UI {
	if of := f.Library.Name + "@" + f.Library.Version + " " + f.Route + " " + optionsText(f.Library.Options); of != f.programOf {
		f.program, _ = f.Library.Program(f.Route)
		f.programOf = of
	}
	program := f.program
	return app.Div().Class("config-text").Body(
		app.If(f.Library.ReadsConfig(), func() app.UI {
			return app.Div().Body(
				fieldOf("library-config", "Or paste your configuration as you wrote it", "Your own code, e.g. the call that sets up the middleware: it replaces the options above.",
					app.Textarea().ID("library-config").Class("mono").Rows(4).Attr("spellcheck", "false").
						Text(live("library-config", f.config)).Body(app.Text(f.config)).OnInput(f.onConfig), fieldProblem{}),
				app.Button().ID("library-config-read").Class("small").OnClick(f.onReadConfig).Text("Read this configuration"),
				app.If(f.configProblem != "", func() app.UI {
					return app.Elem("p").Class("problem").ID("library-config-problem").Attr("role", "alert").Text(f.configProblem)
				}),
			)
		}).ElseIf(doc.Name != "", func() app.UI {
			return app.Elem("p").Class("hint").ID("library-config-command").Body(
				app.Text("This page does not read "+doc.Name+"'s own code or write its program yet (its size budget); corsplay's command does: "),
				app.Code().Text("corsplay import --library "+doc.Name+" FILE"),
				app.Text(" prints the options your code sets, to paste above, and "),
				app.Code().Text("corsplay program SCENARIO.json"),
				app.Text(" writes the server as a runnable program."))
		}),
		app.If(program != "", func() app.UI {
			return app.Elem("details").Class("code").Body(
				app.Elem("summary").Text("This server as a runnable program"),
				app.Elem("pre").ID("library-program").Class("mono").Text(program),
			)
		}),
	)
}

func (f *LibraryForm) onConfig(ctx app.Context, e app.Event) { f.config = value(ctx) }

func (f *LibraryForm) onReadConfig(ctx app.Context, e app.Event) {
	l, err := f.Library.ImportConfig(f.config)
	f.configProblem = ""
	if err != nil {
		f.configProblem = "corsplay could not read this: " + err.Error()
		return
	}
	edit(ctx, func(s *engine.Scenario) {
		if s.Server.Library != nil {
			s.Server.Library.Options = l.Options
		}
	})
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

// libraryQuirks are what surprises the library's users: one paragraph, or
// a list when there are several.
func libraryQuirks(quirks []string) app.UI {
	if len(quirks) == 1 {
		return app.Elem("p").Class("quirks").Body(app.Elem("strong").Text("Quirks: "), app.Text(quirks[0]))
	}
	return app.Div().Class("quirks").Body(
		app.Elem("strong").Text("Quirks:"),
		app.Elem("ul").Body(app.Range(quirks).Slice(func(i int) app.UI { return app.Elem("li").Text(quirks[i]) })),
	)
}

// libraryGroups are the picker's options, one group per language; an
// option's value is the name, and "@version" for a version that is not
// the library's default.
func libraryGroups(docs []engine.LibraryDoc, current engine.LibraryDoc) []app.UI {
	var groups []app.UI
	for i := 0; i < len(docs); {
		j := i
		var opts []app.UI
		for ; j < len(docs) && docs[j].Language == docs[i].Language; j++ {
			d := docs[j]
			label := strings.TrimSuffix(strings.SplitN(d.Title, " (", 2)[0], " "+d.Version) + " " + d.Version
			opts = append(opts, app.Option().Value(libraryChoice(d)).Selected(d.Name == current.Name && d.Version == current.Version).Text(label))
		}
		groups = append(groups, app.OptGroup().Label(docs[i].Language).Body(opts...))
		i = j
	}
	return groups
}

// provenText says which version the answers are proven for.
func provenText(doc engine.LibraryDoc) string {
	return "Every answer here is the one " + doc.Name + " " + doc.Version + " gives: corsplay's tests run that version for real."
}

// libraryChoice is a picker option's value.
func libraryChoice(d engine.LibraryDoc) string {
	if d.Default {
		return d.Name
	}
	return d.Name + "@" + d.Version
}

func (f *LibraryForm) onName(ctx app.Context, e app.Event) {
	choice := value(ctx)
	name, version, _ := strings.Cut(choice, "@")
	if _, ok := (engine.Library{Name: name, Version: version}).Doc(); !ok {
		return
	}
	edit(ctx, func(s *engine.Scenario) {
		if s.Server.Library != nil {
			s.Server.Library.Name, s.Server.Library.Version = name, version
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
