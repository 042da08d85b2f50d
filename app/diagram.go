package app

import (
	"fmt"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const svgNS = "http://www.w3.org/2000/svg"

// Diagram geometry, in SVG user units.
const (
	diagramWidth = 640
	laneTop      = 40
	rowHeight    = 52
)

var laneX = [3]int{90, 320, 550}
var laneNames = [3]string{"Page JavaScript", "Browser", "Server"}

func svg(tag string) app.HTMLElem { return app.Elem(tag).XMLNS(svgNS) }

// diagram draws the lanes and one arrow per message; the current one is
// highlighted, and each opens its raw HTTP text when chosen.
func (x *Exchange) diagram(ms []message, cur string) app.UI {
	height := laneTop + rowHeight*(len(ms)+1)
	body := []app.UI{
		svg("title").Text("Sequence diagram of the exchange"),
		svg("defs").Body(
			marker("arrow", "arrowhead"),
			marker("arrow-bad", "arrowhead bad"),
		),
	}
	for i, name := range laneNames {
		body = append(body,
			svg("text").Attr("x", laneX[i]).Attr("y", 20).Attr("text-anchor", "middle").Class("lane-name").Text(name),
			svg("line").Attr("x1", laneX[i]).Attr("y1", 28).Attr("x2", laneX[i]).Attr("y2", height-8).Class("lane"),
		)
	}
	if cur == "browser" {
		y := laneTop + rowHeight/2
		body = append(body, svg("rect").Attr("x", laneX[laneBrowser]-70).Attr("y", y-14).Attr("width", 140).Attr("height", 28).
			Attr("rx", 6).Class("thinking current"))
		body = append(body, svg("text").Attr("x", laneX[laneBrowser]).Attr("y", y+5).Attr("text-anchor", "middle").Class("label").Text("browser decides"))
	}
	for i, m := range ms {
		body = append(body, x.arrow(m, i, m.id == cur))
	}
	return app.Div().Class("diagram").Body(
		svg("svg").Attr("viewBox", fmt.Sprintf("0 0 %d %d", diagramWidth, height)).Attr("role", "group").
			Attr("aria-label", "Sequence diagram: the page's JavaScript, the browser and the server").Body(body...),
	)
}

func marker(id, class string) app.UI {
	return svg("marker").ID(id).Attr("viewBox", "0 0 10 10").Attr("refX", 9).Attr("refY", 5).
		Attr("markerWidth", 8).Attr("markerHeight", 8).Attr("orient", "auto-start-reverse").Body(
		svg("path").Attr("d", "M0,0 L10,5 L0,10 z").Class(class),
	)
}

// arrow is one message, focusable and clickable.
func (x *Exchange) arrow(m message, row int, current bool) app.UI {
	y := laneTop + rowHeight*(row+1)
	x1, x2 := laneX[m.from], laneX[m.to]
	if x1 < x2 {
		x2 -= 4
	} else {
		x2 += 4
	}
	class := "msg"
	mark := "url(#arrow)"
	switch {
	case m.absent:
		class += " absent"
	case m.failed:
		class += " failed"
		mark = "url(#arrow-bad)"
	}
	if current {
		class += " current"
	}
	line := svg("line").Attr("x1", x1).Attr("y1", y).Attr("x2", x2).Attr("y2", y)
	if !m.absent {
		line = line.Attr("marker-end", mark)
	}
	text := fmt.Sprintf("%d  %s", row+1, m.label)
	lx, left, right := labelBox(min(x1, x2), max(x1, x2), text)
	return svg("g").ID("msg-"+m.id).Class(class).Attr("tabindex", 0).Attr("role", "button").
		Attr("aria-label", fmt.Sprintf("%d. %s", row+1, m.label)).OnClick(x.onOpen(m.id), app.EventScope(m.id)).
		On("keydown", x.onOpenKey(m.id), app.EventScope(m.id)).Body(
		svg("rect").Attr("x", left).Attr("y", y-30).Attr("width", right-left).Attr("height", 38).Class("hit"),
		line,
		svg("text").Attr("x", lx).Attr("y", y-8).Attr("text-anchor", "middle").Class("label").Text(text),
	)
}

// labelCharWidth is the advance of one character of a label (12.5px
// monospace), in SVG user units.
const labelCharWidth = 7.6

// labelBox centres a label over the arrow from left to right, keeps it
// inside the diagram, and returns the label's centre and the box the arrow
// highlights: the arrow, or the label when it is wider.
func labelBox(left, right int, text string) (lx, boxLeft, boxRight int) {
	w := int(float64(utf8.RuneCountInString(text))*labelCharWidth) + 12
	lx = (left + right) / 2
	if w < diagramWidth {
		lx = max(w/2, min(diagramWidth-w/2, lx))
	}
	if w <= right-left {
		return lx, left, right
	}
	return lx, max(0, min(left, lx-w/2)), min(diagramWidth, max(right, lx+w/2))
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// onOpenKey opens a message with Enter or Space, as a button would.
func (x *Exchange) onOpenKey(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		switch e.Get("key").String() {
		case "Enter", " ":
			e.PreventDefault()
			x.open = id
		}
	}
}
