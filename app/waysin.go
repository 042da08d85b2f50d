package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine/evidence"
	"corsplay/presets"
)

// importAction carries an imported scenario (evidence.Result) to the
// Playground.
const importAction = "corsplay/import"

// slowImportBytes is the size from which an import may take long enough
// (about 200 ms in the page) to show a note first.
const slowImportBytes = 256 << 10

// examples are the presets offered as starting points, by title.
var examples = []string{
	"JSON POST needs a preflight",
	"Cookies with Access-Control-Allow-Origin: *",
	"Preflight answered with a 301 redirect",
	"Flask-CORS: a popular tutorial's three mistakes",
}

// WaysIn is the first thing on the page: paste what you have (a console
// error, a HAR, a copied fetch() or curl, curl's output), learn CORS with
// the lessons, or start from an example. The import runs here, in the
// page: nothing leaves the browser.
type WaysIn struct {
	app.Compo
	// Open shows the three ways in; once the visitor is past them (a link,
	// a lesson, an example, a fix or a paste loaded) the paste box folds
	// into one line, so that the scenario comes first.
	Open bool

	text    string
	problem string   // why the paste could not be read
	forms   []string // the accepted forms, when nothing was recognised
	reading string   // the note shown while a large import runs
}

func (w *WaysIn) Render() app.UI {
	paste := w.pasteBox()
	if !w.Open {
		return app.Elem("details").Class("ways-in folded").ID("ways-in").Body(
			app.Elem("summary").Text("Paste an error, a HAR, a copied fetch() or curl"),
			paste,
		)
	}
	titles := presets.Titles()
	return app.Elem("section").Class("ways-in").ID("ways-in").Attr("aria-labelledby", "ways-title").Body(
		app.Elem("h2").ID("ways-title").Text("Why is my request blocked?"),
		app.Div().Class("ways").Body(
			paste,
			app.Div().Class("way").Body(
				app.Elem("h3").Text("Learn CORS"),
				app.P().Class("hint").Text(fmt.Sprintf("%d lessons in %d chapters, one scenario each: what a preflight is, why cookies need more, what the browsers differ on.", len(titles), len(presets.Course()))),
				app.Div().Class("start-course").Body(
					app.Button().ID("start-lessons").Value(titles[0]).OnClick(w.onExample).Text("Start with the first lesson"),
					app.Button().ID("see-course").Class("link").OnClick(w.onCourse).Text("See the course"),
				),
			),
			app.Div().Class("way").Body(
				app.Elem("h3").Text("Start from an example"),
				app.Elem("ul").Class("examples").Body(
					app.Range(examples).Slice(func(i int) app.UI {
						return app.Li().Body(app.Button().Class("link").Value(examples[i]).OnClick(w.onExample).Text(examples[i]))
					}),
				),
			),
		),
	)
}

func (w *WaysIn) pasteBox() app.UI {
	return app.Div().Class("way paste").Body(
		app.Label().For("paste").Body(app.Elem("h3").Text("Paste what you have")),
		app.P().ID("paste-help").Class("hint").Text("The error from the browser console (Chrome, Edge, Firefox, Safari), a HAR file (drop it here), DevTools' “Copy as fetch” or “Copy as cURL”, or what curl -v printed. It is read here, in your browser: nothing is sent anywhere."),
		app.Textarea().ID("paste").Class("mono").Rows(4).Attr("spellcheck", "false").Attr("aria-describedby", "paste-help").
			Placeholder("Access to fetch at 'http://localhost:5000/api/items' from origin 'http://localhost:3000' has been blocked by CORS policy: …").
			Text(w.text).OnInput(w.onInput).OnDrop(w.onDrop),
		app.Div().Class("paste-actions").Body(
			app.Button().ID("paste-go").Class("primary").Disabled(strings.TrimSpace(w.text) == "" || w.reading != "").OnClick(w.onImport).Text("Show me why"),
			app.Label().Class("file").For("paste-file").Body(
				app.Text("or open a file: "),
				app.Input().Type("file").ID("paste-file").Accept(".har,.json,.txt,.log").OnChange(w.onFile),
			),
		),
		app.If(w.reading != "", func() app.UI {
			return app.P().ID("paste-reading").Attr("role", "status").Text(w.reading)
		}),
		app.If(w.problem != "", func() app.UI {
			return app.Div().ID("paste-problem").Class("problem").Attr("role", "alert").Body(
				app.P().Text(w.problem),
				app.If(len(w.forms) > 0, func() app.UI {
					return app.Ul().Body(app.Range(w.forms).Slice(func(i int) app.UI { return app.Li().Text(w.forms[i]) }))
				}),
			)
		}),
	)
}

