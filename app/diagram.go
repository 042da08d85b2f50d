package app

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// The diagram is HTML, not a scaled drawing, so that its text keeps its
// size and wraps: an ordered list with a row per message on a grid of
// three lanes (page | browser | server) whose lifelines CSS draws. A
// row's arrow spans from its lane to the other, its label above it; the
// engine's steps are numbered points on the rows they belong to. Where the
// diagram is narrow (a container query in web/app.css), the rows become a
// plain list that says "Browser → Server" in words.

// row is one line of the diagram: an arrow, the browser deciding, or a
// later send of a repeated request.
type row struct {
	message
	steps    []int // indices into Outcome.Steps of the points on this row
	thinking bool  // the browser deciding on its own lane
	send     *engine.Send
}

// dir says in words where the row's arrow goes.
func (r row) dir() string {
	if r.thinking {
		return "Browser"
	}
	lane := func(l int) string {
		if l == laneServer && r.who != "" {
			return r.who
		}
		return laneNames[l]
	}
	return lane(r.from) + " → " + lane(r.to)
}

// rows lays out the exchange: the request, the browser's decisions, the
// preflight and the request on the wire with their responses, the result,
// then any later sends. Every step is on exactly one row.
func (x *Exchange) rows() []row {
	if hopped(x.Outcome) {
		return x.laterSends(x.hopRows())
	}
	ms := x.messages()
	var rows []row
	at := map[string]int{}
	add := func(r row) {
		at[r.id] = len(rows)
		rows = append(rows, r)
	}
	add(row{message: ms[0]})
	add(row{message: message{id: "browser", label: "browser decides", full: "the browser decides", from: laneBrowser, to: laneBrowser}, thinking: true})
	for _, m := range ms[1:] {
		add(row{message: m})
	}
	for i, st := range x.Outcome.Steps {
		j, ok := at[rowOf(st)]
		if !ok {
			j = at["browser"]
		}
		rows[j].steps = append(rows[j].steps, i)
	}
	if len(rows[1].steps) == 0 {
		rows = append(rows[:1], rows[2:]...)
	}
	return x.laterSends(rows)
}

// laterSends adds a row per later send of a repeated request.
func (x *Exchange) laterSends(rows []row) []row {
	if sends := x.Outcome.Sends; len(sends) > 1 {
		method, path := "", ""
		if r := x.request(); r != nil {
			method, path = r.Method, pathOf(r.URL)
		}
		for i := range sends[1:] {
			d := &sends[1+i]
			label, full := sendLabel(*d, method, shortPath(path)), sendLabel(*d, method, path)
			rows = append(rows, row{message: message{id: fmt.Sprintf("send-%d", i+2), label: label, full: full,
				from: lanePage, to: laneServer, fail: d.Verdict == engine.Blocked || d.Verdict == engine.Error}, send: d})
		}
	}
	return rows
}

// sendLabel says what a later send of the same fetch() puts on the wire.
func sendLabel(d engine.Send, method, path string) string {
	s := fmt.Sprintf("at %g s: %s %s again — ", d.At, method, path)
	switch d.Preflight {
	case "cached":
		s += "preflight cached, no OPTIONS"
	case "sent":
		s += "OPTIONS preflight sent first"
	default:
		s += "no preflight needed"
	}
	if d.Verdict == engine.Blocked {
		s += ", blocked"
	}
	return s
}

// shortPath shortens a path longer than 28 characters in the middle,
// keeping its first segments and its last segment with the query:
// "/api/v2/…/items?include=owner". The full text is in the step panel, the
// raw HTTP and the row's title and accessible name.
func shortPath(p string) string {
	const long, budget = 28, 34
	n := utf8.RuneCountInString(p)
	if n <= long {
		return p
	}
	cut := func() string { // the middle, by characters
		r := []rune(p)
		return string(r[:budget/2-1]) + "…" + string(r[n-budget/2:])
	}
	q := strings.IndexAny(p, "?#")
	if q < 0 {
		q = len(p)
	}
	last := strings.LastIndex(p[:q], "/")
	if last <= 0 {
		return cut()
	}
	tail := p[last:]
	if utf8.RuneCountInString(tail) > budget-2 {
		return cut()
	}
	head := ""
	for _, seg := range strings.Split(p[1:last], "/") {
		if utf8.RuneCountInString(head+"/"+seg+"/…"+tail) > budget {
			break
		}
		head += "/" + seg
	}
	if head == p[:last] { // nothing was left out
		return cut()
	}
	return head + "/…" + tail
}

