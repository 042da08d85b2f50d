package engine

import (
	"fmt"
	"strings"

	"corsplay/engine/layer"
	"corsplay/engine/message"
)

// Layer is one layer in front of a server, of exactly one kind: an
// authentication layer, an error page, a proxy or CDN (package layer), or
// a second CORS middleware (a proxy's own CORS rules, nginx's add_header).
type Layer struct {
	// Name is what the steps call it ("nginx", "the login filter");
	// empty names it by its place and kind.
	Name  string           `json:"name,omitempty"`
	Auth  *layer.Auth      `json:"auth,omitempty"`
	Error *layer.ErrorPage `json:"error,omitempty"`
	Proxy *layer.Proxy     `json:"proxy,omitempty"`
	// CORS answers preflights itself, as a CORS middleware does, and adds
	// its CORS headers to every other answer: with the application's own,
	// a name both send goes out twice.
	CORS *Policy `json:"cors,omitempty"`
}

// MaxLayers is how many layers a server may have.
const MaxLayers = 8

// Title is what the steps call the i-th layer.
func (l Layer) Title(i int) string {
	if l.Name != "" {
		return l.Name
	}
	kind := "CORS layer"
	switch {
	case l.Auth != nil:
		kind = "authentication"
	case l.Error != nil:
		kind = "error page"
	case l.Proxy != nil:
		kind = "proxy"
	}
	return fmt.Sprintf("layers[%d] (%s)", i, kind)
}

// ByServer is how Hop.By and Hop.StatusBy name what the server behind the
// layers wrote.
const ByServer = "the server"

func (s Server) validateLayers(field string) error {
	if len(s.Layers) > MaxLayers {
		return &FieldError{field + ".layers", fmt.Sprintf("%d layers, at most %d", len(s.Layers), MaxLayers)}
	}
	caches := 0
	for i, l := range s.Layers {
		// A cache asks the layers behind it twice (the held answer and the
		// request's own): one cache per server keeps a request's cost at
		// twice, where eight would make it 256 times.
		if l.Proxy != nil && l.Proxy.Cache != nil {
			if caches++; caches > 1 {
				return &FieldError{fmt.Sprintf("%s.layers[%d].proxy.cache", field, i), "a second cache: corsplay models one cache in front of a server"}
			}
		}
		f := fmt.Sprintf("%s.layers[%d]", field, i)
		n := 0
		for _, set := range []bool{l.Auth != nil, l.Error != nil, l.Proxy != nil, l.CORS != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return &FieldError{f, "give exactly one of auth, error, proxy or cors"}
		}
		var sub, problem string
		switch {
		case l.Auth != nil:
			sub, problem = l.Auth.Validate()
			f += ".auth"
			if problem == "" {
				sub, problem = headersProblem(l.Auth.Headers, "headers")
			}
		case l.Error != nil:
			sub, problem = l.Error.Validate()
			f += ".error"
		case l.Proxy != nil:
			sub, problem = l.Proxy.Validate()
			f += ".proxy"
			for _, list := range []struct {
				name string
				hs   Headers
			}{{"set", l.Proxy.Set}, {"add", l.Proxy.Add}} {
				if problem == "" {
					sub, problem = headersProblem(list.hs, list.name)
				}
			}
			if c := l.Proxy.Cache; problem == "" && c != nil && c.PrimedBy != "" {
				if _, err := ParseOrigin(c.PrimedBy); err != nil {
					sub, problem = "cache.primedBy", err.Error()
				}
			}
		case l.CORS != nil:
			if err := l.CORS.validate(); err != nil {
				fe := err.(*FieldError)
				return &FieldError{f + ".cors" + strings.TrimPrefix(fe.Field, "server.policy"), fe.Problem}
			}
		}
		if problem != "" {
			return &FieldError{f + "." + sub, problem}
		}
	}
	return nil
}

