package engine

import (
	"encoding/json"

	"corsplay/engine/pattern"
)

// Responder answers HTTP requests the way a scenario's server does. It
// fails with a *pattern.BudgetError when matching the server's patterns
// against the request would cost more than pattern.Budget: the server's
// answer is then unknown.
type Responder func(HTTPRequest) (Response, error)

// Responder returns the server side of the scenario: raw responses as typed,
// a policy's simulated middleware, or a library's emulation. It fails on a
// configuration that does not validate, and with a *ConfigError on one the
// library refuses. Each request has its own budget.
func (s Server) Responder() (Responder, error) {
	r, _, err := s.responder()
	if err != nil {
		return nil, err
	}
	return func(req HTTPRequest) (Response, error) {
		req.meter = pattern.NewMeter(pattern.Budget)
		resp := r(req)
		return resp, req.meter.Err()
	}, nil
}

// responder is Responder, without a budget of its own (the request's
// meter pays), plus what a library logs about its configuration.
func (s Server) responder() (func(HTTPRequest) Response, []string, error) {
	if s.Library != nil {
		em, err := s.Library.emulation()
		if err != nil {
			return nil, nil, err
		}
		return s.layered(em.respond), em.warnings(), nil
	}
	r, err := s.plainResponder()
	if err != nil {
		return nil, nil, err
	}
	return s.layered(r), nil, nil
}

func (s Server) plainResponder() (func(HTTPRequest) Response, error) {
	if s.Policy != nil {
		c, err := s.Policy.compile()
		if err != nil {
			return nil, err
		}
		return c.respond, nil
	}
	return s.respondRaw, nil
}

// Footprint is about the bytes a server decoded to answer requests keeps
// in memory: its configuration, and its compiled patterns at 128 bytes an
// instruction (Go's regexp keeps about 45, its matching machines more). It
// is 0 for a server that does not validate. The lab bounds its cache of
// servers with it.
func (s Server) Footprint() int {
	if s.validate() != nil {
		return 0
	}
	data, _ := json.Marshal(s)
	insts := 0
	if s.Policy != nil {
		c, _ := s.Policy.compile()
		insts = c.insts
	} else if s.Library != nil {
		em, _ := s.Library.emulation()
		if p, ok := em.(interface{ patternInsts() int }); ok {
			insts = p.patternInsts()
		}
	}
	return 4*len(data) + 128*insts
}

// Respond answers one request; see Responder.
func (s Server) Respond(req HTTPRequest) (Response, error) {
	r, err := s.Responder()
	if err != nil {
		return Response{}, err
	}
	return r(req)
}

// IsPreflight reports whether req is a CORS-preflight request: OPTIONS with
// Origin and Access-Control-Request-Method.
// https://fetch.spec.whatwg.org/#cors-preflight-request
func IsPreflight(req HTTPRequest) bool {
	return req.Method == "OPTIONS" && req.Headers.Has("Origin") && req.Headers.Has(headerRequestMethod)
}

// respondRaw answers with the typed responses: the preflight one to a
// preflight (404 without CORS headers when none is typed), the actual one to
// anything else (200 without headers when none is typed).
func (s Server) respondRaw(req HTTPRequest) Response {
	if IsPreflight(req) {
		if s.Raw != nil && s.Raw.Preflight != nil {
			return *s.Raw.Preflight
		}
		return Response{Status: 404}
	}
	if s.Raw != nil && s.Raw.Actual != nil {
		return *s.Raw.Actual
	}
	return Response{Status: 200}
}