// diagram draws the rows; the current step's row and point are
// highlighted.
func (x *Exchange) diagram(rows []row, cur int, curRow string) app.UI {
	var later bool
	items := make([]app.UI, 0, len(rows)+2)
	for _, r := range rows {
		if r.send != nil && !later {
			later = true
			first := x.Outcome.Sends[0]
			items = append(items, app.Li().Class("row later").Body(
				app.Span().Class("later-title").Textf("Later sends of the same fetch() — the exchange above is the one at %g s", first.At),
			))
		}
		items = append(items, x.row(r, cur, r.id == curRow))
	}
	return app.Div().Class("diagram").Attr("role", "group").Attr("aria-label", "Sequence diagram: the page's JavaScript, the browser and the server").Body(
		app.Div().Class("lanes").Attr("aria-hidden", "true").Body(
			app.Span().Text(laneNames[lanePage]), app.Span().Text(laneNames[laneBrowser]), app.Span().Text(laneNames[laneServer]),
		),
		app.Ol().Class("rows").Body(items...),
	)
}

// row draws one row: its arrow (a button when it has steps or raw HTTP to
// show) and its numbered steps.
func (x *Exchange) row(r row, cur int, current bool) app.UI {
	class := "row " + span(r)
	switch {
	case r.thinking:
		class += " thinking"
	case r.unsent:
		class += " unsent"
	case r.fail:
		class += " failed"
	}
	if r.send != nil {
		class += " send"
	}
	if r.to < r.from {
		class += " leftward"
	}
	if current {
		class += " current"
	}
	content := []app.UI{
		app.Span().Class("dir").Text(r.dir()),
		label(r),
		app.Span().Class("shaft").Attr("aria-hidden", "true"),
	}
	if r.who != "" && r.to == laneServer {
		// Wide, the server lane names who answers this hop; the direction
		// says it to a screen reader, and narrow.
		content = append(content, app.Span().Class("who").Attr("aria-hidden", "true").Text(r.who))
	}
	var arrow app.UI
	if len(r.steps) > 0 || r.raw != "" {
		// The name is what the row shows, and for a screen reader what
		// the eye gets from the lanes and the title.
		extra := ""
		if r.label != r.full {
			extra += ", in full: " + r.full
		}
		switch len(r.steps) {
		case 0:
		case 1:
			extra += fmt.Sprintf(", step %d", r.steps[0]+1)
		default:
			extra += fmt.Sprintf(", steps %d to %d", r.steps[0]+1, r.steps[len(r.steps)-1]+1)
		}
		if extra != "" {
			content = append(content, app.Span().Class("sr-only").Text(extra))
		}
		arrow = app.Button().Class("arrow").Title(r.full).OnClick(x.onRow(r), app.EventScope(r.id)).Body(content...)
	} else {
		arrow = app.Div().Class("arrow").Title(r.full).Body(content...)
	}
	body := []app.UI{arrow}
	if r.send != nil && r.send.Detail != "" {
		body = append(body, app.Span().Class("send-detail").Text(r.send.Detail))
	}
	if len(r.steps) > 0 {
		dots := make([]app.UI, len(r.steps))
		for k, i := range r.steps {
			st := x.Outcome.Steps[i]
			b := app.Button().ID(fmt.Sprintf("step-%d", i+1)).Class("dot "+st.Status).Attr("tabindex", -1).
				Title(fmt.Sprintf("Step %d: %s", i+1, st.Title)).Attr("aria-label", fmt.Sprintf("Step %d: %s", i+1, st.Title)).
				OnClick(x.onStep(i), app.EventScope(fmt.Sprint(i))).Text(i + 1)
			if i == cur {
				b = b.Class("current").Attr("aria-current", "step")
			}
			dots[k] = b
		}
		body = append(body, app.Span().Class("dots").Body(dots...))
	}
	return app.Li().ID("msg-" + r.id).Class(class).Body(body...)
}

// span names the lanes a row spans, for the grid.
func span(r row) string {
	switch {
	case r.thinking:
		return "on-browser"
	case r.send != nil:
		return "page-server"
	case r.from == laneServer || r.to == laneServer:
		return "browser-server"
	}
	return "page-browser"
}

// label is the row's text as drawn; a shortened one holds the full text
// too, which CSS shows instead while the row has the keyboard's focus.
func label(r row) app.UI {
	if r.who != "" {
		return hopLabel(r)
	}
	if r.label == r.full {
		return app.Span().Class("label").Text(r.label)
	}
	return app.Span().Class("label").Body(
		app.Span().Class("short").Text(r.label),
		app.Span().Class("full").Text(r.full),
	)
}

// hopLabel is label for a hop's row, whose URLs may break after their
// scheme ("GET https://" above "login.example.com/sso") rather than
// anywhere in them.
func hopLabel(r row) app.UI {
	text := func(s string) []app.UI {
		var out []app.UI
		for {
			before, after, ok := strings.Cut(s, "://")
			if !ok {
				return append(out, app.Text(s))
			}
			out = append(out, app.Text(before+"://"), app.Elem("wbr"))
			s = after
		}
	}
	if r.label == r.full {
		return app.Span().Class("label").Body(text(r.label)...)
	}
	return app.Span().Class("label").Body(
		app.Span().Class("short").Body(text(r.label)...),
		app.Span().Class("full").Body(text(r.full)...),
	)
}