// headersProblem is validateHeaders' problem with hs, under its own path.
func headersProblem(hs Headers, field string) (string, string) {
	if err := validateHeaders(field, hs); err != nil {
		fe := err.(*FieldError)
		return fe.Field, fe.Problem
	}
	return "", ""
}

// layered puts the server's layers in front of inner, the server's own
// answer: the response says who wrote its status and each line when there
// are layers.
func (s Server) layered(inner func(HTTPRequest) Response) func(HTTPRequest) Response {
	if len(s.Layers) == 0 {
		return inner
	}
	cors := make([]*compiledPolicy, len(s.Layers))
	for i, l := range s.Layers {
		if l.CORS != nil {
			c, err := l.CORS.compile()
			if err != nil {
				// Validate refuses it; unvalidated, the layer adds nothing.
				c, _ = Policy{}.compile()
			}
			cors[i] = c
		}
	}
	return func(req HTTPRequest) Response {
		meter := req.meter
		toEngine := func(r message.Request) HTTPRequest {
			return HTTPRequest{Method: r.Method, URL: r.URL, Headers: r.Headers, meter: meter, cookies: r.Cookies}
		}
		var h layer.Handler = func(r message.Request) layer.Response {
			resp := inner(toEngine(r))
			return layer.Written(message.Response{Status: resp.Status, Headers: resp.Headers}, ByServer)
		}
		for i := len(s.Layers) - 1; i >= 0; i-- {
			l, name := s.Layers[i], s.Layers[i].Title(i)
			switch {
			case l.Auth != nil:
				h = l.Auth.Wrap(name, h)
			case l.Error != nil:
				h = l.Error.Wrap(name, h)
			case l.Proxy != nil:
				h = l.Proxy.Wrap(name, h)
			case l.CORS != nil:
				h = corsLayer(cors[i], name, h, toEngine)
			}
		}
		out := h(message.Request{Method: req.Method, URL: req.URL, Headers: req.Headers, Cookies: req.cookies})
		return Response{Status: out.Status, Headers: out.Headers, by: out.By, statusBy: out.StatusBy}
	}
}

// corsLayer is a CORS middleware in front of next: it answers a preflight
// itself and adds its CORS lines to any other answer.
func corsLayer(c *compiledPolicy, name string, next layer.Handler, toEngine func(message.Request) HTTPRequest) layer.Handler {
	return func(r message.Request) layer.Response {
		own := c.respond(toEngine(r))
		if layer.IsPreflight(r) {
			return layer.Written(message.Response{Status: own.Status, Headers: own.Headers}, name)
		}
		out := next(r)
		for _, h := range own.Headers {
			if layer.IsCORSLine(h.Name) {
				out.Add(h, name)
			}
		}
		return out
	}
}

// layerNote says, for a server with layers, who wrote what a check looked
// at: the status, when a layer answered instead of the server, and
// Access-Control-Allow-Origin, when a layer wrote it or two did.
func layerNote(resp Response) string {
	if resp.statusBy == "" {
		return ""
	}
	if cache, ok := strings.CutSuffix(resp.statusBy, " (cache)"); ok {
		return " " + upperFirst(cache) + " served this answer from its cache: the server wrote it for an earlier request."
	}
	var parts []string
	if resp.statusBy != ByServer {
		parts = append(parts, fmt.Sprintf("%s answered %d itself", resp.statusBy, resp.Status))
	}
	writers := writersOf(resp, headerAllowOrigin)
	switch {
	case len(writers) == 0 && resp.statusBy != ByServer:
		parts = append(parts, "with no Access-Control-Allow-Origin: the CORS middleware did not add one to that answer")
	case len(writers) > 1:
		parts = append(parts, "Access-Control-Allow-Origin was written by "+andList(writers)+", one line each")
	case len(writers) == 1 && writers[0] != ByServer:
		parts = append(parts, "Access-Control-Allow-Origin was written by "+writers[0])
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + upperFirst(strings.Join(parts, ", ")) + "."
}
