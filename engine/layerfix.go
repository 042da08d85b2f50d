package engine

import (
	"slices"
	"strconv"
	"strings"
)

// layerFixes mend the layer that made the request fail, then whatever
// else the browser reports: an authentication that refused the preflight
// lets OPTIONS through; an error page gets the CORS headers; a proxy stops
// writing the CORS headers the application writes too; a cache keys its
// entries by Origin.
func layerFixes(s Scenario, out Outcome) []Fix {
	if len(out.Hops) == 0 || len(s.Server.Layers) == 0 {
		return nil
	}
	last := out.Hops[len(out.Hops)-1]
	if last.Server != "server" {
		return nil
	}
	const cost = "The page's origin gets what it needs and nothing more."
	at := func(name string) int {
		name = strings.TrimSuffix(name, " (cache)")
		for i, l := range s.Server.Layers {
			if l.Title(i) == name {
				return i
			}
		}
		return -1
	}
	edit := func(i int, title, do, why string, change func(*Scenario, *Layer)) Fix {
		return repaired(s, title, "low", cost, func(sc *Scenario, n *fixNotes) {
			sc.Server.Layers = slices.Clone(sc.Server.Layers)
			change(sc, &sc.Server.Layers[i])
			n.Note("", do, why)
		})
	}
	var fixes []Fix
	if i := at(last.StatusBy); i >= 0 {
		l := s.Server.Layers[i]
		switch {
		case l.Auth != nil && last.Preflight:
			fixes = append(fixes, edit(i, "Let OPTIONS through the authentication",
				"let OPTIONS requests through "+l.Title(i)+" without credentials",
				"A preflight never carries cookies or Authorization: the authentication must let it reach the CORS middleware. The request itself still needs its credentials.",
				func(_ *Scenario, l *Layer) { a := *l.Auth; a.AllowOptions = true; l.Auth = &a }))
		case l.Error != nil && !l.Error.CORS:
			fixes = append(fixes, edit(i, "Send the CORS headers with error responses too",
				"add the CORS headers to the "+strconv.Itoa(l.Error.Status)+" answers of "+l.Title(i),
				"The browser checks every answer for CORS headers, errors too; without them the page sees a CORS error instead of the status. nginx: add_header … always; a framework: register the error handler inside the CORS middleware.",
				func(_ *Scenario, l *Layer) { e := *l.Error; e.CORS = true; l.Error = &e }))
		case l.Proxy != nil && l.Proxy.Cache != nil:
			fixes = append(fixes, edit(i, "Key the cache by Origin",
				"send Vary: Origin from the server, and let "+l.Title(i)+" honour it",
				"An answer whose Access-Control-Allow-Origin names the caller differs by Origin: Vary: Origin tells every cache to keep one entry per Origin.",
				func(sc *Scenario, l *Layer) {
					p := *l.Proxy
					c := *p.Cache
					c.IgnoresVary = false
					p.Cache = &c
					l.Proxy = &p
					switch srv := &sc.Server; {
					case srv.Policy != nil:
						pol := *srv.Policy
						pol.Vary = nil
						srv.Policy = &pol
					case srv.Raw != nil && srv.Raw.Actual != nil && !srv.Raw.Actual.Headers.Has("Vary"):
						srv.Raw.Actual.Headers = append(slices.Clone(srv.Raw.Actual.Headers), Header{Name: "Vary", Value: "Origin"})
					}
				}))
		}
	}
	if w := writersOf(*last.Response.withBy(last), headerAllowOrigin); len(w) > 1 {
		for _, name := range w {
			i := at(name)
			if i < 0 {
				continue
			}
			l := s.Server.Layers[i]
			fixes = append(fixes, repaired(s, "Let one layer send the CORS headers", "low", cost, func(sc *Scenario, n *fixNotes) {
				sc.Server.Layers = slices.Delete(slices.Clone(sc.Server.Layers), i, i+1)
				if l.Proxy != nil {
					p := *l.Proxy
					notCORS := func(h Header) bool { return strings.HasPrefix(strings.ToLower(h.Name), "access-control-") }
					p.Add = slices.DeleteFunc(slices.Clone(p.Add), notCORS)
					p.Set = slices.DeleteFunc(slices.Clone(p.Set), notCORS)
					if len(p.Add)+len(p.Set)+len(p.Remove) > 0 || p.Cache != nil {
						sc.Server.Layers = slices.Insert(sc.Server.Layers, i, Layer{Name: l.Name, Proxy: &p})
					}
				}
				n.Note("", "stop "+name+" from adding CORS headers: the application already answers CORS", "Two layers each adding Access-Control-Allow-Origin make two lines, which every browser refuses, even when both name the same origin.")
			}))
			break
		}
	}
	return fixes
}

// withBy is the hop's response with who wrote each line.
func (r *Response) withBy(h Hop) *Response {
	c := *r
	c.by, c.statusBy = h.By, h.StatusBy
	return &c
}
