package app

import (
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
	"corsplay/presets"
)

// TopBar holds the lessons menu, the browser profile and the link button.
type TopBar struct {
	app.Compo
	Course  []menuChapter
	Preset  string // the title of the lesson on screen, "" for none
	Browser string
	// BrowserLocked: the challenge on screen locks the browser.
	BrowserLocked bool

	link, embed copier
}

func (t *TopBar) Render() app.UI {
	return app.Elem("header").Class("topbar").Body(
		app.Div().Class("brand").Body(
			// Decorative: go-app drops an empty alt, so the role says it.
			app.ElemSelfClosing("img").Attr("src", "/web/icon.svg").Attr("role", "presentation").Attr("width", 28).Attr("height", 28),
			app.Elem("h1").Class("name").Text("corsplay"),
			app.Elem("span").Class("tagline").Text("the CORS playground"),
		),
		app.Label().Class("control").For("preset").Body(
			app.Elem("span").Text("Lesson"),
			app.Select().ID("preset").OnChange(t.onPreset).Body(
				app.Option().Value("").Selected(t.Preset == "").Text("Lessons…"),
				app.Range(t.Course).Slice(func(i int) app.UI {
					ch := t.Course[i]
					return app.Elem("optgroup").Attr("label", ch.title).Body(
						app.Range(ch.lessons).Slice(func(j int) app.UI {
							return app.Option().Value(ch.lessons[j]).Selected(ch.lessons[j] == t.Preset).Text(ch.lessons[j])
						}),
					)
				}),
			),
		),
		app.Label().Class("control").For("browser").Body(
			app.Elem("span").Text("Browser"),
			app.If(t.BrowserLocked, func() app.UI {
				return app.Elem("span").ID("browser-locked").Class("locked-tag").Text("locked in this challenge")
			}),
			app.Select().ID("browser").Disabled(t.BrowserLocked).OnChange(t.onBrowser).Body(
				app.Range(pickerProfiles).Slice(func(i int) app.UI {
					p := pickerProfiles[i]
					return app.Option().Value(p.value).Selected(p.value == pickerValue(t.Browser)).Text(p.label)
				}),
			),
		),
		app.Div().Class("share").Body(
			app.Button().ID("copy-link").Class("primary").OnClick(t.onCopy).Text(copyLabel(t.link.copied(), "Link")),
			app.Button().ID("copy-embed").Attr("title", "An <iframe> of the read-only view, for docs and blog posts").OnClick(t.onCopyEmbed).Text(copyLabel(t.embed.copied(), "Embed code")),
		),
		t.link.manualField("copy-link-text", "The link to this scenario", false),
		t.embed.manualField("copy-embed-text", "The embed code", true),
	)
}

// menuChapter is a chapter of the lessons menu: its title and its lessons'
// titles, in course order.
type menuChapter struct {
	title   string
	lessons []string
}

// courseMenu is the lessons menu, made once.
var courseMenu = sync.OnceValue(func() []menuChapter {
	titles := lessonTitles()
	var menu []menuChapter
	for i, ch := range presets.Course() {
		m := menuChapter{title: fmt.Sprintf("%d. %s", i+1, ch.Title)}
		for _, id := range ch.Lessons {
			if titles[id] != "" {
				m.lessons = append(m.lessons, titles[id])
			}
		}
		menu = append(menu, m)
	}
	return menu
})

func copyLabel(copied bool, what string) string {
	if copied {
		return what + " copied"
	}
	return "Copy " + strings.ToLower(what[:1]) + what[1:]
}

// embedCode is the <iframe> that shows the scenario at href read-only
// (/embed keeps the fragment, which holds the scenario).
func embedCode(href, title string) string {
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	u.Path, u.RawPath, u.RawQuery = "/embed", "", ""
	if title == "" {
		title = "a CORS scenario, step by step"
	}
	return `<iframe src="` + attrEscaper.Replace(u.String()) + `" title="corsplay: ` + attrEscaper.Replace(title) +
		`" width="100%" height="720" loading="lazy" style="border:0"></iframe>`
}

// attrEscaper escapes an attribute value as html.EscapeString does,
// without package html, whose entity table the page would carry (15.7 KB
// brotli).
var attrEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

func (t *TopBar) onPreset(ctx app.Context, e app.Event) {
	if s, ok := presets.ByTitle(value(ctx)); ok {
		ctx.NewActionWithValue(loadAction, s)
	}
}

func (t *TopBar) onBrowser(ctx app.Context, e app.Event) {
	v := value(ctx)
	edit(ctx, func(s *engine.Scenario) { s.Browser = v })
}

// onCopy copies the page's address, which is the permalink.
func (t *TopBar) onCopy(ctx app.Context, e app.Event) {
	link.flush()
	t.link.copy(ctx, "copy-link-text", app.Window().Get("location").Get("href").String())
}

// onCopyEmbed copies the <iframe> of this scenario's read-only view.
func (t *TopBar) onCopyEmbed(ctx app.Context, e app.Event) {
	link.flush()
	if code := embedCode(app.Window().Get("location").Get("href").String(), t.Preset); code != "" {
		t.embed.copy(ctx, "copy-embed-text", code)
	}
}
