package app

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// ConsoleView shows every line the profile's browser logs for the fetch,
// each with its source and level, the one that says why marked, and the
// TypeError the page's script sees.
type ConsoleView struct {
	app.Compo
	Profile   string
	Lines     []engine.ConsoleLine
	Main      string // the line that says why (Outcome.Console)
	TypeError string
	CORSError string
	Thrown    bool   // fetch() throws before sending: Main is the TypeError's message
	Aside     string // when Main is no browser's line, the box's title ("The library's error")

	copy copier
}

func (c *ConsoleView) Render() app.UI {
	lines := c.shown()
	main := c.mainLine(lines)
	return app.Div().Class("console").Body(
		app.Div().Class("console-head").Body(
			app.Elem("h3").ID("console-title").Text(c.title()),
			// The CorsError is Chromium's name for the failure, finer than
			// what Firefox and Safari say: shown for them as Chromium's.
			app.If(c.CORSError != "" && !chromium(c.Profile), func() app.UI { return app.Elem("span").Class("line-tag").Text("Chromium calls it") }),
			app.If(c.CORSError != "", func() app.UI { return app.Elem("code").ID("cors-error").Class("tag").Text(c.CORSError) }),
			app.Button().ID("copy-console").Class("small").Attr("aria-label", "Copy what "+c.title()+" shows").OnClick(c.onCopy).Text(copyText(c.copy.copied())),
		),
		c.copy.manualField("copy-console-text", "What "+c.title()+" shows", true),
		app.If(c.Profile == engine.Spec && c.Aside == "", func() app.UI {
			return app.Elem("p").ID("console-spec").Class("hint").Text("The Fetch standard has no console: it says only that fetch() fails. The text here is Chrome's, for the same failure.")
		}),
		app.If(len(lines) > 0, func() app.UI {
			return app.Elem("ol").Class("console-lines mono").Attr("aria-labelledby", "console-title").Body(
				app.Range(lines).Slice(func(i int) app.UI { return c.line(lines[i], i == main) }),
			)
		}),
		app.If(c.TypeError != "" && c.Aside == "", func() app.UI {
			msg := app.Text(c.TypeError)
			if c.Thrown {
				msg = app.Elem("span").ID("console").Text(c.TypeError)
			}
			return app.Elem("p").ID("type-error").Class("type-error").Body(
				app.Text("The page's script sees: "+c.verb()+" "),
				app.Elem("code").Body(app.Text("TypeError: "), msg),
			)
		}),
	)
}

// shown are the lines in the box: the browser's, or the aside.
func (c *ConsoleView) shown() []engine.ConsoleLine {
	if c.Aside != "" {
		return []engine.ConsoleLine{{Text: c.Main}}
	}
	return c.Lines
}

// mainLine is the index of the line that says why, -1 when none does (or
// the TypeError shown below says it).
func (c *ConsoleView) mainLine(lines []engine.ConsoleLine) int {
	if c.Thrown && c.Aside == "" {
		return -1
	}
	for i, l := range lines {
		if l.Text == c.Main {
			return i
		}
	}
	return -1
}

// line is one console line; the one that says why carries id "console".
func (c *ConsoleView) line(l engine.ConsoleLine, main bool) app.UI {
	text := app.Div().Class("line-text").Text(l.Text)
	if main {
		text = text.ID("console")
	}
	return app.Elem("li").Class(lineClass(main)).Body(
		app.If(l.Source != "", func() app.UI {
			return app.Div().Class("line-meta").Body(
				app.Elem("span").Class("line-tag").Text(lineTag(l)),
				app.If(main, func() app.UI { return app.Elem("span").Class("line-why").Text("the reason") }),
			)
		}),
		text,
	)
}

// chromium reports whether profile speaks with Chromium's words.
func chromium(profile string) bool {
	return profile == engine.Chrome || profile == engine.Edge || profile == engine.Spec
}

func lineClass(main bool) string {
	if main {
		return "line main"
	}
	return "line"
}

func lineTag(l engine.ConsoleLine) string { return l.Source + " · " + l.Level }

func (c *ConsoleView) title() string {
	switch {
	case c.Aside != "":
		return c.Aside
	case c.Profile == engine.Spec && c.Thrown:
		return "The TypeError Chrome throws (the standard has no console)"
	case c.Profile == engine.Spec:
		return "What Chrome logs (the standard has no console)"
	case c.Thrown:
		return "The TypeError " + profileName(c.Profile) + " throws"
	}
	return profileName(c.Profile) + "'s console"
}

func (c *ConsoleView) verb() string {
	if c.Thrown {
		return "fetch() throws"
	}
	return "fetch() rejects with"
}

// text is what the box shows, as copied: a line per console line, its
// source and level first, then what the script sees.
func (c *ConsoleView) text() string {
	var b strings.Builder
	for _, l := range c.shown() {
		if l.Source != "" {
			b.WriteString("[" + lineTag(l) + "] ")
		}
		b.WriteString(l.Text + "\n")
	}
	if c.TypeError != "" && c.Aside == "" {
		b.WriteString("The page's script sees: " + c.verb() + " TypeError: " + c.TypeError + "\n")
	}
	return b.String()
}

func (c *ConsoleView) onCopy(ctx app.Context, e app.Event) {
	c.copy.copy(ctx, "copy-console-text", c.text())
}
