package app

import (
	"fmt"
	"net/url"
	"strings"

	"corsplay/engine"
)

// A fetch that follows redirects sends more than a preflight and a
// request: the diagram then draws every request the browser sent
// (Outcome.Hops), each to the server that answered it, with the browser's
// decisions between them. A fetch without redirects keeps the diagram of
// one preflight and one request (messages, rows).

// hopped reports whether the exchange needs a row per hop: its requests
// are more than a preflight followed by the request it clears.
func hopped(o engine.Outcome) bool {
	switch h := o.Hops; len(h) {
	case 0, 1:
		return false
	case 2:
		return !h[0].Preflight || h[1].Preflight
	}
	return true
}

// Row IDs of a hop: its request, its response and the browser's decisions
// after the response.
func hopID(i int) string         { return fmt.Sprintf("hop-%d", i) }
func hopResponseID(i int) string { return fmt.Sprintf("hop-%d-response", i) }
func hopBrowserID(i int) string  { return fmt.Sprintf("browser-%d", i) }

// unsentID is the row of a request whose preflight, after a redirect,
// failed.
const unsentID = "unsent"

// serverName is who answered a hop, as the server lane says it: the
// scenario's server, the host of a server elsewhere, or nobody.
func serverName(h engine.Hop) string {
	switch {
	case h.Server == "server":
		return laneNames[laneServer]
	case h.Server == "":
		return "no server (404)"
	}
	if u, err := url.Parse(h.Request.URL); err == nil && u.Host != "" {
		return u.Host
	}
	return h.Server
}

// shortURL is a URL as a hop's row draws it: its origin (a redirect may
// change just the scheme) and its path, shortened in the middle
// (shortPath); a URL that is not absolute as it is. The row's full label
// has the URL whole.
func shortURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return shortPath(raw)
	}
	return u.Scheme + "://" + u.Host + shortPath(pathOf(raw))
}

// responseLabel is a response's status and its header count, with the
// Location a redirect (a redirect status, as the Fetch standard has them)
// sends the browser to: the label drawn (short) and in full.
func responseLabel(r *engine.Response) (short, full string) {
	s := statusLabel(r)
	if r == nil {
		return s, s
	}
	if !engine.IsRedirectStatus(r.Status) {
		return s, s
	}
	loc, ok := r.Headers.Get("Location")
	if !ok {
		return s, s
	}
	return s + "; Location: " + shortURL(loc), s + "; Location: " + loc
}

// hopRows lays out an exchange with redirects: the fetch() call, the
// browser's first decisions, then per hop its request, its response and
// the browser's decisions after it, an unsent request if the last
// preflight failed, and the result. Every step is on exactly one row.
func (x *Exchange) hopRows() []row {
	o := x.Outcome
	var rows []row
	at := map[string]int{}
	add := func(r row) {
		at[r.id] = len(rows)
		rows = append(rows, r)
	}
	thinking := func(id string) row {
		return row{message: message{id: id, label: "browser decides", full: "the browser decides", from: laneBrowser, to: laneBrowser}, thinking: true}
	}
	add(row{message: x.requestMessage()})
	add(thinking("browser"))
	last := len(o.Hops) - 1
	for i, h := range o.Hops {
		who := serverName(h)
		if by := answeredBy(h); by != "" {
			who = by
		}
		method := h.Request.Method
		label, full := method+" "+shortURL(h.Request.URL), method+" "+h.Request.URL
		if h.Preflight {
			label, full = label+" (preflight)", full+" (preflight)"
		}
		add(row{message: message{id: hopID(i), label: label, full: full, raw: rawRequest(h.Request), from: laneBrowser, to: laneServer, who: who}})
		short, long := responseLabel(h.Response)
		resp := message{id: hopResponseID(i), label: short, full: long, from: laneServer, to: laneBrowser, who: who,
			fail: i == last && o.Verdict == engine.Blocked}
		if h.Response != nil {
			resp.raw = rawAnswer(*h.Response, h)
		}
		add(row{message: resp})
		add(thinking(hopBrowserID(i)))
	}
	if last >= 0 && o.Hops[last].Preflight && o.Verdict != engine.Error {
		add(row{message: message{id: unsentID, label: "the request is never sent", full: "the request is never sent", from: laneBrowser, to: laneServer, unsent: true}})
	}
	res := resultLabel(o)
	add(row{message: message{id: "result", label: res, full: res, from: laneBrowser, to: lanePage,
		fail: o.Verdict == engine.Blocked || o.Verdict == engine.Error}})
	for i, id := range x.hopStepRows() {
		j, ok := at[id]
		if !ok {
			j = at["browser"]
		}
		rows[j].steps = append(rows[j].steps, i)
	}
	kept := rows[:0]
	for _, r := range rows {
		if !r.thinking || len(r.steps) > 0 {
			kept = append(kept, r)
		}
	}
	return kept
}

// hopStepRows names the row of each step of an exchange with redirects:
// a step about a message is on its hop's row; the browser's own decisions
// are on the browser's row after the last hop a step was about.
func (x *Exchange) hopStepRows() []string {
	o := x.Outcome
	ids := make([]string, len(o.Steps))
	browser := "browser"
	for i, st := range o.Steps {
		hop := st.Hop >= 0 && st.Hop < len(o.Hops)
		switch st.Message {
		case "request":
			ids[i] = "request"
		case "preflight", "preflight-response", "actual", "actual-response":
			preflight := strings.HasPrefix(st.Message, "preflight")
			switch {
			case hop && o.Hops[st.Hop].Preflight == preflight && strings.HasSuffix(st.Message, "-response"):
				ids[i] = hopResponseID(st.Hop)
			case hop && o.Hops[st.Hop].Preflight == preflight:
				ids[i] = hopID(st.Hop)
			case !preflight:
				ids[i] = unsentID // the request the failed preflight was for
			default:
				ids[i] = browser
			}
			if hop {
				browser = hopBrowserID(st.Hop)
			}
		default:
			if st.ID == "verdict" {
				ids[i] = "result"
			} else {
				ids[i] = browser
			}
		}
	}
	return ids
}