func (w *WaysIn) onInput(ctx app.Context, e app.Event) { w.text = value(ctx) }

func (w *WaysIn) onImport(ctx app.Context, e app.Event) {
	w.start(ctx, "your paste", []byte(w.text))
}

func (w *WaysIn) onExample(ctx app.Context, e app.Event) {
	if s, ok := presets.ByTitle(value(ctx)); ok {
		ctx.NewActionWithValue(loadAction, s)
	}
}

// onCourse shows the course overview.
func (w *WaysIn) onCourse(ctx app.Context, e app.Event) { ctx.NewActionWithValue(overviewAction, true) }

func (w *WaysIn) onFile(ctx app.Context, e app.Event) {
	if files := ctx.JSSrc().Get("files"); files.Length() > 0 {
		w.readFile(ctx, files.Index(0))
	}
}

// onDrop reads a file dropped on the paste box (web/drop.js keeps the
// browser from opening it).
func (w *WaysIn) onDrop(ctx app.Context, e app.Event) {
	if files := e.Get("dataTransfer").Get("files"); files.Truthy() && files.Length() > 0 {
		w.readFile(ctx, files.Index(0))
	}
}

// readFile reads a file the user picked or dropped, within the bound of
// any import, and imports it.
func (w *WaysIn) readFile(ctx app.Context, f app.Value) {
	name, size := f.Get("name").String(), f.Get("size").Int()
	w.problem, w.forms = "", nil
	if size > evidence.MaxInputBytes {
		w.problem = fmt.Sprintf("%s is %s, more than the %d MiB corsplay reads.", name, byteSize(size), evidence.MaxInputBytes>>20)
		return
	}
	if size >= slowImportBytes {
		w.reading = fmt.Sprintf("Reading %s (%s)…", name, byteSize(size))
	}
	var then app.Func
	then = app.FuncOf(func(this app.Value, args []app.Value) any {
		then.Release()
		u8 := app.Window().Get("Uint8Array").New(args[0])
		data := make([]byte, u8.Length())
		app.CopyBytesToGo(data, u8)
		ctx.Dispatch(func(ctx app.Context) { w.start(ctx, name, data) })
		return nil
	})
	f.Call("arrayBuffer").Call("then", then)
}

// start imports data; a large one after a moment, so that the note saying
// so is on screen while the import holds the page.
func (w *WaysIn) start(ctx app.Context, name string, data []byte) {
	w.problem, w.forms = "", nil
	if len(data) < slowImportBytes {
		w.finish(ctx, data)
		return
	}
	w.reading = fmt.Sprintf("Reading %s (%s)…", name, byteSize(len(data)))
	ctx.After(30*time.Millisecond, func(ctx app.Context) { w.finish(ctx, data) })
}

func (w *WaysIn) finish(ctx app.Context, data []byte) {
	w.reading = ""
	r, err := evidence.Import(data, evidence.Options{})
	switch {
	case errors.Is(err, evidence.ErrUnrecognised):
		w.problem = "Nothing here looks like a CORS error, a HAR, a copied fetch() or curl. corsplay reads:"
		for _, f := range evidence.AcceptedForms {
			w.forms = append(w.forms, strings.TrimPrefix(strings.TrimSpace(f), "- "))
		}
		return
	case err != nil:
		w.problem = "corsplay could not read this: " + err.Error()
		return
	}
	ctx.NewActionWithValue(importAction, r)
}

// byteSize writes n bytes as people read sizes: "812 bytes", "4.2 MB".
func byteSize(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
